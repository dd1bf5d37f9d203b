/*
 * settings.h: the /v1/settings resource (resources/settings.c): handlers for
 * the routes (http/routes.def).
 */

#ifndef ADM_RES_SETTINGS_H
#define ADM_RES_SETTINGS_H

#include "admin.h"


int adm_settings_get(adm_req_t *r);
int adm_settings_put(adm_req_t *r);


#endif /* ADM_RES_SETTINGS_H */
