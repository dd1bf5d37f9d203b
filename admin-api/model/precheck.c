/*
 * precheck.c: custom prechecks, the pure part: a configuration line
 * parsed into a check, whether a check is for a window's apps, and what
 * an answer (or its absence) means.  outbound/probe.c sends the requests.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_duration.h"
#include "maint_names.h"
#include "model/precheck.h"
#include "model/text.h"
#include "model/times.h"


/* the next word of a line, or key="quoted value"; NULL at its end */

static const char *
adm_word(const char **pp, char *out, size_t size, int *bad)
{
    size_t       n;
    const char  *p, *q, *eq;

    for (p = *pp; *p == ' ' || *p == '\t'; p++) { /* void */ }

    if (*p == '\0') {
        return NULL;
    }

    q = p + strcspn(p, " \t");
    eq = memchr(p, '=', (size_t) (q - p));

    /* a quoted value may hold spaces; it ends at the next quote */
    if (eq && eq[1] == '"') {
        q = strchr(eq + 2, '"');

        if (q == NULL || (q[1] != '\0' && q[1] != ' ' && q[1] != '\t')) {
            *bad = 1;
            return NULL;
        }

        n = (size_t) (eq + 1 - p);

        if (n + (size_t) (q - eq - 2) >= size) {
            *bad = 1;
            return NULL;
        }

        memcpy(out, p, n);
        memcpy(out + n, eq + 2, (size_t) (q - eq - 2));
        out[n + (size_t) (q - eq - 2)] = '\0';
        *pp = q + 1;

        return out;
    }

    n = (size_t) (q - p);

    if (n >= size) {
        *bad = 1;
        return NULL;
    }

    memcpy(out, p, n);
    out[n] = '\0';
    *pp = q;

    return out;
}


/* http:// or https://, a host, printable ASCII a URL may carry as it is */

static int
adm_url_ok(const char *v)
{
    const char  *host;

    if (strncmp(v, "http://", 7) == 0) {
        host = v + 7;

    } else if (strncmp(v, "https://", 8) == 0) {
        host = v + 8;

    } else {
        return 0;
    }

    if (*host == '\0' || strchr("/?#@:", *host) != NULL) {
        return 0;
    }

    return adm_text_visible(v, ADM_URL_EXCEPT);
}


/* "200", "200,204", "200-299": codes from 100 to 599 */

static int
adm_status_parse(const char *v, adm_precheck_t *pc)
{
    char        *end;
    long         lo, hi;
    const char  *p;

    pc->nstatus = 0;

    for (p = v; ; p = end + 1) {
        /* digits only: strtol() would take spaces and signs too */
        if (*p < '0' || *p > '9') {
            return -1;
        }

        lo = strtol(p, &end, 10);
        hi = lo;

        if (*end == '-') {
            p = end + 1;

            if (*p < '0' || *p > '9') {
                return -1;
            }

            hi = strtol(p, &end, 10);
        }

        if (lo < 100 || hi > 599 || lo > hi
            || pc->nstatus == ADM_PRECHECK_STATUS_MAX)
        {
            return -1;
        }

        pc->lo[pc->nstatus] = (unsigned short) lo;
        pc->hi[pc->nstatus] = (unsigned short) hi;
        pc->nstatus++;

        if (*end == '\0') {
            break;
        }

        if (*end != ',') {
            return -1;
        }
    }

    return snprintf(pc->status, sizeof(pc->status), "%s", v)
           < (int) sizeof(pc->status) ? 0 : -1;
}


static int
adm_apps_parse(const char *v, adm_precheck_t *pc)
{
    size_t       n;
    const char  *p;

    if (strcmp(v, "*") != 0) {
        for (p = v; ; p += n + 1) {
            n = strcspn(p, ",");

            if (!maint_valid_name(p, n)) {
                return -1;
            }

            if (p[n] == '\0') {
                break;
            }
        }
    }

    return snprintf(pc->apps, sizeof(pc->apps), "%s", v)
           < (int) sizeof(pc->apps) ? 0 : -1;
}


/*
 * header="Name: value": a token for a name, not one the request's framing
 * or libcurl sets (model/text.c), a value of printable ASCII.  The value
 * may be a secret (an API key): it is never put in a message.
 */

