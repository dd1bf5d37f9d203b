/*
 * superadmins.c: the superadmins, who get past a window at the edge, and
 * the bypass keys that sign their bypass cookies: superadmin list, add,
 * remove and rotate; bypass-keys list, rotate and remove.  A superadmin's
 * credential is printed once, by add and rotate, on a line of its own,
 * and nowhere else: everything else is printed from lists of known fields,
 * so that nothing secret the API might add reaches the screen.
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
#include "show.h"
#include "usage.h"


#define SA_YES  1

static const ctl_opt_t  ctl_remove_opts[] = {
    { "yes", 0, SA_YES, NULL },
    { NULL, 0, 0, NULL }
};

static const char *const  ctl_superadmin_order[] = {
    "name", "created_at", "created_by", "rotated_at", NULL
};

static const char *const  ctl_key_order[] = {
    "kid", "signing", "created_at", "created_by", NULL
};


/*
 * The one NAME (or KID) argument, and --yes where opts has it.  "." and
 * ".." are refused: as a path segment they would name another route.
 */

static int
ctl_name_args(ctl_args_t *a, const ctl_opt_t *opts, const char *what,
    const char *label, const char **name, int *yes)
{
    int          id;
    const char  *val;

    *name = NULL;

    while ((id = ctl_next(a, opts, &val)) != CTL_ARG_END) {
        switch (id) {

        case SA_YES:
            *yes = 1;
            break;

        case CTL_ARG_WORD:
            if (*name != NULL) {
                return ctl_usage_error(a, "unexpected argument \"%s\"", val);
            }

            if (*val == '\0' || strcmp(val, ".") == 0
                || strcmp(val, "..") == 0)
            {
                return ctl_usage_error(a, "\"%s\" cannot be the %s of a %s",
                                       val, label, what);
            }

            *name = val;
            break;

        case CTL_ARG_ERROR:
            return CTL_EXIT_USAGE;

        default:
            return ctl_usage_error(a, "unexpected \"--\"");
        }
    }

    if (*name == NULL) {
        return ctl_usage_error(a, "which %s? give its %s", what, label);
    }

    return CTL_EXIT_OK;
}


/*
 * The answer of add and rotate: the credential on a line of its own, for
 * people and for scripts (grep '^credential: '), or the API's document
 * with --json.  Either way it is the only time anybody sees it.
 */

static int
ctl_credential_answer(const ctl_resp_t *r, const char *name)
{
    char        *c;
    const char  *cred;

    cred = ctl_str(r->json, "credential");

    if (ctl_conf.json) {
        ctl_print_raw(r);

    } else {
        ctl_print_known(r->json, ctl_superadmin_order);

        if (cred != NULL && *cred != '\0') {
            c = ctl_clean(cred, 0);
            printf("credential: %s\n", c);
            free(c);
        }
    }

    if (cred == NULL || *cred == '\0') {
        c = ctl_clean(name, 0);
        fprintf(stderr, "maintctl: the answer carried no credential; "
                "rotate superadmin %s for a new one\n", c);
        free(c);
        return CTL_EXIT_UNAVAILABLE;
    }

    /* after the credential, also when stdout is a pipe */
    fflush(stdout);
    fputs("(the credential cannot be shown again: store it now)\n", stderr);

    return CTL_EXIT_OK;
}


/*
 * Removing asks first, like window delete; without a terminal nobody can
 * be asked, and --yes is required.
 */

static int
ctl_remove(ctl_args_t *a, const char *route, const char *what,
    const char *label)
{
    int          rc, yes;
    char        *path, *shown;
    ctl_resp_t   r;
    const char  *name;

    yes = 0;
    rc = ctl_name_args(a, ctl_remove_opts, what, label, &name, &yes);

    if (rc != CTL_EXIT_OK) {
        return rc;
    }

    shown = ctl_clean(name, 0);

    if (!yes && !isatty(STDIN_FILENO)) {
        rc = ctl_usage_error(a, "not removing %s %s: there is no terminal "
                             "to confirm on; add --yes", what, shown);
        free(shown);
        return rc;
    }

    if (!yes && !ctl_ask("Remove %s %s?", what, shown)) {
        fprintf(stderr, "maintctl: %s %s was not removed\n", what, shown);
        free(shown);
        return CTL_EXIT_USAGE;
    }

    path = ctl_item_path(route, name, NULL);
    rc = ctl_request("DELETE", path, NULL, NULL, &r);
    free(path);

    /* 204 has no document: --json prints nothing rather than invent one */
    if (rc == CTL_EXIT_OK && !ctl_conf.json) {
        printf("removed %s %s\n", what, shown);
    }

    ctl_resp_free(&r);
    free(shown);

    return rc;
}


/* superadmin list, bypass-keys list */

static void
ctl_list_table(json_t *doc, int keys)
{
    char          created[32], rotated[32];
    size_t        i;
    json_t       *e, *signing;
    ctl_table_t   t;
    static const char *const  sa_heads[] = {
        "NAME", "CREATED", "CREATED BY", "ROTATED"
    };
    static const char *const  key_heads[] = {
        "KID", "SIGNING", "CREATED", "CREATED BY"
    };

    ctl_table_init(&t, 4, keys ? key_heads : sa_heads);

    json_array_foreach(json_object_get(doc, "items"), i, e) {
        ctl_local_time(ctl_str(e, "created_at"), "%Y-%m-%d %H:%M", created,
                       sizeof(created));

        if (keys) {
            signing = json_object_get(e, "signing");
            ctl_table_row(&t, ctl_str(e, "kid"),
                          json_is_true(signing) ? "yes" : "no", created,
                          ctl_str(e, "created_by"));

        } else {
            ctl_table_row(&t, ctl_str(e, "name"), created,
                          ctl_str(e, "created_by"),
                          ctl_local_time(ctl_str(e, "rotated_at"),
                                         "%Y-%m-%d %H:%M", rotated,
                                         sizeof(rotated)));
        }
    }

    ctl_table_print(&t);
}


