/*
 * args.c: the command-line parser and the values it checks: RFC 3339 times,
 * durations ("1h30m") and numbers.  Malformed values are caught here, before
 * any request, so that a typo is a usage error (exit 1) and never reaches
 * the API as a half-understood request.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maint_core.h"
#include "maint_duration.h"
#include "maint_time.h"
#include "maintctl.h"
#include "args.h"
#include "buf.h"
#include "usage.h"


#ifndef CTL_VERSION
#error "CTL_VERSION: the Makefile defines it from admin-api/config.h"
#endif


#define CTL_G_URL      1
#define CTL_G_TOKEN    2
#define CTL_G_JSON     3
#define CTL_G_TIMEOUT  4
#define CTL_G_CACERT   5

/* global options are accepted anywhere, so every command shares them */
static const ctl_opt_t  ctl_global_opts[] = {
    { "url",     1, CTL_G_URL, NULL },
    { "token",   1, CTL_G_TOKEN, NULL },
    { "json",    0, CTL_G_JSON, NULL },
    { "timeout", 1, CTL_G_TIMEOUT, NULL },
    { "cacert",  1, CTL_G_CACERT, NULL },
    { NULL, 0, 0, NULL }
};

static char  ctl_optname[64];

ctl_conf_t   ctl_conf;


static const ctl_opt_t *
ctl_find_opt(const ctl_opt_t *opts, const char *name, size_t len)
{
    if (opts == NULL) {
        return NULL;
    }

    for ( /* void */ ; opts->name; opts++) {
        if (strlen(opts->name) == len && memcmp(opts->name, name, len) == 0) {
            return opts;
        }
    }

    return NULL;
}


/* values go into JSON strings, which must be UTF-8 */

static int
ctl_utf8(const char *s)
{
    json_t  *j;

    j = json_string(s);

    if (j == NULL) {
        return 0;
    }

    json_decref(j);

    return 1;
}


static int
ctl_global(ctl_args_t *a, int id, const char *val)
{
    char    *end;
    double   sec;

    switch (id) {

    case CTL_G_URL:
        ctl_conf.url = val;
        return 0;

    case CTL_G_TOKEN:
        ctl_conf.token = val;
        return 0;

    case CTL_G_JSON:
        ctl_conf.json = 1;
        return 0;

    case CTL_G_CACERT:
        ctl_conf.cacert = val;
        return 0;

    default: /* CTL_G_TIMEOUT */
        sec = strtod(val, &end);

        if (end == val || *end != '\0' || !(sec > 0 && sec <= 86400)) {
            ctl_usage_error(a, "--timeout: \"%s\" is not a number of "
                            "seconds (more than 0, at most 86400)", val);
            return -1;
        }

        ctl_conf.timeout_ms = (long) (sec * 1000 + 0.5);

        if (ctl_conf.timeout_ms == 0) {
            ctl_conf.timeout_ms = 1;
        }

        return 0;
    }
}


/*
 * Returns the next option's id (its value in *val), a positional word, the
 * end, or "--".  Global options are applied here and skipped; --help prints
 * the current command's help and exits.
 */

int
ctl_next(ctl_args_t *a, const ctl_opt_t *opts, const char **val)
{
    int               global;
    size_t            len;
    const char       *arg, *name, *eq, *v;
    const ctl_opt_t  *o;

    for ( ;; ) {
        *val = NULL;
        a->opt = NULL;

        if (a->i >= a->argc) {
            return CTL_ARG_END;
        }

        arg = a->argv[a->i++];

        if (strcmp(arg, "--") == 0) {
            return CTL_ARG_REST;
        }

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            ctl_help(a->cmd);
            exit(CTL_EXIT_OK);
        }

        /* the Makefile passes ADM_VERSION of admin-api/config.h */
        if (strcmp(arg, "--version") == 0) {
            printf("maintctl %s\n", CTL_VERSION);
            exit(CTL_EXIT_OK);
        }

        if (arg[0] != '-' || arg[1] == '\0') {
            *val = arg;
            return CTL_ARG_WORD;
        }

        if (arg[1] != '-') {
            ctl_usage_error(a, "unknown option %s", arg);
            return CTL_ARG_ERROR;
        }

        name = arg + 2;
        eq = strchr(name, '=');
        len = eq ? (size_t) (eq - name) : strlen(name);

        global = 0;
        o = ctl_find_opt(opts, name, len);

        if (o == NULL) {
            o = ctl_find_opt(ctl_global_opts, name, len);
            global = 1;
        }

        if (o == NULL) {
            ctl_usage_error(a, "unknown option --%.*s", (int) len, name);
            return CTL_ARG_ERROR;
        }

        snprintf(ctl_optname, sizeof(ctl_optname), "--%s", o->name);
        a->opt = ctl_optname;
        v = NULL;

        if (o->has_arg) {
            if (eq) {
                v = eq + 1;

            } else if (a->i < a->argc) {
                v = a->argv[a->i++];

            } else {
                ctl_usage_error(a, "%s needs a value", ctl_optname);
                return CTL_ARG_ERROR;
            }

        } else if (eq) {
            ctl_usage_error(a, "%s takes no value", ctl_optname);
            return CTL_ARG_ERROR;
        }

        if (v != NULL && !ctl_utf8(v)) {
            ctl_usage_error(a, "%s: the value is not valid UTF-8",
                            ctl_optname);
            return CTL_ARG_ERROR;
        }

        if (!global) {
            *val = v;
            return o->id;
        }

        if (ctl_global(a, o->id, v) != 0) {
            return CTL_ARG_ERROR;
        }
    }
}


