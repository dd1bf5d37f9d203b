/*
 * lifecycle.c: the commands that move a window through its life: start,
 * complete, cancel and delete.  Each reads the window first and sends its
 * ETag as If-Match, so that a change somebody made in between makes the
 * command fail (412, exit 3) instead of acting on a window nobody looked at.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "commands.h"
#include "output.h"
#include "usage.h"
#include "window.h"


#define LC_DRY_RUN  1
#define LC_OUTCOME  2
#define LC_NOTES    3
#define LC_YES      4
#define LC_FORCE    5

static const ctl_opt_t  ctl_start_opts[] = {
    { "dry-run", 0, LC_DRY_RUN, NULL },
    { "force",   0, LC_FORCE, NULL },
    { NULL, 0, 0, NULL }
};

static const ctl_opt_t  ctl_complete_opts[] = {
    { "outcome", 1, LC_OUTCOME, NULL },
    { "notes",   1, LC_NOTES, NULL },
    { NULL, 0, 0, NULL }
};

static const ctl_opt_t  ctl_cancel_opts[] = {
    { "notes", 1, LC_NOTES, NULL },
    { NULL, 0, 0, NULL }
};

static const ctl_opt_t  ctl_delete_opts[] = {
    { "yes", 0, LC_YES, NULL },
    { NULL, 0, 0, NULL }
};

static const char *const  ctl_outcomes[] = {
    "completed", "completed_with_errors", "failed", NULL
};


typedef struct {
    const char  *id;
    const char  *outcome;
    const char  *notes;
    int          dry_run;
    int          yes;
    int          force;
} ctl_lcopts_t;


static int
ctl_lifecycle_options(ctl_args_t *a, const ctl_opt_t *opts, ctl_lcopts_t *o)
{
    int          id;
    const char  *val;

    memset(o, 0, sizeof(ctl_lcopts_t));

    while ((id = ctl_next(a, opts, &val)) != CTL_ARG_END) {
        switch (id) {

        case LC_DRY_RUN:
            o->dry_run = 1;
            break;

        case LC_OUTCOME:
            if (ctl_word_arg(a, val, ctl_outcomes) < 0) {
                return -1;
            }

            o->outcome = val;
            break;

        case LC_NOTES:
            o->notes = val;
            break;

        case LC_YES:
            o->yes = 1;
            break;

        case LC_FORCE:
            o->force = 1;
            break;

        case CTL_ARG_WORD:
            if (ctl_window_id_arg(a, &o->id, val) != 0) {
                return -1;
            }

            break;

        case CTL_ARG_ERROR:
            return -1;

        default:
            ctl_usage_error(a, "unexpected \"--\"");
            return -1;
        }
    }

    if (o->id == NULL) {
        ctl_usage_error(a, "which window? give its ID");
        return -1;
    }

    return 0;
}


/*
 * A started window, led by what matters now: that it is on, since when and
 * until when.  Its starts_at is the scheduled start, which an early start
 * leaves as it was, so it comes later with the other scheduled fields.
 */

static void
ctl_print_started(json_t *w)
{
    static const char *const  order[] = {
        "id", "title", "status", "actual_start", "ends_at", "apps", "mode",
        "enabled", "hold_until_completed", "terminate_sessions",
        "starts_at", "login_message", "show_login_message",
        "notify_message", "notify_before_minutes", "notify", "translations",
        "allow", "notes", "actual_end", "completion_notes", "created_at",
        "created_by", "updated_at", "updated_by", "revision", NULL
    };

    ctl_window_print(w, order);
}


/*
 * A start refused because a custom precheck failed (409 with the checks):
 * the failed ones, each on a line, and the way past them.  The problem's
 * detail, printed already, names them too, but in the API's words.
 */

