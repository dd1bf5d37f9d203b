/*
 * window_ical.c: a window as an iCalendar event.  It is given the window
 * as GET /v1/windows/{id} shows it (adm_window_view(): the status the
 * clock gives, with the actual start and end that go with it):
 *
 *   UID            <id>@<domain>: one event for the window's whole life
 *   DTSTART        when it began (its actual start if started early),
 *                  else starts_at
 *   DTEND          actual_end for a window that ran, else ends_at; at
 *                  least a second after DTSTART
 *   DTSTAMP,       updated_at: the same state gives the same text (the
 *   LAST-MODIFIED  feed's ETag is a hash of it)
 *   CREATED        created_at
 *   SEQUENCE       revision: every change to the window raises it
 *   STATUS         CANCELLED for a cancelled window, else CONFIRMED
 *   SUMMARY        the title
 *   DESCRIPTION    the login message, apps, mode, status, and the notes
 *                  given to /complete or /cancel
 *   CATEGORIES     "Maintenance" and the apps ("all apps" for "*")
 *   TRANSP         TRANSPARENT: a window makes nobody busy
 *   X-NGX-MAINT-STATUS, X-NGX-MAINT-MODE, X-NGX-MAINT-APPS: for programs
 *
 * An email invitation (adm_window_ical_invite()) is the same event with
 * ORGANIZER and ATTENDEEs, and STATUS:CANCELLED when it cancels.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/ical.h"
#include "model/times.h"
#include "model/window.h"
#include "model/window_ical.h"


#define ADM_ICAL_MAX_APPS  64


static const char *
adm_str(json_t *rec, const char *field)
{
    const char  *s;

    s = json_string_value(json_object_get(rec, field));

    return s ? s : "";
}


/*
 * Whether the feed lists the window at now: a window to come or under way
 * (unless disabled: it will never be enforced), and a finished one for
 * ADM_ICAL_RECENT after the latest of its end (actual or planned) and its
 * last change (a cancellation).
 */

int
adm_window_ical_listed(json_t *view, int64_t now)
{
    int64_t  last, t;

    if (!adm_status_finished(adm_window_status(view))) {
        return json_is_true(json_object_get(view, "enabled"));
    }

    last = adm_window_time(view, "ends_at");

    t = adm_window_time(view, "actual_end");
    last = t > last ? t : last;

    t = adm_window_time(view, "updated_at");
    last = t > last ? t : last;

    return last >= now - ADM_ICAL_RECENT;
}


/* "in_progress" as people read it: "in progress" */

static void
adm_status_text(FILE *f, adm_status_e st)
{
    const char  *s;

    for (s = adm_status_name(st); *s; s++) {
        fputc(*s == '_' ? ' ' : *s, f);
    }
}


/* the DESCRIPTION, to be freed */

static char *
adm_describe(json_t *view, const char *apps)
{
    char        *text;
    FILE        *f;
    size_t       len;
    const char  *s;

    f = open_memstream(&text, &len);
    if (f == NULL) {
        return NULL;
    }

    s = adm_str(view, "login_message");

    if (*s) {
        fprintf(f, "%s\n\n", s);
    }

    fprintf(f, "Apps: %s\nMode: %s\nStatus: ", apps,
            strcmp(adm_str(view, "mode"), "read_only") == 0
            ? "read-only (reads keep working, changes are refused)"
            : "full (the apps show the maintenance page)");
    adm_status_text(f, adm_window_status(view));

    s = adm_str(view, "completion_notes");

    if (*s) {
        fprintf(f, "\nNotes: %s", s);
    }

    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }

    return text;
}


/*
 * The apps, joined with sep, to be freed; in cats from *ncats on, as
 * people read them ("all apps" for "*"), or as they are with raw.
 */

static char *
adm_apps_text(json_t *view, const char *sep, int raw, const char **cats,
    size_t *ncats)
{
    char    *text;
    FILE    *f;
    size_t   i, len;
    json_t  *a;

    f = open_memstream(&text, &len);
    if (f == NULL) {
        return NULL;
    }

    json_array_foreach(json_object_get(view, "apps"), i, a) {
        if (!json_is_string(a) || *ncats == ADM_ICAL_MAX_APPS + 1) {
            continue;
        }

        cats[*ncats] = !raw && strcmp(json_string_value(a), "*") == 0
                       ? "all apps" : json_string_value(a);
        fprintf(f, "%s%s", *ncats > 1 ? sep : "", cats[*ncats]);
        (*ncats)++;
    }

    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }

    return text;
}


int
adm_window_ical(adm_ical_t *ic, json_t *view, const char *domain)
{
    return adm_window_ical_invite(ic, view, domain, NULL);
}


/* the feed's event (inv NULL), or an invitation's */

int
adm_window_ical_invite(adm_ical_t *ic, json_t *view, const char *domain,
    const adm_window_invite_t *inv)
{
    int                rc;
    char               uid[160], *apps, *list, *desc;
    size_t             ncats;
    const char        *cats[ADM_ICAL_MAX_APPS + 1];
    adm_status_e       st;
    adm_ical_x_t       x[3];
    adm_ical_event_t   ev;

    st = adm_window_status(view);

    cats[0] = "Maintenance";
    ncats = 1;
    list = adm_apps_text(view, ",", 1, cats, &ncats);
    ncats = 1;
    apps = adm_apps_text(view, ", ", 0, cats, &ncats);
    desc = apps ? adm_describe(view, apps) : NULL;

    rc = -1;

    if (apps == NULL || list == NULL || desc == NULL) {
        goto done;
    }

    snprintf(uid, sizeof(uid), "%s@%s", adm_str(view, "id"), domain);

    memset(&ev, 0, sizeof(ev));
    ev.uid = uid;
    ev.dtstamp = adm_window_time(view, "updated_at");
    ev.last_modified = ev.dtstamp;
    ev.created = adm_window_time(view, "created_at");
    ev.start = adm_window_begin(view);
    ev.end = adm_window_time(view, "ends_at");

    if (st != ADM_ST_CANCELLED && adm_window_time(view, "actual_end") >= 0) {
        ev.end = adm_window_time(view, "actual_end");
    }

    if (ev.end <= ev.start) {
        ev.end = ev.start + 1;
    }

    ev.sequence = json_integer_value(json_object_get(view, "revision"));
    ev.status = st == ADM_ST_CANCELLED ? ADM_ICAL_CANCELLED
                                       : ADM_ICAL_CONFIRMED;
    ev.transparent = 1;
    ev.summary = adm_str(view, "title");
    ev.description = desc;
    ev.categories = cats;
    ev.ncategories = ncats;

    x[0].name = "X-NGX-MAINT-STATUS";
    x[0].value = adm_status_name(st);
    x[1].name = "X-NGX-MAINT-MODE";
    x[1].value = adm_str(view, "mode");
    x[2].name = "X-NGX-MAINT-APPS";
    x[2].value = list;
    ev.x = x;
    ev.nx = 3;

    if (inv != NULL) {
        ev.organizer = inv->organizer;
        ev.attendees = inv->attendees;
        ev.nattendees = inv->nattendees;

        if (inv->cancel) {
            ev.status = ADM_ICAL_CANCELLED;
        }
    }

    adm_ical_event(ic, &ev);
    rc = ic->failed ? -1 : 0;

done:

    free(apps);
    free(list);
    free(desc);

    return rc;
}
