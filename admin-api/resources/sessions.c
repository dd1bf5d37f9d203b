/*
 * sessions.c: the /v1/sessions resource (docs/admin-api.md#sessions):
 * the registry the gateways keep, with each session's status computed by
 * the gateways' own verdict (maint_session.c) on the snapshot in Redis;
 * ending one session (the blacklist), ending all of an app or everywhere
 * (a cutoff, with exceptions), and ending the sessions of a window with
 * terminate_sessions in the change that records its start.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "http/http.h"
#include "maint_session.h"


static void adm_cutoffs_prune(json_t *cutoffs, int64_t oldest);


static int64_t
adm_ms(json_t *rec, const char *field)
{
    const char  *s;

    s = json_string_value(json_object_get(rec, field));

    return s && *s ? strtoll(s, NULL, 10) : -1;
}


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
    f.first_seen = adm_ms(rec, "first_seen");
    f.kept_at = adm_ms(rec, "kept_at");
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
                     "last_seen", adm_ms_json(adm_ms(rec, "last_seen")),
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
    char                   cursor[32];
    long                   limit, offset;
    size_t                 i, n, scanned;
    json_t                *items, *ids, *recs, *rec, *view;
    int64_t                now_ms;
    adm_view_t             v;
    maint_snapshot_t      *snap;
    adm_session_filter_t   f;

    limit = ADM_PAGE_DEFAULT;
    offset = 0;

    if (adm_query_uint(r, "limit", 1, ADM_PAGE_MAX, &limit) != 0) {
        return adm_bad_query(r, "limit", "must be 1 to 500");
    }

    if (adm_query_uint(r, "cursor", 0, 1L << 30, &offset) != 0) {
        return adm_bad_query(r, "cursor", "must be a value from next_cursor");
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
adm_in_array(json_t *a, const char *s)
{
    size_t   i;
    json_t  *e;

    json_array_foreach(a, i, e) {
        if (strcmp(json_string_value(e), s) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * The registry's sessions of an app ("*": any app), for an "end all" at
 * the whole second "cutoff" (epoch s):
 *
 * - with "superadmins", those the edge saw created on a superadmin's
 *   bypassed request (the registry's "superadmin"; never "user": that is
 *   the app's word, and an app user may be called like a superadmin) are
 *   appended to "keep";
 * - with "exact_ms" (-1: none), the instant a window began, later than the
 *   cutoff in the same second: those first seen before it (and not kept
 *   since) were ended by the window, and the cutoff alone would let them
 *   back: appended to "revoke", the blacklist.
 */

/*
 * A superadmin's session, as the gateways judge it (maint_session.c): the
 * registry's "superadmin" (what the edge established) is on the list, with
 * the credential id the session was created under ("superadmin_cid").
 */

static int
adm_superadmins_session(json_t *superadmins, json_t *rec)
{
    json_t              *sa, *cid;
    const char          *name, *want;
    maint_superadmin_t   derived;

    name = json_string_value(json_object_get(rec, "superadmin"));
    want = json_string_value(json_object_get(rec, "superadmin_cid"));

    if (name == NULL || want == NULL
        || (sa = json_object_get(superadmins, name)) == NULL)
    {
        return 0;
    }

    cid = json_object_get(sa, "credential_id");

    if (json_is_string(cid)) {
        return strcmp(json_string_value(cid), want) == 0;
    }

    /* a record from before credential ids: the id the gateways derive */

    if (adm_unhex(json_string_value(json_object_get(sa, "credential_sha256")),
                  derived.credential, sizeof(derived.credential))
        != 0)
    {
        return 0;
    }

    maint_superadmin_derive_cid(&derived);

    return strcmp(derived.cid, want) == 0;
}


static int
adm_sessions_scan(json_t *access, const char *app, int64_t cutoff,
    int64_t exact_ms, int superadmins, json_t *keep, json_t *revoke)
{
    size_t        i, offset, n;
    json_t       *ids, *recs, *rec, *sa;
    int64_t       first, kept;
    const char   *id, *s;

    sa = superadmins ? json_object_get(access, "superadmins") : NULL;

    if (json_object_size(sa) == 0 && exact_ms <= cutoff * 1000) {
        return 0;
    }

    for (offset = 0; ; offset += n) {
        if (adm_store_session_ids(offset, ADM_SCAN_BATCH, &ids) != 0) {
            return -1;
        }

        if (adm_store_sessions(ids, &recs) != 0) {
            json_decref(ids);
            return -1;
        }

        n = json_array_size(ids);

        json_array_foreach(recs, i, rec) {
            id = json_string_value(json_array_get(ids, i));
            s = json_string_value(json_object_get(rec, "app"));

            if (json_is_null(rec)
                || (strcmp(app, "*") != 0
                    && (s == NULL || strcmp(s, app) != 0))
                || adm_in_array(keep, id))
            {
                continue;
            }

            if (adm_superadmins_session(sa, rec)) {
                json_array_append_new(keep, json_string(id));
                continue;
            }

            first = adm_ms(rec, "first_seen");
            kept = adm_ms(rec, "kept_at");

            if (first >= cutoff * 1000 && first < exact_ms
                && kept < exact_ms && !adm_in_array(revoke, id))
            {
                json_array_append_new(revoke, json_string(id));
            }
        }

        json_decref(ids);
        json_decref(recs);

        if (n < ADM_SCAN_BATCH) {
            return 0;
        }
    }
}


