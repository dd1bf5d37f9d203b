/*
 * ngx_maint_filter.c: what the module changes in responses.
 *
 * Automatic activation: with maint_on_upstream_error, a 502 or 504
 * (NGINX's own after a failed connect or timeout, or one the upstream
 * sent) is replaced by the "temporarily unavailable" answer: the
 * maintenance page for browsers, problem+json for API clients, 503 (or
 * maint_status_code) with Retry-After.  A user's error_page for those codes
 * still wins: it redirects before any header reaches this filter, and the
 * page it leads to is left alone even if its status is 502.
 *
 * Sessions: the expiry of a logged-off cookie and the registry of sessions
 * the upstream creates (ngx_maint_session.c).  Superadmins: a bypassed
 * response is private and not stored, and HTML pages get the banner
 * (ngx_maint_banner.c).  Upcoming windows: with maint_banner, HTML pages
 * get the notice banner (the same injector); reads in a read-only window,
 * the read-only banner (maint_read_only_banner); the app's page after a
 * logoff, why (maint_session_end_notice, ngx_maint_end_notice.c).
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_filter.h"
#include "ngx_maint_ctx.h"
#include "ngx_maint_banner.h"
#include "ngx_maint_end_notice.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_response.h"
#include "ngx_maint_session.h"


#define NGX_MAINT_UPSTREAM_RETRY  30


static ngx_int_t ngx_maint_upstream_failed(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static ngx_int_t ngx_maint_header_filter(ngx_http_request_t *r);
static ngx_int_t ngx_maint_body_filter(ngx_http_request_t *r,
    ngx_chain_t *in);


static ngx_http_output_header_filter_pt  ngx_http_next_header_filter;
static ngx_http_output_body_filter_pt    ngx_http_next_body_filter;


/* The upstream's caching (and retry) advice, when it no longer applies */

void
ngx_maint_drop_headers(ngx_http_request_t *r, ngx_uint_t retry_after)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    static ngx_str_t  drop[] = {
        ngx_string("Cache-Control"),
        ngx_string("Expires"),
        ngx_string("Retry-After")
    };

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        for (ngx_uint_t j = 0; j < (retry_after ? 3 : 2); j++) {
            if (h[i].key.len == drop[j].len
                && ngx_strncasecmp(h[i].key.data, drop[j].data,
                                   drop[j].len) == 0)
            {
                h[i].hash = 0;
            }
        }
    }

    r->headers_out.expires = NULL;

    /* a list of the same headers from 1.23.0, dropped above already */
#if (nginx_version >= 1023000)
    r->headers_out.cache_control = NULL;
#else
    r->headers_out.cache_control.nelts = 0;
#endif
}


ngx_int_t
ngx_maint_filter_init(ngx_conf_t *cf)
{
    ngx_http_next_header_filter = ngx_http_top_header_filter;
    ngx_http_top_header_filter = ngx_maint_header_filter;

    ngx_http_next_body_filter = ngx_http_top_body_filter;
    ngx_http_top_body_filter = ngx_maint_body_filter;

    return NGX_OK;
}


