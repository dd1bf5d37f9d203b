/*
 * maint_hash.c: the two hashes of the core.  SHA-256 through OpenSSL, its
 * digest and context kept (the hot path neither looks the algorithm up
 * nor allocates); SipHash-2-4 by hand, a few dozen lines that beat any
 * library call for the short keys of a worker's cache.
 */

#include <stdint.h>
#include <string.h>
#include <openssl/evp.h>

#include "maint_hash.h"


static EVP_MD       *maint_sha256_md;
static EVP_MD_CTX   *maint_sha256_ctx;


/*
 * Called by a worker as it exits (NGINX unloads the module before the
 * process ends: the kept context would be lost memory in every leak
 * report).  Not a destructor: in the admin daemon it would run after
 * OpenSSL's own cleanup at exit.
 */

void
maint_sha256_free(void)
{
    EVP_MD_CTX_free(maint_sha256_ctx);
    EVP_MD_free(maint_sha256_md);
    maint_sha256_ctx = NULL;
    maint_sha256_md = NULL;
}


void
maint_sha256(const void *in, size_t len, unsigned char out[32])
{
    unsigned int   n;
    EVP_MD        *md;
    EVP_MD_CTX    *ctx;

    if (maint_sha256_md == NULL) {
        maint_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
        maint_sha256_ctx = EVP_MD_CTX_new();
    }

    md = maint_sha256_md;
    ctx = maint_sha256_ctx;

    n = 32;

    if (md == NULL || ctx == NULL
        || EVP_DigestInit_ex(ctx, md, NULL) != 1
        || EVP_DigestUpdate(ctx, in, len) != 1
        || EVP_DigestFinal_ex(ctx, out, &n) != 1)
    {
        (void) EVP_Digest(in, len, out, &n, EVP_sha256(), NULL);
    }
}


#define MAINT_ROTL(x, b)  (uint64_t) (((x) << (b)) | ((x) >> (64 - (b))))

#define MAINT_SIPROUND                                                       \
    do {                                                                     \
        v0 += v1; v1 = MAINT_ROTL(v1, 13); v1 ^= v0;                         \
        v0 = MAINT_ROTL(v0, 32);                                             \
        v2 += v3; v3 = MAINT_ROTL(v3, 16); v3 ^= v2;                         \
        v0 += v3; v3 = MAINT_ROTL(v3, 21); v3 ^= v0;                         \
        v2 += v1; v1 = MAINT_ROTL(v1, 17); v1 ^= v2;                         \
        v2 = MAINT_ROTL(v2, 32);                                             \
    } while (0)


/* n (at most 8) bytes, little-endian: one load where the CPU is so */

static uint64_t
maint_le64(const unsigned char *p, size_t n)
{
    size_t    i;
    uint64_t  v = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n == 8) {
        memcpy(&v, p, 8);
        return v;
    }
#endif

    for (i = 0; i < n; i++) {
        v |= (uint64_t) p[i] << (8 * i);
    }

    return v;
}


static void
maint_put_le64(unsigned char *p, uint64_t v)
{
    size_t  i;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8);
    return;
#endif

    for (i = 0; i < 8; i++) {
        p[i] = (unsigned char) (v >> (8 * i));
    }
}


/* inlined into each variant: the round counts are constants there */

#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void
maint_siphash_cd(int c, int d, const unsigned char key[16], const void *in,
    size_t len, unsigned char *out, size_t outlen)
{
    int                   i;
    size_t                left;
    uint64_t              k0, k1, v0, v1, v2, v3, m;
    const unsigned char  *p = in;

    k0 = maint_le64(key, 8);
    k1 = maint_le64(key + 8, 8);

    v0 = k0 ^ 0x736f6d6570736575ULL;
    v1 = k1 ^ 0x646f72616e646f6dULL;
    v2 = k0 ^ 0x6c7967656e657261ULL;
    v3 = k1 ^ 0x7465646279746573ULL;

    if (outlen == 16) {
        v1 ^= 0xee;
    }

    for (left = len; left >= 8; left -= 8, p += 8) {
        m = maint_le64(p, 8);
        v3 ^= m;
        for (i = 0; i < c; i++) {
            MAINT_SIPROUND;
        }
        v0 ^= m;
    }

    m = ((uint64_t) len << 56) | maint_le64(p, left);
    v3 ^= m;
    for (i = 0; i < c; i++) {
        MAINT_SIPROUND;
    }
    v0 ^= m;

    v2 ^= outlen == 16 ? 0xee : 0xff;

    for (i = 0; i < d; i++) {
        MAINT_SIPROUND;
    }

    maint_put_le64(out, v0 ^ v1 ^ v2 ^ v3);

    if (outlen != 16) {
        return;
    }

    v1 ^= 0xdd;

    for (i = 0; i < d; i++) {
        MAINT_SIPROUND;
    }

    maint_put_le64(out + 8, v0 ^ v1 ^ v2 ^ v3);
}


void
maint_siphash(const unsigned char key[16], const void *in, size_t len,
    unsigned char *out, size_t outlen)
{
    maint_siphash_cd(2, 4, key, in, len, out, outlen);
}


void
maint_siphash13(const unsigned char key[16], const void *in, size_t len,
    unsigned char *out, size_t outlen)
{
    maint_siphash_cd(1, 3, key, in, len, out, outlen);
}
