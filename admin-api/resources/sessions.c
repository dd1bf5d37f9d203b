/*
 * sessions.c: the /v1/sessions resource (docs/admin-api.md#sessions):
 * the registry the gateways keep, with each session's status computed by
 * the gateways' own verdict (maint_session.c) on the snapshot in Redis;
 * ending one session (the blacklist), and ending all of an app or
 * everywhere (a cutoff, with exceptions: resources/ending.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_session.h"
#include "admin.h"
#include "config.h"
#include "log.h"
#include "http/http.h"
#include "http/query.h"
#include "model/bodies.h"
#include "model/settings.h"
#include "model/times.h"
#include "resources/change.h"
#include "resources/ending.h"
#include "resources/sessions.h"
#include "resources/write.h"
#include "store/reads.h"
#include "store/registry.h"
#include "store/store.h"


static json_t *
adm_ms_json(int64_t ms)
{
    return ms >= 0 ? adm_time_json(ms / 1000) : json_null();
}


static json_t *
adm_or_null(json_t *rec, const char *field)
{
    json_t  *v;

    v = json_object_get(rec, field);

    return json_is_string(v) && json_string_length(v) ? json_incref(v)
                                                        : json_null();
}


/* a registry record as the API shows it, with its verdict */

static json_t *
adm_session_view(const char *id, json_t *rec, const maint_snapshot_t *snap,
    int64_t now_ms)
{
    const char               *app, *ended_by;
    maint_session_facts_t     f;
    maint_session_verdict_e   verdict;

    app = json_string_value(json_object_get(rec, "app"));

    memset(&f, 0, sizeof(f));
    f.first_seen = adm_registry_ms(rec, "first_seen");
    f.kept_at = adm_registry_ms(rec, "kept_at");
    f.revoked = !json_is_null(json_object_get(rec, "revoked"));
    f.superadmin.data = json_string_value(json_object_get(rec,
                                                          "superadmin"));
    f.superadmin.len = f.superadmin.data ? strlen(f.superadmin.data) : 0;
    f.superadmin_cid.data = json_string_value(json_object_get(rec,
                                                      "superadmin_cid"));
    f.superadmin_cid.len = f.superadmin_cid.data
                           ? strlen(f.superadmin_cid.data) : 0;
    f.user.data = json_string_value(json_object_get(rec, "user"));
    f.user.len = f.user.data ? strlen(f.user.data) : 0;

    verdict = maint_session_verdict(snap, app ? app : "",
                                    app ? strlen(app) : 0, now_ms, &f);

    ended_by = verdict == MAINT_SESSION_REVOKED ? "revoked"
               : verdict == MAINT_SESSION_CUTOFF ? "cutoff"
               : verdict == MAINT_SESSION_WINDOW ? "window" : NULL;

    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s,"
                     " s:o}",
                     "id", id,
                     "app", adm_or_null(rec, "app"),
                     "first_seen", adm_ms_json(f.first_seen),
                     "last_seen",
                     adm_ms_json(adm_registry_ms(rec, "last_seen")),
                     "addr", adm_or_null(rec, "addr"),
                     "user_agent", adm_or_null(rec, "user_agent"),
                     "user", adm_or_null(rec, "user"),
                     "superadmin", adm_or_null(rec, "superadmin"),
                     "kept_at", adm_ms_json(f.kept_at),
                     "status", ended_by ? "ended" : "active",
                     "ended_by", ended_by ? json_string(ended_by)
                                          : json_null());
}


/* the snapshot the gateways decide on now, or NULL if there is none */

static int
adm_current_snapshot(maint_snapshot_t **snap)
{
    char     *json, err[256];
    size_t    len;
    int64_t   version;

    *snap = NULL;

    if (adm_store_snapshot(&version, &json, &len) != 0) {
        return -1;
    }

    if (json) {
        *snap = maint_snapshot_parse(json, len, err, sizeof(err));

        if (*snap == NULL) {
            adm_log(ADM_LOG_WARN, "snapshot unreadable", "{s:s}",
                    "reason", err);
        }

        free(json);
    }

    return 0;
}


typedef struct {
    const char     *app;
    const char     *user;
    const char     *status;
} adm_session_filter_t;


static int
adm_session_matches(json_t *view, adm_session_filter_t *f)
{
    const char  *s;

    if (f->app) {
        s = json_string_value(json_object_get(view, "app"));
        if (s == NULL || strcmp(s, f->app) != 0) {
            return 0;
        }
    }

    if (f->user) {
        s = json_string_value(json_object_get(view, "user"));
        if (s == NULL || strcmp(s, f->user) != 0) {
            return 0;
        }
    }

    if (f->status) {
        s = json_string_value(json_object_get(view, "status"));
        if (strcmp(s, f->status) != 0) {
            return 0;
        }
    }

    return 1;
}


