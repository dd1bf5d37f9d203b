/*
 * fuzz_cookie.c: the session cookie as the edge reads it from outside
 * bytes (maint_cookie.c, maint_session.c): Cookie header walking, the
 * value check, the removal of the session cookie from a header,
 * Set-Cookie reading, the hashes of a value and the forms an app may read
 * it in.  Input: a Cookie header value, NUL, a Set-Cookie header value.
 *
 * The property the edge promises: after the upstream filter no pair of
 * the header carries the session cookie's name, exactly or as an alias,
 * unless it is an exact one whose value was checked; and the forms of a
 * value hold the id of every reading of it an app may make.
 */

#include "fuzz.h"
#include "maint_session.h"
#include "maint_codec.h"
#include "maint_hash.h"
#include "maint_cookie.h"


typedef struct {
    const char  *header;
    size_t       len;
    int          seen;
} fuzz_cookie_ctx_t;


static void
fuzz_cookie_value(void *data, const char *value, size_t len, int valid)
{
    char                 id[MAINT_SESSION_ID_HEX + 1];
    unsigned char        key[16] = { 1, 2, 3 }, mac[16];
    fuzz_cookie_ctx_t   *ctx = data;

    ctx->seen++;

    /* every value is a slice of the header */
    FUZZ_CHECK(value >= ctx->header
               && value + len <= ctx->header + ctx->len);
    FUZZ_CHECK(valid == maint_cookie_value_ok(value, len));

    if (valid) {
        FUZZ_CHECK(maint_session_id(value, len, id));
        FUZZ_CHECK(strlen(id) == MAINT_SESSION_ID_HEX);
        maint_siphash(key, value, len, mac, 16);
        maint_siphash(key, value, len, mac, 8);
        maint_siphash13(key, value, len, mac, 16);
    }
}


static int fuzz_hexval(char c);
static int fuzz_name_ref(const char *n, size_t n_len, const char *name,
    size_t name_len);


/* "checked" here: an even first byte; the module: looked up and active */

static int
fuzz_checked(const char *value, size_t len)
{
    return len && (value[0] & 1) == 0;
}


/* a set of names tells a name as asking each in turn does */

static void
fuzz_name_set(const char *n, size_t n_len, const char *session)
{
    int                   kind, want, k;
    size_t                i;
    maint_cookie_names_t  set;

    static const char  *edge[] = { "maint_bypass", "__Host-maint_csrf",
                                   "a.b", "x%41" };

    memset(&set, 0, sizeof(set));
    maint_cookie_names_add(&set, session, strlen(session));

    for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
        maint_cookie_names_add(&set, edge[i], strlen(edge[i]));

        want = -1;
        k = maint_cookie_name(n, n_len, session, strlen(session));
        if (k == MAINT_NAME_OTHER) {
            for (size_t j = 0; j <= i; j++) {
                k = maint_cookie_name(n, n_len, edge[j], strlen(edge[j]));
                if (k != MAINT_NAME_OTHER) {
                    want = (int) j + 1;
                    break;
                }
            }
        } else {
            want = 0;
        }

        FUZZ_CHECK(maint_cookie_names_find(&set, n, n_len, &kind) == want);
        FUZZ_CHECK(want < 0 || kind == k);
    }
}


static int
fuzz_printable(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] > 0x7e) {
            return 0;
        }
    }

    return 1;
}


/* maint_cookie_scan() visits the pairs the filter sees named so, in order */

typedef struct {
    const char  *name;
    const char  *value[64];
    size_t       len[64];
    int          kind[64];
    int          n, at, bad;
} fuzz_scan_t;


static int
fuzz_scan_ref(void *data, const char *name, size_t name_len,
    const char *value, size_t len)
{
    int           k;
    fuzz_scan_t  *sc = data;

    k = maint_cookie_name(name, name_len, sc->name, strlen(sc->name));

    if (k != MAINT_NAME_OTHER && sc->n < 64) {
        sc->value[sc->n] = value;
        sc->len[sc->n] = len;
        sc->kind[sc->n] = k;
        sc->n++;
    }

    return 1;
}


static void
fuzz_scan_visit(void *data, int which, int kind, const char *value,
    size_t len)
{
    fuzz_scan_t  *sc = data;

    if (sc->at < sc->n
        && (which != 0 || kind != sc->kind[sc->at]
            || value != sc->value[sc->at] || len != sc->len[sc->at]))
    {
        sc->bad = 1;
    }

    sc->at++;
}


typedef struct {
    const char  *name;
    int          bad;
} fuzz_filter_t;


/* the module's upstream filter (ngx_maint_cookies_upstream), in short */

