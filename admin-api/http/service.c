/*
 * service.c: the routes a service answers besides its API (/healthz,
 * /metrics, /openapi.json).  The counters /metrics reports are metrics.c's.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "metrics.h"
#include "http/http.h"
#include "http/service.h"
#include "model/window.h"
#include "resources/prechecks.h"
#include "store/reads.h"
#include "store/store.h"


/* build/openapi.c, from admin-api/openapi.json */
extern const char  admin_openapi_json[];


int
adm_healthz(adm_req_t *r)
{
    int          ok;
    json_t      *check;
    redisReply  *rr;

    rr = adm_redisf("PING");
    ok = rr != NULL && rr->type != REDIS_REPLY_ERROR;
    freeReplyObject(rr);

    check = adm_check_redis();
    ok = ok && strcmp(json_string_value(json_object_get(check, "status")),
                      "fail") != 0;

    return adm_reply_json(r, ok ? 200 : 503,
                          json_pack("{s:s, s:s, s:s, s:[o]}",
                                    "status", ok ? "ok" : "unavailable",
                                    "version", ADM_VERSION,
                                    "redis", ok ? "ok" : "unavailable",
                                    "checks", check));
}


int
adm_openapi(adm_req_t *r)
{
    return adm_reply_text(r, 200, "application/json", admin_openapi_json,
                          strlen(admin_openapi_json));
}


/* every window's status by the clock; history included, so in batches */

static void
adm_windows_by_status(unsigned long *counts, int *ok)
{
    size_t        i, offset;
    json_t       *ids, *recs, *rec;
    int64_t       now;

    memset(counts, 0, sizeof(unsigned long) * (ADM_ST_CANCELLED + 1));
    *ok = 0;

    if (adm_store_now(&now) != 0) {
        return;
    }

    for (offset = 0; /* void */; offset += 500) {
        if (adm_store_list_ids(-1, offset, 500, &ids) != 0) {
            return;
        }

        if (adm_store_windows(ids, &recs) != 0) {
            json_decref(ids);
            return;
        }

        json_array_foreach(recs, i, rec) {
            counts[adm_window_effective(rec, now / 1000)]++;
        }

        i = json_array_size(ids);
        json_decref(ids);
        json_decref(recs);

        if (i < 500) {
            break;
        }
    }

    *ok = 1;
}


int
adm_metrics(adm_req_t *r)
{
    int                 rc;
    char               *buf;
    size_t              i, j, size, len;
    unsigned            status;
    const char         *path, *method;
    unsigned long       count;
    redisReply         *rr;
    adm_metric_e        m;
    const adm_route_t  *rt;
    long long           version, live;
    int                 readable;
    unsigned long       by_status[ADM_ST_CANCELLED + 1];

    size = 64 * 1024;
    buf = malloc(size);
    if (buf == NULL) {
        return adm_problem(r, 500, "internal", "Internal error", NULL, NULL,
                           NULL);
    }

    len = 0;

#define OUT(...)                                                              \
    do {                                                                      \
        int n_ = snprintf(buf + len, size - len, __VA_ARGS__);                \
        if (n_ > 0 && (size_t) n_ < size - len) len += (size_t) n_;           \
    } while (0)

    OUT("# HELP maint_admin_info Daemon version.\n"
        "# TYPE maint_admin_info gauge\n"
        "maint_admin_info{version=\"%s\"} 1\n", ADM_VERSION);

    OUT("# HELP maint_admin_requests_total Requests by route and status.\n"
        "# TYPE maint_admin_requests_total counter\n");

    /* slot 0: requests no route took; slot n: the route n - 1 */
    for (i = 0; i < ADM_METRIC_ROUTES; i++) {
        rt = i ? adm_http_route(i - 1) : NULL;
        path = rt ? rt->pattern : "unknown";
        method = rt ? rt->method : "-";

        for (j = 0; (count = adm_metric_requests(i, j, &status)); j++) {
            OUT("maint_admin_requests_total{method=\"%s\",route=\"%s\","
                "status=\"%u\"} %lu\n", method, path, status, count);
        }
    }

    for (m = 0; m < ADM_METRIC_N; m++) {
        OUT("# HELP maint_admin_%s_total %s\n"
            "# TYPE maint_admin_%s_total counter\n"
            "maint_admin_%s_total %lu\n", adm_metric_name(m),
            adm_metric_help(m), adm_metric_name(m), adm_metric_name(m),
            adm_metric_value(m));
    }

    version = -1;
    live = -1;

    rr = adm_redisf("HGET %sstate version", adm_conf.prefix);
    if (rr && rr->type == REDIS_REPLY_STRING) {
        version = strtoll(rr->str, NULL, 10);
    } else if (rr && rr->type == REDIS_REPLY_NIL) {
        version = 0;
    }
    freeReplyObject(rr);

    rr = adm_redisf("SCARD %slive", adm_conf.prefix);
    if (rr && rr->type == REDIS_REPLY_INTEGER) {
        live = rr->integer;
    }
    freeReplyObject(rr);

    adm_windows_by_status(by_status, &readable);

    OUT("# HELP maint_admin_windows Windows by status, on the clock "
        "(absent: Redis unreadable).\n# TYPE maint_admin_windows gauge\n");

    for (i = 0; readable && i <= ADM_ST_CANCELLED; i++) {
        OUT("maint_admin_windows{status=\"%s\"} %lu\n",
            adm_status_name((adm_status_e) i), by_status[i]);
    }

    OUT("# HELP maint_admin_state_version The state version in Redis "
        "(-1: unreadable).\n# TYPE maint_admin_state_version gauge\n"
        "maint_admin_state_version %lld\n", version);
    OUT("# HELP maint_admin_live_windows Windows scheduled or in progress "
        "(-1: unreadable).\n# TYPE maint_admin_live_windows gauge\n"
        "maint_admin_live_windows %lld\n", live);

#undef OUT

    rc = adm_reply_text(r, 200, "text/plain; version=0.0.4; charset=utf-8",
                        buf, len);
    free(buf);

    return rc;
}
