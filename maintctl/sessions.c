/*
 * sessions.c: the apps' sessions as the gateways see them: sessions list,
 * show, end and end-all.  A session's ID is the SHA-256 of its cookie, 64
 * hex digits; people may give its first 12 or more instead, which are
 * looked up in the list of sessions and must match exactly one.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "buf.h"
#include "commands.h"
#include "output.h"
#include "show.h"
#include "usage.h"


#define CTL_SESSION_ID_LEN   64
#define CTL_SESSION_PREFIX   12     /* the ID column of the table */
#define CTL_SESSION_SHOWN    10     /* ambiguous matches listed */

#define SS_APP        1
#define SS_USER       2
#define SS_STATUS     3
#define SS_LIMIT      4
#define SS_ALL        5
#define SS_EXCEPT     6
#define SS_EXCEPT_SA  7
#define SS_YES        8
#define SS_INCLUDE_SA 9

static const ctl_opt_t  ctl_sessions_list_opts[] = {
    { "app",    1, SS_APP,    "app" },
    { "user",   1, SS_USER,   "user" },
    { "status", 1, SS_STATUS, NULL },
    { "limit",  1, SS_LIMIT,  NULL },
    { "all",    0, SS_ALL,    NULL },
    { NULL, 0, 0, NULL }
};

static const ctl_opt_t  ctl_end_all_opts[] = {
    { "app",                1, SS_APP,       NULL },
    { "except",             1, SS_EXCEPT,    NULL },
    { "except-superadmins", 0, SS_EXCEPT_SA, NULL },
    { "include-superadmins", 0, SS_INCLUDE_SA, NULL },
    { "yes",                0, SS_YES,       NULL },
    { NULL, 0, 0, NULL }
};

static const char *const  ctl_session_statuses[] = {
    "active", "ended", NULL
};

static const char *const  ctl_session_order[] = {
    "id", "app", "user", "status", "ended_by", "superadmin", "first_seen",
    "last_seen", "kept_at", "addr", "user_agent", NULL
};


/* min to 64 hex digits, either case */

static int
ctl_is_session_id(const char *s, size_t min)
{
    size_t  n;

    for (n = 0; s[n]; n++) {
        if (!isxdigit((unsigned char) s[n])) {
            return 0;
        }
    }

    return n >= min && n <= CTL_SESSION_ID_LEN;
}


/*
 * A session ID argument, lowercased (the API's IDs are lowercase hex).
 * A malformed one is a usage error, before any request; fewer than 12
 * digits could name too many sessions to be a safe way to end one.
 */

static int
ctl_session_id_arg(ctl_args_t *a, const char *val, json_t *ids)
{
    char    *id, *p;

    if (!ctl_is_session_id(val, CTL_SESSION_PREFIX)) {
        ctl_usage_error(a, "%s%s\"%s\" is not a session ID: give its 64 "
                        "hex digits, or at least its first %d",
                        a->opt ? a->opt : "", a->opt ? ": " : "", val,
                        CTL_SESSION_PREFIX);
        return -1;
    }

    id = ctl_strdup(val);

    for (p = id; *p; p++) {
        *p = (char) tolower((unsigned char) *p);
    }

    json_array_append_new(ids, json_string(id));
    free(id);

    return 0;
}


/*
 * Replaces the prefixes in ids (a JSON array of strings) by the full IDs
 * they stand for.  Full IDs are kept as they are, listed or not: the API
 * ends any 64-hex ID, and a session the registry no longer keeps can still
 * come back.  The sessions are listed once, whatever the number of
 * prefixes, and every status counts: a prefix names one session, not one
 * of the active ones.
 */

