/*
 * maint_session.h: the app's session cookie as the edge handles it: finding
 * every value of it in Cookie headers, telling well-formed values from the
 * rest, hashing them into session ids, removing them from a header, reading
 * Set-Cookie, and the verdict (docs/redis-schema.md) shared with the admin
 * API.
 */

#ifndef MAINT_SESSION_H
#define MAINT_SESSION_H

#include "maint_snapshot.h"


#define MAINT_COOKIE_MAX      4096      /* longer values are stripped */
#define MAINT_SESSION_ID_HEX  64
#define MAINT_SESSION_FORMS   64        /* more forms: the value is stripped */
#define MAINT_FORMS_CUTS      8         /* cuts of one form (see below) */
#define MAINT_FORMS_WORK      (128 * 1024)  /* bytes hashed, at most */


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
 * The header without any pair named "name" (exactly or as an alias), into
 * out (as long as the header, at least); returns the new length.
 */
size_t maint_cookie_remove(const char *header, size_t len, const char *name,
    size_t name_len, char *out);

/*
 * The ids of every form of a session cookie's value an app may read: the
 * value unquoted, backslash-unescaped, percent-decoded (once, twice...,
 * "+" as a space), and each of these cut before each of its first
 * MAINT_FORMS_CUTS bytes that are not letters or digits (apps that stop
 * there read "X" from "X-", "X,", "X\"...).  ids[0] is the session's own
 * id (maint_session_id).  Returns how many distinct ids, or 0 when the
 * value cannot be checked: longer than MAINT_COOKIE_MAX, bytes outside
 * printable ASCII, encoded more than four times over, more than "max"
 * forms, or more than MAINT_FORMS_WORK bytes to hash.  Such a value is
 * stripped.
 */
int maint_session_forms(const char *value, size_t len,
    unsigned char (*ids)[32], int max);

/*
 * A Set-Cookie header that sets "name" to a non-empty value and does not
 * expire it (no Max-Age <= 0, no Expires in the past): 1 and the value.
 */
int maint_set_cookie(const char *header, size_t len, const char *name,
    size_t name_len, int64_t now_s, const char **value, size_t *vlen);

/*
 * The session id: SHA-256 of the value's canonical form (without
 * surrounding double quotes, percent-decoded until nothing is left to
 * decode), in hex; returns 0 (and an empty id) when there is no such form.
 */
int maint_session_id(const char *value, size_t len,
    char out[MAINT_SESSION_ID_HEX + 1]);

/*
 * SipHash-2-4 with a 128-bit result (outlen 16) or the 64-bit one (8), of
 * a 16-byte key: the worker's own name for a cookie value in its cache, far
 * cheaper than SHA-256 and, with a random key, not guessable.
 */
void maint_siphash(const unsigned char key[16], const void *in, size_t len,
    unsigned char *out, size_t outlen);

void maint_hex(const unsigned char *in, size_t n, char *out);


typedef struct {
    int64_t         first_seen;     /* ms; -1: never seen being created */
    int64_t         kept_at;        /* ms; -1: none */
    int             revoked;        /* on the blacklist */
    maint_str_t     superadmin;     /* as the registry says, may be empty */
    maint_str_t     superadmin_cid; /* the credential it signed in with */
    maint_str_t     user;           /* the app's word: shown, never trusted */
} maint_session_facts_t;


typedef enum {
    MAINT_SESSION_ACTIVE = 0,
    MAINT_SESSION_REVOKED,          /* ended one by one */
    MAINT_SESSION_CUTOFF,           /* by an "end all" */
    MAINT_SESSION_WINDOW            /* by a window with terminate_sessions */
} maint_session_verdict_e;


maint_session_verdict_e maint_session_verdict(const maint_snapshot_t *s,
    const char *app, size_t app_len, int64_t now_ms,
    const maint_session_facts_t *f);


#endif /* MAINT_SESSION_H */
