/*
 * auth.c: bearer tokens.  The configuration holds each token's SHA-256;
 * a presented token is hashed and compared with every configured hash in
 * constant time (all of them, so the time says nothing about which one
 * matched).  Tokens are random, 32 bytes, so a fast hash is the right one.
 * adm_authorize() says what a route lets a request's token do.
 */

#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "maint_codec.h"
#include "maint_core.h"
#include "maint_hash.h"
#include "admin.h"
#include "config.h"
#include "http/auth.h"


void
adm_token_hash(const char *token, size_t len, unsigned char out[32])
{
    maint_sha256(token, len, out);
}


const adm_token_t *
adm_auth(const char *authorization)
{
    const char  *tok;

    if (authorization == NULL
        || strncasecmp(authorization, "Bearer ", 7) != 0)
    {
        return NULL;
    }

    tok = authorization + 7;
    while (*tok == ' ') {
        tok++;
    }

    return adm_auth_token(tok, strlen(tok));
}


/* the configured token tok is, or NULL */

const adm_token_t *
adm_auth_token(const char *tok, size_t len)
{
    size_t              i;
    unsigned char       h[32];
    const adm_token_t  *found;

    if (len == 0 || len > 512) {
        return NULL;
    }

    adm_token_hash(tok, len, h);

    found = NULL;

    for (i = 0; i < adm_conf.ntokens; i++) {
        if (CRYPTO_memcmp(h, adm_conf.tokens[i].hash, sizeof(h)) == 0) {
            found = &adm_conf.tokens[i];
        }
    }

    return found;
}


/*
 * What a route of role need lets a request do, with the Authorization
 * header and the "token" query argument it came with (either may be
 * NULL); *token is the token found, when one is.  The header is the way
 * for every token.  A route of role FEED (the calendar feed) also takes
 * a feed token from the URL, since calendar programs cannot send headers;
 * a viewer's or an admin's is refused there (tokens that may do more must
 * not end up in URLs, with their logs and histories), and the argument
 * means nothing on other routes.  A feed token may do nothing else.
 */

adm_auth_e
adm_authorize(adm_role_e need, const char *authorization,
    const char *url_token, const adm_token_t **token)
{
    const adm_token_t  *t;

    *token = NULL;

    if (need == ADM_ROLE_NONE) {
        return ADM_AUTH_OK;
    }

    if (authorization != NULL) {
        t = adm_auth(authorization);

    } else if (need == ADM_ROLE_FEED && url_token != NULL) {
        t = adm_auth_token(url_token, strlen(url_token));

        if (t != NULL && t->role != ADM_ROLE_FEED) {
            *token = t;             /* its name is logged, never itself */
            return ADM_AUTH_NOT_IN_URL;
        }

    } else {
        return ADM_AUTH_MISSING;
    }

    if (t == NULL) {
        return ADM_AUTH_INVALID;
    }

    *token = t;

    if (t->role == ADM_ROLE_FEED && need != ADM_ROLE_FEED) {
        return ADM_AUTH_FEED_ONLY;
    }

    if (need == ADM_ROLE_ADMIN && t->role != ADM_ROLE_ADMIN) {
        return ADM_AUTH_READ_ONLY;
    }

    return ADM_AUTH_OK;
}


/* "mt_" and 43 characters of base64url: 32 random bytes */

int
adm_token_generate(char *out, size_t len)
{
    size_t         n;
    unsigned char  raw[32];

    if (len < 3 + 43 + 1 || RAND_bytes(raw, sizeof(raw)) != 1) {
        return -1;
    }

    memcpy(out, "mt_", 3);
    n = maint_b64url(raw, sizeof(raw), out + 3);
    out[3 + n] = '\0';

    return 0;
}
