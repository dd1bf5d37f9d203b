/*
 * maint_cookie.c: Cookie and Set-Cookie headers at the edge (see
 * maint_cookie.h).  All parsing here faces hostile bytes: everything is
 * length-bounded, nothing assumes NUL termination, and a value that is
 * not a well-formed cookie is no session at all.
 */

#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "maint_http.h"
#include "maint_time.h"
#include "maint_cookie.h"


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
 * header, also at ",": then *comma is where the next comma is (len when
 * there is none), found once for every item before it.  Returns where the
 * item ends (the separator or len); p->eq is 0 for an item without "=".
 */

typedef struct {
    size_t  start, end;             /* the item, trimmed */
    size_t  ns, ne;                 /* the name */
    size_t  vs, ve;                 /* the value */
    int     eq;
} maint_item_t;


static size_t
maint_item(const char *h, size_t len, size_t pos, size_t *comma,
    maint_item_t *p)
{
    size_t       start, end, stop, eq, ne, vs;
    const char  *sep;

    /* memchr: a session token or a JWT is crossed at the speed of the CPU */

    sep = memchr(h + pos, ';', len - pos);
    stop = sep ? (size_t) (sep - h) : len;

    if (comma) {
        if (*comma < pos) {
            sep = memchr(h + pos, ',', len - pos);
            *comma = sep ? (size_t) (sep - h) : len;
        }

        if (*comma < stop) {
            stop = *comma;
        }
    }

    /* in locals: stores through p could alias h, and would be redone */

    for (start = pos; start < stop && maint_ws(h[start]); start++) {
        /* void */
    }

    for (end = stop; end > start && maint_ws(h[end - 1]); end--) {
        /* void */
    }

    /* names are short: a loop beats a call */

    for (eq = start; eq < end && h[eq] != '='; eq++) {
        /* void */
    }

    for (ne = eq; ne > start && maint_ws(h[ne - 1]); ne--) {
        /* void */
    }

    vs = eq < end ? eq + 1 : end;
    while (vs < end && maint_ws(h[vs])) {
        vs++;
    }

    p->start = start;
    p->end = end;
    p->eq = eq < end;
    p->ns = start;
    p->ne = ne;
    p->vs = vs;
    p->ve = end;

    return stop;
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
    size_t        pos, start, o, comma;
    const char   *c;
    maint_item_t  p;

    o = 0;
    c = memchr(header, ',', len);
    comma = c ? (size_t) (c - header) : len;

    for (pos = 0; pos < len; pos++) {
        start = pos;
        pos = maint_item(header, len, pos, &comma, &p);

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


/* the name looked for; what maint_cookie_values() calls, and its count */

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


int
maint_cookie_names_add(maint_cookie_names_t *set, const char *name,
    size_t len)
{
    if (set->n == MAINT_NAMES_MAX) {
        return 0;
    }

    set->name[set->n] = name;
    set->len[set->n] = len;
    set->n++;

    if (len >= 64 || memchr(name, '%', len) || memchr(name, '[', len)) {
        set->slow = 1;
    } else {
        set->lens |= (uint64_t) 1 << len;
    }

    return 1;
}


int
maint_cookie_names_find(const maint_cookie_names_t *set, const char *n,
    size_t n_len, int *kind)
{
    unsigned  i;

    /*
     * Reading a name keeps its length unless it decodes ("%") or has a
     * "[...]" suffix; a short name of a length the set has not is none of
     * them (a long one may be too long for anybody: maint_cookie_name())
     */

    if (!set->slow && n_len < 64 && !(set->lens & ((uint64_t) 1 << n_len))
        && memchr(n, '%', n_len) == NULL && memchr(n, '[', n_len) == NULL)
    {
        return -1;
    }

    for (i = 0; i < set->n; i++) {
        *kind = maint_cookie_name(n, n_len, set->name[i], set->len[i]);

        if (*kind != MAINT_NAME_OTHER) {
            return (int) i;
        }
    }

    return -1;
}


void
maint_cookie_scan(const char *header, size_t len,
    const maint_cookie_names_t *set, maint_cookie_named_pt visit,
    void *data)
{
    int           which, kind;
    size_t        pos, comma;
    const char   *c;
    maint_item_t  p;

    c = memchr(header, ',', len);
    comma = c ? (size_t) (c - header) : len;

    for (pos = 0; pos < len; pos++) {
        pos = maint_item(header, len, pos, &comma, &p);

        /* no "=": an empty name, which is nobody's (maint_cookie_name) */

        if (!p.eq) {
            continue;
        }

        which = maint_cookie_names_find(set, header + p.ns, p.ne - p.ns,
                                        &kind);
        if (which >= 0) {
            visit(data, which, kind, header + p.vs, p.ve - p.vs);
        }
    }
}


/*
 * Eight bytes at a time: a byte below 0x20 or above 0x7e sets its top bit
 * in one of the two words (the classic "has a byte less / more than n"
 * tests, exact for these bounds)
 */

#define MAINT_ONES   0x0101010101010101ULL
#define MAINT_HIGHS  0x8080808080808080ULL

int
maint_cookie_printable(const char *s, size_t len)
{
    size_t    i;
    uint64_t  x;

    for (i = 0; i + 8 <= len; i += 8) {
        memcpy(&x, s + i, 8);

        if ((((x - MAINT_ONES * 0x20) & ~x) | ((x + MAINT_ONES * 0x01) | x))
            & MAINT_HIGHS)
        {
            return 0;
        }
    }

    for ( ; i < len; i++) {
        if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] > 0x7e) {
            return 0;
        }
    }

    return 1;
}


static int
maint_remove_one(void *data, const char *name, size_t name_len,
    const char *value, size_t len)
{
    maint_values_t  *rm = data;

    return maint_cookie_name(name, name_len, rm->name, rm->name_len)
           == MAINT_NAME_OTHER;
}


size_t
maint_cookie_remove(const char *header, size_t len, const char *name,
    size_t name_len, char *out)
{
    maint_values_t  rm = { name, name_len, NULL, NULL, 0 };

    return maint_cookie_filter(header, len, maint_remove_one, &rm, out);
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

    pos = maint_item(h, len, 0, NULL, &p);

    if (!p.eq || !maint_item_is(h, &p, name, name_len)
        || !maint_cookie_value_ok(h + p.vs, p.ve - p.vs))
    {
        return 0;
    }

    *value = h + p.vs;
    *vlen = p.ve - p.vs;

    /* then its attributes: does one of them delete it? */

    for (pos++; pos < len; pos++) {
        pos = maint_item(h, len, pos, NULL, &p);

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
            t = maint_parse_http_date(h + p.vs, p.ve - p.vs);

            if (t >= 0 && t <= now_s) {
                return 0;
            }
        }
    }

    return 1;
}
