/*
 * maint_session.c: session cookies at the edge (see maint_session.h).  All
 * parsing here faces hostile bytes: everything is length-bounded, nothing
 * assumes NUL termination, and a value that is not a well-formed cookie is
 * no session at all.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "maint_session.h"


/* RFC 6265 cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E */
static const uint32_t  maint_cookie_octets[8] = {
    0x00000000,     /* 0x00-0x1f */
    0xf7ffeffa,     /* 0x20-0x3f: not " , ; space */
    0xefffffff,     /* 0x40-0x5f: not \ */
    0x7fffffff,     /* 0x60-0x7f: not DEL */
    0, 0, 0, 0
};

#define maint_cookie_octet(c)                                                \
    (maint_cookie_octets[(unsigned char) (c) >> 5]                           \
     & (1u << ((unsigned char) (c) & 0x1f)))


int
maint_cookie_value_ok(const char *value, size_t len)
{
    size_t  i;

    if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
        value++;
        len -= 2;
    }

    if (len == 0 || len > MAINT_COOKIE_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!maint_cookie_octet((unsigned char) value[i])) {
            return 0;
        }
    }

    return 1;
}


static int
maint_ws(char c)
{
    return c == ' ' || c == '\t';
}


/*
 * One item of a Cookie or Set-Cookie header, from pos: its name and value,
 * each without surrounding blanks.  Items end at ";" and, in a Cookie
 * header ("comma"), also at ",".  Returns where the item ends (the
 * separator or len); p->eq is 0 for an item without "=".
 */

typedef struct {
    size_t  start, end;             /* the item, trimmed */
    size_t  ns, ne;                 /* the name */
    size_t  vs, ve;                 /* the value */
    int     eq;
} maint_item_t;


static size_t
maint_item(const char *h, size_t len, size_t pos, int comma, maint_item_t *p)
{
    size_t  end, eq;

    for (end = pos; end < len && h[end] != ';' && !(comma && h[end] == ',');
         end++)
    {
        /* void */
    }

    p->start = pos;
    while (p->start < end && maint_ws(h[p->start])) {
        p->start++;
    }

    p->end = end;
    while (p->end > p->start && maint_ws(h[p->end - 1])) {
        p->end--;
    }

    for (eq = p->start; eq < p->end && h[eq] != '='; eq++) {
        /* void */
    }

    p->eq = eq < p->end;
    p->ns = p->start;
    p->ne = eq;
    while (p->ne > p->ns && maint_ws(h[p->ne - 1])) {
        p->ne--;
    }

    p->vs = p->eq ? eq + 1 : p->end;
    p->ve = p->end;
    while (p->vs < p->ve && maint_ws(h[p->vs])) {
        p->vs++;
    }

    return end;
}


static int
maint_item_is(const char *h, maint_item_t *p, const char *name,
    size_t name_len)
{
    return p->ne - p->ns == name_len && memcmp(h + p->ns, name, name_len) == 0;
}


/*
 * Kept items keep the separator that preceded them in the header: the
 * result is never longer than the header, whatever its spacing.  An item
 * without "=" is passed with an empty name (it is a value to some
 * parsers, a name to others).
 */

size_t
maint_cookie_filter(const char *header, size_t len,
    maint_cookie_filter_pt visit, void *data, char *out)
{
    int           keep;
    size_t        pos, start, o;
    maint_item_t  p;

    o = 0;

    for (pos = 0; pos < len; pos++) {
        start = pos;
        pos = maint_item(header, len, pos, 1, &p);

        if (p.end == p.start) {
            continue;                   /* empty: dropped from the copy */
        }

        if (p.eq) {
            keep = visit(data, header + p.ns, p.ne - p.ns, header + p.vs,
                         p.ve - p.vs);
        } else {
            keep = visit(data, header + p.start, 0, header + p.start,
                         p.end - p.start);
        }

        if (!keep || out == NULL) {
            continue;
        }

        if (o) {
            /* the separator before this item, and the blanks after it */
            memmove(out + o, header + start - 1, p.start - start + 1);
            o += p.start - start + 1;
        }

        memmove(out + o, header + p.start, p.end - p.start);
        o += p.end - p.start;
    }

    return o;
}


typedef struct {
    const char       *name;
    size_t            name_len;
    maint_cookie_pt   handler;
    void             *data;
    int               found;
} maint_values_t;


