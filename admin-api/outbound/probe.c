/*
 * probe.c: custom prechecks, run.  A run is the checks configured for a
 * window's apps (copied as they are at its start: a reload does not
 * change a run in progress), each one a transfer on the daemon's libcurl
 * multi handle (outbound/multi.c): GET, HEAD or POST of its URL with its
 * extra headers, no redirects, http and https only, at most its timeout,
 * at most 64 KiB of the body kept to look for its text (nothing without
 * one).  Each finished transfer is judged (model/precheck.c); when the
 * last one is, the loop's next turn hands the results to the function the
 * run was started with.  Nothing here waits: a check that hangs costs a
 * socket until its timeout, no request.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "metrics.h"
#include "model/precheck.h"
#include "outbound/multi.h"
#include "outbound/probe.h"


typedef struct adm_run_s  adm_run_t;

typedef struct {
    adm_transfer_t      t;              /* first: multi.c's view of it */
    adm_run_t          *run;
    size_t              index;          /* in the run's results */
    adm_precheck_t      pc;
    char               *body;
    size_t              len;
    struct curl_slist  *headers;        /* its header= options */
    double              started;
    char                errbuf[CURL_ERROR_SIZE];
} adm_check_t;

struct adm_run_s {
    json_t             *results;        /* null until each is judged */
    adm_check_t        *checks[ADM_MAX_PRECHECKS];
    size_t              n, pending;
    adm_probe_done_pt   done;
    void               *data;
    adm_run_t          *next;
};


static adm_run_t  *adm_runs;
static int         adm_probe_stopping;  /* no new transfer from now on */


size_t
adm_probe_active(void)
{
    size_t      n;
    adm_run_t  *run;

    n = 0;

    for (run = adm_runs; run; run = run->next) {
        n++;
    }

    return n;
}


static size_t
adm_check_body(char *p, size_t size, size_t n, void *data)
{
    size_t        len, keep;
    adm_check_t  *c = data;

    len = size * n;

    if (c->pc.body[0] == '\0') {
        return len;             /* no text to look for: nothing kept */
    }

    keep = ADM_PRECHECK_BODY_MAX - c->len;
    keep = len < keep ? len : keep;

    if (keep > 0) {
        if (c->body == NULL) {
            c->body = malloc(ADM_PRECHECK_BODY_MAX);
            if (c->body == NULL) {
                return len;
            }
        }

        memcpy(c->body + c->len, p, keep);
        c->len += keep;
    }

    /* the rest is read and dropped: the text is looked for in the first
       64 KiB only */
    return len;
}


static void
adm_check_free(adm_check_t *c)
{
    if (c == NULL) {
        return;
    }

    if (c->t.h) {
        adm_multi_remove(&c->t);
        curl_easy_cleanup(c->t.h);
    }

    curl_slist_free_all(c->headers);
    free(c->body);
    free(c);
}


/* a check's result, in its run's place; its transfer freed */

static void
adm_check_judged(adm_check_t *c, json_t *result)
{
    adm_run_t  *run = c->run;

    adm_count(strcmp(json_string_value(json_object_get(result, "status")),
                     "ok") == 0 ? ADM_METRIC_PRECHECKS_PASSED
                                : ADM_METRIC_PRECHECKS_FAILED);

    json_array_set_new(run->results, c->index, result);
    run->checks[c->index] = NULL;
    run->pending--;

    adm_check_free(c);
}


static void
adm_check_finished(adm_transfer_t *t, CURLcode res)
{
    long          code, ms;
    char          why[CURL_ERROR_SIZE + 32];
    adm_check_t  *c = (adm_check_t *) t;

    code = 0;
    curl_easy_getinfo(c->t.h, CURLINFO_RESPONSE_CODE, &code);
    ms = (long) ((adm_clock() - c->started) * 1000);

    snprintf(why, sizeof(why), "%s: %s",
             res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST
             ? "cannot connect" : "request failed",
             c->errbuf[0] ? c->errbuf : curl_easy_strerror(res));

    adm_check_judged(c, adm_precheck_result(&c->pc,
                                            res == CURLE_OK ? NULL : why,
                                            res == CURLE_OPERATION_TIMEDOUT,
                                            code, c->body, c->len, ms));
}


