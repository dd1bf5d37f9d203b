/*
 * notify_deliveries.c: what became of the notifications: notify
 * deliveries (one event to one target, pending, delivered or failed with
 * the last error; or one of them by its ID) and notify redeliver, which
 * sends one again by hand.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "buf.h"
#include "commands.h"
#include "notify.h"
#include "output.h"
#include "show.h"
#include "usage.h"


#define ND_WINDOW  1
#define ND_STATE   2
#define ND_TARGET  3
#define ND_LIMIT   4
#define ND_ALL     5

static const ctl_opt_t  ctl_deliveries_opts[] = {
    { "window", 1, ND_WINDOW, "window" },
    { "state",  1, ND_STATE, NULL },
    { "target", 1, ND_TARGET, "target" },
    { "limit",  1, ND_LIMIT, NULL },
    { "all",    0, ND_ALL, NULL },
    { NULL, 0, 0, NULL }
};

static const char *const  ctl_states[] = {
    "pending", "delivered", "failed", NULL
};

static const char *const  ctl_delivery_order[] = {
    "id", "event", "type", "window", "target", "kind", "state", "attempts",
    "created_at", "next_at", "last_attempt_at", "last_status", "last_error",
    "delivered_at", NULL
};

#define CTL_DELIVERIES  "/v1/notify/deliveries"


void
ctl_notify_print_delivery(json_t *d)
{
    ctl_print_known(d, ctl_delivery_order);
}


/*
 * "503: the body's start", "timeout", "-": the last attempt's error,
 * briefly; the status is not repeated when the error holds it already.
 */

static void
ctl_last_error(json_t *d, char *buf, size_t size)
{
    char         st[24];
    json_t      *n;
    const char  *err;

    n = json_object_get(d, "last_status");
    err = ctl_str(d, "last_error");
    err = err ? err : "";
    st[0] = '\0';

    if (json_is_integer(n) && json_integer_value(n) != 0) {
        snprintf(st, sizeof(st), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(n));
    }

    /* a status without an error (250, 204: delivered) is no error */
    if (st[0] == '\0' || *err == '\0' || strstr(err, st) != NULL) {
        snprintf(buf, size, "%s", *err ? err : "-");

    } else {
        snprintf(buf, size, "%s%s%s", st, *err ? ": " : "", err);
    }
}


/* the items of a page, or of every page with --all (show.c) */

static void
ctl_deliveries_table(json_t *items)
{
    size_t        i;
    json_t       *d, *n;
    char          created[32], tries[24], last[400];
    ctl_table_t   t;
    static const char *const  heads[] = {
        "ID", "WINDOW", "TYPE", "STATE", "TRIES", "CREATED", "LAST ERROR"
    };

    ctl_table_init(&t, 7, heads);

    json_array_foreach(items, i, d) {
        n = json_object_get(d, "attempts");
        snprintf(tries, sizeof(tries), "%" JSON_INTEGER_FORMAT,
                 json_is_integer(n) ? json_integer_value(n) : 0);
        ctl_last_error(d, last, sizeof(last));

        ctl_table_row(&t, ctl_str(d, "id"), ctl_str(d, "window"),
                      ctl_str(d, "type"), ctl_str(d, "state"), tries,
                      ctl_local_time(ctl_str(d, "created_at"),
                                     "%Y-%m-%d %H:%M", created,
                                     sizeof(created)),
                      last);
    }

    ctl_table_print(&t);
}