static int
adm_header_parse(const char *v, adm_precheck_t *pc)
{
    size_t       n;
    const char  *value;

    n = strcspn(v, ":");

    if (v[n] != ':' || pc->nheaders == ADM_PRECHECK_HEADERS_MAX
        || !maint_valid_ident(v, n, ADM_HEADER_NAME_MAX, ADM_TOKEN_EXTRA)
        || adm_header_reserved(v, n))
    {
        return -1;
    }

    for (value = v + n + 1; *value == ' '; value++) { /* void */ }

    if (*value == '\0' || !adm_text_printable(value)
        || strlen(v) >= sizeof(pc->headers[0]))
    {
        return -1;
    }

    snprintf(pc->headers[pc->nheaders++], sizeof(pc->headers[0]), "%s", v);

    return 0;
}


/* one key=value after the URL */

static int
adm_option(adm_precheck_t *pc, const char *w, char *err, size_t errlen)
{
    int64_t      ms;
    const char  *v;

    v = strchr(w, '=');

    if (v == NULL) {
        snprintf(err, errlen, "precheck \"%s\": \"%.64s\" is not key=value",
                 pc->name, w);
        return -1;
    }

    v++;

    if (strncmp(w, "method=", 7) == 0) {
        if (strcmp(v, "GET") != 0 && strcmp(v, "HEAD") != 0
            && strcmp(v, "POST") != 0)
        {
            snprintf(err, errlen, "precheck \"%s\": method must be GET, "
                     "HEAD or POST", pc->name);
            return -1;
        }

        snprintf(pc->method, sizeof(pc->method), "%s", v);

    } else if (strncmp(w, "status=", 7) == 0) {
        if (adm_status_parse(v, pc) != 0) {
            snprintf(err, errlen, "precheck \"%s\": status must be codes "
                     "from 100 to 599 or ranges, separated by commas "
                     "(200,204 or 200-299)", pc->name);
            return -1;
        }

    } else if (strncmp(w, "body=", 5) == 0) {
        if (*v == '\0' || strlen(v) >= sizeof(pc->body)
            || !adm_text_printable(v))
        {
            snprintf(err, errlen, "precheck \"%s\": body must be 1 to %zu "
                     "printable ASCII characters", pc->name,
                     sizeof(pc->body) - 1);
            return -1;
        }

        snprintf(pc->body, sizeof(pc->body), "%s", v);

    } else if (strncmp(w, "timeout=", 8) == 0) {
        if (maint_parse_duration_ms(v, strlen(v), 0, &ms) != 0
            || ms < 100 || ms > 60000)
        {
            snprintf(err, errlen, "precheck \"%s\": timeout must be a time "
                     "between 100ms and 60s", pc->name);
            return -1;
        }

        pc->timeout_ms = (int) ms;

    } else if (strncmp(w, "header=", 7) == 0) {
        if (adm_header_parse(v, pc) != 0) {
            snprintf(err, errlen, "precheck \"%s\": header must be \"Name: "
                     "value\" (an HTTP token, printable ASCII, at most %zu "
                     "characters), at most %d of them, not one the request "
                     "sets (Host, Content-Type, Content-Length, "
                     "Transfer-Encoding, Connection, User-Agent, Expect, TE, "
                     "Upgrade)", pc->name, sizeof(pc->headers[0]) - 1,
                     ADM_PRECHECK_HEADERS_MAX);
            return -1;
        }

    } else if (strncmp(w, "apps=", 5) == 0) {
        if (adm_apps_parse(v, pc) != 0) {
            snprintf(err, errlen, "precheck \"%s\": apps must be \"*\" or "
                     "app names separated by commas", pc->name);
            return -1;
        }

    } else {
        snprintf(err, errlen, "precheck \"%s\": unknown option \"%.*s\" "
                 "(method, status, body, timeout, apps, header)", pc->name,
                 (int) (v - w - 1), w);
        return -1;
    }

    return 0;
}