static int
ctl_session_resolve(json_t *ids)
{
    int          rc, pages;
    char        *p, *c;
    size_t       i, j, k, len, n;
    json_t      *v, *items, *s, *found;
    ctl_resp_t   r;
    const char  *prefix, *id;

    k = 0;

    json_array_foreach(ids, i, v) {
        k += strlen(json_string_value(v)) < CTL_SESSION_ID_LEN;
    }

    if (k == 0) {
        return CTL_EXIT_OK;
    }

    items = json_array();
    rc = ctl_get_pages("/v1/sessions?limit=500", 1, items, &r, &pages);
    ctl_resp_free(&r);

    json_array_foreach(ids, i, v) {
        if (rc != CTL_EXIT_OK) {
            break;
        }

        prefix = json_string_value(v);
        len = strlen(prefix);

        if (len == CTL_SESSION_ID_LEN) {
            continue;
        }

        /* a session may be on two pages if it was seen while listing */
        found = json_array();

        json_array_foreach(items, j, s) {
            id = ctl_str(s, "id");

            if (id == NULL || !ctl_is_session_id(id, CTL_SESSION_ID_LEN)
                || strncasecmp(id, prefix, len) != 0)
            {
                continue;
            }

            for (k = 0; k < json_array_size(found); k++) {
                if (strcasecmp(ctl_str(json_array_get(found, k), "id"), id)
                    == 0)
                {
                    break;
                }
            }

            if (k == json_array_size(found)) {
                json_array_append(found, s);
            }
        }

        n = json_array_size(found);

        if (n == 1) {
            json_array_set_new(ids, i, json_string(
                                   ctl_str(json_array_get(found, 0), "id")));

        } else if (n == 0) {
            fprintf(stderr, "maintctl: no listed session has an ID "
                    "starting with %s; a session no longer listed can "
                    "still be named by its full ID\n", prefix);
            rc = CTL_EXIT_REFUSED;

        } else {
            fprintf(stderr, "maintctl: %s is the start of %zu sessions' "
                    "IDs; give more of the one you mean:\n", prefix, n);

            json_array_foreach(found, j, s) {
                if (j == CTL_SESSION_SHOWN) {
                    fprintf(stderr, "  ...\n");
                    break;
                }

                p = ctl_clean(ctl_str(s, "app") ? ctl_str(s, "app") : "-",
                              0);
                c = ctl_clean(ctl_str(s, "user") ? ctl_str(s, "user") : "-",
                              0);
                fprintf(stderr, "  %s  %s  %s\n", ctl_str(s, "id"), p, c);
                free(p);
                free(c);
            }

            rc = CTL_EXIT_REFUSED;
        }

        json_decref(found);
    }

    json_decref(items);

    return rc;
}


/* sessions list */

static void
ctl_sessions_table(json_t *items)
{
    char         id[CTL_SESSION_PREFIX + 1], status[64], last[32], first[32];
    size_t       i;
    json_t      *s;
    const char  *v, *by;
    ctl_table_t  t;
    static const char *const  heads[] = {
        "ID", "APP", "USER", "STATUS", "LAST SEEN", "FIRST SEEN", "ADDRESS"
    };

    ctl_table_init(&t, 7, heads);

    json_array_foreach(items, i, s) {
        v = ctl_str(s, "id");
        snprintf(id, sizeof(id), "%s", v ? v : "?");

        v = ctl_str(s, "status");
        by = ctl_str(s, "ended_by");

        /* why a session ended is what one looks for in the list */
        if (by != NULL) {
            snprintf(status, sizeof(status), "%.20s (%.20s)", v ? v : "?",
                     by);

        } else {
            snprintf(status, sizeof(status), "%.40s", v ? v : "?");
        }

        ctl_table_row(&t, id, ctl_str(s, "app"), ctl_str(s, "user"), status,
                      ctl_local_time(ctl_str(s, "last_seen"),
                                     "%Y-%m-%d %H:%M", last, sizeof(last)),
                      ctl_local_time(ctl_str(s, "first_seen"),
                                     "%Y-%m-%d %H:%M", first, sizeof(first)),
                      ctl_str(s, "addr"));
    }

    ctl_table_print(&t);
}


static int
ctl_sessions_list(ctl_args_t *a)
{
    int          id, all, rc;
    long         limit;
    ctl_buf_t    base;
    const char  *val;

    all = 0;
    limit = 0;
    memset(&base, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&base, "/v1/sessions");

    while ((id = ctl_next_query(a, ctl_sessions_list_opts, &base, &val))
           != CTL_ARG_END)
    {
        switch (id) {

        case SS_STATUS:
            if (ctl_word_arg(a, val, ctl_session_statuses) < 0) {
                free(base.data);
                return CTL_EXIT_USAGE;
            }

            ctl_buf_query(&base, "status", val);
            break;

        case SS_LIMIT:
            if (ctl_long_arg(a, val, 1, 500, &limit) != 0) {
                free(base.data);
                return CTL_EXIT_USAGE;
            }

            break;

        case SS_ALL:
            all = 1;
            break;

        default:
            free(base.data);
            return ctl_unexpected(a, id, val);
        }
    }

    rc = ctl_show_list(&base, limit, all, ctl_sessions_table, "sessions");
    free(base.data);

    return rc;
}


/* the one ID of show and end, resolved to a full one */

