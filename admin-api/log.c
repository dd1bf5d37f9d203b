/*
 * log.c: structured logs, one JSON object per line on standard error:
 * {"ts":"...","level":"info","msg":"...", ...fields}.  Callers never pass
 * secrets; the HTTP layer logs the token's name, not the token.  The level
 * is the log's own, set by main.c from log_level at the start and at each
 * reload: the logs depend on nothing but jansson.
 */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <jansson.h>

#include "log.h"


static const char  *adm_levels[] = { "debug", "info", "warn", "error" };

/* below this, nothing is logged */
static int          adm_log_min = ADM_LOG_INFO;


/* wall-clock seconds, for durations in logs and deadlines */

double
adm_clock(void)
{
    struct timeval  tv;

    gettimeofday(&tv, NULL);

    return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}


int
adm_log_level(const char *name)
{
    int  i;

    for (i = 0; i < 4; i++) {
        if (strcmp(name, adm_levels[i]) == 0) {
            return i;
        }
    }

    return -1;
}


/* as log_level names it; any other level is "error" */

const char *
adm_log_level_name(int level)
{
    return (level >= ADM_LOG_DEBUG && level < ADM_LOG_ERROR)
           ? adm_levels[level] : "error";
}


void
adm_log_set_level(int level)
{
    adm_log_min = level;
}


void
adm_log(int level, const char *msg, const char *fields, ...)
{
    char            ts[64], *line;
    va_list         ap;
    json_t         *o;
    json_error_t    jerr;
    struct tm       tm;
    struct timeval  tv;

    if (level < adm_log_min) {
        return;
    }

    o = NULL;

    if (fields) {
        va_start(ap, fields);
        o = json_vpack_ex(&jerr, 0, fields, ap);
        va_end(ap);
    }

    if (o == NULL) {
        o = json_object();
    }

    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
             tm.tm_min, tm.tm_sec, (int) (tv.tv_usec / 1000));

    json_object_set_new(o, "ts", json_string(ts));
    json_object_set_new(o, "level", json_string(adm_levels[level]));
    json_object_set_new(o, "msg", json_string(msg));

    line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (line) {
        fprintf(stderr, "%s\n", line);
        free(line);
    }

    json_decref(o);
}