static int
maint_values_one(void *data, const char *name, size_t name_len,
    const char *value, size_t len)
{
    maint_values_t  *v = data;

    if (name_len == v->name_len && memcmp(name, v->name, name_len) == 0) {
        v->found++;
        v->handler(v->data, value, len, maint_cookie_value_ok(value, len));
    }

    return 1;
}


int
maint_cookie_values(const char *header, size_t len, const char *name,
    size_t name_len, maint_cookie_pt handler, void *data)
{
    maint_values_t  v = { name, name_len, handler, data, 0 };

    (void) maint_cookie_filter(header, len, maint_values_one, &v, NULL);

    return v.found;
}


static int
maint_unhex(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


/* one round of percent-decoding (in may be out); returns the new length */

static size_t
maint_pct_decode(const char *in, size_t len, char *out)
{
    int     hi, lo;
    size_t  i, o;

    for (i = 0, o = 0; i < len; i++) {
        if (in[i] == '%' && i + 2 < len
            && (hi = maint_unhex((unsigned char) in[i + 1])) >= 0
            && (lo = maint_unhex((unsigned char) in[i + 2])) >= 0)
        {
            out[o++] = (char) (hi << 4 | lo);
            i += 2;
            continue;
        }

        out[o++] = in[i];
    }

    return o;
}


/*
 * Percent-decodes in place until nothing changes: the length, or -1 when
 * it does not settle within four rounds (nobody encodes a session id, or a
 * cookie's name, five times over).
 */

#define MAINT_DECODE_ROUNDS  4

static ssize_t
maint_pct_settle(char *s, size_t len)
{
    int     round;
    size_t  l;

    for (round = 0; ; round++) {
        l = maint_pct_decode(s, len, s);

        if (l == len) {
            return (ssize_t) len;
        }

        if (round == MAINT_DECODE_ROUNDS) {
            return -1;
        }

        len = l;
    }
}


#define MAINT_NAME_MAX  1024            /* longer names: an alias */

/*
 * A name as PHP, ASP.NET and friends may read it: percent-decoded until
 * nothing changes, "+", " " and "." as "_", lowercase.  Returns the
 * length, or -1 when it does not settle.
 */

static int
maint_name_fold(int c)
{
    if (c == '+' || c == ' ' || c == '.') {
        return '_';
    }

    return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}


/* equal as maint_name_canon() makes them, for names it would not decode */

static int
maint_name_folds(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t  i;

    if (alen != blen) {
        return 0;
    }

    for (i = 0; i < alen; i++) {
        if (maint_name_fold((unsigned char) a[i])
            != maint_name_fold((unsigned char) b[i]))
        {
            return 0;
        }
    }

    return 1;
}


static ssize_t
maint_name_canon(const char *n, size_t len, char *out)
{
    size_t   i;
    ssize_t  l;

    memcpy(out, n, len);

    l = maint_pct_settle(out, len);

    for (i = 0; l > 0 && i < (size_t) l; i++) {
        out[i] = (char) maint_name_fold((unsigned char) out[i]);
    }

    return l;
}


int
maint_cookie_name(const char *n, size_t n_len, const char *name,
    size_t name_len)
{
    char      a[MAINT_NAME_MAX], b[MAINT_NAME_MAX];
    char     *br;
    ssize_t   al, bl;

    if (n_len == name_len && memcmp(n, name, name_len) == 0) {
        return MAINT_NAME_EXACT;
    }

    if (n_len == 0 || name_len > MAINT_NAME_MAX) {
        return MAINT_NAME_OTHER;
    }

    if (n_len > MAINT_NAME_MAX) {
        return MAINT_NAME_ALIAS;        /* nobody's real name: not safe */
    }

    /*
     * Reading a name never lengthens it (decoding shortens, folding and
     * "[" keep the length): a shorter one is another cookie, unless the
     * name itself is percent-encoded
     */

    if (n_len < name_len && memchr(name, '%', name_len) == NULL) {
        return MAINT_NAME_OTHER;
    }

    /* the common case, on every pair of every request: no decoding */

    if (memchr(n, '%', n_len) == NULL && memchr(n, '[', n_len) == NULL
        && memchr(name, '%', name_len) == NULL
        && memchr(name, '[', name_len) == NULL)
    {
        return maint_name_folds(n, n_len, name, name_len) ? MAINT_NAME_ALIAS
                                                           : MAINT_NAME_OTHER;
    }

    al = maint_name_canon(n, n_len, a);
    bl = maint_name_canon(name, name_len, b);

    if (al < 0) {
        return MAINT_NAME_ALIAS;
    }

    if (al == bl && memcmp(a, b, al) == 0) {
        return MAINT_NAME_ALIAS;
    }

    /* PHP reads "sid[x]" as an array named "sid", and "sid[" as "sid_" */

    br = memchr(a, '[', al);

    if (br && br - a == bl && memcmp(a, b, bl) == 0) {
        return MAINT_NAME_ALIAS;
    }

    for ( ; br; br = memchr(br + 1, '[', a + al - br - 1)) {
        *br = '_';
    }

    if (al == bl && memcmp(a, b, al) == 0) {
        return MAINT_NAME_ALIAS;
    }

    return MAINT_NAME_OTHER;
}


typedef struct {
    const char  *name;
    size_t       name_len;
} maint_remove_t;


static int
maint_remove_one(void *data, const char *name, size_t name_len,
    const char *value, size_t len)
{
    maint_remove_t  *rm = data;

    return maint_cookie_name(name, name_len, rm->name, rm->name_len)
           == MAINT_NAME_OTHER;
}


size_t
maint_cookie_remove(const char *header, size_t len, const char *name,
    size_t name_len, char *out)
{
    maint_remove_t  rm = { name, name_len };

    return maint_cookie_filter(header, len, maint_remove_one, &rm, out);
}


static int
maint_lower_eq(const char *s, size_t len, const char *lit)
{
    size_t  i;

    if (len != strlen(lit)) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z') {
            c = (char) (c - 'A' + 'a');
        }

        if (c != lit[i]) {
            return 0;
        }
    }

    return 1;
}


