/*
 * maint_path.c: the canonical form of a raw request path (maint_path.h).
 * Pure functions of their arguments, no allocation.
 */

#include <string.h>

#include "maint_codec.h"
#include "maint_path.h"


/*
 * Characters whose Unicode compatibility form (NFKC) holds one of
 * ". / \ ; % ? #": an app that normalises its paths would turn them into
 * a separator or a dot segment ("\xef\xbc\x8e\xef\xbc\x8e" is "..").
 */

static const struct {
    unsigned int  lo, hi;
} maint_path_confusables[] = {
    { 0x037e, 0x037e },         /* Greek question mark: ; */
    { 0x2024, 0x2026 },         /* one and two dot leaders, ellipsis */
    { 0x2047, 0x2049 },         /* ?? ?! !? */
    { 0x2100, 0x2101 },         /* a/c a/s */
    { 0x2105, 0x2106 },         /* c/o c/u */
    { 0x2488, 0x249b },         /* digit full stops: 1. to 20. */
    { 0x33c2, 0x33c2 },         /* a.m. */
    { 0x33c7, 0x33c7 },         /* Co. */
    { 0x33d8, 0x33d8 },         /* p.m. */
    { 0xfe14, 0xfe14 },         /* vertical forms: ; ? ... .. */
    { 0xfe16, 0xfe16 },
    { 0xfe19, 0xfe19 },
    { 0xfe30, 0xfe30 },
    { 0xfe52, 0xfe52 },         /* small forms: . ; ? # \ % */
    { 0xfe54, 0xfe54 },
    { 0xfe56, 0xfe56 },
    { 0xfe5f, 0xfe5f },
    { 0xfe68, 0xfe68 },
    { 0xfe6a, 0xfe6a },
    { 0xff03, 0xff03 },         /* fullwidth forms: # % . / ; ? \ */
    { 0xff05, 0xff05 },
    { 0xff0e, 0xff0f },
    { 0xff1b, 0xff1b },
    { 0xff1f, 0xff1f },
    { 0xff3c, 0xff3c },
    { 0x1f100, 0x1f100 }        /* 0. */
};


static int
maint_path_confusable(unsigned int cp)
{
    size_t  i, n;

    n = sizeof(maint_path_confusables) / sizeof(maint_path_confusables[0]);

    for (i = 0; i < n; i++) {
        if (cp >= maint_path_confusables[i].lo
            && cp <= maint_path_confusables[i].hi)
        {
            return 1;
        }
    }

    return 0;
}


size_t
maint_path_len(const char *target, size_t len)
{
    const char  *q;

    q = memchr(target, '?', len);

    return q ? (size_t) (q - target) : len;
}


/*
 * One UTF-8 decoder step over the decoded bytes.  Returns 0 to go on, -1
 * for a byte that makes the sequence invalid, overlong, a surrogate, out
 * of range or a confusable character.
 */

typedef struct {
    unsigned int  cp;
    unsigned int  min;
    int           need;
} maint_utf8_t;


static int
maint_path_utf8(maint_utf8_t *u, unsigned char c)
{
    if (u->need == 0) {
        if (c < 0x80) {
            return 0;
        }

        if (c >= 0xc2 && c <= 0xdf) {
            u->cp = c & 0x1f;
            u->min = 0x80;
            u->need = 1;

        } else if (c >= 0xe0 && c <= 0xef) {
            u->cp = c & 0x0f;
            u->min = 0x800;
            u->need = 2;

        } else if (c >= 0xf0 && c <= 0xf4) {
            u->cp = c & 0x07;
            u->min = 0x10000;
            u->need = 3;

        } else {
            return -1;              /* a stray continuation, 0xc0, 0xc1 */
        }

        return 0;
    }

    if ((c & 0xc0) != 0x80) {
        return -1;
    }

    u->cp = (u->cp << 6) | (c & 0x3f);

    if (--u->need > 0) {
        return 0;
    }

    if (u->cp < u->min || u->cp > 0x10ffff
        || (u->cp >= 0xd800 && u->cp <= 0xdfff)
        || maint_path_confusable(u->cp))
    {
        return -1;
    }

    return 0;
}


int
maint_path_canonical(const char *raw, size_t len)
{
    int             h, l, escaped, dots_only;
    size_t          i, seg;
    unsigned char   c;
    maint_utf8_t    u;

    if (len == 0 || raw[0] != '/') {
        return 0;
    }

    memset(&u, 0, sizeof(u));

    seg = 0;                    /* bytes of the current segment */
    dots_only = 1;              /* so far only "." and " " in it */

    for (i = 1; i < len; /* void */) {
        c = (unsigned char) raw[i];
        escaped = (c == '%');

        if (escaped) {
            if (len - i < 3
                || (h = maint_hex_digit((unsigned char) raw[i + 1])) < 0
                || (l = maint_hex_digit((unsigned char) raw[i + 2])) < 0)
            {
                return 0;
            }

            c = (unsigned char) (h << 4 | l);
            i += 3;

            /*
             * Whatever an app may take for structure stays literal: an
             * encoded "/" or "\" is a separator to some, an encoded "."
             * a dot segment, "%25" a second round of decoding.
             */

            switch (c) {
            case '/': case '\\': case '.': case '%':
            case ';': case '?': case '#':
                return 0;
            }

        } else {
            i++;

            switch (c) {
            case '\\':                  /* a separator on some servers */
            case ';':                   /* path parameters: servlets */
            case '#':                   /* NGINX ends the URI here */
            case '?':
            case ' ':
                return 0;
            }
        }

        if (c < 0x20 || c == 0x7f) {
            return 0;
        }

        if (maint_path_utf8(&u, c) != 0) {
            return 0;
        }

        if (c == '/') {
            /* "//": an empty segment, or a dot segment ends here */
            if (seg == 0 || dots_only) {
                return 0;
            }

            seg = 0;
            dots_only = 1;
            continue;
        }

        seg++;

        if (c != '.' && c != ' ') {
            dots_only = 0;
        }
    }

    if (u.need) {
        return 0;                       /* a truncated character */
    }

    /* a last segment of dots: "/x/.." (a final "/" leaves seg at 0) */

    return seg == 0 || !dots_only;
}


int
maint_path_decodes_to(const char *raw, size_t raw_len, const char *path,
    size_t path_len)
{
    size_t         i, j;
    unsigned char  c;

    if (!maint_path_canonical(raw, raw_len)) {
        return 0;
    }

    /* every "%" in a canonical path starts a valid escape */

    for (i = 0, j = 0; i < raw_len; j++) {
        c = (unsigned char) raw[i];

        if (c == '%') {
            c = (unsigned char)
                    (maint_hex_digit((unsigned char) raw[i + 1]) << 4
                     | maint_hex_digit((unsigned char) raw[i + 2]));
            i += 3;

        } else {
            i++;
        }

        if (j >= path_len || (unsigned char) path[j] != c) {
            return 0;
        }
    }

    return j == path_len;
}


int
maint_path_trusted(const char *raw, size_t raw_len, const char *path,
    size_t path_len, int rewritten)
{
    if (raw == NULL) {
        return maint_path_canonical(path, path_len);
    }

    if (maint_path_decodes_to(raw, raw_len, path, path_len)) {
        return 1;
    }

    /* "set $args" also counts as a rewrite: the URI may still be raw's */

    return rewritten && maint_path_canonical(raw, raw_len)
           && maint_path_canonical(path, path_len);
}
