/*
 * fuzz_path.c: the canonical raw path (maint_path.c).  The property: when
 * it says a raw path is canonical, percent-decoding it once yields a path
 * with no dot segment, empty segment, "\", ";", "%" or control byte, that
 * equals what NGINX makes of the raw path (with merge_slashes on and off),
 * what an app makes of it by turning "\" into "/", cutting ";" parameters
 * or decoding twice, and the path it is said to decode to.  And a plain
 * path of unreserved characters is canonical (the check refuses what it
 * must, not everything).  Input: a raw path, NUL, a judged path.
 */

#include "fuzz.h"
#include "maint_eval.h"


/* -1: a malformed escape; otherwise the decoded length */

static long
ref_decode(const char *in, size_t len, char *out)
{
    int     h, l;
    size_t  i, n;

    for (i = 0, n = 0; i < len; n++) {
        if (in[i] != '%') {
            out[n] = in[i++];
            continue;
        }

        if (len - i < 3) {
            return -1;
        }

        h = in[i + 1];
        l = in[i + 2];

        h = h >= '0' && h <= '9' ? h - '0'
            : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10
            : -1;
        l = l >= '0' && l <= '9' ? l - '0'
            : (l | 0x20) >= 'a' && (l | 0x20) <= 'f' ? (l | 0x20) - 'a' + 10
            : -1;

        if (h < 0 || l < 0) {
            return -1;
        }

        out[n] = (char) (h << 4 | l);
        i += 3;
    }

    return (long) n;
}


/*
 * What NGINX makes of a raw path (ngx_http_parse_complex_uri): escapes
 * decoded, a decoded "/" or "." as structural as a literal one, the path
 * ends at a raw "?" or "#", slashes merged if asked, "." and ".."
 * segments removed.  -1: NGINX refuses it (a bad escape, ".." above the
 * root).  Written independently of maint_path.c, segment by segment.
 */

static long
ref_nginx(const char *raw, size_t len, int merge_slashes, char *out)
{
    char    *dec;
    long     n;
    size_t   i, start, end, o, cut;

    for (cut = 0; cut < len && raw[cut] != '?' && raw[cut] != '#'; cut++) {
        /* void */
    }

    dec = malloc(cut + 1);
    if (dec == NULL) {
        abort();
    }

    n = ref_decode(raw, cut, dec);
    if (n <= 0 || dec[0] != '/') {
        free(dec);
        return -1;
    }

    o = 0;

    for (start = 1; ; start = end + 1) {
        for (end = start; end < (size_t) n && dec[end] != '/'; end++) {
            /* void */
        }

        if (end - start == 1 && dec[start] == '.') {
            /* "/./" is "/", and a last "/." too */
            if (end >= (size_t) n) {
                out[o++] = '/';
            }

        } else if (end - start == 2 && dec[start] == '.'
                   && dec[start + 1] == '.')
        {
            if (o == 0) {
                free(dec);
                return -1;
            }

            /* back to the "/" before the last segment */
            do {
                o--;
            } while (out[o] != '/');

            if (end >= (size_t) n) {
                out[o++] = '/';         /* "/a/b/.." is "/a/" */
            }

        } else if (end - start == 0 && merge_slashes && end < (size_t) n) {
            /* "//" is "/" */

        } else {
            out[o++] = '/';
            memcpy(out + o, dec + start, end - start);
            o += end - start;
        }

        if (end >= (size_t) n) {
            break;
        }
    }

    /* the loop wrote "/seg" per segment: a final empty one keeps its "/" */
    if (o == 0) {
        out[o++] = '/';
    }

    free(dec);

    return (long) o;
}


/* 1 when decoded bytes are strict UTF-8: no overlong, surrogate, > max */

static int
ref_utf8(const unsigned char *s, size_t n)
{
    size_t        i, k, need;
    unsigned int  cp, min;

    for (i = 0; i < n; i++) {
        if (s[i] < 0x80) {
            continue;
        }

        if ((s[i] & 0xe0) == 0xc0) {
            need = 1, cp = s[i] & 0x1f, min = 0x80;
        } else if ((s[i] & 0xf0) == 0xe0) {
            need = 2, cp = s[i] & 0x0f, min = 0x800;
        } else if ((s[i] & 0xf8) == 0xf0) {
            need = 3, cp = s[i] & 0x07, min = 0x10000;
        } else {
            return 0;
        }

        for (k = 0; k < need; k++) {
            if (++i >= n || (s[i] & 0xc0) != 0x80) {
                return 0;
            }

            cp = cp << 6 | (s[i] & 0x3f);
        }

        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)
            || cp == 0xff0e || cp == 0xff0f || cp == 0xff3c
            || cp == 0xfe52 || cp == 0x2024 || cp == 0x2025)
        {
            return 0;
        }
    }

    return 1;
}


