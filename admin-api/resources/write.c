/*
 * write.c: the write engine.  A change is computed from a fresh view of
 * the state by the caller's function; this file runs it, ends the
 * sessions a finished window leaves behind (resources/ending.c), builds
 * and checks the new snapshot, commits everything in one atomic script,
 * and computes again from a new view if another writer committed in
 * between.  No HTTP here: resources/change.c runs it for a request and
 * answers, ticker.c for the clock.
 *
 * A change returns only once the gateways' lease is over (lease_ms,
 * written with every change; see ngx_maint_reader.c): a request that
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
#include "metrics.h"
#include "model/events.h"
#include "model/settings.h"
#include "model/snapshot.h"
#include "model/times.h"
#include "model/webhook_sign.h"
#include "model/window.h"
#include "resources/ending.h"
#include "resources/write.h"
#include "store/commit.h"
#include "store/reads.h"
#include "store/store.h"


#define ADM_WRITE_ATTEMPTS  8

/* how long an event's body is kept: its retries, then a redelivery */
#define ADM_EVENT_TTL_MS    (31LL * 86400 * 1000)


static void adm_lease_wait(int64_t before_ms, int answer);

static void  (*adm_committed)(void);


void
adm_write_on_commit(void (*handler)(void))
{
    adm_committed = handler;
}


json_t *
adm_audit_record(const char *actor, const char *role, const char *action,
    const char *target, const char *outcome, unsigned status, json_t *before,
    json_t *after, const char *request_id, int64_t now_ms)
{
    return json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:O, s:O, s:s}",
                     "at", adm_time_json(now_ms / 1000),
                     "actor", actor,
                     "role", role,
                     "action", action,
                     "target", target ? target : "",
                     "outcome", outcome,
                     "status", (int) status,
                     "before", before ? before : json_null(),
                     "after", after ? after : json_null(),
                     "request_id", request_id);
}


static int
adm_is_live(json_t *rec)
{
    adm_status_e  st;

    st = adm_window_status(rec);

    return st == ADM_ST_SCHEDULED || st == ADM_ST_IN_PROGRESS;
}


/* whether the change writes window w: as its own, or a series' other one */

static int
adm_changed_id(json_t *w, const char *id, json_t *more)
{
    size_t       i;
    json_t      *m, *rec;
    const char  *wid;

    wid = json_string_value(json_object_get(w, "id"));

    if (id && strcmp(wid, id) == 0) {
        return 1;
    }

    json_array_foreach(more, i, m) {
        rec = json_object_get(m, "after");

        if (strcmp(json_string_value(json_object_get(rec, "id")), wid) == 0) {
            return 1;
        }
    }

    return 0;
}


/* the live windows as they will be after the change */

static json_t *
adm_live_after(json_t *live, const char *id, json_t *after, json_t *more)
{
    size_t   i;
    json_t  *out, *w, *m;

    out = json_array();

    json_array_foreach(live, i, w) {
        if (!adm_changed_id(w, id, more)) {
            json_array_append(out, w);
        }
    }

    if (after && adm_is_live(after)) {
        json_array_append(out, after);
    }

    json_array_foreach(more, i, m) {
        w = json_object_get(m, "after");

        if (adm_is_live(w)) {
            json_array_append(out, w);
        }
    }

    return out;
}


int
adm_write_system(const char *action, const char *target,
    adm_compute_pt compute, void *ctx)
{
    int          rc;
    adm_write_t  w;

    memset(&w, 0, sizeof(adm_write_t));
    w.action = action;
    w.target = target;
    w.compute = compute;
    w.ctx = ctx;
    w.actor = "system";
    w.role = "system";
    w.request_id = "";

    rc = adm_write_run(&w);
    adm_write_free(&w);

    return rc;
}


void
adm_write_free(adm_write_t *w)
{
    adm_change_t  *c = &w->change;

    json_decref(c->before);
    json_decref(c->after);
    json_decref(c->settings);
    json_decref(c->access);
    json_decref(c->targets);
    json_decref(c->audit_before);
    json_decref(c->audit_after);
    json_decref(c->reply);
    json_decref(c->sessions.revoke);
    json_decref(c->sessions.keep);
    json_decref(c->series);
    json_decref(c->more);
    memset(c, 0, sizeof(adm_change_t));

    adm_view_free(&w->view);

    free(w->snapshot);
    w->snapshot = NULL;
}


static int
adm_names_have(json_t *names, json_t *name)
{
    size_t   i;
    json_t  *n;

    json_array_foreach(names, i, n) {
        if (json_equal(n, name)) {
            return 1;
        }
    }

    return 0;
}


/* the names an edit adds to a live window's "notify", or NULL: none */

static json_t *
adm_names_added(const char *action, json_t *before, json_t *after)
{
    size_t   i;
    json_t  *added, *name;

    if (strcmp(action, "window.update") != 0 || before == NULL
        || after == NULL || adm_status_finished(adm_window_status(after)))
    {
        return NULL;
    }

    added = json_array();

    json_array_foreach(json_object_get(after, "notify"), i, name) {
        if (!adm_names_have(json_object_get(before, "notify"), name)) {
            json_array_append(added, name);
        }
    }

    if (json_array_size(added) == 0) {
        json_decref(added);
        return NULL;
    }

    return added;
}


