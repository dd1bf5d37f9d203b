/*
 * ngx_maint_redis.c: one Redis connection per worker, driven by hiredis's
 * async API through an adapter on an ngx_connection_t.
 *
 * - Opened in the worker after fork, never in the master.  The address was
 *   resolved at configuration time, so hiredis only ever sees a numeric
 *   address or a socket path and connects without a name lookup.
 * - hiredis 0.14 has no timeouts of its own: the connect and handshake
 *   deadline is an NGINX timer here; reply deadlines belong to the reader
 *   (ngx_maint_state.c), which calls ngx_maint_redis_fail() on expiry.
 * - Writes are posted to the end of the event loop iteration, so every
 *   command issued while handling one batch of events leaves in one write.
 * - Reads drain the socket completely, as edge-triggered epoll requires.
 * - After a failure the connection is dropped and retried with exponential
 *   backoff and jitter; requests never open connections.
 * - Sentinel mode (maint_redis sentinel:NAME): the same connection first
 *   goes to a sentinel for SENTINEL get-master-addr-by-name, then to the
 *   address it names, where ROLE must say "master" before any read; ROLE
 *   is asked again every role_check, and a READONLY reply or a lost
 *   connection sends the worker back to the sentinels, tried in turn.
 *   A stale sentinel or a demoted primary is never read from.
 * - TLS (maint_redis ... tls): right after the connect, before any command,
 *   the connection gets an SSL object made from the context read at
 *   configuration time, naming the server to check; hiredis's SSL layer
 *   then runs the handshake through the same event hooks, non-blocking,
 *   under connect_timeout like the rest of the handshake.  A certificate
 *   that fails the check is a failed connection like any other.
 */

#include "ngx_maint_module.h"       /* ngx_config.h first, as NGINX needs */

#include <sys/ioctl.h>

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
#include <hiredis/hiredis_ssl.h>
#endif


typedef struct {
    redisAsyncContext      *ac;
    ngx_connection_t       *c;
    ngx_maint_main_conf_t  *mcf;
    ngx_log_t              *log;

    ngx_event_t             connect_timer;
    ngx_event_t             retry_timer;
    ngx_event_t             role_timer;
    ngx_event_t             connect_ev;     /* posted: connect outside of */
                                            /* hiredis's callbacks */
    ngx_uint_t              failures;
    ngx_uint_t              handshake_left;

    /* Sentinel mode */
    ngx_uint_t              sentinel;       /* the one to ask next */
    ngx_uint_t              sentinels_tried;/* in this round */
    ngx_int_t               primary_port;
    u_char                  primary_host[NGX_SOCKADDR_STRLEN + 1];

    struct ssl_st          *ssl;            /* TLS: of the context ssl_ac, */
    redisAsyncContext      *ssl_ac;         /* valid until hiredis frees it */
    const char             *tls_name;       /* the name it checks */

    ngx_str_t               name;           /* of the peer, for logs */
    u_char                  name_buf[NGX_SOCKADDR_STRLEN + 160];

    unsigned                ready:1;
    unsigned                want_write:1;
    unsigned                closing:1;      /* we are freeing ac ourselves */
    unsigned                exiting:1;
    unsigned                asking:1;       /* connected to a sentinel */
    unsigned                have_primary:1; /* primary_host is current */
    unsigned                role_pending:1;
} ngx_maint_redis_t;


static void ngx_maint_redis_connect(void);
static void ngx_maint_redis_schedule_retry(void);
static void ngx_maint_redis_retry_handler(ngx_event_t *ev);
static void ngx_maint_redis_connect_timeout(ngx_event_t *ev);
static void ngx_maint_redis_read_handler(ngx_event_t *ev);
static void ngx_maint_redis_write_handler(ngx_event_t *ev);
static void ngx_maint_redis_add_read(void *data);
static void ngx_maint_redis_del_read(void *data);
static void ngx_maint_redis_add_write(void *data);
static void ngx_maint_redis_del_write(void *data);
static void ngx_maint_redis_cleanup(void *data);
static void ngx_maint_redis_on_connect(const redisAsyncContext *ac,
    int status);
