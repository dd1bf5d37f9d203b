/*
 * windows.c: the /v1/windows resource: list, create, read, change, delete,
 * and the lifecycle calls start, complete and cancel.  Each write is a
 * compute function run by adm_write() on a fresh view of the state.  In a
 * dry run an overlap is not refused: the "overlaps" precheck reports it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "maint_time.h"
#include "admin.h"
#include "http/http.h"
#include "http/query.h"
#include "model/bodies.h"
#include "model/precheck.h"
#include "model/times.h"
#include "model/window.h"
#include "outbound/probe.h"
#include "resources/change.h"
#include "resources/windows.h"
#include "resources/write.h"
#include "store/reads.h"
#include "store/store.h"


static int
adm_invalid(adm_req_t *r, json_t *errors)
{
    return adm_problem(r, 422, ADM_P_VALIDATION, "Invalid window", NULL,
                       errors, NULL);
}


static int
adm_overlap(adm_req_t *r, const char *action, json_t *other)
{
    char  detail[256];

    snprintf(detail, sizeof(detail), "overlaps window %s (\"%.100s\") for "
             "the same app",
             json_string_value(json_object_get(other, "id")),
             json_string_value(json_object_get(other, "title")));

    return adm_conflict(r, action, detail,
                        json_pack("{s:{s:O, s:O, s:O, s:O}}",
                                  "conflicting_window",
                                  "id", json_object_get(other, "id"),
                                  "title", json_object_get(other, "title"),
                                  "starts_at",
                                  json_object_get(other, "starts_at"),
                                  "ends_at",
                                  json_object_get(other, "ends_at")));
}


/* the stored record of r->id, checked against If-Match */

static int
adm_load(adm_req_t *r, const char *action, json_t **rec)
{
    if (adm_store_window(r->id, rec) != 0) {
        return adm_redis_down(r);
    }

    if (*rec == NULL) {
        return adm_problem(r, 404, ADM_P_NOT_FOUND, "Not found",
                           "no such window", NULL, NULL);
    }

    if (adm_if_match(r, *rec, action) != 0) {
        json_decref(*rec);
        *rec = NULL;
        return (int) r->status;
    }

    return 0;
}


/* record the automatic start a write would otherwise hide */

static void
adm_catch_up(json_t *rec, int64_t now)
{
    adm_status_e  st;

    st = adm_window_effective(rec, now);

    if (st != ADM_ST_SCHEDULED && adm_window_status(rec) == ADM_ST_SCHEDULED) {
        json_object_set_new(rec, "status",
                            json_string(adm_status_name(ADM_ST_IN_PROGRESS)));
        json_object_set(rec, "actual_start", json_object_get(rec, "starts_at"));
    }
}


/*
 * The last step of create, change and start: the new record must not
 * overlap another window (a dry run reports it as a precheck instead);
 * then it is what will be written.  Takes both references.
 */

static int
adm_put(adm_req_t *r, adm_view_t *v, adm_change_t *c, json_t *before,
    json_t *after)
{
    json_t  *other;

    other = c->dry_run ? NULL
                       : adm_window_conflict(after, v->live, v->now_ms / 1000);

    if (other) {
        json_decref(before);
        json_decref(after);
        return adm_overlap(r, c->action, other);
    }

    c->before = before;
    c->after = after;
    c->op = "put";

    return 0;
}


/*
 * The window's notification targets must exist when it names them (one
 * removed later is passed over when an event is sent); a new window
 * without "notify" takes the settings' default list.
 */

int
adm_window_notify_known(adm_req_t *r, adm_view_t *v, json_t *fields,
    int creating)
{
    size_t   i;
    char     reason[160];
    json_t  *names, *name;

    names = json_object_get(fields, "notify");

    if (names == NULL && creating) {
        names = json_object_get(v->settings, "notify_default_targets");
        json_object_set_new(fields, "notify", json_is_array(names)
                                              ? json_deep_copy(names)
                                              : json_array());
        return 0;
    }

    json_array_foreach(names, i, name) {
        if (json_object_get(v->targets, json_string_value(name)) == NULL) {
            snprintf(reason, sizeof(reason), "names \"%s\", which is not a "
                     "notification target (GET /v1/notify/targets)",
                     json_string_value(name));
            (void) adm_invalid(r, json_pack("[{s:s, s:s}]", "field",
                                            "notify", "reason", reason));
            return -1;
        }
    }

    return 0;
}


