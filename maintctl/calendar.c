/*
 * calendar.c: calendar, the iCalendar feed of the windows (GET
 * /v1/calendar.ics) written to stdout as the API sends it, for a file,
 * a pipe, or a calendar program that imports files.  Any token reads it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "buf.h"
#include "commands.h"


#define C_APP  1

static const ctl_opt_t  ctl_calendar_opts[] = {
    { "app", 1, C_APP, "app" },
    { NULL, 0, 0, NULL }
};


static int
ctl_calendar(ctl_args_t *a)
{
    int          id, rc;
    ctl_buf_t    path;
    ctl_resp_t   r;
    const char  *val;

    memset(&path, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&path, "/v1/calendar.ics");

    /* each --app adds "app=NAME": the API takes the argument repeated */
    id = ctl_next_query(a, ctl_calendar_opts, &path, &val);

    if (id != CTL_ARG_END) {
        free(path.data);
        return ctl_unexpected(a, id, val);
    }

    rc = ctl_request("GET", path.data, NULL, NULL, &r);
    free(path.data);

    if (rc == CTL_EXIT_OK
        && (fwrite(r.body, 1, r.len, stdout) != r.len || fflush(stdout)))
    {
        perror("maintctl: stdout");
        rc = CTL_EXIT_UNAVAILABLE;
    }

    ctl_resp_free(&r);

    return rc;
}


const ctl_cmd_t  ctl_cmd_calendar = {
    "calendar",
    "usage: maintctl calendar [--app APP]...\n",
    "\n"
    "The windows as an iCalendar feed (RFC 5545), as the API sends it:\n"
    "scheduled, in progress, and finished in the last 30 days, one event\n"
    "each.  For a calendar program's subscription, give it the URL with a\n"
    "token of role feed instead (docs/admin-api.md, \"Calendar feed\"):\n"
    "    $MAINT_API_URL/v1/calendar.ics?app=shop&token=FEED_TOKEN\n"
    "\n"
    "Options:\n"
    "  --app APP      only windows for APP (and those for every app); may be\n"
    "                 given several times; none: every app\n",
    ctl_calendar
};
