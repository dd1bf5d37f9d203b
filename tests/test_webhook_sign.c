/*
 * test_webhook_sign.c: the Standard Webhooks signature
 * (admin-api/model/webhook_sign.c): the specification's published vector,
 * several signatures while a secret is rotated, and a receiver's refusals:
 * a changed body, id or timestamp, a timestamp out of tolerance, malformed
 * secrets and headers.
 */

#include "unit.h"
#include "maint_codec.h"
#include "model/webhook_sign.h"


/*
 * The published test vector: standard-webhooks/standard-webhooks,
 * libraries/javascript/src/webhook.test.ts, test "sign function works"
 * (the same values in the other reference libraries' tests); the scheme
 * is spec/standard-webhooks.md, "Signature scheme".  Recomputed here
 * independently (Python's hmac) before it was written down.
 */
#define VEC_SECRET  "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#define VEC_ID      "msg_p5jXN8AQM9LWM0D4loKWxJek"
#define VEC_TS      1614265330
#define VEC_TS_TEXT "1614265330"
#define VEC_BODY    "{\"test\": 2432232314}"
#define VEC_SIG     "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

/* a second secret of our own: 32 bytes 0, 1, ..., 31 */
#define OTHER_SECRET \
    "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


static void
key_of(const char *secret, adm_webhook_key_t *key)
{
    const char  *why = NULL;

    if (adm_webhook_secret_parse(secret, strlen(secret), key, &why) != 0) {
        fail_msg("%s: %s", secret, why);
    }
}


static adm_webhook_msg_t
msg_of(const char *id, const char *ts, const char *sig, const char *body)
{
    adm_webhook_msg_t  m;

    m.id = id;
    m.id_len = strlen(id);
    m.timestamp = ts;
    m.timestamp_len = strlen(ts);
    m.signature = sig;
    m.signature_len = strlen(sig);
    m.body = body;
    m.body_len = strlen(body);

    return m;
}


static adm_webhook_verdict_e
verify_at(const adm_webhook_key_t *key, const char *id, const char *ts,
    const char *sig, const char *body, int64_t now)
{
    adm_webhook_msg_t  m;

    m = msg_of(id, ts, sig, body);

    return adm_webhook_verify(key, &m, now, ADM_WEBHOOK_TOLERANCE);
}


static void
test_vector(void **state)
{
    char               sig[ADM_WEBHOOK_SIG_LEN + 1];
    adm_webhook_key_t  key;

    key_of(VEC_SECRET, &key);
    assert_int_equal(key.len, 24);

    assert_int_equal(adm_webhook_sign(&key, S(VEC_ID), VEC_TS, S(VEC_BODY),
                                      sig), 0);
    assert_string_equal(sig, VEC_SIG);

    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG, VEC_BODY,
                               VEC_TS), ADM_WEBHOOK_OK);

    /* among entries of other versions and a wrong v1, as a receiver may
       see them */
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT,
                               "v1a,bm90IGFuIGVkMjU1MTkgc2lnbmF0dXJl "
                               "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
                               "v2,xyz " VEC_SIG,
                               VEC_BODY, VEC_TS), ADM_WEBHOOK_OK);
}


