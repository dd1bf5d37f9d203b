/*
 * fuzz_html.c: where the banner goes (maint_html.c).  Input: a byte that
 * seeds how the page is cut into pieces, a byte that picks the scan limit,
 * then the page.  Properties:
 *
 *   - the answer does not depend on the pieces: whole, byte by byte and
 *     cut at random give the same offset (or none);
 *   - it is the answer of a second, slow tokenizer written here another
 *     way (whole page in hand, looking ahead with string matches instead
 *     of one state per byte): the first <body> start tag outside every
 *     comment, DOCTYPE, attribute value, script (with its <!-- escapes),
 *     RAWTEXT/RCDATA element and template, given up at what the scan does
 *     not follow;
 *   - the bytes before the offset end with that tag: "<body" (any case),
 *     then white space, "/" or ">", and the offset is just past a ">";
 *   - the ">" is within the limit.
 */

#include "fuzz.h"
#include "maint_html.h"

#include <sys/types.h>


#define NONE  ((ssize_t) -1)


/* --- the slow tokenizer ---------------------------------------------- */

static int
is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}


static int
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}


static int
at(const unsigned char *s, size_t n, size_t i, const char *lit, int ci)
{
    size_t  k, len = strlen(lit);

    if (i > n || n - i < len) {
        return 0;
    }

    for (k = 0; k < len; k++) {
        unsigned char a = s[i + k], b = (unsigned char) lit[k];

        if (ci && a >= 'A' && a <= 'Z') {
            a |= 0x20;
        }

        if (a != b) {
            return 0;
        }
    }

    return 1;
}


/* the index just past the next ">" from i, or n when there is none */

static size_t
past_gt(const unsigned char *s, size_t n, size_t i)
{
    const unsigned char  *gt;

    if (i >= n) {
        return n;
    }

    gt = memchr(s + i, '>', n - i);
    return gt ? (size_t) (gt - s) + 1 : n;
}


/*
 * A tag whose name starts at i: its name (lowercased, cut at 31 bytes;
 * *name_len is the real length), and the index just past its ">", or
 * NONE when the page ends first.
 */

static ssize_t
tag(const unsigned char *s, size_t n, size_t i, char *name, size_t *name_len)
{
    size_t         k = 0;
    unsigned char  q, c;

    while (i < n && !is_ws(s[i]) && s[i] != '/' && s[i] != '>') {
        c = s[i++];
        if (k < 31) {
            name[k] = (c >= 'A' && c <= 'Z') ? c | 0x20 : c;
        }
        k++;
    }

    name[k < 31 ? k : 31] = '\0';
    *name_len = k;

    for ( ;; ) {
        /* between attributes a "/" is nothing, unless a ">" follows */
        while (i < n && (is_ws(s[i]) || s[i] == '/')) {
            i++;
        }

        if (i >= n) {
            return NONE;
        }

        if (s[i] == '>') {
            return (ssize_t) i + 1;
        }

        /* a name: its first byte may be anything, "=" too */
        i++;
        while (i < n && !is_ws(s[i]) && s[i] != '/' && s[i] != '>'
               && s[i] != '=')
        {
            i++;
        }

        while (i < n && is_ws(s[i])) {
            i++;
        }

        if (i >= n) {
            return NONE;
        }

        if (s[i] != '=') {
            continue;
        }

        i++;
        while (i < n && is_ws(s[i])) {
            i++;
        }

        if (i >= n) {
            return NONE;
        }

        if (s[i] == '"' || s[i] == '\'') {
            q = s[i++];
            while (i < n && s[i] != q) {
                i++;
            }

            if (i >= n) {
                return NONE;
            }

            i++;
            continue;
        }

        if (s[i] == '>') {
            return (ssize_t) i + 1;
        }

        while (i < n && !is_ws(s[i]) && s[i] != '>') {
            i++;
        }
    }
}


/* an end tag "</name" (any case) at i, ended as the tokenizer ends it */

static int
end_tag_at(const unsigned char *s, size_t n, size_t i, const char *name)
{
    size_t  len = strlen(name);

    return at(s, n, i, "</", 0) && at(s, n, i + 2, name, 1)
           && i + 2 + len < n
           && (is_ws(s[i + 2 + len]) || s[i + 2 + len] == '/'
               || s[i + 2 + len] == '>');
}


