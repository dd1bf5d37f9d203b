/*
 * ngx_maint_redis.c: one Redis connection per worker, driven by hiredis's
 * async API on the NGINX event loop (ngx_maint_redis_event.c): its
 * lifecycle, its handshake, and the commands the other parts send on it.
 *
 * - Opened in the worker after fork, never in the master.  The address was
 *   resolved at configuration time, so hiredis only ever sees a numeric
 *   address or a socket path and connects without a name lookup.
 * - hiredis 0.14 has no timeouts of its own: the connect and handshake
 *   deadline is an NGINX timer here; reply deadlines belong to the reader
 *   (ngx_maint_reader.c), which calls ngx_maint_redis_fail() on expiry.
 * - After a failure the connection is dropped and retried with exponential
 *   backoff and jitter; requests never open connections.
 * - Where it goes (the data node, a sentinel, the primary a sentinel
 *   named) and the ROLE checks: ngx_maint_sentinel.c.
 * - Its users are not named here: they register handlers at init_worker,
 *   told when the connection is ready (ngx_maint_redis_on_ready()) and when
 *   it is lost (ngx_maint_redis_on_down()), in the order they registered.
 * - TLS (maint_redis ... tls): right after the connect, before any command,
 *   the connection gets an SSL object made from the context read at
 *   configuration time, naming the server to check; hiredis's SSL layer
 *   then runs the handshake through the same event hooks, non-blocking,
 *   under connect_timeout like the rest of the handshake.  A certificate
 *   that fails the check is a failed connection like any other.
 */

#include "ngx_maint_redis.h"        /* ngx_config.h first, as NGINX needs */
#include "ngx_maint_redis_event.h"
#include "ngx_maint_sentinel.h"
#include "maint_redis_reply.h"
#include "maint_reply.h"
#include "maint_tls.h"
#include "ngx_maint_metrics.h"

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
#include <hiredis/hiredis_ssl.h>
#endif


#define NGX_MAINT_REDIS_HANDLERS  4     /* of each kind, per worker */


typedef struct {
    redisAsyncContext      *ac;
    ngx_maint_main_conf_t  *mcf;
    ngx_log_t              *log;

    ngx_event_t             connect_timer;
    ngx_event_t             retry_timer;
    ngx_event_t             connect_ev;     /* posted: connect outside of */
                                            /* hiredis's callbacks */
    ngx_uint_t              failures;
    ngx_uint_t              handshake_left;

    struct ssl_st          *ssl;            /* TLS: of the context ssl_ac, */
    redisAsyncContext      *ssl_ac;         /* valid until hiredis frees it */
    const char             *tls_name;       /* the name it checks */

    ngx_str_t               name;           /* of the peer, for logs */

    unsigned                ready:1;
    unsigned                closing:1;      /* we are freeing ac ourselves */
    unsigned                exiting:1;
} ngx_maint_redis_t;


typedef struct {
    ngx_maint_redis_handler_pt  handler;
    void                       *data;
} ngx_maint_redis_listener_t;


typedef struct {
    ngx_maint_redis_listener_t  ready[NGX_MAINT_REDIS_HANDLERS];
    ngx_uint_t                  nready;
    ngx_maint_redis_listener_t  down[NGX_MAINT_REDIS_HANDLERS];
    ngx_uint_t                  ndown;
} ngx_maint_redis_users_t;


static void ngx_maint_redis_connect(void);
static redisAsyncContext *ngx_maint_redis_open(ngx_maint_redis_target_t *t);
static void ngx_maint_redis_handshake(redisAsyncContext *ac,
    ngx_maint_redis_target_t *t);
static void ngx_maint_redis_schedule_retry(void);
static void ngx_maint_redis_retry_handler(ngx_event_t *ev);
static void ngx_maint_redis_connect_timeout(ngx_event_t *ev);
static void ngx_maint_redis_on_connect(const redisAsyncContext *ac,
    int status);
static void ngx_maint_redis_on_disconnect(const redisAsyncContext *ac,
    int status);
static void ngx_maint_redis_handshake_reply(redisAsyncContext *ac,
    void *reply, void *data);