/*
 * Durations: core/maint_duration.h's grammar ("1h30m", "90s"), without a
 * bare number: minutes and seconds are both plausible readings.  Windows
 * are in whole seconds, so "1500ms" is refused rather than rounded.
 */

static int
ctl_parse_duration(const char *s, int64_t *sec)
{
    int64_t  ms;

    if (maint_parse_duration_ms(s, strlen(s), 0, &ms) != 0
        || ms % 1000 != 0)
    {
        return -1;
    }

    /* a century is far beyond any window the API accepts */
    if (ms <= 0 || ms / 1000 > (int64_t) 100 * 366 * 86400) {
        return -1;
    }

    *sec = ms / 1000;

    return 0;
}


/*
 * What ctl_next() returned that the command does not take: a usage error,
 * reported here unless ctl_next() did.  Returns CTL_EXIT_USAGE.
 */

int
ctl_unexpected(ctl_args_t *a, int id, const char *val)
{
    if (id == CTL_ARG_ERROR) {
        return CTL_EXIT_USAGE;
    }

    return ctl_usage_error(a, "unexpected argument \"%s\"",
                           val ? val : "--");
}


/* a command without arguments: anything given is a usage error */

int
ctl_no_args(ctl_args_t *a)
{
    int          id;
    const char  *val;

    id = ctl_next(a, NULL, &val);

    return id == CTL_ARG_END ? CTL_EXIT_OK : ctl_unexpected(a, id, val);
}


/*
 * ctl_next() for a command whose options are mostly query parameters: an
 * option with a query name is appended to path ("?app=shop") and skipped.
 */

int
ctl_next_query(ctl_args_t *a, const ctl_opt_t *opts, ctl_buf_t *path,
    const char **val)
{
    int               id;
    const ctl_opt_t  *o;

    for ( ;; ) {
        id = ctl_next(a, opts, val);

        for (o = opts; id > 0 && o->name && o->id != id; o++) {
            /* void */
        }

        if (id <= 0 || o->query == NULL) {
            return id;
        }

        ctl_buf_query(path, o->query, *val);
    }
}


/*
 * RFC 3339 date-time, parsed by the same code the daemon uses: an offset
 * is required, since a time without one would silently depend on the
 * machine maintctl runs on; fractions are dropped, as the API drops them.
 */

int
ctl_parse_time(const char *s, int64_t *sec)
{
    return maint_parse_rfc3339(s, strlen(s), sec);
}


static int
ctl_parse_long(const char *s, long min, long max, long *out)
{
    long         v;
    const char  *p;

    p = s;
    v = 0;

    if (*p == '-') {
        p++;
    }

    if (*p == '\0' || strlen(p) > 9) {
        return -1;
    }

    for ( /* void */ ; *p; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }

        v = v * 10 + (*p - '0');
    }

    if (*s == '-') {
        v = -v;
    }

    if (v < min || v > max) {
        return -1;
    }

    *out = v;

    return 0;
}


int
ctl_duration_arg(ctl_args_t *a, const char *val, int64_t *sec)
{
    if (ctl_parse_duration(val, sec) != 0) {
        ctl_usage_error(a, "%s: \"%s\" is not a duration: use 90s, 20m, "
                        "2h, 1d or combinations like 1h30m", a->opt, val);
        return -1;
    }

    return 0;
}


/*
 * "+20m", "+1h30m": from now on this machine's clock, the duration parser
 * of --for.  Unlike "now", which the API reads on its own clock, this is a
 * time sent as such: a clock that is off moves it.
 */

static int
ctl_parse_relative(const char *s, int64_t *sec)
{
    int64_t  d;

    if (s[0] != '+' || ctl_parse_duration(s + 1, &d) != 0) {
        return -1;
    }

    *sec = (int64_t) time(NULL) + d;

    return 0;
}


