/*
 * notify.c: the notification targets, those a window's events are sent to
 * (docs/notifications.md): notify targets, and notify target add, show,
 * edit, rm and rotate; and the lists of names and event types the window
 * and settings commands take too.  A webhook's secret is printed once, by
 * add and rotate, on a line of its own; everything else is printed from
 * lists of known fields, so that nothing secret the API might add reaches
 * the screen.
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
#include "notify.h"
#include "output.h"
#include "show.h"
#include "usage.h"


#define NT_EMAIL    1
#define NT_WEBHOOK  2
#define NT_URL      3
#define NT_SECRET   4
#define NT_HEADER   5
#define NT_EVENTS   6
#define NT_ENABLE   7
#define NT_DISABLE  8
#define NT_NO_HDRS  9
#define NT_DROP_OLD 10
#define NT_YES      11

static const ctl_opt_t  ctl_add_opts[] = {
    { "email",    1, NT_EMAIL, NULL },
    { "webhook",  1, NT_WEBHOOK, NULL },
    { "secret",   1, NT_SECRET, NULL },
    { "header",   1, NT_HEADER, NULL },
    { "events",   1, NT_EVENTS, NULL },
    { "disabled", 0, NT_DISABLE, NULL },
    { NULL, 0, 0, NULL }
};

static const ctl_opt_t  ctl_edit_opts[] = {
    { "url",        1, NT_URL, NULL },
    { "email",      1, NT_EMAIL, NULL },
    { "header",     1, NT_HEADER, NULL },
    { "no-headers", 0, NT_NO_HDRS, NULL },
    { "events",     1, NT_EVENTS, NULL },
    { "enable",     0, NT_ENABLE, NULL },
    { "disable",    0, NT_DISABLE, NULL },
    { NULL, 0, 0, NULL }
};

static const ctl_opt_t  ctl_rotate_opts[] = {
    { "drop-old", 0, NT_DROP_OLD, NULL },
    { NULL, 0, 0, NULL }
};

static const ctl_opt_t  ctl_rm_opts[] = {
    { "yes", 0, NT_YES, NULL },
    { NULL, 0, 0, NULL }
};

static const char *const  ctl_events[] = {
    "scheduled", "changed", "reminder", "started", "completed", "cancelled",
    NULL
};

/* "secret" is not among them: it is printed on its own line, once */
static const char *const  ctl_target_order[] = {
    "name", "kind", "url", "to", "headers", "events", "enabled",
    "disabled_reason", "secret_count", "created_at", "created_by",
    "updated_at", "updated_by", NULL
};

#define CTL_TARGETS  "/v1/notify/targets"


void
ctl_notify_print_target(json_t *t)
{
    ctl_print_known(t, ctl_target_order);
}


int
ctl_notify_targets_arg(ctl_args_t *a, const char *val, json_t **list)
{
    if (strcmp(val, "none") == 0 || *val == '\0') {
        if (*list == NULL) {
            *list = json_array();
        }

        return 0;
    }

    return ctl_list_arg(a, val, list, 1);
}


int
ctl_notify_events_arg(ctl_args_t *a, const char *val, json_t **list)
{
    size_t   i;
    json_t  *v;

    if (ctl_list_arg(a, val, list, 1) != 0) {
        return -1;
    }

    json_array_foreach(*list, i, v) {
        if (ctl_word_arg(a, json_string_value(v), ctl_events) < 0) {
            return -1;
        }
    }

    return 0;
}


/*
 * --header 'Name: value': the name as HTTP has it (a token), the value
 * without the blanks around it.  Several build one object.
 */

static int
ctl_header_arg(ctl_args_t *a, const char *val, json_t **headers)
{
    char         name[101];
    size_t       n;
    const char  *colon, *v, *end;

    colon = strchr(val, ':');
    n = colon ? (size_t) (colon - val) : 0;

    if (n == 0 || n > 100 || strcspn(val, " \t\r\n()<>@,;\\\"/[]?={}") < n)
    {
        ctl_usage_error(a, "--header: \"%s\" is not NAME: VALUE, like "
                        "\"X-Api-Key: abc\"", val);
        return -1;
    }

    for (v = colon + 1; *v == ' ' || *v == '\t'; v++) { /* void */ }

    for (end = v + strlen(v); end > v && (end[-1] == ' ' || end[-1] == '\t');
         end--)
    {
        /* void */
    }

    if (*headers == NULL) {
        *headers = json_object();
    }

    memcpy(name, val, n);
    name[n] = '\0';
    json_object_set_new(*headers, name, json_stringn(v, (size_t) (end - v)));

    return 0;
}


