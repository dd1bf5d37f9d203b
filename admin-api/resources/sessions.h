/*
 * sessions.h: the /v1/sessions resource (resources/sessions.c): handlers for
 * the routes (http/routes.def).
 */

#ifndef ADM_RES_SESSIONS_H
#define ADM_RES_SESSIONS_H

#include "admin.h"


int adm_sessions_list(adm_req_t *r);
int adm_session_get(adm_req_t *r);
int adm_session_end(adm_req_t *r);
int adm_sessions_terminate(adm_req_t *r);


#endif /* ADM_RES_SESSIONS_H */