/* --- create -------------------------------------------------------------- */

static int
adm_create_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    int64_t   now;
    json_t   *fields, *errors, *rec;

    now = v->now_ms / 1000;
    fields = json_object();
    errors = json_array();

    adm_window_fields(r->json, 1, now, fields, errors);

    if (json_array_size(errors)) {
        json_decref(fields);
        return adm_invalid(r, errors);
    }

    adm_window_now_ms(r->json, fields, v->now_ms);

    if (adm_window_notify_known(r, v, fields, 1) != 0) {
        json_decref(fields);
        json_decref(errors);
        return -1;
    }

    rec = adm_window_new(c->data, fields, r->token->name, now);
    json_decref(fields);

    if (adm_window_check(rec, 1, now, errors)) {
        json_decref(rec);
        return adm_invalid(r, errors);
    }

    json_decref(errors);

    /* a window that starts now (or has started) is in progress at once */
    adm_catch_up(rec, now);

    c->ok_status = 201;

    return adm_put(r, v, c, NULL, rec);
}


int
adm_windows_create(adm_req_t *r)
{
    char  id[16];

    if (adm_body(r, 0) != 0) {
        return 0;
    }

    if (adm_window_id(id, sizeof(id)) != 0) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "no randomness for an id", NULL, NULL);
    }

    return adm_write(r, "window.create", id, adm_create_compute, id);
}


/* --- read ---------------------------------------------------------------- */

int
adm_window_get(adm_req_t *r)
{
    int64_t   now;
    json_t   *rec;

    if (adm_store_window(r->id, &rec) != 0 || adm_store_now(&now) != 0) {
        return adm_redis_down(r);
    }

    if (rec == NULL) {
        return adm_problem(r, 404, ADM_P_NOT_FOUND, "Not found",
                           "no such window", NULL, NULL);
    }

    adm_reply_json(r, 200, adm_window_view(rec, now / 1000));
    adm_etag(r, json_integer_value(json_object_get(rec, "revision")));
    json_decref(rec);

    return 0;
}


typedef struct {
    const char     *app;
    unsigned        statuses;       /* bit per adm_status_e, 0: all */
    int64_t         from, to;       /* -1: unbounded */
    const char     *q;
} adm_filter_t;


static int
adm_has_text(json_t *rec, const char *field, const char *q)
{
    const char  *s;

    s = json_string_value(json_object_get(rec, field));

    return s != NULL && strcasestr(s, q) != NULL;
}


static int
adm_matches(json_t *rec, adm_filter_t *f, int64_t now)
{
    size_t        i;
    json_t       *a;
    adm_status_e  st;
    int           found;

    if (f->statuses) {
        st = adm_window_effective(rec, now);

        if (!(f->statuses & (1u << st))) {
            return 0;
        }
    }

    if (f->from >= 0 && adm_window_time(rec, "ends_at") <= f->from) {
        return 0;
    }

    if (f->to >= 0 && adm_window_time(rec, "starts_at") >= f->to) {
        return 0;
    }

    if (f->app) {
        found = 0;

        json_array_foreach(json_object_get(rec, "apps"), i, a) {
            if (strcmp(json_string_value(a), "*") == 0
                || strcmp(json_string_value(a), f->app) == 0)
            {
                found = 1;
            }
        }

        if (!found) {
            return 0;
        }
    }

    if (f->q && *f->q
        && !adm_has_text(rec, "title", f->q)
        && !adm_has_text(rec, "login_message", f->q)
        && !adm_has_text(rec, "notify_message", f->q)
        && !adm_has_text(rec, "notes", f->q))
    {
        return 0;
    }

    return 1;
}


static int
adm_query_time(adm_req_t *r, const char *name, int64_t *t)
{
    const char  *s;

    s = adm_query(r, name);
    *t = -1;

    if (s == NULL) {
        return 0;
    }

    return maint_parse_rfc3339(s, strlen(s), t);
}