static int
plain(const char *raw, size_t len)
{
    size_t  i, seg;
    int     dots;

    if (len == 0 || raw[0] != '/') {
        return 0;
    }

    for (i = 1, seg = 0, dots = 1; i <= len; i++) {
        if (i == len || raw[i] == '/') {
            if (seg && dots) {
                return 0;               /* a dot segment */
            }

            if (seg == 0 && i < len) {
                return 0;               /* "//" */
            }

            seg = 0;
            dots = 1;
            continue;
        }

        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789-._~!$&'()*+,=:@", raw[i])
            || raw[i] == '\0')
        {
            return 0;
        }

        seg++;
        dots &= raw[i] == '.';
    }

    return 1;
}


static void
check_canonical(const char *raw, size_t len)
{
    char    *dec, *again, *ngx, *alt;
    long     n, m, k;
    size_t   i, seg;
    int      dots;

    dec = malloc(len + 1);
    again = malloc(len + 1);
    ngx = malloc(len + 2);
    alt = malloc(len + 1);
    if (dec == NULL || again == NULL || ngx == NULL || alt == NULL) {
        abort();
    }

    n = ref_decode(raw, len, dec);
    FUZZ_CHECK(n > 0 && dec[0] == '/');

    /* no byte an app might read as structure, no control byte */
    for (i = 0; i < (size_t) n; i++) {
        unsigned char c = (unsigned char) dec[i];

        FUZZ_CHECK(c != '\\' && c != ';' && c != '%' && c != '#'
                   && c != '?' && c >= 0x20 && c != 0x7f);
    }

    FUZZ_CHECK(ref_utf8((unsigned char *) dec, (size_t) n));

    /* no empty segment but a final one, no segment of dots and spaces */
    for (i = 1, seg = 0, dots = 1; i <= (size_t) n; i++) {
        if (i == (size_t) n || dec[i] == '/') {
            FUZZ_CHECK(seg > 0 || i == (size_t) n);
            FUZZ_CHECK(seg == 0 || !dots);
            seg = 0;
            dots = 1;
            continue;
        }

        seg++;
        dots &= dec[i] == '.' || dec[i] == ' ';
    }

    /* decoding once more changes nothing: no double encoding */
    m = ref_decode(dec, (size_t) n, again);
    FUZZ_CHECK(m == n && memcmp(again, dec, (size_t) n) == 0);

    /* NGINX's normalisation, either way of slashes, is the decoded path */
    k = ref_nginx(raw, len, 0, ngx);
    FUZZ_CHECK(k == n && memcmp(ngx, dec, (size_t) n) == 0);
    k = ref_nginx(raw, len, 1, ngx);
    FUZZ_CHECK(k == n && memcmp(ngx, dec, (size_t) n) == 0);

    /* an app's reading: "\" as "/", then normalised, is the same */
    for (i = 0; i < len; i++) {
        alt[i] = raw[i] == '\\' ? '/' : raw[i];
    }

    k = ref_nginx(alt, len, 1, ngx);
    FUZZ_CHECK(k == n && memcmp(ngx, dec, (size_t) n) == 0);

    /* it decodes to this path and to no other */
    FUZZ_CHECK(maint_path_decodes_to(raw, len, dec, (size_t) n));
    FUZZ_CHECK(!maint_path_decodes_to(raw, len, dec, (size_t) n - 1));
    dec[n - 1] ^= 1;
    FUZZ_CHECK(!maint_path_decodes_to(raw, len, dec, (size_t) n));

    free(dec);
    free(again);
    free(ngx);
    free(alt);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int         c;
    char       *raw, *judged;
    size_t      raw_len, judged_len, plen;
    fuzz_in_t   in = { (const char *) data, size };

    raw = fuzz_part(&in, &raw_len);
    judged = fuzz_part(&in, &judged_len);

    plen = maint_path_len(raw, raw_len);
    FUZZ_CHECK(plen <= raw_len && memchr(raw, '?', plen) == NULL);

    c = maint_path_canonical(raw, raw_len);
    FUZZ_CHECK(c == 0 || c == 1);

    if (c) {
        check_canonical(raw, raw_len);
    }

    if (plain(raw, raw_len)) {
        FUZZ_CHECK(c == 1);
    }

    /* it decodes to a judged path only when canonical and equal */
    if (maint_path_decodes_to(raw, raw_len, judged, judged_len)) {
        FUZZ_CHECK(c == 1);
        FUZZ_CHECK(maint_path_trusted(raw, raw_len, judged, judged_len, 0));
    }

    FUZZ_CHECK(maint_path_trusted(NULL, 0, judged, judged_len, 0)
               == maint_path_canonical(judged, judged_len));
    FUZZ_CHECK(maint_path_trusted(raw, raw_len, judged, judged_len, 1)
               == (maint_path_decodes_to(raw, raw_len, judged, judged_len)
                   || (c && maint_path_canonical(judged, judged_len))));
    FUZZ_CHECK(maint_path_trusted(raw, raw_len, judged, judged_len, 0)
               == maint_path_decodes_to(raw, raw_len, judged, judged_len));

    free(raw);
    free(judged);

    return 0;
}