/* one event for the outbox, or NULL when it goes to no target */

static json_t *
adm_write_event(adm_write_t *w, const char *type, json_t *before,
    json_t *after, json_t *view, json_t *only)
{
    char          id[ADM_WEBHOOK_MSG_ID_LEN + 1], *body;
    size_t        i;
    json_t       *names, *to, *name, *targets, *b, *out;
    json_t       *rec;
    adm_event_t   e;
    adm_change_t *c = &w->change;

    rec = after ? after : before;
    targets = c->targets ? c->targets : w->view.targets;
    names = adm_event_targets(rec, type, targets);

    for (i = 0; only && i < json_array_size(names); /* void */) {
        if (adm_names_have(only, json_array_get(names, i))) {
            i++;
        } else {
            json_array_remove(names, i);
        }
    }

    if (json_array_size(names) == 0 || adm_webhook_msg_id(id) != 0) {
        json_decref(names);
        return NULL;
    }

    to = json_array();

    json_array_foreach(names, i, name) {
        json_array_append_new(to, json_pack("{s:O, s:O}", "name", name,
            "kind", json_object_get(json_object_get(targets,
                                        json_string_value(name)), "kind")));
    }

    json_decref(names);

    memset(&e, 0, sizeof(adm_event_t));
    e.id = id;
    e.type = type;
    e.window = view;
    e.actor = w->actor;
    e.changed = strcmp(type, "changed") == 0
                ? adm_events_changed(before, after) : NULL;
    e.public_url = adm_conf.public_url;
    e.now_ms = w->view.now_ms;

    b = adm_event_body(&e);
    body = b ? json_dumps(b, JSON_COMPACT) : NULL;
    json_decref(b);
    json_decref(e.changed);

    out = json_pack("{s:s, s:s, s:O, s:s, s:o}",
                    "id", id, "type", type,
                    "window", json_object_get(rec, "id"),
                    "body", body ? body : "null",
                    "targets", to);
    free(body);

    return out;
}


/* the events of one window's change, appended to events */

static void
adm_window_events(adm_write_t *w, const char *action, json_t *before,
    json_t *after, json_t *events)
{
    size_t        i, n;
    json_t       *rec, *view, *ev, *added;
    const char   *types[ADM_EVENTS_MAX];

    rec = after ? after : before;
    n = adm_events_of(action, before, after, types);

    if ((n == 0 && strcmp(action, "window.update") != 0) || rec == NULL) {
        return;
    }

    view = adm_window_view(rec, w->now);

    for (i = 0; i < n; i++) {
        ev = adm_write_event(w, types[i], before, after, view, NULL);

        if (ev) {
            json_array_append_new(events, ev);
        }
    }

    /* targets added to a live window hear of it as of now */
    added = adm_names_added(action, before, after);

    if (added) {
        ev = adm_write_event(w, "scheduled", before, after, view, added);

        if (ev) {
            json_array_append_new(events, ev);
        }

        json_decref(added);
    }

    json_decref(view);
}


/*
 * The events a change makes (its window's, its series' windows'), for the
 * outbox the commit writes (commit.lua): NULL when there is none, or none
 * goes anywhere.  Built once per computed change: a change computed again
 * gets new ids, and only the committed one is ever sent.
 */

static json_t *
adm_write_events(adm_write_t *w)
{
    char          ms[2][32];
    size_t        i;
    json_t       *events, *m;
    adm_change_t *c = &w->change;

    events = json_array();

    adm_window_events(w, c->action, c->before, c->after, events);

    json_array_foreach(c->more, i, m) {
        adm_window_events(w, json_string_value(json_object_get(m, "action")),
                          json_object_get(m, "before"),
                          json_object_get(m, "after"), events);
    }

    if (json_array_size(events) == 0) {
        json_decref(events);
        return NULL;
    }

    /* strings: the script stores them as they are */
    snprintf(ms[0], sizeof(ms[0]), "%lld", (long long) w->view.now_ms);
    snprintf(ms[1], sizeof(ms[1]), "%lld", (long long) ADM_EVENT_TTL_MS);

    return json_pack("{s:s, s:s, s:s, s:o}", "prefix", adm_conf.prefix,
                     "now", ms[0], "ttl", ms[1], "events", events);
}


/* a series' windows as the commit stores them */

static json_t *
adm_more_records(json_t *more)
{
    size_t   i;
    json_t  *out, *m, *rec;

    out = json_array();

    json_array_foreach(more, i, m) {
        rec = json_object_get(m, "after");

        json_array_append_new(out, json_pack("{s:O, s:I, s:b}",
            "record", rec,
            "score", (json_int_t) adm_window_time(rec, "starts_at"),
            "live", adm_is_live(rec)));
    }

    return out;
}


/* the commit of a computed change, its snapshot built and checked */

