/*
 * ngx_maint_signin.h: what ngx_maint_signin.c offers the handler, the
 * banner and the module's configuration: how a superadmin gets past a
 * window.
 */

#ifndef NGX_MAINT_SIGNIN_H
#define NGX_MAINT_SIGNIN_H

#include "ngx_maint_conf.h"


ngx_int_t ngx_maint_signin_init_conf(ngx_conf_t *cf,
    ngx_maint_main_conf_t *mcf);
ngx_flag_t ngx_maint_bypassed(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_wants_signin(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_signin_posted(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
ngx_int_t ngx_maint_signin(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_wants_leave(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
ngx_int_t ngx_maint_leave_form(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_str_t *out);


#endif /* NGX_MAINT_SIGNIN_H */
