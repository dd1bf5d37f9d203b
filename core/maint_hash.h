/*
 * maint_hash.h: SHA-256 and SipHash, the hashes the core names things
 * with: SHA-256 for what is stored or compared across processes (session
 * ids, credentials), SipHash for a worker's own cache keys.
 */

#ifndef MAINT_HASH_H
#define MAINT_HASH_H

#include <stddef.h>


/*
 * SHA-256 of a short input (session ids, credentials, tokens): the digest
 * is fetched once and its context kept, so the hot path neither looks the
 * algorithm up nor allocates.  One thread per process, as NGINX's workers
 * and the daemon are.  maint_sha256_free() releases them (a worker's
 * exit).
 */
void maint_sha256(const void *in, size_t len, unsigned char out[32]);
void maint_sha256_free(void);

/*
 * SipHash-2-4 with a 128-bit result (outlen 16) or the 64-bit one (8), of
 * a 16-byte key: the worker's own name for a cookie value in its cache, far
 * cheaper than SHA-256 and, with a random key, not guessable.
 */
void maint_siphash(const unsigned char key[16], const void *in, size_t len,
    unsigned char *out, size_t outlen);


#endif /* MAINT_HASH_H */
