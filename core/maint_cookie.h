/*
 * maint_cookie.h: the app's session cookie in request and response
 * headers: finding every value of it in Cookie headers, telling
 * well-formed values from the rest, the names an app may still read as
 * its name, removing it from a header, and reading Set-Cookie.
 */

#ifndef MAINT_COOKIE_H
#define MAINT_COOKIE_H

#include <stddef.h>
#include <stdint.h>


#define MAINT_COOKIE_MAX      4096      /* longer values are stripped */


/*
 * Cookie headers are split into pairs at ";" and at ",": RFC 2965 and many
 * servers and frameworks still read "a=1, sid=X" as two cookies, so
 * anything after a comma may reach an app as a cookie of its own.
 */

/* called for every pair named "name"; valid: the value is well-formed */
typedef void (*maint_cookie_pt)(void *data, const char *value, size_t len,
    int valid);

/* walks one Cookie header value; returns how many pairs had the name */
int maint_cookie_values(const char *header, size_t len, const char *name,
    size_t name_len, maint_cookie_pt handler, void *data);

/* RFC 6265 cookie-octets, optionally in double quotes, 1 to 4096 bytes */
int maint_cookie_value_ok(const char *value, size_t len);

/*
 * Called for every pair of a header (name and value trimmed of blanks);
 * returns 1 to keep the pair, 0 to drop it.
 */
typedef int (*maint_cookie_filter_pt)(void *data, const char *name,
    size_t name_len, const char *value, size_t value_len);

/*
 * Walks every pair of one Cookie header value; with out (as long as the
 * header, at least) the kept pairs are written there, each with the
 * separator that preceded it.  Returns the new length.
 */
size_t maint_cookie_filter(const char *header, size_t len,
    maint_cookie_filter_pt visit, void *data, char *out);

/*
 * How a pair's name relates to a cookie name: MAINT_NAME_EXACT byte for
 * byte; MAINT_NAME_ALIAS when an app may still read it as that name
 * (another letter case, percent-encoded, PHP's "." and " " for "_", a
 * "[...]" suffix); MAINT_NAME_OTHER otherwise.
 */
#define MAINT_NAME_OTHER  0
#define MAINT_NAME_EXACT  1
#define MAINT_NAME_ALIAS  2

int maint_cookie_name(const char *n, size_t n_len, const char *name,
    size_t name_len);

/*
 * A set of cookie names to tell a pair's name by, in one call: the
 * session cookie and the edge's own, on every pair of every request.  A
 * name without "%" and "[" reads as one of the same length, so most names
 * are told apart by their length alone.
 */
#define MAINT_NAMES_MAX  8

typedef struct {
    const char  *name[MAINT_NAMES_MAX];
    size_t       len[MAINT_NAMES_MAX];
    unsigned     n;
    uint64_t     lens;              /* bit L: a name L bytes long */
    int          slow;              /* a name no length tells: ask all */
} maint_cookie_names_t;

/* adds a name (kept by reference); 0 when the set is full */
int maint_cookie_names_add(maint_cookie_names_t *set, const char *name,
    size_t len);

/*
 * The first name of the set that n is (maint_cookie_name() not
 * MAINT_NAME_OTHER): its index, and *kind EXACT or ALIAS; or -1.
 */
int maint_cookie_names_find(const maint_cookie_names_t *set, const char *n,
    size_t n_len, int *kind);

/*
 * Walks one Cookie header value as maint_cookie_filter() does, and calls
 * visit only for the pairs named as one of the set: which one
 * (maint_cookie_names_find()), EXACT or ALIAS, and the value.  Other pairs
 * cost only their reading.
 */
typedef void (*maint_cookie_named_pt)(void *data, int which, int kind,
    const char *value, size_t len);

void maint_cookie_scan(const char *header, size_t len,
    const maint_cookie_names_t *set, maint_cookie_named_pt visit,
    void *data);

/* 1 when every byte is printable ASCII (0x20 to 0x7e) */
int maint_cookie_printable(const char *s, size_t len);

/*
 * The header without any pair named "name" (exactly or as an alias), into
 * out (as long as the header, at least); returns the new length.
 */
size_t maint_cookie_remove(const char *header, size_t len, const char *name,
    size_t name_len, char *out);

/*
 * A Set-Cookie header that sets "name" to a non-empty value and does not
 * expire it (no Max-Age <= 0, no Expires in the past): 1 and the value.
 */
int maint_set_cookie(const char *header, size_t len, const char *name,
    size_t name_len, int64_t now_s, const char **value, size_t *vlen);


#endif /* MAINT_COOKIE_H */
