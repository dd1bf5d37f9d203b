/*
 * ngx_maint_kept.h: what ngx_maint_kept.c offers: a decision kept with a
 * keep-alive connection, and taken over by its next request.
 */

#ifndef NGX_MAINT_KEPT_H
#define NGX_MAINT_KEPT_H

#include "ngx_maint_conf.h"


ngx_flag_t ngx_maint_kept_take(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, maint_decide_out_t *out);
void ngx_maint_kept_keep(ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf,
    const maint_decide_out_t *out);


#endif /* NGX_MAINT_KEPT_H */
