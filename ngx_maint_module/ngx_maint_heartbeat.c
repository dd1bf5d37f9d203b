/*
 * ngx_maint_heartbeat.c: every worker tells Redis it is alive, so the admin
 * side can list live gateways and check that a window's apps are served.
 * The only writes the module makes (docs/redis-schema.md):
 *
 *   HSET    <prefix>gateway:<host>:<pid>  host pid master module apps
 *                                         state_version seen_at interval
 *   PEXPIRE <prefix>gateway:<host>:<pid>  3 x interval
 *   ZADD    <prefix>gateways <seen_at> <host>:<pid>
 *
 * Sent on a timer and right after each (re)connect (a handler registered
 * with ngx_maint_redis_on_ready()), never waited for.  The
 * same timer has an idle worker refresh its state in the background, so
 * the version it reports is current.
 */

#include "ngx_maint_heartbeat.h"
#include "ngx_maint_redis.h"
#include "ngx_maint_reader.h"
#include "ngx_maint_current.h"
#include "ngx_maint_clock.h"
#include "ngx_maint_metrics.h"


typedef struct {
    ngx_maint_main_conf_t  *mcf;
    ngx_event_t             timer;
    ngx_str_t               key;            /* <prefix>gateway:<host>:<pid> */
    ngx_str_t               member;         /* <host>:<pid> */
    ngx_str_t               apps;           /* comma-separated */
    u_char                  pid[NGX_INT64_LEN];
    size_t                  pid_len;
    u_char                  master[NGX_INT64_LEN];
    size_t                  master_len;
} ngx_maint_heartbeat_t;


static void ngx_maint_heartbeat_now(void *data);
static void ngx_maint_heartbeat_handler(ngx_event_t *ev);
static void ngx_maint_heartbeat_reply(redisAsyncContext *ac, void *reply,
    void *data);


static ngx_maint_heartbeat_t  ngx_maint_hb;


void
ngx_maint_heartbeat_init_worker(ngx_cycle_t *cycle,
    ngx_maint_main_conf_t *mcf)
{
    u_char                 *p;
    size_t                  len;
    ngx_str_t              *app;
    ngx_uint_t              i;
    ngx_maint_heartbeat_t  *hb = &ngx_maint_hb;

    ngx_memzero(hb, sizeof(ngx_maint_heartbeat_t));

    if (mcf->heartbeat == 0) {
        return;
    }

    hb->pid_len = ngx_sprintf(hb->pid, "%P", ngx_pid) - hb->pid;
    hb->master_len = ngx_sprintf(hb->master, "%P", getppid()) - hb->master;

    len = cycle->hostname.len + 1 + hb->pid_len;

    hb->member.data = ngx_pnalloc(cycle->pool, len);
    hb->key.data = ngx_pnalloc(cycle->pool, mcf->key_gateway.len + len);
    if (hb->member.data == NULL || hb->key.data == NULL) {
        return;
    }

    hb->member.len = ngx_sprintf(hb->member.data, "%V:%*s", &cycle->hostname,
                                 hb->pid_len, hb->pid)
                     - hb->member.data;
    hb->key.len = ngx_sprintf(hb->key.data, "%V%V", &mcf->key_gateway,
                              &hb->member)
                  - hb->key.data;

    app = mcf->apps.elts;
    len = 0;

    for (i = 0; i < mcf->apps.nelts; i++) {
        len += app[i].len + 1;
    }

    hb->apps.data = ngx_pnalloc(cycle->pool, len + 1);
    if (hb->apps.data == NULL) {
        return;
    }

    p = hb->apps.data;

    for (i = 0; i < mcf->apps.nelts; i++) {
        if (i) {
            *p++ = ',';
        }

        p = ngx_cpymem(p, app[i].data, app[i].len);
    }

    hb->apps.len = p - hb->apps.data;

    hb->mcf = mcf;

    hb->timer.handler = ngx_maint_heartbeat_handler;
    hb->timer.log = cycle->log;
    hb->timer.data = &ngx_maint_event_owner;
    hb->timer.cancelable = 1;

    ngx_add_timer(&hb->timer, mcf->heartbeat);

    if (ngx_maint_redis_on_ready(ngx_maint_heartbeat_now, NULL) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                      "maint: cannot hear of the redis connection");
    }
}


