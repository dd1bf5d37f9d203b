/*
 * ngx_maint_handler.c: the precontent phase handler.  For a main request in
 * a "maint on" location it obtains a state to decide on (waiting, parked,
 * for a fresh read when needed, with the lookups of its sessions), gathers
 * the request's facts, and acts on what maint_decide() (core/maint_decide.c,
 * the order of docs/sessions.md) makes of them, as limit_req's handler
 * acts on its lookup.
 *
 * A parked request keeps its place in the phase engine (the handler
 * returned NGX_AGAIN) and is woken through its connection's write event,
 * posted by the reader: when the read completes, or when the request's
 * deadline passes (one timer in the reader for all waiting requests).
 * Either way it re-enters ngx_http_core_run_phases().
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_handler.h"
#include "ngx_maint_end_notice.h"
#include "ngx_maint_ctx.h"
#include "ngx_maint_kept.h"
#include "ngx_maint_signin.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_reader.h"
#include "ngx_maint_state.h"
#include "ngx_maint_current.h"
#include "ngx_maint_clock.h"
#include "ngx_maint_session.h"
#include "ngx_maint_session_cookie.h"
#include "ngx_maint_response.h"


static ngx_int_t ngx_maint_park(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx);
static void ngx_maint_wait_handler(ngx_http_request_t *r);
static ngx_int_t ngx_maint_decide(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static void ngx_maint_take_state(ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf);
static void ngx_maint_gather(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, maint_decide_in_t *in);
static ngx_int_t ngx_maint_act(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, maint_decide_out_t *out);
static ngx_int_t ngx_maint_revoked(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static void ngx_maint_request_addr(ngx_http_request_t *r,
    maint_request_t *req);
static void ngx_maint_request_path(ngx_http_request_t *r,
    maint_request_t *req);
static ngx_flag_t ngx_maint_off_applies(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);


ngx_int_t
ngx_maint_handler(ngx_http_request_t *r)
{
    ngx_int_t               rc;
    ngx_maint_ctx_t        *ctx;
    ngx_maint_loc_conf_t   *lcf;

    lcf = ngx_maint_get_loc_conf(r);

    /* subrequests (auth_request, SSI, mirror) belong to a decided request */

    if (r != r->main) {
        return NGX_DECLINED;
    }

    if (!lcf->enable && ngx_maint_off_applies(r, lcf)) {
        /* the edge's own cookies are never the app's, decided or not */
        return ngx_maint_cookies_upstream(r, NULL, lcf) == NGX_OK
               ? NGX_DECLINED : NGX_HTTP_INTERNAL_SERVER_ERROR;
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

    if (ctx->reading_body) {
        return NGX_DONE;                /* the sign-in form finishes it */
    }

    ngx_maint_session_collect(r, ctx, lcf);

    for ( ;; ) {
        if (!ctx->have_read) {
            rc = ngx_maint_state_acquire(r, ctx, lcf,
                                     ngx_maint_session_queue_lookups(ctx));
            if (rc == NGX_AGAIN) {
                return ngx_maint_park(r, ctx);
            }
        }

        rc = ngx_maint_decide(r, ctx, lcf);

        if (rc == NGX_DECLINED
            && ngx_maint_cookies_upstream(r, ctx, lcf) != NGX_OK)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        if (rc != NGX_BUSY) {
            return rc;
        }

        /*
         * A session's cached facts are older than the revocations counter
         * just read: one more read, with its lookup, in the time left.
         */
    }
}


/* The reader wakes it, with a read or at its deadline (ngx_maint_reader.c). */

static ngx_int_t
ngx_maint_park(ngx_http_request_t *r, ngx_maint_ctx_t *ctx)
{
    r->read_event_handler = ngx_http_test_reading;
    r->write_event_handler = ngx_maint_wait_handler;

    return NGX_AGAIN;
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
        /* the socket became writable; we are not waiting for that */
        if (ngx_handle_write_event(wev, 0) != NGX_OK) {
            ngx_http_finalize_request(r, NGX_ERROR);
        }

        return;
    }

    /* woken by the reader: nothing else may call us a second time */

    if (wev->posted) {
        ngx_delete_posted_event(wev);
    }

    r->read_event_handler = ngx_http_block_reading;
    r->write_event_handler = ngx_http_core_run_phases;

    ngx_http_core_run_phases(r);
}


