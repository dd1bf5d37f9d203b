/*
 * ticker.c: once a second, records the automatic transitions the clock
 * already made: scheduled windows whose starts_at passed are in progress,
 * in-progress windows whose ends_at passed (unless held) are completed.
 * Reads show these at once anyway, and the gateways enforce starts_at and
 * ends_at from the snapshot on their own; this makes the stored records,
 * the snapshot and the audit trail say so too, with actor "system".  It
 * also makes the reminders of windows about to start (their event), and
 * the windows of series' occurrences that come within the horizon, and
 * runs the custom prechecks of windows that start on their own.
 */

#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "ticker.h"
#include "model/precheck.h"
#include "model/settings.h"
#include "model/times.h"
#include "model/window.h"
#include "outbound/probe.h"
#include "resources/series.h"
#include "resources/write.h"
#include "store/reads.h"
#include "store/store.h"


/*
 * A scheduled window's reminder is due: at its notice time (its own
 * notify_before_minutes, or the settings'), once per starts_at (moved,
 * it is due again), and only if it was created before the notice time
 * (one created later was announced by its "scheduled" event already).
 */

static int
adm_tick_reminder_due(json_t *rec, json_t *settings, int64_t now)
{
    json_t   *n;
    int64_t   begin, notice;

    if (adm_window_status(rec) != ADM_ST_SCHEDULED
        || json_array_size(json_object_get(rec, "notify")) == 0
        || json_equal(json_object_get(rec, "reminded_for"),
                      json_object_get(rec, "starts_at")))
    {
        return 0;
    }

    n = json_object_get(rec, "notify_before_minutes");
    notice = (json_is_integer(n) ? json_integer_value(n)
              : adm_setting(settings, "notify_before_minutes")) * 60;
    begin = adm_window_begin(rec);

    return notice > 0 && now >= begin - notice && now < begin
           && adm_window_time(rec, "created_at") <= begin - notice;
}


/*
 * The first series with occurrences come within the horizon makes their
 * windows (an overlap skips the occurrence, saying why: its series was
 * created before the window it would overlap).  Looked at when the state
 * changed, and every five seconds: the horizon moves on with the clock.
 */

static int
adm_tick_series(adm_view_t *v, adm_change_t *c)
{
    size_t          i;
    json_t         *rec, *next;
    static int64_t  version = -1, at;

    if (v->version == version && v->now_ms - at < 5000) {
        return 0;
    }

    json_array_foreach(v->series, i, rec) {
        next = json_deep_copy(rec);

        if (adm_series_extend(next, v->live, v->now_ms, "system", &c->more,
                              NULL, NULL, 0)
            <= 0)
        {
            json_decref(next);
            continue;
        }

        adm_window_touch(next, "system", v->now_ms / 1000);

        c->action = "series.extend";
        c->target = json_string_value(json_object_get(next, "id"));
        c->series = json_pack("[o]", next);
        c->audit_before = json_incref(rec);
        c->audit_after = json_incref(next);

        return 1;
    }

    version = v->version;
    at = v->now_ms;

    return 0;
}


/*
 * Custom prechecks at a start no request made: the clock's, or a window
 * created or moved to start at once.  The window starts on time anyway:
 * the gateways enforce starts_at on their own, nobody is there to force
 * it, and a window announced and not begun would be worse than one begun
 * while a check fails.  The checks run as it starts (the first tick that
 * sees it in progress without results) and what they found is written to
 * the window when they are done ("window.prechecks", by system), to be
 * seen in its record, its history and the audit.  A window begun more
 * than ADM_TICK_CHECK_LATE seconds ago (the daemon was down, or the checks
 * were configured since) is not checked: the results would not be its
 * start's.  A window is checked once at a time (adm_checking).
 */

#define ADM_TICK_CHECK_LATE  60
#define ADM_TICK_CHECKING    64

static char    *adm_checking[ADM_TICK_CHECKING];
static size_t   adm_nchecking;

typedef struct {
    const char  *id;
    json_t      *results;
} adm_checked_t;


static int
adm_tick_checked_compute(void *ctx, adm_view_t *v, adm_change_t *c)
{
    json_t         *rec, *next;
    adm_checked_t  *ch = ctx;

    /* one that ended meanwhile still gets them: it is not live now */
    if (adm_store_window(ch->id, &rec) != 0) {
        return ADM_ERROR;
    }

    if (rec == NULL) {
        return ADM_NOTHING;
    }

    next = json_deep_copy(rec);
    json_object_set_new(next, "prechecks",
                        adm_precheck_record(ch->results, "scheduled", 0,
                                            v->now_ms));
    adm_window_touch(next, "system", v->now_ms / 1000);

    c->action = "window.prechecks";
    c->target = ch->id;
    c->before = rec;
    c->after = next;
    c->op = "put";

    return ADM_OK;
}


