/*
 * status.h: /v1/status, what an edge decides now (resources/status.c):
 * handlers for the routes (http/routes.def).
 */

#ifndef ADM_RES_STATUS_H
#define ADM_RES_STATUS_H

#include "admin.h"


int adm_status(adm_req_t *r);


#endif /* ADM_RES_STATUS_H */
