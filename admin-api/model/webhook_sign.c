/*
 * webhook_sign.c: the Standard Webhooks signature (webhook_sign.h).  The
 * signed content is "<id>.<timestamp>.<body>", fed to the HMAC in five
 * pieces (nothing is copied or allocated); an id never holds '.', so no
 * other split of the same bytes is a message.  The timestamp is signed as
 * its decimal text: the sender writes it canonical (no sign, no leading
 * zero) and the receiver accepts only that form, then signs exactly the
 * text it was sent.  Signatures are compared as their base64 text, with
 * CRYPTO_memcmp, after a length check that tells nothing of the key.
 */

#include <stdio.h>
#include <string.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "maint_codec.h"
#include "model/webhook_sign.h"


#define ADM_WEBHOOK_PREFIX      "whsec_"
#define ADM_WEBHOOK_PREFIX_LEN  (sizeof(ADM_WEBHOOK_PREFIX) - 1)

/* base64 of the 32 bytes of an HMAC-SHA256 */
#define ADM_WEBHOOK_MAC_B64     44

/* decimal seconds a receiver reads: 18 digits cannot overflow int64_t */
#define ADM_WEBHOOK_TS_DIGITS   18


static int
adm_webhook_b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
           || (c >= '0' && c <= '9') || c == '+' || c == '/';
}


/* base64 as RFC 4648 section 4 writes it: NULL, or what is wrong */

static const char *
adm_webhook_b64_check(const char *s, size_t len)
{
    size_t  i, data, pad;

    for (data = 0; data < len && adm_webhook_b64_char(s[data]); data++) {
        /* void */
    }

    for (i = data; i < len && s[i] == '='; i++) {
        /* void */
    }

    pad = i - data;

    if (i < len) {
        return "holds a byte that is not base64 (letters, digits, '+', "
               "'/', '=' at the end)";
    }

    if (data == 0) {
        return "has no key after whsec_";
    }

    if (data % 4 == 1 || pad > 2 || (pad && (data + pad) % 4 != 0)) {
        return "is not whole base64 (its length or padding is wrong)";
    }

    return NULL;
}


int
adm_webhook_secret_parse(const char *secret, size_t len,
    adm_webhook_key_t *key, const char **why)
{
    long         n;
    const char  *b64, *bad;

    memset(key, 0, sizeof(adm_webhook_key_t));

    /* the secret's bytes are read in constant time, its prefix too */

    if (secret == NULL || len < ADM_WEBHOOK_PREFIX_LEN
        || CRYPTO_memcmp(secret, ADM_WEBHOOK_PREFIX, ADM_WEBHOOK_PREFIX_LEN)
           != 0)
    {
        *why = "does not start with whsec_";
        return -1;
    }

    b64 = secret + ADM_WEBHOOK_PREFIX_LEN;
    len -= ADM_WEBHOOK_PREFIX_LEN;

    bad = adm_webhook_b64_check(b64, len);
    if (bad != NULL) {
        *why = bad;
        return -1;
    }

    n = maint_base64_decode(b64, len, key->data, sizeof(key->data));

    if (n < 0) {
        OPENSSL_cleanse(key, sizeof(adm_webhook_key_t));
        *why = "holds a key longer than 64 bytes (the Standard Webhooks "
               "maximum, 512 bits)";
        return -1;
    }

    if (n < ADM_WEBHOOK_KEY_MIN) {
        OPENSSL_cleanse(key, sizeof(adm_webhook_key_t));
        *why = "holds a key shorter than 24 bytes (the Standard Webhooks "
               "minimum, 192 bits)";
        return -1;
    }

    key->len = (size_t) n;

    return 0;
}


/* printable ASCII but space and '.', 1 to ADM_WEBHOOK_ID_MAX bytes */

static int
adm_webhook_id_ok(const char *id, size_t len)
{
    size_t  i;

    if (id == NULL || len == 0 || len > ADM_WEBHOOK_ID_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (id[i] <= ' ' || id[i] > '~' || id[i] == '.') {
            return 0;
        }
    }

    return 1;
}


/* canonical decimal seconds: "0", or no leading zero; -1 if not */

