/*
 * ngx_maint_signin_page.h: what ngx_maint_signin_page.c offers the
 * sign-in: its answers.
 */

#ifndef NGX_MAINT_SIGNIN_PAGE_H
#define NGX_MAINT_SIGNIN_PAGE_H

#include "ngx_maint_conf.h"


ngx_int_t ngx_maint_signin_csp(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf);
ngx_int_t ngx_maint_signin_page(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_uint_t status, char *error, int64_t retry_after);
ngx_int_t ngx_maint_see_other(ngx_http_request_t *r);
ngx_int_t ngx_maint_back_to(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf);


#endif /* NGX_MAINT_SIGNIN_PAGE_H */