int
adm_windows_list(adm_req_t *r)
{
    int           rc;
    char          cursor[32], list[256], *tok, *save;
    long          limit, offset;
    size_t        i, scanned;
    json_t       *items, *ids, *recs, *rec;
    int64_t       now_ms, now;
    const char   *s;
    adm_status_e  st;
    adm_filter_t  f;

    memset(&f, 0, sizeof(f));
    rc = adm_query_page(r, &limit, &offset);
    if (rc != 0) {
        return rc;
    }

    if (adm_query_time(r, "from", &f.from) != 0) {
        return adm_bad_query(r, "from", "must be an RFC 3339 time");
    }

    if (adm_query_time(r, "to", &f.to) != 0) {
        return adm_bad_query(r, "to", "must be an RFC 3339 time");
    }

    f.app = adm_query(r, "app");
    f.q = adm_query(r, "q");

    s = adm_query(r, "status");

    if (s) {
        snprintf(list, sizeof(list), "%s", s);

        for (tok = strtok_r(list, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save))
        {
            if (adm_status_parse(tok, &st) != 0) {
                return adm_bad_query(r, "status", "must be statuses "
                                     "separated by commas");
            }

            f.statuses |= 1u << st;
        }
    }

    if (adm_store_now(&now_ms) != 0) {
        return adm_redis_down(r);
    }

    now = now_ms / 1000;
    items = json_array();
    scanned = 0;
    cursor[0] = '\0';

    /* newest first, scanning in batches until the page is full */

    for ( ;; ) {
        if (adm_store_list_ids(f.to >= 0 ? f.to - 1 : -1,
                               (size_t) offset + scanned, ADM_SCAN_BATCH,
                               &ids) != 0
            || adm_store_windows(ids, &recs) != 0)
        {
            json_decref(items);
            return adm_redis_down(r);
        }

        json_array_foreach(recs, i, rec) {
            if (json_array_size(items) == (size_t) limit) {
                break;
            }

            scanned++;

            if (adm_matches(rec, &f, now)) {
                json_array_append_new(items, adm_window_view(rec, now));
            }
        }

        /* ids whose key vanished count as scanned too */
        if (json_array_size(recs) < json_array_size(ids)
            && json_array_size(items) < (size_t) limit)
        {
            scanned += json_array_size(ids) - json_array_size(recs);
        }

        if (json_array_size(items) == (size_t) limit) {
            if (i < json_array_size(recs)
                || json_array_size(ids) == ADM_SCAN_BATCH)
            {
                snprintf(cursor, sizeof(cursor), "%zu",
                         (size_t) offset + scanned);
            }

            json_decref(ids);
            json_decref(recs);
            break;
        }

        i = json_array_size(ids);
        json_decref(ids);
        json_decref(recs);

        if (i < ADM_SCAN_BATCH) {
            break;
        }
    }

    return adm_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items,
                                            "next_cursor",
                                            cursor[0] ? json_string(cursor)
                                                      : json_null()));
}


/* --- change -------------------------------------------------------------- */

static int
adm_patch_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    int            rc;
    char           detail[160];
    int64_t        now;
    json_t        *rec, *fields, *errors, *next;
    adm_status_e   st;
    const char    *fixed[] = { "apps", "starts_at", "enabled", NULL };

    now = v->now_ms / 1000;

    rc = adm_load(r, "window.update", &rec);
    if (rc != 0) {
        return rc;
    }

    st = adm_window_effective(rec, now);

    if (adm_status_finished(st)) {
        snprintf(detail, sizeof(detail), "the window is %s; finished windows "
                 "cannot change", adm_status_name(st));
        json_decref(rec);
        return adm_conflict(r, "window.update", detail, NULL);
    }

    fields = json_object();
    errors = json_array();

    adm_window_fields(r->json, 0, now, fields, errors);

    if (json_array_size(errors)) {
        json_decref(rec);
        json_decref(fields);
        return adm_invalid(r, errors);
    }

    adm_window_now_ms(r->json, fields, v->now_ms);

    if (adm_window_notify_known(r, v, fields, 0) != 0) {
        json_decref(rec);
        json_decref(fields);
        json_decref(errors);
        return -1;
    }

    if (st == ADM_ST_IN_PROGRESS) {
        for (const char **f = fixed; *f; f++) {
            if (json_object_get(fields, *f)) {
                snprintf(detail, sizeof(detail), "%s cannot change while "
                         "the window is in progress", *f);
                json_decref(rec);
                json_decref(fields);
                json_decref(errors);
                return adm_conflict(r, "window.update", detail, NULL);
            }
        }
    }

    next = json_deep_copy(rec);
    adm_window_merge(next, fields);
    json_decref(fields);
    adm_catch_up(next, now);
    adm_window_touch(next, r->token->name, now);

    /* a scheduled window must still end in the future; a running one
     * may be shortened, but not into the past */
    if (adm_window_check(next, 1, now, errors)) {
        json_decref(rec);
        json_decref(next);
        return adm_invalid(r, errors);
    }

    json_decref(errors);

    return adm_put(r, v, c, rec, next);
}