static void ngx_maint_redis_lost(const char *reason);
static void ngx_maint_redis_connect_handler(ngx_event_t *ev);
static void ngx_maint_redis_found(redisAsyncContext *ac);
static void ngx_maint_redis_event_error(redisAsyncContext *ac,
    const char *reason);
static void ngx_maint_redis_closed(redisAsyncContext *ac);
static void ngx_maint_redis_tell(ngx_maint_redis_listener_t *l,
    ngx_uint_t n);
static ngx_int_t ngx_maint_redis_listen(ngx_maint_redis_listener_t *l,
    ngx_uint_t *n, ngx_maint_redis_handler_pt handler, void *data);
static const char *ngx_maint_redis_why(const redisAsyncContext *ac,
    char *buf, size_t len);
#if (NGX_MAINT_HAVE_HIREDIS_SSL)
static ngx_int_t ngx_maint_redis_tls(redisAsyncContext *ac,
    const char *name);
#endif


static char  ngx_maint_redis_role[] = "ROLE";


static ngx_maint_redis_t        ngx_maint_redis;

/* not in ngx_maint_redis: they register before its init_worker clears it */
static ngx_maint_redis_users_t  ngx_maint_redis_users;


static const ngx_maint_redis_owner_t  ngx_maint_redis_owner = {
    ngx_maint_redis_event_error,
    ngx_maint_redis_closed
};


static const ngx_maint_sentinel_owner_t  ngx_maint_redis_sentinel_owner = {
    ngx_maint_redis_fail,
    ngx_maint_redis_found
};


ngx_int_t
ngx_maint_redis_init_worker(ngx_cycle_t *cycle, ngx_maint_main_conf_t *mcf)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    ngx_memzero(rd, sizeof(ngx_maint_redis_t));

    rd->mcf = mcf;
    rd->log = cycle->log;

    rd->connect_timer.handler = ngx_maint_redis_connect_timeout;
    rd->connect_timer.log = cycle->log;
    rd->connect_timer.data = &ngx_maint_event_owner;
    rd->connect_timer.cancelable = 1;

    rd->retry_timer.handler = ngx_maint_redis_retry_handler;
    rd->retry_timer.log = cycle->log;
    rd->retry_timer.data = &ngx_maint_event_owner;
    rd->retry_timer.cancelable = 1;

    rd->connect_ev.handler = ngx_maint_redis_connect_handler;
    rd->connect_ev.log = cycle->log;
    rd->connect_ev.data = &ngx_maint_event_owner;

    rd->name = mcf->addr_text;

    ngx_maint_sentinel_init(mcf, cycle->log, &rd->name,
                            &ngx_maint_redis_sentinel_owner);

    ngx_maint_redis_connect();

    return NGX_OK;
}


void
ngx_maint_redis_exit_worker(void)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    rd->exiting = 1;

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    if (rd->retry_timer.timer_set) {
        ngx_del_timer(&rd->retry_timer);
    }

    ngx_maint_sentinel_exit();

    if (rd->connect_ev.posted) {
        ngx_delete_posted_event(&rd->connect_ev);
    }

    /* close the socket here, or NGINX reports it as left open */

    if (rd->ac) {
        rd->closing = 1;
        rd->ready = 0;
        redisAsyncFree(rd->ac);
        rd->ac = NULL;
    }

    maint_redis_reply_release();
}


/*
 * The parts that use the connection register here at init_worker, before
 * it is opened: "ready" handlers run after every successful handshake,
 * "down" handlers after every failure, each in the order registered.
 */

ngx_int_t
ngx_maint_redis_on_ready(ngx_maint_redis_handler_pt handler, void *data)
{
    return ngx_maint_redis_listen(ngx_maint_redis_users.ready,
                                  &ngx_maint_redis_users.nready, handler,
                                  data);
}


ngx_int_t
ngx_maint_redis_on_down(ngx_maint_redis_handler_pt handler, void *data)
{
    return ngx_maint_redis_listen(ngx_maint_redis_users.down,
                                  &ngx_maint_redis_users.ndown, handler,
                                  data);
}


