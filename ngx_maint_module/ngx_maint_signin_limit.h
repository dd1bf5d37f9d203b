/*
 * ngx_maint_signin_limit.h: what ngx_maint_signin_limit.c offers the
 * sign-in: the limit on attempts.
 */

#ifndef NGX_MAINT_SIGNIN_LIMIT_H
#define NGX_MAINT_SIGNIN_LIMIT_H

#include "ngx_maint_conf.h"


ngx_int_t ngx_maint_signin_limit_init(ngx_conf_t *cf,
    ngx_maint_main_conf_t *mcf);

/* 0: the attempt may go on; else the ms until one may */
ngx_msec_t ngx_maint_signin_limited(ngx_http_request_t *r);


#endif /* NGX_MAINT_SIGNIN_LIMIT_H */
