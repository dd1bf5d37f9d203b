/*
 * change.c: how every write happens.  A resource handler supplies a
 * function that computes the change from a fresh view of the state (and
 * answers the request itself when the change is refused); this file runs
 * it, builds the new snapshot, answers dry runs, commits everything in one
 * atomic script, and computes again from a new view if another writer
 * committed in between.  Also: audit entries, rejected attempts, If-Match.
 *
 * Besides windows and settings a change may replace the access part
 * (superadmins, bypass keys, session cutoffs) and end sessions; windows
 * with terminate_sessions that start get their sessions ended here, in
 * whatever change records the start (sessions.c).
 *
 * A change is answered only once the gateways' lease is over (lease_ms,
 * written with every change; see ngx_maint_state.c): a request that
 * arrives at any gateway after the answer is decided on the change.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "http/http.h"
#include "http/metrics.h"


#define ADM_WRITE_ATTEMPTS  8


static void adm_lease_wait(int64_t before_ms, int answer);


json_t *
adm_audit_entry(adm_req_t *r, const char *action, const char *target,
    const char *outcome, unsigned status, json_t *before, json_t *after,
    int64_t now_ms)
{
    return json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:O, s:O, s:s}",
                     "at", adm_time_json(now_ms / 1000),
                     "actor", r && r->token ? r->token->name : "system",
                     "role", r && r->token ? adm_role_name(r->token->role)
                                           : "system",
                     "action", action,
                     "target", target ? target : "",
                     "outcome", outcome,
                     "status", (int) status,
                     "before", before ? before : json_null(),
                     "after", after ? after : json_null(),
                     "request_id", r ? r->request_id : "");
}


/* a refused write is history too: who tried what, and why it failed */

int
adm_reject(adm_req_t *r, const char *action, const char *target,
    unsigned status)
{
    int64_t      now;
    json_t      *entry;
    const char  *dry;

    /* a dry run writes nothing, not even this */
    dry = adm_query(r, "dry_run");
    if (dry && strcmp(dry, "true") == 0) {
        return 0;
    }

    if (adm_store_now(&now) != 0) {
        return -1;
    }

    entry = adm_audit_entry(r, action, target, "rejected", status, NULL,
                            NULL, now);
    if (entry == NULL) {
        return -1;
    }

    adm_store_audit(entry);
    json_decref(entry);

    return 0;
}


/* 0 when If-Match names the record's revision; else the answer queued */

int
adm_if_match(adm_req_t *r, json_t *rec, const char *action)
{
    char         etag[32];
    const char  *im;

    im = adm_header_in(r, "If-Match");

    snprintf(etag, sizeof(etag), "\"%lld\"", (long long)
             json_integer_value(json_object_get(rec, "revision")));

    if (im == NULL) {
        adm_reject(r, action, r->id, 428);
        return adm_problem(r, 428, ADM_P_REQUIRED, "Precondition required",
                           "send If-Match with the window's ETag", NULL,
                           json_pack("{s:s}", "current_etag", etag));
    }

    if (strcmp(im, etag) != 0) {
        adm_reject(r, action, r->id, 412);
        return adm_problem(r, 412, ADM_P_PRECONDITION, "Precondition failed",
                           "the window changed since that ETag; read it "
                           "again", NULL,
                           json_pack("{s:s}", "current_etag", etag));
    }

    return 0;
}


static int
adm_is_live(json_t *rec)
{
    adm_status_e  st;

    st = adm_window_status(rec);

    return st == ADM_ST_SCHEDULED || st == ADM_ST_IN_PROGRESS;
}


/* the live windows as they will be after the change */

static json_t *
adm_live_after(json_t *live, const char *id, json_t *after)
{
    size_t   i;
    json_t  *out, *w;

    out = json_array();

    json_array_foreach(live, i, w) {
        if (id && strcmp(json_string_value(json_object_get(w, "id")), id)
                  == 0)
        {
            continue;
        }

        json_array_append(out, w);
    }

    if (after && adm_is_live(after)) {
        json_array_append(out, after);
    }

    return out;
}