static void ngx_maint_redis_on_disconnect(const redisAsyncContext *ac,
    int status);
static void ngx_maint_redis_handshake_reply(redisAsyncContext *ac,
    void *reply, void *data);
static void ngx_maint_redis_lost(const char *reason);
static void ngx_maint_redis_connect_handler(ngx_event_t *ev);
static void ngx_maint_redis_sentinel_reply(redisAsyncContext *ac,
    void *reply, void *data);
static void ngx_maint_redis_role_handler(ngx_event_t *ev);
static void ngx_maint_redis_role_reply(redisAsyncContext *ac, void *reply,
    void *data);
static ngx_flag_t ngx_maint_redis_is_master(redisReply *rr);
static const char *ngx_maint_redis_why(const redisAsyncContext *ac,
    char *buf, size_t len);
#if (NGX_MAINT_HAVE_HIREDIS_SSL)
static ngx_int_t ngx_maint_redis_tls(redisAsyncContext *ac,
    ngx_maint_addr_t *sa);
#endif


static char  ngx_maint_redis_role[] = "ROLE";


static ngx_maint_redis_t  ngx_maint_redis;


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

    rd->role_timer.handler = ngx_maint_redis_role_handler;
    rd->role_timer.log = cycle->log;
    rd->role_timer.data = &ngx_maint_event_owner;
    rd->role_timer.cancelable = 1;

    rd->connect_ev.handler = ngx_maint_redis_connect_handler;
    rd->connect_ev.log = cycle->log;
    rd->connect_ev.data = &ngx_maint_event_owner;

    rd->name = mcf->addr_text;

    if (mcf->master_name.len) {
        /* workers start at different sentinels, spreading the lookups */
        rd->sentinel = (ngx_uint_t) ngx_random() % mcf->sentinels->nelts;
    }

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

    if (rd->role_timer.timer_set) {
        ngx_del_timer(&rd->role_timer);
    }

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
}


ngx_flag_t
ngx_maint_redis_ready(void)
{
    return ngx_maint_redis.ready;
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
    ngx_maint_redis_t      *rd = &ngx_maint_redis;
    ngx_maint_main_conf_t  *mcf = rd->mcf;

    int                 argc, port;
    char               *host;
    size_t              argvlen[4];
    const char         *argv[4];
    ngx_flag_t          unix_socket;
    ngx_str_t          *user, *password;
    ngx_connection_t   *c;
    ngx_maint_addr_t   *sa;
    redisAsyncContext  *ac;

    if (rd->exiting || ngx_exiting || ngx_terminate || ngx_quit) {
        return;
    }

    rd->role_pending = 0;
    rd->asking = 0;
    rd->ssl = NULL;
    rd->ssl_ac = NULL;
    sa = NULL;
    user = &mcf->username;
    password = &mcf->password;

    if (mcf->master_name.len == 0) {
        host = (char *) mcf->host.data;
        port = (int) mcf->port;
        unix_socket = mcf->unix_socket;

    } else if (!rd->have_primary) {
        sa = mcf->sentinels->elts;
        sa = &sa[rd->sentinel % mcf->sentinels->nelts];

        host = (char *) sa->host.data;
        port = (int) sa->port;
        unix_socket = sa->unix_socket;
        user = &mcf->sentinel_username;
        password = &mcf->sentinel_password;
        rd->asking = 1;

        rd->name.data = rd->name_buf;
        rd->name.len = ngx_snprintf(rd->name_buf, sizeof(rd->name_buf),
                                    "sentinel %V", &sa->text)
                       - rd->name_buf;

        ngx_maint_metric_inc(NGX_MAINT_M_SENTINEL_LOOKUPS);

    } else {
        host = (char *) rd->primary_host;
        port = (int) rd->primary_port;
        unix_socket = 0;

        rd->name.data = rd->name_buf;
        rd->name.len = ngx_snprintf(rd->name_buf, sizeof(rd->name_buf),
                                    "%V primary %s:%i", &mcf->master_name,
                                    rd->primary_host, rd->primary_port)
                       - rd->name_buf;
    }

    if (unix_socket) {
        ac = redisAsyncConnectUnix(host);

    } else {
        ac = redisAsyncConnect(host, port);
    }

    if (ac == NULL) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V: cannot allocate a connection",
                      &rd->name);
        ngx_maint_redis_lost(NULL);
        return;
    }

    if (ac->err) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V: connect failed: %s",
                      &rd->name, ac->errstr);
        redisAsyncFree(ac);
        ngx_maint_metric_inc(NGX_MAINT_M_CONNECT_FAILURES);
        ngx_maint_redis_lost(NULL);
        return;
    }

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
    if (mcf->tls && ngx_maint_redis_tls(ac, sa) != NGX_OK) {
        redisAsyncFree(ac);
        ngx_maint_metric_inc(NGX_MAINT_M_CONNECT_FAILURES);
        ngx_maint_redis_lost(NULL);
        return;
    }
