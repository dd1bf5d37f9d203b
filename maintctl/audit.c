/*
 * audit.c: audit, the append-only history of every change and every
 * rejected attempt, newest first, as a table.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maintctl.h"
#include "args.h"
#include "buf.h"
#include "commands.h"
#include "output.h"
#include "show.h"


#define A_LIMIT   1
#define A_TARGET  2
#define A_ACTOR   3
#define A_ACTION  4
#define A_BEFORE  5

static const ctl_opt_t  ctl_audit_opts[] = {
    { "limit",  1, A_LIMIT,  NULL },
    { "target", 1, A_TARGET, "target" },
    { "actor",  1, A_ACTOR,  "actor" },
    { "action", 1, A_ACTION, "action" },
    { "before", 1, A_BEFORE, "before" },
    { NULL, 0, 0, NULL }
};


static void
ctl_audit_table(json_t *items)
{
    char         at[32], outcome[64];
    size_t       i;
    json_t      *e, *st;
    const char  *o;
    ctl_table_t  t;
    static const char *const  heads[] = {
        "TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME"
    };

    ctl_table_init(&t, 5, heads);

    json_array_foreach(items, i, e) {
        o = ctl_str(e, "outcome");
        st = json_object_get(e, "status");

        if (json_is_integer(st)) {
            snprintf(outcome, sizeof(outcome), "%s (%" JSON_INTEGER_FORMAT
                     ")", o ? o : "?", json_integer_value(st));

        } else {
            snprintf(outcome, sizeof(outcome), "%s", o ? o : "?");
        }

        ctl_table_row(&t, ctl_local_time(ctl_str(e, "at"),
                                         "%Y-%m-%d %H:%M:%S", at, sizeof(at)),
                      ctl_str(e, "actor"), ctl_str(e, "action"),
                      ctl_str(e, "target"), outcome);
    }

    ctl_table_print(&t);
}


/* the table, and where the next page starts */

static void
ctl_audit_print(json_t *doc)
{
    char        *next;
    const char  *s;

    ctl_audit_table(json_object_get(doc, "items"));
    s = ctl_str(doc, "next_before");

    if (s != NULL) {
        next = ctl_clean(s, 0);
        fprintf(stderr, "(older entries: --before %s)\n", next);
        free(next);
    }
}


static int
ctl_audit(ctl_args_t *a)
{
    int          id, rc;
    long         limit;
    ctl_buf_t    path;
    const char  *val;

    memset(&path, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&path, "/v1/audit");

    while ((id = ctl_next_query(a, ctl_audit_opts, &path, &val))
           != CTL_ARG_END)
    {
        switch (id) {

        case A_LIMIT:
            if (ctl_long_arg(a, val, 1, 500, &limit) != 0) {
                free(path.data);
                return CTL_EXIT_USAGE;
            }

            ctl_buf_query(&path, "limit", val);
            break;

        default:
            free(path.data);
            return ctl_unexpected(a, id, val);
        }
    }

    rc = ctl_show("GET", path.data, NULL, ctl_audit_print);
    free(path.data);

    return rc;
}


const ctl_cmd_t  ctl_cmd_audit = {
    "audit",
    "usage: maintctl audit [--limit N] [--target ID] [--actor NAME] "
    "[--action ACTION]\n"
    "                      [--before CURSOR]\n",
    "\n"
    "Every change and every rejected attempt, newest first.\n"
    "\n"
    "Options:\n"
    "  --limit N         1 to 500 (default 50)\n"
    "  --target ID       entries about this window\n"
    "  --actor NAME      entries by this token's name (system: automatic)\n"
    "  --action ACTION   window.create, window.update, window.delete,\n"
    "                    window.start, window.complete, window.cancel,\n"
    "                    window.auto_start, window.auto_complete,\n"
    "                    settings.update, session.end, session.terminate,\n"
    "                    superadmin.create, superadmin.delete,\n"
    "                    superadmin.rotate, bypass_key.create,\n"
    "                    bypass_key.delete\n"
    "  --before CURSOR   the next page: the cursor the previous one printed\n",
    ctl_audit
};
