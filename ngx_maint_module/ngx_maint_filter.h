/*
 * ngx_maint_filter.h: what ngx_maint_filter.c offers: the header and body
 * filters' installation, and the headers an answer of the module drops.
 */

#ifndef NGX_MAINT_FILTER_H
#define NGX_MAINT_FILTER_H

#include "ngx_maint_conf.h"


ngx_int_t ngx_maint_filter_init(ngx_conf_t *cf);
void ngx_maint_drop_headers(ngx_http_request_t *r, ngx_uint_t retry_after);


#endif /* NGX_MAINT_FILTER_H */