static int
adm_answer(adm_req_t *r, adm_change_t *c, int64_t now)
{
    char  loc[128];

    if (c->reply) {
        return adm_reply_json(r, c->ok_status, json_incref(c->reply));
    }

    if (strcmp(c->op, "del") == 0 || (c->after == NULL && c->settings == NULL))
    {
        return adm_reply_empty(r, 204);
    }

    if (c->settings) {
        adm_reply_json(r, c->ok_status, json_incref(c->settings));
        adm_etag(r, json_integer_value(json_object_get(c->settings,
                                                       "revision")));
        return 0;
    }

    adm_reply_json(r, c->ok_status, adm_window_view(c->after, now));
    adm_etag(r, json_integer_value(json_object_get(c->after, "revision")));

    if (c->ok_status == 201) {
        snprintf(loc, sizeof(loc), "/v1/windows/%s", c->target);
        adm_header(r, "Location", loc);
    }

    return 0;
}


static int
adm_answer_dry_run(adm_req_t *r, adm_change_t *c, adm_view_t *v,
    const char *snapshot, int64_t now)
{
    int      ok;
    json_t  *body, *checks;

    ok = 1;

    if (c->after) {
        checks = adm_prechecks(c->after, v, &ok);

    } else {
        checks = json_pack("[o]", adm_check_redis());
    }

    body = json_pack("{s:b, s:b, s:o, s:o, s:o}",
                     "dry_run", 1,
                     "ok", ok,
                     "window", c->after ? adm_window_view(c->after, now)
                                        : json_null(),
                     "snapshot", adm_snapshot_redacted(snapshot),
                     "prechecks", checks);

    if (c->reply) {
        json_object_set(body, "result", c->reply);
    }

    return adm_reply_json(r, 200, body);
}


static void
adm_change_free(adm_change_t *c)
{
    json_decref(c->before);
    json_decref(c->after);
    json_decref(c->settings);
    json_decref(c->access);
    json_decref(c->audit_before);
    json_decref(c->audit_after);
    json_decref(c->reply);
    json_decref(c->sessions.revoke);
    json_decref(c->sessions.keep);
}


/*
 * The change would make a state the gateways cannot read (larger than they
 * take, or a text longer in bytes than they take): refused, nothing is
 * written.  The ticker has nobody to answer; the log says it.
 */

static int
adm_unreadable(adm_req_t *r, const char *action, const char *target,
    const char *err)
{
    char  detail[384];

    adm_log(ADM_LOG_ERROR, "change refused: the gateways could not read the "
            "state it makes", "{s:s, s:s}", "action", action, "reason", err);

    if (r == NULL) {
        return -1;
    }

    adm_reject(r, action, target, 422);

    snprintf(detail, sizeof(detail), "the gateways could not read the state "
             "this change makes: %s", err);

    return adm_problem(r, 422, ADM_P_VALIDATION, "Change refused", detail,
                       NULL, NULL);
}


/*
 * Computes and commits one change.  r == NULL: a change of the clock's
 * (ticker.c), with actor "system"; then nothing is answered and the result
 * is 0 (committed), ADM_NOTHING (compute found nothing to do) or -1.
 */

