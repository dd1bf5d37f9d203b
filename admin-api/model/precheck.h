/*
 * precheck.h: a custom precheck (model/precheck.c): a named HTTP check of
 * the site, configured in the daemon's file (never through the API, so
 * that a token cannot make the daemon fetch what it likes), its line
 * parsed, whether it applies to a window's apps, and an answer judged.
 * No I/O: outbound/probe.c runs them.
 */

#ifndef ADM_MODEL_PRECHECK_H
#define ADM_MODEL_PRECHECK_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


#define ADM_MAX_PRECHECKS        32
#define ADM_PRECHECK_STATUS_MAX  8      /* codes or ranges */
#define ADM_PRECHECK_BODY_MAX    65536  /* of an answer, searched */
#define ADM_PRECHECK_TIMEOUT_MS  5000
#define ADM_PRECHECK_HEADERS_MAX 4      /* header= options of a check */

typedef struct {
    char                name[65];
    char                url[1024];
    char                method[8];          /* GET, HEAD or POST */
    unsigned short      lo[ADM_PRECHECK_STATUS_MAX];
    unsigned short      hi[ADM_PRECHECK_STATUS_MAX];
    unsigned            nstatus;
    char                status[64];         /* as written, for details */
    char                body[256];          /* "": any body */
    int                 timeout_ms;
    char                apps[512];          /* "a,b" or "*" */
    char                headers[ADM_PRECHECK_HEADERS_MAX][256];
                                            /* "Name: value", never shown */
    unsigned            nheaders;
} adm_precheck_t;

/*
 * "NAME URL [method=M] [status=S] [body=TEXT] [timeout=T] [apps=A,B]
 * [header="Name: value"]...":
 * 0, or -1 with what is wrong in err (naming the check when it can).
 */
int adm_precheck_parse(const char *line, adm_precheck_t *pc, char *err,
    size_t errlen);

/* the check runs for a window on these apps (a JSON array) */
int adm_precheck_applies(const adm_precheck_t *pc, json_t *apps);

/*
 * The result of one run: {"name", "status": "ok"|"fail", "detail",
 * "custom": true, "ms"}.  error: NULL when an answer came (code, body),
 * else what went wrong, the detail as it is; timed_out: the timeout
 * ended it.
 */
json_t *adm_precheck_result(const adm_precheck_t *pc, const char *error,
    int timed_out, long code, const char *body, size_t len, long ms);

/* results as the window keeps them: {"at", "trigger", "ok", "forced",
   "checks"} */
json_t *adm_precheck_record(json_t *results, const char *trigger,
    int forced, int64_t now_ms);

/* a result failed */
int adm_precheck_failed(json_t *results);


#endif /* ADM_MODEL_PRECHECK_H */
