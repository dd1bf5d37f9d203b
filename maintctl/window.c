/*
 * window.c: window list and show, and what the window commands share
 * (window.h): the window's path, fetching it with its ETag for a write,
 * printing the window a write answered, the window ID argument.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_time.h"
#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "buf.h"
#include "commands.h"
#include "output.h"
#include "show.h"
#include "usage.h"
#include "window.h"


static const char *const  ctl_statuses[] = {
    "scheduled", "in_progress", "completed", "completed_with_errors",
    "failed", "cancelled", NULL
};


/* "/v1/windows/ID[/action][?dry_run=true]", the ID percent-encoded */

char *
ctl_window_path(const char *id, const char *action, int dry_run)
{
    char       *path;
    ctl_buf_t   b;

    path = ctl_item_path("/v1/windows", id, action);

    if (!dry_run) {
        return path;
    }

    b.data = path;
    b.len = strlen(path);
    b.cap = b.len + 1;
    ctl_buf_query(&b, "dry_run", "true");

    return b.data;
}


/*
 * GET a window for a write: r->etag is what If-Match must carry.  The API
 * documents the ETag as "<revision>", so a proxy that drops the header
 * does not stop us.
 */

int
ctl_window_get(const char *id, ctl_resp_t *r)
{
    int      rc;
    char    *path, tag[32];
    json_t  *rev;

    path = ctl_window_path(id, NULL, 0);
    rc = ctl_request("GET", path, NULL, NULL, r);
    free(path);

    if (rc != CTL_EXIT_OK) {
        return rc;
    }

    if (!json_is_object(r->json)) {
        fprintf(stderr, "maintctl: GET of window %s gave no window\n", id);
        return CTL_EXIT_UNAVAILABLE;
    }

    if (r->etag == NULL || r->etag[0] == '\0') {
        rev = json_object_get(r->json, "revision");

        if (!json_is_integer(rev)) {
            fprintf(stderr, "maintctl: window %s came without an ETag\n", id);
            return CTL_EXIT_UNAVAILABLE;
        }

        snprintf(tag, sizeof(tag), "\"%" JSON_INTEGER_FORMAT "\"",
                 json_integer_value(rev));
        free(r->etag);
        r->etag = ctl_strdup(tag);
    }

    return CTL_EXIT_OK;
}


/* a check's status, in the three words of the API or "?" */

static const char *
ctl_check_status(json_t *c)
{
    const char  *s;

    s = ctl_str(c, "status");

    if (s == NULL) {
        return "?";
    }

    /* a failure must stand out among the lines that passed */
    return strcmp(s, "ok") == 0 ? "ok" : strcmp(s, "fail") == 0 ? "FAIL"
           : strcmp(s, "warn") == 0 ? "warn" : "?";
}


/*
 * The window's last prechecks, "prechecks: start at TIME, failed, forced",
 * then a line per check: name, ok or FAIL, detail, the names padded into
 * a column.  Names are ASCII (the daemon allows no other), so their bytes
 * are their width.  Details are what a checked service made the daemon
 * say: cleaned, never cut, since they are what explains a failure.
 */

static void
ctl_print_prechecks(json_t *pc)
{
    char        *name, *detail, *trigger, tbuf[64];
    size_t       i, len, width;
    json_t      *checks, *c, *ok;

    if (!json_is_object(pc)) {
        ctl_print_field("prechecks", pc);
        return;
    }

    trigger = ctl_clean(ctl_str(pc, "trigger") ? ctl_str(pc, "trigger")
                                                : "run", 0);
    ok = json_object_get(pc, "ok");

    printf("prechecks: %s at %s%s%s\n", trigger,
           ctl_local_time(ctl_str(pc, "at"), "%Y-%m-%d %H:%M:%S %Z",
                          tbuf, sizeof(tbuf)),
           !json_is_boolean(ok) ? "" : json_is_true(ok) ? ", passed"
                                                       : ", failed",
           json_is_true(json_object_get(pc, "forced")) ? ", forced" : "");
    free(trigger);

    checks = json_object_get(pc, "checks");
    width = 1;

    json_array_foreach(checks, i, c) {
        len = ctl_str(c, "name") ? strlen(ctl_str(c, "name")) : 1;
        width = len > width ? len : width;
    }

    /* a long name pushes its own line, not every line */
    width = width < 32 ? width : 32;

    json_array_foreach(checks, i, c) {
        name = ctl_clean(ctl_str(c, "name") ? ctl_str(c, "name") : "?", 0);
        detail = ctl_clean(ctl_str(c, "detail") ? ctl_str(c, "detail") : "",
                           0);
        printf("  %-*s  %-4s  %s\n", (int) width, name, ctl_check_status(c),
               detail);
        free(name);
        free(detail);
    }
}


