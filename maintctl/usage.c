/*
 * usage.c: what maintctl says about its command line: the help texts (the
 * top level's here, each command's in its ctl_cmd_t) and the usage errors,
 * which name the mistake and show the synopsis.
 */

#include <stdarg.h>
#include <stdio.h>

#include "maintctl.h"
#include "usage.h"


static const char  ctl_synopsis[] =
"usage: maintctl [--url URL] [--token TOKEN] [--json] [--timeout SECONDS]\n"
"                [--version]\n"
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
"  series list         the recurring windows (window create --every)\n"
"  series show         one series and its next occurrences\n"
"  series update       change an occurrence and those after it\n"
"  series skip         skip one occurrence\n"
"  series delete       delete a series and its windows yet to start\n"
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
"  calendar            the windows as an iCalendar feed (.ics)\n"
"  notify targets      who windows notify: email addresses, webhooks\n"
"  notify target add   add one; prints a webhook's secret, once\n"
"  notify target show  one target\n"
"  notify target edit  change one (URL, addresses, events, enabled)\n"
"  notify target rm    remove one\n"
"  notify target rotate\n"
"                      a new webhook secret, printed once\n"
"  notify deliveries   what was sent to whom: pending, delivered, failed\n"
"  notify redeliver    send a delivery again\n"
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
"  --timeout SECONDS  for each HTTP request (default 10; 70 for an early\n"
"                     start and dry runs, which wait for the prechecks)\n"
"  --cacert FILE      with https://, trust the CAs in this PEM file instead\n"
"                     of the system's; default $MAINT_API_CACERT.  The\n"
"                     certificate and its name are always verified\n"
"  --help             this help\n"
"  --version          print \"maintctl VERSION\" and exit\n"
"\n"
"Times are RFC 3339 with an offset (2026-11-21T22:00:00Z,\n"
"2026-11-21T23:00:00+01:00), \"2026-11-21 22:00\" in the local time zone,\n"
"now, or +DURATION from now (+2m, +1h30m); durations 90s, 20m, 2h, 1d,\n"
"1h30m.\n"
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