static void
ctl_superadmin_table(json_t *doc)
{
    ctl_list_table(doc, 0);
}


static void
ctl_key_table(json_t *doc)
{
    ctl_list_table(doc, 1);
}


static int
ctl_superadmin_list(ctl_args_t *a)
{
    return ctl_show_command(a, "GET", "/v1/superadmins", ctl_superadmin_table);
}


/*
 * add and rotate: the NAME, then a POST whose answer carries the
 * credential; add sends the name in the body, rotate in the path.
 */

static int
ctl_credential_command(ctl_args_t *a, int add)
{
    int          rc, yes;
    char        *path;
    json_t      *body;
    ctl_resp_t   r;
    const char  *name;

    yes = 0;
    rc = ctl_name_args(a, NULL, "superadmin", "name", &name, &yes);

    if (rc != CTL_EXIT_OK) {
        return rc;
    }

    if (add) {
        body = json_pack("{s:s}", "name", name);
        path = ctl_strdup("/v1/superadmins");

    } else {
        body = NULL;
        path = ctl_item_path("/v1/superadmins", name, "rotate");
    }

    rc = ctl_request("POST", path, NULL, body, &r);
    free(path);

    if (rc == CTL_EXIT_OK) {
        rc = ctl_credential_answer(&r, name);
    }

    ctl_resp_free(&r);
    json_decref(body);

    return rc;
}


static int
ctl_superadmin_add(ctl_args_t *a)
{
    return ctl_credential_command(a, 1);
}


static int
ctl_superadmin_remove(ctl_args_t *a)
{
    return ctl_remove(a, "/v1/superadmins", "superadmin", "name");
}


static int
ctl_superadmin_rotate(ctl_args_t *a)
{
    return ctl_credential_command(a, 0);
}


static int
ctl_bypass_keys_list(ctl_args_t *a)
{
    return ctl_show_command(a, "GET", "/v1/bypass-keys", ctl_key_table);
}


static void
ctl_key_print(json_t *key)
{
    ctl_print_known(key, ctl_key_order);
}


static int
ctl_bypass_keys_rotate(ctl_args_t *a)
{
    return ctl_show_command(a, "POST", "/v1/bypass-keys", ctl_key_print);
}


static int
ctl_bypass_keys_remove(ctl_args_t *a)
{
    return ctl_remove(a, "/v1/bypass-keys", "bypass key", "key ID (KID)");
}


const ctl_cmd_t  ctl_cmd_superadmin_list = {
    "superadmin list",
    "usage: maintctl superadmin list\n",
    "\n"
    "The superadmins: they get past a window at the edge, with their\n"
    "credential (?forceLogin=true) or an identity the front established.\n",
    ctl_superadmin_list
};

const ctl_cmd_t  ctl_cmd_superadmin_add = {
    "superadmin add",
    "usage: maintctl superadmin add NAME\n",
    "\n"
    "Adds a superadmin (NAME: 1 to 64 of A-Za-z0-9._-) and prints its\n"
    "credential on a line of its own, \"credential: sa_...\" (with --json, "
    "the\n"
    "API's answer).  It is shown this once: store it now.  The first\n"
    "superadmin also creates the first bypass key.\n",
    ctl_superadmin_add
};

const ctl_cmd_t  ctl_cmd_superadmin_remove = {
    "superadmin remove",
    "usage: maintctl superadmin remove NAME [--yes]\n",
    "\n"
    "Removes a superadmin: its bypass cookies stop working on the next\n"
    "request.  Asks first on a terminal; without one, --yes is required.\n"
    "\n"
    "Options:\n"
    "  --yes  do not ask\n",
    ctl_superadmin_remove
};

const ctl_cmd_t  ctl_cmd_superadmin_rotate = {
    "superadmin rotate",
    "usage: maintctl superadmin rotate NAME\n",
    "\n"
    "Gives a superadmin a new credential, printed once as with add; the old\n"
    "one stops working, and so do the bypass cookies signed in with it (on\n"
    "the next request).\n",
    ctl_superadmin_rotate
};

const ctl_cmd_t  ctl_cmd_bypass_keys_list = {
    "bypass-keys list",
    "usage: maintctl bypass-keys list\n",
    "\n"
    "The keys that sign superadmins' bypass cookies.  The signing one signs\n"
    "new cookies; the others still verify theirs.  Secrets are never "
    "shown.\n",
    ctl_bypass_keys_list
};

const ctl_cmd_t  ctl_cmd_bypass_keys_rotate = {
    "bypass-keys rotate",
    "usage: maintctl bypass-keys rotate\n",
    "\n"
    "Creates a new signing key.  Cookies signed with the older keys keep\n"
    "working until those are removed.\n",
    ctl_bypass_keys_rotate
};

const ctl_cmd_t  ctl_cmd_bypass_keys_remove = {
    "bypass-keys remove",
    "usage: maintctl bypass-keys remove KID [--yes]\n",
    "\n"
    "Removes a key: the bypass cookies it signed stop working on the next\n"
    "request.  If it was the signing key, the newest remaining one signs.\n"
    "Asks first on a terminal; without one, --yes is required.\n"
    "\n"
    "Options:\n"
    "  --yes  do not ask\n",
    ctl_bypass_keys_remove
};
