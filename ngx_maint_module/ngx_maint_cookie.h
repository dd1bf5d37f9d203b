/*
 * ngx_maint_cookie.h: the request's Cookie headers, pair by pair.
 */

#ifndef NGX_MAINT_COOKIE_H
#define NGX_MAINT_COOKIE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "maint_cookie.h"


void ngx_maint_cookies_each(ngx_http_request_t *r, ngx_str_t *name,
    maint_cookie_pt handler, void *data);
void ngx_maint_cookie_scan(ngx_http_request_t *r,
    const maint_cookie_names_t *set, maint_cookie_named_pt visit,
    void *data);

ngx_table_elt_t *ngx_maint_cookie_single(ngx_http_request_t *r);


#endif /* NGX_MAINT_COOKIE_H */