static void
ngx_maint_heartbeat_now(void *data)
{
    u_char                  version[NGX_INT64_LEN], seen[NGX_INT64_LEN],
                            ttl[NGX_INT64_LEN], interval[NGX_INT64_LEN];
    size_t                  argvlen[19];
    int64_t                 now;
    const char             *argv[19];
    ngx_maint_heartbeat_t  *hb = &ngx_maint_hb;

    if (hb->mcf == NULL || !ngx_maint_redis_ready()) {
        return;
    }

    now = ngx_maint_now_ms();

#define ARG(i, s, n)  argv[i] = (const char *) (s); argvlen[i] = (n)

    ARG(0, "HSET", 4);
    ARG(1, hb->key.data, hb->key.len);
    ARG(2, "host", 4);
    ARG(3, ngx_cycle->hostname.data, ngx_cycle->hostname.len);
    ARG(4, "pid", 3);
    ARG(5, hb->pid, hb->pid_len);
    ARG(6, "master", 6);
    ARG(7, hb->master, hb->master_len);
    ARG(8, "module", 6);
    ARG(9, NGX_MAINT_VERSION, sizeof(NGX_MAINT_VERSION) - 1);
    ARG(10, "apps", 4);
    ARG(11, hb->apps.data, hb->apps.len);
    ARG(12, "state_version", 13);
    ARG(13, version,
        ngx_sprintf(version, "%L", ngx_maint_state_version()) - version);
    ARG(14, "seen_at", 7);
    ARG(15, seen, ngx_sprintf(seen, "%L", now) - seen);
    ARG(16, "interval", 8);
    ARG(17, interval,
        ngx_sprintf(interval, "%M", hb->mcf->heartbeat) - interval);

    if (ngx_maint_redis_command(ngx_maint_heartbeat_reply, "HSET", 18, argv,
                                argvlen)
        != NGX_OK)
    {
        return;
    }

    ARG(0, "PEXPIRE", 7);
    ARG(2, ttl, ngx_sprintf(ttl, "%M", 3 * hb->mcf->heartbeat) - ttl);

    (void) ngx_maint_redis_command(ngx_maint_heartbeat_reply, "PEXPIRE", 3,
                                   argv, argvlen);

    ARG(0, "ZADD", 4);
    ARG(1, hb->mcf->key_gateways.data, hb->mcf->key_gateways.len);
    ARG(2, seen, argvlen[15]);
    ARG(3, hb->member.data, hb->member.len);

#undef ARG

    (void) ngx_maint_redis_command(ngx_maint_heartbeat_reply, "ZADD", 4,
                                   argv, argvlen);

    ngx_maint_metric_inc(NGX_MAINT_M_HEARTBEATS);
}


static void
ngx_maint_heartbeat_handler(ngx_event_t *ev)
{
    ngx_maint_heartbeat_t  *hb = &ngx_maint_hb;

    ngx_maint_heartbeat_now(NULL);
    ngx_maint_state_refresh(hb->mcf->heartbeat);

    if (!ngx_exiting) {
        ngx_add_timer(&hb->timer, hb->mcf->heartbeat);
    }
}


static void
ngx_maint_heartbeat_reply(redisAsyncContext *ac, void *reply, void *data)
{
    redisReply  *rr = reply;

    if (rr && rr->type == REDIS_REPLY_ERROR) {
        ngx_log_error(NGX_LOG_WARN, ngx_cycle->log, 0,
                      "maint: heartbeat %s failed: %*s", (char *) data,
                      (size_t) ngx_min(rr->len, 200), rr->str);

        /* READONLY: the primary was demoted; follow the failover */
        ngx_maint_redis_error_reply(ac, rr);
    }
}