#endif

    c = ngx_get_connection(ac->c.fd, rd->log);
    if (c == NULL) {
        redisAsyncFree(ac);
        ngx_maint_redis_lost(NULL);
        return;
    }

    c->data = rd;
    c->log = rd->log;
    c->read->log = rd->log;
    c->write->log = rd->log;
    c->read->handler = ngx_maint_redis_read_handler;
    c->write->handler = ngx_maint_redis_write_handler;

    /* with epoll this registers both directions, edge-triggered, once */

    if (ngx_add_conn && ngx_add_conn(c) != NGX_OK) {
        c->fd = (ngx_socket_t) -1;
        ngx_free_connection(c);
        redisAsyncFree(ac);
        ngx_maint_redis_lost(NULL);
        return;
    }

    rd->ac = ac;
    rd->c = c;
    rd->ready = 0;
    rd->want_write = 0;
    rd->closing = 0;

    ac->data = rd;
    ac->ev.data = c;
    ac->ev.addRead = ngx_maint_redis_add_read;
    ac->ev.delRead = ngx_maint_redis_del_read;
    ac->ev.addWrite = ngx_maint_redis_add_write;
    ac->ev.delWrite = ngx_maint_redis_del_write;
    ac->ev.cleanup = ngx_maint_redis_cleanup;

    /* hooks first: setting the connect callback asks for a write event */

    redisAsyncSetConnectCallback(ac, ngx_maint_redis_on_connect);
    redisAsyncSetDisconnectCallback(ac, ngx_maint_redis_on_disconnect);

    /*
     * The handshake is queued now and leaves as soon as the connection is
     * up: AUTH, SELECT, and a PING, so that a server that accepts
     * connections but does not answer (stopped, overloaded) fails here.
     */

    rd->handshake_left = 0;

    if (password->len) {
        argc = 0;
        argv[argc] = "AUTH";
        argvlen[argc++] = 4;

        if (user->len) {
            argv[argc] = (char *) user->data;
            argvlen[argc++] = user->len;
        }

        argv[argc] = (char *) password->data;
        argvlen[argc++] = password->len;

        redisAsyncCommandArgv(ac, ngx_maint_redis_handshake_reply, "AUTH",
                              argc, argv, argvlen);
        rd->handshake_left++;
    }

    if (rd->asking) {
        /* the whole lookup, connect to answer, is under connect_timeout */

        argv[0] = "SENTINEL";
        argvlen[0] = 8;
        argv[1] = "get-master-addr-by-name";
        argvlen[1] = 23;
        argv[2] = (char *) mcf->master_name.data;
        argvlen[2] = mcf->master_name.len;

        redisAsyncCommandArgv(ac, ngx_maint_redis_sentinel_reply, NULL, 3,
                              argv, argvlen);

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
 * name checked: tls_server_name, else the host as written in maint_redis
 * (a sentinel's, or the data node's), else, for a primary a sentinel
 * named, its address.
 */

static ngx_int_t
ngx_maint_redis_tls(redisAsyncContext *ac, ngx_maint_addr_t *sa)
{
    ngx_maint_redis_t      *rd = &ngx_maint_redis;
    ngx_maint_main_conf_t  *mcf = rd->mcf;

    char           reason[128];
    const char    *name;
    struct ssl_st  *ssl;

    if (mcf->tls_server_name.len) {
        name = (char *) mcf->tls_server_name.data;

    } else if (sa) {
        name = (char *) sa->name.data;

    } else if (mcf->master_name.len) {
        name = (char *) rd->primary_host;

    } else {
        name = (char *) mcf->name.data;
    }

    ssl = maint_tls_new(mcf->tls_ctx, name, reason, sizeof(reason));
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


/* SENTINEL get-master-addr-by-name: [ip, port], or nil when unknown */

static void
ngx_maint_redis_sentinel_reply(redisAsyncContext *ac, void *reply,
    void *data)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;
    redisReply         *rr = reply;

    size_t       len;
    ngx_int_t    port;
    ngx_flag_t   numeric;
    redisReply  *h, *p;
#if (NGX_HAVE_INET6)
    u_char       a6[16];
#endif

    if (ac != rd->ac || rd->closing || rr == NULL) {
        return;
    }

    if (rr->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V: SENTINEL get-master-addr-by-name "
                      "failed: %*s", &rd->name,
                      (size_t) ngx_min(rr->len, 200), rr->str);
        ngx_maint_redis_fail("lookup failed");
        return;
    }

    if (rr->type != REDIS_REPLY_ARRAY || rr->elements != 2
        || rr->element[0]->type != REDIS_REPLY_STRING
        || rr->element[1]->type != REDIS_REPLY_STRING)
    {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V does not know the master \"%V\"",
                      &rd->name, &rd->mcf->master_name);
        ngx_maint_redis_fail("no primary known");
        return;
    }

    h = rr->element[0];
    p = rr->element[1];
    len = h->len;

    port = ngx_atoi((u_char *) p->str, p->len);

    /* a numeric address only: workers never resolve names */

    numeric = ngx_inet_addr((u_char *) h->str, len) != INADDR_NONE;

