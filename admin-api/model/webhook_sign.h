/*
 * webhook_sign.h: the Standard Webhooks signature (model/webhook_sign.c),
 * https://www.standardwebhooks.com: secrets "whsec_" + base64 of the key,
 * a signature "v1," + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")),
 * several of them space-separated in one webhook-signature header while a
 * secret is rotated, and the receiver's check of the three headers and
 * the body.  Pure: no I/O, no allocation kept; message ids come from
 * RAND_bytes in a function of their own.  The sender of issue 16 signs
 * with it; the tests and the test receiver verify with it.
 */

#ifndef ADM_MODEL_WEBHOOK_SIGN_H
#define ADM_MODEL_WEBHOOK_SIGN_H

#include <stddef.h>
#include <stdint.h>


/* a key's bytes: at least 24 and at most 64 (the specification's bounds,
   192 and 512 bits) */
#define ADM_WEBHOOK_KEY_MIN       24
#define ADM_WEBHOOK_KEY_MAX       64

/* one signature, "v1," and 44 base64 characters, no NUL */
#define ADM_WEBHOOK_SIG_LEN       (3 + 44)

/* a header with n signatures, and its NUL */
#define ADM_WEBHOOK_HEADER_SIZE(n)  ((n) * (ADM_WEBHOOK_SIG_LEN + 1))

/* "msg_" and 24 base64url characters (18 random bytes), no NUL */
#define ADM_WEBHOOK_MSG_ID_LEN    (4 + 24)

/* a message id a receiver accepts: 1 to this many bytes */
#define ADM_WEBHOOK_ID_MAX        255

/* a webhook-signature header a receiver reads: at most this many bytes */
#define ADM_WEBHOOK_HEADER_MAX    4096

/* how far a timestamp may be from the receiver's clock, default: 5 min */
#define ADM_WEBHOOK_TOLERANCE     300


typedef struct {
    unsigned char   data[ADM_WEBHOOK_KEY_MAX];
    size_t          len;
} adm_webhook_key_t;

/* what a receiver gets: the three headers' values and the body, as sent */
typedef struct {
    const char     *id;                 /* webhook-id */
    size_t          id_len;
    const char     *timestamp;          /* webhook-timestamp */
    size_t          timestamp_len;
    const char     *signature;          /* webhook-signature */
    size_t          signature_len;
    const void     *body;
    size_t          body_len;
} adm_webhook_msg_t;

typedef enum {
    ADM_WEBHOOK_OK = 0,
    ADM_WEBHOOK_BAD_ID,                 /* empty, too long, a '.', a space
                                           or a byte outside printable
                                           ASCII */
    ADM_WEBHOOK_BAD_TIMESTAMP,          /* not decimal seconds */
    ADM_WEBHOOK_TOO_OLD,                /* before now - tolerance */
    ADM_WEBHOOK_TOO_NEW,                /* after now + tolerance */
    ADM_WEBHOOK_BAD_HEADER,             /* not "<version>,<value>"s
                                           separated by single spaces */
    ADM_WEBHOOK_NO_MATCH                /* no v1 signature is the key's */
} adm_webhook_verdict_e;


/*
 * A secret as people hold it, "whsec_" + base64 (RFC 4648's alphabet,
 * padding optional but right), into its key.  0; or -1, the key cleared
 * and *why saying what is wrong (a static string: "does not start with
 * whsec_", ...).  The secret itself is never in *why.
 */
int adm_webhook_secret_parse(const char *secret, size_t len,
    adm_webhook_key_t *key, const char **why);

/*
 * One signature of a message: "v1," + base64 of the HMAC, NUL-terminated
 * into out (ADM_WEBHOOK_SIG_LEN + 1 bytes).  0; -1 for an id a receiver
 * would refuse (see ADM_WEBHOOK_BAD_ID), a negative timestamp, a key of
 * the wrong length or an OpenSSL failure.
 */
int adm_webhook_sign(const adm_webhook_key_t *key, const char *id,
    size_t id_len, int64_t timestamp, const void *body, size_t body_len,
    char *out);

/*
 * The webhook-signature header: one signature for each of n keys (n >= 1;
 * the current secret and those being retired), separated by one space,
 * NUL-terminated into out of outlen bytes (ADM_WEBHOOK_HEADER_SIZE(n)).
 * Returns its length, or -1 (as above, or out too small).
 */
long adm_webhook_sign_header(const adm_webhook_key_t *keys, size_t n,
    const char *id, size_t id_len, int64_t timestamp, const void *body,
    size_t body_len, char *out, size_t outlen);

/*
 * A receiver's check of a message with one key, at time now (seconds):
 * the id and the timestamp well-formed, the timestamp within tolerance
 * seconds of now either way, the header well-formed, and one of its v1
 * signatures the key's (compared in constant time; other versions, such
 * as v1a, are passed over).  ADM_WEBHOOK_OK, or why not.
 */
adm_webhook_verdict_e adm_webhook_verify(const adm_webhook_key_t *key,
    const adm_webhook_msg_t *msg, int64_t now, int64_t tolerance);

/* a verdict in words ("the timestamp is too old"), for logs and tests */
const char *adm_webhook_verdict_text(adm_webhook_verdict_e v);

/*
 * A new message id, "msg_" + 24 base64url characters of RAND_bytes,
 * NUL-terminated into out (ADM_WEBHOOK_MSG_ID_LEN + 1 bytes): the
 * webhook-id an event keeps across its retries.  0, or -1 if OpenSSL has
 * no randomness to give.
 */
int adm_webhook_msg_id(char *out);


#endif /* ADM_MODEL_WEBHOOK_SIGN_H */
