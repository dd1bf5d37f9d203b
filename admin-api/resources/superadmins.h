/*
 * superadmins.h: the /v1/superadmins and /v1/bypass-keys resources
 * (resources/superadmins.c): handlers for the routes (http/routes.def).
 */

#ifndef ADM_RES_SUPERADMINS_H
#define ADM_RES_SUPERADMINS_H

#include "admin.h"


int adm_superadmins_list(adm_req_t *r);
int adm_superadmins_create(adm_req_t *r);
int adm_superadmin_delete(adm_req_t *r);
int adm_superadmin_rotate(adm_req_t *r);
int adm_bypass_keys_list(adm_req_t *r);
int adm_bypass_keys_create(adm_req_t *r);
int adm_bypass_key_delete(adm_req_t *r);


#endif /* ADM_RES_SUPERADMINS_H */
