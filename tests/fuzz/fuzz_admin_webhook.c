/*
 * fuzz_admin_webhook.c: the Standard Webhooks signature
 * (admin-api/model/webhook_sign.c).  Input: 16 control bytes (the key's
 * length, the timestamp, which part to change, where and how), then five
 * parts separated by NULs: key bytes, an id, a body, a webhook-signature
 * header, a secret's text.  Properties:
 *
 *   - a message signed with two keys (a rotation) is accepted by a
 *     receiver holding either, at any time within the tolerance;
 *   - one byte of the body, the id or the timestamp changed, and the
 *     message is refused by both receivers;
 *   - any header bytes: adm_webhook_verify() never crashes, and accepts
 *     only a header one of whose space-separated entries is exactly the
 *     signature adm_webhook_sign() makes;
 *   - any secret text: refused with a reason and the key cleared, or a key
 *     of 24 to 64 bytes that reads back the same from its own base64.
 */

#include <inttypes.h>

#include "fuzz.h"
#include "maint_codec.h"
#include "model/webhook_sign.h"


#define FUZZ_CTL  16


/* an id a sender may sign: printable ASCII but space and '.'; the bytes
   that are kept, the others mapped into it */

static void
fuzz_id(char *id, size_t len)
{
    size_t         i;
    unsigned char  c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) id[i];

        if (c <= ' ' || c > '~') {
            c = (unsigned char) (0x21 + c % 94);
        }

        id[i] = c == '.' ? '_' : (char) c;
    }
}


static adm_webhook_verdict_e
fuzz_verify(const adm_webhook_key_t *key, const char *id, size_t id_len,
    const char *ts, size_t ts_len, const char *hdr, size_t hdr_len,
    const char *body, size_t body_len, int64_t now)
{
    adm_webhook_msg_t  m;

    m.id = id;
    m.id_len = id_len;
    m.timestamp = ts;
    m.timestamp_len = ts_len;
    m.signature = hdr;
    m.signature_len = hdr_len;
    m.body = body;
    m.body_len = body_len;

    return adm_webhook_verify(key, &m, now, ADM_WEBHOOK_TOLERANCE);
}


/* whether sig (ADM_WEBHOOK_SIG_LEN bytes) is a whole entry of hdr */

static int
fuzz_has_entry(const char *hdr, size_t len, const char *sig)
{
    size_t  i;

    for (i = 0; i + ADM_WEBHOOK_SIG_LEN <= len; i++) {
        if ((i == 0 || hdr[i - 1] == ' ')
            && (i + ADM_WEBHOOK_SIG_LEN == len
                || hdr[i + ADM_WEBHOOK_SIG_LEN] == ' ')
            && memcmp(hdr + i, sig, ADM_WEBHOOK_SIG_LEN) == 0)
        {
            return 1;
        }
    }

    return 0;
}