/*
 * "2026-11-21 22:00" or "2026-11-21 22:00:30" in the local time zone (TZ).
 * A time the zone skips (the hour clocks jump over) is refused, as mktime()
 * would move it; of a time that occurs twice, mktime() picks one.
 */

static int
ctl_parse_local(const char *s, int64_t *sec)
{
    int        n, len;
    time_t     t;
    struct tm  tm, back;

    memset(&tm, 0, sizeof(struct tm));
    len = 0;

    n = sscanf(s, "%4d-%2d-%2d %2d:%2d%n", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &len);

    if (n != 5 || len == 0) {
        return -1;
    }

    if (s[len] == ':') {
        n = 0;

        if (sscanf(s + len, ":%2d%n", &tm.tm_sec, &n) != 1 || n != 3) {
            return -1;
        }

        len += n;
    }

    /* exactly the form: no sign, no spaces, nothing after it */
    if (s[len] != '\0' || strlen(s) != (size_t) len || s[4] != '-'
        || strspn(s, "0123456789-: ") != (size_t) len)
    {
        return -1;
    }

    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    back = tm;

    t = mktime(&tm);

    if (t == (time_t) -1 || tm.tm_year != back.tm_year
        || tm.tm_mon != back.tm_mon || tm.tm_mday != back.tm_mday
        || tm.tm_hour != back.tm_hour || tm.tm_min != back.tm_min
        || tm.tm_sec != back.tm_sec)
    {
        return -1;
    }

    *sec = (int64_t) t;

    return 0;
}


int
ctl_time_arg(ctl_args_t *a, const char *val, ctl_time_t *t)
{
    t->given = 1;
    t->now = 0;
    t->sec = 0;

    if (strcmp(val, "now") == 0) {
        t->now = 1;
        return 0;
    }

    if (ctl_parse_time(val, &t->sec) != 0
        && ctl_parse_relative(val, &t->sec) != 0
        && ctl_parse_local(val, &t->sec) != 0)
    {
        ctl_usage_error(a, "%s: \"%s\" is not a time: use RFC 3339 with an "
                        "offset (2026-11-21T22:00:00Z, "
                        "2026-11-21T23:00:00+01:00), \"2026-11-21 22:00\" "
                        "in the local time zone, now, or +DURATION from "
                        "now (+2m, +1h30m)", a->opt, val);
        return -1;
    }

    return 0;
}


int
ctl_long_arg(ctl_args_t *a, const char *val, long min, long max, long *out)
{
    if (ctl_parse_long(val, min, max, out) != 0) {
        ctl_usage_error(a, "%s: \"%s\" is not a number from %ld to %ld",
                        a->opt, val, min, max);
        return -1;
    }

    return 0;
}


/* one of a fixed set of words; returns its index */

int
ctl_word_arg(ctl_args_t *a, const char *val, const char *const *allowed)
{
    int        i;
    ctl_buf_t  b;

    for (i = 0; allowed[i]; i++) {
        if (strcmp(val, allowed[i]) == 0) {
            return i;
        }
    }

    b.data = NULL;
    b.len = 0;
    b.cap = 0;

    for (i = 0; allowed[i]; i++) {
        ctl_buf_str(&b, i ? ", " : "");
        ctl_buf_str(&b, allowed[i]);
    }

    ctl_usage_error(a, "%s: \"%s\" is not one of %s", a->opt, val, b.data);
    free(b.data);

    return -1;
}


/*
 * Appends a repeated option's value to a JSON array.  With split, the value
 * may list several, comma-separated (app names cannot contain commas).  An
 * empty value without split gives the option an empty list, which is how
 * "update --allow-path ''" clears the allowed paths.
 */

int
ctl_list_arg(ctl_args_t *a, const char *val, json_t **list, int split)
{
    size_t       len;
    const char  *p, *comma;

    if (*list == NULL) {
        *list = json_array();
    }

    if (!split) {
        if (*val) {
            json_array_append_new(*list, json_string(val));
        }

        return 0;
    }

    for (p = val; ; p = comma + 1) {
        comma = strchr(p, ',');
        len = comma ? (size_t) (comma - p) : strlen(p);

        if (len == 0) {
            ctl_usage_error(a, "%s: empty name in \"%s\"", a->opt, val);
            return -1;
        }

        json_array_append_new(*list, json_stringn(p, len));

        if (comma == NULL) {
            return 0;
        }
    }
}


/* the value sent for a time: "now" or UTC RFC 3339 */

const char *
ctl_time_value(const ctl_time_t *t, char *buf)
{
    if (t->now) {
        return "now";
    }

    maint_format_rfc3339(buf, t->sec);

    return buf;
}
