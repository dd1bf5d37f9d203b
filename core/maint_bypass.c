/*
 * maint_bypass.c: the superadmin bypass (see maint_bypass.h).  Secrets are
 * compared with CRYPTO_memcmp only; every parser is bounded by its length
 * and accepts nothing it does not fully understand.
 */

#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "maint_codec.h"
#include "maint_hash.h"
#include "maint_http.h"
#include "maint_bypass.h"


static void
maint_hmac(const unsigned char *key, const char *msg, size_t len,
    unsigned char mac[32])
{
    unsigned int  n = 32;

    HMAC(EVP_sha256(), key, 32, (const unsigned char *) msg, len, mac, &n);
}


static const char *
maint_scheme(int https)
{
    return https ? "https" : "http";
}


size_t
maint_bypass_sign(const maint_key_t *key, const maint_superadmin_t *sa,
    int https, int64_t iat, int64_t exp, char *out, size_t outlen)
{
    int            n;
    char           enc[96];
    size_t         len;
    unsigned char  mac[32];

    if (key == NULL || sa == NULL || sa->name.len == 0
        || sa->name.len > MAINT_MAX_ID_LEN || sa->cid_len == 0
        || outlen < MAINT_BYPASS_MAX_LEN)
    {
        return 0;
    }

    len = maint_b64url((const unsigned char *) sa->name.data, sa->name.len,
                       enc);
    enc[len] = '\0';

    n = snprintf(out, outlen, "v2.%s.%s.%s.%s.%lld.%lld", key->kid, enc,
                 sa->cid, maint_scheme(https), (long long) iat,
                 (long long) exp);
    if (n < 0 || (size_t) n + 1 + 43 + 1 > outlen) {
        return 0;
    }

    maint_hmac(key->secret, out, (size_t) n, mac);

    out[n] = '.';
    len = (size_t) n + 1 + maint_b64url(mac, sizeof(mac), out + n + 1);
    out[len] = '\0';

    return len;
}


static int
maint_parse_int(const char *s, size_t len, int64_t *v)
{
    size_t  i;

    if (len == 0 || len > 12) {
        return -1;
    }

    *v = 0;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }

        *v = *v * 10 + (s[i] - '0');
    }

    return 0;
}


/* the parts of the cookie, in order */
enum {
    MAINT_BP_VERSION = 0, MAINT_BP_KID, MAINT_BP_NAME, MAINT_BP_CID,
    MAINT_BP_SCHEME, MAINT_BP_IAT, MAINT_BP_EXP, MAINT_BP_MAC, MAINT_BP_N
};


/*
 * The cookie's parts, the times and the MAC decoded: exactly eight
 * dot-separated parts, version "v2" (other versions are no bypass).
 */

static maint_bypass_e
maint_bypass_parts(const char *cookie, size_t len, size_t *start,
    size_t *end, int64_t *iat, int64_t *exp, unsigned char mac[32])
{
    size_t  i, k;

    if (len == 0 || len > MAINT_BYPASS_MAX_LEN) {
        return MAINT_BYPASS_MALFORMED;
    }

    k = 0;
    start[0] = 0;

    for (i = 0; i < len; i++) {
        if (cookie[i] == '.') {
            if (k == MAINT_BP_N - 1) {
                return MAINT_BYPASS_MALFORMED;
            }

            end[k++] = i;
            start[k] = i + 1;
        }
    }

    if (k != MAINT_BP_N - 1) {
        return MAINT_BYPASS_MALFORMED;
    }

    end[MAINT_BP_MAC] = len;

    if (end[0] - start[0] != 2 || memcmp(cookie, "v2", 2) != 0) {
        return MAINT_BYPASS_MALFORMED;
    }

    if (maint_parse_int(cookie + start[MAINT_BP_IAT],
                        end[MAINT_BP_IAT] - start[MAINT_BP_IAT], iat) != 0
        || maint_parse_int(cookie + start[MAINT_BP_EXP],
                           end[MAINT_BP_EXP] - start[MAINT_BP_EXP], exp)
           != 0)
    {
        return MAINT_BYPASS_MALFORMED;
    }

    if (maint_b64url_decode(cookie + start[MAINT_BP_MAC],
                            end[MAINT_BP_MAC] - start[MAINT_BP_MAC], mac, 32)
        != 32)
    {
        return MAINT_BYPASS_MALFORMED;
    }

    return MAINT_BYPASS_OK;
}