static void
ctl_print_start_refused(json_t *problem)
{
    char        *name, *detail;
    size_t       i;
    json_t      *checks, *c;
    const char  *status;

    checks = json_object_get(problem, "prechecks");

    if (!json_is_array(checks)) {
        return;
    }

    json_array_foreach(checks, i, c) {
        status = ctl_str(c, "status");

        if (status == NULL || strcmp(status, "fail") != 0) {
            continue;
        }

        name = ctl_clean(ctl_str(c, "name") ? ctl_str(c, "name") : "?", 0);
        detail = ctl_clean(ctl_str(c, "detail") ? ctl_str(c, "detail") : "",
                           0);
        fprintf(stderr, "  failed: %s: %s\n", name, detail);
        free(name);
        free(detail);
    }

    fputs("  use --force to start anyway\n", stderr);
}


/* GET for the ETag, then POST /v1/windows/ID/action with If-Match */

static int
ctl_lifecycle(const char *id, const char *action, int dry_run, json_t *body)
{
    int          rc;
    char        *path;
    ctl_resp_t   cur, r;

    rc = ctl_window_get(id, &cur);

    if (rc == CTL_EXIT_OK) {
        path = ctl_window_path(id, action, dry_run);
        rc = ctl_request("POST", path, cur.etag, body, &r);
        free(path);

        if (rc == CTL_EXIT_OK && strcmp(action, "start") == 0
            && !dry_run && !ctl_conf.json)
        {
            ctl_print_started(r.json);

        } else if (rc == CTL_EXIT_OK) {
            rc = ctl_window_answer(&r, dry_run);

        } else if (r.status == 409 && strcmp(action, "start") == 0) {
            ctl_print_start_refused(r.json);
        }

        ctl_resp_free(&r);
    }

    ctl_resp_free(&cur);

    return rc;
}


/*
 * The body is {"force": true} with --force and none without: the API
 * takes no body as {}, and a dry run with --force previews the same
 * request.
 */

static int
ctl_window_start(ctl_args_t *a)
{
    int           rc;
    json_t       *body;
    ctl_lcopts_t  o;

    if (ctl_lifecycle_options(a, ctl_start_opts, &o) != 0) {
        return CTL_EXIT_USAGE;
    }

    body = o.force ? json_pack("{s:b}", "force", 1) : NULL;
    rc = ctl_lifecycle(o.id, "start", o.dry_run, body);
    json_decref(body);

    return rc;
}


/* the body of /complete and /cancel: none at all when nothing was given */

static json_t *
ctl_notes_body(const ctl_lcopts_t *o)
{
    json_t  *body;

    if (o->outcome == NULL && o->notes == NULL) {
        return NULL;
    }

    body = json_object();

    if (o->outcome) {
        json_object_set_new(body, "outcome", json_string(o->outcome));
    }

    if (o->notes) {
        json_object_set_new(body, "notes", json_string(o->notes));
    }

    return body;
}


/* complete and cancel, which differ only in their options and action */

static int
ctl_notes_command(ctl_args_t *a, const ctl_opt_t *opts, const char *action)
{
    int           rc;
    json_t       *body;
    ctl_lcopts_t  o;

    if (ctl_lifecycle_options(a, opts, &o) != 0) {
        return CTL_EXIT_USAGE;
    }

    body = ctl_notes_body(&o);
    rc = ctl_lifecycle(o.id, action, 0, body);
    json_decref(body);

    return rc;
}


static int
ctl_window_complete(ctl_args_t *a)
{
    return ctl_notes_command(a, ctl_complete_opts, "complete");
}


static int
ctl_window_cancel(ctl_args_t *a)
{
    return ctl_notes_command(a, ctl_cancel_opts, "cancel");
}


static int
ctl_confirm(const char *id, json_t *w)
{
    int    yes;
    char  *title;

    title = ctl_clean(ctl_str(w, "title") ? ctl_str(w, "title") : "", 0);
    yes = ctl_ask("Delete window %s \"%s\"?", id, title);
    free(title);

    return yes;
}


/*
 * Deleting cannot be undone, so it needs a "yes": typed at the terminal,
 * or --yes.  Without a terminal nobody can be asked, and reading "yes"
 * from whatever stdin happens to be would be guessing.
 */