/*
 * "Thu, 01 Jan 1970 00:00:00 GMT" (IMF-fixdate) or "Thu, 01-Jan-1970
 * 00:00:00 GMT" (the old Netscape form): epoch seconds, or -1.
 */

static int64_t
maint_http_date(const char *s, size_t len)
{
    char          buf[40];
    const char   *p;
    int64_t       t;
    unsigned      d, y, i;
    static const char  months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

    if (len < 24 || len > 35) {
        return -1;
    }

    p = memchr(s, ',', len);
    if (p == NULL) {
        return -1;
    }

    p++;
    while (p < s + len && *p == ' ') {
        p++;
    }

    /* "01 Jan 1970 00:00:00 GMT", with spaces or dashes in the date */
    if ((size_t) (s + len - p) < 24) {
        return -1;
    }

    memcpy(buf, p, 24);
    buf[24] = '\0';

    if (buf[2] == '-') {
        buf[2] = ' ';
    }

    if (buf[6] == '-') {
        buf[6] = ' ';
    }

    if (buf[2] != ' ' || buf[6] != ' ' || buf[11] != ' '
        || buf[0] < '0' || buf[0] > '9' || buf[1] < '0' || buf[1] > '9')
    {
        return -1;
    }

    d = (unsigned) ((buf[0] - '0') * 10 + buf[1] - '0');

    for (i = 0; i < 3; i++) {
        if (buf[3 + i] >= 'A' && buf[3 + i] <= 'Z') {
            buf[3 + i] = (char) (buf[3 + i] - 'A' + 'a');
        }
    }

    for (i = 0; i < 12; i++) {
        if (memcmp(buf + 3, months + 3 * i, 3) == 0) {
            break;
        }
    }

    if (i == 12) {
        return -1;
    }

    y = 0;
    for (p = buf + 7; p < buf + 11; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }

        y = y * 10 + (unsigned) (*p - '0');
    }

    /* reuse the RFC 3339 parser for the arithmetic */
    {
        char  iso[21];

        iso[0] = (char) ('0' + y / 1000);
        iso[1] = (char) ('0' + y / 100 % 10);
        iso[2] = (char) ('0' + y / 10 % 10);
        iso[3] = (char) ('0' + y % 10);
        iso[4] = '-';
        iso[5] = (char) ('0' + (i + 1) / 10);
        iso[6] = (char) ('0' + (i + 1) % 10);
        iso[7] = '-';
        iso[8] = (char) ('0' + d / 10);
        iso[9] = (char) ('0' + d % 10);
        iso[10] = 'T';
        memcpy(iso + 11, buf + 12, 8);
        iso[19] = 'Z';
        iso[20] = '\0';

        if (maint_parse_rfc3339(iso, 20, &t) != 0) {
            return -1;
        }
    }

    return t;
}


