/*
 * series.c: the /v1/series resource: recurring windows.  A series is
 * created, read with its next occurrences, told to skip an occurrence,
 * and deleted; each occurrence within the horizon (series_horizon) is a
 * window of its own, made in the same change as the series (and later by
 * the ticker, adm_series_extend()), edited, started and completed through
 * /v1/windows like any other.  The model: model/series.c.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "http/http.h"
#include "http/query.h"
#include "model/series.h"
#include "model/times.h"
#include "model/window.h"
#include "resources/change.h"
#include "resources/series.h"
#include "resources/windows.h"
#include "resources/write.h"
#include "store/reads.h"
#include "store/store.h"


/* windows one change makes at most: the ticker makes the rest */
#define ADM_SERIES_MAKE_MAX  64


static int
adm_invalid(adm_req_t *r, json_t *errors)
{
    return adm_problem(r, 422, ADM_P_VALIDATION, "Invalid series", NULL,
                       errors, NULL);
}


static json_t *
adm_more_entry(const char *action, json_t *before, json_t *after)
{
    return json_pack("{s:s, s:O, s:o}", "action", action,
                     "before", before ? before : json_null(), "after", after);
}


/*
 * The windows of the series' occurrences due within the horizon, as the
 * change's other windows; the series records how far they are made.  An
 * occurrence that would overlap another window: *conflict (with its
 * occurrence in *at) when the caller refuses it, else skipped with the
 * reason (the ticker: it happens later, to a series created before).
 */

int
adm_series_extend(json_t *series, json_t *live, int64_t now_ms,
    const char *actor, json_t **more, json_t **conflict, char *at,
    size_t atlen)
{
    int               i, n;
    char              why[256];
    json_t           *w, *other, *all;
    adm_recur_occ_t   occ[ADM_SERIES_MAKE_MAX];

    n = adm_series_due(series, now_ms, adm_conf.series_horizon * 1000, occ,
                       ADM_SERIES_MAKE_MAX, why, sizeof(why));

    if (n <= 0) {
        return n;
    }

    all = json_copy(live);

    for (i = 0; i < n; i++) {
        w = adm_series_window(series, &occ[i], actor, now_ms / 1000);
        other = w ? adm_window_conflict(w, all, now_ms / 1000) : NULL;

        if (other && conflict) {
            *conflict = json_incref(other);
            snprintf(at, atlen, "%s", occ[i].local);
            json_decref(w);
            json_decref(all);
            return -1;
        }

        if (other) {
            snprintf(why, sizeof(why), "overlaps window %s",
                     json_string_value(json_object_get(other, "id")));
            adm_series_skip(series, occ[i].local, actor, why,
                            now_ms / 1000);
            json_decref(w);

        } else if (w) {
            json_array_append(all, w);

            if (*more == NULL) {
                *more = json_array();
            }

            json_array_append_new(*more,
                                  adm_more_entry("window.create", NULL, w));
        }

        adm_series_made(series, &occ[i]);
    }

    json_decref(all);

    return n;
}


/*
 * The series as shown: its record and the occurrences given, each with its
 * window when it was made (as it is now: edited, started, cancelled), or
 * "planned", "skipped", or "deleted" (made once, its window deleted
 * since).
 */