/*
 * A window as "field: value" lines, the fields in the order given, then
 * its prechecks, whose lines come last: they explain the start above them.
 */

void
ctl_window_print(json_t *w, const char *const *order)
{
    json_t  *pc, *rest;

    pc = json_object_get(w, "prechecks");

    if (pc == NULL) {
        ctl_print_object(w, order);
        return;
    }

    rest = json_copy(w);
    json_object_del(rest, "prechecks");
    ctl_print_object(rest, order);
    json_decref(rest);

    ctl_print_prechecks(pc);
}


/* a window as "field: value" lines, the fields in a reading order */

static void
ctl_print_window(json_t *w)
{
    static const char *const  order[] = {
        "id", "title", "status", "apps", "starts_at", "ends_at", "mode",
        "enabled", "hold_until_completed", "terminate_sessions",
        "login_message", "show_login_message", "notify_message",
        "notify_before_minutes", "notify", "translations", "allow", "notes",
        "actual_start",
        "actual_end", "completion_notes", "created_at", "created_by",
        "updated_at", "updated_by", "revision", NULL
    };

    ctl_window_print(w, order);
}


/* prints the window a write answered, or the prechecks of a dry run */

int
ctl_window_answer(const ctl_resp_t *r, int dry_run)
{
    if (dry_run) {
        return ctl_print_dry_run(r) ? CTL_EXIT_OK : CTL_EXIT_REFUSED;
    }

    if (ctl_conf.json) {
        ctl_print_raw(r);

    } else {
        ctl_print_window(r->json);
    }

    return CTL_EXIT_OK;
}


/* window list */

#define L_APP     1
#define L_STATUS  2
#define L_FROM    3
#define L_TO      4
#define L_SEARCH  5
#define L_LIMIT   6
#define L_ALL     7

static const ctl_opt_t  ctl_list_opts[] = {
    { "app",    1, L_APP, NULL },
    { "status", 1, L_STATUS, NULL },
    { "from",   1, L_FROM, NULL },
    { "to",     1, L_TO, NULL },
    { "search", 1, L_SEARCH, NULL },
    { "limit",  1, L_LIMIT, NULL },
    { "all",    0, L_ALL, NULL },
    { NULL, 0, 0, NULL }
};


static int
ctl_check_statuses(ctl_args_t *a, const char *val)
{
    char         one[32];
    size_t       len;
    const char  *p, *comma;

    for (p = val; ; p = comma + 1) {
        comma = strchr(p, ',');
        len = comma ? (size_t) (comma - p) : strlen(p);

        if (len == 0 || len >= sizeof(one)) {
            ctl_usage_error(a, "--status: bad list \"%s\"", val);
            return -1;
        }

        memcpy(one, p, len);
        one[len] = '\0';

        if (ctl_word_arg(a, one, ctl_statuses) < 0) {
            return -1;
        }

        if (comma == NULL) {
            return 0;
        }
    }
}


/*
 * A window's start or end in the list: the actual one when it has it (the
 * admin page shows those too), marked "*", else the scheduled one.  A
 * window started early or completed late has moved: the scheduled times
 * would misstate when users were shut out.
 */

static const char *
ctl_list_time(json_t *w, const char *actual, const char *scheduled,
    char *buf, size_t size, int *marked)
{
    size_t       n;
    const char  *s;

    s = ctl_str(w, actual);

    if (s == NULL || *s == '\0') {
        return ctl_local_time(ctl_str(w, scheduled), "%Y-%m-%d %H:%M", buf,
                              size);
    }

    ctl_local_time(s, "%Y-%m-%d %H:%M", buf, size - 2);
    n = strlen(buf);
    buf[n] = '*';
    buf[n + 1] = '\0';
    *marked = 1;

    return buf;
}


static void
ctl_list_table(json_t *items)
{
    size_t        i;
    json_t       *w, *en;
    int           marked;
    char         *joined, *apps, status[64], start[40], end[40];
    const char   *s;
    ctl_table_t   t;
    static const char *const  heads[] = {
        "ID", "STATUS", "APPS", "START", "END", "TITLE"
    };

    ctl_table_init(&t, 6, heads);
    marked = 0;

    json_array_foreach(items, i, w) {
        joined = ctl_join(json_object_get(w, "apps"), ",");
        apps = ctl_truncate(joined, 24);
        free(joined);
        s = ctl_str(w, "status");
        en = json_object_get(w, "enabled");

        /*
         * A disabled window is never enforced: the table must say so while
         * that matters, that is until it is finished.
         */
        snprintf(status, sizeof(status), "%s%s", s ? s : "?",
                 json_is_false(en) && s != NULL
                 && (strcmp(s, "scheduled") == 0
                     || strcmp(s, "in_progress") == 0)
                 ? " (disabled)" : "");

        ctl_table_row(&t, ctl_str(w, "id"), status, apps,
                      ctl_list_time(w, "actual_start", "starts_at", start,
                                    sizeof(start), &marked),
                      ctl_list_time(w, "actual_end", "ends_at", end,
                                    sizeof(end), &marked),
                      ctl_str(w, "title"));
        free(apps);
    }

    ctl_table_print(&t);

    if (marked) {
        printf("* actual time; the others are scheduled\n");
    }
}