static int
ctl_session_one(ctl_args_t *a, json_t *ids)
{
    int          rc;
    const char  *val;

    while ((rc = ctl_next(a, NULL, &val)) != CTL_ARG_END) {
        if (rc != CTL_ARG_WORD || json_array_size(ids) > 0) {
            return ctl_unexpected(a, rc, val);
        }

        if (ctl_session_id_arg(a, val, ids) != 0) {
            return CTL_EXIT_USAGE;
        }
    }

    if (json_array_size(ids) == 0) {
        return ctl_usage_error(a, "which session? give its ID, or at least "
                               "its first %d hex digits",
                               CTL_SESSION_PREFIX);
    }

    return ctl_session_resolve(ids);
}


static void
ctl_session_print(json_t *session)
{
    ctl_print_object(session, ctl_session_order);
}


static int
ctl_sessions_show(ctl_args_t *a)
{
    int      rc;
    char    *path;
    json_t  *ids;

    ids = json_array();
    rc = ctl_session_one(a, ids);

    if (rc == CTL_EXIT_OK) {
        path = ctl_item_path("/v1/sessions",
                             json_string_value(json_array_get(ids, 0)),
                             NULL);
        rc = ctl_show("GET", path, NULL, ctl_session_print);
        free(path);
    }

    json_decref(ids);

    return rc;
}


/*
 * Ending one session asks nothing: it is what was asked for by name, and
 * the user only has to log in again.
 */

static int
ctl_sessions_end(ctl_args_t *a)
{
    int          rc;
    char        *path;
    json_t      *ids;
    ctl_resp_t   r;
    const char  *id;

    ids = json_array();
    rc = ctl_session_one(a, ids);

    if (rc != CTL_EXIT_OK) {
        json_decref(ids);
        return rc;
    }

    id = json_string_value(json_array_get(ids, 0));
    path = ctl_item_path("/v1/sessions", id, NULL);
    rc = ctl_request("DELETE", path, NULL, NULL, &r);
    free(path);

    /* 204 has no document: --json prints nothing rather than invent one */
    if (rc == CTL_EXIT_OK && !ctl_conf.json) {
        printf("ended session %s\n", id);
    }

    ctl_resp_free(&r);
    json_decref(ids);

    return rc;
}


typedef struct {
    const char  *app;           /* NULL: every app */
    json_t      *except;        /* the IDs kept, as given */
    int          include_sa;    /* superadmins' sessions end too */
    int          yes;
} ctl_endall_t;


static int
ctl_end_all_options(ctl_args_t *a, ctl_endall_t *o)
{
    int          id;
    const char  *val;

    while ((id = ctl_next(a, ctl_end_all_opts, &val)) != CTL_ARG_END) {
        switch (id) {

        case SS_APP:
            /* an empty app must not turn into "everywhere" */
            if (*val == '\0') {
                return ctl_usage_error(a, "--app: empty app name");
            }

            o->app = val;
            break;

        case SS_EXCEPT:
            if (ctl_session_id_arg(a, val, o->except) != 0) {
                return CTL_EXIT_USAGE;
            }

            break;

        case SS_EXCEPT_SA:
            /* the default now; still accepted so that scripts keep working */
            o->include_sa = 0;
            break;

        case SS_INCLUDE_SA:
            o->include_sa = 1;
            break;

        case SS_YES:
            o->yes = 1;
            break;

        default:
            return ctl_unexpected(a, id, val);
        }
    }

    return CTL_EXIT_OK;
}


/* POST /v1/sessions/terminate; app is o->app cleaned for the terminal */

static int
ctl_end_all_request(const ctl_endall_t *o, const char *app)
{
    int          rc;
    char        *cutoff;
    char         when[64];
    json_t      *body, *kept;
    ctl_resp_t   r;

    body = json_object();

    if (o->app != NULL) {
        json_object_set_new(body, "app", json_string(o->app));
    }

    if (json_array_size(o->except) > 0) {
        json_object_set(body, "except", o->except);
    }

    /*
     * Superadmins are kept unless asked otherwise, as on the admin page:
     * ending everybody's session should not lock out the people who are
     * doing the maintenance.
     */
    json_object_set_new(body, "except_superadmins",
                        json_boolean(!o->include_sa));

    rc = ctl_request("POST", "/v1/sessions/terminate", NULL, body, &r);

    if (rc == CTL_EXIT_OK && ctl_conf.json) {
        ctl_print_raw(&r);

    } else if (rc == CTL_EXIT_OK) {
        kept = json_object_get(r.json, "kept");
        cutoff = ctl_strdup(ctl_local_time(ctl_str(r.json, "cutoff"),
                                           "%Y-%m-%d %H:%M:%S %Z", when,
                                           sizeof(when)));
        printf("ended every session %s%s as of %s",
               app ? "of app " : "everywhere", app ? app : "", cutoff);

        if (json_is_integer(kept)) {
            printf("; %" JSON_INTEGER_FORMAT " kept",
                   json_integer_value(kept));
        }

        printf("\n");
        free(cutoff);
    }

    ctl_resp_free(&r);
    json_decref(body);

    return rc;
}


