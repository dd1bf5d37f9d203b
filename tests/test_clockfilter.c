/*
 * The filter of TIME samples (core/maint_clockfilter.c): the lowest round
 * trip wins, a slow reply after fast ones is rejected, samples age out,
 * and the error bound grows with the sample's age.
 */

#include "unit.h"
#include "maint_clockfilter.h"


#define MS      1000LL                  /* us */
#define SEC     1000000LL
#define L0      (5000 * SEC)            /* a local monotonic time */
#define SKEW    (1795300000 * SEC - L0) /* Redis minus local */


/*
 * A sample sent at local time at, whose request took up and its reply
 * down: TIME answers with Redis's time when the request arrives.
 */
static int
sample(maint_clockfilter_t *f, int64_t at, int64_t up, int64_t down)
{
    return maint_clockfilter_add(f, at, at + up + down, at + up + SKEW);
}


static void
test_empty(void **state)
{
    int64_t              off, bound;
    maint_clockfilter_t  f;

    memset(&f, 0, sizeof(f));
    assert_int_equal(maint_clockfilter_estimate(&f, L0, &off, &bound), -1);

    /* nonsense: received before sent */
    assert_int_equal(maint_clockfilter_add(&f, L0, L0 - 1, SKEW + L0), 0);
    assert_int_equal(maint_clockfilter_estimate(&f, L0, &off, &bound), -1);
}


static void
test_lowest_rtt_wins(void **state)
{
    int64_t              off, bound;
    maint_clockfilter_t  f;

    memset(&f, 0, sizeof(f));

    /* 3 ms, all of it on the way back: 1.5 ms off */
    assert_int_equal(sample(&f, L0, 0, 3 * MS), 1);
    assert_int_equal(maint_clockfilter_estimate(&f, L0 + 3 * MS, &off,
                                                &bound), 0);
    assert_int_equal(off, SKEW - 1500);
    assert_int_equal(bound, 1500);

    /* a faster one wins, though it is not the newest */
    assert_int_equal(sample(&f, L0 + SEC, 100, 100), 1);
    assert_int_equal(sample(&f, L0 + 2 * SEC, 0, 1 * MS), 1);
    assert_int_equal(maint_clockfilter_estimate(&f, L0 + 2 * SEC + MS, &off,
                                                &bound), 0);
    assert_int_equal(off, SKEW);
    /* 100 us of round trip, and 1 s of age at 50 ppm: 50 us */
    assert_int_equal(bound, 100 + 50);
}


static void
test_slow_rejected(void **state)
{
    int64_t              off, bound;
    maint_clockfilter_t  f;

    memset(&f, 0, sizeof(f));

    assert_int_equal(sample(&f, L0, 50, 50), 1);

    /* 90 ms on the way back after 0.1 ms: rejected, the estimate stays */
    assert_int_equal(sample(&f, L0 + SEC, 0, 90 * MS), 0);
    assert_int_equal(f.rejected, 1);
    assert_int_equal(maint_clockfilter_estimate(&f, L0 + SEC + 90 * MS,
                                                &off, &bound), 0);
    assert_int_equal(off, SKEW);

    /* 2 x 0.1 ms + 1 ms is the limit: at it kept, past it rejected */
    assert_int_equal(sample(&f, L0 + 2 * SEC, 0, 1200), 1);
    assert_int_equal(sample(&f, L0 + 3 * SEC, 0, 1201), 0);

    /* a kept, slower sample does not displace the best one */
    assert_int_equal(maint_clockfilter_estimate(&f, L0 + 3 * SEC + 100, &off,
                                                &bound), 0);
    assert_int_equal(off, SKEW);
    assert_int_equal(bound, 50 + 150);
}


static void
test_age_out(void **state)
{
    int      i;
    int64_t  off, bound, t;

    maint_clockfilter_t  f;

    memset(&f, 0, sizeof(f));

    assert_int_equal(sample(&f, L0, 50, 50), 1);

    /* the route changes: 20 ms each way, rejected while the fast is recent */
    for (i = 1; i < 64; i++) {
        assert_int_equal(sample(&f, L0 + i * SEC, 20 * MS, 20 * MS), 0);
    }

    /* ... and followed once it aged out (64 s) */
    t = L0 + 64 * SEC;
    assert_int_equal(sample(&f, t, 20 * MS, 20 * MS), 1);
    assert_int_equal(maint_clockfilter_estimate(&f, t + 40 * MS, &off,
                                                &bound), 0);
    assert_int_equal(off, SKEW);
    assert_int_equal(bound, 20 * MS);

    /* a sample is kept for at most 8 samples */
    memset(&f, 0, sizeof(f));
    assert_int_equal(sample(&f, L0, 50, 50), 1);

    for (i = 1; i <= 8; i++) {
        assert_int_equal(sample(&f, L0 + i * SEC, 0, 1 * MS), 1);
    }

    assert_int_equal(maint_clockfilter_estimate(&f, L0 + 9 * SEC, &off,
                                                &bound), 0);
    assert_int_equal(off, SKEW - 500);
}


static void
test_bound_grows(void **state)
{
    int64_t              off, bound, b1;
    maint_clockfilter_t  f;

    memset(&f, 0, sizeof(f));

    assert_int_equal(sample(&f, L0, 1 * MS, 1 * MS), 1);
    assert_int_equal(maint_clockfilter_estimate(&f, L0 + 2 * MS, &off, &b1),
                     0);
    assert_int_equal(b1, 1 * MS);

    /* 10 s later: 50 ppm of 10 s is 500 us more */
    assert_int_equal(maint_clockfilter_estimate(&f, L0 + 2 * MS + 10 * SEC,
                                                &off, &bound), 0);
    assert_int_equal(bound, b1 + 500);

    /* aged out and nothing newer: still the estimate, its bound growing */
    assert_int_equal(maint_clockfilter_estimate(&f, L0 + 2 * MS + 100 * SEC,
                                                &off, &bound), 0);
    assert_int_equal(off, SKEW);
    assert_int_equal(bound, b1 + 5000);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_lowest_rtt_wins),
        cmocka_unit_test(test_slow_rejected),
        cmocka_unit_test(test_age_out),
        cmocka_unit_test(test_bound_grows),
    };

    return cmocka_run_group_tests_name("clockfilter", tests, NULL, NULL);
}