static void
test_rotation(void **state)
{
    long               n;
    char               hdr[ADM_WEBHOOK_HEADER_SIZE(2)];
    char               one[ADM_WEBHOOK_SIG_LEN + 1];
    adm_webhook_key_t  keys[2], third;

    static const unsigned char  raw[32] = { 0xa5 };
    char                        b64[64] = "whsec_";

    key_of(VEC_SECRET, &keys[0]);
    key_of(OTHER_SECRET, &keys[1]);
    assert_int_equal(keys[1].len, 32);
    assert_int_equal(keys[1].data[31], 31);

    b64[6 + maint_base64(raw, sizeof(raw), b64 + 6)] = '\0';
    key_of(b64, &third);

    n = adm_webhook_sign_header(keys, 2, S(VEC_ID), VEC_TS, S(VEC_BODY), hdr,
                                sizeof(hdr));
    assert_int_equal(n, 2 * ADM_WEBHOOK_SIG_LEN + 1);
    assert_int_equal(strlen(hdr), (size_t) n);
    assert_memory_equal(hdr, VEC_SIG " ", ADM_WEBHOOK_SIG_LEN + 1);

    assert_int_equal(adm_webhook_sign(&keys[1], S(VEC_ID), VEC_TS,
                                      S(VEC_BODY), one), 0);
    assert_string_equal(hdr + ADM_WEBHOOK_SIG_LEN + 1, one);
    assert_string_not_equal(one, VEC_SIG);

    /* the old secret or the new one: either receiver accepts */
    assert_int_equal(verify_at(&keys[0], VEC_ID, VEC_TS_TEXT, hdr, VEC_BODY,
                               VEC_TS), ADM_WEBHOOK_OK);
    assert_int_equal(verify_at(&keys[1], VEC_ID, VEC_TS_TEXT, hdr, VEC_BODY,
                               VEC_TS), ADM_WEBHOOK_OK);
    assert_int_equal(verify_at(&third, VEC_ID, VEC_TS_TEXT, hdr, VEC_BODY,
                               VEC_TS), ADM_WEBHOOK_NO_MATCH);

    /* one key: the header is the one signature */
    n = adm_webhook_sign_header(keys, 1, S(VEC_ID), VEC_TS, S(VEC_BODY), hdr,
                                sizeof(hdr));
    assert_int_equal(n, ADM_WEBHOOK_SIG_LEN);
    assert_string_equal(hdr, VEC_SIG);

    /* too little room, no key, a bad id: nothing */
    assert_int_equal(adm_webhook_sign_header(keys, 2, S(VEC_ID), VEC_TS,
                                             S(VEC_BODY), hdr,
                                             sizeof(hdr) - 1), -1);
    assert_int_equal(adm_webhook_sign_header(keys, 0, S(VEC_ID), VEC_TS,
                                             S(VEC_BODY), hdr,
                                             sizeof(hdr)), -1);
    assert_int_equal(adm_webhook_sign_header(keys, 2, S("msg.1"), VEC_TS,
                                             S(VEC_BODY), hdr,
                                             sizeof(hdr)), -1);
}


static void
test_tampered(void **state)
{
    adm_webhook_key_t  key;

    key_of(VEC_SECRET, &key);

    /* the body: one byte changed, one added, one taken away, emptied */
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG,
                               "{\"test\": 2432232315}", VEC_TS),
                     ADM_WEBHOOK_NO_MATCH);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG,
                               "{\"test\":  2432232314}", VEC_TS),
                     ADM_WEBHOOK_NO_MATCH);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG,
                               "{\"test\": 2432232314", VEC_TS),
                     ADM_WEBHOOK_NO_MATCH);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG, "",
                               VEC_TS), ADM_WEBHOOK_NO_MATCH);

    /* the id */
    assert_int_equal(verify_at(&key, "msg_p5jXN8AQM9LWM0D4loKWxJeK",
                               VEC_TS_TEXT, VEC_SIG, VEC_BODY, VEC_TS),
                     ADM_WEBHOOK_NO_MATCH);
    assert_int_equal(verify_at(&key, "msg_p5jXN8AQM9LWM0D4loKWxJe",
                               VEC_TS_TEXT, VEC_SIG, VEC_BODY, VEC_TS),
                     ADM_WEBHOOK_NO_MATCH);

    /* the timestamp, still within tolerance */
    assert_int_equal(verify_at(&key, VEC_ID, "1614265331", VEC_SIG,
                               VEC_BODY, VEC_TS), ADM_WEBHOOK_NO_MATCH);

    /* the signature: one character, the padding, cut short */
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT,
                               "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=",
                               VEC_BODY, VEC_TS), ADM_WEBHOOK_NO_MATCH);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT,
                               "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE",
                               VEC_BODY, VEC_TS), ADM_WEBHOOK_NO_MATCH);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, "v1,g0hM9SsE",
                               VEC_BODY, VEC_TS), ADM_WEBHOOK_NO_MATCH);

    /* the same bytes split otherwise: an id never holds '.' */
    assert_int_equal(verify_at(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek.1",
                               "614265330", VEC_SIG, VEC_BODY, VEC_TS),
                     ADM_WEBHOOK_BAD_ID);
}


