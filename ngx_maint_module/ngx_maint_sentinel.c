/*
 * ngx_maint_sentinel.c: Sentinel mode (maint_redis sentinel:NAME,
 * docs/reliability.md) for the worker's one connection
 * (ngx_maint_redis.c), and where that connection goes next.
 *
 * - The connection first goes to a sentinel for SENTINEL
 *   get-master-addr-by-name, then to the address it names, where ROLE
 *   must say "master" before any read (the handshake asks it).
 * - ROLE is asked again every role_check, so that a demoted primary is
 *   left even if nobody writes.
 * - A failed sentinel hands over to the next one at once, once a round;
 *   a lost primary sends the worker back to the sentinels.  A stale
 *   sentinel or a demoted primary is never read from.
 * - Workers start at different sentinels, spreading the lookups.
 *
 * The connection's owner is told through the callbacks it gave at init:
 * drop the connection (fail), or done with this sentinel (found).
 */

#include "ngx_maint_sentinel.h"
#include "ngx_maint_metrics.h"
#include "maint_reply.h"


typedef struct {
    ngx_maint_main_conf_t             *mcf;
    ngx_log_t                         *log;
    ngx_str_t                         *name;    /* the owner's, for logs */
    const ngx_maint_sentinel_owner_t  *owner;

    redisAsyncContext                 *ac;      /* asked, or ROLE checked */
    ngx_event_t                        role_timer;

    ngx_uint_t                         sentinel;    /* the one to ask next */
    ngx_uint_t                         sentinels_tried; /* in this round */
    ngx_int_t                          primary_port;
    u_char                             primary_host[NGX_SOCKADDR_STRLEN + 1];
    u_char                             name_buf[NGX_SOCKADDR_STRLEN + 160];

    unsigned                           asking:1;    /* to a sentinel */
    unsigned                           have_primary:1;  /* host current */
    unsigned                           role_pending:1;
} ngx_maint_sentinel_t;


static void ngx_maint_sentinel_reply(redisAsyncContext *ac, void *reply,
    void *data);
static void ngx_maint_role_handler(ngx_event_t *ev);
static void ngx_maint_role_reply(redisAsyncContext *ac, void *reply,
    void *data);


static ngx_maint_sentinel_t  ngx_maint_sentinel;


void
ngx_maint_sentinel_init(ngx_maint_main_conf_t *mcf, ngx_log_t *log,
    ngx_str_t *name, const ngx_maint_sentinel_owner_t *owner)
{
    ngx_maint_sentinel_t  *s = &ngx_maint_sentinel;

    ngx_memzero(s, sizeof(ngx_maint_sentinel_t));

    s->mcf = mcf;
    s->log = log;
    s->name = name;
    s->owner = owner;

    s->role_timer.handler = ngx_maint_role_handler;
    s->role_timer.log = log;
    s->role_timer.data = &ngx_maint_event_owner;
    s->role_timer.cancelable = 1;

    if (mcf->master_name.len) {
        /* workers start at different sentinels, spreading the lookups */
        s->sentinel = (ngx_uint_t) ngx_random() % mcf->sentinels->nelts;
    }
}


void
ngx_maint_sentinel_exit(void)
{
    ngx_maint_sentinel_t  *s = &ngx_maint_sentinel;

    if (s->role_timer.timer_set) {
        ngx_del_timer(&s->role_timer);
    }

    s->ac = NULL;
}


/*
 * Where the next connection goes: the data node; in Sentinel mode, a
 * sentinel until one named the primary, then that primary.  Also the name
 * the connection has in the logs, and the name TLS checks:
 * tls_server_name, else the host as written in maint_redis (a sentinel's,
 * or the data node's), else, for a primary a sentinel named, its address.
 */