maint_bypass_e
maint_bypass_verify(const maint_snapshot_t *s, const char *cookie,
    size_t len, int https, int64_t now_s, int64_t max_ttl, char *name)
{
    long                      n;
    size_t                    start[MAINT_BP_N], end[MAINT_BP_N];
    size_t                    scheme_len;
    int64_t                   iat, exp;
    maint_bypass_e            rc;
    const char               *scheme;
    unsigned char             mac[32], want[32], raw[96];
    const maint_key_t        *key;
    const maint_superadmin_t *sa;

    name[0] = '\0';

    rc = maint_bypass_parts(cookie, len, start, end, &iat, &exp, mac);
    if (rc != MAINT_BYPASS_OK) {
        return rc;
    }

    key = maint_snapshot_key(s, cookie + start[MAINT_BP_KID],
                             end[MAINT_BP_KID] - start[MAINT_BP_KID]);
    if (key == NULL) {
        return MAINT_BYPASS_UNKNOWN_KEY;
    }

    /* the signature first: nothing else in the cookie is trusted before */

    maint_hmac(key->secret, cookie, end[MAINT_BP_EXP], want);

    if (CRYPTO_memcmp(mac, want, sizeof(mac)) != 0) {
        return MAINT_BYPASS_BAD_SIGNATURE;
    }

    if (iat > now_s + MAINT_BYPASS_SKEW) {
        return MAINT_BYPASS_FUTURE;
    }

    if (exp <= now_s) {
        return MAINT_BYPASS_EXPIRED;
    }

    if (exp - iat > max_ttl || exp <= iat) {
        return MAINT_BYPASS_TOO_LONG;
    }

    /*
     * Issued over plain HTTP, a value may have been seen on the way: it
     * never counts over HTTPS (nor the other way round).
     */

    scheme = maint_scheme(https);
    scheme_len = strlen(scheme);

    if (end[MAINT_BP_SCHEME] - start[MAINT_BP_SCHEME] != scheme_len
        || memcmp(cookie + start[MAINT_BP_SCHEME], scheme, scheme_len) != 0)
    {
        return MAINT_BYPASS_WRONG_SCHEME;
    }

    n = maint_b64url_decode(cookie + start[MAINT_BP_NAME],
                            end[MAINT_BP_NAME] - start[MAINT_BP_NAME], raw,
                            sizeof(raw));
    if (n <= 0 || n > MAINT_MAX_ID_LEN) {
        return MAINT_BYPASS_MALFORMED;
    }

    sa = maint_snapshot_superadmin(s, (const char *) raw, (size_t) n);
    if (sa == NULL) {
        return MAINT_BYPASS_NOT_SUPERADMIN;
    }

    /*
     * The credential it was issued for: a rotation, or a removal and a
     * new superadmin of the same name, gives another id.
     */

    if (end[MAINT_BP_CID] - start[MAINT_BP_CID] != sa->cid_len
        || CRYPTO_memcmp(cookie + start[MAINT_BP_CID], sa->cid,
                         sa->cid_len) != 0)
    {
        return MAINT_BYPASS_REVOKED;
    }

    memcpy(name, raw, (size_t) n);
    name[n] = '\0';

    return MAINT_BYPASS_OK;
}


void
maint_bypass_leave_token(const char *cookie, size_t len, char *out)
{
    size_t         n;
    unsigned char  h[32];
    EVP_MD_CTX    *md;

    n = 0;
    md = EVP_MD_CTX_new();

    if (md != NULL
        && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1
        && EVP_DigestUpdate(md, "maint-leave.", 12) == 1
        && EVP_DigestUpdate(md, cookie, len) == 1
        && EVP_DigestFinal_ex(md, h, NULL) == 1)
    {
        n = maint_b64url(h, 16, out);
    }

    EVP_MD_CTX_free(md);

    out[n] = '\0';      /* empty on failure: matches no posted field */
}


int
maint_bypass_leave_check(const char *cookie, size_t len, const char *field,
    size_t field_len)
{
    char  want[MAINT_LEAVE_TOKEN_LEN + 1];

    if (len == 0 || field_len != MAINT_LEAVE_TOKEN_LEN) {
        return 0;
    }

    maint_bypass_leave_token(cookie, len, want);

    return strlen(want) == MAINT_LEAVE_TOKEN_LEN
           && CRYPTO_memcmp(want, field, MAINT_LEAVE_TOKEN_LEN) == 0;
}


/* what the form token's HMAC covers: "csrf.<scheme>.<nonce>.<iat>" */

static size_t
maint_csrf_msg(char *msg, size_t size, int https, const char *nonce,
    size_t nonce_len, const char *iat, size_t iat_len)
{
    int  n;

    n = snprintf(msg, size, "csrf.%s.%.*s.%.*s", maint_scheme(https),
                 (int) nonce_len, nonce, (int) iat_len, iat);

    return n > 0 && (size_t) n < size ? (size_t) n : 0;
}


size_t
maint_csrf_make(const maint_key_t *key, int https, int64_t now_s, char *out,
    size_t outlen)
{
    int            t;
    size_t         n, m;
    char           msg[128], iat[24];
    unsigned char  nonce[16], mac[32];

    if (key == NULL || now_s < 0 || outlen < MAINT_CSRF_MAX_LEN + 1
        || RAND_bytes(nonce, sizeof(nonce)) != 1)
    {
        return 0;
    }

    t = snprintf(iat, sizeof(iat), "%lld", (long long) now_s);
    if (t <= 0 || t > 12) {
        return 0;
    }

    n = maint_b64url(nonce, sizeof(nonce), out);

    m = maint_csrf_msg(msg, sizeof(msg), https, out, n, iat, (size_t) t);
    if (m == 0) {
        return 0;
    }

    maint_hmac(key->secret, msg, m, mac);

    out[n++] = '.';
    memcpy(out + n, iat, (size_t) t);
    n += (size_t) t;
    out[n++] = '.';
    n += maint_b64url(mac, sizeof(mac), out + n);
    out[n] = '\0';

    return n;
}


