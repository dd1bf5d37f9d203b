/*
 * args.h: the command-line parser, the global options it applies and the
 * values it checks (args.c).
 */

#ifndef CTL_ARGS_H
#define CTL_ARGS_H

#include <stdint.h>
#include <jansson.h>

#include "maintctl.h"
#include "buf.h"


/* the global options (--url, --token, ...), from the environment first */

typedef struct {
    const char  *url;           /* base URL, as given */
    const char  *token;         /* "" or NULL: no Authorization header */
    const char  *cacert;        /* CA file for https://, or NULL: the
                                   system's store */
    long         timeout_ms;    /* --timeout; 0: the request's default */
    int          json;
} ctl_conf_t;

extern ctl_conf_t  ctl_conf;


typedef struct {
    const char  *name;          /* without the leading "--" */
    int          has_arg;
    int          id;            /* > 0 */
    const char  *query;         /* passed through as this query parameter */
} ctl_opt_t;

/* what ctl_next() returns besides an option's id */
#define CTL_ARG_END     0
#define CTL_ARG_WORD   -1       /* a positional argument, in *val */
#define CTL_ARG_REST   -2       /* "--": a->i is the first word after it */
#define CTL_ARG_ERROR  -3       /* reported on stderr already */

/* a time argument: RFC 3339 or "now" */
typedef struct {
    int          given;
    int          now;
    int64_t      sec;
} ctl_time_t;


int ctl_next(ctl_args_t *a, const ctl_opt_t *opts, const char **val);
int ctl_next_query(ctl_args_t *a, const ctl_opt_t *opts, ctl_buf_t *path,
    const char **val);
int ctl_unexpected(ctl_args_t *a, int id, const char *val);
int ctl_no_args(ctl_args_t *a);

/* RFC 3339 with an offset, as the API writes times */
int ctl_parse_time(const char *s, int64_t *sec);

/* an option's value: a usage error when it does not parse */
int ctl_duration_arg(ctl_args_t *a, const char *val, int64_t *sec);
int ctl_time_arg(ctl_args_t *a, const char *val, ctl_time_t *t);
int ctl_long_arg(ctl_args_t *a, const char *val, long min, long max,
    long *out);
int ctl_word_arg(ctl_args_t *a, const char *val, const char *const *allowed);
int ctl_list_arg(ctl_args_t *a, const char *val, json_t **list, int split);
const char *ctl_time_value(const ctl_time_t *t, char *buf);


#endif /* CTL_ARGS_H */
