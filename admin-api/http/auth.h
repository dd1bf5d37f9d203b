/*
 * auth.h: the admin API's bearer tokens.
 *
 *   auth.c       tokens made, hashed, and checked against the configured
 *                hashes in constant time
 */

#ifndef ADM_AUTH_H
#define ADM_AUTH_H

#include <stddef.h>

#include "config.h"


const adm_token_t *adm_auth(const char *authorization);
void adm_token_hash(const char *token, size_t len, unsigned char out[32]);
int adm_token_generate(char *out, size_t len);


#endif /* ADM_AUTH_H */