static json_t *
adm_series_show(json_t *series, adm_recur_occ_t *occ, int n,
    json_t *windows, int64_t now_ms)
{
    int       i;
    char      id[ADM_SERIES_WINDOW_ID_LEN + 1];
    size_t    k;
    json_t   *out, *next, *item, *w, *win;
    int64_t   made;

    out = json_deep_copy(series);
    next = json_array();
    json_object_set_new(out, "next", next);

    made = adm_window_time_ms(series, "made_through");

    for (i = 0; i < n; i++) {
        adm_series_window_id(series, occ[i].local, id, sizeof(id));

        item = json_pack("{s:s, s:s, s:o, s:o, s:b}",
                         "occurrence", occ[i].local, "window", id,
                         "starts_at", adm_time_json(occ[i].start_ms / 1000),
                         "ends_at", adm_time_json(occ[i].end_ms / 1000),
                         "shifted", occ[i].shifted);

        win = NULL;

        json_array_foreach(windows, k, w) {
            if (strcmp(json_string_value(json_object_get(w, "id")), id)
                == 0)
            {
                win = w;
                break;
            }
        }

        if (win) {
            w = adm_window_view(win, now_ms / 1000);
            json_object_set(item, "starts_at", json_object_get(w, "starts_at"));
            json_object_set(item, "ends_at", json_object_get(w, "ends_at"));
            json_object_set(item, "status", json_object_get(w, "status"));
            json_decref(w);

        } else {
            json_object_set_new(item, "status", json_string(
                adm_series_skipped(series, occ[i].local) ? "skipped"
                : occ[i].start_ms <= made ? "deleted" : "planned"));
        }

        json_array_append_new(next, item);
    }

    return out;
}


/*
 * The series shown with its next count occurrences (those in force now or
 * later), their windows read, and the windows a change makes laid over
 * them (more: its entries).  NULL when Redis fails.
 */

static json_t *
adm_series_next(json_t *series, int64_t now_ms, size_t count, json_t *more)
{
    int               i, n;
    char              id[ADM_SERIES_WINDOW_ID_LEN + 1];
    size_t            k;
    json_t           *ids, *windows, *m, *out;
    adm_recur_occ_t  *occ;

    occ = calloc(count ? count : 1, sizeof(adm_recur_occ_t));
    n = occ ? adm_series_expand(series, now_ms, INT64_MAX / 2, occ, count)
            : 0;
    n = n > 0 ? n : 0;

    ids = json_array();

    for (i = 0; i < n; i++) {
        adm_series_window_id(series, occ[i].local, id, sizeof(id));
        json_array_append_new(ids, json_string(id));
    }

    out = NULL;
    windows = NULL;

    if (adm_store_windows(ids, &windows) == 0) {
        json_array_foreach(more, k, m) {
            json_array_insert(windows, 0, json_object_get(m, "after"));
        }

        out = adm_series_show(series, occ, n, windows, now_ms);
    }

    json_decref(windows);
    json_decref(ids);
    free(occ);

    return out;
}


static size_t
adm_series_count(adm_req_t *r, size_t dflt)
{
    long         n;
    char        *end;
    const char  *q;

    q = adm_query(r, "next");

    if (q == NULL) {
        return dflt;
    }

    n = strtol(q, &end, 10);

    return *end == '\0' && n >= 0 && n <= ADM_SERIES_NEXT_MAX ? (size_t) n
                                                               : (size_t) -1;
}


/*
 * A change's answer: the series as the change leaves it, its windows as
 * read and as the change makes them.  0, or the request answered: -1.
 */

static int
adm_series_result(adm_req_t *r, adm_change_t *c, json_t *series,
    int64_t now_ms)
{
    c->reply = adm_series_next(series, now_ms, ADM_SERIES_NEXT_DEFAULT,
                               c->more);

    if (c->reply == NULL) {
        (void) adm_redis_down(r);
        return -1;
    }

    c->reply_revision = json_integer_value(json_object_get(series,
                                                           "revision"));

    if (c->ok_status == 201) {
        snprintf(c->location, sizeof(c->location), "/v1/series/%s",
                 json_string_value(json_object_get(series, "id")));
    }

    return 0;
}


static int
adm_series_reply(adm_req_t *r, json_t *series, size_t count)
{
    json_t   *out;
    int64_t   now;

    out = adm_store_now(&now) == 0 ? adm_series_next(series, now, count,
                                                     NULL)
                                   : NULL;

    if (out == NULL) {
        return adm_redis_down(r);
    }

    adm_reply_json(r, 200, out);
    adm_etag(r, json_integer_value(json_object_get(series, "revision")));

    return 0;
}


/*
 * A new series' windows within the horizon, into the change; an
 * occurrence that would overlap a window refuses it (409), but in a dry
 * run, which shows it skipped.  0, or the request answered: -1.
 */