static void
test_tolerance(void **state)
{
    adm_webhook_msg_t  m;
    adm_webhook_key_t  key;

    key_of(VEC_SECRET, &key);

    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG, VEC_BODY,
                               VEC_TS + 300), ADM_WEBHOOK_OK);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG, VEC_BODY,
                               VEC_TS - 300), ADM_WEBHOOK_OK);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG, VEC_BODY,
                               VEC_TS + 301), ADM_WEBHOOK_TOO_OLD);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG, VEC_BODY,
                               VEC_TS - 301), ADM_WEBHOOK_TOO_NEW);

    /* today's receiver, the vector from 2021 */
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, VEC_SIG, VEC_BODY,
                               1795300000), ADM_WEBHOOK_TOO_OLD);

    /* a tolerance of its own */
    m = msg_of(VEC_ID, VEC_TS_TEXT, VEC_SIG, VEC_BODY);
    assert_int_equal(adm_webhook_verify(&key, &m, VEC_TS, 0),
                     ADM_WEBHOOK_OK);
    assert_int_equal(adm_webhook_verify(&key, &m, VEC_TS + 1, 0),
                     ADM_WEBHOOK_TOO_OLD);
    assert_int_equal(adm_webhook_verify(&key, &m, VEC_TS + 3600, 3600),
                     ADM_WEBHOOK_OK);
}


static void
test_bad_timestamp_and_id(void **state)
{
    size_t             i;
    adm_webhook_key_t  key;

    static const char  *const ts[] = {
        "", "-1614265330", "+1614265330", "01614265330", "1614265330.0",
        " 1614265330", "1614265330 ", "0x60379bf2", "1e9",
        "1234567890123456789",
    };
    static const char  *const ids[] = {
        "", "msg 1", "msg.1", "msg_\t1", "msg_\x7f", "msg_\xc3\xa9",
    };

    key_of(VEC_SECRET, &key);

    for (i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
        assert_int_equal(verify_at(&key, VEC_ID, ts[i], VEC_SIG, VEC_BODY,
                                   VEC_TS), ADM_WEBHOOK_BAD_TIMESTAMP);
    }

    for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        assert_int_equal(verify_at(&key, ids[i], VEC_TS_TEXT, VEC_SIG,
                                   VEC_BODY, VEC_TS), ADM_WEBHOOK_BAD_ID);
    }

    /* "0" is a timestamp; an id of 255 bytes is one, of 256 is not */
    assert_int_equal(verify_at(&key, VEC_ID, "0", VEC_SIG, VEC_BODY, 0),
                     ADM_WEBHOOK_NO_MATCH);
    {
        char  id[ADM_WEBHOOK_ID_MAX + 2];

        memset(id, 'a', sizeof(id) - 1);
        id[sizeof(id) - 1] = '\0';
        assert_int_equal(verify_at(&key, id, VEC_TS_TEXT, VEC_SIG, VEC_BODY,
                                   VEC_TS), ADM_WEBHOOK_BAD_ID);
        id[sizeof(id) - 2] = '\0';
        assert_int_equal(verify_at(&key, id, VEC_TS_TEXT, VEC_SIG, VEC_BODY,
                                   VEC_TS), ADM_WEBHOOK_NO_MATCH);
    }
}


