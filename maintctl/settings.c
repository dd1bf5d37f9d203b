/*
 * settings.c: settings show and settings set, the defaults that windows
 * leave empty (the messages and how long before a window the notice
 * shows), how long sessions are kept: in the registry while nobody
 * sees them, on the blacklist once ended; and who new windows notify.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maintctl.h"
#include "args.h"
#include "commands.h"
#include "notify.h"
#include "output.h"
#include "show.h"
#include "usage.h"


#define ST_NOTIFY_BEFORE   1
#define ST_LOGIN_MESSAGE   2
#define ST_NOTIFY_MESSAGE  3
#define ST_SESSION_IDLE    4
#define ST_SESSION_LIFE    5
#define ST_NOTIFY_DEFAULT  6
#define ST_NOTIFY_TZ       7

static const ctl_opt_t  ctl_settings_opts[] = {
    { "notify-before",         1, ST_NOTIFY_BEFORE, NULL },
    { "login-message",         1, ST_LOGIN_MESSAGE, NULL },
    { "notify-message",        1, ST_NOTIFY_MESSAGE, NULL },
    { "session-idle-minutes",  1, ST_SESSION_IDLE, NULL },
    { "session-lifetime-days", 1, ST_SESSION_LIFE, NULL },
    { "notify-default-targets", 1, ST_NOTIFY_DEFAULT, NULL },
    { "notify-time-zone",      1, ST_NOTIFY_TZ, NULL },
    { NULL, 0, 0, NULL }
};

static const char *const  ctl_settings_order[] = {
    "notify_before_minutes", "login_message", "notify_message",
    "session_idle_minutes", "session_lifetime_days",
    "notify_default_targets", "notify_time_zone", "revision",
    "updated_at", "updated_by", NULL
};


static void
ctl_settings_print(json_t *settings)
{
    ctl_print_object(settings, ctl_settings_order);
}


static int
ctl_settings_show(ctl_args_t *a)
{
    return ctl_show_command(a, "GET", "/v1/settings", ctl_settings_print);
}


/*
 * PUT keeps the fields it is not given, so only the options given are
 * sent, and no If-Match: nothing here was read to be written back.
 */

static int
ctl_settings_set(ctl_args_t *a)
{
    int          id, rc;
    long         minutes, days;
    json_t      *body, *targets;
    const char  *val;

    body = json_object();
    targets = NULL;

    while ((id = ctl_next(a, ctl_settings_opts, &val)) != CTL_ARG_END) {
        switch (id) {

        case ST_NOTIFY_BEFORE:
            if (ctl_long_arg(a, val, 0, 10080, &minutes) != 0) {
                json_decref(body);
                return CTL_EXIT_USAGE;
            }

            json_object_set_new(body, "notify_before_minutes",
                                json_integer(minutes));
            break;

        case ST_LOGIN_MESSAGE:
            json_object_set_new(body, "login_message", json_string(val));
            break;

        case ST_NOTIFY_MESSAGE:
            json_object_set_new(body, "notify_message", json_string(val));
            break;

        /* the ranges of docs/admin-api.md: a year of minutes, ten years */
        case ST_SESSION_IDLE:
            if (ctl_long_arg(a, val, 1, 527040, &minutes) != 0) {
                json_decref(body);
                return CTL_EXIT_USAGE;
            }

            json_object_set_new(body, "session_idle_minutes",
                                json_integer(minutes));
            break;

        case ST_SESSION_LIFE:
            if (ctl_long_arg(a, val, 1, 3650, &days) != 0) {
                json_decref(body);
                return CTL_EXIT_USAGE;
            }

            json_object_set_new(body, "session_lifetime_days",
                                json_integer(days));
            break;

        case ST_NOTIFY_DEFAULT:
            if (ctl_notify_targets_arg(a, val, &targets) != 0) {
                json_decref(targets);
                json_decref(body);
                return CTL_EXIT_USAGE;
            }

            json_object_set(body, "notify_default_targets", targets);
            break;

        case ST_NOTIFY_TZ:
            json_object_set_new(body, "notify_time_zone", json_string(val));
            break;

        default:
            json_decref(targets);
            json_decref(body);
            return ctl_unexpected(a, id, val);
        }
    }

    json_decref(targets);

    if (json_object_size(body) == 0) {
        json_decref(body);
        return ctl_usage_error(a, "nothing to set");
    }

    rc = ctl_show("PUT", "/v1/settings", body, ctl_settings_print);
    json_decref(body);

    return rc;
}


const ctl_cmd_t  ctl_cmd_settings_show = {
    "settings show",
    "usage: maintctl settings [show]\n",
    "\n"
    "The defaults of windows that leave their messages or notice time "
    "empty,\n"
    "and how long sessions are kept.\n",
    ctl_settings_show
};

const ctl_cmd_t  ctl_cmd_settings_set = {
    "settings set",
    "usage: maintctl settings set [--notify-before MINUTES] "
    "[--login-message TEXT]\n"
    "                             [--notify-message TEXT] "
    "[--session-idle-minutes N]\n"
    "                             [--session-lifetime-days N]\n"
    "                             [--notify-default-targets NAME,...|none]\n"
    "                             [--notify-time-zone ZONE]\n",
    "\n"
    "Changes the settings given; the others keep their values.\n"
    "\n"
    "Options:\n"
    "  --notify-before MINUTES    how long before a window its notice "
    "shows\n"
    "                             (0 to 10080)\n"
    "  --login-message TEXT       the maintenance page's message\n"
    "  --notify-message TEXT      the notice before a window\n"
    "  --session-idle-minutes N   how long the registry keeps a session\n"
    "                             nobody sees (1 to 527040; default 1440)\n"
    "  --session-lifetime-days N  how long an ended session stays ended\n"
    "                             (1 to 3650; default 30): at least the\n"
    "                             longest a session of the apps can live\n"
    "  --notify-default-targets NAME,NAME\n"
    "                             the targets a new window notifies unless\n"
    "                             it names its own (none: nobody)\n"
    "  --notify-time-zone ZONE    the IANA zone of the times in emails\n"
    "                             (Europe/Paris; default UTC)\n",
    ctl_settings_set
};