int
maint_set_cookie(const char *header, size_t len, const char *name,
    size_t name_len, int64_t now_s, const char **value, size_t *vlen)
{
    size_t        pos, i;
    int64_t       t;
    const char   *h;
    maint_item_t  p;

    h = header;

    /* the cookie itself: name=value */

    pos = maint_item(h, len, 0, 0, &p);

    if (!p.eq || !maint_item_is(h, &p, name, name_len)
        || !maint_cookie_value_ok(h + p.vs, p.ve - p.vs))
    {
        return 0;
    }

    *value = h + p.vs;
    *vlen = p.ve - p.vs;

    /* then its attributes: does one of them delete it? */

    for (pos++; pos < len; pos++) {
        pos = maint_item(h, len, pos, 0, &p);

        if (maint_lower_eq(h + p.ns, p.ne - p.ns, "max-age")) {
            /* a negative or zero Max-Age deletes the cookie */
            if (p.vs < p.ve && h[p.vs] == '-') {
                return 0;
            }

            for (i = p.vs; i < p.ve && h[i] == '0'; i++) {
                /* void */
            }

            if (i == p.ve) {
                return 0;
            }
        }

        if (maint_lower_eq(h + p.ns, p.ne - p.ns, "expires")) {
            t = maint_http_date(h + p.vs, p.ve - p.vs);

            if (t >= 0 && t <= now_s) {
                return 0;
            }
        }
    }

    return 1;
}


void
maint_hex(const unsigned char *in, size_t n, char *out)
{
    size_t  i;
    static const char  hex[] = "0123456789abcdef";

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }

    out[2 * n] = '\0';
}


#define MAINT_ROTL(x, b)  (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))

#define MAINT_SIPROUND                                                       \
    do {                                                                     \
        v0 += v1; v1 = MAINT_ROTL(v1, 13); v1 ^= v0;                         \
        v0 = MAINT_ROTL(v0, 32);                                             \
        v2 += v3; v3 = MAINT_ROTL(v3, 16); v3 ^= v2;                         \
        v0 += v3; v3 = MAINT_ROTL(v3, 21); v3 ^= v0;                         \
        v2 += v1; v1 = MAINT_ROTL(v1, 17); v1 ^= v2;                         \
        v2 = MAINT_ROTL(v2, 32);                                             \
    } while (0)


/* n (at most 8) bytes, little-endian: one load where the CPU is so */

static uint64_t
maint_le64(const unsigned char *p, size_t n)
{
    size_t    i;
    uint64_t  v = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n == 8) {
        memcpy(&v, p, 8);
        return v;
    }
#endif

    for (i = 0; i < n; i++) {
        v |= (uint64_t) p[i] << (8 * i);
    }

    return v;
}


static void
maint_put_le64(unsigned char *p, uint64_t v)
{
    size_t  i;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8);
    return;
#endif

    for (i = 0; i < 8; i++) {
        p[i] = (unsigned char) (v >> (8 * i));
    }
}


void
maint_siphash(const unsigned char key[16], const void *in, size_t len,
    unsigned char *out, size_t outlen)
{
    int                   i;
    size_t                left;
    uint64_t              k0, k1, v0, v1, v2, v3, m;
    const unsigned char  *p = in;

    k0 = maint_le64(key, 8);
    k1 = maint_le64(key + 8, 8);

    v0 = k0 ^ 0x736f6d6570736575ULL;
    v1 = k1 ^ 0x646f72616e646f6dULL;
    v2 = k0 ^ 0x6c7967656e657261ULL;
    v3 = k1 ^ 0x7465646279746573ULL;

    if (outlen == 16) {
        v1 ^= 0xee;
    }

    for (left = len; left >= 8; left -= 8, p += 8) {
        m = maint_le64(p, 8);
        v3 ^= m;
        MAINT_SIPROUND;
        MAINT_SIPROUND;
        v0 ^= m;
    }

    m = ((uint64_t) len << 56) | maint_le64(p, left);
    v3 ^= m;
    MAINT_SIPROUND;
    MAINT_SIPROUND;
    v0 ^= m;

    v2 ^= outlen == 16 ? 0xee : 0xff;

    for (i = 0; i < 4; i++) {
        MAINT_SIPROUND;
    }

    maint_put_le64(out, v0 ^ v1 ^ v2 ^ v3);

    if (outlen != 16) {
        return;
    }

    v1 ^= 0xdd;

    for (i = 0; i < 4; i++) {
        MAINT_SIPROUND;
    }

    maint_put_le64(out + 8, v0 ^ v1 ^ v2 ^ v3);
}


/*
 * The canonical form of a value: without one leading and one trailing
 * double quote, percent-decoded until nothing changes; -1 when it does not
 * settle.
 */

