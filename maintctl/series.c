/*
 * series.c: recurring windows: series list, show, skip and delete, and
 * the series "window create --every" makes (window_edit.c), printed with
 * its next occurrences.  Each write reads the series first and sends its
 * ETag as If-Match, as the window commands do.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "buf.h"
#include "commands.h"
#include "output.h"
#include "series.h"
#include "show.h"
#include "usage.h"


#define S_NEXT  1
#define S_YES   2

static const ctl_opt_t  ctl_series_show_opts[] = {
    { "next", 1, S_NEXT, NULL },
    { NULL, 0, 0, NULL }
};

static const ctl_opt_t  ctl_series_delete_opts[] = {
    { "yes", 0, S_YES, NULL },
    { NULL, 0, 0, NULL }
};


/* a time of the API, shown in the local time zone */

static const char *
ctl_when(json_t *obj, const char *key, char *buf, size_t size)
{
    const char  *s;

    s = ctl_str(obj, key);

    return s ? ctl_local_time(s, "%Y-%m-%d %H:%M %Z", buf, size) : "-";
}


static void
ctl_print_occurrences(json_t *next)
{
    char          from[64], to[64];
    size_t        i;
    json_t       *o;
    ctl_table_t   t;

    static const char *const  heads[] = {
        "OCCURRENCE", "STATUS", "STARTS", "ENDS", "WINDOW"
    };

    ctl_table_init(&t, 5, heads);

    json_array_foreach(next, i, o) {
        ctl_table_row(&t, ctl_str(o, "occurrence"), ctl_str(o, "status"),
                      ctl_when(o, "starts_at", from, sizeof(from)),
                      ctl_when(o, "ends_at", to, sizeof(to)),
                      ctl_str(o, "window"));
    }

    ctl_table_print(&t);
}


void
ctl_print_series(json_t *s)
{
    json_t  *rec;

    static const char *const  order[] = {
        "id", "recurrence", "window", "skipped", "made_through",
        "created_at", "created_by", "updated_at", "updated_by", "revision",
        NULL
    };

    rec = json_deep_copy(s);
    json_object_del(rec, "next");
    ctl_print_object(rec, order);
    json_decref(rec);

    printf("\n");
    ctl_print_occurrences(json_object_get(s, "next"));
}


static void
ctl_print_series_table(json_t *doc)
{
    char          when[64];
    size_t        i;
    json_t       *s, *first;
    ctl_table_t   t;

    static const char *const  heads[] = {
        "ID", "TITLE", "RULE", "TIME ZONE", "NEXT"
    };

    ctl_table_init(&t, 5, heads);

    json_array_foreach(json_object_get(doc, "items"), i, s) {
        first = json_array_get(json_object_get(s, "next"), 0);

        ctl_table_row(&t, ctl_str(s, "id"),
                      ctl_str(json_object_get(s, "window"), "title"),
                      ctl_str(json_object_get(s, "recurrence"), "rule"),
                      ctl_str(json_object_get(s, "recurrence"), "time_zone"),
                      first ? ctl_when(first, "starts_at", when, sizeof(when))
                            : "-");
    }

    ctl_table_print(&t);
}


static int
ctl_series_list(ctl_args_t *a)
{
    return ctl_show_command(a, "GET", "/v1/series", ctl_print_series_table);
}


/* the series ID alone, or with one more word (skip's occurrence) */

static int
ctl_series_words(ctl_args_t *a, const ctl_opt_t *opts, const char **id,
    const char **more, long *next, int *yes)
{
    int          rc;
    const char  *val;

    *id = NULL;

    while ((rc = ctl_next(a, opts, &val)) != CTL_ARG_END) {
        if (rc == CTL_ARG_ERROR) {
            return -1;
        }

        if (rc == S_NEXT) {
            if (ctl_long_arg(a, val, 0, 100, next) != 0) {
                return -1;
            }

        } else if (rc == S_YES) {
            *yes = 1;

        } else if (rc == CTL_ARG_WORD && *id == NULL) {
            *id = val;

        } else if (rc == CTL_ARG_WORD && more && *more == NULL) {
            *more = val;

        } else {
            ctl_usage_error(a, "unexpected argument \"%s\"",
                            rc == CTL_ARG_REST ? "--" : val);
            return -1;
        }
    }

    if (*id == NULL || (more && *more == NULL)) {
        ctl_usage_error(a, more ? "give the series' ID and the occurrence"
                                : "which series? give its ID");
        return -1;
    }

    return 0;
}


