/*
 * ngx_maint_metrics.c: counters in a shared memory zone, updated with
 * atomic adds by every worker, and the maint_metrics handler that prints
 * them in the Prometheus text format.  Per-worker gauges (state version,
 * state age, connection, clock error) live in one slot per worker number.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_response.h"
#include "maint_clockfilter.h"


#define NGX_MAINT_MAX_WORKERS  256
#define NGX_MAINT_LAT_BUCKETS  12


typedef struct {
    ngx_atomic_t            pid;
    ngx_atomic_t            version;        /* +1, so 0 means none */
    ngx_atomic_t            ok_wall_ms;
    ngx_atomic_t            connected;
    ngx_atomic_t            degraded;
    ngx_atomic_t            behind;
    ngx_atomic_t            clock_rtt_us;   /* +1, so 0 means no sample */
    ngx_atomic_t            clock_at_us;    /* CLOCK_MONOTONIC: system-wide */
} ngx_maint_worker_slot_t;


typedef struct {
    ngx_atomic_t            decisions[NGX_MAINT_ST_COUNT];
    ngx_atomic_t            sources[NGX_MAINT_SRC_COUNT];
    ngx_atomic_t            counters[NGX_MAINT_M_COUNT];
    ngx_atomic_t            lat_buckets[NGX_MAINT_LAT_BUCKETS + 1];
    ngx_atomic_t            lat_sum_us;
    ngx_maint_worker_slot_t workers[NGX_MAINT_MAX_WORKERS];
} ngx_maint_metrics_t;


typedef struct {
    const char             *name;
    const char             *help;
} ngx_maint_counter_info_t;


static ngx_int_t ngx_maint_metrics_init_zone(ngx_shm_zone_t *zone,
    void *data);
static ngx_int_t ngx_maint_metrics_handler(ngx_http_request_t *r);
static u_char *ngx_maint_metrics_counters(u_char *p, ngx_maint_metrics_t *m);
static u_char *ngx_maint_metrics_workers(u_char *p, ngx_maint_metrics_t *m,
    ngx_uint_t workers);
static u_char *ngx_maint_metrics_clock(u_char *p, ngx_maint_metrics_t *m,
    ngx_uint_t workers);


static ngx_maint_metrics_t      *ngx_maint_metrics;
static ngx_maint_worker_slot_t  *ngx_maint_slot;


/* upper bounds in microseconds */
static ngx_uint_t  ngx_maint_lat_bounds[NGX_MAINT_LAT_BUCKETS] = {
    100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000,
    1000000
};


static ngx_maint_counter_info_t  ngx_maint_counter_info[NGX_MAINT_M_COUNT] = {
    { "ngx_maint_redis_reads_total",
      "State reads sent to Redis (each serves every request waiting)." },
    { "ngx_maint_redis_replies_total", "State reads that succeeded." },
    { "ngx_maint_redis_errors_total",
      "State reads that failed, and connections lost." },
    { "ngx_maint_redis_timeouts_total", "State reads that timed out." },
    { "ngx_maint_redis_reconnects_total", "Reconnection attempts." },
    { "ngx_maint_redis_connect_failures_total",
      "Connections or handshakes that failed." },
    { "ngx_maint_snapshot_fetches_total",
      "State snapshots fetched (one per new version, at most)." },
    { "ngx_maint_snapshot_loads_total", "New state versions decoded." },
    { "ngx_maint_snapshot_errors_total",
      "State versions that could not be decoded." },
    { "ngx_maint_requests_waited_total",
      "Requests that waited for a fresh read." },
    { "ngx_maint_requests_leased_total",
      "Requests decided at once on a read under its lease (lease_ms)." },
    { "ngx_maint_reads_shared_total",
      "Leases taken over from another worker's read of the same state." },
    { "ngx_maint_wait_timeouts_total",
      "Requests whose wait for a read reached the timeout." },
    { "ngx_maint_heartbeats_total", "Heartbeats written to Redis." },
    { "ngx_maint_upstream_replaced_total",
      "Upstream failures answered with the unavailable page." },
    { "ngx_maint_session_lookups_total",
      "Session ids looked up in Redis (the rest came from the cache)." },
    { "ngx_maint_sessions_registered_total",
      "Sessions the upstream created, written to the registry." },
    { "ngx_maint_signin_ok_total", "Superadmin sign-ins that succeeded." },
    { "ngx_maint_signin_failed_total",
      "Superadmin sign-ins refused (credential, origin or form token)." },
    { "ngx_maint_signin_limited_total",
      "Sign-in attempts refused by maint_signin_limit." },
    { "ngx_maint_sentinel_lookups_total",
      "Primary addresses asked of Redis Sentinel." },
    { "ngx_maint_sentinel_failures_total",
      "Sentinels that failed, timed out or did not know the primary." },
    { "ngx_maint_sentinel_failovers_total",
      "Times the primary moved and the worker followed it." },
    { "ngx_maint_redis_not_primary_total",
      "Connections dropped because the node was not (or no longer) the "
      "primary." }
};