static int
adm_series_make(adm_req_t *r, json_t *live, int64_t now_ms, adm_change_t *c,
    json_t *series)
{
    char     at[ADM_RECUR_LOCAL_LEN + 1], detail[320];
    json_t  *other;

    other = NULL;

    if (adm_series_extend(series, live, now_ms, r->token->name, &c->more,
                          c->dry_run ? NULL : &other, at, sizeof(at))
        >= 0)
    {
        return 0;
    }

    if (other == NULL) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "the recurrence could not be expanded", NULL,
                           NULL);
    }

    snprintf(detail, sizeof(detail), "the occurrence %s overlaps window %s "
             "(\"%.100s\") for the same app", at,
             json_string_value(json_object_get(other, "id")),
             json_string_value(json_object_get(other, "title")));
    json_decref(other);

    return adm_conflict(r, c->action, detail, NULL);
}


/* --- create -------------------------------------------------------------- */

static int
adm_create_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    json_t  *fields, *errors, *rec;

    errors = json_array();

    if (adm_series_fields(r->json, v->now_ms / 1000, &fields, errors) != 0) {
        return adm_invalid(r, errors);
    }

    json_decref(errors);

    if (adm_window_notify_known(r, v, json_object_get(fields, "window"), 1)
        != 0)
    {
        json_decref(fields);
        return -1;
    }

    rec = adm_series_new(c->data, fields, r->token->name, v->now_ms / 1000);
    json_decref(fields);

    if (adm_series_make(r, v->live, v->now_ms, c, rec) != 0) {
        json_decref(rec);
        return -1;
    }

    c->series = json_pack("[o]", rec);
    c->audit_after = json_incref(rec);
    c->ok_status = 201;

    return adm_series_result(r, c, rec, v->now_ms);
}


/* a change that makes a series: its new id is the compute's data */

static int
adm_series_new_write(adm_req_t *r, const char *action, const char *target,
    adm_change_pt compute)
{
    char  id[16];

    if (adm_body(r, 0) != 0) {
        return 0;
    }

    if (adm_series_id(id, sizeof(id)) != 0) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "no randomness for an id", NULL, NULL);
    }

    return adm_write(r, action, target ? target : id, compute, id);
}


int
adm_series_create(adm_req_t *r)
{
    return adm_series_new_write(r, "series.create", NULL,
                                adm_create_compute);
}


/* --- read ---------------------------------------------------------------- */

int
adm_series_get(adm_req_t *r)
{
    int      rc;
    size_t   count;
    json_t  *rec;

    count = adm_series_count(r, ADM_SERIES_NEXT_DEFAULT);

    if (count == (size_t) -1) {
        return adm_invalid(r, json_pack("[{s:s, s:s}]", "field", "next",
                                        "reason", "must be 0 to 100"));
    }

    if (adm_store_series(r->id, &rec) != 0) {
        return adm_redis_down(r);
    }

    if (rec == NULL) {
        return adm_problem(r, 404, ADM_P_NOT_FOUND, "Not found",
                           "no such series", NULL, NULL);
    }

    rc = adm_series_reply(r, rec, count);
    json_decref(rec);

    return rc;
}


int
adm_series_list(adm_req_t *r)
{
    size_t       i, count;
    json_t      *items, *rec, *one;
    adm_view_t   v;

    count = adm_series_count(r, 3);

    if (count == (size_t) -1) {
        return adm_invalid(r, json_pack("[{s:s, s:s}]", "field", "next",
                                        "reason", "must be 0 to 100"));
    }

    if (adm_store_view(&v) != ADM_OK) {
        return adm_redis_down(r);
    }

    items = json_array();

    json_array_foreach(v.series, i, rec) {
        one = adm_series_next(rec, v.now_ms, count, NULL);

        if (one == NULL) {
            json_decref(items);
            adm_view_free(&v);
            return adm_redis_down(r);
        }

        json_array_append_new(items, one);
    }

    adm_view_free(&v);

    return adm_reply_json(r, 200, json_pack("{s:o}", "items", items));
}


