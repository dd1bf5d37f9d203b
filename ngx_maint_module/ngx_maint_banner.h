/*
 * ngx_maint_banner.h: what ngx_maint_banner.c offers the filters: the
 * banners put into the app's HTML pages.
 */

#ifndef NGX_MAINT_BANNER_H
#define NGX_MAINT_BANNER_H

#include "ngx_maint_conf.h"


ngx_int_t ngx_maint_banner_header(ngx_http_request_t *r, ngx_maint_ctx_t *ctx);
ngx_int_t ngx_maint_banner_body(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_chain_t *in, ngx_chain_t **out);


#endif /* NGX_MAINT_BANNER_H */