static int
adm_check_setup(adm_check_t *c)
{
    CURL               *h;
    unsigned            i;
    struct curl_slist  *l;

    h = curl_easy_init();
    if (h == NULL) {
        return -1;
    }

    c->t.h = h;
    c->t.done = adm_check_finished;
    c->started = adm_clock();

    curl_easy_setopt(h, CURLOPT_URL, c->pc.url);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long) c->pc.timeout_ms);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, adm_check_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "maint-admind/" ADM_VERSION
                     " (precheck)");
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(h, CURLOPT_PROTOCOLS,
                     (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif

    if (adm_conf.precheck_ca_file[0]) {
        curl_easy_setopt(h, CURLOPT_CAINFO, adm_conf.precheck_ca_file);
    }

    for (i = 0; i < c->pc.nheaders; i++) {
        l = curl_slist_append(c->headers, c->pc.headers[i]);
        if (l == NULL) {
            return -1;
        }

        c->headers = l;
    }

    curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers);

    if (strcmp(c->pc.method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);

    } else if (strcmp(c->pc.method, "POST") == 0) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, 0L);
    }

    return adm_multi_add(&c->t);
}


int
adm_probe_applies(json_t *apps)
{
    size_t  i;

    for (i = 0; i < adm_conf.nprechecks; i++) {
        if (adm_precheck_applies(&adm_conf.prechecks[i], apps)) {
            return 1;
        }
    }

    return 0;
}


int
adm_probe_start(json_t *apps, adm_probe_done_pt done, void *data)
{
    size_t        i;
    adm_run_t    *run;
    adm_check_t  *c;

    /*
     * A request on a connection kept alive, in the daemon's last second:
     * no request may be suspended then (MHD cannot stop with one)
     */

    if (adm_probe_stopping) {
        return adm_probe_applies(apps) ? -1 : 0;
    }

    run = NULL;

    for (i = 0; i < adm_conf.nprechecks; i++) {
        if (!adm_precheck_applies(&adm_conf.prechecks[i], apps)) {
            continue;
        }

        if (run == NULL) {
            run = calloc(1, sizeof(adm_run_t));
            if (run == NULL || (run->results = json_array()) == NULL) {
                free(run);
                return -1;
            }

            run->done = done;
            run->data = data;
            run->next = adm_runs;
            adm_runs = run;
        }

        c = calloc(1, sizeof(adm_check_t));
        json_array_append_new(run->results, json_null());
        run->n++;

        if (c == NULL) {
            json_array_set_new(run->results, run->n - 1,
                adm_precheck_result(&adm_conf.prechecks[i], "out of memory",
                                    0, 0, NULL, 0, 0));
            continue;
        }

        c->run = run;
        c->index = run->n - 1;
        c->pc = adm_conf.prechecks[i];
        run->checks[c->index] = c;
        run->pending++;

        if (adm_check_setup(c) != 0) {
            adm_check_judged(c, adm_precheck_result(&c->pc, "outbound "
                             "transfers are not available", 0, 0, NULL, 0,
                             0));
        }
    }

    if (run) {
        adm_log(ADM_LOG_DEBUG, "prechecks started", "{s:i}", "checks",
                (int) run->n);
    }

    return run != NULL;
}


size_t
adm_probe_run(void)
{
    size_t       n;
    adm_run_t  **pp, *run;

    n = 0;
    pp = &adm_runs;

    while (*pp) {
        run = *pp;

        if (run->pending > 0) {
            pp = &run->next;
            continue;
        }

        *pp = run->next;

        /* the callee may start another run: it goes to the list's head */
        run->done(run->data, run->results);
        free(run);
        n++;
    }

    return n;
}


void
adm_probe_stop(void)
{
    size_t      i;
    adm_run_t  *run;

    adm_probe_stopping = 1;

    for (run = adm_runs; run; run = run->next) {
        for (i = 0; i < run->n; i++) {
            if (run->checks[i]) {
                adm_check_judged(run->checks[i], adm_precheck_result(
                    &run->checks[i]->pc, "not finished: the daemon is "
                    "stopping", 0, 0, NULL, 0, 0));
            }
        }
    }

    (void) adm_probe_run();
}
