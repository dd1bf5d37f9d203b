/*
 * status.c: the read-only views of the fleet: status (what a gateway
 * decides now for an app) and gateways (the live gateway workers).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maintctl.h"
#include "args.h"
#include "buf.h"
#include "commands.h"
#include "output.h"
#include "show.h"
#include "usage.h"


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


/* "shop: active (maintenance) until 22:30, window w_k3j9x2mfq1" */

static void
ctl_status_print(json_t *doc)
{
    char        *app, *state, *decision, *wid, from[32], until[32];
    json_t      *w;
    int64_t      now;
    const char  *s;

    s = ctl_str(doc, "now");

    if (s == NULL || ctl_parse_time(s, &now) != 0) {
        now = (int64_t) time(NULL);
    }

    s = ctl_str(doc, "app");
    app = ctl_clean(s ? s : "?", 0);
    s = ctl_str(doc, "state");
    state = ctl_clean(s ? s : "?", 0);
    s = ctl_str(doc, "decision");
    decision = ctl_clean(s ? s : "?", 0);
    w = json_object_get(doc, "window");

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
}


static int
ctl_status(ctl_args_t *a)
{
    int          id, rc;
    ctl_buf_t    path;
    const char  *val;

    memset(&path, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&path, "/v1/status");

    id = ctl_next_query(a, ctl_status_opts, &path, &val);

    if (id != CTL_ARG_END) {
        free(path.data);
        return ctl_unexpected(a, id, val);
    }

    /*
     * Without an app the API answers for the app "default", which is
     * seldom the one meant: a silent answer about another app is worse
     * than asking.
     */
    if (strstr(path.data, "?app=") == NULL
        && strstr(path.data, "&app=") == NULL)
    {
        free(path.data);
        return ctl_usage_error(a, "--app is required: which app? (the "
                               "maint_app of the location; \"--app "
                               "default\" for one without)");
    }

    rc = ctl_show("GET", path.data, NULL, ctl_status_print);
    free(path.data);

    return rc;
}


static void
ctl_gateways_table(json_t *doc)
{
    char         *apps, pid[32], master[32], version[64], seen[32];
    size_t        i;
    json_t       *g, *v, *top;
    ctl_table_t   t;
    static const char *const  heads[] = {
        "HOST", "PID", "MASTER", "MODULE", "APPS", "VERSION", "SEEN"
    };

    top = json_object_get(doc, "state_version");
    ctl_table_init(&t, 7, heads);

    json_array_foreach(json_object_get(doc, "items"), i, g) {
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
}


static int
ctl_gateways(ctl_args_t *a)
{
    return ctl_show_command(a, "GET", "/v1/gateways", ctl_gateways_table);
}


const ctl_cmd_t  ctl_cmd_status = {
    "status",
    "usage: maintctl status --app APP [--method M] [--path P] "
    "[--client ADDR]\n",
    "\n"
    "What a gateway decides now for a request, on the state in Redis and\n"
    "Redis's clock:\n"
    "    shop: active (maintenance) until 22:30, window w_k3j9x2mfq1\n"
    "\n"
    "Options:\n"
    "  --app APP      the maint_app (required; \"default\" is the app of a\n"
    "                 location without maint_app)\n"
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
