/*
 * fuzz_bypass.c: what a visitor sends to get past a window
 * (maint_bypass.c): the bypass cookie's verification, the sign-in form's
 * token check and the credential check, against a fixed state with two
 * keys and two superadmins.  A cookie the fuzzer forges must never verify.
 * Input: a bypass cookie, NUL, a csrf cookie, NUL, the form's token, NUL,
 * a name, NUL, a credential.
 */

#include "fuzz.h"
#include "maint_bypass.h"


/* keys k1 (signing, 32 x 'A') and k2 (32 x 'B'); alice's credential is
 * "sa_test" */
static const char  snap_json[] =
    "{\"schema\":1,"
    "\"superadmins\":[{\"name\":\"alice\",\"credential\":"
    "\"9e4e0a50e86f0dda4f0a6c3893f073880c7305fe1d724b255581365de2a4dc43\"},"
    "{\"name\":\"bob\",\"credential\":"
    "\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
    "\"bypass_keys\":["
    "{\"kid\":\"k1\",\"secret\":\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\","
    "\"signing\":true},"
    "{\"kid\":\"k2\",\"secret\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\"}]}";

#define FUZZ_NOW  1795300000LL


static maint_snapshot_t  *snap;


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                      err[256], name[65];
    char                     *cookie, *csrf, *field, *who, *cred;
    size_t                    cookie_len, csrf_len, field_len, who_len;
    size_t                    cred_len;
    maint_bypass_e            rc;
    const maint_superadmin_t *sa;
    fuzz_in_t                 in = { (const char *) data, size };

    if (snap == NULL) {
        snap = maint_snapshot_parse(snap_json, sizeof(snap_json) - 1, err,
                                    sizeof(err));
        if (snap == NULL) {
            fprintf(stderr, "fuzz_bypass: %s\n", err);
            abort();
        }
    }

    cookie = fuzz_part(&in, &cookie_len);
    csrf = fuzz_part(&in, &csrf_len);
    field = fuzz_part(&in, &field_len);
    who = fuzz_part(&in, &who_len);
    cred = fuzz_part(&in, &cred_len);

    memset(name, 0x55, sizeof(name));
    rc = maint_bypass_verify(snap, cookie, cookie_len, FUZZ_NOW,
                             MAINT_BYPASS_MAX_TTL, name);

    if (rc == MAINT_BYPASS_OK) {
        /* only a signed cookie (from the corpus) gets here */
        FUZZ_CHECK(memchr(name, '\0', sizeof(name)) != NULL);
        FUZZ_CHECK(maint_snapshot_superadmin(snap, name, strlen(name))
                   != NULL);
        FUZZ_CHECK(cookie_len <= MAINT_BYPASS_MAX_LEN);
    }

    (void) maint_csrf_check(snap, csrf, csrf_len, field, field_len);

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

    return 0;
}
