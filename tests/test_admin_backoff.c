/*
 * test_admin_backoff.c: the notification sender's retry rules
 * (admin-api/notify/backoff.c): the delay doubles and stops at an hour,
 * jitter keeps it within 50-100 %, Retry-After in seconds or as a date,
 * the retry window's end caps every retry and then gives up, and what an
 * HTTP status means.
 */

#include "unit.h"
#include "notify/backoff.h"


static void
test_delay(void **state)
{
    /* no jitter at the top: the full delay, doubling */
    assert_int_equal(adm_backoff_delay(10000, 1, UINT32_MAX), 10000);
    assert_int_equal(adm_backoff_delay(10000, 2, UINT32_MAX), 20000);
    assert_int_equal(adm_backoff_delay(10000, 5, UINT32_MAX), 160000);

    /* the least jitter: half of it */
    assert_int_equal(adm_backoff_delay(10000, 1, 0), 5000);
    assert_int_equal(adm_backoff_delay(10000, 3, 0), 20000);

    /* capped at an hour, however many attempts (no overflow) */
    assert_int_equal(adm_backoff_delay(10000, 20, UINT32_MAX), 3600000);
    assert_int_equal(adm_backoff_delay(10000, 100000, UINT32_MAX), 3600000);
    assert_int_equal(adm_backoff_delay(10000, 100000, 0), 1800000);
    assert_int_equal(adm_backoff_delay(100, 1, UINT32_MAX), 100);
}


static void
test_jitter_range(void **state)
{
    int64_t   d, lo, hi;
    uint32_t  r;

    lo = INT64_MAX;
    hi = 0;

    for (r = 0; r < UINT32_MAX - 65537; r += 65537 * 7) {
        d = adm_backoff_delay(8000, 2, r);
        assert_true(d >= 8000 && d <= 16000);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }

    /* it spreads: not one value */
    assert_true(lo < 8100);
    assert_true(hi > 15900);
}


static void
test_retry_after(void **state)
{
    int64_t  at;

    assert_int_equal(adm_retry_after_parse(S("120"), 1000, &at), 0);
    assert_int_equal(at, 121000);

    assert_int_equal(adm_retry_after_parse(S(" 0 "), 5000, &at), 0);
    assert_int_equal(at, 5000);

    /* RFC 9110's example date: 1994-11-06T08:49:37Z = 784111777 */
    assert_int_equal(adm_retry_after_parse(
        S("Sun, 06 Nov 1994 08:49:37 GMT"), 784111000000LL, &at), 0);
    assert_int_equal(at, 784111777000LL);

    /* a date in the past: now */
    assert_int_equal(adm_retry_after_parse(
        S("Sun, 06 Nov 1994 08:49:37 GMT"), 900000000000LL, &at), 0);
    assert_int_equal(at, 900000000000LL);

    /* huge numbers do not overflow */
    assert_int_equal(adm_retry_after_parse(
        S("99999999999999999999999999999"), 0, &at), 0);
    assert_true(at > 0 && at <= 366LL * 86400 * 10000);

    assert_int_equal(adm_retry_after_parse(S(""), 0, &at), -1);
    assert_int_equal(adm_retry_after_parse(S("-5"), 0, &at), -1);
    assert_int_equal(adm_retry_after_parse(S("5s"), 0, &at), -1);
    assert_int_equal(adm_retry_after_parse(S("1.5"), 0, &at), -1);
    assert_int_equal(adm_retry_after_parse(
        S("Sunday, 06-Nov-94 08:49:37 GMT"), 0, &at), -1);
    assert_int_equal(adm_retry_after_parse(
        S("Sun, 06 Foo 1994 08:49:37 GMT"), 0, &at), -1);
    assert_int_equal(adm_retry_after_parse(
        S("Sun, 06 Nov 1994 25:49:37 GMT"), 0, &at), -1);
    assert_int_equal(adm_retry_after_parse(
        S("Sun, 06 Nov 1994 08:49:37 UTC"), 0, &at), -1);
}


static void
test_next(void **state)
{
    int64_t  next;

    /* a first failure, created at 0, now 1 s: retry 10 s later */
    assert_int_equal(adm_backoff_next(1000, 0, 86400000, 10000, 1, -1,
                                      UINT32_MAX, &next),
                     ADM_OUTCOME_RETRY);
    assert_int_equal(next, 11000);

    /* Retry-After later than the backoff wins */
    assert_int_equal(adm_backoff_next(1000, 0, 86400000, 10000, 1, 600000,
                                      UINT32_MAX, &next),
                     ADM_OUTCOME_RETRY);
    assert_int_equal(next, 600000);

    /* ... sooner does not shorten it */
    assert_int_equal(adm_backoff_next(1000, 0, 86400000, 10000, 1, 2000,
                                      UINT32_MAX, &next),
                     ADM_OUTCOME_RETRY);
    assert_int_equal(next, 11000);

    /* capped at the window's end: one last attempt there */
    assert_int_equal(adm_backoff_next(86000000, 0, 86400000, 10000, 12,
                                      -1, UINT32_MAX, &next),
                     ADM_OUTCOME_RETRY);
    assert_int_equal(next, 86400000);

    assert_int_equal(adm_backoff_next(1000, 0, 86400000, 10000, 1,
                                      10LL * 86400000, UINT32_MAX, &next),
                     ADM_OUTCOME_RETRY);
    assert_int_equal(next, 86400000);

    /* at or past the end: failed */
    next = -7;
    assert_int_equal(adm_backoff_next(86400000, 0, 86400000, 10000, 13, -1,
                                      0, &next),
                     ADM_OUTCOME_FAILED);
    assert_int_equal(next, -7);

    /* a redelivered one counts from its new created_at */
    assert_int_equal(adm_backoff_next(90000000, 89000000, 86400000, 10000,
                                      40, -1, UINT32_MAX, &next),
                     ADM_OUTCOME_RETRY);
    assert_int_equal(next, 90000000 + 3600000);
}


static void
test_classify(void **state)
{
    assert_int_equal(adm_backoff_classify(200), ADM_OUTCOME_DELIVERED);
    assert_int_equal(adm_backoff_classify(204), ADM_OUTCOME_DELIVERED);
    assert_int_equal(adm_backoff_classify(299), ADM_OUTCOME_DELIVERED);
    assert_int_equal(adm_backoff_classify(410), ADM_OUTCOME_GONE);
    assert_int_equal(adm_backoff_classify(0), ADM_OUTCOME_RETRY);
    assert_int_equal(adm_backoff_classify(199), ADM_OUTCOME_RETRY);
    assert_int_equal(adm_backoff_classify(301), ADM_OUTCOME_RETRY);
    assert_int_equal(adm_backoff_classify(400), ADM_OUTCOME_RETRY);
    assert_int_equal(adm_backoff_classify(404), ADM_OUTCOME_RETRY);
    assert_int_equal(adm_backoff_classify(429), ADM_OUTCOME_RETRY);
    assert_int_equal(adm_backoff_classify(500), ADM_OUTCOME_RETRY);
    assert_int_equal(adm_backoff_classify(503), ADM_OUTCOME_RETRY);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delay),
        cmocka_unit_test(test_jitter_range),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_classify),
    };

    return cmocka_run_group_tests_name("admin_backoff", tests, NULL, NULL);
}
