/*
 * ngx_maint_signin_page.c: the sign-in's answers: the page with a fresh
 * form token, its Content-Security-Policy (made at configuration time),
 * the headers of every answer, and the 303 back where the user was going.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_signin_page.h"
#include "ngx_maint_edge_cookie.h"
#include "ngx_maint_response.h"
#include "ngx_maint_state.h"
#include "maint_bypass.h"
#include "maint_hash.h"
#include "maint_default_page.h"
#include "ngx_maint_clock.h"


#define NGX_MAINT_CSRF_MAX_AGE     "3600"   /* MAINT_CSRF_TTL */
#define NGX_MAINT_LOCATION_MAX     4096


static ngx_int_t ngx_maint_signin_headers(ngx_http_request_t *r,
    ngx_uint_t no_store);


/*
 * The sign-in page's Content-Security-Policy: nothing may load or run but
 * its own stylesheet, allowed by its hash (no 'unsafe-inline'); the form
 * posts to this origin only; no frame may hold the page; no <base>.
 */

ngx_int_t
ngx_maint_signin_csp(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf)
{
    u_char       *p, *start, *end, *last;
    ngx_str_t     hash, b64;
    unsigned char h[32];

    static char  open_tag[] = "<style>";
    static char  close_tag[] = "</style>";
    static char  before[] = "default-src 'none'; style-src 'sha256-";
    static char  after[] = "'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'";

    last = (u_char *) maint_signin_page + maint_signin_page_len;

    start = ngx_strlcasestrn((u_char *) maint_signin_page, last,
                             (u_char *) open_tag, sizeof(open_tag) - 2);
    end = start ? ngx_strlcasestrn(start, last, (u_char *) close_tag,
                                   sizeof(close_tag) - 2)
                : NULL;

    if (start == NULL || end == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "built-in sign-in page: no stylesheet");
        return NGX_ERROR;
    }

    start += sizeof(open_tag) - 1;
    maint_sha256(start, end - start, h);

    /*
     * The master keeps no hashing context: NGINX unloads the module
     * without an exit hook of its own to free it (workers free theirs)
     */
    maint_sha256_free();

    hash.data = h;
    hash.len = sizeof(h);
    b64.len = ngx_base64_encoded_length(hash.len);

    p = ngx_pnalloc(cf->pool, sizeof(before) - 1 + b64.len + sizeof(after));
    if (p == NULL) {
        return NGX_ERROR;
    }

    mcf->signin_csp.data = p;
    p = ngx_cpymem(p, before, sizeof(before) - 1);
    b64.data = p;
    ngx_encode_base64(&b64, &hash);
    p += b64.len;
    p = ngx_cpymem(p, after, sizeof(after) - 1);
    mcf->signin_csp.len = p - mcf->signin_csp.data;

    return NGX_OK;
}


/* The page, with a fresh form token in the form and in a cookie. */

ngx_int_t
ngx_maint_signin_page(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_uint_t status, char *error, int64_t retry_after)
{
    u_char                    *token;
    size_t                     len;
    const maint_snapshot_t    *snap;
    maint_template_vars_t      extra;
    ngx_maint_main_conf_t     *mcf;

    mcf = ngx_maint_get_main_conf(r);
    snap = ctx->state ? ctx->state->snap : NULL;

    ngx_memzero(&extra, sizeof(extra));

    token = ngx_pnalloc(r->pool, MAINT_CSRF_MAX_LEN + 1);
    if (token == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = maint_csrf_make(snap ? snap->signing_key : NULL, ngx_maint_tls(r),
                          ngx_maint_now_ms() / 1000, (char *) token,
                          MAINT_CSRF_MAX_LEN + 1);

    if (len == 0 && error == NULL) {
        /* no key yet: nobody could sign in, say so */
        error = "Sign-in is not available: no superadmin is set up.";
    }

    if (len
        && ngx_maint_set_cookie(r, ngx_maint_csrf_names, token, len,
                                "; Path=/; Max-Age=" NGX_MAINT_CSRF_MAX_AGE
                                "; HttpOnly; SameSite=Strict")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_maint_signin_headers(r, 0) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    extra.v[MAINT_PH_CSRF].data = (char *) token;
    extra.v[MAINT_PH_CSRF].len = len;

    /* the name stays in the form; the credential never comes back */
    extra.v[MAINT_PH_NAME].data = (char *) ctx->signin_name.data;
    extra.v[MAINT_PH_NAME].len = ctx->signin_name.len;

    if (error) {
        extra.v[MAINT_PH_ERROR].data = error;
        extra.v[MAINT_PH_ERROR].len = ngx_strlen(error);
    }

    return ngx_maint_send_page(r, ctx, mcf->signin_page,
                               NGX_MAINT_KIND_SIGNIN, status, 0, &extra,
                               retry_after);
}


/*
 * The 303 of a sign-in or a Leave, its Location and cookies set: the
 * answer that carries the cookie is never stored on the way.
 */

ngx_int_t
ngx_maint_see_other(ngx_http_request_t *r)
{
    r->headers_out.status = NGX_HTTP_SEE_OTHER;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    if (ngx_maint_signin_headers(r, 1) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_send_header(r);
}


/*
 * The headers of every sign-in answer: not stored, not framed, nothing
 * loaded or run but the page's own stylesheet, no Referer anywhere.
 */

static ngx_int_t
ngx_maint_signin_headers(ngx_http_request_t *r, ngx_uint_t no_store)
{
    ngx_uint_t              i;
    ngx_maint_main_conf_t  *mcf;

    static struct {
        char   *key;
        char   *value;
    } h[] = {
        { "X-Frame-Options", "DENY" },
        { "X-Content-Type-Options", "nosniff" },
        { "Referrer-Policy", "same-origin" },
    };

    mcf = ngx_maint_get_main_conf(r);

    /* a page adds no-store itself (ngx_maint_send_page) */
    if (no_store
        && ngx_maint_add_header(r, "Cache-Control",
                                sizeof("Cache-Control") - 1,
                                (u_char *) "no-store", sizeof("no-store") - 1)
           == NULL)
    {
        return NGX_ERROR;
    }

    if (ngx_maint_add_header(r, "Content-Security-Policy",
                             sizeof("Content-Security-Policy") - 1,
                             mcf->signin_csp.data, mcf->signin_csp.len)
        == NULL)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
        if (ngx_maint_add_header(r, h[i].key, ngx_strlen(h[i].key),
                                 (u_char *) h[i].value,
                                 ngx_strlen(h[i].value))
            == NULL)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * Location: back to the path the user came for, without the forceLogin
 * argument.  Relative, not r->headers_out.location: the host is never the
 * request's.
 */

ngx_int_t
ngx_maint_back_to(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    u_char  *p;
    size_t   len;

    p = ngx_pnalloc(r->pool, NGX_MAINT_LOCATION_MAX);
    if (p == NULL) {
        return NGX_ERROR;
    }

    len = maint_local_redirect((char *) r->uri.data, r->uri.len,
                               (char *) r->args.data, r->args.len,
                               (char *) lcf->force_login_arg.data,
                               lcf->force_login_arg.len, (char *) p,
                               NGX_MAINT_LOCATION_MAX);

    if (ngx_maint_add_header(r, "Location", sizeof("Location") - 1, p, len)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}