/*
 * ngx_maint_state.h: the state read, first in every read's batch: the
 * held state kept current, the fleet clock sampled, and the revocations
 * counter each read saw.
 */

#ifndef NGX_MAINT_STATE_H
#define NGX_MAINT_STATE_H

#include "ngx_maint_conf.h"


void ngx_maint_state_init_worker(ngx_cycle_t *cycle,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_state_exit_worker(void);
uint64_t ngx_maint_state_revocations(void);
uint64_t ngx_maint_state_batch_revocations(uintptr_t gen);


#endif /* NGX_MAINT_STATE_H */