/* past the end tag of the RAWTEXT/RCDATA element "name" from i, or NONE */

static ssize_t
text_end(const unsigned char *s, size_t n, size_t i, const char *name)
{
    char    buf[32];
    size_t  len;

    for ( ; i < n; i++) {
        if (end_tag_at(s, n, i, name)) {
            return tag(s, n, i + 2, buf, &len);
        }
    }

    return NONE;
}


/* past the script's end tag from i, or NONE */

static ssize_t
script_end(const unsigned char *s, size_t n, size_t i)
{
    char    buf[32];
    size_t  len, from = 0;
    enum { NORMAL, ESCAPED, DOUBLE } mode = NORMAL;

    while (i < n) {
        if (mode == NORMAL) {
            if (end_tag_at(s, n, i, "script")) {
                return tag(s, n, i + 2, buf, &len);
            }

            if (at(s, n, i, "<!--", 0)) {
                mode = ESCAPED;
                from = i + 2;       /* its dashes count for "-->" */
                i += 4;
                continue;
            }

            i++;
            continue;
        }

        /* escaped or double escaped: "-->" ends either */
        if (s[i] == '>' && i >= from + 2 && s[i - 1] == '-'
            && s[i - 2] == '-')
        {
            mode = NORMAL;
            i++;
            continue;
        }

        if (end_tag_at(s, n, i, "script")) {
            if (mode == ESCAPED) {
                return tag(s, n, i + 2, buf, &len);
            }

            mode = ESCAPED;         /* the inner script's end */
            i += 2 + 6 + 1;
            from = i;
            continue;
        }

        if (mode == ESCAPED && s[i] == '<' && at(s, n, i + 1, "script", 1)
            && i + 7 < n
            && (is_ws(s[i + 7]) || s[i + 7] == '/' || s[i + 7] == '>'))
        {
            mode = DOUBLE;
            i += 8;
            from = i;
            continue;
        }

        i++;
    }

    return NONE;
}


static const char  *text_elts[] = {
    "style", "xmp", "iframe", "noembed", "noframes", "noscript", "title",
    "textarea", NULL
};

static const char  *give_up_elts[] = {
    "plaintext", "svg", "math", "select", "frameset", NULL
};


static int
in_list(const char **list, const char *name, size_t len)
{
    for ( ; *list; list++) {
        if (strlen(*list) == len && strcmp(*list, name) == 0) {
            return 1;
        }
    }

    return 0;
}


/* the offset past the first real <body ...>, or NONE; *start: its "<" */

static ssize_t
slow_body(const unsigned char *s, size_t n, size_t *start)
{
    char     name[32];
    size_t   i = 0, len, templates = 0;
    ssize_t  e;

    const unsigned char  *esc;

    /* UTF-16's byte order mark: not read at all; ISO-2022-JP's ESC: the
     * page is read up to it */
    if (n && (s[0] == 0xfe || s[0] == 0xff)) {
        return NONE;
    }

    esc = memchr(s, 0x1b, n);
    if (esc) {
        n = (size_t) (esc - s);
    }

    while (i < n) {
        if (s[i] != '<' || i + 1 >= n) {
            i++;
            continue;
        }

        if (s[i + 1] == '!') {
            if (at(s, n, i + 2, "--", 0)) {
                size_t  k = i + 4, m;

                if (k < n && s[k] == '>') {
                    i = k + 1;                      /* <!--> */
                    continue;
                }

                if (at(s, n, k, "->", 0)) {
                    i = k + 2;                      /* <!---> */
                    continue;
                }

                for (m = k; m < n; m++) {
                    if (at(s, n, m, "-->", 0) || at(s, n, m, "--!>", 0)) {
                        break;
                    }
                }

                if (m >= n) {
                    return NONE;
                }

                i = m + (s[m + 2] == '>' ? 3 : 4);
                continue;
            }

            if (at(s, n, i + 2, "[CDATA[", 0)) {
                return NONE;
            }

            i = past_gt(s, n, i + 2);       /* DOCTYPE or bogus */
            continue;
        }

        if (s[i + 1] == '?') {
            i = past_gt(s, n, i + 2);
            continue;
        }

        if (s[i + 1] == '/') {
            if (i + 2 >= n) {
                return NONE;
            }

            if (s[i + 2] == '>') {
                i += 3;
                continue;
            }

            if (!is_alpha(s[i + 2])) {
                i = past_gt(s, n, i + 2);
                continue;
            }

            e = tag(s, n, i + 2, name, &len);
            if (e == NONE) {
                return NONE;
            }

            if (len == 8 && strcmp(name, "template") == 0 && templates) {
                templates--;
            }

            i = (size_t) e;
            continue;
        }

        if (!is_alpha(s[i + 1])) {
            i++;
            continue;
        }

        e = tag(s, n, i + 1, name, &len);
        if (e == NONE) {
            return NONE;
        }

        if (len == 4 && strcmp(name, "body") == 0 && templates == 0) {
            *start = i;
            return e;
        }

        if (in_list(give_up_elts, name, len)) {
            return NONE;
        }

        if (len == 8 && strcmp(name, "template") == 0) {
            templates++;

        } else if (len == 6 && strcmp(name, "script") == 0) {
            e = script_end(s, n, (size_t) e);

        } else if (in_list(text_elts, name, len)) {
            e = text_end(s, n, (size_t) e, name);
        }

        if (e == NONE) {
            return NONE;
        }

        i = (size_t) e;
    }

    return NONE;
}