static int
adm_write_commit(adm_write_t *w, const char *snapshot, int64_t *lease)
{
    int            rc;
    json_t        *settings;
    adm_view_t    *v = &w->view;
    adm_change_t  *c = &w->change;
    adm_commit_t   commit;

    settings = c->settings ? c->settings : v->settings;

    memset(&commit, 0, sizeof(commit));
    commit.expect_version = v->version;
    commit.op = c->op;
    commit.id = c->target;
    commit.window = c->after;
    commit.score = c->after ? adm_window_time(c->after, "starts_at") : 0;
    commit.live = c->after ? adm_is_live(c->after) : 0;
    commit.settings = c->settings;
    commit.access = c->access;
    commit.targets = c->targets;
    commit.events = adm_write_events(w);
    commit.series = c->series;
    commit.series_del = c->series_del;
    commit.more = c->more ? adm_more_records(c->more) : NULL;
    commit.actor = w->actor;
    commit.snapshot = snapshot;
    commit.audit = adm_audit_record(w->actor, w->role, c->action, c->target,
                                    "ok", c->ok_status,
                                    c->audit_before ? c->audit_before
                                                    : c->before,
                                    c->audit_after ? c->audit_after
                                    : c->after ? c->after : c->settings,
                                    w->request_id, v->now_ms);

    if (c->sessions.revoke || c->sessions.keep || c->sessions.bump) {
        c->sessions.now_ms = v->now_ms;
        c->sessions.ttl_ms = adm_setting(settings, "session_lifetime_days")
                             * 86400 * 1000;
        c->sessions.idle_ms = adm_setting(settings, "session_idle_minutes")
                              * 60 * 1000;
        commit.sessions = &c->sessions;
    }

    rc = adm_store_commit(&commit, &w->version, lease);

    json_decref(commit.audit);
    json_decref(commit.events);
    json_decref(commit.more);

    return rc;
}


/* one attempt: compute from a fresh view, check, commit */

static int
adm_write_once(adm_write_t *w)
{
    int            rc;
    char          *snapshot;
    json_t        *live;
    int64_t        lease;
    adm_view_t    *v = &w->view;
    adm_change_t  *c = &w->change;

    if (adm_store_view(v) != ADM_OK) {
        return ADM_ERROR;
    }

    w->now = v->now_ms / 1000;

    c->action = w->action;
    c->target = w->target;
    c->op = "none";
    c->ok_status = 200;
    c->dry_run = w->dry_run;
    c->data = w->data;

    rc = w->compute(w->ctx, v, c);

    if (rc != ADM_OK) {
        return rc;
    }

    if (adm_sessions_window_hook(v, c->before, c->after, &c->access,
                                 c->settings, &c->sessions)
        != ADM_OK)
    {
        return ADM_ERROR;
    }

    live = adm_live_after(v->live, c->before || c->after ? c->target : NULL,
                          c->after, c->more);
    snapshot = adm_snapshot_build(live, c->settings ? c->settings
                                                    : v->settings,
                                  c->access ? c->access : v->access, w->now);
    json_decref(live);

    if (snapshot == NULL) {
        snprintf(w->err, sizeof(w->err), "cannot build the snapshot");
        return ADM_ERROR;
    }

    /* the gateways could not read it: refused, nothing is written */

    if (adm_snapshot_check(snapshot, w->err, sizeof(w->err)) != 0) {
        adm_utf8_trim(w->err);
        adm_log(ADM_LOG_ERROR, "change refused: the gateways could not read "
                "the state it makes", "{s:s, s:s}", "action", c->action,
                "reason", w->err);
        free(snapshot);
        return ADM_REFUSED;
    }

    if (c->dry_run) {
        w->snapshot = snapshot;
        return ADM_OK;
    }

    rc = adm_write_commit(w, snapshot, &lease);

    free(snapshot);

    if (rc != ADM_OK) {
        return rc;
    }

    adm_count(ADM_METRIC_WRITES);

    if (adm_committed) {
        adm_committed();
    }

    adm_log(ADM_LOG_INFO, "change", "{s:s, s:s, s:s, s:I, s:s}",
            "action", c->action, "target", c->target ? c->target : "",
            "actor", w->actor, "state_version", (json_int_t) w->version,
            "request_id", w->request_id);

    adm_lease_wait(lease, w->waits);

    return ADM_OK;
}


int
adm_write_run(adm_write_t *w)
{
    int  attempt, rc;

    /* what an earlier failed change (the ticker's) left is not ours */

    (void) adm_store_unconfirmed();
    (void) adm_store_unsure();

    for (attempt = 0; attempt < ADM_WRITE_ATTEMPTS; attempt++) {
        rc = adm_write_once(w);

        if (rc != ADM_RETRY) {
            return rc;
        }

        adm_count(ADM_METRIC_WRITE_RETRIES);
        adm_write_free(w);
    }

    return ADM_BUSY;
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


/*
 * The lease was written alone (main.c, at the start or after a reload),
 * replacing before_ms: reads made under a longer one are waited out by
 * the changes that follow, as after a change that replaced it.
 */

void
adm_write_lease_replaced(int64_t before_ms)
{
    adm_lease_wait(before_ms, 0);
}