ngx_int_t
ngx_maint_metrics_init_conf(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf)
{
    ngx_str_t  name = ngx_string("ngx_maint_metrics");

    /* room for the counters plus the slab pool's own bookkeeping */

    mcf->metrics_zone = ngx_shared_memory_add(cf, &name,
                                              ngx_align(sizeof(
                                                  ngx_maint_metrics_t),
                                                  ngx_pagesize)
                                              + 8 * ngx_pagesize,
                                              NGX_MAINT_ZONE_TAG);
    if (mcf->metrics_zone == NULL) {
        return NGX_ERROR;
    }

    mcf->metrics_zone->init = ngx_maint_metrics_init_zone;
    mcf->metrics_zone->noreuse = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_maint_metrics_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_slab_pool_t  *shpool;

    /* counters survive reloads: the zone is inherited as it is */

    if (data) {
        zone->data = data;
        return NGX_OK;
    }

    /*
     * The zone starts with NGINX's slab pool header (the master unlocks its
     * mutex when a worker dies): the counters are allocated from it.
     */

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    zone->data = ngx_slab_calloc(shpool, sizeof(ngx_maint_metrics_t));
    if (zone->data == NULL) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


void
ngx_maint_metrics_init_worker(ngx_maint_main_conf_t *mcf)
{
    ngx_maint_metrics = mcf->metrics_zone ? mcf->metrics_zone->data : NULL;

    if (ngx_maint_metrics == NULL) {
        ngx_maint_slot = NULL;
        return;
    }

    ngx_maint_slot = &ngx_maint_metrics->workers[ngx_worker
                                                 % NGX_MAINT_MAX_WORKERS];
    ngx_memzero(ngx_maint_slot, sizeof(ngx_maint_worker_slot_t));
    ngx_maint_slot->pid = ngx_pid;
}


void
ngx_maint_metric_inc(ngx_maint_metric_e m)
{
    if (ngx_maint_metrics) {
        (void) ngx_atomic_fetch_add(&ngx_maint_metrics->counters[m], 1);
    }
}


void
ngx_maint_metric_decision(ngx_uint_t status, ngx_uint_t source)
{
    if (ngx_maint_metrics) {
        (void) ngx_atomic_fetch_add(&ngx_maint_metrics->decisions[status], 1);
        (void) ngx_atomic_fetch_add(&ngx_maint_metrics->sources[source], 1);
    }
}


void
ngx_maint_metric_read(ngx_uint_t usec)
{
    ngx_uint_t  i;

    if (ngx_maint_metrics == NULL) {
        return;
    }

    for (i = 0; i < NGX_MAINT_LAT_BUCKETS; i++) {
        if (usec <= ngx_maint_lat_bounds[i]) {
            break;
        }
    }

    (void) ngx_atomic_fetch_add(&ngx_maint_metrics->lat_buckets[i], 1);
    (void) ngx_atomic_fetch_add(&ngx_maint_metrics->lat_sum_us, usec);
}


void
ngx_maint_metric_worker_state(int64_t version, ngx_msec_t ok_wall_ms,
    ngx_flag_t connected, ngx_flag_t degraded, ngx_flag_t behind)
{
    /* after a reload the slot belongs to the new worker of this number */

    if (ngx_maint_slot == NULL || ngx_maint_slot->pid != (ngx_atomic_t) ngx_pid)
    {
        return;
    }

    ngx_maint_slot->version = (ngx_atomic_uint_t) (version + 1);
    ngx_maint_slot->ok_wall_ms = ok_wall_ms;
    ngx_maint_slot->connected = connected ? 1 : 0;
    ngx_maint_slot->degraded = degraded ? 1 : 0;
    ngx_maint_slot->behind = behind ? 1 : 0;
}


/* the sample the worker's clock estimate is from (ngx_maint_clock.c) */

void
ngx_maint_metric_worker_clock(int64_t rtt_us, int64_t at_us)
{
    if (ngx_maint_slot == NULL || ngx_maint_slot->pid != (ngx_atomic_t) ngx_pid)
    {
        return;
    }

    ngx_maint_slot->clock_rtt_us = (ngx_atomic_uint_t) rtt_us + 1;
    ngx_maint_slot->clock_at_us = (ngx_atomic_uint_t) at_us;
}


char *
ngx_maint_metrics_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    clcf->handler = ngx_maint_metrics_handler;

    return NGX_CONF_OK;
}


