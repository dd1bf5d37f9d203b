/*
 * fuzz_bypass.c: what a visitor sends to get past a window
 * (maint_bypass.c): the bypass cookie's verification, the sign-in form's
 * token check, the banner's "Leave" token and the credential check,
 * against a fixed state with two keys and two superadmins.  A cookie the
 * fuzzer forges must never verify; one that verifies (from the corpus)
 * must be bound to its scheme and to the superadmin's credential id (it
 * fails over the other scheme and against the same state with the
 * credentials rotated); a form token that passes must fail on the other
 * scheme and an hour (plus the skew) before or after.
 * Input: a bypass cookie, NUL, a csrf cookie, NUL, the form's token, NUL,
 * a name, NUL, a credential, NUL, the scheme (an odd first byte: https),
 * NUL, a "leave" token.
 */

#include "fuzz.h"
#include "maint_bypass.h"


/* keys k1 (signing, 32 x 'A') and k2 (32 x 'B'); alice's credential is
 * "sa_test", issued as id "cidAlice1"; bob's record has no id (derived) */
#define FUZZ_KEYS \
    "\"bypass_keys\":[" \
    "{\"kid\":\"k1\",\"secret\":" \
    "\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\"," \
    "\"signing\":true}," \
    "{\"kid\":\"k2\",\"secret\":" \
    "\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\"}]"

static const char  snap_json[] =
    "{\"schema\":1,"
    "\"superadmins\":[{\"name\":\"alice\",\"credential\":"
    "\"9e4e0a50e86f0dda4f0a6c3893f073880c7305fe1d724b255581365de2a4dc43\","
    "\"credential_id\":\"cidAlice1\"},"
    "{\"name\":\"bob\",\"credential\":"
    "\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
    FUZZ_KEYS "}";

/* the same superadmins after a rotation of both: other ids */
static const char  rotated_json[] =
    "{\"schema\":1,"
    "\"superadmins\":[{\"name\":\"alice\",\"credential\":"
    "\"9e4e0a50e86f0dda4f0a6c3893f073880c7305fe1d724b255581365de2a4dc43\","
    "\"credential_id\":\"cidAlice2\"},"
    "{\"name\":\"bob\",\"credential\":"
    "\"1111111111111111111111111111111111111111111111111111111111111111\"}],"
    FUZZ_KEYS "}";

#define FUZZ_NOW  1795300000LL


static maint_snapshot_t  *snap, *rotated;


static maint_snapshot_t *
fuzz_snapshot(const char *json)
{
    char               err[256];
    maint_snapshot_t  *s;

    s = maint_snapshot_parse(json, strlen(json), err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "fuzz_bypass: %s\n", err);
        abort();
    }

    return s;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                       https;
    char                      name[65], bound[MAINT_MAX_CID_LEN + 16],
                              token[MAINT_LEAVE_TOKEN_LEN + 1];
    char                     *cookie, *csrf, *field, *who, *cred, *scheme,
                             *leave;
    size_t                    cookie_len, csrf_len, field_len, who_len;
    size_t                    cred_len, scheme_len, leave_len;
    maint_bypass_e            rc;
    const maint_superadmin_t *sa;
    fuzz_in_t                 in = { (const char *) data, size };

    if (snap == NULL) {
        snap = fuzz_snapshot(snap_json);
        rotated = fuzz_snapshot(rotated_json);
    }

    cookie = fuzz_part(&in, &cookie_len);
    csrf = fuzz_part(&in, &csrf_len);
    field = fuzz_part(&in, &field_len);
    who = fuzz_part(&in, &who_len);
    cred = fuzz_part(&in, &cred_len);
    scheme = fuzz_part(&in, &scheme_len);
    leave = fuzz_part(&in, &leave_len);

    https = scheme_len > 0 && (scheme[0] & 1);

    memset(name, 0x55, sizeof(name));
    rc = maint_bypass_verify(snap, cookie, cookie_len, https, FUZZ_NOW,
                             MAINT_BYPASS_MAX_TTL, name);

    if (rc == MAINT_BYPASS_OK) {
        /* only a signed cookie (from the corpus) gets here */
        FUZZ_CHECK(memchr(name, '\0', sizeof(name)) != NULL);
        sa = maint_snapshot_superadmin(snap, name, strlen(name));
        FUZZ_CHECK(sa != NULL);
        FUZZ_CHECK(cookie_len <= MAINT_BYPASS_MAX_LEN);

        /* it names the credential id and the scheme it is good for */
        snprintf(bound, sizeof(bound), ".%s.%s.", sa->cid,
                 https ? "https" : "http");
        FUZZ_CHECK(memmem(cookie, cookie_len, bound, strlen(bound))
                   != NULL);

        /* and nothing else: not over the other scheme, not once the
           credential is another */
        FUZZ_CHECK(maint_bypass_verify(snap, cookie, cookie_len, !https,
                                       FUZZ_NOW, MAINT_BYPASS_MAX_TTL,
                                       name)
                   == MAINT_BYPASS_WRONG_SCHEME);
        FUZZ_CHECK(maint_bypass_verify(rotated, cookie, cookie_len, https,
                                       FUZZ_NOW, MAINT_BYPASS_MAX_TTL,
                                       name)
                   == MAINT_BYPASS_REVOKED);
        FUZZ_CHECK(name[0] == '\0');
    }

    if (maint_csrf_check(snap, https, FUZZ_NOW, csrf, csrf_len, field,
                         field_len))
    {
        FUZZ_CHECK(csrf_len == field_len
                   && memcmp(csrf, field, csrf_len) == 0);
        FUZZ_CHECK(!maint_csrf_check(snap, !https, FUZZ_NOW, csrf, csrf_len,
                                     field, field_len));
        FUZZ_CHECK(!maint_csrf_check(snap, https,
                                     FUZZ_NOW + MAINT_CSRF_TTL
                                     + MAINT_BYPASS_SKEW + 1,
                                     csrf, csrf_len, field, field_len));
        FUZZ_CHECK(!maint_csrf_check(snap, https,
                                     FUZZ_NOW - MAINT_CSRF_TTL
                                     - MAINT_BYPASS_SKEW - 1,
                                     csrf, csrf_len, field, field_len));
    }

    if (maint_bypass_leave_check(cookie, cookie_len, leave, leave_len)) {
        maint_bypass_leave_token(cookie, cookie_len, token);
        FUZZ_CHECK(leave_len == MAINT_LEAVE_TOKEN_LEN
                   && memcmp(token, leave, leave_len) == 0);
    }

    sa = maint_credential_check(snap, who, who_len, cred, cred_len);
    if (sa) {
        FUZZ_CHECK(sa->name.len == who_len
                   && memcmp(sa->name.data, who, who_len) == 0);
    }

    free(cookie);
    free(csrf);
    free(field);
    free(who);
    free(cred);
    free(scheme);
    free(leave);

    return 0;
}