static int
fuzz_filter(void *data, const char *name, size_t name_len, const char *value,
    size_t len)
{
    fuzz_filter_t  *f = data;

    /* the fast path for names without "%" or "[" agrees with the rule */
    FUZZ_CHECK(maint_cookie_name(name, name_len, f->name, strlen(f->name))
               == fuzz_name_ref(name, name_len, f->name, strlen(f->name)));

    fuzz_name_set(name, name_len, f->name);
    FUZZ_CHECK(maint_cookie_printable(value, len) == fuzz_printable(value, len));

    switch (maint_cookie_name(name, name_len, f->name, strlen(f->name))) {
    case MAINT_NAME_ALIAS:
        return 0;
    case MAINT_NAME_EXACT:
        return fuzz_checked(value, len);
    default:
        return 1;
    }
}


/*
 * The name rule, written here the slow way: decode (at most five rounds,
 * else an alias), fold, compare whole, cut at "[", and with "[" as "_".
 */

static size_t
fuzz_name_canon(const char *n, size_t len, char *out, int *settled)
{
    int     round;
    size_t  i, o;

    memcpy(out, n, len);
    *settled = 0;

    for (round = 0; round < 5 && !*settled; round++) {
        for (i = 0, o = 0; i < len; i++) {
            if (out[i] == '%' && i + 2 < len && fuzz_hexval(out[i + 1]) >= 0
                && fuzz_hexval(out[i + 2]) >= 0)
            {
                out[o++] = (char) (fuzz_hexval(out[i + 1]) << 4
                                   | fuzz_hexval(out[i + 2]));
                i += 2;

            } else {
                out[o++] = out[i];
            }
        }

        *settled = (o == len);
        len = o;
    }

    for (i = 0; i < len; i++) {
        char  c = out[i];

        out[i] = (c == '+' || c == ' ' || c == '.') ? '_'
                 : (c >= 'A' && c <= 'Z') ? (char) (c - 'A' + 'a') : c;
    }

    return len;
}


static int
fuzz_name_ref(const char *n, size_t n_len, const char *name, size_t name_len)
{
    int     ok;
    char    a[1024], b[1024], *br;
    size_t  al, bl, i;

    if (n_len == name_len && memcmp(n, name, n_len) == 0) {
        return MAINT_NAME_EXACT;
    }

    if (n_len == 0) {
        return MAINT_NAME_OTHER;
    }

    if (n_len > sizeof(a)) {
        return MAINT_NAME_ALIAS;
    }

    al = fuzz_name_canon(n, n_len, a, &ok);
    if (!ok) {
        return MAINT_NAME_ALIAS;
    }

    bl = fuzz_name_canon(name, name_len, b, &ok);

    if (al == bl && memcmp(a, b, al) == 0) {
        return MAINT_NAME_ALIAS;
    }

    br = memchr(a, '[', al);
    if (br && (size_t) (br - a) == bl && memcmp(a, b, bl) == 0) {
        return MAINT_NAME_ALIAS;
    }

    for (i = 0; i < al; i++) {
        if (a[i] == '[') {
            a[i] = '_';
        }
    }

    return (al == bl && memcmp(a, b, al) == 0) ? MAINT_NAME_ALIAS
                                                : MAINT_NAME_OTHER;
}


/* what is left: no alias, no exact pair that was not checked */

static int
fuzz_left(void *data, const char *name, size_t name_len, const char *value,
    size_t len)
{
    fuzz_filter_t  *f = data;

    switch (maint_cookie_name(name, name_len, f->name, strlen(f->name))) {
    case MAINT_NAME_ALIAS:
        f->bad++;
        break;
    case MAINT_NAME_EXACT:
        f->bad += !fuzz_checked(value, len);
        break;
    }

    return 1;
}


static int
fuzz_has(unsigned char (*ids)[32], int n, const char *s, size_t len)
{
    int            i;
    char           hex[MAINT_SESSION_ID_HEX + 1], want[MAINT_SESSION_ID_HEX + 1];

    if (!maint_session_id(s, len, want)) {
        return 0;
    }

    for (i = 0; i < n; i++) {
        maint_hex(ids[i], 32, hex);

        if (memcmp(hex, want, MAINT_SESSION_ID_HEX) == 0) {
            return 1;
        }
    }

    return 0;
}


static int
fuzz_hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


/*
 * The readings of a value, made here without the library's helpers: as
 * sent and without a leading quote, percent-decoded 0 to 4 times, each cut
 * before each of its first MAINT_FORMS_CUTS bytes that are not letters or
 * digits.  Each must be among the
 * forms, whose first is the value's own id.
 */

