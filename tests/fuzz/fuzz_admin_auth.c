/*
 * fuzz_admin_auth.c: the admin API's Authorization header check
 * (admin-api/http/auth.c) against two configured tokens.  Input: a header
 * value, tried as it is and after "Bearer ".  Property: adm_auth() answers
 * what a plain reading of the rule answers: "Bearer" in any case, a space,
 * any more spaces, then exactly a configured token gets that token's entry
 * and role; everything else, however long or strange, is refused.
 */

#include "fuzz.h"
#include "config.h"
#include "http/auth.h"


static const char  *fuzz_tokens[] = {
    "mt_fuzzAdminToken0000000000000000000000000000",
    "mt_fuzzViewerToken000000000000000000000000000",
};


static void
fuzz_configure(void)
{
    char           line[256], hex[65], err[256];
    size_t         i, j;
    unsigned char  h[32];

    adm_config_defaults();

    for (i = 0; i < 2; i++) {
        adm_token_hash(fuzz_tokens[i], strlen(fuzz_tokens[i]), h);

        for (j = 0; j < 32; j++) {
            snprintf(hex + 2 * j, 3, "%02x", h[j]);
        }

        snprintf(line, sizeof(line), "%s %s %s", i ? "viewer" : "admin",
                 i ? "viewer" : "admin", hex);

        if (adm_config_set("token", line, err, sizeof(err)) != 0) {
            fprintf(stderr, "token: %s\n", err);
            abort();
        }
    }
}


/* what adm_auth() must answer, worked out the plain way: a token, or -1 */

static int
fuzz_expected(const char *hdr)
{
    size_t       i;
    const char  *tok;

    if (strncasecmp(hdr, "Bearer ", 7) != 0) {
        return -1;
    }

    for (tok = hdr + 7; *tok == ' '; tok++) { /* void */ }

    for (i = 0; i < 2; i++) {
        if (strcmp(tok, fuzz_tokens[i]) == 0) {
            return (int) i;
        }
    }

    return -1;
}


static void
fuzz_check(const char *hdr)
{
    int                 want;
    const adm_token_t  *t;

    want = fuzz_expected(hdr);
    t = adm_auth(hdr);

    if (want < 0) {
        FUZZ_CHECK(t == NULL);

    } else {
        FUZZ_CHECK(t != NULL);
        FUZZ_CHECK(strcmp(t->name, want ? "viewer" : "admin") == 0);
        FUZZ_CHECK(t->role == (want ? ADM_ROLE_VIEWER : ADM_ROLE_ADMIN));
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char       *hdr, *bearer;
    size_t      len;
    fuzz_in_t   in = { (const char *) data, size };

    static int  configured;

    if (!configured) {
        fuzz_configure();
        configured = 1;
    }

    /* a header value reaches the daemon as a C string (libmicrohttpd) */
    hdr = fuzz_part(&in, &len);
    bearer = malloc(len + 8);
    if (bearer == NULL) {
        abort();
    }

    memcpy(bearer, "Bearer ", 7);
    memcpy(bearer + 7, hdr, len);
    bearer[7 + len] = '\0';

    hdr = realloc(hdr, len + 1);
    if (hdr == NULL) {
        abort();
    }
    hdr[len] = '\0';

    fuzz_check(hdr);
    fuzz_check(bearer);

    free(hdr);
    free(bearer);

    return 0;
}
