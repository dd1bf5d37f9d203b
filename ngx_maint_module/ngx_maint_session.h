/*
 * ngx_maint_session.h: what Redis knows of the app's sessions, per worker:
 * the verdict cache, the lookups, the registry writes.
 */

#ifndef NGX_MAINT_SESSION_H
#define NGX_MAINT_SESSION_H

#include "ngx_maint_conf.h"


void ngx_maint_session_init_worker(ngx_cycle_t *cycle,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_session_exit_worker(void);
ngx_uint_t ngx_maint_session_queue_lookups(ngx_maint_ctx_t *ctx);
uintptr_t ngx_maint_session_settled(ngx_maint_sref_t *ref);
ngx_int_t ngx_maint_session_check(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
ngx_int_t ngx_maint_session_response(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);


#endif /* NGX_MAINT_SESSION_H */