static int
ctl_notify_deliveries(ctl_args_t *a)
{
    int          id, rc, all;
    long         limit;
    char        *path;
    ctl_buf_t    base;
    const char  *val, *one;

    memset(&base, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&base, CTL_DELIVERIES);
    one = NULL;
    all = 0;
    limit = 0;

    while ((id = ctl_next_query(a, ctl_deliveries_opts, &base, &val))
           != CTL_ARG_END)
    {
        switch (id) {

        case ND_STATE:
            if (ctl_word_arg(a, val, ctl_states) < 0) {
                free(base.data);
                return CTL_EXIT_USAGE;
            }

            ctl_buf_query(&base, "state", val);
            break;

        case ND_LIMIT:
            if (ctl_long_arg(a, val, 1, 500, &limit) != 0) {
                free(base.data);
                return CTL_EXIT_USAGE;
            }

            break;

        case ND_ALL:
            all = 1;
            break;

        case CTL_ARG_WORD:
            if (one == NULL && *val != '\0' && strcmp(val, ".") != 0
                && strcmp(val, "..") != 0)
            {
                one = val;
                break;
            }

            /* fall through */

        default:
            free(base.data);
            return ctl_unexpected(a, id, val);
        }
    }

    if (one != NULL && (strchr(base.data, '?') != NULL || limit || all)) {
        free(base.data);
        return ctl_usage_error(a, "give a delivery ID or the filters, "
                               "not both");
    }

    if (one != NULL) {
        path = ctl_item_path(CTL_DELIVERIES, one, NULL);
        rc = ctl_show("GET", path, NULL, ctl_notify_print_delivery);
        free(path);

    } else {
        rc = ctl_show_list(&base, limit, all, ctl_deliveries_table,
                           "deliveries");
    }

    free(base.data);

    return rc;
}


/* notify redeliver: pending again, due now, for a new retry period */

static int
ctl_notify_redeliver(ctl_args_t *a)
{
    int          id, rc;
    char        *path, *shown;
    ctl_resp_t   r;
    const char  *val, *one;

    one = NULL;

    while ((id = ctl_next(a, NULL, &val)) != CTL_ARG_END) {
        if (id != CTL_ARG_WORD || one != NULL || *val == '\0'
            || strcmp(val, ".") == 0 || strcmp(val, "..") == 0)
        {
            return ctl_unexpected(a, id, val);
        }

        one = val;
    }

    if (one == NULL) {
        return ctl_usage_error(a, "which delivery? give its ID "
                               "(notify deliveries lists them)");
    }

    path = ctl_item_path(CTL_DELIVERIES, one, "redeliver");
    rc = ctl_request("POST", path, NULL, NULL, &r);
    free(path);

    if (rc == CTL_EXIT_OK) {
        if (ctl_conf.json) {
            ctl_print_raw(&r);

        } else {
            shown = ctl_clean(one, 0);
            printf("delivery %s is pending again: it is sent now, and "
                   "retried as a new one\n", shown);
            free(shown);

            if (json_is_object(r.json)) {
                ctl_notify_print_delivery(r.json);
            }
        }
    }

    ctl_resp_free(&r);

    return rc;
}


const ctl_cmd_t  ctl_cmd_notify_deliveries = {
    "notify deliveries",
    "usage: maintctl notify deliveries [--window ID] "
    "[--state pending|delivered|failed]\n"
    "                [--target NAME] [--limit N] [--all]\n"
    "       maintctl notify deliveries DELIVERY_ID\n",
    "\n"
    "The deliveries, one per event and target, newest first: ID (the\n"
    "event's ID, a dot, the target), the window, the event type, the state\n"
    "(pending, delivered, failed), the attempts made, when the event was\n"
    "made and the last attempt's answer (HTTP status or SMTP reply code)\n"
    "and error.  With a DELIVERY_ID, that one delivery, every field.\n"
    "\n"
    "Options:\n"
    "  --window ID      one window's deliveries\n"
    "  --state S        pending, delivered or failed\n"
    "  --target NAME    one target's deliveries\n"
    "  --limit N        1 to 500 (default 50); with --all, the page size\n"
    "  --all            follow the pages to the end\n",
    ctl_notify_deliveries
};

const ctl_cmd_t  ctl_cmd_notify_redeliver = {
    "notify redeliver",
    "usage: maintctl notify redeliver DELIVERY_ID\n",
    "\n"
    "Sends a delivery again, delivered or failed: it is pending again, due\n"
    "now, and retried for a new retry period (notify_retry_for).  A webhook\n"
    "receiver sees the same webhook-id, so it can tell a redelivery from a\n"
    "new event.\n",
    ctl_notify_redeliver
};