int
adm_sessions_list(adm_req_t *r)
{
    int                    rc;
    char                   cursor[32];
    long                   limit, offset;
    size_t                 i, n, scanned;
    json_t                *items, *ids, *recs, *rec, *view;
    int64_t                now_ms;
    adm_view_t             v;
    maint_snapshot_t      *snap;
    adm_session_filter_t   f;

    rc = adm_query_page(r, &limit, &offset);
    if (rc != 0) {
        return rc;
    }

    f.app = adm_query(r, "app");
    f.user = adm_query(r, "user");
    f.status = adm_query(r, "status");

    if (f.status && strcmp(f.status, "active") != 0
        && strcmp(f.status, "ended") != 0)
    {
        return adm_bad_query(r, "status", "must be active or ended");
    }

    if (adm_store_view(&v) != 0) {
        return adm_redis_down(r);
    }

    now_ms = v.now_ms;

    /* index entries whose hash has expired by now: gone for good */
    if (adm_store_session_clean(now_ms - adm_setting(v.settings,
                                                     "session_idle_minutes")
                                         * 60 * 1000) != 0
        || adm_current_snapshot(&snap) != 0)
    {
        adm_view_free(&v);
        return adm_redis_down(r);
    }

    adm_view_free(&v);

    items = json_array();
    scanned = 0;
    cursor[0] = '\0';

    /* most recently seen first, scanning in batches until the page is full */

    for ( ;; ) {
        if (adm_store_session_ids((size_t) offset + scanned, ADM_SCAN_BATCH,
                                  &ids) != 0)
        {
            json_decref(items);
            maint_snapshot_free(snap);
            return adm_redis_down(r);
        }

        if (adm_store_sessions(ids, &recs) != 0) {
            json_decref(ids);
            json_decref(items);
            maint_snapshot_free(snap);
            return adm_redis_down(r);
        }

        n = json_array_size(ids);

        for (i = 0; i < n && json_array_size(items) < (size_t) limit; i++) {
            scanned++;
            rec = json_array_get(recs, i);

            if (json_is_null(rec)) {
                continue;               /* expired since it was indexed */
            }

            view = adm_session_view(json_string_value(json_array_get(ids, i)),
                                    rec, snap, now_ms);

            if (adm_session_matches(view, &f)) {
                json_array_append_new(items, view);

            } else {
                json_decref(view);
            }
        }

        json_decref(ids);
        json_decref(recs);

        if (json_array_size(items) == (size_t) limit) {
            if (i < n || n == ADM_SCAN_BATCH) {
                snprintf(cursor, sizeof(cursor), "%zu",
                         (size_t) offset + scanned);
            }

            break;
        }

        if (n < ADM_SCAN_BATCH) {
            break;
        }
    }

    maint_snapshot_free(snap);

    return adm_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items,
                                            "next_cursor",
                                            cursor[0] ? json_string(cursor)
                                                      : json_null()));
}


int
adm_session_get(adm_req_t *r)
{
    int64_t            now_ms;
    json_t            *ids, *recs, *rec;
    maint_snapshot_t  *snap;

    if (!adm_session_id_ok(r->id)) {
        return adm_not_found(r);
    }

    if (adm_store_now(&now_ms) != 0 || adm_current_snapshot(&snap) != 0) {
        return adm_redis_down(r);
    }

    ids = json_pack("[s]", r->id);

    if (adm_store_sessions(ids, &recs) != 0) {
        json_decref(ids);
        maint_snapshot_free(snap);
        return adm_redis_down(r);
    }

    rec = json_array_get(recs, 0);

    if (rec == NULL || json_is_null(rec)) {
        json_decref(ids);
        json_decref(recs);
        maint_snapshot_free(snap);
        return adm_not_found(r);
    }

    adm_reply_json(r, 200, adm_session_view(r->id, rec, snap, now_ms));

    json_decref(ids);
    json_decref(recs);
    maint_snapshot_free(snap);

    return 0;
}


/* --- ending sessions ------------------------------------------------------ */

static int
adm_end_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    c->sessions.revoke = json_pack("[s]", r->id);
    c->sessions.bump = 1;
    c->audit_after = json_pack("{s:s}", "id", r->id);
    c->ok_status = 204;

    return 0;
}


int
adm_session_end(adm_req_t *r)
{
    if (!adm_session_id_ok(r->id)) {
        return adm_not_found(r);
    }

    return adm_write(r, "session.end", r->id, adm_end_compute, NULL);
}


static int
adm_terminate_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    size_t            kept;
    int64_t           cutoff;
    adm_terminate_t  *t = c->data;

    /*
     * Whole seconds, rounded up: every session that exists now is before
     * the cutoff; one created in the rest of this second is ended too.
     */
    cutoff = (v->now_ms + 999) / 1000;

    if (adm_sessions_end_all(v, &c->access, c->settings, &c->sessions,
                             t->app, cutoff, -1, t->except,
                             t->except_superadmins, &kept)
        != ADM_OK)
    {
        return adm_redis_down(r);
    }

    if (json_object_size(json_object_get(c->access, "session_cutoffs"))
        > MAINT_MAX_LIST)
    {
        adm_reject(r, c->action, c->target, 409);
        return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict",
                           "256 apps have sessions ended by an \"end all\" "
                           "within session_lifetime_days; end them all "
                           "everywhere (no app) instead", NULL, NULL);
    }

    c->reply = json_pack("{s:o, s:o, s:I}",
                         "app", t->app ? json_string(t->app) : json_null(),
                         "cutoff", adm_time_json(cutoff),
                         "kept", (json_int_t) kept);

    c->audit_after = json_pack("{s:O, s:O, s:O, s:b}",
                               "app", json_object_get(c->reply, "app"),
                               "cutoff", json_object_get(c->reply, "cutoff"),
                               "except", c->sessions.keep,
                               "except_superadmins", t->except_superadmins);

    return 0;
}


int
adm_sessions_terminate(adm_req_t *r)
{
    json_t           *errors;
    adm_terminate_t   t;

    if (adm_body(r, 1) != 0) {
        return 0;
    }

    errors = json_array();

    if (adm_terminate_fields(r->json, &t, errors) != 0) {
        return adm_problem(r, 422, ADM_P_VALIDATION, "Invalid request",
                           NULL, errors, NULL);
    }

    json_decref(errors);

    return adm_write(r, "session.terminate", t.app ? t.app : "*",
                     adm_terminate_compute, &t);
}