static ngx_int_t
ngx_maint_redis_listen(ngx_maint_redis_listener_t *l, ngx_uint_t *n,
    ngx_maint_redis_handler_pt handler, void *data)
{
    ngx_uint_t  i;

    for (i = 0; i < *n; i++) {
        if (l[i].handler == handler && l[i].data == data) {
            return NGX_OK;              /* registered already */
        }
    }

    if (*n == NGX_MAINT_REDIS_HANDLERS) {
        return NGX_ERROR;
    }

    l[*n].handler = handler;
    l[*n].data = data;
    (*n)++;

    return NGX_OK;
}


static void
ngx_maint_redis_tell(ngx_maint_redis_listener_t *l, ngx_uint_t n)
{
    ngx_uint_t  i;

    for (i = 0; i < n; i++) {
        l[i].handler(l[i].data);
    }
}


ngx_flag_t
ngx_maint_redis_ready(void)
{
    return ngx_maint_redis.ready;
}


/*
 * What was queued goes to the socket now, not at the next turn of the
 * event loop: a write another worker must see before the client's next
 * request does (a new session's registration, sent before the response
 * that sets its cookie).
 */

void
ngx_maint_redis_send_now(void)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    if (rd->ready && rd->ac) {
        ngx_maint_redis_flush(rd->ac);
    }
}


ngx_int_t
ngx_maint_redis_command(redisCallbackFn *fn, void *data, int argc,
    const char **argv, const size_t *argvlen)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    if (!rd->ready || rd->ac == NULL) {
        return NGX_DECLINED;
    }

    if (redisAsyncCommandArgv(rd->ac, fn, data, argc, argv, argvlen)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


ngx_int_t
ngx_maint_redis_formatted(redisCallbackFn *fn, void *data, ngx_str_t *cmd)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    if (!rd->ready || rd->ac == NULL || cmd->len == 0) {
        return NGX_DECLINED;
    }

    if (redisAsyncFormattedCommand(rd->ac, fn, data, (char *) cmd->data,
                                   cmd->len)
        != REDIS_OK)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_maint_redis_connect(void)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    redisAsyncContext         *ac;
    ngx_maint_redis_target_t   t;

    if (rd->exiting || ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    rd->ssl = NULL;
    rd->ssl_ac = NULL;

    ngx_maint_sentinel_target(&t);

    ac = ngx_maint_redis_open(&t);
    if (ac == NULL) {
        ngx_maint_redis_lost(NULL);
        return;
    }

    if (ngx_maint_redis_attach(ac, rd->log, rd->ssl, &ngx_maint_redis_owner)
        != NGX_OK)
    {
        redisAsyncFree(ac);
        ngx_maint_redis_lost(NULL);
        return;
    }

    rd->ac = ac;
    rd->ready = 0;
    rd->closing = 0;

    ac->data = rd;

    /* hooks first: setting the connect callback asks for a write event */

    redisAsyncSetConnectCallback(ac, ngx_maint_redis_on_connect);
    redisAsyncSetDisconnectCallback(ac, ngx_maint_redis_on_disconnect);

    ngx_maint_redis_handshake(ac, &t);
}


/* A context for the target, TLS started if configured; NULL: it failed */

static redisAsyncContext *
ngx_maint_redis_open(ngx_maint_redis_target_t *t)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    redisAsyncContext  *ac;

    if (t->unix_socket) {
        ac = redisAsyncConnectUnix(t->host);

    } else {
        ac = redisAsyncConnect(t->host, t->port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V: cannot allocate a connection",
                      &rd->name);
        return NULL;
    }

    if (ac->err) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V: connect failed: %s",
                      &rd->name, ac->errstr);
        redisAsyncFree(ac);
        ngx_maint_metric_inc(NGX_MAINT_M_CONNECT_FAILURES);
        return NULL;
    }

    /* replies without an allocation per object (maint_redis_reply.c) */
    maint_redis_reply_use(ac->c.reader);

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
    if (rd->mcf->tls && ngx_maint_redis_tls(ac, t->tls_name) != NGX_OK) {
        redisAsyncFree(ac);
        ngx_maint_metric_inc(NGX_MAINT_M_CONNECT_FAILURES);
        return NULL;
    }
