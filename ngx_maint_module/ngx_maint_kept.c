/*
 * ngx_maint_kept.c: a decision kept with a keep-alive connection.  A
 * browser sends request after request on one connection with the same
 * Cookie header; while no window of the app is in force, the decision
 * does not depend on the request's path, method or address
 * (maint_evaluate()), only on the state, the session's facts and the
 * clock.  So a request that passed is remembered with the connection's
 * Cookie header, and the next request with the same header, in the same
 * location, takes its decision over instead of judging its session and
 * evaluating the windows again, when all of these still hold:
 *
 *   - it is decided on a read like the first (its lease, or
 *     maint_max_staleness: the same source), and on the very state the
 *     first was decided on (nothing newer was read since);
 *   - the revocations counter has not moved, and its session (if any) is
 *     known from the same lookup, with nothing to look up or write
 *     (ngx_maint_session_settled());
 *   - the fleet clock is between the first decision and the next instant
 *     a window of the app begins its notice, starts or ends sessions
 *     (maint_steady_until());
 *   - it is neither the banner's "Leave" nor the sign-in form posted.
 *
 * Only passes are kept ("pass" and "notice"): the edge answers nothing
 * and expires nothing there.  Everything else is judged anew, every time
 * (docs/design.md, "A decision kept per connection").
 */

#include "ngx_maint_kept.h"
#include "ngx_maint_current.h"
#include "ngx_maint_state.h"
#include "ngx_maint_session.h"
#include "ngx_maint_signin.h"


#define NGX_MAINT_KEPT_NONE  ((uintptr_t) -1)


static uintptr_t ngx_maint_kept_session(ngx_maint_ctx_t *ctx);


ngx_flag_t
ngx_maint_kept_take(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, maint_decide_out_t *out)
{
    ngx_maint_kept_t  *k = ctx->kept;

    if (k == NULL || !k->valid
        || k->lcf != lcf
        || !ctx->read_ok || ctx->source != k->source
        || ctx->state != k->state
        || k->generation != ngx_maint_state_generation()
        || k->revocations != ngx_maint_state_revocations()
        || ctx->now_ms < k->from_ms || ctx->now_ms >= k->until_ms
        || ctx->revoked || ctx->foreign
        || ngx_maint_kept_session(ctx) != k->session
        || (r->method == NGX_HTTP_POST     /* the edge's forms post */
            && (ngx_maint_wants_leave(r, lcf)
                || ngx_maint_signin_posted(r, lcf))))
    {
        return 0;
    }

    ngx_log_debug0(NGX_LOG_DEBUG_HTTP, r->connection->log, 0,
                   "maint: the connection's last decision taken over");

    *out = k->out;

    return 1;
}


/* After a decision made in full: kept if it passed and may be taken over. */

void
ngx_maint_kept_keep(ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf,
    const maint_decide_out_t *out)
{
    int64_t            until;
    uintptr_t          session;
    ngx_maint_kept_t  *k = ctx->kept;

    if (k == NULL) {
        return;
    }

    k->valid = 0;

    if (!ctx->read_ok || ctx->state == NULL || ctx->revoked || ctx->foreign
        || !out->pass || out->expire_cookie || out->leaving
        || out->read_only
        || (out->action != MAINT_ACT_PASS && out->action != MAINT_ACT_NOTICE))
    {
        return;
    }

    session = ngx_maint_kept_session(ctx);
    if (session == 0) {
        return;
    }

    until = maint_steady_until(ctx->state->snap, (char *) lcf->app.data,
                               lcf->app.len, ctx->now_ms);
    if (until <= ctx->now_ms) {
        return;
    }

    k->lcf = lcf;
    k->state = ctx->state;
    k->generation = ngx_maint_state_generation();
    k->revocations = ngx_maint_state_revocations();
    k->session = session;
    k->from_ms = ctx->now_ms;
    k->until_ms = until;
    k->source = ctx->source;
    k->out = *out;
    k->valid = 1;
}


/*
 * What the request's session is known by: NGX_MAINT_KEPT_NONE for none
 * (or a value never sent on), the lookup its facts came from, 0 when they
 * may change (nothing is kept or taken then).  A kept decision holds at
 * most one session: the Cookie header's memo does.
 */

static uintptr_t
ngx_maint_kept_session(ngx_maint_ctx_t *ctx)
{
    if (ctx->nsessions > 1) {
        return 0;
    }

    if (ctx->nsessions == 0 || ctx->sessions[0].strip) {
        return NGX_MAINT_KEPT_NONE;
    }

    return ngx_maint_session_settled(&ctx->sessions[0]);
}