/*
 * The request's facts, gathered; the decision, maint_decide()'s; the
 * answer, made here.  NGX_BUSY: one more read first.
 */

static ngx_int_t
ngx_maint_decide(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    ngx_flag_t          first;
    maint_decide_in_t   in;
    maint_decide_out_t  out;

    if (!ctx->decided) {
        ctx->decided = 1;
        ngx_maint_take_state(ctx, lcf);
    }

    ctx->now_ms = ngx_maint_now_ms();
    ctx->window = NULL;

    /* the connection's last decision, while nothing it was made on moved */

    if (!ctx->sessions_checked && ngx_maint_kept_take(r, ctx, lcf, &out)) {
        ctx->sessions_checked = 1;
        return ngx_maint_act(r, ctx, lcf, &out);
    }

    ngx_memzero(&in, sizeof(maint_decide_in_t));

    first = !ctx->sessions_checked;

    if (first) {
        if (ngx_maint_session_check(r, ctx, lcf) == NGX_AGAIN) {
            if (ctx->state) {
                ngx_maint_state_release(ctx->state);
                ctx->state = NULL;
            }

            ctx->decided = 0;
            ctx->have_read = 0;
            ctx->read_ok = 0;

            return NGX_BUSY;
        }

        ctx->sessions_checked = 1;
        in.revoked_now = ctx->revoked;
    }

    ngx_maint_gather(r, ctx, lcf, &in);

    maint_decide(&in, &out);

    if (out.ask_superadmin) {
        /* the window in force, as $maint_* see it meanwhile */
        ctx->window = out.window;

        /* both matter only while a window is in force: asked then */
        in.superadmin = ngx_maint_bypassed(r, ctx, lcf);
        in.signin = ngx_maint_wants_signin(r, lcf);
        maint_decide(&in, &out);
    }

    /* the request's first decision, not one made again after a redirect */

    if (first) {
        ngx_maint_kept_keep(ctx, lcf, &out);
    }

    return ngx_maint_act(r, ctx, lcf, &out);
}


/* The state to decide on, once per read: maint_decide_source(). */

static void
ngx_maint_take_state(ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf)
{
    maint_freshness_t  f;

    /* each asked only where maint_decide_source() looks at it */
    f.read_ok = ctx->read_ok;
    f.recent = ctx->source == NGX_MAINT_SRC_RECENT;
    f.behind = ctx->read_ok && ngx_maint_state_behind();
    f.usable = !ctx->read_ok && ngx_maint_state_usable(lcf);

    ctx->source = maint_decide_source(&f);

    if (ctx->source != NGX_MAINT_SRC_NONE) {
        ctx->state = ngx_maint_state_current();
    }
}


/*
 * Everything but the superadmin, which costs a MAC and is asked for only
 * while a window is in force; all of it lookups in the request.
 */

static void
ngx_maint_gather(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, maint_decide_in_t *in)
{
    in->snap = ctx->state ? ctx->state->snap : NULL;

    in->req.app = (const char *) lcf->app.data;
    in->req.app_len = lcf->app.len;
    in->req.now_ms = ctx->now_ms;
    in->req.safe_method = (r->method
                           & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_OPTIONS))
                          != 0;
    ngx_maint_request_path(r, &in->req);
    ngx_maint_request_addr(r, &in->req);

    in->fail_open = lcf->on_error == NGX_MAINT_ON_ERROR_OPEN;
    in->revoked = ctx->revoked;
    in->revoked_logoff = lcf->session_revoked == NGX_MAINT_REVOKED_LOGOFF;
    in->leave = ngx_maint_wants_leave(r, lcf);
    in->signin_posted = ngx_maint_signin_posted(r, lcf);
    in->superadmin = MAINT_UNKNOWN;
}


/* What the decision asks of the request: on to the app, or an answer. */