void
ngx_maint_sentinel_target(ngx_maint_redis_target_t *t)
{
    ngx_maint_sentinel_t   *s = &ngx_maint_sentinel;
    ngx_maint_main_conf_t  *mcf = s->mcf;

    ngx_maint_addr_t  *sa;

    s->role_pending = 0;
    s->asking = 0;

    t->user = &mcf->username;
    t->password = &mcf->password;
    t->asking = 0;

    if (mcf->master_name.len == 0) {
        t->host = (char *) mcf->host.data;
        t->port = (int) mcf->port;
        t->unix_socket = mcf->unix_socket;
        t->tls_name = (char *) mcf->name.data;

    } else if (!s->have_primary) {
        sa = mcf->sentinels->elts;
        sa = &sa[s->sentinel % mcf->sentinels->nelts];

        t->host = (char *) sa->host.data;
        t->port = (int) sa->port;
        t->unix_socket = sa->unix_socket;
        t->user = &mcf->sentinel_username;
        t->password = &mcf->sentinel_password;
        t->tls_name = (char *) sa->name.data;
        t->asking = 1;
        s->asking = 1;

        s->name->data = s->name_buf;
        s->name->len = ngx_snprintf(s->name_buf, sizeof(s->name_buf),
                                    "sentinel %V", &sa->text)
                       - s->name_buf;

        ngx_maint_metric_inc(NGX_MAINT_M_SENTINEL_LOOKUPS);

    } else {
        t->host = (char *) s->primary_host;
        t->port = (int) s->primary_port;
        t->unix_socket = 0;
        t->tls_name = (char *) s->primary_host;

        s->name->data = s->name_buf;
        s->name->len = ngx_snprintf(s->name_buf, sizeof(s->name_buf),
                                    "%V primary %s:%i", &mcf->master_name,
                                    s->primary_host, s->primary_port)
                       - s->name_buf;
    }

    if (mcf->tls_server_name.len) {
        t->tls_name = (char *) mcf->tls_server_name.data;
    }
}


/* queued on a sentinel's connection, after its AUTH */

void
ngx_maint_sentinel_ask(redisAsyncContext *ac)
{
    ngx_maint_sentinel_t  *s = &ngx_maint_sentinel;

    size_t       argvlen[3];
    const char  *argv[3];

    argv[0] = "SENTINEL";
    argvlen[0] = 8;
    argv[1] = "get-master-addr-by-name";
    argvlen[1] = 23;
    argv[2] = (char *) s->mcf->master_name.data;
    argvlen[2] = s->mcf->master_name.len;

    s->ac = ac;

    redisAsyncCommandArgv(ac, ngx_maint_sentinel_reply, NULL, 3, argv,
                          argvlen);
}


/* SENTINEL get-master-addr-by-name: [ip, port], or nil when unknown */

static void
ngx_maint_sentinel_reply(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_sentinel_t  *s = &ngx_maint_sentinel;
    redisReply            *rr = reply;

    int          port, rc;
    size_t       len;
    ngx_flag_t   numeric;
    maint_str_t  host;
    redisReply  *p;
#if (NGX_HAVE_INET6)
    u_char       a6[16];
#endif

    if (ac != s->ac || rr == NULL) {
        return;
    }

    if (rr->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_ERR, s->log, 0,
                      "maint: redis %V: SENTINEL get-master-addr-by-name "
                      "failed: %*s", s->name,
                      (size_t) ngx_min(rr->len, 200), rr->str);
        s->owner->fail("lookup failed");
        return;
    }

    rc = maint_reply_master_addr(rr, &host, &port);

    if (rc == MAINT_REPLY_UNKNOWN) {
        ngx_log_error(NGX_LOG_ERR, s->log, 0,
                      "maint: redis %V does not know the master \"%V\"",
                      s->name, &s->mcf->master_name);
        s->owner->fail("no primary known");
        return;
    }

    p = rr->element[1];
    len = host.len;

    /* a numeric address only: workers never resolve names */

    numeric = ngx_inet_addr((u_char *) host.data, len) != INADDR_NONE;

#if (NGX_HAVE_INET6)
    if (!numeric) {
        numeric = ngx_inet6_addr((u_char *) host.data, len, a6) == NGX_OK;
    }
