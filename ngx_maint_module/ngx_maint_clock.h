/*
 * ngx_maint_clock.h: the fleet clock (Redis's time, filtered and
 * extrapolated) and the monotonic microseconds the reads are timed with.
 */

#ifndef NGX_MAINT_CLOCK_H
#define NGX_MAINT_CLOCK_H

#include <ngx_config.h>
#include <ngx_core.h>


int64_t ngx_maint_now_ms(void);
ngx_flag_t ngx_maint_clock_valid(void);
ngx_int_t ngx_maint_clock_sample(int64_t sent_us, int64_t received_us,
    int64_t redis_us, int64_t *rtt_us, int64_t *at_us);
void ngx_maint_clock_forget(void);
ngx_uint_t ngx_maint_monotonic_us(void);


#endif /* NGX_MAINT_CLOCK_H */