int
adm_window_patch(adm_req_t *r)
{
    if (adm_body(r, 0) != 0) {
        return 0;
    }

    return adm_write(r, "window.update", r->id, adm_patch_compute, NULL);
}


static int
adm_delete_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    int            rc;
    char           detail[160];
    json_t        *rec;
    adm_status_e   st;

    rc = adm_load(r, "window.delete", &rec);
    if (rc != 0) {
        return rc;
    }

    st = adm_window_effective(rec, v->now_ms / 1000);

    if (st != ADM_ST_SCHEDULED) {
        snprintf(detail, sizeof(detail), "the window is %s; only scheduled "
                 "windows can be deleted%s", adm_status_name(st),
                 st == ADM_ST_IN_PROGRESS ? " (complete it instead)" : "");
        json_decref(rec);
        return adm_conflict(r, "window.delete", detail, NULL);
    }

    c->before = rec;
    c->op = "del";
    c->ok_status = 204;

    return 0;
}


int
adm_window_delete(adm_req_t *r)
{
    return adm_write(r, "window.delete", r->id, adm_delete_compute, NULL);
}


/* --- lifecycle ----------------------------------------------------------- */

/*
 * The custom prechecks' results (r->resumed) at an early start: a failure
 * refuses it (409 with the results) unless forced; the dry run shows them
 * instead.  The window keeps what they found.
 */

static int
adm_start_checked(adm_req_t *r, adm_change_t *c, json_t *next, int64_t now_ms)
{
    size_t       i, k;
    char         detail[1024];
    json_t      *ch;
    int          force, failed;

    force = json_is_true(json_object_get(r->json, "force"));

    /*
     * Not run although some apply: the window could not be read before
     * (Redis), they could not be started, or a reload added them since.
     * A start is not let through unchecked.
     */

    if (r->resumed == NULL) {
        if (c->dry_run || force
            || !adm_probe_applies(json_object_get(next, "apps")))
        {
            return 0;
        }

        return adm_checks_missing(r, "window.start");
    }

    failed = adm_precheck_failed(r->resumed);

    if (failed && !force && !c->dry_run) {
        k = snprintf(detail, sizeof(detail), "custom prechecks failed:");

        json_array_foreach(r->resumed, i, ch) {
            if (k < sizeof(detail) && strcmp(json_string_value(
                    json_object_get(ch, "status")), "fail") == 0)
            {
                k += snprintf(detail + k, sizeof(detail) - k, " %s (%s);",
                              json_string_value(json_object_get(ch, "name")),
                              json_string_value(json_object_get(ch,
                                                                "detail")));
            }
        }

        if (k < sizeof(detail)) {
            snprintf(detail + k, sizeof(detail) - k, " send \"force\": true "
                     "to start anyway");
        }

        return adm_conflict(r, "window.start", detail,
                            json_pack("{s:O}", "prechecks", r->resumed));
    }

    json_object_set_new(next, "prechecks",
                        adm_precheck_record(r->resumed, "start",
                                            failed && force, now_ms));

    return 0;
}


