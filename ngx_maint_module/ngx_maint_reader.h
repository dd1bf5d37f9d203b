/*
 * ngx_maint_reader.h: the reader -- coalesced fresh reads, the requests
 * waiting for them, the lease, the failure policy's inputs -- and the
 * batch interface the parts of a read join it through.
 */

#ifndef NGX_MAINT_READER_H
#define NGX_MAINT_READER_H

#include "ngx_maint_conf.h"


#define NGX_MAINT_BATCHES  4        /* reads in flight per worker, at most */


/* one read in flight and the requests it serves */

typedef struct {
    ngx_queue_t             waiting;
    uintptr_t               gen;            /* 0: the slot is free */
    ngx_uint_t              outstanding;    /* replies still to come */
    ngx_msec_t              sent_at;
    ngx_msec_t              deadline;       /* of its replies */
    ngx_uint_t              sent_us;        /* precise, for the histogram */
    uint64_t                revocations;    /* as this read saw them */
    ngx_uint_t              lease_us;       /* as this read saw it */
    unsigned                awaits:1;       /* the fetch on its way */
} ngx_maint_batch_t;


/*
 * A part of every read (ngx_maint_state.c's state read first, then
 * ngx_maint_session.c's lookups), joined at init_worker.  "join" is called
 * while a read is built, in the order the parts joined, to add its
 * commands to the batch "gen"; it returns how many it queued, or
 * NGX_ERROR once it has failed the read (ngx_maint_state_batch_failed(),
 * saying why).  Each of those commands then reports its reply with
 * ngx_maint_state_batch_reply(gen), or fails the read; the read is done
 * when all have.  "failed" (may be NULL): every read in flight failed.
 */
typedef ngx_int_t (*ngx_maint_batch_join_pt)(uintptr_t gen, void *data);
typedef void (*ngx_maint_batch_failed_pt)(void *data);


void ngx_maint_reader_init(ngx_cycle_t *cycle, ngx_maint_main_conf_t *mcf);
void ngx_maint_reader_exit(void);
ngx_int_t ngx_maint_state_join(ngx_maint_batch_join_pt join,
    ngx_maint_batch_failed_pt failed, void *data);

ngx_int_t ngx_maint_state_acquire(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf, ngx_uint_t lookups);
void ngx_maint_state_forget(ngx_maint_ctx_t *ctx);
void ngx_maint_state_refresh(ngx_msec_t idle);
ngx_flag_t ngx_maint_state_usable(ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_state_behind(void);
ngx_flag_t ngx_maint_reader_degraded(void);

ngx_maint_batch_t *ngx_maint_batch_get(uintptr_t gen);
ngx_maint_batch_t *ngx_maint_batch_slot(ngx_uint_t i);
void ngx_maint_batch_arm(void);
ngx_flag_t ngx_maint_state_batch_is(uintptr_t gen);
void ngx_maint_state_batch_reply(uintptr_t gen);
void ngx_maint_state_batch_failed(const char *reason);


#endif /* NGX_MAINT_READER_H */