#endif

    return ac;
}


/*
 * The handshake is queued now and leaves as soon as the connection is
 * up: AUTH, SELECT, and a PING, so that a server that accepts connections
 * but does not answer (stopped, overloaded) fails here; to a primary a
 * sentinel named, ROLE instead of PING; to a sentinel, AUTH and the
 * question.
 */

static void
ngx_maint_redis_handshake(redisAsyncContext *ac, ngx_maint_redis_target_t *t)
{
    ngx_maint_redis_t      *rd = &ngx_maint_redis;
    ngx_maint_main_conf_t  *mcf = rd->mcf;

    int          argc;
    size_t       argvlen[3];
    const char  *argv[3];

    rd->handshake_left = 0;

    if (t->password->len) {
        argc = 0;
        argv[argc] = "AUTH";
        argvlen[argc++] = 4;

        if (t->user->len) {
            argv[argc] = (char *) t->user->data;
            argvlen[argc++] = t->user->len;
        }

        argv[argc] = (char *) t->password->data;
        argvlen[argc++] = t->password->len;

        redisAsyncCommandArgv(ac, ngx_maint_redis_handshake_reply, "AUTH",
                              argc, argv, argvlen);
        rd->handshake_left++;
    }

    if (t->asking) {
        /* the whole lookup, connect to answer, is under connect_timeout */

        ngx_maint_sentinel_ask(ac);

        ngx_add_timer(&rd->connect_timer, mcf->connect_timeout);
        return;
    }

    if (mcf->db) {
        redisAsyncCommand(ac, ngx_maint_redis_handshake_reply, "SELECT",
                          "SELECT %d", (int) mcf->db);
        rd->handshake_left++;
    }

    if (mcf->master_name.len) {
        /* the sentinel may be stale: only a master is read from */
        redisAsyncCommand(ac, ngx_maint_redis_handshake_reply,
                          ngx_maint_redis_role, "ROLE");

    } else {
        redisAsyncCommand(ac, ngx_maint_redis_handshake_reply, "PING",
                          "PING");
    }

    rd->handshake_left++;

    ngx_add_timer(&rd->connect_timer, mcf->connect_timeout);
}


#if (NGX_MAINT_HAVE_HIREDIS_SSL)

/*
 * TLS on a connection hiredis has just opened (the TCP connect may still
 * be under way), before any command: hiredis's SSL layer starts the
 * handshake and finishes it through the event hooks, never blocking.  The
 * name checked is the target's (ngx_maint_sentinel_target()).
 */

static ngx_int_t
ngx_maint_redis_tls(redisAsyncContext *ac, const char *name)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    char            reason[128];
    struct ssl_st  *ssl;

    ssl = maint_tls_new(rd->mcf->tls_ctx, name, reason, sizeof(reason));
    if (ssl == NULL) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V: TLS: %s", &rd->name, reason);
        return NGX_ERROR;
    }

    if (redisInitiateSSL(&ac->c, ssl) != REDIS_OK) {
        /* hiredis did not take it: ours to free */
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V: TLS: %s", &rd->name,
                      maint_tls_reason(ssl, reason, sizeof(reason))
                      ? reason : ac->c.errstr);
        maint_tls_free(ssl);
        return NGX_ERROR;
    }

    rd->ssl = ssl;
    rd->ssl_ac = ac;
    rd->tls_name = name;

    return NGX_OK;
}

#endif


/*
 * Why a connection failed, for the log: with TLS, the certificate check
 * or OpenSSL's reason (hiredis's own text is errno's, often unrelated).
 * Called from hiredis's callbacks, while ac is still alive.
 */

static const char *
ngx_maint_redis_why(const redisAsyncContext *ac, char *buf, size_t len)
{
#if (NGX_MAINT_HAVE_HIREDIS_SSL)
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    u_char      *p;
    const char  *why;

    if (rd->ssl && rd->ssl_ac == ac) {
        why = maint_tls_reason(rd->ssl, buf, len);

        if (why != NULL) {
            if (ngx_strncmp(why, "certificate", 11) == 0) {
                /* say what was expected: a name, never a secret */
                p = (u_char *) buf + ngx_strlen(buf);
                ngx_snprintf(p, len - (p - (u_char *) buf) - 1,
                             " (expected \"%s\")%Z", rd->tls_name);
            }

            return why;
        }
    }
#endif

    return ac->errstr ? ac->errstr : "closed by server";
}


