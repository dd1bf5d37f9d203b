/*
 * ngx_maint_session_registry.c: the session registry writes
 * (docs/redis-schema.md): a session the upstream creates, and "last seen",
 * sent and never waited for; while the connection to Redis is being made
 * again, a new session's writes are kept, formatted, and sent once it is
 * ready.  When to write: ngx_maint_session.c.
 */

#include "ngx_maint_session_registry.h"   /* ngx_config.h first */
#include "ngx_maint_clock.h"
#include "ngx_maint_redis.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_reply.h"
#include "maint_session.h"


#define NGX_MAINT_UA_MAX          200

/*
 * Registry writes of sessions the upstream created while the connection to
 * Redis was being made again: kept, formatted, and sent once it is ready.
 * Beyond that, a session is not registered: it is then "never seen
 * created", which every cutoff ends.
 */
#define NGX_MAINT_PENDING_MAX     256       /* commands, 4 a session */



static void ngx_maint_registry_redis_ready(void *data);
static void ngx_maint_registry_send(int argc, const char **argv,
    const size_t *argvlen);
static void ngx_maint_on_registry_write(redisAsyncContext *ac, void *reply,
    void *data);


static ngx_maint_main_conf_t  *ngx_maint_registry_mcf;
static ngx_str_t               ngx_maint_pending[NGX_MAINT_PENDING_MAX];
static ngx_uint_t              ngx_maint_npending;
static time_t                  ngx_maint_registry_refused;


ngx_int_t
ngx_maint_registry_init_worker(ngx_maint_main_conf_t *mcf)
{
    ngx_maint_registry_mcf = mcf;
    ngx_maint_npending = 0;

    return ngx_maint_redis_on_ready(ngx_maint_registry_redis_ready, NULL);
}


/* the connection is ready again: the registrations kept meanwhile go */

static void
ngx_maint_registry_redis_ready(void *data)
{
    ngx_uint_t  i;

    for (i = 0; i < ngx_maint_npending; i++) {
        if (ngx_maint_redis_formatted(ngx_maint_on_registry_write,
                                      (void *) "session registry write",
                                      &ngx_maint_pending[i])
            != NGX_OK)
        {
            break;
        }
    }

    ngx_maint_registry_exit_worker();
}


void
ngx_maint_registry_exit_worker(void)
{
    ngx_uint_t  i;

    for (i = 0; i < ngx_maint_npending; i++) {
        redisFreeCommand((char *) ngx_maint_pending[i].data);
    }

    ngx_maint_npending = 0;
}


/* a registry write: sent, or kept for the connection being made again */

static void
ngx_maint_registry_send(int argc, const char **argv, const size_t *argvlen)
{
    int    len;
    char  *cmd;

    if (ngx_maint_redis_ready()) {
        (void) ngx_maint_redis_command(ngx_maint_on_registry_write,
                                       (void *) argv[0], argc, argv, argvlen);
        return;
    }

    if (ngx_maint_npending == NGX_MAINT_PENDING_MAX) {
        return;
    }

    len = redisFormatCommandArgv(&cmd, argc, argv, argvlen);
    if (len < 0) {
        return;
    }

    ngx_maint_pending[ngx_maint_npending].data = (u_char *) cmd;
    ngx_maint_pending[ngx_maint_npending].len = len;
    ngx_maint_npending++;
}


/*
 * A registry write refused: logged, so that an ACL user without them
 * (NOPERM) or a demoted primary (READONLY) does not fail silently; the
 * session then has no registry facts, which every cutoff ends.  data: the
 * command's name, a static string.
 */

static void
ngx_maint_on_registry_write(redisAsyncContext *ac, void *reply, void *data)
{
    redisReply  *rr = reply;

    if (rr && rr->type == REDIS_REPLY_ERROR) {
        ngx_maint_redis_log_refused(&ngx_maint_registry_refused, data, rr);
        ngx_maint_redis_error_reply(ac, rr);
    }
}


/*
 * The registry write (docs/redis-schema.md), sent and never waited for:
 *
 *   HSETNX  <session:id> first_seen <now>        (created only)
 *   HSET    <session:id> last_seen <now> app <app> addr <addr>
 *                        user_agent <ua> [user <u>] [superadmin <name>
 *                        superadmin_cid <its credential id>]
 *   PEXPIRE <session:id> <idle>
 *   ZADD    <sessions> <now> <id>
 */