static void
fuzz_forms(const char *value, size_t len)
{
    int            n, round, lead;
    char          *s;
    size_t         l, i, o, cuts;
    unsigned char  ids[MAINT_SESSION_FORMS][32];
    char           id[MAINT_SESSION_ID_HEX + 1], hex[MAINT_SESSION_ID_HEX + 1];

    n = maint_session_forms(value, len, ids, MAINT_SESSION_FORMS);
    if (n == 0) {
        return;                         /* stripped by the module */
    }

    FUZZ_CHECK(n <= MAINT_SESSION_FORMS);
    FUZZ_CHECK(maint_session_id(value, len, id));
    maint_hex(ids[0], 32, hex);
    FUZZ_CHECK(strcmp(hex, id) == 0);

    s = malloc(len + 1);
    if (s == NULL) {
        abort();
    }

    for (lead = 0; lead <= (len > 1 && value[0] == '"'); lead++) {
        l = len - lead;
        memcpy(s, value + lead, l);

        for (round = 0; round <= 4; round++) {
            FUZZ_CHECK(l == 0 || fuzz_has(ids, n, s, l));

            for (i = 1, cuts = 0; i < l && cuts < MAINT_FORMS_CUTS; i++) {
                if (!((s[i] >= '0' && s[i] <= '9')
                      || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')))
                {
                    cuts++;
                    FUZZ_CHECK(fuzz_has(ids, n, s, i));
                }
            }

            for (i = 0, o = 0; i < l; i++) {
                if (s[i] == '%' && i + 2 < l && fuzz_hexval(s[i + 1]) >= 0
                    && fuzz_hexval(s[i + 2]) >= 0)
                {
                    s[o++] = (char) (fuzz_hexval(s[i + 1]) << 4
                                     | fuzz_hexval(s[i + 2]));
                    i += 2;

                } else {
                    s[o++] = s[i];
                }
            }

            if (o == l) {
                break;
            }

            l = o;
        }
    }

    free(s);
}


static void
fuzz_cookie_none(void *data, const char *value, size_t len, int valid)
{
    (void) value;
    (void) len;
    (void) valid;

    ((fuzz_cookie_ctx_t *) data)->seen++;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 n;
    char               *header, *set, *out;
    size_t              len, set_len, out_len, vlen;
    const char         *value;
    fuzz_cookie_ctx_t   ctx;
    fuzz_in_t           in = { (const char *) data, size };
    static const char  *names[] = { "sid", "__Host-sid", "a" };
    size_t              i;

    header = fuzz_part(&in, &len);
    set = fuzz_part(&in, &set_len);

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        ctx.header = header;
        ctx.len = len;
        ctx.seen = 0;

        n = maint_cookie_values(header, len, names[i], strlen(names[i]),
                                fuzz_cookie_value, &ctx);
        FUZZ_CHECK(n == ctx.seen);

        /* the module gives the rewrite a buffer as long as the header */
        out = malloc(len ? len : 1);
        if (out == NULL) {
            abort();
        }

        out_len = maint_cookie_remove(header, len, names[i],
                                      strlen(names[i]), out);
        FUZZ_CHECK(out_len <= len);

        /* what is left carries no pair of that name */
        ctx.seen = 0;
        FUZZ_CHECK(maint_cookie_values(out, out_len, names[i],
                                       strlen(names[i]), fuzz_cookie_none,
                                       &ctx) == 0);

        /* the upstream filter: nothing unchecked survives */
        {
            fuzz_filter_t  f = { names[i], 0 };

            out_len = maint_cookie_filter(header, len, fuzz_filter, &f, out);
            FUZZ_CHECK(out_len <= len);
            (void) maint_cookie_filter(out, out_len, fuzz_left, &f, NULL);
            FUZZ_CHECK(f.bad == 0);
        }

        free(out);

        {
            fuzz_scan_t           sc;
            maint_cookie_names_t  set;

            memset(&sc, 0, sizeof(sc));
            memset(&set, 0, sizeof(set));
            sc.name = names[i];
            maint_cookie_names_add(&set, names[i], strlen(names[i]));
            (void) maint_cookie_filter(header, len, fuzz_scan_ref, &sc, NULL);
            maint_cookie_scan(header, len, &set, fuzz_scan_visit, &sc);
            FUZZ_CHECK(sc.bad == 0 && (sc.n == 64 || sc.at == sc.n));
        }

        value = NULL;
        vlen = 0;

        if (maint_set_cookie(set, set_len, names[i], strlen(names[i]),
                             1795300000, &value, &vlen))
        {
            FUZZ_CHECK(vlen > 0 && value >= set
                       && value + vlen <= set + set_len);
        }
    }

    fuzz_forms(set, set_len);

    free(header);
    free(set);

    return 0;
}
