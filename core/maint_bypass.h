/*
 * maint_bypass.h: how a superadmin gets past a window (docs/sessions.md):
 * the signed bypass cookie, the sign-in form's anti-forgery token, the
 * credential check and the local redirect after sign-in.
 */

#ifndef MAINT_BYPASS_H
#define MAINT_BYPASS_H

#include <stddef.h>
#include <stdint.h>

#include "maint_snapshot.h"


#define MAINT_BYPASS_MAX_TTL   (12 * 3600)
#define MAINT_BYPASS_SKEW      60           /* issued ahead of us, at most */
#define MAINT_BYPASS_MAX_LEN   512
#define MAINT_CSRF_TTL         3600         /* a sign-in form lasts an hour */
#define MAINT_CSRF_MAX_LEN     (22 + 1 + 12 + 1 + 43)
#define MAINT_LEAVE_TOKEN_LEN  22


typedef enum {
    MAINT_BYPASS_OK = 0,
    MAINT_BYPASS_MALFORMED,
    MAINT_BYPASS_UNKNOWN_KEY,
    MAINT_BYPASS_BAD_SIGNATURE,
    MAINT_BYPASS_EXPIRED,
    MAINT_BYPASS_FUTURE,
    MAINT_BYPASS_TOO_LONG,
    MAINT_BYPASS_NOT_SUPERADMIN,
    MAINT_BYPASS_WRONG_SCHEME,      /* issued over http, shown over https */
    MAINT_BYPASS_REVOKED            /* the credential it was issued for is
                                       gone: rotated, removed, re-added */
} maint_bypass_e;


/*
 * "v2.<kid>.<name>.<credential id>.<http|https>.<iat>.<exp>.<mac>", for
 * the superadmin sa as the snapshot has it, over the scheme the sign-in
 * came on (https: non-zero); returns its length, 0 on error.
 */
size_t maint_bypass_sign(const maint_key_t *key, const maint_superadmin_t *sa,
    int https, int64_t iat, int64_t exp, char *out, size_t outlen);

/*
 * On MAINT_BYPASS_OK, name (at least 65 bytes) gets the superadmin.  A
 * cookie verifies only with the scheme it was issued on and while the
 * superadmin still holds the credential (id) it was issued for.
 */
maint_bypass_e maint_bypass_verify(const maint_snapshot_t *s,
    const char *cookie, size_t len, int https, int64_t now_s,
    int64_t max_ttl, char *name);

/*
 * The token the superadmin banner's "Leave" form carries: derived from
 * the bypass cookie itself (which only its holder and the edge see), so
 * another site cannot make a superadmin leave.  out: 23 bytes.
 */
void maint_bypass_leave_token(const char *cookie, size_t len, char *out);
/* 1 when field is the leave token of cookie (constant time) */
int maint_bypass_leave_check(const char *cookie, size_t len,
    const char *field, size_t field_len);

/*
 * The form token: b64url(16 random bytes) "." issued at "." b64url(HMAC),
 * the HMAC binding both to the scheme.  It is good for MAINT_CSRF_TTL
 * seconds, on that scheme only, and not from the future (beyond
 * MAINT_BYPASS_SKEW).
 */
size_t maint_csrf_make(const maint_key_t *key, int https, int64_t now_s,
    char *out, size_t outlen);
int maint_csrf_check(const maint_snapshot_t *s, int https, int64_t now_s,
    const char *cookie, size_t cookie_len, const char *field,
    size_t field_len);

/* the superadmin, when the credential's SHA-256 matches (constant time) */
const maint_superadmin_t *maint_credential_check(const maint_snapshot_t *s,
    const char *name, size_t name_len, const char *credential,
    size_t credential_len);

/*
 * The Location after sign-in: the decoded path re-encoded, and the raw
 * query arguments without "drop"; "/" when the path could lead anywhere
 * else (//, /\, control characters).  Returns the length written.
 */
size_t maint_local_redirect(const char *path, size_t path_len,
    const char *args, size_t args_len, const char *drop, size_t drop_len,
    char *out, size_t outlen);


#endif /* MAINT_BYPASS_H */
