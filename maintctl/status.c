/*
 * status.c: the read-only views of the fleet: status (what a gateway
 * decides now for an app) and gateways (the live gateway workers).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maintctl.h"


#define S_APP     1
#define S_METHOD  2
#define S_PATH    3
#define S_CLIENT  4

static const ctl_opt_t  ctl_status_opts[] = {
    { "app",    1, S_APP,    "app" },
    { "method", 1, S_METHOD, "method" },
    { "path",   1, S_PATH,   "path" },
    { "client", 1, S_CLIENT, "client" },
    { NULL, 0, 0, NULL }
};


/* "22:30" on the same local day as now, else "2026-11-22 22:30" */

static const char *
ctl_short_time(const char *rfc3339, int64_t now, char *buf, size_t size)
{
    time_t      t;
    int64_t     sec;
    struct tm   a, b;

    if (rfc3339 == NULL || ctl_parse_time(rfc3339, &sec) != 0) {
        return ctl_local_time(rfc3339, "%H:%M", buf, size);
    }

    t = (time_t) now;
    localtime_r(&t, &a);
    t = (time_t) sec;
    localtime_r(&t, &b);

    return ctl_local_time(rfc3339, (a.tm_year == b.tm_year
                                    && a.tm_yday == b.tm_yday)
                                   ? "%H:%M" : "%Y-%m-%d %H:%M", buf, size);
}


static int
ctl_status(ctl_args_t *a)
{
    int          id, rc;
    char        *app, *state, *decision, *wid, from[32], until[32];
    json_t      *w;
    int64_t      now;
    ctl_buf_t    path;
    ctl_resp_t   r;
    const char  *val, *s;

    memset(&path, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&path, "/v1/status");

    while ((id = ctl_next(a, ctl_status_opts, &val)) != CTL_ARG_END) {
        if (id > 0 && ctl_opt_query(ctl_status_opts, id)) {
            ctl_buf_query(&path, ctl_opt_query(ctl_status_opts, id), val);
            continue;
        }

        switch (id) {

        case CTL_ARG_ERROR:
            free(path.data);
            return CTL_EXIT_USAGE;

        default:
            free(path.data);
            return ctl_usage_error(a, "unexpected argument \"%s\"",
                                   val ? val : "--");
        }
    }

    rc = ctl_request("GET", path.data, NULL, NULL, &r);
    free(path.data);

    if (rc != CTL_EXIT_OK) {
        ctl_resp_free(&r);
        return rc;
    }

    if (ctl_conf.json) {
        ctl_print_raw(&r);
        ctl_resp_free(&r);
        return CTL_EXIT_OK;
    }

    s = ctl_str(r.json, "now");

    if (s == NULL || ctl_parse_time(s, &now) != 0) {
        now = (int64_t) time(NULL);
    }

    s = ctl_str(r.json, "app");
    app = ctl_clean(s ? s : "?", 0);
    s = ctl_str(r.json, "state");
    state = ctl_clean(s ? s : "?", 0);
    s = ctl_str(r.json, "decision");
    decision = ctl_clean(s ? s : "?", 0);
    w = json_object_get(r.json, "window");

    if (!json_is_object(w)) {
        printf("%s: %s (%s)\n", app, state, decision);

    } else {
        wid = ctl_clean(ctl_str(w, "id") ? ctl_str(w, "id") : "?", 0);
        ctl_short_time(ctl_str(w, "ends_at"), now, until, sizeof(until));

        if (strcmp(state, "active") == 0) {
            printf("%s: %s (%s) until %s, window %s\n", app, state, decision,
                   until, wid);

        } else {
            ctl_short_time(ctl_str(w, "starts_at"), now, from, sizeof(from));
            printf("%s: %s (%s) from %s until %s, window %s\n", app, state,
                   decision, from, until, wid);
        }

        free(wid);
    }

    free(app);
    free(state);
    free(decision);
    ctl_resp_free(&r);

    return CTL_EXIT_OK;
}


static int
ctl_gateways(ctl_args_t *a)
{
    int           id, rc;
    char         *apps, pid[32], master[32], version[64], seen[32];
    size_t        i;
    json_t       *items, *g, *v, *top;
    ctl_resp_t    r;
    ctl_table_t   t;
    const char   *val;
    static const char *const  heads[] = {
        "HOST", "PID", "MASTER", "MODULE", "APPS", "VERSION", "SEEN"
    };

    while ((id = ctl_next(a, NULL, &val)) != CTL_ARG_END) {
        if (id == CTL_ARG_ERROR) {
            return CTL_EXIT_USAGE;
        }

        return ctl_usage_error(a, "unexpected argument \"%s\"",
                               val ? val : "--");
    }

    rc = ctl_request("GET", "/v1/gateways", NULL, NULL, &r);

    if (rc != CTL_EXIT_OK) {
        ctl_resp_free(&r);
        return rc;
    }

    if (ctl_conf.json) {
        ctl_print_raw(&r);
        ctl_resp_free(&r);
        return CTL_EXIT_OK;
    }

    items = json_object_get(r.json, "items");
    top = json_object_get(r.json, "state_version");
    ctl_table_init(&t, 7, heads);

    json_array_foreach(items, i, g) {
        v = json_object_get(g, "pid");
        snprintf(pid, sizeof(pid), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        v = json_object_get(g, "master");
        snprintf(master, sizeof(master), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));

        /* a worker behind the current state version has not caught up */
        v = json_object_get(g, "state_version");
        snprintf(version, sizeof(version), "%" JSON_INTEGER_FORMAT "%s",
                 json_integer_value(v),
                 json_is_integer(top) && json_is_integer(v)
                 && json_integer_value(v) < json_integer_value(top)
                 ? " (behind)" : "");

        apps = ctl_join(json_object_get(g, "apps"), ",");
        ctl_table_row(&t, ctl_str(g, "host"), pid, master,
                      ctl_str(g, "module"), apps, version,
                      ctl_local_time(ctl_str(g, "seen_at"),
                                     "%Y-%m-%d %H:%M:%S", seen,
                                     sizeof(seen)));
        free(apps);
    }

    ctl_table_print(&t);
    ctl_resp_free(&r);

    return CTL_EXIT_OK;
}


const ctl_cmd_t  ctl_cmd_status = {
    "status",
    "usage: maintctl status [--app APP] [--method M] [--path P] "
    "[--client ADDR]\n",
    "\n"
    "What a gateway decides now for a request, on the state in Redis and\n"
    "Redis's clock:\n"
    "    shop: active (maintenance) until 22:30, window w_k3j9x2mfq1\n"
    "\n"
    "Options:\n"
    "  --app APP      the maint_app (default: default)\n"
    "  --method M     the request's method (default GET), for read-only\n"
    "                 windows\n"
    "  --path P       the request's path (default /), for allowed paths\n"
    "  --client ADDR  the client's address, for allowed networks\n",
    ctl_status
};

const ctl_cmd_t  ctl_cmd_gateways = {
    "gateways",
    "usage: maintctl gateways\n",
    "\n"
    "The live gateway workers, from their heartbeats.  VERSION is the state\n"
    "version a worker serves; \"(behind)\" marks one not yet on the latest.\n",
    ctl_gateways
};