static int
ctl_window_list(ctl_args_t *a)
{
    int          id, all, rc;
    long         limit;
    char         from[32], to[32];
    ctl_buf_t    base;
    ctl_time_t   t;
    const char  *val, *app, *status, *fromv, *tov, *search;

    all = 0;
    limit = 0;
    app = NULL;
    status = NULL;
    fromv = NULL;
    tov = NULL;
    search = NULL;

    while ((id = ctl_next(a, ctl_list_opts, &val)) != CTL_ARG_END) {
        switch (id) {

        case L_APP:
            app = val;
            break;

        case L_STATUS:
            if (ctl_check_statuses(a, val) != 0) {
                return CTL_EXIT_USAGE;
            }

            status = val;
            break;

        case L_FROM:
        case L_TO:
            if (ctl_time_arg(a, val, &t) != 0) {
                return CTL_EXIT_USAGE;
            }

            if (id == L_FROM) {
                fromv = ctl_time_value(&t, from);

            } else {
                tov = ctl_time_value(&t, to);
            }

            break;

        case L_SEARCH:
            search = val;
            break;

        case L_LIMIT:
            if (ctl_long_arg(a, val, 1, 500, &limit) != 0) {
                return CTL_EXIT_USAGE;
            }

            break;

        case L_ALL:
            all = 1;
            break;

        default:
            return ctl_unexpected(a, id, val);
        }
    }

    memset(&base, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&base, "/v1/windows");
    ctl_buf_query(&base, "app", app);
    ctl_buf_query(&base, "status", status);
    ctl_buf_query(&base, "from", fromv);
    ctl_buf_query(&base, "to", tov);
    ctl_buf_query(&base, "q", search);

    rc = ctl_show_list(&base, limit, all, ctl_list_table, "windows");
    free(base.data);

    return rc;
}


/* the window ID, the one positional argument of most window commands */

int
ctl_window_id_arg(ctl_args_t *a, const char **id, const char *val)
{
    if (*id != NULL) {
        ctl_usage_error(a, "unexpected argument \"%s\"", val);
        return -1;
    }

    if (*val == '\0') {
        ctl_usage_error(a, "empty window ID");
        return -1;
    }

    *id = val;

    return 0;
}


static int
ctl_window_show(ctl_args_t *a)
{
    int          rc;
    char        *path;
    const char  *val, *id;

    id = NULL;

    while ((rc = ctl_next(a, NULL, &val)) != CTL_ARG_END) {
        if (rc != CTL_ARG_WORD || ctl_window_id_arg(a, &id, val) != 0) {
            return CTL_EXIT_USAGE;
        }
    }

    if (id == NULL) {
        return ctl_usage_error(a, "which window? give its ID");
    }

    path = ctl_window_path(id, NULL, 0);
    rc = ctl_show("GET", path, NULL, ctl_print_window);
    free(path);

    return rc;
}


const ctl_cmd_t  ctl_cmd_window_list = {
    "window list",
    "usage: maintctl window list [--app APP] [--status S[,S...]] [--from T]\n"
    "                            [--to T] [--search TEXT] [--limit N] "
    "[--all]\n",
    "\n"
    "The windows, newest start first, as a table in the local time zone.\n"
    "START and END are the actual times, marked *, once the window has\n"
    "them (it started, it ended); else the scheduled ones.  --json gives\n"
    "both as the API has them.\n"
    "\n"
    "Options:\n"
    "  --app APP         windows covering this app (* windows included)\n"
    "  --status S,...    scheduled, in_progress, completed,\n"
    "                    completed_with_errors, failed, cancelled\n"
    "  --from T, --to T  windows overlapping [from, to)\n"
    "  --search TEXT     in titles, messages and notes\n"
    "  --limit N         1 to 500 (default 50); with --all, the page size\n"
    "  --all             follow the pages to the end\n",
    ctl_window_list
};

const ctl_cmd_t  ctl_cmd_window_show = {
    "window show",
    "usage: maintctl window show ID\n",
    "\n"
    "One window, as \"field: value\" lines, times in the local time zone.\n"
    "Its last custom prechecks, when it has them, come last: what ran them\n"
    "(start or scheduled), when, whether they passed and whether the start\n"
    "was forced, then each check: name, ok or FAIL, detail.\n",
    ctl_window_show
};