static int
ctl_series_show(ctl_args_t *a)
{
    int          rc, yes;
    long         next;
    char        *path, n[24];
    ctl_buf_t    b;
    const char  *id;

    next = -1;

    if (ctl_series_words(a, ctl_series_show_opts, &id, NULL, &next, &yes)
        != 0)
    {
        return CTL_EXIT_USAGE;
    }

    path = ctl_item_path("/v1/series", id, NULL);

    if (next >= 0) {
        b.data = path;
        b.len = strlen(path);
        b.cap = b.len + 1;
        snprintf(n, sizeof(n), "%ld", next);
        ctl_buf_query(&b, "next", n);
        path = b.data;
    }

    rc = ctl_show("GET", path, NULL, ctl_print_series);
    free(path);

    return rc;
}


/* GET the series for its ETag, then the write with If-Match */

static int
ctl_series_write(const char *method, const char *id, const char *action,
    json_t *body, ctl_resp_t *r)
{
    int          rc;
    char        *path;
    ctl_resp_t   cur;

    path = ctl_item_path("/v1/series", id, NULL);
    rc = ctl_request("GET", path, NULL, NULL, &cur);
    free(path);

    if (rc == CTL_EXIT_OK) {
        path = ctl_item_path("/v1/series", id, action);
        rc = ctl_request(method, path, cur.etag, body, r);
        free(path);

    } else {
        memset(r, 0, sizeof(ctl_resp_t));
    }

    ctl_resp_free(&cur);

    return rc;
}


static int
ctl_series_skip(ctl_args_t *a)
{
    int          rc, yes;
    long         next;
    json_t      *body;
    ctl_resp_t   r;
    const char  *id, *occ;

    occ = NULL;

    if (ctl_series_words(a, NULL, &id, &occ, &next, &yes) != 0) {
        return CTL_EXIT_USAGE;
    }

    body = json_pack("{s:s}", "occurrence", occ);
    rc = ctl_series_write("POST", id, "skip", body, &r);
    json_decref(body);

    if (rc == CTL_EXIT_OK) {
        if (ctl_conf.json) {
            ctl_print_raw(&r);

        } else {
            ctl_print_series(r.json);
        }
    }

    ctl_resp_free(&r);

    return rc;
}


static int
ctl_series_delete(ctl_args_t *a)
{
    int          rc, yes;
    long         next;
    ctl_resp_t   r;
    const char  *id;

    yes = 0;

    if (ctl_series_words(a, ctl_series_delete_opts, &id, NULL, &next, &yes)
        != 0)
    {
        return CTL_EXIT_USAGE;
    }

    if (!yes && !isatty(STDIN_FILENO)) {
        return ctl_usage_error(a, "not deleting series %s: there is no "
                               "terminal to confirm on; add --yes", id);
    }

    if (!yes && !ctl_ask("Delete series %s and cancel its windows that "
                         "have not started?", id))
    {
        fprintf(stderr, "maintctl: series %s was not deleted\n", id);
        return CTL_EXIT_USAGE;
    }

    rc = ctl_series_write("DELETE", id, NULL, NULL, &r);

    if (rc == CTL_EXIT_OK && !ctl_conf.json) {
        printf("deleted series %s\n", id);
    }

    ctl_resp_free(&r);

    return rc;
}


const ctl_cmd_t  ctl_cmd_series_list = {
    "series list",
    "usage: maintctl series list\n",
    "\n"
    "The recurring windows, each with its rule and its next occurrence.\n"
    "Make one with: maintctl window create ... --every RULE --tz ZONE\n",
    ctl_series_list
};

const ctl_cmd_t  ctl_cmd_series_show = {
    "series show",
    "usage: maintctl series show ID [--next N]\n",
    "\n"
    "One series and its next occurrences: each one's window once it is\n"
    "made (series_horizon ahead), or planned, skipped or deleted.\n"
    "\n"
    "Options:\n"
    "  --next N   how many occurrences (0 to 100, default 10)\n",
    ctl_series_show
};

const ctl_cmd_t  ctl_cmd_series_skip = {
    "series skip",
    "usage: maintctl series skip ID OCCURRENCE\n",
    "\n"
    "Skips one occurrence (its local start, like 20270328T023000, or its\n"
    "window's ID): its window, if made, is cancelled; it is never made\n"
    "again.  To change one occurrence only, update its window:\n"
    "maintctl window update ID-OCCURRENCE ...\n",
    ctl_series_skip
};

const ctl_cmd_t  ctl_cmd_series_delete = {
    "series delete",
    "usage: maintctl series delete ID [--yes]\n",
    "\n"
    "Deletes a series: no more windows are made, and its windows that have\n"
    "not started are cancelled (one in progress runs on).  Asks first on a\n"
    "terminal; without one, --yes is required.\n"
    "\n"
    "Options:\n"
    "  --yes  do not ask\n",
    ctl_series_delete
};
