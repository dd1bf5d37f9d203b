/*
 * main.c: main() and the command dispatch.  main() reads the environment,
 * finds the command in the first words of the command line (global options
 * may come before, between or after them) and hands the rest of the line
 * to the command, which parses its own options.  Nothing calls back here.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>

#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "buf.h"
#include "commands.h"
#include "usage.h"


static const ctl_cmd_t  *ctl_commands[] = {
    &ctl_cmd_window_list,
    &ctl_cmd_window_show,
    &ctl_cmd_window_create,
    &ctl_cmd_window_update,
    &ctl_cmd_window_start,
    &ctl_cmd_window_complete,
    &ctl_cmd_window_cancel,
    &ctl_cmd_window_delete,
    &ctl_cmd_series_list,
    &ctl_cmd_series_show,
    &ctl_cmd_series_update,
    &ctl_cmd_series_skip,
    &ctl_cmd_series_delete,
    &ctl_cmd_status,
    &ctl_cmd_settings_show,
    &ctl_cmd_settings_set,
    &ctl_cmd_audit,
    &ctl_cmd_gateways,
    &ctl_cmd_sessions_list,
    &ctl_cmd_sessions_show,
    &ctl_cmd_sessions_end,
    &ctl_cmd_sessions_end_all,
    &ctl_cmd_superadmin_list,
    &ctl_cmd_superadmin_add,
    &ctl_cmd_superadmin_remove,
    &ctl_cmd_superadmin_rotate,
    &ctl_cmd_bypass_keys_list,
    &ctl_cmd_bypass_keys_rotate,
    &ctl_cmd_bypass_keys_remove,
    &ctl_cmd_run,
    &ctl_cmd_calendar,
    &ctl_cmd_notify_targets,
    &ctl_cmd_notify_target_add,
    &ctl_cmd_notify_target_show,
    &ctl_cmd_notify_target_edit,
    &ctl_cmd_notify_target_rm,
    &ctl_cmd_notify_target_rotate,
    &ctl_cmd_notify_deliveries,
    &ctl_cmd_notify_redeliver,
    NULL
};


/*
 * The commands of two words (three: "notify target add").  "settings"
 * alone shows the settings; the others need their next word, and a usage
 * error lists them.
 */

typedef struct {
    const char  *word;
    const char  *alone;         /* the second word implied, or NULL */
    const char  *which;         /* the second words, for the usage error */
} ctl_group_t;

static const ctl_group_t  ctl_groups[] = {
    { "window", NULL,
      "list, show, create, update, start, complete, cancel or delete" },
    { "series", NULL, "list, show, update, skip or delete" },
    { "settings", "show", NULL },
    { "sessions", NULL, "list, show, end or end-all" },
    { "superadmin", NULL, "list, add, remove or rotate" },
    { "bypass-keys", NULL, "list, rotate or remove" },
    { "notify", NULL, "targets, target, deliveries or redeliver" },
    { "notify target", NULL, "add, show, edit, rm or rotate" },
    { NULL, NULL, NULL }
};


static const ctl_cmd_t *
ctl_find_command(const char *name)
{
    const ctl_cmd_t  **c;

    for (c = ctl_commands; *c; c++) {
        if (strcmp((*c)->name, name) == 0) {
            return *c;
        }
    }

    return NULL;
}


/* the next command word, applying the global options on the way */

static int
ctl_command_word(ctl_args_t *a, const char **word)
{
    int  rc;

    rc = ctl_next(a, NULL, word);

    if (rc == CTL_ARG_ERROR) {
        return -1;
    }

    if (rc == CTL_ARG_REST) {
        ctl_usage_error(a, "\"--\" before the command");
        return -1;
    }

    if (rc == CTL_ARG_END) {
        *word = NULL;
    }

    return 0;
}


/*
 * The command's name from its first word w1 and, while the name so far is
 * a group, the next word; NULL after a usage error.
 */

static const char *
ctl_command_name(ctl_args_t *a, const char *w1, char *name, size_t size)
{
    char                sofar[64];
    const char         *w2;
    const ctl_group_t  *g;

    snprintf(name, size, "%.20s", w1);

again:

    for (g = ctl_groups; g->word; g++) {
        if (strcmp(name, g->word) != 0) {
            continue;
        }

        if (ctl_command_word(a, &w2) != 0) {
            return NULL;
        }

        if (w2 == NULL && g->alone == NULL) {
            ctl_usage_error(a, "%s: which command? %s", g->word, g->which);
            return NULL;
        }

        if (w2 == NULL) {
            w2 = g->alone;
        }

        snprintf(sofar, sizeof(sofar), "%s", name);
        snprintf(name, size, "%.40s %.20s", sofar, w2);

        goto again;
    }

    return name;
}


static int
ctl_help_command(ctl_args_t *a)
{
    char              name[64];
    const char       *w1;
    const ctl_cmd_t  *cmd;

    if (ctl_command_word(a, &w1) != 0) {
        return CTL_EXIT_USAGE;
    }

    if (w1 == NULL) {
        ctl_help(NULL);
        return CTL_EXIT_OK;
    }

    if (ctl_command_name(a, w1, name, sizeof(name)) == NULL) {
        return CTL_EXIT_USAGE;
    }

    cmd = ctl_find_command(name);

    if (cmd == NULL) {
        return ctl_usage_error(a, "unknown command \"%s\"", name);
    }

    ctl_help(cmd);

    return CTL_EXIT_OK;
}


static void *
ctl_json_alloc(size_t size)
{
    return ctl_alloc(size);
}


int
main(int argc, char **argv)
{
    int               rc;
    char              name[64];
    const char       *w1, *env;
    ctl_args_t        a;
    const ctl_cmd_t  *cmd;

    tzset();

    /* out of memory is fatal (ctl_alloc exits), so no NULL checks on JSON */
    json_set_alloc_funcs(ctl_json_alloc, free);

    env = getenv("MAINT_API_URL");
    ctl_conf.url = (env && *env) ? env : "http://127.0.0.1:8090";
    ctl_conf.token = getenv("MAINT_API_TOKEN");
    env = getenv("MAINT_API_CACERT");
    ctl_conf.cacert = (env && *env) ? env : NULL;
    ctl_conf.timeout_ms = 0;            /* per request: ctl_timeout() */
    ctl_conf.json = 0;

    a.argc = argc;
    a.argv = argv;
    a.i = 1;
    a.cmd = NULL;
    a.opt = NULL;

    if (ctl_command_word(&a, &w1) != 0) {
        return CTL_EXIT_USAGE;
    }

    if (w1 == NULL) {
        return ctl_usage_error(&a, "no command given");
    }

    if (strcmp(w1, "help") == 0) {
        return ctl_help_command(&a);
    }

    if (ctl_command_name(&a, w1, name, sizeof(name)) == NULL) {
        return CTL_EXIT_USAGE;
    }

    cmd = ctl_find_command(name);

    if (cmd == NULL) {
        return ctl_usage_error(&a, "unknown command \"%s\"", name);
    }

    a.cmd = cmd;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "maintctl: cannot initialize libcurl\n");
        return CTL_EXIT_UNAVAILABLE;
    }

    rc = cmd->run(&a);

    ctl_api_done();
    curl_global_cleanup();

    if (fflush(stdout) != 0 && rc == CTL_EXIT_OK) {
        perror("maintctl: standard output");
        rc = CTL_EXIT_USAGE;
    }

    return rc;
}
