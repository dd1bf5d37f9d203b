/*
 * maintctl.h: what the parts of maintctl share: the global options, the
 * exit codes, the command table, argument parsing (args.c), the HTTP calls
 * (api.c) and the output helpers (output.c).
 */

#ifndef MAINTCTL_H
#define MAINTCTL_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


#define CTL_VERSION  "0.1.0"

/* the exit codes of docs/maintctl.md */
#define CTL_EXIT_OK           0
#define CTL_EXIT_USAGE        1
#define CTL_EXIT_REFUSED      2
#define CTL_EXIT_CONFLICT     3
#define CTL_EXIT_AUTH         4
#define CTL_EXIT_UNAVAILABLE  5


typedef struct {
    const char  *url;           /* base URL, as given */
    const char  *token;         /* "" or NULL: no Authorization header */
    const char  *cacert;        /* CA file for https://, or NULL: the
                                   system's store */
    long         timeout_ms;
    int          json;
} ctl_conf_t;

extern ctl_conf_t  ctl_conf;


/* args.c */

typedef struct {
    const char  *name;          /* without the leading "--" */
    int          has_arg;
    int          id;            /* > 0 */
    const char  *query;         /* passed through as this query parameter */
} ctl_opt_t;

typedef struct ctl_cmd_s  ctl_cmd_t;

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
const char *ctl_opt_query(const ctl_opt_t *opts, int id);
int ctl_usage_error(ctl_args_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ctl_help(const ctl_cmd_t *cmd);

int ctl_parse_duration(const char *s, int64_t *sec);
int ctl_parse_time(const char *s, int64_t *sec);
int ctl_parse_long(const char *s, long min, long max, long *out);

int ctl_time_arg(ctl_args_t *a, const char *val, ctl_time_t *t);
int ctl_long_arg(ctl_args_t *a, const char *val, long min, long max,
    long *out);
int ctl_word_arg(ctl_args_t *a, const char *val, const char *const *allowed);
int ctl_list_arg(ctl_args_t *a, const char *val, json_t **list, int split);
const char *ctl_time_value(const ctl_time_t *t, char *buf);


/* api.c */

typedef struct {
    long         status;
    char        *body;
    size_t       len;
    char        *etag;
    json_t      *json;          /* the body, when it is JSON */
} ctl_resp_t;

typedef struct {
    char        *data;
    size_t       len;
    size_t       cap;
} ctl_buf_t;

int ctl_request(const char *method, const char *path, const char *if_match,
    json_t *body, ctl_resp_t *r);
int ctl_get_pages(const char *base, int all, json_t *items, ctl_resp_t *r,
    int *pages);
void ctl_resp_free(ctl_resp_t *r);
void ctl_api_done(void);
int ctl_server_now(int64_t *now);
const char *ctl_display_url(void);

void ctl_buf_add(ctl_buf_t *b, const char *s, size_t len);
void ctl_buf_str(ctl_buf_t *b, const char *s);
void ctl_buf_escaped(ctl_buf_t *b, const char *s);
void ctl_buf_query(ctl_buf_t *b, const char *name, const char *value);

void *ctl_alloc(size_t size);
char *ctl_strdup(const char *s);


/* output.c */

typedef struct {
    int          ncols;
    const char  *const *heads;
    char       **cells;
    size_t       nrows;
    size_t       cap;
} ctl_table_t;

void ctl_table_init(ctl_table_t *t, int ncols, const char *const *heads);
void ctl_table_row(ctl_table_t *t, ...);
void ctl_table_print(ctl_table_t *t);

char *ctl_clean(const char *s, int multiline);
char *ctl_truncate(const char *s, size_t max);
const char *ctl_local_time(const char *rfc3339, const char *fmt, char *buf,
    size_t size);
const char *ctl_str(json_t *obj, const char *key);
char *ctl_join(json_t *array, const char *sep);

void ctl_print_field(const char *name, json_t *value);
void ctl_print_object(json_t *obj, const char *const *order);
void ctl_print_window(json_t *w);
void ctl_print_raw(const ctl_resp_t *r);
void ctl_print_json(json_t *doc);
int ctl_print_dry_run(const ctl_resp_t *r);
int ctl_ask(const char *fmt, ...) __attribute__((format(printf, 1, 2)));


/* window.c, shared with lifecycle.c and run.c */

int ctl_window_id_arg(ctl_args_t *a, const char **id, const char *val);
int ctl_window_get(const char *id, ctl_resp_t *r);
char *ctl_window_path(const char *id, const char *action, int dry_run);
int ctl_window_answer(const ctl_resp_t *r, int dry_run);


/* the commands */

extern const ctl_cmd_t  ctl_cmd_window_list;
extern const ctl_cmd_t  ctl_cmd_window_show;
extern const ctl_cmd_t  ctl_cmd_window_create;
extern const ctl_cmd_t  ctl_cmd_window_update;
extern const ctl_cmd_t  ctl_cmd_window_start;
extern const ctl_cmd_t  ctl_cmd_window_complete;
extern const ctl_cmd_t  ctl_cmd_window_cancel;
extern const ctl_cmd_t  ctl_cmd_window_delete;
extern const ctl_cmd_t  ctl_cmd_status;
extern const ctl_cmd_t  ctl_cmd_gateways;
extern const ctl_cmd_t  ctl_cmd_settings_show;
extern const ctl_cmd_t  ctl_cmd_settings_set;
extern const ctl_cmd_t  ctl_cmd_audit;
extern const ctl_cmd_t  ctl_cmd_sessions_list;
extern const ctl_cmd_t  ctl_cmd_sessions_show;
extern const ctl_cmd_t  ctl_cmd_sessions_end;
extern const ctl_cmd_t  ctl_cmd_sessions_end_all;
extern const ctl_cmd_t  ctl_cmd_superadmin_list;
extern const ctl_cmd_t  ctl_cmd_superadmin_add;
extern const ctl_cmd_t  ctl_cmd_superadmin_remove;
extern const ctl_cmd_t  ctl_cmd_superadmin_rotate;
extern const ctl_cmd_t  ctl_cmd_bypass_keys_list;
extern const ctl_cmd_t  ctl_cmd_bypass_keys_rotate;
extern const ctl_cmd_t  ctl_cmd_bypass_keys_remove;
extern const ctl_cmd_t  ctl_cmd_run;


#endif /* MAINTCTL_H */
