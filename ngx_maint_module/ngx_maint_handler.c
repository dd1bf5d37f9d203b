/*
 * ngx_maint_handler.c: the precontent phase handler.  For a main request in
 * a "maint on" location it obtains a state to decide on (waiting, parked,
 * for a fresh read when needed), evaluates the request against it and
 * either lets the request go on or answers it.
 *
 * A parked request keeps its place in the phase engine (the handler
 * returned NGX_AGAIN) and is woken through its connection's write event:
 * posted by the reader when the read completes, or fired by the timer that
 * bounds its wait.  Either way it re-enters ngx_http_core_run_phases().
 */

#include "ngx_maint_module.h"


static void ngx_maint_wait_handler(ngx_http_request_t *r);
static ngx_int_t ngx_maint_decide(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static void ngx_maint_request_addr(ngx_http_request_t *r,
    maint_request_t *req);


ngx_int_t
ngx_maint_handler(ngx_http_request_t *r)
{
    ngx_int_t               rc;
    ngx_maint_ctx_t        *ctx;
    ngx_maint_loc_conf_t   *lcf;
    ngx_maint_main_conf_t  *mcf;

    lcf = ngx_http_get_module_loc_conf(r, ngx_maint_module);

    /* subrequests (auth_request, SSI, mirror) belong to a decided request */

    if (!lcf->enable || r != r->main) {
        return NGX_DECLINED;
    }

    ctx = ngx_maint_get_ctx(r);

    if (ctx == NULL) {
        ctx = ngx_maint_create_ctx(r);
        if (ctx == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    if (ctx->waiting) {
        return NGX_AGAIN;
    }

    if (!ctx->have_read) {
        rc = ngx_maint_state_acquire(r, ctx, lcf);

        if (rc == NGX_AGAIN) {
            mcf = ngx_http_get_module_main_conf(r, ngx_maint_module);

            r->read_event_handler = ngx_http_test_reading;
            r->write_event_handler = ngx_maint_wait_handler;

            /* the request's own deadline: never wait longer than this */
            ngx_add_timer(r->connection->write, mcf->timeout);

            return NGX_AGAIN;
        }
    }

    return ngx_maint_decide(r, ctx, lcf);
}


static void
ngx_maint_wait_handler(ngx_http_request_t *r)
{
    ngx_event_t      *wev;
    ngx_maint_ctx_t  *ctx;

    wev = r->connection->write;
    ctx = ngx_maint_get_ctx(r);

    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    if (ctx->waiting) {
        if (!wev->timedout) {
            /* the socket became writable; we are not waiting for that */
            if (ngx_handle_write_event(wev, 0) != NGX_OK) {
                ngx_http_finalize_request(r, NGX_ERROR);
            }

            return;
        }

        /* the deadline passed before the read came back */

        ngx_maint_state_forget(ctx);
        ctx->have_read = 1;
        ctx->read_ok = 0;

        ngx_maint_metric_inc(NGX_MAINT_M_WAIT_TIMEOUTS);
    }

    /*
     * Woken by one of the two; make sure the other cannot call us (or
     * whatever handler the request has by then) a second time.
     */

    wev->timedout = 0;

    if (wev->timer_set) {
        ngx_del_timer(wev);
    }

    if (wev->posted) {
        ngx_delete_posted_event(wev);
    }

    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_core_run_phases;

    ngx_http_core_run_phases(r);
}


static ngx_int_t
ngx_maint_decide(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    ngx_int_t              rc;
    ngx_maint_kind_e       kind;
    maint_request_t        req;
    maint_decision_e       d;
    const maint_window_t  *w;

    if (!ctx->decided) {
        ctx->decided = 1;

        if (ctx->read_ok) {
            if (ngx_maint_state_behind()) {
                /* Redis holds a version we could not decode */
                ctx->source = NGX_MAINT_SRC_STALE;

            } else if (ctx->source != NGX_MAINT_SRC_RECENT) {
                ctx->source = NGX_MAINT_SRC_FRESH;
            }

            ctx->state = ngx_maint_state_current();

        } else if (ngx_maint_state_usable(lcf)) {
            ctx->source = NGX_MAINT_SRC_STALE;
            ctx->state = ngx_maint_state_current();

        } else {
            ctx->source = NGX_MAINT_SRC_NONE;
        }
    }

    ctx->now_ms = ngx_maint_now_ms();
    ctx->window = NULL;

    if (ctx->state == NULL) {
        ctx->status = NGX_MAINT_ST_ERROR;

        if (!ctx->counted) {
            ctx->counted = 1;
            ngx_maint_metric_decision(ctx->status, ctx->source);
        }

        if (lcf->on_error == NGX_MAINT_ON_ERROR_OPEN) {
            return NGX_DECLINED;
        }

        kind = NGX_MAINT_KIND_UNAVAILABLE;
        goto answer;
    }

    req.app = (const char *) lcf->app.data;
    req.app_len = lcf->app.len;
    req.now_ms = ctx->now_ms;
    req.safe_method = (r->method
                       & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_OPTIONS)) != 0;
    req.path = (const char *) r->uri.data;
    req.path_len = r->uri.len;

    ngx_maint_request_addr(r, &req);

    d = maint_evaluate(ctx->state->snap, &req, &w);

    ctx->window = w;

    switch (d) {

    case MAINT_NOTICE:
        ctx->status = NGX_MAINT_ST_NOTICE;
        break;

    case MAINT_EXEMPT:
        ctx->status = NGX_MAINT_ST_EXEMPT;
        break;

    case MAINT_MAINTENANCE:
        ctx->status = NGX_MAINT_ST_MAINTENANCE;
        break;

    case MAINT_READ_ONLY_BLOCKED:
        ctx->status = NGX_MAINT_ST_READ_ONLY_BLOCKED;
        break;

    default: /* MAINT_PASS, MAINT_READ_ONLY_PASS */
        ctx->status = NGX_MAINT_ST_PASS;
    }

    if (!ctx->counted) {
        ctx->counted = 1;
        ngx_maint_metric_decision(ctx->status, ctx->source);
    }

    if (d == MAINT_MAINTENANCE) {
        kind = NGX_MAINT_KIND_MAINTENANCE;

    } else if (d == MAINT_READ_ONLY_BLOCKED) {
        kind = NGX_MAINT_KIND_READ_ONLY;

    } else {
        return NGX_DECLINED;
    }

answer:

    rc = ngx_maint_send(r, ctx, lcf, kind);

    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


static void
ngx_maint_request_addr(ngx_http_request_t *r, maint_request_t *req)
{
    struct sockaddr      *sa;
    struct sockaddr_in   *sin;
#if (NGX_HAVE_INET6)
    struct sockaddr_in6  *sin6;
#endif

    req->family = 0;
    req->addr = NULL;

    /* the realip module may have replaced this address already */
    sa = r->connection->sockaddr;

    switch (sa->sa_family) {

    case AF_INET:
        sin = (struct sockaddr_in *) sa;
        req->family = AF_INET;
        req->addr = (const unsigned char *) &sin->sin_addr;
        break;

#if (NGX_HAVE_INET6)
    case AF_INET6:
        sin6 = (struct sockaddr_in6 *) sa;

        if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
            req->family = AF_INET;
            req->addr = sin6->sin6_addr.s6_addr + 12;

        } else {
            req->family = AF_INET6;
            req->addr = sin6->sin6_addr.s6_addr;
        }

        break;
#endif
    }
}
