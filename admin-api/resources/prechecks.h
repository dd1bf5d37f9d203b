/*
 * prechecks.h: the dry-run prechecks (resources/prechecks.c).
 */

#ifndef ADM_PRECHECKS_H
#define ADM_PRECHECKS_H

#include <jansson.h>

#include "store/reads.h"


json_t *adm_prechecks(json_t *rec, adm_view_t *v, int *ok);
json_t *adm_check_redis(void);


#endif /* ADM_PRECHECKS_H */
