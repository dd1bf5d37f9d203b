/*
 * ngx_maint_end_notice.h: what ngx_maint_end_notice.c offers the handler
 * and the filter: the one-time notice after the edge logs a session off.
 */

#ifndef NGX_MAINT_END_NOTICE_H
#define NGX_MAINT_END_NOTICE_H

#include "ngx_maint_conf.h"


void ngx_maint_end_notice_read(ngx_http_request_t *r, ngx_maint_ctx_t *ctx);
ngx_int_t ngx_maint_end_notice_header(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);


#endif /* NGX_MAINT_END_NOTICE_H */
