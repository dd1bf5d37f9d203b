/*
 * ngx_maint_metrics.h: what ngx_maint_metrics.c offers: the counters every
 * part adds to, the per-worker gauges, and the maint_metrics directive.
 */

#ifndef NGX_MAINT_METRICS_H
#define NGX_MAINT_METRICS_H

#include "ngx_maint_conf.h"


typedef enum {
    NGX_MAINT_M_READS = 0,          /* reads sent (batches) */
    NGX_MAINT_M_REPLIES,
    NGX_MAINT_M_ERRORS,
    NGX_MAINT_M_TIMEOUTS,
    NGX_MAINT_M_RECONNECTS,
    NGX_MAINT_M_CONNECT_FAILURES,
    NGX_MAINT_M_SNAPSHOT_FETCHES,
    NGX_MAINT_M_SNAPSHOT_LOADS,
    NGX_MAINT_M_SNAPSHOT_ERRORS,
    NGX_MAINT_M_WAITED,             /* requests that waited for a read */
    NGX_MAINT_M_LEASED,             /* decided on a read under its lease */
    NGX_MAINT_M_SHARED,             /* leases from another worker's read */
    NGX_MAINT_M_WAIT_TIMEOUTS,      /* requests whose wait timed out */
    NGX_MAINT_M_HEARTBEATS,
    NGX_MAINT_M_UPSTREAM_REPLACED,  /* upstream 502/504 answered by us */
    NGX_MAINT_M_SESSION_LOOKUPS,
    NGX_MAINT_M_SESSIONS_REGISTERED,
    NGX_MAINT_M_SIGNIN_OK,
    NGX_MAINT_M_SIGNIN_FAILED,
    NGX_MAINT_M_SIGNIN_LIMITED,
    NGX_MAINT_M_SENTINEL_LOOKUPS,   /* primary addresses asked for */
    NGX_MAINT_M_SENTINEL_FAILURES,  /* sentinels that did not answer */
    NGX_MAINT_M_FAILOVERS,          /* primary moved, and we followed */
    NGX_MAINT_M_NOT_PRIMARY,        /* node said it is a replica */
    NGX_MAINT_M_COUNT
} ngx_maint_metric_e;


ngx_int_t ngx_maint_metrics_init_conf(ngx_conf_t *cf,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_metrics_init_worker(ngx_maint_main_conf_t *mcf);
char *ngx_maint_metrics_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_maint_metric_decision(ngx_uint_t status, ngx_uint_t source);
void ngx_maint_metric_read(ngx_uint_t usec);
void ngx_maint_metric_inc(ngx_maint_metric_e m);
void ngx_maint_metric_worker_state(int64_t version, ngx_msec_t ok_wall_ms,
    ngx_flag_t connected, ngx_flag_t degraded, ngx_flag_t behind);
void ngx_maint_metric_worker_clock(int64_t rtt_us, int64_t at_us);


#endif /* NGX_MAINT_METRICS_H */
