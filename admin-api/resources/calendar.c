/*
 * calendar.c: GET /v1/calendar.ics, the windows as an iCalendar feed (RFC
 * 5545) that calendar programs subscribe to: the windows to come and under
 * way, and those finished in the last 30 days (model/window_ical.c says
 * which, and how each one reads), of the apps in ?app= (names separated
 * by commas, or the argument repeated; none: every app).  Any token may
 * read it, and a feed token also as ?token= (http/auth.c).  The text
 * depends only on the state and the clock, and its ETag is a hash of it:
 * a program that asks with If-None-Match gets 304 until something changes.
 *
 * Which windows are looked at: the live ones (scheduled, in progress),
 * and those of the index whose start is after now - 30 days -
 * max_window_duration (the index is ordered by starts_at).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_codec.h"
#include "maint_hash.h"
#include "maint_names.h"
#include "admin.h"
#include "config.h"
#include "http/http.h"
#include "http/query.h"
#include "model/ical.h"
#include "model/times.h"
#include "model/window.h"
#include "model/window_ical.h"
#include "resources/calendar.h"
#include "resources/change.h"
#include "store/reads.h"
#include "store/store.h"


#define ADM_CAL_MAX_APPS   64
#define ADM_CAL_REFRESH    15           /* minutes, a hint to subscribers */


typedef struct {
    const char  *apps[ADM_CAL_MAX_APPS];
    size_t       napps;
    char         buf[ADM_CAL_MAX_APPS * 66];
    int64_t      now;
    json_t      *found;                 /* id -> the window's view */
} adm_cal_t;


/* ?app=a,b&app=c: the names, checked; 0, or the 400 queued */

static int
adm_cal_apps(adm_req_t *r, adm_cal_t *c)
{
    char        *p, *tok, *save;
    size_t       i, n, len, used;
    const char  *v[ADM_CAL_MAX_APPS + 1];

    n = adm_query_all(r, "app", v, ADM_CAL_MAX_APPS + 1);
    used = 0;

    if (n > ADM_CAL_MAX_APPS) {
        return adm_bad_query(r, "app", "at most 64 app names");
    }

    for (i = 0; i < n; i++) {
        len = strlen(v[i]);

        if (used + len + 1 >= sizeof(c->buf)) {
            return adm_bad_query(r, "app", "at most 64 app names");
        }

        memcpy(c->buf + used, v[i], len);
        used += len;
        c->buf[used++] = ',';
    }

    c->buf[used ? used - 1 : 0] = '\0';
    p = c->buf;

    for (tok = strtok_r(p, ",", &save); n && tok;
         tok = strtok_r(NULL, ",", &save))
    {
        if (!maint_valid_name(tok, strlen(tok))) {
            return adm_bad_query(r, "app", "must be app names (1 to 64 of "
                                 "A-Z a-z 0-9 . _ -) separated by commas");
        }

        if (c->napps == ADM_CAL_MAX_APPS) {
            return adm_bad_query(r, "app", "at most 64 app names");
        }

        c->apps[c->napps++] = tok;
    }

    if (n && c->napps == 0) {
        return adm_bad_query(r, "app", "must be app names (1 to 64 of "
                             "A-Z a-z 0-9 . _ -) separated by commas");
    }

    return 0;
}


/* a window for every app ("*") or one of the apps asked for */

static int
adm_cal_for_apps(adm_cal_t *c, json_t *rec)
{
    size_t       i, j;
    json_t      *a;
    const char  *s;

    if (c->napps == 0) {
        return 1;
    }

    json_array_foreach(json_object_get(rec, "apps"), i, a) {
        s = json_string_value(a);

        for (j = 0; s && j < c->napps; j++) {
            if (strcmp(s, "*") == 0 || strcmp(s, c->apps[j]) == 0) {
                return 1;
            }
        }
    }

    return 0;
}


static void
adm_cal_consider(adm_cal_t *c, json_t *rec)
{
    json_t      *view;
    const char  *id;

    id = json_string_value(json_object_get(rec, "id"));

    if (id == NULL || json_object_get(c->found, id)
        || !adm_cal_for_apps(c, rec))
    {
        return;
    }

    view = adm_window_view(rec, c->now);

    if (view && adm_window_ical_listed(view, c->now)) {
        json_object_set_new(c->found, id, view);

    } else {
        json_decref(view);
    }
}


/*
 * The windows of the feed, into c->found: the live ones, then the index
 * from the latest start down to the oldest start a recent window can have.
 */

