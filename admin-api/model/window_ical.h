/*
 * window_ical.h: a window as an iCalendar event (model/window_ical.c),
 * written with model/ical.c: what the calendar feed lists, and what the
 * email invitations will carry, with the same UID and SEQUENCE.
 */

#ifndef ADM_MODEL_WINDOW_ICAL_H
#define ADM_MODEL_WINDOW_ICAL_H

#include <stdint.h>
#include <jansson.h>

#include "model/ical.h"


/* how long a finished window stays in the feed */
#define ADM_ICAL_RECENT  (30 * 86400)

int adm_window_ical_listed(json_t *view, int64_t now);
int adm_window_ical(adm_ical_t *ic, json_t *view, const char *domain);

/* an email invitation's event: the feed's, with its organizer and
   attendees; cancel: STATUS:CANCELLED (for METHOD:CANCEL) */
typedef struct {
    const char         *organizer;
    const char *const  *attendees;
    size_t              nattendees;
    int                 cancel;
} adm_window_invite_t;

int adm_window_ical_invite(adm_ical_t *ic, json_t *view, const char *domain,
    const adm_window_invite_t *inv);


#endif /* ADM_MODEL_WINDOW_ICAL_H */