/*
 * Ends every session of "app" (NULL: everywhere) not seen created since
 * "cutoff" (epoch s): the cutoff goes into the access part, the sessions
 * to keep get kept_at = cutoff, and the gateways' verdicts are dropped.
 * "exact_ms" (-1: none): the instant, in the cutoff's second, that the
 * cutoff stands for (adm_sessions_scan()).
 */

int
adm_sessions_end_all(adm_view_t *v, adm_change_t *c, const char *app,
    int64_t cutoff, int64_t exact_ms, json_t *except, int except_superadmins,
    size_t *kept)
{
    size_t   i;
    json_t  *cutoffs, *e;

    if (app == NULL) {
        app = "*";
    }

    if (c->access == NULL) {
        c->access = json_deep_copy(v->access);
    }

    cutoffs = json_object_get(c->access, "session_cutoffs");

    if (json_integer_value(json_object_get(cutoffs, app)) < cutoff) {
        json_object_set_new(cutoffs, app, json_integer(cutoff));
    }

    adm_cutoffs_prune(cutoffs, v->now_ms / 1000
                               - adm_setting(c->settings ? c->settings
                                                         : v->settings,
                                             "session_lifetime_days")
                                 * 86400);

    if (c->sessions.keep == NULL) {
        c->sessions.keep = json_array();
    }

    if (c->sessions.revoke == NULL) {
        c->sessions.revoke = json_array();
    }

    json_array_foreach(except, i, e) {
        if (!adm_in_array(c->sessions.keep, json_string_value(e))) {
            json_array_append(c->sessions.keep, e);
        }
    }

    if (adm_sessions_scan(c->access, app, cutoff, exact_ms,
                          except_superadmins, c->sessions.keep,
                          c->sessions.revoke)
        != 0)
    {
        return -1;
    }

    c->sessions.keep_at = cutoff * 1000;
    c->sessions.bump = 1;

    if (kept) {
        *kept = json_array_size(c->sessions.keep);
    }

    return 0;
}


/*
 * Cutoffs that can no longer end anything go: older than the longest a
 * session lives (session_lifetime_days), or an app's that the "*" one
 * passed.  The gateways take at most MAINT_MAX_LIST of them.
 */

static void
adm_cutoffs_prune(json_t *cutoffs, int64_t oldest)
{
    void        *tmp;
    json_t      *at;
    int64_t      all;
    const char  *app;

    all = json_integer_value(json_object_get(cutoffs, "*"));

    json_object_foreach_safe(cutoffs, tmp, app, at) {
        if (json_integer_value(at) < oldest
            || (strcmp(app, "*") != 0 && json_integer_value(at) <= all))
        {
            json_object_del(cutoffs, app);
        }
    }
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

    if (adm_sessions_end_all(v, c, t->app, cutoff, -1, t->except,
                             t->except_superadmins, &kept)
        != 0)
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


/*
 * Called for every change: a window with terminate_sessions that had
 * started and that this change finishes (completes, cancels, deletes) or
 * turns terminate_sessions off for leaves its start behind as a cutoff for
 * its apps, and kept_at for the sessions of its superadmins known by then,
 * so the sessions it ended stay ended.  While it runs the gateways apply
 * it from the snapshot, and it stays in the snapshot until this change
 * (snapshot.c).
 */

int
adm_sessions_window_hook(adm_view_t *v, adm_change_t *c)
{
    size_t        i;
    json_t       *app;
    int64_t       begin, cutoff;
    adm_status_e  st;

    if (c->before == NULL
        || !json_is_true(json_object_get(c->before, "terminate_sessions")))
    {
        return 0;
    }

    st = adm_window_status(c->before);
    begin = adm_window_begin_ms(c->before);

    if ((st != ADM_ST_SCHEDULED && st != ADM_ST_IN_PROGRESS)
        || begin < 0 || begin > v->now_ms
        || (c->after && !adm_status_finished(adm_window_status(c->after))
            && json_is_true(json_object_get(c->after, "terminate_sessions"))))
    {
        return 0;
    }

    /*
     * Cutoffs are whole seconds: the second it began.  What the window
     * ended earlier in that second, before its exact start, is ended one
     * by one, so that it stays ended; what came later is not touched.
     */
    cutoff = begin / 1000;

    json_array_foreach(json_object_get(c->before, "apps"), i, app) {
        if (adm_sessions_end_all(v, c, json_string_value(app), cutoff, begin,
                                 NULL, 1, NULL)
            != 0)
        {
            return -1;
        }
    }

    return 0;
}