static int64_t
adm_webhook_ts_parse(const char *s, size_t len)
{
    size_t   i;
    int64_t  t;

    if (s == NULL || len == 0 || len > ADM_WEBHOOK_TS_DIGITS
        || (len > 1 && s[0] == '0'))
    {
        return -1;
    }

    t = 0;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }

        t = t * 10 + (s[i] - '0');
    }

    return t;
}


/* base64 of HMAC-SHA256(key, "<id>.<ts>.<body>") into out (44 bytes) */

static int
adm_webhook_mac(const adm_webhook_key_t *key, const char *id, size_t id_len,
    const char *ts, size_t ts_len, const void *body, size_t body_len,
    char *out)
{
    int            rc;
    size_t         n;
    EVP_MAC       *mac;
    OSSL_PARAM     params[2];
    EVP_MAC_CTX   *ctx;
    unsigned char  md[32];

    mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
    ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *) "SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();

    if (body == NULL) {
        body = "";
        body_len = 0;
    }

    rc = ctx != NULL
         && EVP_MAC_init(ctx, key->data, key->len, params) == 1
         && EVP_MAC_update(ctx, (const unsigned char *) id, id_len) == 1
         && EVP_MAC_update(ctx, (const unsigned char *) ".", 1) == 1
         && EVP_MAC_update(ctx, (const unsigned char *) ts, ts_len) == 1
         && EVP_MAC_update(ctx, (const unsigned char *) ".", 1) == 1
         && EVP_MAC_update(ctx, body, body_len) == 1
         && EVP_MAC_final(ctx, md, &n, sizeof(md)) == 1
         && n == sizeof(md);

    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);

    if (!rc) {
        return -1;
    }

    (void) maint_base64(md, sizeof(md), out);
    OPENSSL_cleanse(md, sizeof(md));

    return 0;
}


int
adm_webhook_sign(const adm_webhook_key_t *key, const char *id,
    size_t id_len, int64_t timestamp, const void *body, size_t body_len,
    char *out)
{
    int   ts_len;
    char  ts[24];

    if (key == NULL || key->len < ADM_WEBHOOK_KEY_MIN
        || key->len > ADM_WEBHOOK_KEY_MAX || !adm_webhook_id_ok(id, id_len)
        || timestamp < 0)
    {
        return -1;
    }

    ts_len = snprintf(ts, sizeof(ts), "%lld", (long long) timestamp);

    if (ts_len <= 0 || ts_len > ADM_WEBHOOK_TS_DIGITS) {
        return -1;
    }

    memcpy(out, "v1,", 3);

    if (adm_webhook_mac(key, id, id_len, ts, (size_t) ts_len, body,
                        body_len, out + 3) != 0)
    {
        return -1;
    }

    out[ADM_WEBHOOK_SIG_LEN] = '\0';

    return 0;
}


long
adm_webhook_sign_header(const adm_webhook_key_t *keys, size_t n,
    const char *id, size_t id_len, int64_t timestamp, const void *body,
    size_t body_len, char *out, size_t outlen)
{
    size_t  i, len;

    if (n == 0 || outlen < ADM_WEBHOOK_HEADER_SIZE(n)) {
        return -1;
    }

    len = 0;

    for (i = 0; i < n; i++) {
        if (i > 0) {
            out[len++] = ' ';
        }

        if (adm_webhook_sign(&keys[i], id, id_len, timestamp, body, body_len,
                             out + len) != 0)
        {
            out[0] = '\0';
            return -1;
        }

        len += ADM_WEBHOOK_SIG_LEN;
    }

    return (long) len;
}


/*
 * One entry of the header, "<version>,<value>": the version lowercase
 * letters and digits, the value printable ASCII but space, neither empty.
 * 1 if it is a v1 signature equal to want (44 bytes), 0 if well-formed
 * but not, -1 if malformed.
 */