/* --- the scan under test ------------------------------------------- */

static ssize_t
scan(const char *s, size_t n, size_t limit, unsigned seed, size_t max_piece)
{
    size_t        from = 0, piece;
    ssize_t       rc;
    maint_html_t  h;
    char         *copy;

    maint_html_init(&h, limit);

    do {
        piece = max_piece ? 1 + seed % max_piece : n - from;
        if (piece > n - from) {
            piece = n - from;
        }

        seed = seed * 1103515245u + 12345u;

        /* each piece in a buffer of its own: ASan sees any overread */
        copy = malloc(piece ? piece : 1);
        if (copy == NULL) {
            abort();
        }
        memcpy(copy, s + from, piece);
        rc = maint_html_feed(&h, copy, piece);
        free(copy);

        if (rc >= 0) {
            FUZZ_CHECK(rc >= 1 && (size_t) rc <= piece);
            FUZZ_CHECK(maint_html_feed(&h, s, n) == MAINT_HTML_NEVER);
            return (ssize_t) (from + rc);
        }

        if (rc == MAINT_HTML_NEVER) {
            return NONE;
        }

        FUZZ_CHECK(rc == MAINT_HTML_MORE);
        from += piece;

    } while (from < n);

    return NONE;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t          n, limit, start = 0;
    ssize_t         whole, want;
    const char     *s;
    unsigned        seed, sel;

    if (size < 2) {
        return 0;
    }

    seed = data[0];
    sel = data[1];
    s = (const char *) data + 2;
    n = size - 2;

    /* mostly the module's limit; sometimes one that cuts the page */
    limit = (sel & 0x80) ? (sel & 0x7f) * 4 : 65536;

    whole = scan(s, n, limit, 0, 0);

    FUZZ_CHECK(scan(s, n, limit, 0, 1) == whole);
    FUZZ_CHECK(scan(s, n, limit, seed, 1 + seed % 17) == whole);
    FUZZ_CHECK(scan(s, n, limit, seed ^ 0x5a, 3) == whole);

    want = slow_body((const unsigned char *) s, n < limit ? n : limit, &start);
    if (want != whole) {
        fprintf(stderr, "scan: %zd, slow tokenizer: %zd\n", whole, want);
    }
    FUZZ_CHECK(want == whole);

    if (whole != NONE) {
        FUZZ_CHECK((size_t) whole <= limit && (size_t) whole <= n);
        FUZZ_CHECK(s[whole - 1] == '>');
        FUZZ_CHECK(start + 5 < (size_t) whole);
        FUZZ_CHECK(at((const unsigned char *) s, n, start, "<body", 1));
        FUZZ_CHECK(is_ws(s[start + 5]) || s[start + 5] == '/'
                   || s[start + 5] == '>');
    }

    return 0;
}
