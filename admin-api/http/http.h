/*
 * http.h: the HTTP layer of maint-admind, what a resource handler sees:
 * the request, its answers (JSON, problem+json, text) and the route table
 * it is served from.
 *
 *   http.c       the thin layer on libmicrohttpd: the listener, bodies,
 *                routing, authentication, answers, one log line each
 *   routes.def   the route table (also checked against openapi.json)
 *   routes.c     the table built from routes.def: handler per route
 *   query.c      query parameters and headers (query.h)
 *   auth.c       bearer tokens (auth.h)
 *   tls.c        HTTPS credentials (tls.h)
 *   metrics.c    the counters (metrics.h)
 *   service.c    /healthz, /metrics, /openapi.json (service.h)
 *   web.c        the admin page's static files (web.h)
 *
 * One return convention, from the handlers up to libmicrohttpd:
 *
 *   - an answer (adm_reply_*(), adm_problem() and the helpers built on it:
 *     query.h's adm_bad_query(), adm_not_found(), resources/change.h's
 *     adm_redis_down()) returns the HTTP status it queued, or -1 when
 *     none could be made (out of memory); never 0;
 *   - a handler (adm_handler_pt) returns what its answer returned;
 *   - a step that answers only when it refuses (adm_body(), the static
 *     files given to adm_http_start(), the compute step of a write)
 *     returns 0 to go on, or what its answer returned: non-zero, so that
 *     "if ((rc = step(r)) != 0) return rc;" stops at the first refusal;
 *   - query.h's adm_query_uint() only reads: 0, or -1 out of bounds;
 *     the caller answers (adm_bad_query()); adm_query_page() is a step;
 *   - the layer reads r->status and r->response, not the return value (a
 *     request left without an answer gets a 500), and gives libmicrohttpd
 *     only what it expects: MHD_YES, or MHD_NO to drop the connection.
 */

#ifndef ADM_HTTP_H
#define ADM_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <microhttpd.h>

#include "config.h"


#define ADM_MAX_BODY         (64 * 1024)

typedef struct adm_req_s  adm_req_t;
typedef int (*adm_handler_pt)(adm_req_t *r);

typedef struct {
    const char         *method;
    const char         *pattern;
    adm_handler_pt      handler;
    adm_role_e          role;
} adm_route_t;

struct adm_req_s {
    struct MHD_Connection  *conn;
    const char             *method;
    const char             *url;
    const adm_route_t      *route;
    char                    id[65];         /* {id} in the path */

    char                   *body;
    size_t                  body_len;
    unsigned                too_large:1;
    unsigned                answered:1;
    unsigned                suspend:1;      /* adm_suspend() */
    unsigned                suspended:1;    /* by MHD, until adm_resume() */
    json_t                 *resumed;        /* what adm_resume() gave */

    json_t                 *json;           /* the parsed body */
    const adm_token_t      *token;
    char                    request_id[17];
    double                  started;

    unsigned                status;
    struct MHD_Response    *response;
};

/*
 * The server: routes, in the order they are tried, and the static files,
 * tried before them without a token (NULL: none).
 */
struct MHD_Daemon *adm_http_start(const char *listen,
    const adm_route_t *routes, size_t nroutes, adm_handler_pt files,
    char *err, size_t errlen);
unsigned adm_http_active(void);
const adm_route_t *adm_http_route(size_t i);

int adm_reply_json(adm_req_t *r, unsigned status, json_t *body);
int adm_reply_text(adm_req_t *r, unsigned status, const char *type,
    const char *body, size_t len);
int adm_reply_empty(adm_req_t *r, unsigned status);
int adm_problem(adm_req_t *r, unsigned status, const char *type,
    const char *title, const char *detail, json_t *errors, json_t *extra);
void adm_header(adm_req_t *r, const char *name, const char *value);
void adm_etag(adm_req_t *r, int64_t revision);
void adm_cache_control(adm_req_t *r, const char *value);
int adm_not_found(adm_req_t *r);
int adm_body(adm_req_t *r, int optional);

/*
 * A handler that must wait for the loop (custom prechecks) answers
 * nothing and calls adm_suspend(): the connection is suspended, other
 * requests are served.  adm_resume() hands it what it waited for (in
 * r->resumed, the request's to keep) and runs the handler again, from the
 * start: a handler suspends before it writes anything.
 */
void adm_suspend(adm_req_t *r);
void adm_resume(adm_req_t *r, json_t *result);

/* problem types (suffixes of urn:ngx-maint:problem:) */
#define ADM_P_BAD_REQUEST   "bad-request"
#define ADM_P_VALIDATION    "validation"
#define ADM_P_NOT_FOUND     "not-found"
#define ADM_P_CONFLICT      "conflict"
#define ADM_P_PRECONDITION  "precondition-failed"
#define ADM_P_REQUIRED      "precondition-required"


#endif /* ADM_HTTP_H */
