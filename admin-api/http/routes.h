/*
 * routes.h: every route maint-admind serves.
 *
 *   routes.c     the table from routes.def, handed to adm_http_start()
 *                by main.c (the HTTP layer names no handler itself)
 */

#ifndef ADM_ROUTES_H
#define ADM_ROUTES_H

#include <stddef.h>

#include "http/http.h"


extern const adm_route_t  adm_routes[];
extern const size_t       adm_nroutes;


#endif /* ADM_ROUTES_H */
