/*
 * metrics.c: the counters /metrics reports, kept apart from the HTTP layer
 * and from /metrics itself so that the storage, the writes and the ticker
 * can count without depending on either.  One thread (main.c): plain
 * increments.
 */

#include <string.h>

#include "metrics.h"


/* answers per route slot: the first statuses seen, each with its count */
#define ADM_STATUS_SLOTS  16

typedef struct {
    unsigned            status;
    unsigned long       count;
} adm_status_count_t;

static adm_status_count_t  adm_requests[ADM_METRIC_ROUTES][ADM_STATUS_SLOTS];


/* by adm_metric_e: the names /metrics prints and the tests read */
static const struct {
    const char         *name;
    const char         *help;
} adm_metrics_info[ADM_METRIC_N] = {
    { "writes", "Changes committed." },
    { "write_retries", "Changes computed again after a concurrent write." },
    { "redis_errors", "Redis commands that failed or could not be sent." },
    { "redis_failovers", "Times the Sentinel primary moved and the daemon "
      "followed." },
    { "write_failover_retries", "Changes sent again after the primary was "
      "lost or demoted (Sentinel mode)." },
    { "commit_fence_applied", "Changes whose reply was lost, found applied "
      "by their commit marker." },
    { "auto_start", "Windows recorded as started by the clock." },
    { "auto_complete", "Windows recorded as completed by the clock." },
    { "notify_delivered", "Notification deliveries delivered." },
    { "notify_retried", "Notification attempts that failed and will be "
      "tried again." },
    { "notify_failed", "Notification deliveries given up (retry window "
      "over, 410 Gone, target or event gone)." },
    { "prechecks_passed", "Custom precheck runs of one check that passed." },
    { "prechecks_failed", "Custom precheck runs of one check that failed "
      "(status, body text, timeout, connection)." },
};

static unsigned long  adm_metrics_count[ADM_METRIC_N];


void
adm_count(adm_metric_e m)
{
    if ((unsigned) m < ADM_METRIC_N) {
        adm_metrics_count[m]++;
    }
}


void
adm_count_request(size_t slot, unsigned status)
{
    size_t               i;
    adm_status_count_t  *row;

    if (slot >= ADM_METRIC_ROUTES) {
        return;
    }

    row = adm_requests[slot];

    for (i = 0; i < ADM_STATUS_SLOTS; i++) {
        if (row[i].status == status || row[i].status == 0) {
            row[i].status = status;
            row[i].count++;
            return;
        }
    }
}


const char *
adm_metric_name(adm_metric_e m)
{
    return adm_metrics_info[m].name;
}


const char *
adm_metric_help(adm_metric_e m)
{
    return adm_metrics_info[m].help;
}


unsigned long
adm_metric_value(adm_metric_e m)
{
    return adm_metrics_count[m];
}


/* the i-th status counted for a slot, in the order first seen; 0: no more */

unsigned long
adm_metric_requests(size_t slot, size_t i, unsigned *status)
{
    if (slot >= ADM_METRIC_ROUTES || i >= ADM_STATUS_SLOTS
        || adm_requests[slot][i].status == 0)
    {
        return 0;
    }

    *status = adm_requests[slot][i].status;

    return adm_requests[slot][i].count;
}
