/*
 * series.c: the series model.  A series is a recurrence and the window
 * every occurrence becomes; the daemon makes the windows of the
 * occurrences that start within its horizon (resources/series.c at
 * creation, ticker.c after), each with an id derived from the series and
 * the occurrence's local start, so that a window made once is never made
 * again: skipped, edited, cancelled or deleted, it stays so.  The gateways
 * only ever see windows.  Decisions: docs/design.md, "Recurring windows".
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "model/series.h"
#include "model/times.h"
#include "model/window.h"


int
adm_series_id(char *out, size_t len)
{
    if (adm_window_id(out, len) != 0) {
        return -1;
    }

    out[0] = 's';

    return 0;
}


static const char *
adm_string_of(json_t *o, const char *key)
{
    const char  *s;

    s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}


/*
 * The recurrence's fields, checked by the recurrence model itself; *rec
 * the normalised object.  The first occurrence that starts after now,
 * in *first: the window's fields are checked as that window's.
 */

static int
adm_series_recurrence(json_t *in, int64_t now, json_t **rec,
    adm_recur_occ_t *first, json_t *errors)
{
    int           i, n;
    char          why[256], field[64];
    json_t       *d, *v;
    int64_t       minutes;
    const char   *key, *bad;
    adm_recur_t  *r;
    adm_recur_occ_t  occ[2];

    if (!json_is_object(in)) {
        return adm_refuse(errors, "recurrence", "must be an object with "
                          "rule, start, time_zone and duration_minutes");
    }

    json_object_foreach(in, key, v) {
        if (strcmp(key, "rule") != 0 && strcmp(key, "start") != 0
            && strcmp(key, "time_zone") != 0
            && strcmp(key, "duration_minutes") != 0)
        {
            snprintf(field, sizeof(field), "recurrence.%.40s", key);
            adm_refuse(errors, field, "is not a known field");
        }
    }

    d = json_object_get(in, "duration_minutes");
    minutes = json_is_integer(d) ? json_integer_value(d) : 0;

    if (minutes < 1 || minutes > adm_conf.max_duration / 60) {
        snprintf(why, sizeof(why), "must be a whole number of minutes from "
                 "1 to %lld (max_window_duration)",
                 (long long) (adm_conf.max_duration / 60));
        return adm_refuse(errors, "recurrence.duration_minutes", why);
    }

    if (json_array_size(errors)) {
        return -1;
    }

    bad = NULL;
    r = adm_recur_new(adm_string_of(in, "rule"), adm_string_of(in, "start"),
                      adm_string_of(in, "time_zone"), minutes * 60, &bad,
                      why, sizeof(why));

    if (r == NULL) {
        snprintf(field, sizeof(field), "recurrence.%s",
                 bad && strcmp(bad, "duration") != 0 ? bad
                                                     : "duration_minutes");
        return adm_refuse(errors, field, why);
    }

    /* the first to start after now; one in force now is not made */
    n = adm_recur_expand(r, now * 1000, INT64_MAX / 2, occ, 2);

    for (i = 0; i < n && occ[i].start_ms <= now * 1000; i++) {
        /* void */
    }

    if (i == n) {
        adm_recur_free(r);
        return adm_refuse(errors, "recurrence", "has no occurrence that "
                          "starts after now");
    }

    *first = occ[i];
    *rec = json_pack("{s:s, s:s, s:s, s:I}",
                     "rule", adm_recur_rule(r),
                     "start", adm_string_of(in, "start"),
                     "time_zone", adm_string_of(in, "time_zone"),
                     "duration_minutes", (json_int_t) minutes);
    adm_recur_free(r);

    return 0;
}


int
adm_series_fields(json_t *in, int64_t now, json_t **out, json_t *errors)
{
    json_t          *rec, *body, *fields;
    adm_recur_occ_t  first = { 0 };

    *out = NULL;

    if (json_object_get(in, "starts_at") || json_object_get(in, "ends_at")) {
        return adm_refuse(errors, json_object_get(in, "starts_at")
                                  ? "starts_at" : "ends_at",
                          "is set by each occurrence: give recurrence.start "
                          "and recurrence.duration_minutes");
    }

    rec = NULL;

    if (adm_series_recurrence(json_object_get(in, "recurrence"), now, &rec,
                              &first, errors)
        != 0)
    {
        return -1;
    }

    /* the window's fields, checked as those of the first occurrence's */
    body = json_deep_copy(in);
    json_object_del(body, "recurrence");
    json_object_set_new(body, "starts_at",
                        adm_time_json(first.start_ms / 1000));
    json_object_set_new(body, "ends_at", adm_time_json(first.end_ms / 1000));

    fields = json_object();
    adm_window_fields(body, 1, now, fields, errors);
    json_decref(body);

    if (json_array_size(errors)) {
        json_decref(rec);
        json_decref(fields);
        return -1;
    }

    json_object_del(fields, "starts_at");
    json_object_del(fields, "ends_at");

    *out = json_pack("{s:o, s:o}", "recurrence", rec, "window", fields);

    return 0;
}


