/*
 * change.c: every write a request asks for.  A resource handler supplies
 * a function that computes the change from a fresh view of the state (and
 * answers the request itself when the change is refused); this file runs
 * it in the write engine (resources/write.c) and answers: the change, its
 * dry run, or why it failed.  Also: audit entries of requests, rejected
 * attempts, If-Match, and the listing of a hash of records by name.
 *
 * Besides windows and settings a change may replace the access part
 * (superadmins, bypass keys, session cutoffs) and end sessions; windows
 * with terminate_sessions that finish get their sessions ended in
 * whatever change records it (resources/ending.c).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "http/http.h"
#include "http/query.h"
#include "outbound/probe.h"
#include "model/precheck.h"
#include "model/snapshot.h"
#include "model/window.h"
#include "resources/change.h"
#include "resources/prechecks.h"
#include "resources/write.h"
#include "store/commit.h"
#include "store/reads.h"
#include "store/store.h"


/* a request's change, computed by its resource's function */

typedef struct {
    adm_req_t          *r;
    adm_change_pt       compute;
} adm_request_change_t;


json_t *
adm_audit_entry(adm_req_t *r, const char *action, const char *target,
    const char *outcome, unsigned status, json_t *before, json_t *after,
    int64_t now_ms)
{
    return adm_audit_record(r->token ? r->token->name : "system",
                            r->token ? adm_role_name(r->token->role)
                                     : "system",
                            action, target, outcome, status, before, after,
                            r->request_id, now_ms);
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


/*
 * The record's ETag, and what If-Match says of it: 0 it names the
 * record's revision, 1 another, -1 there is none.
 */

int
adm_etag_test(adm_req_t *r, json_t *rec, char etag[ADM_ETAG_LEN])
{
    const char  *im;

    snprintf(etag, ADM_ETAG_LEN, "\"%lld\"", (long long)
             json_integer_value(json_object_get(rec, "revision")));

    im = adm_header_in(r, "If-Match");

    return im == NULL ? -1 : strcmp(im, etag) != 0;
}


/* 0 when If-Match names the record's revision; else the answer queued */

int
adm_if_match(adm_req_t *r, json_t *rec, const char *action)
{
    int   m;
    char  etag[ADM_ETAG_LEN];

    m = adm_etag_test(r, rec, etag);

    if (m < 0) {
        adm_reject(r, action, r->id, 428);
        return adm_problem(r, 428, ADM_P_REQUIRED, "Precondition required",
                           "send If-Match with the window's ETag", NULL,
                           json_pack("{s:s}", "current_etag", etag));
    }

    if (m > 0) {
        adm_reject(r, action, r->id, 412);
        return adm_problem(r, 412, ADM_P_PRECONDITION, "Precondition failed",
                           "the window changed since that ETag; read it "
                           "again", NULL,
                           json_pack("{s:s}", "current_etag", etag));
    }

    return 0;
}


static int
adm_answer(adm_req_t *r, adm_change_t *c, int64_t now)
{
    char  loc[128];

    if (c->reply) {
        adm_reply_json(r, c->ok_status, json_incref(c->reply));

        if (c->reply_revision > 0) {
            adm_etag(r, c->reply_revision);
        }

        if (c->location[0]) {
            adm_header(r, "Location", c->location);
        }

        return 0;
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
adm_answer_dry_run(adm_req_t *r, adm_write_t *w)
{
    int            ok;
    json_t        *body, *checks;
    adm_change_t  *c = &w->change;

    ok = 1;

    if (c->after) {
        checks = adm_prechecks(c->after, &w->view, &ok);

    } else {
        checks = json_pack("[o]", adm_check_redis());
    }

    /* the custom ones, run before (adm_write()) */
    if (r->resumed) {
        json_array_extend(checks, r->resumed);
        ok = ok && !adm_precheck_failed(r->resumed);
    }

    body = json_pack("{s:b, s:b, s:o, s:o, s:o}",
                     "dry_run", 1,
                     "ok", ok,
                     "window", c->after ? adm_window_view(c->after, w->now)
                                        : json_null(),
                     "snapshot", adm_snapshot_redacted(w->snapshot),
                     "prechecks", checks);

    if (c->reply) {
        json_object_set(body, "result", c->reply);
    }

    return adm_reply_json(r, 200, body);
}


/* the resource's function answers a refusal itself: then stop */

static int
adm_request_compute(void *ctx, adm_view_t *v, adm_change_t *c)
{
    int                    rc;
    adm_request_change_t  *rq = ctx;

    rc = rq->compute(rq->r, v, c);

    return rc != 0 || rq->r->response ? ADM_NOTHING : ADM_OK;
}


/*
 * Runs of checks that requests wait for, at most ADM_CHECK_RUNS at once:
 * each may hold up to ADM_MAX_PRECHECKS transfers for up to a minute, and
 * a token's requests must not open sockets without bound.  A scheduled
 * start's checks (ticker.c) are not counted: nobody sends those.
 */

#define ADM_CHECK_RUNS  16

static unsigned  adm_check_runs;


static void
adm_checks_done(void *data, json_t *results)
{
    adm_check_runs--;
    adm_resume(data, results);
}


/*
 * The custom prechecks for these apps started, the request suspended
 * until they are done: 1; 0 when none is for these apps; -1 when they
 * could not be started (an early start then finds them missing:
 * adm_start_checked())
 */

int
adm_checks_suspend(adm_req_t *r, json_t *apps)
{
    int  rc;

    if (adm_check_runs >= ADM_CHECK_RUNS) {
        return adm_probe_applies(apps) ? -1 : 0;
    }

    rc = adm_probe_start(apps, adm_checks_done, r);

    if (rc == 1) {
        adm_check_runs++;
        adm_suspend(r);
    }

    return rc;
}


/* checks that apply but could not run: 503, and an early start refused */

int
adm_checks_missing(adm_req_t *r, const char *action)
{
    int   rc, busy;
    char  detail[256], why[64];

    if (action) {
        adm_reject(r, action, r->id, 503);
    }

    /* found busy in this same turn of the loop: that is why */
    busy = adm_check_runs >= ADM_CHECK_RUNS;
    why[0] = '\0';

    if (busy) {
        snprintf(why, sizeof(why), ": %d runs of checks are under way",
                 ADM_CHECK_RUNS);
    }

    snprintf(detail, sizeof(detail), "custom prechecks apply to this window "
             "but could not be run%s; try again%s", why,
             action ? ", or send \"force\": true to start without them"
                    : "");

    rc = adm_problem(r, 503, "unavailable", "Prechecks not run", detail,
                     NULL, NULL);

    if (busy) {
        adm_header(r, "Retry-After", "1");
    }

    return rc;
}


/*
 * The change a request asks for, computed, committed and answered.  A dry
 * run of a change to a window runs the custom prechecks for the window it
 * would make (outbound/probe.c) and is answered when they are done: the
 * request is suspended meanwhile, and computed again when they are.
 */

int
adm_write(adm_req_t *r, const char *action, const char *target,
    adm_change_pt compute, void *data)
{
    int                    rc;
    char                   detail[384];
    const char            *dry;
    adm_write_t            w;
    adm_request_change_t   ctx;

    ctx.r = r;
    ctx.compute = compute;

    dry = adm_query(r, "dry_run");

    memset(&w, 0, sizeof(adm_write_t));
    w.action = action;
    w.target = target;
    w.compute = adm_request_compute;
    w.ctx = &ctx;
    w.data = data;
    w.actor = r->token->name;
    w.role = adm_role_name(r->token->role);
    w.request_id = r->request_id;
    w.dry_run = dry != NULL && strcmp(dry, "true") == 0;
    w.waits = 1;

    rc = adm_write_run(&w);

    if (rc == ADM_OK && w.change.dry_run && w.change.after
        && r->resumed == NULL)
    {
        switch (adm_checks_suspend(r, json_object_get(w.change.after,
                                                      "apps")))
        {
        case 1:
            adm_write_free(&w);
            return 0;

        case -1:
            rc = ADM_NOTHING;
            adm_checks_missing(r, NULL);
            break;
        }
    }

    switch (rc) {

    case ADM_OK:
        if (w.change.dry_run) {
            adm_answer_dry_run(r, &w);

        } else {
            adm_answer(r, &w.change, w.now);
        }

        break;

    case ADM_NOTHING:
        break;                  /* answered by the resource's function */

    case ADM_REFUSED:
        adm_reject(r, w.change.action, w.change.target, 422);

        snprintf(detail, sizeof(detail), "the gateways could not read the "
                 "state this change makes: %s", w.err);

        adm_problem(r, 422, ADM_P_VALIDATION, "Change refused", detail,
                    NULL, NULL);
        break;

    case ADM_BUSY:
        adm_problem(r, 503, "unavailable", "Busy", "the state kept changing "
                    "under this request; try again", NULL, NULL);
        break;

    default:
        if (w.err[0]) {
            adm_problem(r, 500, "internal", "Internal error", w.err, NULL,
                        NULL);

        } else {
            adm_redis_down(r);
        }
    }

    adm_write_free(&w);

    return 0;
}


/* 409, audited as a rejected attempt at the change */

int
adm_conflict(adm_req_t *r, const char *action, const char *detail,
    json_t *extra)
{
    adm_reject(r, action, r->id[0] ? r->id : NULL, 409);

    return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict", detail, NULL,
                       extra);
}


/*
 * A request Redis could not serve: 503, saying whether a change may have
 * been applied.
 */

int
adm_redis_down(adm_req_t *r)
{
    adm_log(ADM_LOG_ERROR, "redis unavailable", "{s:s, s:s}",
            "error", adm_store_error(), "request_id", r->request_id);

    return adm_problem(r, 503, "unavailable", "Redis is unavailable",
                       adm_store_unconfirmed()
                       ? "the change reached the primary but no replica "
                         "confirmed it in time; the audit trail says "
                         "whether it is applied"
                       : adm_store_unsure()
                       ? "Redis did not answer the change in time and "
                         "could not be asked whether it ran; the audit "
                         "trail says whether it is applied"
                       : "the state store is unavailable; nothing was "
                         "written",
                       NULL, NULL);
}


static int
adm_by_key(const void *a, const void *b)
{
    return strcmp(*(const char **) a, *(const char **) b);
}


/*
 * GET of a resource kept as records by name (superadmins, notification
 * targets): {"items": [view(record)...]} sorted by name.
 */

int
adm_reply_by_name(adm_req_t *r, json_t *records, json_t *(*view)(json_t *))
{
    size_t        i, n;
    json_t       *items, *rec;
    const char   *key, **keys;

    n = json_object_size(records);
    keys = calloc(n + 1, sizeof(const char *));

    if (keys == NULL) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "out of memory", NULL, NULL);
    }

    i = 0;

    json_object_foreach(records, key, rec) {
        keys[i++] = key;
    }

    qsort(keys, n, sizeof(const char *), adm_by_key);

    items = json_array();

    for (i = 0; i < n; i++) {
        json_array_append_new(items, view(json_object_get(records, keys[i])));
    }

    free(keys);

    return adm_reply_json(r, 200, json_pack("{s:o}", "items", items));
}
