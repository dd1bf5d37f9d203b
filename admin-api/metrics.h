/*
 * metrics.h: the daemon's counters, reported by /metrics (service.c).
 *
 *   metrics.c    the counters by name (an enum, as the module counts) and
 *                the requests by route and status; a leaf: it calls
 *                nothing, so every layer may count
 */

#ifndef ADM_METRICS_H
#define ADM_METRICS_H

#include <stddef.h>


/* in the order /metrics reports them: maint_admin_<name>_total */
typedef enum {
    ADM_METRIC_WRITES = 0,
    ADM_METRIC_WRITE_RETRIES,
    ADM_METRIC_REDIS_ERRORS,
    ADM_METRIC_REDIS_FAILOVERS,
    ADM_METRIC_WRITE_FAILOVER_RETRIES,
    ADM_METRIC_COMMIT_FENCE_APPLIED,
    ADM_METRIC_AUTO_START,
    ADM_METRIC_AUTO_COMPLETE,
    ADM_METRIC_NOTIFY_DELIVERED,
    ADM_METRIC_NOTIFY_RETRIED,
    ADM_METRIC_NOTIFY_FAILED,
    ADM_METRIC_PRECHECKS_PASSED,
    ADM_METRIC_PRECHECKS_FAILED,
    ADM_METRIC_N
} adm_metric_e;

/*
 * Requests are counted by route slot: 0 for a request no route took,
 * n + 1 for the route at index n of the table the HTTP layer serves.
 */
#define ADM_METRIC_ROUTES  64

void adm_count(adm_metric_e m);
void adm_count_request(size_t slot, unsigned status);

const char *adm_metric_name(adm_metric_e m);
const char *adm_metric_help(adm_metric_e m);
unsigned long adm_metric_value(adm_metric_e m);
unsigned long adm_metric_requests(size_t slot, size_t i, unsigned *status);


#endif /* ADM_METRICS_H */