typedef struct {
    const char  *name;
    const char  *url;           /* --webhook URL or --url URL */
    const char  *secret;
    json_t      *to;
    json_t      *headers;
    json_t      *events;
    int          webhook;
    int          enabled;       /* -1: not given */
    int          no_headers;
    int          drop_old;
    int          yes;
} ctl_topts_t;


static void
ctl_topts_free(ctl_topts_t *t)
{
    json_decref(t->to);
    json_decref(t->headers);
    json_decref(t->events);
}


/* an option of ctl_topts_t with a value */

static int
ctl_target_value(ctl_args_t *a, ctl_topts_t *t, int id, const char *val)
{
    switch (id) {

    case NT_EMAIL:
        return ctl_list_arg(a, val, &t->to, 1);

    case NT_WEBHOOK:
        t->webhook = 1;
        /* fall through */

    case NT_URL:
        if (*val == '\0') {
            ctl_usage_error(a, "%s needs a URL", a->opt);
            return -1;
        }

        t->url = val;
        return 0;

    case NT_SECRET:
        t->secret = val;
        return 0;

    case NT_HEADER:
        return ctl_header_arg(a, val, &t->headers);

    case NT_EVENTS:
        return ctl_notify_events_arg(a, val, &t->events);

    default:
        ctl_usage_error(a, "unexpected %s", a->opt ? a->opt : "option");
        return -1;
    }
}


/*
 * The NAME, the one positional argument, and the options of opts.  "."
 * and ".." are refused: as a path segment they would name another route.
 */

static int
ctl_target_args(ctl_args_t *a, const ctl_opt_t *opts, ctl_topts_t *t)
{
    int          id;
    const char  *val;

    memset(t, 0, sizeof(ctl_topts_t));
    t->enabled = -1;

    while ((id = ctl_next(a, opts, &val)) != CTL_ARG_END) {
        switch (id) {

        case CTL_ARG_WORD:
            if (t->name != NULL) {
                return ctl_usage_error(a, "unexpected argument \"%s\"", val);
            }

            if (*val == '\0' || strcmp(val, ".") == 0
                || strcmp(val, "..") == 0)
            {
                return ctl_usage_error(a, "\"%s\" cannot be the name of a "
                                       "target", val);
            }

            t->name = val;
            break;

        case CTL_ARG_ERROR:
            return CTL_EXIT_USAGE;

        case CTL_ARG_REST:
            return ctl_usage_error(a, "unexpected \"--\"");

        case NT_ENABLE:
        case NT_DISABLE:
            t->enabled = id == NT_ENABLE;
            break;

        case NT_NO_HDRS:
            t->no_headers = 1;
            break;

        case NT_DROP_OLD:
            t->drop_old = 1;
            break;

        case NT_YES:
            t->yes = 1;
            break;

        default:
            if (ctl_target_value(a, t, id, val) != 0) {
                return CTL_EXIT_USAGE;
            }
        }
    }

    if (t->name == NULL) {
        return ctl_usage_error(a, "which target? give its name");
    }

    return CTL_EXIT_OK;
}


/*
 * The secret of add and rotate: on a line of its own, for people and for
 * scripts (grep '^secret: '), or in the API's document with --json.
 * Either way it is the only time anybody sees it.
 */