/* the series r->id in the view, checked against If-Match */

static json_t *
adm_series_load(adm_req_t *r, adm_view_t *v, const char *action)
{
    size_t   i;
    json_t  *rec;

    json_array_foreach(v->series, i, rec) {
        if (strcmp(json_string_value(json_object_get(rec, "id")), r->id)
            == 0)
        {
            return adm_if_match(r, rec, action) == 0 ? rec : NULL;
        }
    }

    (void) adm_problem(r, 404, ADM_P_NOT_FOUND, "Not found",
                       "no such series", NULL, NULL);

    return NULL;
}


/* a made occurrence still scheduled, cancelled with its series' change */

static json_t *
adm_cancelled(json_t *w, const char *why, const char *actor, int64_t now)
{
    json_t  *after;

    after = json_deep_copy(w);
    json_object_set_new(after, "status",
                        json_string(adm_status_name(ADM_ST_CANCELLED)));
    json_object_set_new(after, "completion_notes", json_string(why));
    json_object_set_new(after, "actual_end", adm_time_json(now));
    adm_window_touch(after, actor, now);

    return adm_more_entry("window.cancel", w, after);
}


/* --- delete -------------------------------------------------------------- */

static int
adm_delete_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    size_t   i;
    json_t  *rec, *w;
    int64_t  now;

    rec = adm_series_load(r, v, c->action);

    if (rec == NULL) {
        return -1;
    }

    now = v->now_ms / 1000;

    /* its windows yet to start go with it; one in progress runs on */
    json_array_foreach(v->live, i, w) {
        if (json_equal(json_object_get(w, "series"),
                       json_object_get(rec, "id"))
            && adm_window_effective(w, now) == ADM_ST_SCHEDULED)
        {
            if (c->more == NULL) {
                c->more = json_array();
            }

            json_array_append_new(c->more, adm_cancelled(w, "series deleted",
                                                         r->token->name,
                                                         now));
        }
    }

    c->series_del = r->id;
    c->audit_before = json_incref(rec);

    return 0;
}


int
adm_series_delete(adm_req_t *r)
{
    return adm_write(r, "series.delete", r->id, adm_delete_compute, NULL);
}


/*
 * The occurrence named in the body's field (its local start, or its
 * window's id), one of the next ones that has not begun; NULL names the
 * next one that has not begun.  0, or the request answered (422): -1.
 */

static int
adm_series_find(adm_req_t *r, json_t *series, int64_t now_ms,
    const char *field, adm_recur_occ_t *o)
{
    int               i, n;
    size_t            idlen;
    const char       *s, *id;
    adm_recur_occ_t  *occ;

    s = field ? json_string_value(json_object_get(r->json, field)) : NULL;
    id = json_string_value(json_object_get(series, "id"));
    idlen = strlen(id);

    if (s && strncmp(s, id, idlen) == 0 && s[idlen] == '-') {
        s += idlen + 1;
    }

    if (field && (s == NULL || strlen(s) != ADM_RECUR_LOCAL_LEN)) {
        return adm_invalid(r, json_pack("[{s:s, s:s}]", "field", field,
            "reason", "must be an occurrence's local start, like "
            "20270328T023000, or its window's id"));
    }

    occ = calloc(ADM_SERIES_FIND_MAX, sizeof(adm_recur_occ_t));
    n = occ ? adm_series_expand(series, now_ms, INT64_MAX / 2, occ,
                                ADM_SERIES_FIND_MAX)
            : 0;

    for (i = 0; i < n && (occ[i].start_ms <= now_ms
                          || (s && strcmp(occ[i].local, s) != 0)); i++)
    {
        /* void */
    }

    if (i >= n) {
        free(occ);
        return adm_invalid(r, json_pack("[{s:s, s:s}]",
            "field", field ? field : "from",
            "reason", field ? "is not one of the series' next 1000 "
                              "occurrences that have not started"
                            : "the series has no occurrence to come"));
    }

    *o = occ[i];
    free(occ);

    return 0;
}