int
maint_csrf_check(const maint_snapshot_t *s, int https, int64_t now_s,
    const char *cookie, size_t cookie_len, const char *field,
    size_t field_len)
{
    long           m;
    char           msg[128];
    size_t         i, msg_len, iat_len;
    int64_t        iat;
    unsigned char  mac[32], want[32];
    const char    *dot, *iat_s;

    if (s == NULL || cookie_len == 0 || cookie_len > MAINT_CSRF_MAX_LEN
        || field_len != cookie_len
        || CRYPTO_memcmp(cookie, field, cookie_len) != 0)
    {
        return 0;
    }

    /* <22 characters of nonce>.<issued at>.<43 characters of HMAC> */

    if (cookie_len < 22 + 1 + 1 + 1 + 43 || cookie[22] != '.'
        || cookie[cookie_len - 44] != '.')
    {
        return 0;
    }

    iat_s = cookie + 23;
    iat_len = cookie_len - 44 - 23;
    dot = cookie + cookie_len - 44;

    if (maint_parse_int(iat_s, iat_len, &iat) != 0
        || iat > now_s + MAINT_BYPASS_SKEW
        || now_s - iat > MAINT_CSRF_TTL)
    {
        return 0;
    }

    m = maint_b64url_decode(dot + 1, 43, mac, sizeof(mac));
    if (m != 32) {
        return 0;
    }

    msg_len = maint_csrf_msg(msg, sizeof(msg), https, cookie, 22, iat_s,
                             iat_len);
    if (msg_len == 0) {
        return 0;
    }

    for (i = 0; i < s->nkeys; i++) {
        maint_hmac(s->keys[i].secret, msg, msg_len, want);

        if (CRYPTO_memcmp(mac, want, sizeof(mac)) == 0) {
            return 1;
        }
    }

    return 0;
}


const maint_superadmin_t *
maint_credential_check(const maint_snapshot_t *s, const char *name,
    size_t name_len, const char *credential, size_t credential_len)
{
    unsigned char              h[32];
    const maint_superadmin_t  *sa;

    if (s == NULL || credential_len == 0 || credential_len > 512) {
        return NULL;
    }

    maint_sha256(credential, credential_len, h);

    sa = maint_snapshot_superadmin(s, name, name_len);

    if (sa == NULL || CRYPTO_memcmp(h, sa->credential, sizeof(h)) != 0) {
        return NULL;
    }

    return sa;
}


static int
maint_unreserved(unsigned char c)
{
    /* what may stand unencoded in a path, besides "/" */
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9') || strchr("-._~!$&'()*+,;=:@", c)
           != NULL;
}


size_t
maint_local_redirect(const char *path, size_t path_len, const char *args,
    size_t args_len, const char *drop, size_t drop_len, char *out,
    size_t outlen)
{
    size_t       i, o, pos, end, ns, need;
    int          safe, first;
    static const char  hex[] = "0123456789ABCDEF";

    safe = path_len >= 1 && path[0] == '/'
           && !(path_len >= 2 && (path[1] == '/' || path[1] == '\\'));

    for (i = 0; safe && i < path_len; i++) {
        unsigned char c = (unsigned char) path[i];

        if (c < 0x20 || c == 0x7f || c == '\\') {
            safe = 0;
        }
    }

    for (i = 0; safe && i < args_len; i++) {
        unsigned char c = (unsigned char) args[i];

        if (c <= 0x20 || c >= 0x7f) {
            args_len = 0;           /* odd bytes: keep the path only */
        }
    }

    if (!safe) {
        path = "/";
        path_len = 1;
        args_len = 0;
    }

    /* the worst case: every path byte encoded, all arguments kept */
    need = path_len * 3 + 1 + args_len + 1;
    if (outlen < need) {
        if (outlen < 2) {
            return 0;
        }

        out[0] = '/';
        out[1] = '\0';
        return 1;
    }

    o = 0;

    for (i = 0; i < path_len; i++) {
        unsigned char c = (unsigned char) path[i];

        if (c == '/' || maint_unreserved(c)) {
            out[o++] = (char) c;

        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }

    /* the arguments as they came, but "drop" */

    first = 1;

    for (pos = 0; pos < args_len; pos = end + 1) {
        end = maint_args_pair(args, args_len, pos, &ns);

        if (end == pos
            || (ns - pos == drop_len && memcmp(args + pos, drop, drop_len)
                                        == 0))
        {
            continue;
        }

        out[o++] = first ? '?' : '&';
        first = 0;
        memcpy(out + o, args + pos, end - pos);
        o += end - pos;
    }

    out[o] = '\0';

    return o;
}