#endif

    if (rc != MAINT_REPLY_OK || len > NGX_SOCKADDR_STRLEN || !numeric) {
        ngx_log_error(NGX_LOG_ERR, s->log, 0,
                      "maint: redis %V names the primary \"%*s:%*s\", "
                      "not a numeric address and port", s->name,
                      (size_t) ngx_min(len, 100), host.data,
                      (size_t) ngx_min(p->len, 10), p->str);
        s->owner->fail("unusable answer");
        return;
    }

    if (s->primary_host[0]
        && (s->primary_port != port
            || ngx_strlen(s->primary_host) != len
            || ngx_strncmp(s->primary_host, host.data, len) != 0))
    {
        ngx_log_error(NGX_LOG_NOTICE, s->log, 0,
                      "maint: redis %V: the primary of \"%V\" moved from "
                      "%s:%i to %*s:%i", s->name, &s->mcf->master_name,
                      s->primary_host, s->primary_port, len, host.data,
                      (ngx_int_t) port);
        ngx_maint_metric_inc(NGX_MAINT_M_FAILOVERS);
    }

    ngx_memcpy(s->primary_host, host.data, len);
    s->primary_host[len] = '\0';
    s->primary_port = port;
    s->have_primary = 1;
    s->sentinels_tried = 0;

    /* done with the sentinel: the owner frees it and goes to the primary */

    s->ac = NULL;
    s->owner->found(ac);
}


/* the connection is ready: in Sentinel mode, ROLE every role_check */

void
ngx_maint_sentinel_watch(redisAsyncContext *ac)
{
    ngx_maint_sentinel_t  *s = &ngx_maint_sentinel;

    s->ac = ac;

    if (s->mcf->master_name.len && !s->role_timer.timer_set) {
        ngx_add_timer(&s->role_timer, s->mcf->role_check);
    }
}


/* every role_check: a demoted primary is left even if nobody writes */

static void
ngx_maint_role_handler(ngx_event_t *ev)
{
    ngx_maint_sentinel_t  *s = &ngx_maint_sentinel;

    if (s->ac == NULL) {
        return;
    }

    if (!s->role_pending
        && redisAsyncCommand(s->ac, ngx_maint_role_reply, NULL, "ROLE")
           == REDIS_OK)
    {
        s->role_pending = 1;
    }

    ngx_add_timer(&s->role_timer, s->mcf->role_check);
}


static void
ngx_maint_role_reply(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_sentinel_t  *s = &ngx_maint_sentinel;
    redisReply            *rr = reply;

    if (ac != s->ac || rr == NULL) {
        return;
    }

    s->role_pending = 0;

    if (!maint_reply_is_master(rr)) {
        ngx_maint_metric_inc(NGX_MAINT_M_NOT_PRIMARY);
        s->owner->fail("no longer the primary");
    }
}


/*
 * The connection failed, at once or later.  In Sentinel mode a failed
 * sentinel hands over to the next one: NGX_AGAIN, connect again at once,
 * once a round; after a round, or when the primary failed (ask where it is
 * now before reconnecting), NGX_OK: the owner backs off.
 */

ngx_int_t
ngx_maint_sentinel_lost(ngx_flag_t exiting)
{
    ngx_maint_sentinel_t  *s = &ngx_maint_sentinel;

    ngx_uint_t  n;

    if (s->role_timer.timer_set) {
        ngx_del_timer(&s->role_timer);
    }

    s->ac = NULL;

    if (s->mcf->master_name.len == 0) {
        return NGX_OK;
    }

    n = s->mcf->sentinels->nelts;

    if (!s->asking) {
        s->have_primary = 0;
        return NGX_OK;
    }

    ngx_maint_metric_inc(NGX_MAINT_M_SENTINEL_FAILURES);

    s->sentinel = (s->sentinel + 1) % n;

    if (++s->sentinels_tried < n && !exiting) {
        return NGX_AGAIN;
    }

    s->sentinels_tried = 0;

    return NGX_OK;
}
