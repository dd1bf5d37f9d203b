/*
 * ngx_maint_response.h: the answers the edge gives instead of the app,
 * and the header helpers they are built with.
 */

#ifndef NGX_MAINT_RESPONSE_H
#define NGX_MAINT_RESPONSE_H

#include "ngx_maint_conf.h"


#define NGX_MAINT_UTC_TEXT_LEN  sizeof("2026-11-21 22:00 UTC")


ngx_int_t ngx_maint_send(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, ngx_maint_kind_e kind);
ngx_int_t ngx_maint_send_page(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    const maint_template_t *page, ngx_maint_kind_e kind, ngx_uint_t status,
    ngx_uint_t json, const maint_template_vars_t *extra, int64_t retry_after);
ngx_flag_t ngx_maint_wants_json(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
ngx_table_elt_t *ngx_maint_header_in(ngx_http_request_t *r, const char *name,
    size_t len);
ngx_table_elt_t *ngx_maint_add_header(ngx_http_request_t *r, char *key,
    size_t key_len, u_char *value, size_t len);
ngx_int_t ngx_maint_render_unavailable(ngx_conf_t *cf,
    ngx_maint_loc_conf_t *lcf, maint_template_t *page);
ngx_int_t ngx_maint_set_answer_headers(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf, ngx_uint_t json, int64_t retry_after,
    size_t len);
const maint_translation_t *ngx_maint_translation(ngx_http_request_t *r,
    const maint_window_t *w);
size_t ngx_maint_utc_text(u_char *out, const char *rfc3339);
ngx_chain_t *ngx_maint_body(ngx_http_request_t *r, u_char *data, size_t len);
ngx_int_t ngx_maint_response_init_worker(void);


#endif /* NGX_MAINT_RESPONSE_H */
