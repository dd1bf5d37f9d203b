/*
 * ngx_maint_clock.c: the fleet clock.  Windows open and close on Redis's
 * clock, not on each gateway's own: the state read (ngx_maint_state.c)
 * samples Redis's TIME about once a second and sets it here; between
 * samples it is extrapolated with NGINX's monotonic millisecond clock.
 * Until the first sample the local wall clock stands in.
 */

#include "ngx_maint_clock.h"


typedef struct {
    int64_t                 base;           /* Redis ms at mono */
    ngx_msec_t              mono;
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
        return ck->base + (int64_t) (ngx_current_msec - ck->mono);
    }

    tp = ngx_timeofday();

    return (int64_t) tp->sec * 1000 + tp->msec;
}


ngx_flag_t
ngx_maint_clock_valid(void)
{
    return ngx_maint_clock.valid;
}


/* Redis said redis_ms at "at" (ngx_current_msec, halfway through the RTT) */

void
ngx_maint_clock_set(int64_t redis_ms, ngx_msec_t at)
{
    ngx_maint_clock.base = redis_ms;
    ngx_maint_clock.mono = at;
    ngx_maint_clock.valid = 1;
}


/* One clock_gettime() per read, not per request: vDSO, no syscall. */

ngx_uint_t
ngx_maint_monotonic_us(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_MONOTONIC, &ts);

    return (ngx_uint_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