static int
ctl_window_delete(ctl_args_t *a)
{
    int           rc;
    char         *path, *title;
    ctl_resp_t    cur, r;
    ctl_lcopts_t  o;

    if (ctl_lifecycle_options(a, ctl_delete_opts, &o) != 0) {
        return CTL_EXIT_USAGE;
    }

    if (!o.yes && !isatty(STDIN_FILENO)) {
        return ctl_usage_error(a, "not deleting window %s: there is no "
                               "terminal to confirm on; add --yes", o.id);
    }

    rc = ctl_window_get(o.id, &cur);

    if (rc != CTL_EXIT_OK) {
        ctl_resp_free(&cur);
        return rc;
    }

    if (!o.yes && !ctl_confirm(o.id, cur.json)) {
        fprintf(stderr, "maintctl: window %s was not deleted\n", o.id);
        ctl_resp_free(&cur);
        return CTL_EXIT_USAGE;
    }

    path = ctl_window_path(o.id, NULL, 0);
    rc = ctl_request("DELETE", path, cur.etag, NULL, &r);
    free(path);

    /* 204 has no document: --json prints nothing rather than invent one */
    if (rc == CTL_EXIT_OK && !ctl_conf.json) {
        title = ctl_clean(ctl_str(cur.json, "title")
                          ? ctl_str(cur.json, "title") : "", 0);
        printf("deleted window %s \"%s\"\n", o.id, title);
        free(title);
    }

    ctl_resp_free(&r);
    ctl_resp_free(&cur);

    return rc;
}


const ctl_cmd_t  ctl_cmd_window_start = {
    "window start",
    "usage: maintctl window start ID [--force] [--dry-run]\n",
    "\n"
    "Starts a scheduled, enabled window now, whatever its starts_at.\n"
    "It prints the window led by its status, actual_start and ends_at,\n"
    "and the prechecks it ran, if any.\n"
    "\n"
    "Starting early keeps the scheduled end: the window lasts longer, it\n"
    "does not move.  To end it earlier or later, \"maintctl window update\n"
    "ID --end T\" (or --for, counted from the scheduled start), or\n"
    "\"maintctl window complete ID\" when the work is done.\n"
    "\n"
    "The daemon's custom prechecks (its \"precheck\" lines) for the window's\n"
    "apps run first: if one fails, the window is not started; the failed\n"
    "checks are printed and the exit status is 3.\n"
    "\n"
    "Options:\n"
    "  --force    start even if a custom precheck fails (recorded as forced)\n"
    "  --dry-run  write nothing; print the prechecks (exit 2 if one fails)\n",
    ctl_window_start
};

const ctl_cmd_t  ctl_cmd_window_complete = {
    "window complete",
    "usage: maintctl window complete ID [--outcome OUTCOME] [--notes TEXT]\n",
    "\n"
    "Ends a window in progress: the gateways stop enforcing it on their next\n"
    "request.\n"
    "\n"
    "Options:\n"
    "  --outcome OUTCOME  completed (default), completed_with_errors or "
    "failed\n"
    "  --notes TEXT       what happened, for the record\n",
    ctl_window_complete
};

const ctl_cmd_t  ctl_cmd_window_cancel = {
    "window cancel",
    "usage: maintctl window cancel ID [--notes TEXT]\n",
    "\n"
    "Cancels a scheduled window; it is kept, as cancelled.\n"
    "\n"
    "Options:\n"
    "  --notes TEXT  why, for the record\n",
    ctl_window_cancel
};

const ctl_cmd_t  ctl_cmd_window_delete = {
    "window delete",
    "usage: maintctl window delete ID [--yes]\n",
    "\n"
    "Deletes a scheduled window (the audit keeps what it was).  Asks first on\n"
    "a terminal; without one, --yes is required.\n"
    "\n"
    "Options:\n"
    "  --yes  do not ask\n",
    ctl_window_delete
};
