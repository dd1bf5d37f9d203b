/*
 * maintctl.h: the types and constants every part of maintctl shares: the
 * exit codes, a command and its command line, an answer of the API.  No
 * functions: each file's own header declares what that file offers.
 *
 *   main.c         main(), the command table and the dispatch
 *   usage.c        the help texts and usage errors
 *   args.c         the command-line parser, the global options, values
 *   buf.c          memory and growing strings
 *   api.c          the HTTP calls to the admin API
 *   output.c       tables, "field: value" lines, times, questions
 *   show.c         one answer or a list of pages, printed
 *   window.c       window list and show, and what the window commands share
 *   window_edit.c  window create and update
 *   lifecycle.c    window start, complete, cancel and delete
 *   series.c       series list, show, skip and delete; a series printed
 *   notify.c       notify targets and target ..., the --notify lists
 *   notify_deliveries.c
 *                  notify deliveries and redeliver
 *   run.c, status.c, settings.c, audit.c, sessions.c, superadmins.c,
 *   calendar.c:
 *                  the other commands (commands.h lists them all)
 */

#ifndef MAINTCTL_H
#define MAINTCTL_H

#include <stddef.h>
#include <jansson.h>


#define CTL_VERSION  "0.1.0"

/* the exit codes of docs/maintctl.md */
#define CTL_EXIT_OK           0
#define CTL_EXIT_USAGE        1
#define CTL_EXIT_REFUSED      2
#define CTL_EXIT_CONFLICT     3
#define CTL_EXIT_AUTH         4
#define CTL_EXIT_UNAVAILABLE  5


typedef struct ctl_cmd_s  ctl_cmd_t;

/* a command line being parsed (args.c) */

typedef struct {
    int               argc;
    char            **argv;
    int               i;        /* the next argument to look at */
    const ctl_cmd_t  *cmd;      /* for usage messages; NULL: top level */
    const char       *opt;      /* the option just returned, "--for" */
} ctl_args_t;

struct ctl_cmd_s {
    const char  *name;          /* "window create" */
    const char  *synopsis;      /* "usage: maintctl ..." lines */
    const char  *help;          /* the options, for --help */
    int        (*run)(ctl_args_t *a);
};


/* an answer of the API (api.c) */

typedef struct {
    long         status;
    char        *body;
    size_t       len;
    char        *etag;
    json_t      *json;          /* the body, when it is JSON */
} ctl_resp_t;


#endif /* MAINTCTL_H */
