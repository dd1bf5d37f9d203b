/*
 * deliveries.h: the /v1/notify/deliveries resource (resources/deliveries.c).
 */

#ifndef ADM_RESOURCES_DELIVERIES_H
#define ADM_RESOURCES_DELIVERIES_H

#include "admin.h"


int adm_notify_deliveries_list(adm_req_t *r);
int adm_notify_delivery_get(adm_req_t *r);
int adm_notify_redeliver(adm_req_t *r);


#endif /* ADM_RESOURCES_DELIVERIES_H */
