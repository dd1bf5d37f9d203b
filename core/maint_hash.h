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
 * a 16-byte key.
 */
void maint_siphash(const unsigned char key[16], const void *in, size_t len,
    unsigned char *out, size_t outlen);

/*
 * SipHash-1-3, the same with one round per word and three at the end (the
 * variant Python and Rust hash their dictionaries with): the worker's own
 * name for a cookie value in its cache, computed on every request, far
 * cheaper than SHA-256 and, with a random key nobody sees a result of, not
 * guessable.
 */
void maint_siphash13(const unsigned char key[16], const void *in, size_t len,
    unsigned char *out, size_t outlen);


#endif /* MAINT_HASH_H */
