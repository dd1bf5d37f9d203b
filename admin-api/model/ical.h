/*
 * ical.h: an RFC 5545 (iCalendar) writer (model/ical.c): content lines
 * with CRLF ends, folded at 75 octets without splitting a UTF-8 sequence
 * or an escape, TEXT values escaped, times in UTC; a VCALENDAR and its
 * VEVENTs from plain structs.  No I/O: the text is built in memory.  The
 * calendar feed (resources/calendar.c, through model/window_ical.c) writes
 * with it, and so will the email invitations (METHOD:REQUEST / CANCEL).
 */

#ifndef ADM_MODEL_ICAL_H
#define ADM_MODEL_ICAL_H

#include <stddef.h>
#include <stdint.h>


/* octets of a content line, CRLF not counted (RFC 5545, 3.1) */
#define ADM_ICAL_LINE_MAX  75


/*
 * The text being written.  An allocation that fails marks it failed and
 * makes every later call do nothing: the caller checks once, at the end
 * (adm_ical_take()).
 */
typedef struct {
    char       *data;
    size_t      len;
    size_t      cap;
    size_t      col;        /* octets on the current physical line */
    int         failed;
} adm_ical_t;

typedef enum {
    ADM_ICAL_CONFIRMED = 0,
    ADM_ICAL_TENTATIVE,
    ADM_ICAL_CANCELLED
} adm_ical_status_e;

/* an X- property of an event: a TEXT value */
typedef struct {
    const char         *name;           /* "X-NGX-MAINT-MODE" */
    const char         *value;
} adm_ical_x_t;

typedef struct {
    const char         *method;         /* "PUBLISH", "REQUEST", "CANCEL" */
    const char         *name;           /* X-WR-CALNAME, or NULL */
    const char         *description;    /* X-WR-CALDESC, or NULL */
    unsigned            refresh_minutes; /* REFRESH-INTERVAL and
                                            X-PUBLISHED-TTL; 0: none */
} adm_ical_cal_t;

/* one VEVENT; times in seconds since the epoch, -1: left out (but start,
   end and dtstamp, which are required) */
typedef struct {
    const char         *uid;
    int64_t             dtstamp;
    int64_t             start;
    int64_t             end;
    int64_t             created;
    int64_t             last_modified;
    int64_t             sequence;
    adm_ical_status_e   status;
    int                 transparent;    /* TRANSP:TRANSPARENT: not busy */
    const char         *summary;        /* UTF-8 */
    const char         *description;    /* UTF-8, or NULL */
    const char *const  *categories;     /* TEXT list, or NULL */
    size_t              ncategories;
    const adm_ical_x_t *x;              /* X- properties, or NULL */
    size_t              nx;
    /* an invitation's (RFC 5546): addresses, mailto: added; NULL, 0: none
       (the feed's events have none) */
    const char         *organizer;
    const char *const  *attendees;
    size_t              nattendees;
} adm_ical_event_t;


void adm_ical_init(adm_ical_t *ic);
void adm_ical_free(adm_ical_t *ic);
char *adm_ical_take(adm_ical_t *ic, size_t *len);

/* content lines: NAME (with its parameters) ":" value, folded, CRLF */
void adm_ical_raw(adm_ical_t *ic, const char *name, const char *value);
void adm_ical_text(adm_ical_t *ic, const char *name, const char *s,
    size_t len);
void adm_ical_text_list(adm_ical_t *ic, const char *name,
    const char *const *v, size_t n);
void adm_ical_utc(adm_ical_t *ic, const char *name, int64_t t);
void adm_ical_int(adm_ical_t *ic, const char *name, int64_t n);

/* the calendar around the events, and the events */
void adm_ical_begin(adm_ical_t *ic, const adm_ical_cal_t *cal);
void adm_ical_event(adm_ical_t *ic, const adm_ical_event_t *ev);
void adm_ical_end(adm_ical_t *ic);

/* whether an address may be written as a mailto: CAL-ADDRESS as it is */
int adm_ical_address_ok(const char *addr);

/* "20261122T050640Z" (17 bytes with the NUL) */
void adm_ical_format_utc(char *out, int64_t t);


#endif /* ADM_MODEL_ICAL_H */
