/*
 * ngx_maint_edge_cookie.c: the edge's own cookies (the superadmin's bypass,
 * the sign-in form's token, the notice after a logoff): their names, by
 * scheme, the Set-Cookie that sets or expires one, and which cookies an app
 * must never see.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_edge_cookie.h"
#include "ngx_maint_response.h"
#include "maint_session.h"
#include "maint_cookie.h"


ngx_str_t  ngx_maint_bypass_names[2] = {
    ngx_string("maint_bypass"), ngx_string("__Host-maint_bypass")
};

ngx_str_t  ngx_maint_csrf_names[2] = {
    ngx_string("maint_csrf"), ngx_string("__Host-maint_csrf")
};

ngx_str_t  ngx_maint_notice_names[2] = {
    ngx_string("maint_notice"), ngx_string("__Host-maint_notice")
};

static ngx_str_t  *ngx_maint_edge_names[] = {
    ngx_maint_bypass_names, ngx_maint_csrf_names, ngx_maint_notice_names
};


ngx_flag_t
ngx_maint_tls(ngx_http_request_t *r)
{
#if (NGX_HTTP_SSL)
    return r->connection->ssl != NULL;
#else
    return 0;
#endif
}


/*
 * Set-Cookie for one of the edge's own cookies (ngx_maint_bypass_names...),
 * named with the __Host- prefix and Secure over TLS.
 */

ngx_int_t
ngx_maint_set_cookie(ngx_http_request_t *r, ngx_str_t *names,
    u_char *value, size_t len, const char *attrs)
{
    u_char      *v, *p;
    size_t       size;
    ngx_uint_t   tls;
    ngx_str_t   *name;

    tls = ngx_maint_tls(r);
    name = &names[tls];

    size = name->len + 1 + len + ngx_strlen(attrs) + sizeof("; Secure") - 1;

    v = ngx_pnalloc(r->pool, size);
    if (v == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(v, name->data, name->len);
    *p++ = '=';

    if (len) {
        p = ngx_cpymem(p, value, len);  /* an expiry has none (NULL) */
    }

    p = ngx_cpymem(p, attrs, ngx_strlen(attrs));

    if (tls) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    if (ngx_maint_add_header(r, "Set-Cookie", sizeof("Set-Cookie") - 1, v,
                             p - v)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * The edge's own cookies, by any name an app may read them under: they are
 * the edge's business only and never reach the upstream.
 */

void
ngx_maint_cookie_names_init(maint_cookie_names_t *set, ngx_str_t *session)
{
    ngx_uint_t   i, j;
    ngx_str_t   *n;

    ngx_memzero(set, sizeof(maint_cookie_names_t));

    if (session->len) {
        (void) maint_cookie_names_add(set, (char *) session->data,
                                      session->len);
    }

    for (i = 0; i < sizeof(ngx_maint_edge_names) / sizeof(ngx_str_t *); i++) {
        for (j = 0; j < 2; j++) {
            n = &ngx_maint_edge_names[i][j];
            (void) maint_cookie_names_add(set, (char *) n->data, n->len);
        }
    }
}


ngx_uint_t
ngx_maint_cookie_kind(ngx_maint_loc_conf_t *lcf, const char *name,
    size_t len)
{
    int  which, kind;

    which = maint_cookie_names_find(&lcf->cookie_names, name, len, &kind);

    return ngx_maint_cookie_kind_of(lcf, which, kind);
}


ngx_uint_t
ngx_maint_cookie_kind_of(ngx_maint_loc_conf_t *lcf, int which, int kind)
{
    if (which < 0) {
        return NGX_MAINT_COOKIE_OTHER;
    }

    if (which == 0 && lcf->session_cookie.len) {
        return kind == MAINT_NAME_EXACT ? NGX_MAINT_COOKIE_SESSION
                                        : NGX_MAINT_COOKIE_SESSION_ALIAS;
    }

    return NGX_MAINT_COOKIE_EDGE;
}