#if (NGX_HAVE_INET6)
    if (!numeric) {
        numeric = ngx_inet6_addr((u_char *) h->str, len, a6) == NGX_OK;
    }
#endif

    if (len == 0 || len > NGX_SOCKADDR_STRLEN || port < 1 || port > 65535
        || !numeric)
    {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: redis %V names the primary \"%*s:%*s\", "
                      "not a numeric address and port", &rd->name,
                      (size_t) ngx_min(len, 100), h->str,
                      (size_t) ngx_min(p->len, 10), p->str);
        ngx_maint_redis_fail("unusable answer");
        return;
    }

    if (rd->primary_host[0]
        && (rd->primary_port != port
            || ngx_strlen(rd->primary_host) != len
            || ngx_strncmp(rd->primary_host, h->str, len) != 0))
    {
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "maint: redis %V: the primary of \"%V\" moved from "
                      "%s:%i to %*s:%i", &rd->name, &rd->mcf->master_name,
                      rd->primary_host, rd->primary_port, len, h->str, port);
        ngx_maint_metric_inc(NGX_MAINT_M_FAILOVERS);
    }

    ngx_memcpy(rd->primary_host, h->str, len);
    rd->primary_host[len] = '\0';
    rd->primary_port = port;
    rd->have_primary = 1;
    rd->sentinels_tried = 0;

    /* done with the sentinel: it is freed when this callback returns */

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


