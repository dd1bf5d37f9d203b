/*
 * maint_clockfilter.h: the estimate of Redis's clock a worker keeps from
 * its TIME samples, filtered like NTP's clock filter: the sample with the
 * lowest round trip among the recent ones wins, a much slower one is
 * rejected, and the error bound of the estimate is tracked.  Pure: the
 * caller gives every time, in microseconds of its monotonic clock.
 */

#ifndef MAINT_CLOCKFILTER_H
#define MAINT_CLOCKFILTER_H

#include <stddef.h>
#include <stdint.h>


#define MAINT_CLOCK_SAMPLES     8
#define MAINT_CLOCK_MAX_AGE     64000000    /* us: a route may change */
#define MAINT_CLOCK_SLACK       1000        /* us: 2 x best RTT + this */
#define MAINT_CLOCK_DRIFT_PPM   50          /* allowance for both clocks */


typedef struct {
    int64_t     offset;     /* Redis us minus local us, midway */
    int64_t     rtt;        /* us */
    int64_t     at;         /* local us the reply came */
} maint_clock_sample_t;


typedef struct {
    maint_clock_sample_t  samples[MAINT_CLOCK_SAMPLES];
    unsigned              n;        /* kept, at most MAINT_CLOCK_SAMPLES */
    unsigned              next;     /* the oldest, replaced next */
    uint64_t              accepted;
    uint64_t              rejected;
} maint_clockfilter_t;


/*
 * One TIME sample: sent and received on the local monotonic clock, redis
 * what TIME said, all in us.  1: kept; 0: rejected (slow, or nonsense).
 */
int maint_clockfilter_add(maint_clockfilter_t *f, int64_t sent,
    int64_t received, int64_t redis);

/*
 * The estimate at local time now: Redis's time is now + *offset, within
 * *bound us (half the sample's round trip plus the drift allowance for
 * its age).  0, or -1 while there is no sample.
 */
int maint_clockfilter_estimate(const maint_clockfilter_t *f, int64_t now,
    int64_t *offset, int64_t *bound);

/* the bound of a sample of round trip rtt taken age us ago */
int64_t maint_clockfilter_bound(int64_t rtt, int64_t age);

/* the sample the estimate at now is from, NULL while there is none */
const maint_clock_sample_t *maint_clockfilter_chosen(
    const maint_clockfilter_t *f, int64_t now);


#endif /* MAINT_CLOCKFILTER_H */
