/*
 * ngx_maint_edge_cookie.h: what ngx_maint_edge_cookie.c offers the
 * sign-in, the sessions and the logoff notice: the edge's own cookies.
 */

#ifndef NGX_MAINT_EDGE_COOKIE_H
#define NGX_MAINT_EDGE_COOKIE_H

#include "ngx_maint_conf.h"


/* by ngx_maint_tls(): [0] over plain HTTP, [1] over TLS (__Host-) */
extern ngx_str_t  ngx_maint_bypass_names[2];
extern ngx_str_t  ngx_maint_csrf_names[2];
extern ngx_str_t  ngx_maint_notice_names[2];

ngx_flag_t ngx_maint_tls(ngx_http_request_t *r);
ngx_int_t ngx_maint_set_cookie(ngx_http_request_t *r, ngx_str_t *names,
    u_char *value, size_t len, const char *attrs);
ngx_flag_t ngx_maint_edge_cookie(const char *name, size_t len);


#endif /* NGX_MAINT_EDGE_COOKIE_H */