static int
adm_webhook_entry(const char *e, size_t len, const char *want)
{
    size_t  i, comma;

    for (comma = 0; comma < len && e[comma] != ','; comma++) {
        if (!((e[comma] >= 'a' && e[comma] <= 'z')
              || (e[comma] >= '0' && e[comma] <= '9')))
        {
            return -1;
        }
    }

    if (comma == 0 || comma + 1 >= len) {
        return -1;
    }

    for (i = comma + 1; i < len; i++) {
        if (e[i] <= ' ' || e[i] > '~') {
            return -1;
        }
    }

    if (comma != 2 || memcmp(e, "v1", 2) != 0
        || len - 3 != ADM_WEBHOOK_MAC_B64)
    {
        return 0;
    }

    return CRYPTO_memcmp(e + 3, want, ADM_WEBHOOK_MAC_B64) == 0;
}


/* the header's entries, each once: NO_MATCH, OK or BAD_HEADER */

static adm_webhook_verdict_e
adm_webhook_header(const char *h, size_t len, const char *want)
{
    int                    rc;
    size_t                 start, end;
    adm_webhook_verdict_e  v;

    if (h == NULL || len == 0 || len > ADM_WEBHOOK_HEADER_MAX) {
        return ADM_WEBHOOK_BAD_HEADER;
    }

    v = ADM_WEBHOOK_NO_MATCH;

    for (start = 0; start <= len; start = end + 1) {
        for (end = start; end < len && h[end] != ' '; end++) {
            /* void */
        }

        rc = adm_webhook_entry(h + start, end - start, want);

        if (rc < 0) {
            return ADM_WEBHOOK_BAD_HEADER;
        }

        if (rc > 0) {
            v = ADM_WEBHOOK_OK;
        }
    }

    return v;
}


adm_webhook_verdict_e
adm_webhook_verify(const adm_webhook_key_t *key, const adm_webhook_msg_t *msg,
    int64_t now, int64_t tolerance)
{
    char                   want[ADM_WEBHOOK_MAC_B64];
    int64_t                ts;
    adm_webhook_verdict_e  v;

    if (!adm_webhook_id_ok(msg->id, msg->id_len)) {
        return ADM_WEBHOOK_BAD_ID;
    }

    ts = adm_webhook_ts_parse(msg->timestamp, msg->timestamp_len);

    if (ts < 0) {
        return ADM_WEBHOOK_BAD_TIMESTAMP;
    }

    if (ts < now - tolerance) {
        return ADM_WEBHOOK_TOO_OLD;
    }

    if (ts > now + tolerance) {
        return ADM_WEBHOOK_TOO_NEW;
    }

    if (key == NULL || key->len < ADM_WEBHOOK_KEY_MIN
        || key->len > ADM_WEBHOOK_KEY_MAX
        || adm_webhook_mac(key, msg->id, msg->id_len, msg->timestamp,
                           msg->timestamp_len, msg->body, msg->body_len,
                           want) != 0)
    {
        /* no key to check with: the header is still judged, nothing
           matches (no entry holds a NUL) */
        memset(want, 0, sizeof(want));
        v = adm_webhook_header(msg->signature, msg->signature_len, want);
        return v == ADM_WEBHOOK_BAD_HEADER ? v : ADM_WEBHOOK_NO_MATCH;
    }

    v = adm_webhook_header(msg->signature, msg->signature_len, want);
    OPENSSL_cleanse(want, sizeof(want));

    return v;
}


const char *
adm_webhook_verdict_text(adm_webhook_verdict_e v)
{
    switch (v) {
    case ADM_WEBHOOK_OK:
        return "the signature is good";
    case ADM_WEBHOOK_BAD_ID:
        return "the webhook-id is malformed";
    case ADM_WEBHOOK_BAD_TIMESTAMP:
        return "the webhook-timestamp is not decimal seconds";
    case ADM_WEBHOOK_TOO_OLD:
        return "the webhook-timestamp is too old";
    case ADM_WEBHOOK_TOO_NEW:
        return "the webhook-timestamp is too far in the future";
    case ADM_WEBHOOK_BAD_HEADER:
        return "the webhook-signature header is malformed";
    case ADM_WEBHOOK_NO_MATCH:
        return "no signature matches";
    }

    return "unknown verdict";
}


int
adm_webhook_msg_id(char *out)
{
    unsigned char  raw[18];

    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        return -1;
    }

    memcpy(out, "msg_", 4);
    (void) maint_b64url(raw, sizeof(raw), out + 4);
    out[ADM_WEBHOOK_MSG_ID_LEN] = '\0';

    return 0;
}