void
ngx_maint_registry_write(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, const u_char *id, ngx_uint_t created)
{
    int                 argc;
    u_char              key[NGX_MAINT_KEY_MAX], now[NGX_INT64_LEN],
                        idle[NGX_INT64_LEN], ua[NGX_MAINT_UA_MAX],
                        user[NGX_MAINT_USER_MAX];
    size_t              argvlen[16], key_len, now_len, ua_len, user_len;
    int64_t             idle_s;
    ngx_str_t           value;
    const char         *argv[16];
    const maint_superadmin_t  *sa;
    ngx_maint_main_conf_t     *mcf = ngx_maint_registry_mcf;

    /* "last seen" waits for no connection; a new session is kept */

    if (!created && !ngx_maint_redis_ready()) {
        return;
    }

    if (created && ngx_maint_npending + 4 > NGX_MAINT_PENDING_MAX
        && !ngx_maint_redis_ready())
    {
        return;                         /* never half a registration */
    }

#define ARG(s, n)  argv[argc] = (const char *) (s); argvlen[argc++] = (n)

    key_len = ngx_cpymem(ngx_cpymem(key, mcf->key_session.data,
                                    mcf->key_session.len),
                         id, MAINT_SESSION_ID_HEX)
              - key;
    now_len = ngx_sprintf(now, "%L", ngx_maint_now_ms()) - now;

    if (created) {
        argc = 0;
        ARG("HSETNX", 6);
        ARG(key, key_len);
        ARG("first_seen", 10);
        ARG(now, now_len);

        ngx_maint_registry_send(argc, argv, argvlen);
    }

    ua_len = 0;

    if (r->headers_in.user_agent) {
        ua_len = ngx_maint_printable(ua, r->headers_in.user_agent->value.data,
                                     r->headers_in.user_agent->value.len,
                                     sizeof(ua));
    }

    argc = 0;
    ARG("HSET", 4);
    ARG(key, key_len);
    ARG("last_seen", 9);
    ARG(now, now_len);
    ARG("app", 3);
    ARG(lcf->app.data, lcf->app.len);
    ARG("addr", 4);
    ARG(r->connection->addr_text.data, r->connection->addr_text.len);
    ARG("user_agent", 10);
    ARG(ua, ua_len);

    if (created && lcf->session_user
        && ngx_http_complex_value(r, lcf->session_user, &value) == NGX_OK
        && value.len)
    {
        user_len = ngx_maint_printable(user, value.data, value.len,
                                       sizeof(user));
        ARG("user", 4);
        ARG(user, user_len);
    }

    /*
     * Only what the edge established: the request passed a window as a
     * superadmin's (bypass cookie or maint_superadmin_identity).  This is
     * what makes a session a superadmin's (maint_session_verdict()).
     */
    sa = (created && ctx->bypassed && ctx->superadmin[0] && ctx->state)
         ? maint_snapshot_superadmin(ctx->state->snap,
                                     (char *) ctx->superadmin,
                                     ngx_strlen(ctx->superadmin))
         : NULL;

    if (sa) {
        ARG("superadmin", 10);
        ARG(sa->name.data, sa->name.len);
        ARG("superadmin_cid", 14);
        ARG(sa->cid, sa->cid_len);
    }

    ngx_maint_registry_send(argc, argv, argvlen);

    idle_s = (ctx->state && ctx->state->snap->session_idle > 0)
             ? ctx->state->snap->session_idle
             : MAINT_DEFAULT_IDLE_MIN * 60;

    argc = 0;
    ARG("PEXPIRE", 7);
    ARG(key, key_len);
    ARG(idle, ngx_sprintf(idle, "%L", idle_s * 1000) - idle);

    ngx_maint_registry_send(argc, argv, argvlen);

    argc = 0;
    ARG("ZADD", 4);
    ARG(mcf->key_sessions.data, mcf->key_sessions.len);
    ARG(now, now_len);
    ARG(id, MAINT_SESSION_ID_HEX);

    ngx_maint_registry_send(argc, argv, argvlen);

#undef ARG

    if (created) {
        ngx_maint_redis_send_now();     /* before its cookie goes out */
        ngx_maint_metric_inc(NGX_MAINT_M_SESSIONS_REGISTERED);
    }
}