/* --- this occurrence and the following: the series continued --------- */

/* "20270328T040000" as a recurrence's start: "2027-03-28T04:00:00" */

static void
adm_local_start(const char *local, char *out, size_t len)
{
    snprintf(out, len, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s", local, local + 4,
             local + 6, local + 9, local + 11, local + 13);
}


/*
 * The rule of the series that continues this one from occurrence o: the
 * same, but a COUNT counts what is left of it.
 */

static json_t *
adm_rule_rest(json_t *series, const adm_recur_occ_t *o)
{
    int               n;
    char              rule[ADM_RECUR_RULE_MAX + 16];
    const char       *old, *p, *end;
    long              count;
    adm_recur_occ_t  *occ;

    old = json_string_value(json_object_get(json_object_get(series,
                                                "recurrence"), "rule"));
    p = old ? strstr(old, "COUNT=") : NULL;

    if (p == NULL) {
        return json_string(old ? old : "");
    }

    count = strtol(p + 6, (char **) &end, 10);

    occ = calloc(ADM_RECUR_COUNT_MAX, sizeof(adm_recur_occ_t));
    n = occ ? adm_series_expand(series, 0, o->start_ms, occ,
                                ADM_RECUR_COUNT_MAX)
            : -1;
    free(occ);

    snprintf(rule, sizeof(rule), "%.*sCOUNT=%ld%s", (int) (p - old), old,
             n >= 0 && count > n ? count - n : 1, end);

    return json_string(rule);
}


/*
 * The body of the series that continues this one from o: this one's
 * window fields and recurrence, with what the request changes; its start
 * o's local start unless the request gives one.
 */

static json_t *
adm_continued_body(adm_req_t *r, json_t *series, const adm_recur_occ_t *o)
{
    char         start[32];
    json_t      *body, *rec, *v;
    const char  *key;

    body = json_deep_copy(json_object_get(series, "window"));
    rec = json_deep_copy(json_object_get(series, "recurrence"));

    adm_local_start(o->local, start, sizeof(start));
    json_object_set_new(rec, "start", json_string(start));
    json_object_set_new(rec, "rule", adm_rule_rest(series, o));

    json_object_foreach(r->json, key, v) {
        if (strcmp(key, "recurrence") == 0 && json_is_object(v)) {
            json_object_update(rec, v);

        } else if (strcmp(key, "recurrence") == 0) {
            json_object_set(body, key, v);   /* refused as it is */

        } else if (strcmp(key, "from") != 0) {
            json_object_set(body, key, v);
        }
    }

    json_object_set_new(body, "recurrence", rec);

    return body;
}


/*
 * The windows of this series from o on that have not begun: cancelled,
 * the series that continues it makes its own; *live the live windows
 * without them.
 */

static void
adm_continued_windows(json_t *series, const adm_recur_occ_t *o,
    const char *next_id, adm_view_t *v, adm_change_t *c, const char *actor,
    json_t **live)
{
    char     why[64];
    size_t   i;
    json_t  *w;
    int64_t  now;

    now = v->now_ms / 1000;
    *live = json_array();
    snprintf(why, sizeof(why), "continued by series %s", next_id);

    json_array_foreach(v->live, i, w) {
        if (json_equal(json_object_get(w, "series"),
                       json_object_get(series, "id"))
            && strcmp(json_string_value(json_object_get(w, "occurrence")),
                      o->local) >= 0
            && adm_window_effective(w, now) == ADM_ST_SCHEDULED)
        {
            if (c->more == NULL) {
                c->more = json_array();
            }

            json_array_append_new(c->more, adm_cancelled(w, why, actor, now));
            continue;
        }

        json_array_append(*live, w);
    }
}


