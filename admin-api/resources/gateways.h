/*
 * gateways.h: /v1/gateways, from the gateways' heartbeats
 * (resources/gateways.c): handlers for the routes (http/routes.def).
 */

#ifndef ADM_RES_GATEWAYS_H
#define ADM_RES_GATEWAYS_H

#include "admin.h"


int adm_gateways_list(adm_req_t *r);


#endif /* ADM_RES_GATEWAYS_H */
