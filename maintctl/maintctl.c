/*
 * maintctl.c: main() and the command dispatch.  main() reads the
 * environment, finds the command in the first words of the command line
 * (global options may come before, between or after them) and hands the
 * rest of the line to the command, which parses its own options.  The usage
 * texts of the top level live here too.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <curl/curl.h>

#include "maintctl.h"


ctl_conf_t  ctl_conf;


static const ctl_cmd_t  *ctl_commands[] = {
    &ctl_cmd_window_list,
    &ctl_cmd_window_show,
    &ctl_cmd_window_create,
    &ctl_cmd_window_update,
    &ctl_cmd_window_start,
    &ctl_cmd_window_complete,
    &ctl_cmd_window_cancel,
    &ctl_cmd_window_delete,
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
    NULL
};


/*
 * The commands of two words.  "settings" alone shows the settings; the
 * others need their second word, and a usage error lists them.
 */

typedef struct {
    const char  *word;
    const char  *alone;         /* the second word implied, or NULL */
    const char  *which;         /* the second words, for the usage error */
} ctl_group_t;

static const ctl_group_t  ctl_groups[] = {
    { "window", NULL,
      "list, show, create, update, start, complete, cancel or delete" },
    { "settings", "show", NULL },
    { "sessions", NULL, "list, show, end or end-all" },
    { "superadmin", NULL, "list, add, remove or rotate" },
    { "bypass-keys", NULL, "list, rotate or remove" },
    { NULL, NULL, NULL }
};


static const char  ctl_synopsis[] =
"usage: maintctl [--url URL] [--token TOKEN] [--json] [--timeout SECONDS]\n"
"                COMMAND [ARGS...]\n";

static const char  ctl_main_help[] =
"\n"
"Commands:\n"
"  window list         the windows, newest start first\n"
"  window show         one window\n"
"  window create       schedule a maintenance window\n"
"  window update       change a window\n"
"  window start        start a scheduled window now\n"
"  window complete     end a window in progress\n"
"  window cancel       cancel a scheduled window\n"
"  window delete       delete a scheduled window\n"
"  status              what the gateways decide now for an app\n"
"  settings [show]     the windows' defaults, how long sessions are kept\n"
"  settings set        change the settings\n"
"  audit               the history of every change\n"
"  gateways            the live gateway workers\n"
"  sessions list       the apps' sessions, as the gateways see them\n"
"  sessions show       one session\n"
"  sessions end        end one session: it is logged off\n"
"  sessions end-all    end every session of an app, or everywhere\n"
"  superadmin list     the superadmins, who get past a window\n"
"  superadmin add      add one; prints its credential, once\n"
"  superadmin remove   remove one\n"
"  superadmin rotate   a new credential for one, printed once\n"
"  bypass-keys list    the keys that sign superadmins' bypass cookies\n"
"  bypass-keys rotate  a new signing key\n"
"  bypass-keys remove  remove a key\n"
"  run                 a window around a command:\n"
"                      maintctl run --app shop --for 20m -- ./deploy.sh\n"
"\n"
"'maintctl COMMAND --help' describes a command's options.\n";

static const char  ctl_global_help[] =
"\n"
"Global options, before or after the command:\n"
"  --url URL          the admin API; default $MAINT_API_URL, else\n"
"                     http://127.0.0.1:8090\n"
"  --token TOKEN      the bearer token; default $MAINT_API_TOKEN (prefer\n"
"                     the variable: options show in the process list)\n"
"  --json             print the API's JSON document, nothing else on stdout\n"
"  --timeout SECONDS  for each HTTP request (default 10)\n"
"  --cacert FILE      with https://, trust the CAs in this PEM file instead\n"
"                     of the system's; default $MAINT_API_CACERT.  The\n"
"                     certificate and its name are always verified\n"
"  --help             this help\n"
"\n"
"Times are RFC 3339 with an offset (2026-11-21T22:00:00Z,\n"
"2026-11-21T23:00:00+01:00) or now; durations 90s, 20m, 2h, 1d, 1h30m.\n"
"Times are shown in the local time zone (TZ).\n"
"\n"
"Exit codes: 0 success; 1 usage error; 2 the API refused the request\n"
"(400, 404, 413, 415, 422) or a precheck failed; 3 conflict (409, 412,\n"
"428); 4 authentication or permission (401, 403); 5 the API or Redis is\n"
"unavailable (connection failed, timeout, 5xx).\n";


void
ctl_help(const ctl_cmd_t *cmd)
{
    if (cmd == NULL) {
        fputs(ctl_synopsis, stdout);
        fputs(ctl_main_help, stdout);
        fputs(ctl_global_help, stdout);
        return;
    }

    fputs(cmd->synopsis, stdout);
    fputs(cmd->help, stdout);
    fputs("\nGlobal options: --url URL, --token TOKEN, --json, --timeout "
          "SECONDS;\n'maintctl --help' describes them and the exit codes.\n",
          stdout);
}


/*
 * Usage errors say what is wrong and show the synopsis, not the whole help:
 * the mistake should stay on the screen.  Returns CTL_EXIT_USAGE.
 */

int
ctl_usage_error(ctl_args_t *a, const char *fmt, ...)
{
    va_list  args;

    fputs("maintctl: ", stderr);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);

    /* without a command line (a setting is wrong), no synopsis */
    if (a == NULL) {
        return CTL_EXIT_USAGE;
    }

    if (a->cmd != NULL) {
        fputs(a->cmd->synopsis, stderr);
        fprintf(stderr, "'maintctl %s --help' lists the options.\n",
                a->cmd->name);

    } else {
        fputs(ctl_synopsis, stderr);
        fputs("'maintctl --help' lists the commands.\n", stderr);
    }

    return CTL_EXIT_USAGE;
}


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
 * The command's name from its first word w1 and, for the groups, the next
 * word; NULL after a usage error.
 */

static const char *
ctl_command_name(ctl_args_t *a, const char *w1, char *name, size_t size)
{
    const char         *w2;
    const ctl_group_t  *g;

    w2 = NULL;

    for (g = ctl_groups; g->word; g++) {
        if (strcmp(w1, g->word) != 0) {
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

        break;
    }

    snprintf(name, size, "%.20s%s%.20s", w1, w2 ? " " : "", w2 ? w2 : "");

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
    ctl_conf.timeout_ms = 10000;
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
