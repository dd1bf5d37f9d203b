/*
 * ngx_maint_session.h: what ngx_maint_session.c offers the other parts:
 * session cookies, their verdicts, lookups and the registry.
 */

#ifndef NGX_MAINT_SESSION_H
#define NGX_MAINT_SESSION_H

#include "ngx_maint_conf.h"
#include "maint_cookie.h"
#include "maint_session.h"


void ngx_maint_session_init_worker(ngx_cycle_t *cycle,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_session_exit_worker(void);
void ngx_maint_session_redis_ready(void);
void ngx_maint_cookies_each(ngx_http_request_t *r, ngx_str_t *name,
    maint_cookie_pt handler, void *data);
void ngx_maint_session_collect(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf);
ngx_uint_t ngx_maint_session_queue_lookups(ngx_maint_ctx_t *ctx);
ngx_int_t ngx_maint_session_send_lookups(uintptr_t gen);
ngx_int_t ngx_maint_session_check(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
ngx_int_t ngx_maint_cookies_upstream(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
ngx_int_t ngx_maint_session_response(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);


#endif /* NGX_MAINT_SESSION_H */
