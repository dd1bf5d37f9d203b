/*
 * auth.c: bearer tokens.  The configuration holds each token's SHA-256;
 * a presented token is hashed and compared with every configured hash in
 * constant time (all of them, so the time says nothing about which one
 * matched).  Tokens are random, 32 bytes, so a fast hash is the right one.
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
    size_t              i, len;
    const char         *tok;
    unsigned char       h[32];
    const adm_token_t  *found;

    if (authorization == NULL
        || strncasecmp(authorization, "Bearer ", 7) != 0)
    {
        return NULL;
    }

    tok = authorization + 7;
    while (*tok == ' ') {
        tok++;
    }

    len = strlen(tok);
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
