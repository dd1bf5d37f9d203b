/*
 * series.h: the /v1/series resource (resources/series.c): handlers for the
 * routes (http/routes.def), and the making of a series' windows, which
 * the ticker runs too.
 */

#ifndef ADM_RES_SERIES_H
#define ADM_RES_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "admin.h"


int adm_series_list(adm_req_t *r);
int adm_series_create(adm_req_t *r);
int adm_series_get(adm_req_t *r);
int adm_series_patch(adm_req_t *r);
int adm_series_delete(adm_req_t *r);
int adm_series_skip_one(adm_req_t *r);

/*
 * Makes the windows of the series' occurrences due within the horizon:
 * entries of *more (created when NULL), the series updated.  An overlap:
 * -1 with *conflict and the occurrence (at) when conflict is not NULL,
 * else the occurrence skipped.  Returns the occurrences due, or -1.
 */
int adm_series_extend(json_t *series, json_t *live, int64_t now_ms,
    const char *actor, json_t **more, json_t **conflict, char *at,
    size_t atlen);


#endif /* ADM_RES_SERIES_H */
