/*
 * ngx_maint_state.h: the reader -- coalesced fresh reads of the state,
 * the requests waiting for them, the lease, the failure policy's inputs --
 * and the batch interface other parts join a read through.
 */

#ifndef NGX_MAINT_STATE_H
#define NGX_MAINT_STATE_H

#include "ngx_maint_module.h"


/*
 * A batch participant (ngx_maint_session.c): called while a read is built,
 * after the state's own commands, to add its commands to the same batch
 * ("gen").  Returns how many it queued, or NGX_ERROR (the read fails).
 * Each of those commands then reports its reply with
 * ngx_maint_state_batch_reply(gen), or fails the read with
 * ngx_maint_state_batch_failed(); the read is done when all have.
 */
typedef ngx_int_t (*ngx_maint_batch_join_pt)(uintptr_t gen, void *data);


void ngx_maint_state_init_worker(ngx_cycle_t *cycle,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_state_exit_worker(void);
ngx_int_t ngx_maint_state_join(ngx_maint_batch_join_pt handler, void *data);
void ngx_maint_state_refresh(ngx_msec_t idle);
ngx_int_t ngx_maint_state_acquire(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf, ngx_uint_t lookups);
void ngx_maint_state_forget(ngx_maint_ctx_t *ctx);
ngx_flag_t ngx_maint_state_usable(ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_state_behind(void);
uint64_t ngx_maint_state_revocations(void);
ngx_flag_t ngx_maint_state_batch_is(uintptr_t gen);
uint64_t ngx_maint_state_batch_revocations(uintptr_t gen);
void ngx_maint_state_batch_reply(uintptr_t gen);
void ngx_maint_state_batch_failed(const char *reason);


#endif /* NGX_MAINT_STATE_H */