int
adm_write(adm_req_t *r, const char *action, const char *target,
    adm_change_pt compute, void *data)
{
    int            attempt, rc;
    char          *snapshot, err[256];
    json_t        *live, *audit, *settings;
    int64_t        now, version, lease;
    const char    *dry, *actor;
    adm_view_t     v;
    adm_change_t   c;
    adm_commit_t   commit;

    dry = r ? adm_query(r, "dry_run") : NULL;
    actor = r ? r->token->name : "system";

    /* what an earlier failed change (the ticker's) left is not ours */

    (void) adm_store_unconfirmed();
    (void) adm_store_unsure();

    for (attempt = 0; attempt < ADM_WRITE_ATTEMPTS; attempt++) {

        if (adm_store_view(&v) != 0) {
            return r ? adm_redis_down(r) : -1;
        }

        now = v.now_ms / 1000;

        memset(&c, 0, sizeof(c));
        c.action = action;
        c.target = target;
        c.op = "none";
        c.ok_status = 200;
        c.dry_run = dry != NULL && strcmp(dry, "true") == 0;
        c.data = data;

        rc = compute(r, &v, &c);

        if (rc != 0 || (r && r->response)) {
            /* refused (the compute function answered), or nothing to do */
            adm_change_free(&c);
            adm_view_free(&v);
            return rc;
        }

        settings = c.settings ? c.settings : v.settings;

        if (adm_sessions_window_hook(&v, &c) != 0) {
            adm_change_free(&c);
            adm_view_free(&v);
            return r ? adm_redis_down(r) : -1;
        }

        live = adm_live_after(v.live, c.before || c.after ? c.target : NULL,
                              c.after);
        snapshot = adm_snapshot_build(live, settings,
                                      c.access ? c.access : v.access, now);
        json_decref(live);

        if (snapshot == NULL) {
            adm_change_free(&c);
            adm_view_free(&v);
            return r ? adm_problem(r, 500, "internal", "Internal error",
                                   "cannot build the snapshot", NULL, NULL)
                     : -1;
        }

        if (adm_snapshot_check(snapshot, err, sizeof(err)) != 0) {
            adm_utf8_trim(err);
            rc = adm_unreadable(r, c.action, c.target, err);
            free(snapshot);
            adm_change_free(&c);
            adm_view_free(&v);
            return rc;
        }

        if (c.dry_run) {
            adm_answer_dry_run(r, &c, &v, snapshot, now);
            free(snapshot);
            adm_change_free(&c);
            adm_view_free(&v);
            return 0;
        }

        audit = adm_audit_entry(r, c.action, c.target, "ok", c.ok_status,
                                c.audit_before ? c.audit_before : c.before,
                                c.audit_after ? c.audit_after
                                : c.after ? c.after : c.settings,
                                v.now_ms);

        memset(&commit, 0, sizeof(commit));
        commit.expect_version = v.version;
        commit.op = c.op;
        commit.id = c.target;
        commit.window = c.after;
        commit.live = c.after ? adm_is_live(c.after) : 0;
        commit.settings = c.settings;
        commit.access = c.access;
        commit.actor = actor;
        commit.snapshot = snapshot;
        commit.audit = audit;

        if (c.sessions.revoke || c.sessions.keep || c.sessions.bump) {
            c.sessions.now_ms = v.now_ms;
            c.sessions.ttl_ms = adm_setting(settings, "session_lifetime_days")
                                * 86400 * 1000;
            c.sessions.idle_ms = adm_setting(settings, "session_idle_minutes")
                                 * 60 * 1000;
            commit.sessions = &c.sessions;
        }

        rc = adm_store_commit(&commit, &version, &lease);

        free(snapshot);
        json_decref(audit);

        if (rc == ADM_RETRY) {
            adm_count("write_retries");
            adm_change_free(&c);
            adm_view_free(&v);
            continue;
        }

        if (rc != ADM_OK) {
            adm_change_free(&c);
            adm_view_free(&v);
            return r ? adm_redis_down(r) : -1;
        }

        adm_count("writes");

        adm_log(ADM_LOG_INFO, "change", "{s:s, s:s, s:s, s:I, s:s}",
                "action", c.action, "target", c.target ? c.target : "",
                "actor", actor, "state_version", (json_int_t) version,
                "request_id", r ? r->request_id : "");

        adm_lease_wait(lease, r != NULL);

        if (r) {
            adm_answer(r, &c, now);
        }

        adm_change_free(&c);
        adm_view_free(&v);

        return 0;
    }

    return r ? adm_problem(r, 503, "unavailable", "Busy",
                           "the state kept changing under this request; try "
                           "again", NULL, NULL)
             : -1;
}


static int64_t
adm_monotonic_ms(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/*
 * Waits out the lease of every read a gateway may still decide on: the
 * longer of the lease_ms just written and the one it replaced (gateways
 * that read the old one keep it until they read again, at most that long
 * after this change; later changes in that time wait for it too), plus a
 * millisecond for clocks that tick at slightly different rates.  A change
 * nobody waits for (the ticker's) is not delayed.
 */

static void
adm_lease_wait(int64_t before_ms, int answer)
{
    int64_t           wait, now;
    struct timespec   ts;
    static int64_t    hold_ms, hold_until;

    now = adm_monotonic_ms();

    if (before_ms > adm_conf.lease_ms) {
        hold_ms = before_ms;
        hold_until = now + before_ms;
    }

    wait = adm_conf.lease_ms;

    if (hold_ms > wait && now < hold_until) {
        wait = hold_ms;
    }

    if (!answer || wait == 0) {
        return;
    }

    wait += 1;
    ts.tv_sec = wait / 1000;
    ts.tv_nsec = (wait % 1000) * 1000000;

    while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
        /* void */
    }
}