json_t *
adm_series_new(const char *id, json_t *fields, const char *actor,
    int64_t now)
{
    return json_pack("{s:s, s:O, s:O, s:[], s:n, s:o, s:s, s:o, s:s, s:i}",
                     "id", id,
                     "recurrence", json_object_get(fields, "recurrence"),
                     "window", json_object_get(fields, "window"),
                     "skipped",
                     "made_through",
                     "created_at", adm_time_json(now),
                     "created_by", actor,
                     "updated_at", adm_time_json(now),
                     "updated_by", actor,
                     "revision", 1);
}


adm_recur_t *
adm_series_recur(json_t *series, char *why, size_t len)
{
    json_t       *rec;
    const char   *field;

    rec = json_object_get(series, "recurrence");

    return adm_recur_new(adm_string_of(rec, "rule"),
                         adm_string_of(rec, "start"),
                         adm_string_of(rec, "time_zone"),
                         json_integer_value(json_object_get(rec,
                                                "duration_minutes")) * 60,
                         &field, why, len);
}


void
adm_series_window_id(json_t *series, const char *local, char *out,
    size_t len)
{
    snprintf(out, len, "%s-%s", adm_string_of(series, "id"), local);
}


json_t *
adm_series_window(json_t *series, const adm_recur_occ_t *o,
    const char *actor, int64_t now)
{
    char     id[ADM_SERIES_WINDOW_ID_LEN + 1];
    json_t  *rec;

    adm_series_window_id(series, o->local, id, sizeof(id));

    rec = adm_window_new(id, json_object_get(series, "window"), actor, now);

    if (rec == NULL) {
        return NULL;
    }

    adm_window_set_time(rec, "starts_at", o->start_ms / 1000);
    adm_window_set_time(rec, "ends_at", o->end_ms / 1000);
    json_object_set(rec, "series", json_object_get(series, "id"));
    json_object_set_new(rec, "occurrence", json_string(o->local));

    return rec;
}


json_t *
adm_series_skipped(json_t *series, const char *local)
{
    size_t   i;
    json_t  *s;

    json_array_foreach(json_object_get(series, "skipped"), i, s) {
        if (strcmp(adm_string_of(s, "occurrence"), local) == 0) {
            return s;
        }
    }

    return NULL;
}


void
adm_series_skip(json_t *series, const char *local, const char *actor,
    const char *reason, int64_t now)
{
    json_t  *list;

    list = json_object_get(series, "skipped");

    if (!json_is_array(list)) {
        list = json_array();
        json_object_set_new(series, "skipped", list);
    }

    /* bounded: the first skipped goes first, most likely long past */
    while (json_array_size(list) >= ADM_SERIES_SKIPPED_MAX) {
        json_array_remove(list, 0);
    }

    json_array_append_new(list, json_pack("{s:s, s:o, s:s, s:s}",
                                          "occurrence", local,
                                          "at", adm_time_json(now),
                                          "by", actor,
                                          "reason", reason));
}


int
adm_series_expand(json_t *series, int64_t from_ms, int64_t to_ms,
    adm_recur_occ_t *occ, size_t max)
{
    int           n;
    char          why[256];
    int64_t       until;
    adm_recur_t  *r;

    r = adm_series_recur(series, why, sizeof(why));

    if (r == NULL) {
        return -1;
    }

    /* a series continued by another ends where that one begins */
    until = adm_window_time_ms(series, "until");

    if (until >= 0 && until < to_ms) {
        to_ms = until;
    }

    n = adm_recur_expand(r, from_ms, to_ms, occ, max);
    adm_recur_free(r);

    return n;
}


int
adm_series_due(json_t *series, int64_t now_ms, int64_t horizon_ms,
    adm_recur_occ_t *occ, size_t max, char *why, size_t len)
{
    int               i, n;
    size_t            k;
    int64_t           from, made;
    adm_recur_occ_t  *all;

    made = adm_window_time_ms(series, "made_through");
    from = made > now_ms ? made : now_ms;

    all = calloc(ADM_SERIES_FIND_MAX, sizeof(adm_recur_occ_t));
    n = all ? adm_series_expand(series, from, now_ms + horizon_ms, all,
                                ADM_SERIES_FIND_MAX)
            : -1;

    if (n < 0) {
        snprintf(why, len, "the recurrence could not be expanded");
        free(all);
        return -1;
    }

    for (i = 0, k = 0; i < n && k < max; i++) {
        if (all[i].start_ms > from
            && adm_series_skipped(series, all[i].local) == NULL)
        {
            occ[k++] = all[i];
        }
    }

    free(all);

    return (int) k;
}


void
adm_series_made(json_t *series, const adm_recur_occ_t *o)
{
    adm_window_set_time(series, "made_through", o->start_ms / 1000);
}