int
adm_precheck_parse(const char *line, adm_precheck_t *pc, char *err,
    size_t errlen)
{
    int          bad;
    char         w[1100];
    const char  *p;

    memset(pc, 0, sizeof(adm_precheck_t));
    snprintf(pc->method, sizeof(pc->method), "GET");
    snprintf(pc->status, sizeof(pc->status), "200-299");
    pc->lo[0] = 200;
    pc->hi[0] = 299;
    pc->nstatus = 1;
    pc->timeout_ms = ADM_PRECHECK_TIMEOUT_MS;
    snprintf(pc->apps, sizeof(pc->apps), "*");

    p = line;
    bad = 0;

    if (adm_word(&p, w, sizeof(w), &bad) == NULL
        || !maint_valid_name(w, strlen(w)))
    {
        snprintf(err, errlen, "\"precheck\" needs NAME URL [options]; NAME is "
                 "1 to 64 of A-Z a-z 0-9 . _ -");
        return -1;
    }

    snprintf(pc->name, sizeof(pc->name), "%s", w);

    if (adm_word(&p, w, sizeof(w), &bad) == NULL || !adm_url_ok(w)
        || strlen(w) >= sizeof(pc->url))
    {
        snprintf(err, errlen, "precheck \"%s\": the URL must be http:// or "
                 "https://, a host, printable ASCII (at most %zu)", pc->name,
                 sizeof(pc->url) - 1);
        return -1;
    }

    snprintf(pc->url, sizeof(pc->url), "%s", w);

    while (adm_word(&p, w, sizeof(w), &bad) != NULL) {
        if (adm_option(pc, w, err, errlen) != 0) {
            return -1;
        }
    }

    if (bad) {
        snprintf(err, errlen, "precheck \"%s\": an option is too long or "
                 "its quote is not closed", pc->name);
        return -1;
    }

    /* the answer to a HEAD has no body: the check could never pass */
    if (pc->body[0] && strcmp(pc->method, "HEAD") == 0) {
        snprintf(err, errlen, "precheck \"%s\": body= cannot be looked for "
                 "with method=HEAD (its answer has no body)", pc->name);
        return -1;
    }

    return 0;
}


int
adm_precheck_applies(const adm_precheck_t *pc, json_t *apps)
{
    size_t       i, n;
    json_t      *a;
    const char  *p, *name;

    if (strcmp(pc->apps, "*") == 0) {
        return json_array_size(apps) > 0;
    }

    json_array_foreach(apps, i, a) {
        name = json_string_value(a);

        if (name == NULL) {
            continue;
        }

        if (strcmp(name, "*") == 0) {
            return 1;
        }

        for (p = pc->apps; ; p += n + 1) {
            n = strcspn(p, ",");

            if (n == strlen(name) && strncmp(p, name, n) == 0) {
                return 1;
            }

            if (p[n] == '\0') {
                break;
            }
        }
    }

    return 0;
}


json_t *
adm_precheck_result(const adm_precheck_t *pc, const char *error,
    int timed_out, long code, const char *body, size_t len, long ms)
{
    int       ok;
    char      detail[512];
    unsigned  i;

    ok = 0;

    if (timed_out) {
        snprintf(detail, sizeof(detail), "no answer within %d ms",
                 pc->timeout_ms);

    } else if (error) {
        adm_text_clean(detail, sizeof(detail), error, strlen(error));

    } else {
        for (i = 0; i < pc->nstatus; i++) {
            ok |= code >= pc->lo[i] && code <= pc->hi[i];
        }

        if (!ok) {
            snprintf(detail, sizeof(detail), "HTTP %ld, expected %s", code,
                     pc->status);

        } else if (pc->body[0]
                   && (body == NULL
                       || memmem(body, len, pc->body, strlen(pc->body))
                          == NULL))
        {
            ok = 0;
            snprintf(detail, sizeof(detail), "HTTP %ld but the body lacks "
                     "\"%s\"", code, pc->body);

        } else {
            snprintf(detail, sizeof(detail), "HTTP %ld in %ld ms", code, ms);
        }
    }

    return json_pack("{s:s, s:s, s:s, s:b, s:I}", "name", pc->name,
                     "status", ok ? "ok" : "fail", "detail", detail,
                     "custom", 1, "ms", (json_int_t) ms);
}


int
adm_precheck_failed(json_t *results)
{
    size_t   i;
    json_t  *c;

    json_array_foreach(results, i, c) {
        if (strcmp(json_string_value(json_object_get(c, "status")) ?
                   json_string_value(json_object_get(c, "status")) : "",
                   "fail") == 0)
        {
            return 1;
        }
    }

    return 0;
}


json_t *
adm_precheck_record(json_t *results, const char *trigger, int forced,
    int64_t now_ms)
{
    return json_pack("{s:o, s:s, s:b, s:b, s:O}",
                     "at", adm_time_ms_json(now_ms), "trigger", trigger,
                     "ok", !adm_precheck_failed(results),
                     "forced", forced, "checks", results);
}
