/*
 * maint_eval.c: the per-request decision (window selection, exemptions,
 * read-only mode, notice period) and Retry-After.
 * Pure functions of their arguments: the caller supplies the clock.
 */

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "maint_cidr.h"
#include "maint_eval.h"


int
maint_window_applies(const maint_window_t *w, const char *app, size_t len)
{
    size_t  i;

    if (w->all_apps) {
        return 1;
    }

    for (i = 0; i < w->napps; i++) {
        if (maint_str_eq(&w->apps[i], app, len)) {
            return 1;
        }
    }

    return 0;
}


/*
 * A started window is in force by state: its start was an action the
 * admin API acknowledged, which no gateway's clock estimate may undo.
 * Its end, unless held, stays on the clock like a scheduled start.
 */

int
maint_window_active(const maint_window_t *w, int64_t now_ms)
{
    if (now_ms < w->start * 1000 && !w->started) {
        return 0;
    }

    return w->hold || now_ms < w->end * 1000;
}


static int
maint_more_restrictive(const maint_window_t *a, const maint_window_t *b)
{
    if (a->mode != b->mode) {
        return a->mode == MAINT_MODE_FULL;
    }

    return a->end > b->end;
}


int
maint_path_allowed(const maint_str_t *prefix, const char *path, size_t len)
{
    if (len < prefix->len || memcmp(path, prefix->data, prefix->len) != 0) {
        return 0;
    }

    return len == prefix->len
           || prefix->data[prefix->len - 1] == '/'
           || path[prefix->len] == '/';
}


static int
maint_exempt(const maint_window_t *w, const maint_request_t *req)
{
    size_t  i;

    for (i = 0; i < w->nallow_paths; i++) {
        if (maint_path_allowed(&w->allow_paths[i], req->path,
                               req->path_len))
        {
            /*
             * Only if the app receives the path judged here: a raw
             * "/admin/%2e%2e/public/x" is "/public/x" to NGINX, but
             * "proxy_pass" without a URI part sends it on as it came.
             */

            if (maint_path_trusted(req->raw_path, req->raw_path_len,
                                   req->path, req->path_len,
                                   req->path_rewritten))
            {
                return 1;
            }

            break;
        }
    }

    if (req->family == 0 || req->addr == NULL) {
        return 0;
    }

    for (i = 0; i < w->nallow_networks; i++) {
        if (maint_cidr_match(&w->allow_networks[i], req->family, req->addr)) {
            return 1;
        }
    }

    return 0;
}


maint_decision_e
maint_evaluate(const maint_snapshot_t *s, const maint_request_t *req,
    const maint_window_t **window)
{
    size_t                 i;
    int64_t                now;
    const maint_window_t  *w, *active, *upcoming;

    *window = NULL;

    if (s == NULL) {
        return MAINT_PASS;
    }

    now = req->now_ms;
    active = NULL;
    upcoming = NULL;

    for (i = 0; i < s->nwindows; i++) {
        w = &s->windows[i];

        if (!maint_window_applies(w, req->app, req->app_len)) {
            continue;
        }

        if (maint_window_active(w, now)) {
            if (active == NULL || maint_more_restrictive(w, active)) {
                active = w;
            }

            continue;
        }

        if (!w->started && now < w->start * 1000
            && now >= (w->start - w->notify_before) * 1000
            && (upcoming == NULL || w->start < upcoming->start))
        {
            upcoming = w;
        }
    }

    if (active != NULL) {
        *window = active;

        if (maint_exempt(active, req)) {
            return MAINT_EXEMPT;
        }

        if (active->mode == MAINT_MODE_READ_ONLY) {
            return req->safe_method ? MAINT_READ_ONLY_PASS
                                    : MAINT_READ_ONLY_BLOCKED;
        }

        return MAINT_MAINTENANCE;
    }

    if (upcoming != NULL) {
        *window = upcoming;
        return MAINT_NOTICE;
    }

    return MAINT_PASS;
}


/* t, if it comes after now and before *until */

static void
maint_sooner(int64_t *until, int64_t now_ms, int64_t t)
{
    if (t > now_ms && t < *until) {
        *until = t;
    }
}


int64_t
maint_steady_until(const maint_snapshot_t *s, const char *app,
    size_t app_len, int64_t now_ms)
{
    size_t                 i;
    int64_t                until;
    const maint_window_t  *w;

    until = INT64_MAX;

    if (s == NULL) {
        return until;
    }

    for (i = 0; i < s->nwindows; i++) {
        w = &s->windows[i];

        if (!maint_window_applies(w, app, app_len)) {
            continue;
        }

        if (maint_window_active(w, now_ms)) {
            return now_ms;              /* the request decides */
        }

        /*
         * Not in force: started and over, or over, stays so while the
         * clock goes forward; one to come changes things at its notice,
         * at its start, and at the instant it ends sessions (start_ms,
         * to the millisecond: maint_session_verdict()).  Its end comes
         * after its start.
         */

        if (w->started) {
            continue;
        }

        maint_sooner(&until, now_ms, (w->start - w->notify_before) * 1000);
        maint_sooner(&until, now_ms, w->start * 1000);
        maint_sooner(&until, now_ms, w->start_ms);
    }

    return until;
}


int64_t
maint_retry_after(const maint_window_t *w, int64_t now_ms)
{
    int64_t  left;

    left = w->end * 1000 - now_ms;

    if (left <= 0) {
        return MAINT_RETRY_AFTER_OVERRUN;
    }

    return (left + 999) / 1000;
}