/* a sentinel named the primary: done with it, on to the primary */

static void
ngx_maint_redis_found(redisAsyncContext *ac)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    /* the sentinel's context is freed when this callback returns */

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    rd->closing = 1;
    redisAsyncFree(ac);

    ngx_post_event(&rd->connect_ev, &ngx_posted_events);
}


static void
ngx_maint_redis_connect_handler(ngx_event_t *ev)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    if (rd->ac != NULL || rd->retry_timer.timer_set) {
        return;
    }

    ngx_maint_redis_connect();
}


/*
 * Another part got an error reply: READONLY means the node it wrote to is
 * a replica now; in Sentinel mode that is the cue to look again.
 */

void
ngx_maint_redis_error_reply(redisAsyncContext *ac, redisReply *rr)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    if (ac != rd->ac || rr == NULL || rr->type != REDIS_REPLY_ERROR
        || rd->mcf->master_name.len == 0)
    {
        return;
    }

    if (rr->len >= 8 && ngx_strncmp(rr->str, "READONLY", 8) == 0) {
        ngx_maint_metric_inc(NGX_MAINT_M_NOT_PRIMARY);
        ngx_maint_redis_fail("the node is a replica (READONLY)");
    }
}


/*
 * An error reply to a command whose caller carries on (a registry write, a
 * clock sample, a session's read): Redis's text names what was refused --
 * "NOPERM ... 'del' command" or "... one of the keys" under a too-narrow
 * ACL user, READONLY, OOM -- so it is logged with the command, at most
 * once a minute per call site (*last) and worker, never once a request.
 */

void
ngx_maint_redis_log_refused(time_t *last, const char *what, redisReply *rr)
{
    if (rr == NULL || rr->type != REDIS_REPLY_ERROR
        || (*last && ngx_time() - *last < 60))
    {
        return;
    }

    *last = ngx_time();

    ngx_log_error(NGX_LOG_ERR, ngx_cycle->log, 0,
                  "maint: redis %V: %s failed: %*s (logged at most once a "
                  "minute)", &ngx_maint_redis.name, what,
                  (size_t) ngx_min(rr->len, 200), rr->str);
}


static void
ngx_maint_redis_handshake_reply(redisAsyncContext *ac, void *reply,
    void *data)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;
    redisReply         *rr = reply;

    if (ac != rd->ac || rd->closing) {
        return;
    }

    if (rr == NULL) {
        /* the connection is being torn down; on_connect/disconnect tell */
        return;
    }

    if (rr->type == REDIS_REPLY_ERROR) {
        /* Redis's error text names the problem; it never holds the secret */
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V: %s failed: %*s",
                      &rd->name, (char *) data,
                      (size_t) ngx_min(rr->len, 200), rr->str);
        ngx_maint_redis_fail("handshake failed");
        return;
    }

    if (data == ngx_maint_redis_role && !maint_reply_is_master(rr)) {
        ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                      "maint: redis %V is not the primary (stale sentinel "
                      "answer or a failover under way)", &rd->name);
        ngx_maint_metric_inc(NGX_MAINT_M_NOT_PRIMARY);
        ngx_maint_redis_fail("not the primary");
        return;
    }

    if (--rd->handshake_left > 0) {
        return;
    }

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    if (rd->failures) {
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "maint: redis %V: connected again after %ui failures",
                      &rd->name, rd->failures);
    }

    rd->failures = 0;
    rd->ready = 1;

    ngx_maint_sentinel_watch(ac);

    ngx_maint_redis_tell(ngx_maint_redis_users.ready,
                         ngx_maint_redis_users.nready);
}


static void
ngx_maint_redis_on_connect(const redisAsyncContext *ac, int status)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    char  why[NGX_MAX_ERROR_STR / 4];

    if (status == REDIS_OK) {
        return;
    }

    /* hiredis frees the context after this callback returns */

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "maint: redis %V: connect failed: %s",
                  &rd->name, ngx_maint_redis_why(ac, why, sizeof(why)));

    ngx_maint_metric_inc(NGX_MAINT_M_CONNECT_FAILURES);
    ngx_maint_redis_lost(NULL);
}


