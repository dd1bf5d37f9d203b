/*
 * ngx_maint_state.h: what ngx_maint_state.c offers the other parts:
 * coalesced fresh reads, the snapshot, the fleet clock.
 */

#ifndef NGX_MAINT_STATE_H
#define NGX_MAINT_STATE_H

#include "ngx_maint_conf.h"


void ngx_maint_state_init_worker(ngx_cycle_t *cycle,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_state_exit_worker(void);
void ngx_maint_state_redis_ready(void);
void ngx_maint_state_refresh(ngx_msec_t idle);
void ngx_maint_state_redis_down(void);
ngx_int_t ngx_maint_state_acquire(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf, ngx_uint_t lookups);
void ngx_maint_state_forget(ngx_maint_ctx_t *ctx);
ngx_maint_state_t *ngx_maint_state_current(void);
ngx_flag_t ngx_maint_state_usable(ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_state_behind(void);
int64_t ngx_maint_state_version(void);
uint64_t ngx_maint_state_revocations(void);
ngx_flag_t ngx_maint_state_batch_is(uintptr_t gen);
uint64_t ngx_maint_state_batch_revocations(uintptr_t gen);
void ngx_maint_state_batch_reply(uintptr_t gen);
void ngx_maint_state_batch_failed(const char *reason);
int64_t ngx_maint_now_ms(void);
void ngx_maint_state_release(ngx_maint_state_t *st);
ngx_uint_t ngx_maint_monotonic_us(void);


#endif /* NGX_MAINT_STATE_H */
