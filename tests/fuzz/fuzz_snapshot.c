/*
 * fuzz_snapshot.c: the state snapshot's decoder (maint_snapshot.c), fed
 * whatever Redis may hold, and on what it accepts the decisions made from
 * it (maint_eval.c, the session verdict in maint_session.c) at a few
 * instants, for a few apps, paths and addresses, and how long each stays
 * so (maint_steady_until()).  Input: the snapshot's JSON.
 */

#include <sys/socket.h>

#include "fuzz.h"
#include "maint_eval.h"
#include "maint_session.h"


/*
 * maint_steady_until(): until the instant it names, the request is
 * evaluated and a session judged as now (a decision kept per connection
 * relies on it); checked at the last instant before it, or a day on.
 */

static void
steady_check(const maint_snapshot_t *s, const maint_request_t *now_req,
    maint_decision_e d, const maint_window_t *w)
{
    int64_t                 until;
    maint_request_t         req;
    maint_session_facts_t   f;
    const maint_window_t   *w2;

    until = maint_steady_until(s, now_req->app, now_req->app_len,
                               now_req->now_ms);
    FUZZ_CHECK(until >= now_req->now_ms);

    if (until == now_req->now_ms) {
        return;                         /* in force: the request decides */
    }

    req = *now_req;
    req.now_ms = until == INT64_MAX ? now_req->now_ms + 86400000
                                    : until - 1;

    FUZZ_CHECK(maint_evaluate(s, &req, &w2) == d && w2 == w);

    memset(&f, 0, sizeof(f));
    f.first_seen = now_req->now_ms - 1000;
    f.kept_at = -1;
    FUZZ_CHECK(maint_session_verdict(s, req.app, req.app_len, req.now_ms, &f)
               == maint_session_verdict(s, req.app, req.app_len,
                                        now_req->now_ms, &f));
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char                    err[256], *json;
    size_t                  a, k, i;
    maint_snapshot_t       *s;
    maint_request_t         req;
    maint_decision_e        d;
    maint_session_facts_t   f;
    maint_session_verdict_e v0;
    const maint_window_t   *w;
    unsigned char           v4[4] = { 10, 1, 2, 3 }, v6[16] = { 0x20, 0x01,
                                0x0d, 0xb8 };
    static const char      *apps[] = { "shop", "crm", "*", "" };
    static const int64_t    now[] = { 0, 1500000, 1795300000000LL,
                                      INT64_MAX / 2, -1000 };

    if (size > MAINT_MAX_SNAPSHOT) {
        return 0;
    }

    /* exactly the bytes, no terminating NUL to lean on */
    json = malloc(size ? size : 1);
    if (json == NULL) {
        abort();
    }

    memcpy(json, data, size);

    err[0] = '\0';
    s = maint_snapshot_parse(json, size, err, sizeof(err));

    if (s == NULL) {
        FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
        free(json);
        return 0;
    }

    for (a = 0; a < sizeof(apps) / sizeof(apps[0]); a++) {
        for (k = 0; k < sizeof(now) / sizeof(now[0]); k++) {
            memset(&req, 0, sizeof(req));
            req.app = apps[a];
            req.app_len = strlen(apps[a]);
            req.now_ms = now[k];
            req.safe_method = k & 1;
            req.path = k & 2 ? "/health/x" : "/";
            req.path_len = strlen(req.path);
            req.family = k == 0 ? 0 : (k & 1 ? AF_INET : AF_INET6);
            req.addr = k & 1 ? v4 : v6;

            w = NULL;
            d = maint_evaluate(s, &req, &w);
            FUZZ_CHECK(d == MAINT_PASS || w != NULL);

            steady_check(s, &req, d, w);

            if (w) {
                FUZZ_CHECK(maint_retry_after(w, now[k]) >= 1);
            }

            memset(&f, 0, sizeof(f));
            f.first_seen = now[k] - 1000;
            f.kept_at = k & 1 ? -1 : now[k];
            f.superadmin.data = "alice";
            f.superadmin.len = 5;
            (void) maint_session_verdict(s, apps[a], strlen(apps[a]), now[k],
                                         &f);

            /* the app's user name never makes a session a superadmin's */
            f.superadmin.len = 0;
            f.user.data = "";
            f.user.len = 0;
            v0 = maint_session_verdict(s, apps[a], strlen(apps[a]), now[k],
                                       &f);
            f.user.data = s->nsuperadmins ? s->superadmins[0].name.data
                                          : "alice";
            f.user.len = s->nsuperadmins ? s->superadmins[0].name.len : 5;
            FUZZ_CHECK(maint_session_verdict(s, apps[a], strlen(apps[a]),
                                             now[k], &f) == v0);

            /* created now: after any window that has started, to the ms */
            f.first_seen = now[k];
            f.kept_at = -1;
            FUZZ_CHECK(maint_session_verdict(s, apps[a], strlen(apps[a]),
                                             now[k], &f)
                       != MAINT_SESSION_WINDOW);
        }
    }

    /* a window's exact start is within its second */
    for (i = 0; i < s->nwindows; i++) {
        FUZZ_CHECK(s->windows[i].start_ms >= s->windows[i].start * 1000
                   && s->windows[i].start_ms
                      <= s->windows[i].start * 1000 + 999);
    }

    for (i = 0; i < s->nsuperadmins; i++) {
        FUZZ_CHECK(maint_snapshot_superadmin(s, s->superadmins[i].name.data,
                                             s->superadmins[i].name.len)
                   != NULL);
    }

    for (i = 0; i < s->nkeys; i++) {
        FUZZ_CHECK(maint_snapshot_key(s, s->keys[i].kid, s->keys[i].kid_len)
                   != NULL);
    }

    maint_snapshot_free(s);
    free(json);

    return 0;
}
