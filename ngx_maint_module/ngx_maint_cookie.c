/*
 * ngx_maint_cookie.c: the request's Cookie headers, pair by pair, as the
 * NGINX version at hand keeps them (a list from 1.23.0, an array before).
 */

#include "ngx_maint_cookie.h"
#include "maint_cookie.h"


/* Calls handler for every pair named "name" in the request's Cookie headers */

void
ngx_maint_cookies_each(ngx_http_request_t *r, ngx_str_t *name,
    maint_cookie_pt handler, void *data)
{
#if (nginx_version >= 1023000)
    ngx_table_elt_t  *h;

    for (h = r->headers_in.cookie; h; h = h->next) {
        (void) maint_cookie_values((char *) h->value.data, h->value.len,
                                   (char *) name->data, name->len, handler,
                                   data);
    }
#else
    ngx_uint_t         i;
    ngx_table_elt_t  **h;

    h = r->headers_in.cookies.elts;

    for (i = 0; i < r->headers_in.cookies.nelts; i++) {
        (void) maint_cookie_values((char *) h[i]->value.data,
                                   h[i]->value.len, (char *) name->data,
                                   name->len, handler, data);
    }
#endif
}


/* Calls visit for every pair of the request's Cookie headers named in set */

void
ngx_maint_cookie_scan(ngx_http_request_t *r, const maint_cookie_names_t *set,
    maint_cookie_named_pt visit, void *data)
{
    ngx_table_elt_t   *h;
#if (nginx_version >= 1023000)

    for (h = r->headers_in.cookie; h; h = h->next) {
#else
    ngx_uint_t         i;
    ngx_table_elt_t  **hs;

    hs = r->headers_in.cookies.elts;

    for (i = 0; i < r->headers_in.cookies.nelts; i++) {
        h = hs[i];
#endif
        maint_cookie_scan((char *) h->value.data, h->value.len, set, visit,
                          data);
    }
}


/* The request's Cookie header when it has exactly one, or NULL */

ngx_table_elt_t *
ngx_maint_cookie_single(ngx_http_request_t *r)
{
#if (nginx_version >= 1023000)
    ngx_table_elt_t  *h;

    h = r->headers_in.cookie;

    return h && h->next == NULL ? h : NULL;
#else
    ngx_table_elt_t  **hs;

    hs = r->headers_in.cookies.elts;

    return r->headers_in.cookies.nelts == 1 ? hs[0] : NULL;
#endif
}