static ngx_int_t
ngx_maint_header_filter(ngx_http_request_t *r)
{
    ngx_maint_ctx_t        *ctx;
    ngx_maint_loc_conf_t   *lcf;

    if (r != r->main) {
        return ngx_http_next_header_filter(r);
    }

    lcf = ngx_maint_get_loc_conf(r);
    ctx = ngx_maint_get_ctx(r);

    /* r->error_page: this already is the user's own error page */

    if (lcf->upstream_error
        && !r->error_page
        && (r->headers_out.status == NGX_HTTP_BAD_GATEWAY
            || r->headers_out.status == NGX_HTTP_GATEWAY_TIME_OUT))
    {
        if (ctx == NULL) {
            ctx = ngx_maint_create_ctx(r);
            if (ctx == NULL) {
                return NGX_ERROR;
            }
        }

        if (ngx_maint_upstream_failed(r, ctx, lcf) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (ctx == NULL) {
        return ngx_http_next_header_filter(r);
    }

    if (lcf->session_cookie.len
        && ngx_maint_session_response(r, ctx, lcf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    if (ctx->bypassed && !ctx->replace_body) {
        /* what a superadmin sees is for nobody else */

        ngx_maint_drop_headers(r, 0);

        if (ngx_maint_add_header(r, "Cache-Control",
                                 sizeof("Cache-Control") - 1,
                                 (u_char *) "private, no-store",
                                 sizeof("private, no-store") - 1)
            == NULL)
        {
            return NGX_ERROR;
        }

        if (lcf->bypass_banner) {
            ctx->banner_kind = NGX_MAINT_BANNER_SUPERADMIN;

            if (ngx_maint_banner_header(r, ctx) != NGX_OK) {
                return NGX_ERROR;
            }
        }

    } else if (ctx->window != NULL
               && !ctx->replace_body
               && ((lcf->banner && ctx->status == NGX_MAINT_ST_NOTICE)
                   || (lcf->read_only_banner && ctx->read_only)))
    {
        ctx->banner_kind = ctx->read_only ? NGX_MAINT_BANNER_READ_ONLY
                                          : NGX_MAINT_BANNER_UPCOMING;

        if (ngx_maint_banner_header(r, ctx) != NGX_OK) {
            return NGX_ERROR;
        }

        /* the banner speaks the reader's language: caches must know */

        if (ctx->banner && ctx->window->ntranslations
            && ngx_maint_add_header(r, "Vary", sizeof("Vary") - 1,
                                    (u_char *) "Accept-Language",
                                    sizeof("Accept-Language") - 1)
               == NULL)
        {
            return NGX_ERROR;
        }
    }

    if ((ctx->ended || ctx->ended_before)
        && lcf->end_notice
        && lcf->session_revoked != NGX_MAINT_REVOKED_401
        && ngx_maint_end_notice_header(r, ctx, lcf) != NGX_OK)
    {
        return NGX_ERROR;
    }

    return ngx_http_next_header_filter(r);
}


static ngx_int_t
ngx_maint_upstream_failed(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    ngx_str_t   *body;
    ngx_uint_t   json;

    json = ngx_maint_wants_json(r, lcf);
    body = json ? &lcf->unavailable_json : &lcf->unavailable_html;

    /* nothing of the failed response's body survives */

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_clear_last_modified(r);
    ngx_http_clear_etag(r);

    if (r->headers_out.content_encoding) {
        r->headers_out.content_encoding->hash = 0;
        r->headers_out.content_encoding = NULL;
    }

    ngx_maint_drop_headers(r, 1);

    if (ngx_maint_set_answer_headers(r, lcf, json, NGX_MAINT_UPSTREAM_RETRY,
                                     body->len)
        != NGX_OK)
    {
        return NGX_ERROR;
    }

    /* $status in the access log shows what the client got */
    if (r->err_status) {
        r->err_status = lcf->status_code;
    }

    ctx->replace_body = 1;
    ctx->status = NGX_MAINT_ST_UNAVAILABLE;

    ngx_maint_metric_inc(NGX_MAINT_M_UPSTREAM_REPLACED);

    ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                  "maint: upstream failed, answering \"unavailable\"");

    return NGX_OK;
}


static ngx_int_t
ngx_maint_body_filter(ngx_http_request_t *r, ngx_chain_t *in)
{
    ngx_str_t             *body;
    ngx_chain_t           *cl, *out;
    ngx_maint_ctx_t       *ctx;
    ngx_maint_loc_conf_t  *lcf;

    ctx = ngx_maint_get_module_ctx(r);

    if (ctx == NULL) {
        return ngx_http_next_body_filter(r, in);
    }

    if (ctx->banner) {
        if (ngx_maint_banner_body(r, ctx, in, &out) != NGX_OK) {
            return NGX_ERROR;
        }

        return ngx_http_next_body_filter(r, out);
    }

    if (!ctx->replace_body) {
        return ngx_http_next_body_filter(r, in);
    }

    /* swallow the original body, whatever it was */

    for (cl = in; cl; cl = cl->next) {
        cl->buf->pos = cl->buf->last;
        cl->buf->file_pos = cl->buf->file_last;
    }

    if (ctx->body_sent) {
        return NGX_OK;
    }

    ctx->body_sent = 1;

    lcf = ngx_maint_get_loc_conf(r);

    body = ngx_strncmp(r->headers_out.content_type.data, "application/",
                       sizeof("application/") - 1) == 0
           ? &lcf->unavailable_json : &lcf->unavailable_html;

    out = ngx_maint_body(r, body->data, body->len);
    if (out == NULL) {
        return NGX_ERROR;
    }

    return ngx_http_next_body_filter(r, out);
}