static int
adm_start_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    int            rc;
    char           detail[160];
    int64_t        now;
    json_t        *rec, *next;
    adm_status_e   st;

    now = v->now_ms / 1000;

    rc = adm_load(r, "window.start", &rec);
    if (rc != 0) {
        return rc;
    }

    st = adm_window_effective(rec, now);

    if (st != ADM_ST_SCHEDULED) {
        snprintf(detail, sizeof(detail), "the window is %s; only scheduled "
                 "windows can be started", adm_status_name(st));
        json_decref(rec);
        return adm_conflict(r, "window.start", detail, NULL);
    }

    if (!json_is_true(json_object_get(rec, "enabled"))) {
        json_decref(rec);
        return adm_conflict(r, "window.start", "the window is disabled; "
                            "enable it first", NULL);
    }

    next = json_deep_copy(rec);
    json_object_set_new(next, "status",
                        json_string(adm_status_name(ADM_ST_IN_PROGRESS)));
    /* to the millisecond: sessions created earlier this second are before */
    json_object_set_new(next, "actual_start", adm_time_ms_json(v->now_ms));
    adm_window_touch(next, r->token->name, now);

    if (adm_start_checked(r, c, next, v->now_ms) != 0) {
        json_decref(rec);
        json_decref(next);
        return (int) r->status;
    }

    /* from its actual start, now, it may reach into another window */
    return adm_put(r, v, c, rec, next);
}


/*
 * The custom prechecks run first (outbound/probe.c), the request
 * suspended meanwhile, when the start can go ahead as far as the stored
 * window tells: scheduled, enabled, If-Match its ETag.  Otherwise the
 * start is refused (or not) without waiting for them.
 */

int
adm_window_start(adm_req_t *r)
{
    int      force;
    char     etag[ADM_ETAG_LEN];
    json_t  *rec, *errors;

    if (adm_body(r, 1) != 0) {
        return 0;
    }

    errors = json_array();

    if (adm_start_fields(r->json, &force, errors) != 0) {
        return adm_invalid(r, errors);
    }

    json_decref(errors);

    if (r->resumed == NULL && adm_store_window(r->id, &rec) == 0 && rec) {
        if (adm_window_status(rec) == ADM_ST_SCHEDULED
            && json_is_true(json_object_get(rec, "enabled"))
            && adm_etag_test(r, rec, etag) == 0
            && adm_checks_suspend(r, json_object_get(rec, "apps")) == 1)
        {
            json_decref(rec);
            return 0;
        }

        json_decref(rec);
    }

    return adm_write(r, "window.start", r->id, adm_start_compute, NULL);
}


/* the optional body of /complete and /cancel */

static int
adm_finish_body(adm_req_t *r, int complete, adm_status_e *outcome,
    json_t **notes)
{
    json_t  *errors;

    errors = json_array();

    if (adm_finish_fields(r->json, complete, outcome, notes, errors) != 0) {
        return adm_invalid(r, errors);
    }

    json_decref(errors);

    return 0;
}


static int
adm_finish_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    int            rc, complete;
    char           detail[160];
    int64_t        now;
    json_t        *rec, *next, *notes;
    adm_status_e   st, outcome;

    complete = c->data != NULL;
    now = v->now_ms / 1000;

    rc = adm_finish_body(r, complete, &outcome, &notes);
    if (rc != 0) {
        return rc;
    }

    rc = adm_load(r, c->action, &rec);
    if (rc != 0) {
        return rc;
    }

    st = adm_window_effective(rec, now);

    if (st != (complete ? ADM_ST_IN_PROGRESS : ADM_ST_SCHEDULED)) {
        snprintf(detail, sizeof(detail), "the window is %s; only %s windows "
                 "can be %s", adm_status_name(st),
                 complete ? "in-progress" : "scheduled",
                 complete ? "completed" : "cancelled");
        json_decref(rec);
        return adm_conflict(r, c->action, detail, NULL);
    }

    next = json_deep_copy(rec);
    adm_catch_up(next, now);
    json_object_set_new(next, "status", json_string(adm_status_name(outcome)));

    if (complete) {
        adm_window_set_time(next, "actual_end", now);
    }

    json_object_set(next, "completion_notes", notes ? notes : json_null());
    adm_window_touch(next, r->token->name, now);

    c->before = rec;
    c->after = next;
    c->op = "put";

    return 0;
}


int
adm_window_complete(adm_req_t *r)
{
    if (adm_body(r, 1) != 0) {
        return 0;
    }

    return adm_write(r, "window.complete", r->id, adm_finish_compute, r);
}


int
adm_window_cancel(adm_req_t *r)
{
    if (adm_body(r, 1) != 0) {
        return 0;
    }

    return adm_write(r, "window.cancel", r->id, adm_finish_compute, NULL);
}