static ssize_t
maint_session_canon(const char *value, size_t len, char *out)
{
    if (len && value[0] == '"') {
        value++;
        len--;
    }

    if (len && value[len - 1] == '"') {
        len--;
    }

    memcpy(out, value, len);

    return maint_pct_settle(out, len);
}


int
maint_session_id(const char *value, size_t len,
    char out[MAINT_SESSION_ID_HEX + 1])
{
    char           buf[MAINT_COOKIE_MAX];
    ssize_t        n;
    unsigned char  h[32];

    out[0] = '\0';

    if (len > MAINT_COOKIE_MAX) {
        return 0;
    }

    n = maint_session_canon(value, len, buf);
    if (n < 0) {
        return 0;
    }

    maint_sha256(buf, n, h);
    maint_hex(h, sizeof(h), out);

    return 1;
}


typedef struct {
    unsigned char  (*ids)[32];
    int              n;
    int              max;
    size_t           work;              /* bytes hashed so far */
    char             canon[MAINT_COOKIE_MAX];
} maint_forms_t;


/* adds the id of one form, unless known; 0 when there are too many */

static int
maint_forms_add(maint_forms_t *f, const char *s, size_t len)
{
    int            i;
    ssize_t        n;
    unsigned char  h[32];

    n = maint_session_canon(s, len, f->canon);
    if (n < 0) {
        return 0;
    }

    f->work += n;
    if (f->work > MAINT_FORMS_WORK) {
        return 0;
    }

    maint_sha256(f->canon, n, h);

    for (i = 0; i < f->n; i++) {
        if (memcmp(f->ids[i], h, 32) == 0) {
            return 1;
        }
    }

    if (f->n == f->max) {
        return 0;
    }

    memcpy(f->ids[f->n++], h, 32);

    return 1;
}


static int
maint_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}


/*
 * A string and its cuts before each of its first MAINT_FORMS_CUTS bytes
 * that are not letters or digits.  An app that stops early stops at the
 * first byte outside its ids' alphabet: ids with more punctuation than
 * that come from apps that read (and sign) the whole value, or from sites
 * that should say what their ids look like (pattern=).
 */

static int
maint_forms_cuts(maint_forms_t *f, const char *s, size_t len)
{
    size_t  i, cuts;

    if (len == 0) {
        return 1;
    }

    if (!maint_forms_add(f, s, len)) {
        return 0;
    }

    for (i = 1, cuts = 0; i < len && cuts < MAINT_FORMS_CUTS; i++) {
        if (!maint_alnum((unsigned char) s[i])) {
            cuts++;

            if (!maint_forms_add(f, s, i)) {
                return 0;
            }
        }
    }

    return 1;
}


/* one base and its percent-decodings, each also with "+" as a space */

static int
maint_forms_decodings(maint_forms_t *f, char *s, size_t len, char *tmp)
{
    int     round;
    size_t  i, l;

    for (round = 0; ; round++) {
        if (!maint_forms_cuts(f, s, len)) {
            return 0;
        }

        if (memchr(s, '+', len)) {
            for (i = 0; i < len; i++) {
                tmp[i] = s[i] == '+' ? ' ' : s[i];
            }

            if (!maint_forms_cuts(f, tmp, len)) {
                return 0;
            }
        }

        l = maint_pct_decode(s, len, s);

        if (l == len) {
            return 1;
        }

        if (round == MAINT_DECODE_ROUNDS) {
            return 0;
        }

        len = l;
    }
}


/* RFC 2109 quoted-string escapes, and Python's octal ones ("\\054") */

static size_t
maint_unescape(const char *in, size_t len, char *out)
{
    size_t  i, o;

    for (i = 0, o = 0; i < len; i++) {
        if (in[i] != '\\' || i + 1 == len) {
            out[o++] = in[i];
            continue;
        }

        if (i + 3 < len && in[i + 1] >= '0' && in[i + 1] <= '3'
            && in[i + 2] >= '0' && in[i + 2] <= '7'
            && in[i + 3] >= '0' && in[i + 3] <= '7')
        {
            out[o++] = (char) ((in[i + 1] - '0') << 6 | (in[i + 2] - '0') << 3
                               | (in[i + 3] - '0'));
            i += 3;
            continue;
        }

        out[o++] = in[++i];
    }

    return o;
}


