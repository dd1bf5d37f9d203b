/*
 * ngx_maint_ctx.h: the per-request context (ngx_maint_ctx_t): found, or
 * made, for a request, surviving internal redirects.
 */

#ifndef NGX_MAINT_CTX_H
#define NGX_MAINT_CTX_H

#include "ngx_maint_conf.h"


ngx_maint_ctx_t *ngx_maint_get_ctx(ngx_http_request_t *r);
ngx_maint_ctx_t *ngx_maint_create_ctx(ngx_http_request_t *r);


#endif /* NGX_MAINT_CTX_H */
