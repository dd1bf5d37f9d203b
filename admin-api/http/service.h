/*
 * service.h: what maint-admind answers as a service, besides its API.
 *
 *   service.c    /healthz, /metrics (from metrics.c's counters and
 *                Redis), /openapi.json (build/openapi.c)
 */

#ifndef ADM_SERVICE_H
#define ADM_SERVICE_H

#include "http/http.h"


int adm_healthz(adm_req_t *r);
int adm_metrics(adm_req_t *r);
int adm_openapi(adm_req_t *r);


#endif /* ADM_SERVICE_H */
