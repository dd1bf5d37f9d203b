/*
 * routes.c: the route table, built from routes.def: the one place that
 * names the handlers, so that the HTTP layer calls into the resources
 * only through the table main.c hands it.
 */

#include <stddef.h>

#include "admin.h"
#include "http/routes.h"
#include "http/service.h"
#include "resources/audit.h"
#include "resources/calendar.h"
#include "resources/deliveries.h"
#include "resources/gateways.h"
#include "resources/notify.h"
#include "resources/sessions.h"
#include "resources/settings.h"
#include "resources/status.h"
#include "resources/superadmins.h"
#include "resources/series.h"
#include "resources/windows.h"


#define ADM_ROUTE(m, p, h, role)  { m, p, h, ADM_ROLE_##role },

const adm_route_t  adm_routes[] = {
#include "routes.def"
};

#undef ADM_ROUTE

const size_t  adm_nroutes = sizeof(adm_routes) / sizeof(adm_routes[0]);
