/*
 * calendar.h: GET /v1/calendar.ics, the windows as an iCalendar feed
 * (resources/calendar.c): the handler for the route (http/routes.def).
 */

#ifndef ADM_RES_CALENDAR_H
#define ADM_RES_CALENDAR_H

#include "admin.h"


int adm_calendar(adm_req_t *r);


#endif /* ADM_RES_CALENDAR_H */
