/*
 * ngx_maint_clock.c: the fleet clock.  Windows open and close on Redis's
 * clock, not on each gateway's own: the state read (ngx_maint_state.c)
 * samples Redis's TIME about once a second and gives each sample here,
 * timed on the monotonic clock in microseconds; the filter of
 * core/maint_clockfilter.c keeps the best recent one (the lowest round
 * trip; much slower ones are rejected) and bounds its error.  Between
 * samples the estimate is extrapolated with NGINX's monotonic millisecond
 * clock.  Until the first sample the local wall clock stands in.
 */

#include "ngx_maint_clock.h"
#include "maint_clockfilter.h"


/*
 * ngx_current_msec is CLOCK_MONOTONIC in milliseconds (ngx_times.c, since
 * NGINX 1.13): the offset of the filter, Redis us minus monotonic us,
 * applies to it as is.  Should a build's ngx_current_msec count from
 * elsewhere, the two are paired at each sample instead.
 */
#define NGX_MAINT_CLOCK_SAME_BASE  60000   /* ms apart at most */


typedef struct {
    maint_clockfilter_t     filter;
    int64_t                 offset_ms;  /* Redis ms - ngx_current_msec */
    unsigned                valid:1;
} ngx_maint_clock_t;


static ngx_maint_clock_t  ngx_maint_clock;


/* The fleet clock: Redis's time, extrapolated with the monotonic clock. */

int64_t
ngx_maint_now_ms(void)
{
    ngx_time_t         *tp;
    ngx_maint_clock_t  *ck = &ngx_maint_clock;

    if (ck->valid) {
        return ck->offset_ms + (int64_t) ngx_current_msec;
    }

    tp = ngx_timeofday();

    return (int64_t) tp->sec * 1000 + tp->msec;
}


ngx_flag_t
ngx_maint_clock_valid(void)
{
    return ngx_maint_clock.valid;
}


/*
 * A TIME sample: sent and received on ngx_maint_monotonic_us(), redis_us
 * what TIME said.  The estimate follows the filter's choice, which only a
 * sample can change (or its age: the choice then stays, its bound grows).
 * *rtt_us and *at_us: the sample chosen, for the metrics; NGX_DECLINED
 * while there is none.
 */

ngx_int_t
ngx_maint_clock_sample(int64_t sent_us, int64_t received_us,
    int64_t redis_us, int64_t *rtt_us, int64_t *at_us)
{
    int64_t                      offset, bound, mono_ms;
    ngx_maint_clock_t           *ck = &ngx_maint_clock;
    const maint_clock_sample_t  *s;

    (void) maint_clockfilter_add(&ck->filter, sent_us, received_us, redis_us);

    if (maint_clockfilter_estimate(&ck->filter, received_us, &offset, &bound)
        != 0)
    {
        return NGX_DECLINED;
    }

    mono_ms = received_us / 1000;

    if (mono_ms - (int64_t) ngx_current_msec > NGX_MAINT_CLOCK_SAME_BASE
        || (int64_t) ngx_current_msec - mono_ms > NGX_MAINT_CLOCK_SAME_BASE)
    {
        /* another base: Redis's time now, paired with ngx_current_msec */
        ngx_maint_clock.offset_ms = (received_us + offset) / 1000
                                    - (int64_t) ngx_current_msec;

    } else {
        /*
         * rounded up: ngx_current_msec is rounded down, so the two
         * cancel out on average (the offset is positive after boot)
         */
        ngx_maint_clock.offset_ms = (offset + 999) / 1000;
    }

    ck->valid = 1;

    s = maint_clockfilter_chosen(&ck->filter, received_us);
    *rtt_us = s->rtt;
    *at_us = s->at;

    return NGX_OK;
}


/*
 * The connection to Redis is lost: the next one may be to another server
 * (a failover), whose clock is another's.  Its samples must not compete
 * with the old server's, so those go; the estimate stays as it is until
 * the first sample of the next connection.
 */

void
ngx_maint_clock_forget(void)
{
    ngx_memzero(&ngx_maint_clock.filter, sizeof(maint_clockfilter_t));
}


/* One clock_gettime() per read, not per request: vDSO, no syscall. */

ngx_uint_t
ngx_maint_monotonic_us(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (ngx_uint_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