static int
adm_patch_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    int               rc;
    json_t           *rec, *body, *fields, *errors, *next, *old, *live;
    const char       *actor;
    adm_recur_occ_t   o;

    rec = adm_series_load(r, v, c->action);

    if (rec == NULL) {
        return -1;
    }

    if (json_is_string(json_object_get(rec, "continued_by"))) {
        return adm_conflict(r, c->action, "this series is continued by "
                            "another (continued_by): change that one", NULL);
    }

    if (adm_series_find(r, rec, v->now_ms, json_object_get(r->json, "from")
                                           ? "from" : NULL, &o)
        != 0)
    {
        return -1;
    }

    actor = r->token->name;
    body = adm_continued_body(r, rec, &o);
    errors = json_array();

    if (adm_series_fields(body, v->now_ms / 1000, &fields, errors) != 0) {
        json_decref(body);
        return adm_invalid(r, errors);
    }

    json_decref(body);
    json_decref(errors);

    next = adm_series_new(c->data, fields, actor, v->now_ms / 1000);
    json_decref(fields);
    json_object_set(next, "continues", json_object_get(rec, "id"));

    old = json_deep_copy(rec);
    adm_window_set_time(old, "until", o.start_ms / 1000);
    json_object_set_new(old, "continued_by", json_string(c->data));
    adm_window_touch(old, actor, v->now_ms / 1000);

    adm_continued_windows(rec, &o, c->data, v, c, actor, &live);

    rc = adm_series_make(r, live, v->now_ms, c, next);
    json_decref(live);

    if (rc != 0) {
        json_decref(next);
        json_decref(old);
        return -1;
    }

    c->series = json_pack("[o, O]", old, next);
    c->audit_before = json_incref(rec);
    c->audit_after = json_pack("{s:O, s:O}", "series", old,
                               "continued_as", next);
    c->ok_status = 201;

    (void) adm_series_result(r, c, next, v->now_ms);
    json_decref(next);

    return r->response ? -1 : 0;
}


int
adm_series_patch(adm_req_t *r)
{
    return adm_series_new_write(r, "series.update", r->id,
                                adm_patch_compute);
}


/* --- skip ---------------------------------------------------------------- */

static int
adm_skip_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    char              id[ADM_SERIES_WINDOW_ID_LEN + 1];
    const char       *local;
    json_t           *rec, *next, *w;
    int64_t           now;
    adm_status_e      st;
    adm_recur_occ_t   o;

    rec = adm_series_load(r, v, c->action);

    if (rec == NULL
        || adm_series_find(r, rec, v->now_ms, "occurrence", &o) != 0)
    {
        return -1;
    }

    local = o.local;

    now = v->now_ms / 1000;

    if (adm_series_skipped(rec, local)) {
        return adm_conflict(r, c->action, "that occurrence is skipped "
                            "already", NULL);
    }

    adm_series_window_id(rec, local, id, sizeof(id));

    if (adm_store_window(id, &w) != 0) {
        return adm_redis_down(r);
    }

    st = w ? adm_window_effective(w, now) : ADM_ST_CANCELLED;

    if (st != ADM_ST_SCHEDULED && st != ADM_ST_CANCELLED) {
        json_decref(w);
        return adm_conflict(r, c->action, "that occurrence's window has "
                            "started (moved earlier): complete it instead",
                            NULL);
    }

    if (st == ADM_ST_SCHEDULED) {
        c->more = json_array();
        json_array_append_new(c->more, adm_cancelled(w, "occurrence "
                                                     "skipped",
                                                     r->token->name, now));
    }

    json_decref(w);

    next = json_deep_copy(rec);
    adm_series_skip(next, local, r->token->name, "skipped", now);
    adm_window_touch(next, r->token->name, now);

    c->series = json_pack("[o]", next);
    c->audit_before = json_incref(rec);
    c->audit_after = json_incref(next);

    return adm_series_result(r, c, next, v->now_ms);
}


int
adm_series_skip_one(adm_req_t *r)
{
    if (adm_body(r, 0) != 0) {
        return 0;
    }

    return adm_write(r, "series.skip", r->id, adm_skip_compute, NULL);
}