static void
ngx_maint_redis_on_disconnect(const redisAsyncContext *ac, int status)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    char  why[NGX_MAX_ERROR_STR / 4];

    if (rd->closing) {
        /* we freed it ourselves and already dealt with the consequences */
        return;
    }

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "maint: redis %V: connection lost: %s",
                  &rd->name, ngx_maint_redis_why(ac, why, sizeof(why)));

    ngx_maint_metric_inc(NGX_MAINT_M_ERRORS);
    ngx_maint_redis_lost(NULL);
}


/*
 * Drops the connection on our initiative (a reply or handshake deadline,
 * a protocol surprise).  Safe inside a hiredis callback: hiredis defers the
 * free until the callback returns.
 */

void
ngx_maint_redis_fail(const char *reason)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    redisAsyncContext  *ac;

    ac = rd->ac;
    if (ac == NULL || rd->closing) {
        return;
    }

    ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                  "maint: redis %V: %s, reconnecting",
                  &rd->name, reason);

    rd->closing = 1;
    ngx_maint_redis_lost(reason);

    redisAsyncFree(ac);
}


/*
 * Every failure ends here, whether the connect failed at once or later:
 * the users hear it (the reader decides by policy until a read succeeds),
 * and a retry is due -- at once to the next sentinel, if there is one to
 * try in this round.
 */

static void
ngx_maint_redis_lost(const char *reason)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    rd->ready = 0;

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    if (ngx_maint_sentinel_lost(rd->exiting) == NGX_AGAIN) {
        ngx_post_event(&rd->connect_ev, &ngx_posted_events);
        return;
    }

    ngx_maint_redis_tell(ngx_maint_redis_users.down,
                         ngx_maint_redis_users.ndown);
    ngx_maint_redis_schedule_retry();
}


static void
ngx_maint_redis_schedule_retry(void)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    ngx_msec_t  delay;

    if (rd->exiting || rd->retry_timer.timer_set) {
        return;
    }

    /* exponential backoff, capped, with jitter in [delay/2, delay] */

    delay = rd->mcf->backoff_min << ngx_min(rd->failures, 16);
    if (delay > rd->mcf->backoff_max || delay < rd->mcf->backoff_min) {
        delay = rd->mcf->backoff_max;
    }

    delay = delay / 2 + (ngx_msec_t) ngx_random() % (delay / 2 + 1);

    rd->failures++;

    ngx_add_timer(&rd->retry_timer, delay);
}


static void
ngx_maint_redis_retry_handler(ngx_event_t *ev)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    if (rd->ac != NULL) {
        return;
    }

    ngx_maint_metric_inc(NGX_MAINT_M_RECONNECTS);
    ngx_maint_redis_connect();
}


static void
ngx_maint_redis_connect_timeout(ngx_event_t *ev)
{
#if (NGX_MAINT_HAVE_HIREDIS_SSL)
    ngx_maint_redis_t  *rd = &ngx_maint_redis;
#endif

    ngx_maint_metric_inc(NGX_MAINT_M_CONNECT_FAILURES);

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
    /* a peer that is not speaking TLS often just waits: say so */
    if (rd->ssl && rd->ssl_ac == rd->ac && rd->ac
        && !maint_tls_handshake_done(rd->ssl))
    {
        ngx_maint_redis_fail("connect timed out in the TLS handshake");
        return;
    }
#endif

    ngx_maint_redis_fail("connect timed out");
}


/* the event adapter could not register an event for the connection */

static void
ngx_maint_redis_event_error(redisAsyncContext *ac, const char *reason)
{
    ngx_maint_redis_fail(reason);
}


/* hiredis is done with a context's socket: forget it if it is ours */

static void
ngx_maint_redis_closed(redisAsyncContext *ac)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    if (rd->ac != ac) {
        return;                 /* a context we already replaced */
    }

    rd->ac = NULL;
    rd->ready = 0;
}