static int
adm_cal_collect(adm_cal_t *c)
{
    size_t       i, offset;
    json_t      *ids, *recs, *rec;
    int64_t      oldest, start;
    adm_view_t   v;

    if (adm_store_view(&v) != ADM_OK) {
        return ADM_ERROR;
    }

    c->now = v.now_ms / 1000;
    oldest = c->now - ADM_ICAL_RECENT - adm_conf.max_duration;

    json_array_foreach(v.live, i, rec) {
        adm_cal_consider(c, rec);
    }

    adm_view_free(&v);

    for (offset = 0; ; offset += ADM_SCAN_BATCH) {
        if (adm_store_list_ids(-1, offset, ADM_SCAN_BATCH, &ids) != ADM_OK) {
            return ADM_ERROR;
        }

        if (adm_store_windows(ids, &recs) != ADM_OK) {
            json_decref(ids);
            return ADM_ERROR;
        }

        start = oldest;

        json_array_foreach(recs, i, rec) {
            adm_cal_consider(c, rec);
            start = adm_window_time(rec, "starts_at");
        }

        i = json_array_size(ids);
        json_decref(ids);
        json_decref(recs);

        if (i < ADM_SCAN_BATCH || start < oldest) {
            return ADM_OK;
        }
    }
}


/* the events in the order of their start, then of their id */

static int
adm_cal_order(const void *a, const void *b)
{
    int64_t      sa, sb;
    json_t      *x = *(json_t *const *) a, *y = *(json_t *const *) b;

    sa = adm_window_begin(x);
    sb = adm_window_begin(y);

    if (sa != sb) {
        return sa < sb ? -1 : 1;
    }

    return strcmp(json_string_value(json_object_get(x, "id")),
                  json_string_value(json_object_get(y, "id")));
}


/* the feed's text, to be freed; NULL when out of memory */

static char *
adm_cal_text(adm_cal_t *c, size_t *len)
{
    char            name[128];
    size_t          i, n;
    json_t        **events, *view;
    const char     *id;
    adm_ical_t      ic;
    adm_ical_cal_t  cal;

    n = json_object_size(c->found);
    events = calloc(n ? n : 1, sizeof(json_t *));
    if (events == NULL) {
        return NULL;
    }

    i = 0;
    json_object_foreach(c->found, id, view) {
        events[i++] = view;
    }

    qsort(events, n, sizeof(json_t *), adm_cal_order);

    /* "Maintenance: crm, shop" when the feed is for some apps */
    snprintf(name, sizeof(name), "Maintenance%s", c->napps ? ": " : "");

    for (i = 0; i < c->napps && strlen(name) + 70 < sizeof(name); i++) {
        strcat(name, i ? ", " : "");
        strcat(name, c->apps[i]);
    }

    memset(&cal, 0, sizeof(cal));
    cal.method = "PUBLISH";
    cal.name = name;
    cal.description = "Maintenance windows: scheduled, in progress, and "
                      "finished in the last 30 days";
    cal.refresh_minutes = ADM_CAL_REFRESH;

    adm_ical_init(&ic);
    adm_ical_begin(&ic, &cal);

    for (i = 0; i < n; i++) {
        (void) adm_window_ical(&ic, events[i], adm_conf.calendar_domain);
    }

    adm_ical_end(&ic);
    free(events);

    return adm_ical_take(&ic, len);
}


/* If-None-Match names etag, or is "*" */

static int
adm_cal_unchanged(adm_req_t *r, const char *etag)
{
    const char  *inm;

    inm = adm_header_in(r, "If-None-Match");

    return inm != NULL && (strcmp(inm, "*") == 0 || strstr(inm, etag));
}


int
adm_calendar(adm_req_t *r)
{
    int            rc;
    char          *text, etag[36];
    size_t         len;
    unsigned char  h[32];
    adm_cal_t     *c;

    c = calloc(1, sizeof(adm_cal_t));
    if (c == NULL) {
        return -1;
    }

    rc = adm_cal_apps(r, c);
    if (rc != 0) {
        free(c);
        return rc;
    }

    c->found = json_object();

    if (adm_cal_collect(c) != ADM_OK) {
        json_decref(c->found);
        free(c);
        return adm_redis_down(r);
    }

    text = adm_cal_text(c, &len);
    json_decref(c->found);
    free(c);

    if (text == NULL) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "out of memory", NULL, NULL);
    }

    /* 128 bits of the text's SHA-256, quoted */
    maint_sha256(text, len, h);
    etag[0] = '"';
    maint_hex(h, 16, etag + 1);
    memcpy(etag + 33, "\"", 2);

    rc = adm_cal_unchanged(r, etag)
         ? adm_reply_empty(r, 304)
         : adm_reply_text(r, 200, "text/calendar; charset=utf-8", text, len);
    free(text);

    adm_header(r, "ETag", etag);
    adm_cache_control(r, "private, no-cache");

    if (rc == 200) {
        adm_header(r, "Content-Disposition",
                   "inline; filename=\"maintenance.ics\"");
    }

    return rc;
}