static int
ctl_secret_answer(const ctl_resp_t *r, const char *name, int required)
{
    char        *c;
    const char  *secret;

    secret = ctl_str(r->json, "secret");

    if (ctl_conf.json) {
        ctl_print_raw(r);

    } else {
        ctl_notify_print_target(r->json);

        if (secret != NULL && *secret != '\0') {
            c = ctl_clean(secret, 0);
            printf("secret: %s\n", c);
            free(c);
        }
    }

    if (secret == NULL || *secret == '\0') {
        if (!required) {
            return CTL_EXIT_OK;
        }

        c = ctl_clean(name, 0);
        fprintf(stderr, "maintctl: the answer carried no secret; "
                "notify target rotate %s makes a new one\n", c);
        free(c);
        return CTL_EXIT_UNAVAILABLE;
    }

    /* after the secret, also when stdout is a pipe */
    fflush(stdout);
    fputs("(the secret is shown only now and cannot be shown again: give "
          "it to the receiver, which verifies the signatures with it)\n",
          stderr);

    return CTL_EXIT_OK;
}


/* notify targets */

static void
ctl_targets_table(json_t *doc)
{
    size_t        i;
    json_t       *e;
    char         *where, *events, state[128];
    const char   *reason;
    ctl_table_t   t;
    static const char *const  heads[] = {
        "NAME", "KIND", "EVENTS", "STATE", "SENDS TO"
    };

    ctl_table_init(&t, 5, heads);

    json_array_foreach(json_object_get(doc, "items"), i, e) {
        where = json_is_array(json_object_get(e, "to"))
                ? ctl_join(json_object_get(e, "to"), ",")
                : ctl_strdup(ctl_str(e, "url") ? ctl_str(e, "url") : "-");
        events = ctl_join(json_object_get(e, "events"), ",");
        reason = ctl_str(e, "disabled_reason");

        if (json_is_false(json_object_get(e, "enabled"))) {
            snprintf(state, sizeof(state), "disabled%s%.100s",
                     reason ? ": " : "", reason ? reason : "");

        } else {
            snprintf(state, sizeof(state), "enabled");
        }

        ctl_table_row(&t, ctl_str(e, "name"), ctl_str(e, "kind"),
                      *events ? events : "-", state, where);
        free(where);
        free(events);
    }

    ctl_table_print(&t);
}


static int
ctl_notify_targets(ctl_args_t *a)
{
    return ctl_show_command(a, "GET", CTL_TARGETS, ctl_targets_table);
}


/* notify target add */

static int
ctl_target_add(ctl_args_t *a)
{
    int          rc;
    json_t      *body;
    ctl_resp_t   r;
    ctl_topts_t  t;

    rc = ctl_target_args(a, ctl_add_opts, &t);

    if (rc == CTL_EXIT_OK && (t.webhook == (t.to != NULL))) {
        rc = ctl_usage_error(a, "give --email ADDRESS,... or --webhook URL "
                             "(one of them)");
    }

    if (rc == CTL_EXIT_OK && !t.webhook && (t.secret || t.headers)) {
        rc = ctl_usage_error(a, "--secret and --header are for a webhook");
    }

    if (rc != CTL_EXIT_OK) {
        ctl_topts_free(&t);
        return rc;
    }

    body = json_pack("{s:s,s:s}", "name", t.name,
                     "kind", t.webhook ? "webhook" : "email");

    if (t.webhook) {
        json_object_set_new(body, "url", json_string(t.url));

    } else {
        json_object_set(body, "to", t.to);
    }

    if (t.secret) {
        json_object_set_new(body, "secret", json_string(t.secret));
    }

    if (t.headers) {
        json_object_set(body, "headers", t.headers);
    }

    if (t.events) {
        json_object_set(body, "events", t.events);
    }

    if (t.enabled == 0) {
        json_object_set_new(body, "enabled", json_false());
    }

    rc = ctl_request("POST", CTL_TARGETS, NULL, body, &r);

    if (rc == CTL_EXIT_OK) {
        /* a secret given in the body is known already: none may come */
        rc = ctl_secret_answer(&r, t.name, t.webhook && t.secret == NULL);
    }

    ctl_resp_free(&r);
    json_decref(body);
    ctl_topts_free(&t);

    return rc;
}


/* notify target show */

static int
ctl_target_show(ctl_args_t *a)
{
    int          rc;
    char        *path;
    ctl_topts_t  t;

    rc = ctl_target_args(a, NULL, &t);

    if (rc != CTL_EXIT_OK) {
        ctl_topts_free(&t);
        return rc;
    }

    path = ctl_item_path(CTL_TARGETS, t.name, NULL);
    rc = ctl_show("GET", path, NULL, ctl_notify_print_target);
    free(path);
    ctl_topts_free(&t);

    return rc;
}


