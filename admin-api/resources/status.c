/*
 * status.c: /v1/status, what an edge decides now: the gateways' own
 * decision (maint_decide.c) on the snapshot they read and on Redis's
 * clock, for a given app, method, path and client address, asked for a
 * request without a session cookie or a superadmin.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "maint_decide.h"
#include "maint_eval.h"
#include "maint_names.h"
#include "admin.h"
#include "http/http.h"
#include "http/query.h"
#include "model/times.h"
#include "resources/change.h"
#include "resources/status.h"
#include "store/reads.h"
#include "store/store.h"


static int
adm_bad(adm_req_t *r, const char *detail)
{
    return adm_problem(r, 400, ADM_P_BAD_REQUEST, "Bad query parameter",
                       detail, NULL, NULL);
}


int
adm_status(adm_req_t *r)
{
    char                   err[256], *json;
    size_t                 len;
    int64_t                version, now_ms;
    json_t                *body;
    const char            *app, *method, *path, *client, *state;
    unsigned char          addr[16];
    maint_request_t        req;
    maint_snapshot_t      *snap;
    maint_decide_in_t      in;
    maint_decide_out_t     out;
    const maint_window_t  *w;

    app = adm_query(r, "app");
    method = adm_query(r, "method");
    path = adm_query(r, "path");
    client = adm_query(r, "client");

    app = app ? app : "default";
    method = method ? method : "GET";
    path = path ? path : "/";

    if (!maint_valid_name(app, strlen(app))) {
        return adm_bad(r, "app: must be 1 to 64 of A-Z a-z 0-9 . _ -");
    }

    if (path[0] != '/') {
        return adm_bad(r, "path: must start with /");
    }

    memset(&req, 0, sizeof(req));
    req.app = app;
    req.app_len = strlen(app);
    req.path = path;
    req.path_len = strlen(path);
    req.safe_method = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0
                      || strcmp(method, "OPTIONS") == 0;

    if (client) {
        if (inet_pton(AF_INET, client, addr) == 1) {
            req.family = AF_INET;

        } else if (inet_pton(AF_INET6, client, addr) == 1) {
            req.family = AF_INET6;

        } else {
            return adm_bad(r, "client: must be an IPv4 or IPv6 address");
        }

        req.addr = addr;
    }

    if (adm_store_now(&now_ms) != 0
        || adm_store_snapshot(&version, &json, &len) != 0)
    {
        return adm_redis_down(r);
    }

    snap = maint_snapshot_parse(json ? json : "", json ? len : 0, err,
                                sizeof(err));
    free(json);

    if (snap == NULL) {
        return adm_problem(r, 500, "internal", "Snapshot unreadable", err,
                           NULL, NULL);
    }

    req.now_ms = now_ms;

    memset(&in, 0, sizeof(in));
    in.snap = snap;
    in.req = req;
    maint_decide(&in, &out);

    w = out.window;
    state = w == NULL ? "none" : out.retry_after ? "active" : "upcoming";

    body = json_pack("{s:s, s:s, s:s, s:n, s:I, s:o}",
                     "app", app, "state", state,
                     "decision", maint_action_name(out.action),
                     "window",
                     "state_version", (json_int_t) version,
                     "now", adm_time_json(now_ms / 1000));

    if (w) {
        /* a window started "now" starts to the ms, as its record says */
        json_object_set_new(body, "window", json_pack(
            "{s:s%, s:s%, s:s, s:o, s:s}",
            "id", w->id.data, w->id.len,
            "title", w->title.data ? w->title.data : "", w->title.len,
            "mode", w->mode == MAINT_MODE_READ_ONLY ? "read_only" : "full",
            "starts_at", adm_time_ms_json(w->start_ms),
            "ends_at", w->ends_at));

        if (out.retry_after) {
            json_object_set_new(body, "retry_after",
                                json_integer(out.retry_after));
        }
    }

    maint_snapshot_free(snap);

    return adm_reply_json(r, 200, body);
}