static ngx_flag_t
ngx_maint_redis_is_master(redisReply *rr)
{
    return rr->type == REDIS_REPLY_ARRAY && rr->elements > 0
           && rr->element[0]->type == REDIS_REPLY_STRING
           && rr->element[0]->len == 6
           && ngx_strncmp(rr->element[0]->str, "master", 6) == 0;
}


/* every role_check: a demoted primary is left even if nobody writes */

static void
ngx_maint_redis_role_handler(ngx_event_t *ev)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    if (!rd->ready || rd->ac == NULL || rd->exiting) {
        return;
    }

    if (!rd->role_pending
        && redisAsyncCommand(rd->ac, ngx_maint_redis_role_reply, NULL,
                             "ROLE")
           == REDIS_OK)
    {
        rd->role_pending = 1;
    }

    ngx_add_timer(&rd->role_timer, rd->mcf->role_check);
}


static void
ngx_maint_redis_role_reply(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;
    redisReply         *rr = reply;

    if (ac != rd->ac || rd->closing || rr == NULL) {
        return;
    }

    rd->role_pending = 0;

    if (!ngx_maint_redis_is_master(rr)) {
        ngx_maint_metric_inc(NGX_MAINT_M_NOT_PRIMARY);
        ngx_maint_redis_fail("no longer the primary");
    }
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

    if (data == ngx_maint_redis_role && !ngx_maint_redis_is_master(rr)) {
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

    if (rd->mcf->master_name.len && !rd->role_timer.timer_set) {
        ngx_add_timer(&rd->role_timer, rd->mcf->role_check);
    }

    ngx_maint_state_redis_ready();
    ngx_maint_session_redis_ready();
    ngx_maint_heartbeat_now();
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
 * the reader decides by policy until a read succeeds, and a retry is due.
 */

static void
ngx_maint_redis_lost(const char *reason)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    ngx_uint_t  n;

    rd->ready = 0;

    if (rd->connect_timer.timer_set) {
        ngx_del_timer(&rd->connect_timer);
    }

    if (rd->role_timer.timer_set) {
        ngx_del_timer(&rd->role_timer);
    }

    if (rd->mcf->master_name.len) {
        n = rd->mcf->sentinels->nelts;

        if (rd->asking) {
            /* this sentinel failed: the next one, at once, once a round */

            ngx_maint_metric_inc(NGX_MAINT_M_SENTINEL_FAILURES);

            rd->sentinel = (rd->sentinel + 1) % n;

            if (++rd->sentinels_tried < n && !rd->exiting) {
                ngx_post_event(&rd->connect_ev, &ngx_posted_events);
                return;
            }

            rd->sentinels_tried = 0;

        } else {
            /* the primary failed: ask where it is now before reconnecting */
            rd->have_primary = 0;
        }
    }

    ngx_maint_state_redis_down();
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


static void
ngx_maint_redis_read_handler(ngx_event_t *rev)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    int                 n;
    ngx_connection_t   *c;
    redisAsyncContext  *ac;

    c = rev->data;
    ac = rd->ac;

    if (ac == NULL || rd->c != c) {
        return;
    }

    /*
     * hiredis reads at most 16k per call; under edge-triggered epoll no
     * further event comes for data already queued, so drain it all.
     */

    for ( ;; ) {
#if (NGX_MAINT_HAVE_HIREDIS_SSL)
        if (rd->ssl) {
            /* the queue is this thread's: only our own errors in it */
            maint_tls_clear_errors();
        }
#endif

        redisAsyncHandleRead(ac);

        if (rd->ac != ac) {
            /* freed inside a callback; c is gone as well */
            return;
        }

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
        /* OpenSSL may hold decrypted bytes the socket no longer shows */
        if (rd->ssl && maint_tls_pending(rd->ssl) > 0) {
            continue;
        }
#endif

        if (ioctl(c->fd, FIONREAD, &n) == -1 || n <= 0) {
            break;
        }
    }

    rev->ready = 0;

    if (ngx_handle_read_event(rev, 0) != NGX_OK) {
        ngx_maint_redis_fail("cannot register read event");
    }
}


static void
ngx_maint_redis_write_handler(ngx_event_t *wev)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;

    ngx_connection_t   *c;
    redisAsyncContext  *ac;

    c = wev->data;
    ac = rd->ac;

    if (ac == NULL || rd->c != c) {
        return;
    }

    /*
     * hiredis makes one write() per call.  Keep calling while it makes
     * progress; when the output stops shrinking the socket buffer is full
     * and the next edge will tell us when there is room again.
     */

    for ( ;; ) {
        size_t  before = ac->c.obuf ? sdslen(ac->c.obuf) : 0;

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
        if (rd->ssl) {
            maint_tls_clear_errors();
        }
#endif

        redisAsyncHandleWrite(ac);

        if (rd->ac != ac) {
            return;
        }

        if (!rd->want_write) {
            return;
        }

        if ((ac->c.flags & REDIS_CONNECTED)
            && ac->c.obuf && sdslen(ac->c.obuf) == before)
        {
            break;
        }

        if (!(ac->c.flags & REDIS_CONNECTED)) {
            /* still connecting: wait for the connection to complete */
            break;
        }
    }

    wev->ready = 0;

    if (ngx_handle_write_event(wev, 0) != NGX_OK) {
        ngx_maint_redis_fail("cannot register write event");
    }
}


