/*
 * web.h: the admin page.
 *
 *   web.c        "/" and "/ui/...": the files of admin-api/web/, compiled
 *                in by the Makefile (build/web_assets.c), with their
 *                security headers
 */

#ifndef ADM_WEB_H
#define ADM_WEB_H

#include <stddef.h>

#include "http/http.h"


typedef struct {
    const char         *name;               /* "app.js" */
    const char         *data;
    size_t              len;
} adm_asset_t;

extern const adm_asset_t  adm_web_assets[];
extern const size_t       adm_web_nassets;

/* the static files of adm_http_start(): 0 when not one of them */
int adm_web(adm_req_t *r);


#endif /* ADM_WEB_H */
