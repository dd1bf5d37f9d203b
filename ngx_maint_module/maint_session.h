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


#define MAINT_COOKIE_MAX      4096      /* longer values are no session */
#define MAINT_SESSION_ID_HEX  64


/* called for every pair named "name"; valid: the value is well-formed */
typedef void (*maint_cookie_pt)(void *data, const char *value, size_t len,
    int valid);

/* walks one Cookie header value; returns how many pairs had the name */
int maint_cookie_values(const char *header, size_t len, const char *name,
    size_t name_len, maint_cookie_pt handler, void *data);

/* RFC 6265 cookie-octets, optionally in double quotes, 1 to 4096 bytes */
int maint_cookie_value_ok(const char *value, size_t len);

/*
 * The header without any pair named "name", into out (as long as the
 * header, at least); returns the new length.
 */
size_t maint_cookie_remove(const char *header, size_t len, const char *name,
    size_t name_len, char *out);

/*
 * A Set-Cookie header that sets "name" to a non-empty value and does not
 * expire it (no Max-Age <= 0, no Expires in the past): 1 and the value.
 */
int maint_set_cookie(const char *header, size_t len, const char *name,
    size_t name_len, int64_t now_s, const char **value, size_t *vlen);

/* the session id: SHA-256 of the value, in hex */
void maint_session_id(const char *value, size_t len,
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