/*
 * notify target edit: only the fields given are sent, and no If-Match:
 * nothing here was read to be written back (as settings set).  --header
 * replaces the headers, whose values nobody can read back to merge.
 */

static int
ctl_target_edit(ctl_args_t *a)
{
    int          rc;
    char        *path;
    json_t      *body;
    ctl_topts_t  t;

    rc = ctl_target_args(a, ctl_edit_opts, &t);

    if (rc == CTL_EXIT_OK && t.headers && t.no_headers) {
        rc = ctl_usage_error(a, "give --header or --no-headers, not both");
    }

    if (rc != CTL_EXIT_OK) {
        ctl_topts_free(&t);
        return rc;
    }

    body = json_object();

    if (t.url) {
        json_object_set_new(body, "url", json_string(t.url));
    }

    if (t.to) {
        json_object_set(body, "to", t.to);
    }

    if (t.headers || t.no_headers) {
        json_object_set_new(body, "headers",
                            t.headers ? json_incref(t.headers)
                                      : json_object());
    }

    if (t.events) {
        json_object_set(body, "events", t.events);
    }

    if (t.enabled >= 0) {
        json_object_set_new(body, "enabled", json_boolean(t.enabled));
    }

    if (json_object_size(body) == 0) {
        json_decref(body);
        ctl_topts_free(&t);
        return ctl_usage_error(a, "nothing to change: give the fields to "
                               "edit");
    }

    path = ctl_item_path(CTL_TARGETS, t.name, NULL);
    rc = ctl_show("PATCH", path, body, ctl_notify_print_target);
    free(path);
    json_decref(body);
    ctl_topts_free(&t);

    return rc;
}


/*
 * notify target rm: asks first, like window delete; without a terminal
 * nobody can be asked, and --yes is required.
 */

static int
ctl_target_rm(ctl_args_t *a)
{
    int          rc;
    char        *path, *shown;
    ctl_resp_t   r;
    ctl_topts_t  t;

    rc = ctl_target_args(a, ctl_rm_opts, &t);

    if (rc != CTL_EXIT_OK) {
        ctl_topts_free(&t);
        return rc;
    }

    shown = ctl_clean(t.name, 0);

    if (!t.yes && !isatty(STDIN_FILENO)) {
        rc = ctl_usage_error(a, "not removing target %s: there is no "
                             "terminal to confirm on; add --yes", shown);

    } else if (!t.yes && !ctl_ask("Remove target %s? Windows that name it "
                                  "stop notifying it.", shown))
    {
        fprintf(stderr, "maintctl: target %s was not removed\n", shown);
        rc = CTL_EXIT_USAGE;

    } else {
        path = ctl_item_path(CTL_TARGETS, t.name, NULL);
        rc = ctl_request("DELETE", path, NULL, NULL, &r);
        free(path);

        /* 204 has no document: --json prints nothing rather than invent */
        if (rc == CTL_EXIT_OK && !ctl_conf.json) {
            printf("removed target %s\n", shown);
        }

        ctl_resp_free(&r);
    }

    free(shown);
    ctl_topts_free(&t);

    return rc;
}


/* notify target rotate: a new secret, printed once; the old one kept */

static int
ctl_target_rotate(ctl_args_t *a)
{
    int          rc;
    char        *path;
    json_t      *body;
    ctl_resp_t   r;
    ctl_topts_t  t;

    rc = ctl_target_args(a, ctl_rotate_opts, &t);

    if (rc != CTL_EXIT_OK) {
        ctl_topts_free(&t);
        return rc;
    }

    body = json_pack("{s:b}", "keep_old", !t.drop_old);
    path = ctl_item_path(CTL_TARGETS, t.name, "rotate");
    rc = ctl_request("POST", path, NULL, body, &r);
    free(path);

    if (rc == CTL_EXIT_OK) {
        rc = ctl_secret_answer(&r, t.name, 1);

        if (rc == CTL_EXIT_OK && !ctl_conf.json) {
            fputs(t.drop_old ? "(the old secret no longer signs)\n"
                  : "(the old secret signs too until the next rotate "
                    "--drop-old: switch the receiver over meanwhile)\n",
                  stderr);
        }
    }

    ctl_resp_free(&r);
    json_decref(body);
    ctl_topts_free(&t);

    return rc;
}


