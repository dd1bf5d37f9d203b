/*
 * notify.h: the /v1/notify/targets resource (resources/notify.c).
 */

#ifndef ADM_RESOURCES_NOTIFY_H
#define ADM_RESOURCES_NOTIFY_H

#include "admin.h"


int adm_notify_targets_list(adm_req_t *r);
int adm_notify_targets_create(adm_req_t *r);
int adm_notify_target_get(adm_req_t *r);
int adm_notify_target_patch(adm_req_t *r);
int adm_notify_target_delete(adm_req_t *r);
int adm_notify_target_rotate(adm_req_t *r);


#endif /* ADM_RESOURCES_NOTIFY_H */