static void
adm_tick_checked(void *data, json_t *results)
{
    int            rc;
    size_t         i;
    adm_checked_t  ch;

    ch.id = data;
    ch.results = results;

    rc = adm_write_system("window.prechecks", ch.id,
                          adm_tick_checked_compute, &ch);

    if (rc != ADM_OK && rc != ADM_NOTHING) {
        /* not written: the next tick runs them again, while it may */
        adm_log(ADM_LOG_WARN, "precheck results not recorded", "{s:s}",
                "window", ch.id);
    }

    for (i = 0; i < adm_nchecking; i++) {
        if (adm_checking[i] == data) {
            adm_checking[i] = adm_checking[--adm_nchecking];
            break;
        }
    }

    free(data);
    json_decref(results);
}


static void
adm_tick_checks(adm_view_t *v)
{
    size_t        i, j;
    json_t       *rec;
    char         *id;
    int64_t       now;

    now = v->now_ms / 1000;

    json_array_foreach(v->live, i, rec) {
        if (adm_nchecking == ADM_TICK_CHECKING) {
            return;
        }

        if (json_object_get(rec, "prechecks") != NULL
            || adm_window_effective(rec, now) != ADM_ST_IN_PROGRESS
            || adm_window_begin(rec) < now - ADM_TICK_CHECK_LATE)
        {
            continue;
        }

        id = (char *) json_string_value(json_object_get(rec, "id"));

        for (j = 0; j < adm_nchecking; j++) {
            if (strcmp(adm_checking[j], id) == 0) {
                break;
            }
        }

        if (j < adm_nchecking || (id = strdup(id)) == NULL) {
            continue;
        }

        if (adm_probe_start(json_object_get(rec, "apps"), adm_tick_checked,
                            id) == 1)
        {
            adm_checking[adm_nchecking++] = id;

        } else {
            free(id);
        }
    }
}


/*
 * One transition per change: the first live window whose stored status is
 * not what the clock says, or else whose reminder is due (the reminder is
 * a change too, so that its event is in the outbox with it, once).  A
 * window with terminate_sessions that starts here ends its sessions in
 * the same change (resources/write.c).
 */

static int
adm_tick_compute(void *ctx, adm_view_t *v, adm_change_t *c)
{
    size_t         i;
    json_t        *rec, *next;
    int64_t        now;
    adm_status_e   st;

    now = v->now_ms / 1000;

    if (adm_conf.nprechecks > 0) {
        adm_tick_checks(v);
    }

    json_array_foreach(v->live, i, rec) {
        st = adm_window_effective(rec, now);

        if (st == adm_window_status(rec)) {
            continue;
        }

        next = adm_window_view(rec, now);
        json_object_set_new(next, "updated_at", adm_time_json(now));
        json_object_set_new(next, "updated_by", json_string("system"));
        json_object_set_new(next, "revision", json_integer(
            json_integer_value(json_object_get(rec, "revision")) + 1));

        c->action = st == ADM_ST_IN_PROGRESS ? "window.auto_start"
                                             : "window.auto_complete";
        c->target = json_string_value(json_object_get(next, "id"));
        c->before = json_incref(rec);
        c->after = next;
        c->op = "put";

        *(adm_status_e *) ctx = st;

        return ADM_OK;
    }

    json_array_foreach(v->live, i, rec) {
        if (adm_window_effective(rec, now) != ADM_ST_SCHEDULED
            || !adm_tick_reminder_due(rec, v->settings, now))
        {
            continue;
        }

        next = json_deep_copy(rec);
        json_object_set(next, "reminded_for",
                        json_object_get(rec, "starts_at"));

        c->action = "window.reminder";
        c->target = json_string_value(json_object_get(next, "id"));
        c->before = json_incref(rec);
        c->after = next;
        c->op = "put";

        *(adm_status_e *) ctx = ADM_ST_SCHEDULED;

        return ADM_OK;
    }

    *(adm_status_e *) ctx = ADM_ST_SCHEDULED;

    return adm_tick_series(v, c) ? ADM_OK : ADM_NOTHING;
}


/* one change with actor "system": 1 made, 0 none to make, -1 failed */

static int
adm_tick_one(void)
{
    int           rc;
    adm_status_e  st;

    rc = adm_write_system("window.auto", NULL, adm_tick_compute, &st);

    if (rc == ADM_OK) {
        if (st != ADM_ST_SCHEDULED) {
            adm_count(st == ADM_ST_IN_PROGRESS ? ADM_METRIC_AUTO_START
                                               : ADM_METRIC_AUTO_COMPLETE);
        }

        return 1;
    }

    return rc == ADM_NOTHING ? 0 : -1;
}


void
adm_tick(void)
{
    int            n, rc;
    static int     skip;

    /* Redis failing: try every fifth tick only, not to stall requests */
    if (skip > 0) {
        skip--;
        return;
    }

    /* a few per tick at most; the next tick continues */
    for (n = 0; n < 16; n++) {
        rc = adm_tick_one();

        if (rc < 0) {
            skip = 4;
        }

        if (rc != 1) {
            break;
        }
    }
}
