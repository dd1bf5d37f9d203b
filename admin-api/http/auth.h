/*
 * auth.h: the admin API's bearer tokens.
 *
 *   auth.c       tokens made, hashed, and checked against the configured
 *                hashes in constant time; what a route lets a token do
 */

#ifndef ADM_AUTH_H
#define ADM_AUTH_H

#include <stddef.h>

#include "config.h"


/* what adm_authorize() decided */
typedef enum {
    ADM_AUTH_OK = 0,
    ADM_AUTH_MISSING,           /* 401: no token */
    ADM_AUTH_INVALID,           /* 401: not a configured token */
    ADM_AUTH_READ_ONLY,         /* 403: a viewer's on a write */
    ADM_AUTH_FEED_ONLY,         /* 403: a feed token outside the feed */
    ADM_AUTH_NOT_IN_URL         /* 403: a viewer's or an admin's in a URL */
} adm_auth_e;

const adm_token_t *adm_auth(const char *authorization);
const adm_token_t *adm_auth_token(const char *tok, size_t len);
adm_auth_e adm_authorize(adm_role_e need, const char *authorization,
    const char *url_token, const adm_token_t **token);
void adm_token_hash(const char *token, size_t len, unsigned char out[32]);
int adm_token_generate(char *out, size_t len);


#endif /* ADM_AUTH_H */