static ngx_int_t
ngx_maint_act(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, maint_decide_out_t *out)
{
    ngx_int_t  rc;

    ctx->window = out->window;

    /*
     * An ended session: the answer expires its cookie; if the request
     * goes on, it goes without any session (ngx_maint_cookies_upstream).
     */

    if (out->expire_cookie) {
        ctx->expire_cookie = 1;
    }

    if (out->leaving) {
        ctx->leaving = 1;
    }

    if (out->action == MAINT_ACT_BYPASS) {
        ctx->bypassed = 1;
    }

    ctx->passed = out->pass;
    ctx->read_only = out->read_only;

    /* the edge's own cookies are rare: a notice may wait in one */

    if (ctx->foreign && lcf->end_notice && lcf->session_cookie.len) {
        ngx_maint_end_notice_read(r, ctx);
    }

    /* counted once: a redirect inside the request is decided again */

    ctx->status = out->status;

    if (!ctx->counted) {
        ctx->counted = 1;
        ngx_maint_metric_decision(ctx->status, ctx->source);
    }

    if (out->pass) {
        return NGX_DECLINED;
    }

    switch (out->action) {

    case MAINT_ACT_REVOKED:
        rc = ngx_maint_revoked(r, ctx, lcf);
        break;

    case MAINT_ACT_SIGNIN:
        rc = ngx_maint_signin(r, ctx, lcf);
        break;

    case MAINT_ACT_MAINTENANCE:
        rc = ngx_maint_send(r, ctx, lcf, NGX_MAINT_KIND_MAINTENANCE);
        break;

    case MAINT_ACT_READ_ONLY_BLOCKED:
        rc = ngx_maint_send(r, ctx, lcf, NGX_MAINT_KIND_READ_ONLY);
        break;

    default: /* MAINT_ACT_ERROR, failing closed */
        rc = ngx_maint_send(r, ctx, lcf, NGX_MAINT_KIND_UNAVAILABLE);
        break;
    }

    /* NGX_DONE (a body being read) only drops the phase's reference */
    ngx_http_finalize_request(r, rc);

    return NGX_DONE;
}


/* maint_session_revoked 401 or redirect=: the edge answers */

static ngx_int_t
ngx_maint_revoked(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    if (lcf->session_revoked == NGX_MAINT_REVOKED_401) {
        return ngx_maint_send_page(r, ctx, lcf->page,
                                   NGX_MAINT_KIND_SESSION_ENDED,
                                   NGX_HTTP_UNAUTHORIZED,
                                   ngx_maint_wants_json(r, lcf), NULL, 0);
    }

    /*
     * Not r->headers_out.location: NGINX would make it absolute with the
     * request's Host.  A relative Location never names another host.
     */

    if (ngx_maint_add_header(r, "Location", sizeof("Location") - 1,
                             lcf->session_redirect.data,
                             lcf->session_redirect.len)
        == NULL)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return NGX_HTTP_SEE_OTHER;
}


/*
 * The judged path, and the path the app may receive: "proxy_pass" without
 * a URI part sends the request target on as the client wrote it (up to
 * its query), unless a rewrite or an internal redirect (try_files,
 * error_page) changed the URI, when it sends r->uri.
 */

static void
ngx_maint_request_path(ngx_http_request_t *r, maint_request_t *req)
{
    req->path = (const char *) r->uri.data;
    req->path_len = r->uri.len;

    /* an absolute-form target without a path leaves it empty */
    req->raw_path = r->unparsed_uri.len ? (const char *) r->unparsed_uri.data
                                        : "";
    req->raw_path_len = maint_path_len(req->raw_path, r->unparsed_uri.len);
    req->path_rewritten = !r->valid_unparsed_uri;
}


/*
 * "maint off" applies unless it is an exempt location inside "maint on"
 * (ngx_maint_merge_loc_conf()) reached by a raw path the app may route
 * elsewhere: NGINX matched "location = /healthz" on the normalised URI of
 * "/admin/%2e%2e/healthz", which "proxy_pass http://app" sends on as it
 * came.  Such a request is decided as if maint were on, with this
 * location's settings (inherited from around it).
 */

static ngx_flag_t
ngx_maint_off_applies(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    maint_request_t  req;

    if (!lcf->off_guard) {
        return 1;
    }

    ngx_maint_request_path(r, &req);

    if (maint_path_trusted(req.raw_path, req.raw_path_len, req.path,
                           req.path_len, req.path_rewritten))
    {
        return 1;
    }

    ngx_log_debug1(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "maint off ignored for the raw path \"%V\"",
                   &r->unparsed_uri);

    return 0;
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
