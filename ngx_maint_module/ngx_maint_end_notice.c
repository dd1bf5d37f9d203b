/*
 * ngx_maint_end_notice.c: the one-time notice after the edge logs a
 * session off (maint_session_end_notice).  The logoff's own response is
 * often no page anyone reads (the app's redirect to its login page, or
 * maint_session_revoked redirect=), so the reason rides in a short-lived
 * cookie of the edge's own until an app's HTML page shows it as a banner;
 * that page expires the cookie.  Our own answers (the maintenance page,
 * the sign-in) never carry it: they keep the cookie for the app's next
 * page.  The cookie holds one digit, the reason, nothing about the session.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_end_notice.h"
#include "ngx_maint_edge_cookie.h"
#include "ngx_maint_cookie.h"
#include "ngx_maint_banner.h"


/* long enough for a login redirect or a maintenance window's page */
#define NGX_MAINT_END_NOTICE_AGE  "600"


static void
ngx_maint_end_notice_one(void *data, const char *value, size_t len,
    int valid)
{
    ngx_maint_ctx_t  *ctx = data;

    if (ctx->ended_before == NGX_MAINT_ENDED_NONE && valid && len == 1
        && (value[0] == '0' + NGX_MAINT_ENDED_BY_ADMIN
            || value[0] == '0' + NGX_MAINT_ENDED_FOR_MAINTENANCE))
    {
        ctx->ended_before = value[0] - '0';
    }
}


/* the reason a logoff before this request left, if any */

void
ngx_maint_end_notice_read(ngx_http_request_t *r, ngx_maint_ctx_t *ctx)
{
    ngx_maint_cookies_each(r, &ngx_maint_notice_names[ngx_maint_tls(r)],
                           ngx_maint_end_notice_one, ctx);
}


/*
 * In the header filter, when this request's session was ended or an
 * earlier one's notice waits: a banner in an app's HTML page (the cookie,
 * if any, expired), or the cookie kept for the next one.
 */

ngx_int_t
ngx_maint_end_notice_header(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    u_char  reason;

    if (ctx->passed && !ctx->replace_body) {
        if (!ctx->banner && ngx_maint_banner_header(r, ctx) != NGX_OK) {
            return NGX_ERROR;
        }

        if (ctx->banner) {
            ctx->banner_ended = 1;

            return ctx->ended_before
                   ? ngx_maint_set_cookie(r, ngx_maint_notice_names, NULL, 0,
                                          "; Path=/; Max-Age=0; HttpOnly; "
                                          "SameSite=Lax")
                   : NGX_OK;
        }
    }

    if (ctx->ended == NGX_MAINT_ENDED_NONE) {
        return NGX_OK;                  /* an earlier notice waits on */
    }

    reason = (u_char) ('0' + ctx->ended);

    return ngx_maint_set_cookie(r, ngx_maint_notice_names, &reason, 1,
                                "; Path=/; Max-Age=" NGX_MAINT_END_NOTICE_AGE
                                "; HttpOnly; SameSite=Lax");
}