int
maint_session_forms(const char *value, size_t len, unsigned char (*ids)[32],
    int max)
{
    int             ok;
    char           *base, *tmp;
    size_t          i, l;
    maint_forms_t  *f;

    if (len == 0 || len > MAINT_COOKIE_MAX || max < 1) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) value[i] < 0x20
            || (unsigned char) value[i] >= 0x7f)
        {
            return 0;
        }
    }

    f = malloc(sizeof(maint_forms_t) + 2 * MAINT_COOKIE_MAX);
    if (f == NULL) {
        return 0;
    }

    base = (char *) (f + 1);
    tmp = base + MAINT_COOKIE_MAX;

    f->ids = ids;
    f->n = 0;
    f->max = max;
    f->work = 0;

    /* the session's own id first */

    ok = maint_forms_add(f, value, len);

    /* the value as sent, then without a leading quote */

    if (ok) {
        memcpy(base, value, len);
        ok = maint_forms_decodings(f, base, len, tmp);
    }

    if (ok && value[0] == '"' && len > 1) {
        memcpy(base, value + 1, len - 1);
        ok = maint_forms_decodings(f, base, len - 1, tmp);
    }

    if (ok && memchr(value, '\\', len)) {
        l = value[0] == '"' ? 1 : 0;
        l = maint_unescape(value + l, len - l, base);
        ok = maint_forms_decodings(f, base, l, tmp);
    }

    l = ok ? (size_t) f->n : 0;
    free(f);

    return (int) l;
}


/*
 * A superadmin's session is one the edge itself saw created on a bypassed
 * request (the registry's "superadmin"), whose superadmin is still on the
 * list.  Never "user": that is whatever the app (maint_session_user) says,
 * and an ordinary user may well be called like a superadmin.
 */

static int
maint_is_superadmin(const maint_snapshot_t *s, const maint_session_facts_t *f)
{
    const maint_superadmin_t  *sa;

    if (f->superadmin.len == 0) {
        return 0;
    }

    /*
     * Still on the list with the credential the session was created
     * under: after a rotation, or a removal and a new add, the sessions
     * of before are no superadmin's any more
     */

    sa = maint_snapshot_superadmin(s, f->superadmin.data, f->superadmin.len);

    return sa != NULL && f->superadmin_cid.len == sa->cid_len
           && memcmp(f->superadmin_cid.data, sa->cid, sa->cid_len) == 0;
}


/* seen created, or kept, at or after the cutoff (ms) */

static int
maint_survives(const maint_session_facts_t *f, int64_t cutoff_ms)
{
    return (f->first_seen >= 0 && f->first_seen >= cutoff_ms)
           || (f->kept_at >= 0 && f->kept_at >= cutoff_ms);
}


maint_session_verdict_e
maint_session_verdict(const maint_snapshot_t *s, const char *app,
    size_t app_len, int64_t now_ms, const maint_session_facts_t *f)
{
    size_t                 i;
    int64_t                explicit, window;
    const maint_window_t  *w;

    if (f->revoked) {
        return MAINT_SESSION_REVOKED;
    }

    if (s == NULL) {
        return MAINT_SESSION_ACTIVE;
    }

    explicit = 0;

    for (i = 0; i < s->ncutoffs; i++) {
        if ((s->cutoffs[i].app.len == 1 && s->cutoffs[i].app.data[0] == '*')
            || maint_str_eq(&s->cutoffs[i].app, app, app_len))
        {
            if (s->cutoffs[i].at > explicit) {
                explicit = s->cutoffs[i].at;
            }
        }
    }

    /* seconds to ms, saturating: a cutoff past year 292e6 is "never" */

    if (explicit
        && !maint_survives(f, explicit > INT64_MAX / 1000
                              ? INT64_MAX : explicit * 1000))
    {
        return MAINT_SESSION_CUTOFF;
    }

    window = 0;

    for (i = 0; i < s->nwindows; i++) {
        w = &s->windows[i];

        /* to the millisecond: a window started now begins mid-second */
        if (w->terminate_sessions && w->start_ms <= now_ms
            && w->start_ms > window)
        {
            /* the window covers the app (or every app) */
            size_t  j;
            int     covers = w->all_apps;

            for (j = 0; !covers && j < w->napps; j++) {
                covers = maint_str_eq(&w->apps[j], app, app_len);
            }

            if (covers) {
                window = w->start_ms;
            }
        }
    }

    if (window && !maint_is_superadmin(s, f) && !maint_survives(f, window)) {
        return MAINT_SESSION_WINDOW;
    }

    return MAINT_SESSION_ACTIVE;
}
