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

/*
 * What a pair's name is to the edge (maint_cookie_name()): the session
 * cookie (lcf->session_cookie) by its name or as an alias an app may read
 * it by, one of the edge's own cookies (under any name), or another
 * cookie.  The names are gathered once per location, session first.
 */
#define NGX_MAINT_COOKIE_OTHER          0
#define NGX_MAINT_COOKIE_SESSION        1
#define NGX_MAINT_COOKIE_SESSION_ALIAS  2
#define NGX_MAINT_COOKIE_EDGE           3

void ngx_maint_cookie_names_init(maint_cookie_names_t *set,
    ngx_str_t *session);
ngx_uint_t ngx_maint_cookie_kind(ngx_maint_loc_conf_t *lcf,
    const char *name, size_t len);
/* the same, for what maint_cookie_names_find() found in lcf->cookie_names */
ngx_uint_t ngx_maint_cookie_kind_of(ngx_maint_loc_conf_t *lcf, int which,
    int kind);


#endif /* NGX_MAINT_EDGE_COOKIE_H */