static void
test_bad_header(void **state)
{
    size_t             i;
    char               big[ADM_WEBHOOK_HEADER_MAX + 2];
    adm_webhook_key_t  key;

    static const char  *const bad[] = {
        "", " ", "v1", "v1,", ",x", "V1,x", "v1,x ", " v1,x", "v1,x  v1,y",
        VEC_SIG " ", " " VEC_SIG, "v_1,x " VEC_SIG, VEC_SIG "\t",
        "v1,\x01" " " VEC_SIG, VEC_SIG " v1,\xc3\xa9", "v1;x",
    };
    static const char  *const unmatched[] = {
        "v1,x", "v1a,x", "v2,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "v1,,", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE==",
        "v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    };

    key_of(VEC_SECRET, &key);

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, bad[i],
                                   VEC_BODY, VEC_TS), ADM_WEBHOOK_BAD_HEADER);
    }

    for (i = 0; i < sizeof(unmatched) / sizeof(unmatched[0]); i++) {
        assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, unmatched[i],
                                   VEC_BODY, VEC_TS), ADM_WEBHOOK_NO_MATCH);
    }

    /* too long, even with the right signature in it */
    memset(big, 'x', sizeof(big) - 1);
    memcpy(big, VEC_SIG " v9,", ADM_WEBHOOK_SIG_LEN + 4);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, big, VEC_BODY,
                               VEC_TS), ADM_WEBHOOK_BAD_HEADER);
    big[ADM_WEBHOOK_HEADER_MAX] = '\0';
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, big, VEC_BODY,
                               VEC_TS), ADM_WEBHOOK_OK);
}


static void
test_bad_secret(void **state)
{
    size_t             i;
    char               s[160];
    const char        *why;
    unsigned char      raw[65];
    adm_webhook_key_t  key;

    static const char  *const bad[] = {
        "", "whsec_", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa-w",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa_w",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw ",
        "whsec_ MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_MfKQ9r8GKYqrTwjU=PD8ILPZIo2LaLaSw",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwA",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAA=",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw=",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwAA===",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLa",       /* 21 bytes */
        "whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",     /* 22 bytes */
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        why = NULL;
        memset(&key, 0x5a, sizeof(key));
        assert_int_equal(adm_webhook_secret_parse(bad[i], strlen(bad[i]),
                                                  &key, &why), -1);
        assert_non_null(why);
        assert_int_equal(key.len, 0);
        assert_int_equal(key.data[0], 0);
    }

    why = NULL;
    assert_int_equal(adm_webhook_secret_parse(NULL, 0, &key, &why), -1);
    assert_string_equal(why, "does not start with whsec_");

    /* padded, or not: the same key */
    assert_int_equal(adm_webhook_secret_parse(S(
        "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"), &key, &why), 0);
    assert_int_equal(key.len, 32);

    /* 24 to 64 bytes */
    memset(raw, 0xee, sizeof(raw));

    for (i = 20; i <= sizeof(raw); i++) {
        memcpy(s, "whsec_", 6);
        s[6 + maint_base64(raw, i, s + 6)] = '\0';
        why = NULL;

        if (i >= ADM_WEBHOOK_KEY_MIN && i <= ADM_WEBHOOK_KEY_MAX) {
            assert_int_equal(adm_webhook_secret_parse(s, strlen(s), &key,
                                                      &why), 0);
            assert_int_equal(key.len, i);
            assert_memory_equal(key.data, raw, i);
        } else {
            assert_int_equal(adm_webhook_secret_parse(s, strlen(s), &key,
                                                      &why), -1);
            assert_non_null(strstr(why, i < ADM_WEBHOOK_KEY_MIN
                                        ? "shorter" : "longer"));
        }
    }
}