const ctl_cmd_t  ctl_cmd_notify_targets = {
    "notify targets",
    "usage: maintctl notify targets\n",
    "\n"
    "The notification targets: name, kind (email or webhook), the events\n"
    "each wants, whether it is enabled (and why not), where it sends to.\n"
    "Secrets and header values are never shown.\n",
    ctl_notify_targets
};

const ctl_cmd_t  ctl_cmd_notify_target_add = {
    "notify target add",
    "usage: maintctl notify target add NAME --email ADDRESS[,ADDRESS...]\n"
    "       maintctl notify target add NAME --webhook URL [--secret whsec_...]"
    "\n"
    "                [--header 'NAME: VALUE']...\n"
    "       (either) [--events TYPE[,TYPE...]] [--disabled]\n",
    "\n"
    "Adds a target (NAME: 1 to 64 of A-Za-z0-9._-) that windows name in\n"
    "their notify list.  A webhook's signing secret is made by the API\n"
    "unless given, and printed on a line of its own, \"secret: whsec_...\"\n"
    "(with --json, the API's answer): it is shown only now, store it.\n"
    "\n"
    "Options:\n"
    "  --email A,B        email addresses (repeat, or comma-separated; 1 "
    "to 50)\n"
    "  --webhook URL      an http:// or https:// URL the events are POSTed "
    "to\n"
    "  --secret whsec_..  the webhook's signing secret (prefer the one the "
    "API\n"
    "                     makes: options show in the process list)\n"
    "  --header 'K: V'    an extra header each request carries (repeat; up "
    "to 10)\n"
    "  --events T,T       scheduled, changed, reminder, started, "
    "completed,\n"
    "                     cancelled (default: all)\n"
    "  --disabled         add it disabled\n",
    ctl_target_add
};

const ctl_cmd_t  ctl_cmd_notify_target_show = {
    "notify target show",
    "usage: maintctl notify target show NAME\n",
    "\n"
    "One target as \"field: value\" lines; secret_count says how many "
    "secrets\n"
    "sign (2 after a rotate that kept the old one).\n",
    ctl_target_show
};

const ctl_cmd_t  ctl_cmd_notify_target_edit = {
    "notify target edit",
    "usage: maintctl notify target edit NAME [--url URL] [--email A,B...]\n"
    "                [--header 'K: V'... | --no-headers] [--events T,T...]\n"
    "                [--enable | --disable]\n",
    "\n"
    "Changes the fields given; the others keep their values.\n"
    "\n"
    "Options:\n"
    "  --url URL          a webhook's new URL\n"
    "  --email A,B        an email target's addresses (replaces them)\n"
    "  --header 'K: V'    replaces the webhook's extra headers (repeat)\n"
    "  --no-headers       removes them\n"
    "  --events T,T       the events it wants (replaces them)\n"
    "  --enable           enables it again (clears the reason it was "
    "disabled,\n"
    "                     e.g. a 410 Gone from the receiver)\n"
    "  --disable          sends it nothing until enabled\n",
    ctl_target_edit
};

const ctl_cmd_t  ctl_cmd_notify_target_rm = {
    "notify target rm",
    "usage: maintctl notify target rm NAME [--yes]\n",
    "\n"
    "Removes a target: windows that name it no longer notify it.  Asks\n"
    "first on a terminal; without one, --yes is required.\n"
    "\n"
    "Options:\n"
    "  --yes  do not ask\n",
    ctl_target_rm
};

const ctl_cmd_t  ctl_cmd_notify_target_rotate = {
    "notify target rotate",
    "usage: maintctl notify target rotate NAME [--drop-old]\n",
    "\n"
    "Gives a webhook target a new signing secret, printed once as with "
    "add.\n"
    "The new one signs first; the old one keeps signing too (two v1\n"
    "signatures) so that the receiver can switch over, until a rotate\n"
    "with --drop-old.\n"
    "\n"
    "Options:\n"
    "  --drop-old  only the new secret signs from now on\n",
    ctl_target_rotate
};