/*
 * Ending every session logs every user of an app (or of every app) off,
 * so, like window delete, it needs a "yes" typed at a terminal, or --yes.
 */

static int
ctl_sessions_end_all(ctl_args_t *a)
{
    int           rc;
    char         *app;
    ctl_endall_t  o;

    memset(&o, 0, sizeof(ctl_endall_t));
    o.except = json_array();
    app = NULL;

    rc = ctl_end_all_options(a, &o);

    if (rc != CTL_EXIT_OK) {
        goto done;
    }

    app = o.app ? ctl_clean(o.app, 0) : NULL;

    if (!o.yes && !isatty(STDIN_FILENO)) {
        rc = ctl_usage_error(a, "not ending the sessions %s%s: there is no "
                             "terminal to confirm on; add --yes",
                             app ? "of app " : "everywhere",
                             app ? app : "");
        goto done;
    }

    rc = ctl_session_resolve(o.except);

    if (rc != CTL_EXIT_OK) {
        goto done;
    }

    if (!o.yes && !(app ? ctl_ask("End every session of app %s?", app)
                        : ctl_ask("End every session everywhere?")))
    {
        fprintf(stderr, "maintctl: no session was ended\n");
        rc = CTL_EXIT_USAGE;
        goto done;
    }

    rc = ctl_end_all_request(&o, app);

done:

    json_decref(o.except);
    free(app);

    return rc;
}


const ctl_cmd_t  ctl_cmd_sessions_list = {
    "sessions list",
    "usage: maintctl sessions list [--app APP] [--user NAME] "
    "[--status active|ended]\n"
    "                              [--limit N] [--all]\n",
    "\n"
    "The sessions the gateways have seen, last seen first, as a table in "
    "the\n"
    "local time zone.  ID is the first 12 hex digits of the session's ID, "
    "enough\n"
    "for sessions show and sessions end.\n"
    "\n"
    "Options:\n"
    "  --app APP               the sessions of this app\n"
    "  --user NAME             the sessions of this user\n"
    "  --status active|ended   only these\n"
    "  --limit N               1 to 500 (default 50); with --all, the page "
    "size\n"
    "  --all                   follow the pages to the end\n",
    ctl_sessions_list
};

const ctl_cmd_t  ctl_cmd_sessions_show = {
    "sessions show",
    "usage: maintctl sessions show ID\n",
    "\n"
    "One session, as \"field: value\" lines.  ID is the session's 64 hex "
    "digits,\n"
    "or at least its first 12 if they match exactly one listed session.\n",
    ctl_sessions_show
};

const ctl_cmd_t  ctl_cmd_sessions_end = {
    "sessions end",
    "usage: maintctl sessions end ID\n",
    "\n"
    "Ends one session: every gateway logs it off on its next request.  ID "
    "is\n"
    "the session's 64 hex digits (any ID works, seen or not), or at least "
    "its\n"
    "first 12 if they match exactly one listed session.\n",
    ctl_sessions_end
};

const ctl_cmd_t  ctl_cmd_sessions_end_all = {
    "sessions end-all",
    "usage: maintctl sessions end-all [--app APP] [--except ID...]\n"
    "                                 [--include-superadmins] [--yes]\n",
    "\n"
    "Ends every session of an app, or of every app without --app, "
    "including\n"
    "sessions the gateways never saw: every gateway logs them off on its "
    "next\n"
    "request.  Asks first on a terminal; without one, --yes is required.\n"
    "\n"
    "Options:\n"
    "  --app APP              the app (default: every app)\n"
    "  --except ID            keep this session (your own, say); repeat "
    "for\n"
    "                         more.  64 hex digits, or at least the first "
    "12\n"
    "  --include-superadmins  end the superadmins' sessions too; without "
    "it\n"
    "                         they are kept, as on the admin page\n"
    "  --except-superadmins   the default; accepted for old scripts\n"
    "  --yes                  do not ask\n",
    ctl_sessions_end_all
};
