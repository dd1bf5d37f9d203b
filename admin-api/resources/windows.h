/*
 * windows.h: the /v1/windows resource (resources/windows.c): handlers for
 * the routes (http/routes.def).
 */

#ifndef ADM_RES_WINDOWS_H
#define ADM_RES_WINDOWS_H

#include <jansson.h>

#include "admin.h"
#include "store/reads.h"


int adm_windows_list(adm_req_t *r);
int adm_windows_create(adm_req_t *r);
int adm_window_get(adm_req_t *r);
int adm_window_patch(adm_req_t *r);
int adm_window_delete(adm_req_t *r);
int adm_window_start(adm_req_t *r);
int adm_window_complete(adm_req_t *r);
int adm_window_cancel(adm_req_t *r);

/* a new window's or series' notify list: named targets exist, or 422 */
int adm_window_notify_known(adm_req_t *r, adm_view_t *v, json_t *fields,
    int creating);


#endif /* ADM_RES_WINDOWS_H */