static void
fuzz_secret(const char *text, size_t len)
{
    char               again[6 + 88 + 1];
    size_t             n;
    const char        *why = NULL;
    adm_webhook_key_t  key, back;

    if (adm_webhook_secret_parse(text, len, &key, &why) != 0) {
        FUZZ_CHECK(why != NULL && why[0] != '\0');
        FUZZ_CHECK(key.len == 0 && key.data[0] == 0
                   && key.data[ADM_WEBHOOK_KEY_MAX - 1] == 0);
        return;
    }

    FUZZ_CHECK(key.len >= ADM_WEBHOOK_KEY_MIN
               && key.len <= ADM_WEBHOOK_KEY_MAX);
    FUZZ_CHECK(len > 6 && memcmp(text, "whsec_", 6) == 0);

    memcpy(again, "whsec_", 6);
    n = 6 + maint_base64(key.data, key.len, again + 6);

    FUZZ_CHECK(adm_webhook_secret_parse(again, n, &back, &why) == 0);
    FUZZ_CHECK(back.len == key.len
               && memcmp(back.data, key.data, key.len) == 0);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                    ts_len;
    char                  *kraw, *id, *body, *hdr, *secret, *p, ts[24];
    char                   sig[ADM_WEBHOOK_SIG_LEN + 1];
    char                   two[ADM_WEBHOOK_HEADER_SIZE(2)];
    size_t                 i, klen, id_len, body_len, hdr_len, secret_len;
    size_t                 at, part_len;
    int64_t                t, now;
    uint64_t               v;
    fuzz_in_t              in;
    unsigned char          delta;
    adm_webhook_key_t      keys[2];
    adm_webhook_verdict_e  r;

    if (size < FUZZ_CTL) {
        return 0;
    }

    in.p = (const char *) data + FUZZ_CTL;
    in.left = size - FUZZ_CTL;

    kraw = fuzz_part(&in, &klen);
    id = fuzz_part(&in, &id_len);
    body = fuzz_part(&in, &body_len);
    hdr = fuzz_part(&in, &hdr_len);
    secret = fuzz_part(&in, &secret_len);

    /* two keys of 24 to 64 bytes from the key part, the second differing
       in its first byte */
    memset(keys, 0, sizeof(keys));
    keys[0].len = ADM_WEBHOOK_KEY_MIN
                  + data[0] % (ADM_WEBHOOK_KEY_MAX - ADM_WEBHOOK_KEY_MIN + 1);

    for (i = 0; klen && i < keys[0].len; i++) {
        keys[0].data[i] = (unsigned char) kraw[i % klen];
    }

    keys[1] = keys[0];
    keys[1].data[0] ^= 0x80;

    /* an id of 1 to 255 signable bytes */
    if (id_len > ADM_WEBHOOK_ID_MAX) {
        id_len = ADM_WEBHOOK_ID_MAX;
    }

    if (id_len == 0) {
        free(id);
        id = strdup("msg_");
        if (id == NULL) {
            abort();
        }
        id_len = 4;
    }

    fuzz_id(id, id_len);

    /* seconds of up to 15 digits; the receiver's clock within tolerance */
    memcpy(&v, data + 1, sizeof(v));
    t = (int64_t) (v % 1000000000000000ULL);
    now = t + (int64_t) (data[9] % (2 * ADM_WEBHOOK_TOLERANCE + 1))
          - ADM_WEBHOOK_TOLERANCE;
    ts_len = snprintf(ts, sizeof(ts), "%" PRId64, t);

    /* signed with both keys: either receiver accepts */
    FUZZ_CHECK(adm_webhook_sign_header(keys, 2, id, id_len, t, body,
                                       body_len, two, sizeof(two))
               == 2 * ADM_WEBHOOK_SIG_LEN + 1);

    for (i = 0; i < 2; i++) {
        r = fuzz_verify(&keys[i], id, id_len, ts, (size_t) ts_len, two,
                        2 * ADM_WEBHOOK_SIG_LEN + 1, body, body_len, now);
        FUZZ_CHECK(r == ADM_WEBHOOK_OK);
    }

    /* one byte changed in the body, the id or the timestamp: refused */
    switch (data[10] % 3) {
    case 0:
        p = body;
        part_len = body_len;
        break;
    case 1:
        p = id;
        part_len = id_len;
        break;
    default:
        p = ts;
        part_len = (size_t) ts_len;
        break;
    }

    delta = data[11] ? data[11] : 1;

    if (part_len > 0) {
        at = (size_t) (data[12] | data[13] << 8) % part_len;
        p[at] ^= delta;

        for (i = 0; i < 2; i++) {
            r = fuzz_verify(&keys[i], id, id_len, ts, (size_t) ts_len, two,
                            2 * ADM_WEBHOOK_SIG_LEN + 1, body, body_len,
                            now);
            FUZZ_CHECK(r != ADM_WEBHOOK_OK);
        }

        p[at] ^= delta;
    }

    /* any header: accepted only with the key's own signature in it */
    FUZZ_CHECK(adm_webhook_sign(&keys[0], id, id_len, t, body, body_len, sig)
               == 0);

    r = fuzz_verify(&keys[0], id, id_len, ts, (size_t) ts_len, hdr, hdr_len,
                    body, body_len, now);
    FUZZ_CHECK(r != ADM_WEBHOOK_OK || fuzz_has_entry(hdr, hdr_len, sig));

    /* and the header's bytes as the id and the timestamp too */
    (void) fuzz_verify(&keys[0], hdr, hdr_len, hdr, hdr_len, hdr, hdr_len,
                       body, body_len, now);

    fuzz_secret(secret, secret_len);

    free(kraw);
    free(id);
    free(body);
    free(hdr);
    free(secret);

    return 0;
}