#define NGX_MAINT_HEADER(p, name, type, help)                                \
    p = ngx_sprintf(p, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,    \
                    type)


/* the counters, the decisions and sources, the read latency histogram */

static u_char *
ngx_maint_metrics_counters(u_char *p, ngx_maint_metrics_t *m)
{
    ngx_uint_t  i, cumulative;

    p = ngx_sprintf(p, "# HELP ngx_maint_info Module version.\n"
                    "# TYPE ngx_maint_info gauge\n"
                    "ngx_maint_info{version=\"%s\"} 1\n", NGX_MAINT_VERSION);

    NGX_MAINT_HEADER(p, "ngx_maint_requests_total", "counter",
                     "Requests decided, by $maint_status.");

    for (i = 1; i < NGX_MAINT_ST_COUNT; i++) {
        p = ngx_sprintf(p, "ngx_maint_requests_total{decision=\"%V\"} %uA\n",
                        &ngx_maint_status_names[i], m->decisions[i]);
    }

    NGX_MAINT_HEADER(p, "ngx_maint_decision_source_total", "counter",
                     "What decisions were based on, by $maint_source.");

    for (i = 0; i < NGX_MAINT_SRC_COUNT; i++) {
        p = ngx_sprintf(p, "ngx_maint_decision_source_total{source=\"%V\"} "
                        "%uA\n", &ngx_maint_source_names[i], m->sources[i]);
    }

    for (i = 0; i < NGX_MAINT_M_COUNT; i++) {
        NGX_MAINT_HEADER(p, ngx_maint_counter_info[i].name, "counter",
                         ngx_maint_counter_info[i].help);
        p = ngx_sprintf(p, "%s %uA\n", ngx_maint_counter_info[i].name,
                        m->counters[i]);
    }

    NGX_MAINT_HEADER(p, "ngx_maint_redis_read_seconds", "histogram",
                     "Latency of successful state reads.");

    cumulative = 0;

    for (i = 0; i < NGX_MAINT_LAT_BUCKETS; i++) {
        cumulative += m->lat_buckets[i];
        p = ngx_sprintf(p, "ngx_maint_redis_read_seconds_bucket{le=\"%.6f\"}"
                        " %ui\n", (double) ngx_maint_lat_bounds[i] / 1e6,
                        cumulative);
    }

    cumulative += m->lat_buckets[NGX_MAINT_LAT_BUCKETS];

    p = ngx_sprintf(p, "ngx_maint_redis_read_seconds_bucket{le=\"+Inf\"} "
                    "%ui\nngx_maint_redis_read_seconds_sum %.6f\n"
                    "ngx_maint_redis_read_seconds_count %ui\n",
                    cumulative, (double) m->lat_sum_us / 1e6, cumulative);

    return p;
}


/* the per-worker gauges, one series per worker that has a slot */

