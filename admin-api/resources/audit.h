/*
 * audit.h: the /v1/audit resource (resources/audit.c): handlers for
 * the routes (http/routes.def).
 */

#ifndef ADM_RES_AUDIT_H
#define ADM_RES_AUDIT_H

#include "admin.h"


int adm_audit_list(adm_req_t *r);


#endif /* ADM_RES_AUDIT_H */
