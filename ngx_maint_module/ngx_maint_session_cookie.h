/*
 * ngx_maint_session_cookie.h: the session cookie's values in a request,
 * what of them the upstream receives, and the cookie's expiry.
 */

#ifndef NGX_MAINT_SESSION_COOKIE_H
#define NGX_MAINT_SESSION_COOKIE_H

#include "ngx_maint_conf.h"


void ngx_maint_session_cookie_init(ngx_log_t *log);
void ngx_maint_session_key(const char *value, size_t len, u_char key[16]);
void ngx_maint_session_collect(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf);
ngx_int_t ngx_maint_cookies_upstream(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_sets_cookie(ngx_table_elt_t *h, ngx_str_t *name);
ngx_int_t ngx_maint_expire_cookie(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);


#endif /* NGX_MAINT_SESSION_COOKIE_H */