static void
ngx_maint_redis_add_read(void *data)
{
    ngx_connection_t  *c = data;

    if (ngx_handle_read_event(c->read, 0) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, c->log, 0,
                      "maint: cannot register redis read event");
    }
}


static void
ngx_maint_redis_del_read(void *data)
{
    /* reads stay armed until the connection is cleaned up */
}


static void
ngx_maint_redis_add_write(void *data)
{
    ngx_connection_t  *c = data;

    ngx_maint_redis.want_write = 1;

    if (c->write->ready) {
        /* coalesce: write once, after this iteration's events */
        ngx_post_event(c->write, &ngx_posted_events);
        return;
    }

    if (ngx_handle_write_event(c->write, 0) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, c->log, 0,
                      "maint: cannot register redis write event");
    }
}


static void
ngx_maint_redis_del_write(void *data)
{
    ngx_connection_t  *c = data;

    ngx_maint_redis.want_write = 0;

    /* level-triggered event methods must stop reporting writability */

    if (!(ngx_event_flags & NGX_USE_CLEAR_EVENT) && c->write->active) {
        ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }
}


/*
 * hiredis calls this just before it closes the socket: take the descriptor
 * out of the event loop and give the ngx_connection_t back, leaving the
 * close() to hiredis.
 */

static void
ngx_maint_redis_cleanup(void *data)
{
    ngx_maint_redis_t  *rd = &ngx_maint_redis;
    ngx_connection_t   *c = data;

    if (c->read->timer_set) {
        ngx_del_timer(c->read);
    }

    if (c->write->timer_set) {
        ngx_del_timer(c->write);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    if (ngx_del_conn) {
        ngx_del_conn(c, NGX_CLOSE_EVENT);

    } else {
        if (c->read->active || c->read->disabled) {
            ngx_del_event(c->read, NGX_READ_EVENT, NGX_CLOSE_EVENT);
        }

        if (c->write->active || c->write->disabled) {
            ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_CLOSE_EVENT);
        }
    }

    c->read->closed = 1;
    c->write->closed = 1;

    c->fd = (ngx_socket_t) -1;
    ngx_free_connection(c);

    if (rd->c != c) {
        return;                 /* a context we already replaced */
    }

    rd->c = NULL;
    rd->ac = NULL;
    rd->ready = 0;
    rd->want_write = 0;
}