static u_char *
ngx_maint_metrics_workers(u_char *p, ngx_maint_metrics_t *m,
    ngx_uint_t workers)
{
    int64_t                   age;
    ngx_uint_t                i;
    ngx_time_t               *tp;
    ngx_maint_worker_slot_t  *s;

    tp = ngx_timeofday();

    NGX_MAINT_HEADER(p, "ngx_maint_state_version", "gauge",
                     "State version each worker holds (-1: none).");

    for (i = 0; i < workers; i++) {
        s = &m->workers[i];
        if (s->pid) {
            p = ngx_sprintf(p, "ngx_maint_state_version{worker=\"%ui\"} %L\n",
                            i, (int64_t) s->version - 1);
        }
    }

    NGX_MAINT_HEADER(p, "ngx_maint_state_age_seconds", "gauge",
                     "Time since each worker's last successful read "
                     "(-1: never).");

    for (i = 0; i < workers; i++) {
        s = &m->workers[i];
        if (s->pid) {
            age = -1000;

            if (s->ok_wall_ms) {
                age = (int64_t) tp->sec * 1000 + (int64_t) tp->msec
                      - (int64_t) s->ok_wall_ms;
            }

            p = ngx_sprintf(p, "ngx_maint_state_age_seconds{worker=\"%ui\"} "
                            "%.3f\n", i, (double) age / 1000);
        }
    }

    NGX_MAINT_HEADER(p, "ngx_maint_redis_connected", "gauge",
                     "1 when the worker's Redis connection is ready.");

    for (i = 0; i < workers; i++) {
        s = &m->workers[i];
        if (s->pid) {
            p = ngx_sprintf(p, "ngx_maint_redis_connected{worker=\"%ui\"} "
                            "%uA\n", i, s->connected);
        }
    }

    NGX_MAINT_HEADER(p, "ngx_maint_degraded", "gauge",
                     "1 while the worker decides by maint_on_redis_error.");

    for (i = 0; i < workers; i++) {
        s = &m->workers[i];
        if (s->pid) {
            p = ngx_sprintf(p, "ngx_maint_degraded{worker=\"%ui\"} %uA\n",
                            i, s->degraded);
        }
    }

    NGX_MAINT_HEADER(p, "ngx_maint_state_behind", "gauge",
                     "1 while Redis holds a state version the worker could "
                     "not decode (it keeps its last good one).");

    for (i = 0; i < workers; i++) {
        s = &m->workers[i];
        if (s->pid) {
            p = ngx_sprintf(p, "ngx_maint_state_behind{worker=\"%ui\"} %uA\n",
                            i, s->behind);
        }
    }

    return p;
}


/*
 * The bound of each worker's estimate of Redis's clock now: half the
 * round trip of its sample, the drift allowance for the sample's age, and
 * 1 ms for the millisecond clock the decisions read (-1: no sample yet).
 */

static u_char *
ngx_maint_metrics_clock(u_char *p, ngx_maint_metrics_t *m,
    ngx_uint_t workers)
{
    int64_t                   bound, now;
    ngx_uint_t                i;
    struct timespec           ts;
    ngx_maint_worker_slot_t  *s;

    /* the clock the samples were timed on (ngx_maint_monotonic_us()) */
    (void) clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;

    NGX_MAINT_HEADER(p, "ngx_maint_clock_error_seconds", "gauge",
                     "Bound on the error of each worker's estimate of "
                     "Redis's clock (-1: no TIME sample yet).");

    for (i = 0; i < workers; i++) {
        s = &m->workers[i];
        if (s->pid) {
            bound = -1000000;

            if (s->clock_rtt_us) {
                bound = maint_clockfilter_bound((int64_t) s->clock_rtt_us - 1,
                                                now - (int64_t) s->clock_at_us)
                        + 1000;
            }

            p = ngx_sprintf(p, "ngx_maint_clock_error_seconds{worker=\"%ui\"} "
                            "%.6f\n", i, (double) bound / 1e6);
        }
    }

    return p;
}


static ngx_int_t
ngx_maint_metrics_handler(ngx_http_request_t *r)
{
    u_char               *p, *start;
    size_t                size;
    ngx_int_t             rc;
    ngx_uint_t            workers;
    ngx_chain_t          *out;
    ngx_core_conf_t      *ccf;
    ngx_maint_metrics_t  *m;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD))) {
        return NGX_HTTP_NOT_ALLOWED;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    m = ngx_maint_metrics;
    if (m == NULL) {
        return NGX_HTTP_SERVICE_UNAVAILABLE;
    }

    ccf = (ngx_core_conf_t *) ngx_get_conf(ngx_cycle->conf_ctx,
                                           ngx_core_module);
    workers = ngx_min((ngx_uint_t) ccf->worker_processes,
                      NGX_MAINT_MAX_WORKERS);

    size = 16384 + workers * 1024;

    start = ngx_pnalloc(r->pool, size);
    if (start == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = start;

    p = ngx_maint_metrics_counters(p, m);
    p = ngx_maint_metrics_workers(p, m, workers);
    p = ngx_maint_metrics_clock(p, m, workers);

    r->headers_out.status = NGX_HTTP_OK;
    r->headers_out.content_length_n = p - start;
    ngx_str_set(&r->headers_out.content_type,
                "text/plain; version=0.0.4; charset=utf-8");
    r->headers_out.content_type_len = r->headers_out.content_type.len;

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out = ngx_maint_body(r, start, p - start);
    if (out == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_output_filter(r, out);
}