static void
test_sign_refuses(void **state)
{
    char               sig[ADM_WEBHOOK_SIG_LEN + 1];
    adm_webhook_key_t  key, empty;

    key_of(VEC_SECRET, &key);
    memset(&empty, 0, sizeof(empty));

    assert_int_equal(adm_webhook_sign(&key, S("msg.1"), VEC_TS, S("{}"), sig),
                     -1);
    assert_int_equal(adm_webhook_sign(&key, S(""), VEC_TS, S("{}"), sig), -1);
    assert_int_equal(adm_webhook_sign(&key, S("msg 1"), VEC_TS, S("{}"), sig),
                     -1);
    assert_int_equal(adm_webhook_sign(&key, S(VEC_ID), -1, S("{}"), sig), -1);
    assert_int_equal(adm_webhook_sign(&empty, S(VEC_ID), VEC_TS, S("{}"),
                                      sig), -1);
    assert_int_equal(adm_webhook_sign(NULL, S(VEC_ID), VEC_TS, S("{}"), sig),
                     -1);

    /* an empty body is a body */
    assert_int_equal(adm_webhook_sign(&key, S(VEC_ID), VEC_TS, NULL, 0, sig),
                     0);
    assert_int_equal(verify_at(&key, VEC_ID, VEC_TS_TEXT, sig, "", VEC_TS),
                     ADM_WEBHOOK_OK);

    /* a receiver with no key matches nothing, but still judges the header */
    assert_int_equal(verify_at(&empty, VEC_ID, VEC_TS_TEXT, VEC_SIG,
                               VEC_BODY, VEC_TS), ADM_WEBHOOK_NO_MATCH);
    assert_int_equal(verify_at(&empty, VEC_ID, VEC_TS_TEXT, "v1", VEC_BODY,
                               VEC_TS), ADM_WEBHOOK_BAD_HEADER);
}


static void
test_msg_id(void **state)
{
    size_t             i;
    char               a[ADM_WEBHOOK_MSG_ID_LEN + 1];
    char               b[ADM_WEBHOOK_MSG_ID_LEN + 1];
    char               sig[ADM_WEBHOOK_SIG_LEN + 1];
    char               ts[24];
    adm_webhook_key_t  key;

    assert_int_equal(adm_webhook_msg_id(a), 0);
    assert_int_equal(adm_webhook_msg_id(b), 0);

    assert_int_equal(strlen(a), ADM_WEBHOOK_MSG_ID_LEN);
    assert_memory_equal(a, "msg_", 4);
    assert_string_not_equal(a, b);

    for (i = 4; i < ADM_WEBHOOK_MSG_ID_LEN; i++) {
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "abcdefghijklmnopqrstuvwxyz0123456789-_", a[i]));
    }

    /* what the sender will do: a fresh id, signed now, verified */
    key_of(OTHER_SECRET, &key);
    assert_int_equal(adm_webhook_sign(&key, a, strlen(a), 1795300000,
                                      S(VEC_BODY), sig), 0);
    snprintf(ts, sizeof(ts), "%d", 1795300000);
    assert_int_equal(verify_at(&key, a, ts, sig, VEC_BODY, 1795300000 + 299),
                     ADM_WEBHOOK_OK);
    assert_int_equal(verify_at(&key, b, ts, sig, VEC_BODY, 1795300000),
                     ADM_WEBHOOK_NO_MATCH);
}


static void
test_verdict_text(void **state)
{
    int  v, w;

    for (v = ADM_WEBHOOK_OK; v <= ADM_WEBHOOK_NO_MATCH; v++) {
        assert_non_null(adm_webhook_verdict_text(v));

        for (w = ADM_WEBHOOK_OK; w < v; w++) {
            assert_string_not_equal(adm_webhook_verdict_text(v),
                                    adm_webhook_verdict_text(w));
        }
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector),
        cmocka_unit_test(test_rotation),
        cmocka_unit_test(test_tampered),
        cmocka_unit_test(test_tolerance),
        cmocka_unit_test(test_bad_timestamp_and_id),
        cmocka_unit_test(test_bad_header),
        cmocka_unit_test(test_bad_secret),
        cmocka_unit_test(test_sign_refuses),
        cmocka_unit_test(test_msg_id),
        cmocka_unit_test(test_verdict_text),
    };

    return cmocka_run_group_tests_name("webhook_sign", tests, NULL, NULL);
}
