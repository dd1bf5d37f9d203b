/*
 * http.c: the thin HTTP layer.  libmicrohttpd runs in the main loop's
 * thread (no internal threads), so handlers run one at a time.  For each
 * request: collect the body (at most 64 KiB), find the route, check the
 * bearer token and the role, call the handler, queue its answer, log one
 * line.  A handler that waits for the loop (custom prechecks) suspends
 * the connection instead, and is called again, from the route on, when
 * it is resumed.  Handlers answer with adm_reply_*() or adm_problem() (the return
 * convention: http.h).  The routes and the static files are handed in by
 * main.c: the layer names no handler.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <openssl/rand.h>

#include "maint_codec.h"
#include "maint_core.h"
#include "maint_names.h"
#include "admin.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "http/auth.h"
#include "http/http.h"
#include "http/tls.h"
#include "model/bodies.h"


/* what adm_http_start() was given */
static const adm_route_t  *adm_routes_served;
static size_t              adm_nroutes_served;
static adm_handler_pt      adm_files;

/* requests between their first byte and their completion */
static unsigned  adm_active;

/* the listener serves HTTPS (tls_cert; fixed until a restart) */
static int       adm_https;


unsigned
adm_http_active(void)
{
    return adm_active;
}


/* the route at index i of the table served, or NULL (for /metrics) */

const adm_route_t *
adm_http_route(size_t i)
{
    return i < adm_nroutes_served ? &adm_routes_served[i] : NULL;
}


/* "/v1/windows/{id}/start" against a path; fills r->id */

static int
adm_match(const char *pattern, const char *path, char *id, size_t idlen)
{
    const char  *p, *q, *seg;
    size_t       len;

    p = pattern;
    q = path;

    while (*p && *q) {
        if (strncmp(p, "{id}", 4) == 0) {
            seg = q;
            while (*q && *q != '/') {
                q++;
            }

            len = (size_t) (q - seg);
            if (len == 0 || len >= idlen) {
                return 0;
            }

            memcpy(id, seg, len);
            id[len] = '\0';
            p += 4;
            continue;
        }

        if (*p != *q) {
            return 0;
        }

        p++;
        q++;
    }

    return *p == '\0' && *q == '\0';
}


static int
adm_reply_raw(adm_req_t *r, unsigned status, const char *type,
    const char *body, size_t len)
{
    if (r->response) {
        MHD_destroy_response(r->response);
    }

    r->response = MHD_create_response_from_buffer(len, (void *) body,
                                                   MHD_RESPMEM_MUST_COPY);
    if (r->response == NULL) {
        return -1;
    }

    r->status = status;

    if (type) {
        MHD_add_response_header(r->response, "Content-Type", type);
    }

    MHD_add_response_header(r->response, "Cache-Control", "no-store");
    MHD_add_response_header(r->response, "X-Request-Id", r->request_id);

    /*
     * Over HTTPS, browsers are told to use nothing else for this host for
     * a year: a later http:// link or typo cannot send the page's token
     * in clear.  Not includeSubDomains: other hosts are not ours to decide.
     */
    if (adm_https) {
        MHD_add_response_header(r->response, "Strict-Transport-Security",
                                "max-age=31536000");
    }

    return (int) status;
}


int
adm_reply_text(adm_req_t *r, unsigned status, const char *type,
    const char *body, size_t len)
{
    return adm_reply_raw(r, status, type, body, len);
}


int
adm_reply_empty(adm_req_t *r, unsigned status)
{
    return adm_reply_raw(r, status, NULL, "", 0);
}


/* takes the reference to body */

int
adm_reply_json(adm_req_t *r, unsigned status, json_t *body)
{
    int    rc;
    char  *s;

    s = json_dumps(body, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(body);

    if (s == NULL) {
        return adm_reply_raw(r, 500, "text/plain", "out of memory\n", 14);
    }

    rc = adm_reply_raw(r, status, "application/json", s, strlen(s));
    free(s);

    return rc;
}


/* RFC 9457; takes the references to errors and extra */

int
adm_problem(adm_req_t *r, unsigned status, const char *type,
    const char *title, const char *detail, json_t *errors, json_t *extra)
{
    int      rc;
    char     urn[96], *s, d[1024];
    json_t  *p, *e;

    snprintf(urn, sizeof(urn), "urn:ngx-maint:problem:%s", type);

    /* the detail says what the first field error says, if not given */
    if (detail == NULL && errors && json_array_size(errors)) {
        e = json_array_get(errors, 0);
        snprintf(d, sizeof(d), "%s: %s",
                 json_string_value(json_object_get(e, "field")),
                 json_string_value(json_object_get(e, "reason")));

    } else {
        snprintf(d, sizeof(d), "%s", detail ? detail : title);
    }

    /* a long field name may have been cut inside a character */
    adm_utf8_trim(d);

    p = json_pack("{s:s, s:s, s:i, s:s}", "type", urn, "title", title,
                  "status", (int) status, "detail", d);

    if (errors) {
        json_object_set_new(p, "errors", errors);
    }

    if (extra) {
        json_object_update(p, extra);
        json_decref(extra);
    }

    s = json_dumps(p, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(p);

    if (s == NULL) {
        return adm_reply_raw(r, 500, "text/plain", "out of memory\n", 14);
    }

    rc = adm_reply_raw(r, status, "application/problem+json", s, strlen(s));
    free(s);

    return rc;
}


void
adm_header(adm_req_t *r, const char *name, const char *value)
{
    if (r->response) {
        MHD_add_response_header(r->response, name, value);
    }
}


/* Cache-Control other than every answer's no-store */

void
adm_cache_control(adm_req_t *r, const char *value)
{
    if (r->response) {
        (void) MHD_del_response_header(r->response, "Cache-Control",
                                       "no-store");
        MHD_add_response_header(r->response, "Cache-Control", value);
    }
}


void
adm_etag(adm_req_t *r, int64_t revision)
{
    char  etag[32];

    snprintf(etag, sizeof(etag), "\"%lld\"", (long long) revision);
    adm_header(r, "ETag", etag);
}


/* application/json or application/<anything>+json, parameters allowed */

static int
adm_json_type(const char *ct)
{
    size_t  n;

    n = strcspn(ct, "; \t");

    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0) {
        return 1;
    }

    return n > 17 && strncasecmp(ct, "application/", 12) == 0
           && strncasecmp(ct + n - 5, "+json", 5) == 0;
}


/*
 * The request body as a JSON object: 415 unless it says JSON, 400 unless it
 * is one well-formed object without duplicate keys.  With "optional", an
 * empty body is fine (r->json stays NULL).  0, or the answer queued.
 */

int
adm_body(adm_req_t *r, int optional)
{
    char          detail[256], field[128];
    const char   *ct;
    json_error_t  err;

    if (r->body_len == 0) {
        if (optional) {
            return 0;
        }

        return adm_problem(r, 400, ADM_P_BAD_REQUEST, "Body required",
                           "this request needs a JSON object body", NULL,
                           NULL);
    }

    ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                     "Content-Type");

    if (ct == NULL || !adm_json_type(ct)) {
        return adm_problem(r, 415, "unsupported-media-type",
                           "Unsupported media type",
                           "the body must be application/json", NULL, NULL);
    }

    r->json = json_loadb(r->body, r->body_len,
                         JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);

    if (r->json == NULL) {
        snprintf(detail, sizeof(detail), "invalid JSON at line %d, column "
                 "%d: %s", err.line, err.column, err.text);
        return adm_problem(r, 400, ADM_P_BAD_REQUEST, "Invalid JSON", detail,
                           NULL, NULL);
    }

    if (!json_is_object(r->json)) {
        return adm_problem(r, 400, ADM_P_BAD_REQUEST, "Invalid JSON",
                           "the body must be a JSON object", NULL, NULL);
    }

    /*
     * "\u0000" is valid JSON but no field may hold it; refusing it here,
     * by name, means no handler ever compares a string that has one.
     */

    if (adm_json_nul(r->json, field, sizeof(field))) {
        return adm_problem(r, 422, ADM_P_VALIDATION, "Invalid field", NULL,
                           json_pack("[{s:s, s:s}]", "field", field,
                                     "reason", "must not contain NUL "
                                     "characters"), NULL);
    }

    return 0;
}


/* 404 for the resource the route names: "no such window", ... */

int
adm_not_found(adm_req_t *r)
{
    size_t  i;

    static const struct {
        const char  *prefix;
        const char  *detail;
    } nouns[] = {
        { "/v1/windows/", "no such window" },
        { "/v1/sessions/", "no such session" },
        { "/v1/superadmins/", "no such superadmin" },
        { "/v1/bypass-keys/", "no such bypass key" },
        { "/v1/notify/targets/", "no such notification target" },
        { "/v1/notify/deliveries/", "no such delivery" }
    };

    for (i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++) {
        if (r->route
            && strncmp(r->route->pattern, nouns[i].prefix,
                       strlen(nouns[i].prefix)) == 0)
        {
            return adm_problem(r, 404, ADM_P_NOT_FOUND, "Not found",
                               nouns[i].detail, NULL, NULL);
        }
    }

    /* a route the nouns above forgot: still about the resource */
    return adm_problem(r, 404, ADM_P_NOT_FOUND, "Not found",
                       "no such resource", NULL, NULL);
}


/*
 * The route's token check (auth.c: adm_authorize()): 0 to go on, or the
 * 401 or 403 queued.  The "token" query argument, which only the feed
 * reads, is never logged: the request's log line names the path alone.
 */

static int
adm_check_token(adm_req_t *r)
{
    const char  *auth, *token, *detail;
    adm_auth_e   rc;

    auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
                                       "Authorization");
    token = MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND,
                                        "token");
    rc = adm_authorize(r->route->role, auth, token, &r->token);

    switch (rc) {

    case ADM_AUTH_OK:
        return 0;

    case ADM_AUTH_MISSING:
    case ADM_AUTH_INVALID:
        detail = rc == ADM_AUTH_INVALID
                 ? (auth ? "the bearer token is not valid"
                         : "the token is not valid")
                 : r->route->role == ADM_ROLE_FEED
                 ? "a bearer token, or a feed token as ?token=, is required"
                 : "a bearer token is required";
        adm_problem(r, 401, "unauthorized", "Unauthorized", detail, NULL,
                    NULL);
        adm_header(r, "WWW-Authenticate", "Bearer realm=\"maint\"");
        return 401;

    case ADM_AUTH_READ_ONLY:
        detail = "this token may only read";
        break;

    case ADM_AUTH_FEED_ONLY:
        detail = "this token may only read the calendar feed";
        break;

    default:
        detail = "only a feed token may be given in the URL: send this one "
                 "as a bearer token (and replace it: it has been in a URL)";
        break;
    }

    return adm_problem(r, 403, "forbidden", "Forbidden", detail, NULL, NULL);
}


/*
 * Finds the answer, in r->response and r->status: what the handlers
 * return is not read (http.h); a request left without one gets a 500.
 */

static void
adm_dispatch(adm_req_t *r)
{
    char                allow[128];
    size_t              i;
    const adm_route_t  *rt;

    /* the admin page's files: no token, they hold no data (web.c) */
    if (adm_files && adm_files(r) != 0) {
        return;
    }

    allow[0] = '\0';

    for (i = 0; i < adm_nroutes_served; i++) {
        rt = &adm_routes_served[i];

        if (!adm_match(rt->pattern, r->url, r->id, sizeof(r->id))) {
            continue;
        }

        if (strcmp(rt->method, r->method) == 0) {
            r->route = rt;
            break;
        }

        if (strlen(allow) + strlen(rt->method) + 3 < sizeof(allow)) {
            if (allow[0]) {
                strcat(allow, ", ");
            }

            strcat(allow, rt->method);
        }
    }

    if (r->route == NULL) {
        if (allow[0]) {
            adm_problem(r, 405, "method-not-allowed", "Method not allowed",
                        NULL, NULL, json_pack("{s:s}", "allow", allow));
            adm_header(r, "Allow", allow);
            return;
        }

        (void) adm_problem(r, 404, ADM_P_NOT_FOUND, "Not found",
                           "no such route", NULL, NULL);
        return;
    }

    rt = r->route;

    if (adm_check_token(r) != 0) {
        return;
    }

    if (r->too_large) {
        (void) adm_problem(r, 413, "payload-too-large", "Payload too large",
                           "the body must be at most 64 KiB", NULL, NULL);
        return;
    }

    /* ids go into key names, the audit and the logs: only real ones */
    if (r->id[0] && !maint_valid_name(r->id, strlen(r->id))) {
        (void) adm_not_found(r);
        return;
    }

    (void) rt->handler(r);
}


/*
 * Whether the client closed its side of a resumed connection:
 * libmicrohttpd 1.0.10 (Debian unstable) calls the handler again as it
 * resumes one although the end of the stream is there to read; 0.9.75
 * and 1.0.1 (Debian 12, 13) read it first and end the request.  A
 * client that shuts down its sending side after the request counts as
 * gone; no client of this API does.
 */

static int
adm_peer_gone(struct MHD_Connection *conn)
{
    struct pollfd                    pfd;
    const union MHD_ConnectionInfo  *ci;

    ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (ci == NULL) {
        return 0;
    }

    pfd.fd = ci->connect_fd;
    pfd.events = POLLRDHUP;
    pfd.revents = 0;

    return poll(&pfd, 1, 0) == 1
           && (pfd.revents & (POLLRDHUP|POLLHUP|POLLERR)) != 0;
}


/* a request's record, made at its first call */

static adm_req_t *
adm_req_new(struct MHD_Connection *conn, const char *url, const char *method)
{
    const char           *cl;
    adm_req_t            *r;
    unsigned char         rid[8];
    static const char     hex[] = "0123456789abcdef";

    r = calloc(1, sizeof(adm_req_t));
    if (r == NULL) {
        return NULL;
    }

    adm_active++;

    r->conn = conn;
    r->method = method;
    r->url = url;
    r->started = adm_clock();

    if (RAND_bytes(rid, sizeof(rid)) == 1) {
        for (size_t i = 0; i < sizeof(rid); i++) {
            r->request_id[2 * i] = hex[rid[i] >> 4];
            r->request_id[2 * i + 1] = hex[rid[i] & 15];
        }
    }

    cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoull(cl, NULL, 10) > ADM_MAX_BODY) {
        r->too_large = 1;
    }

    return r;
}


static enum MHD_Result
adm_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
    char                 *p;
    adm_req_t            *r;
    enum MHD_Result       ret;

    r = *con_cls;

    if (r == NULL) {
        r = adm_req_new(conn, url, method);
        if (r == NULL) {
            return MHD_NO;
        }

        *con_cls = r;

        /*
         * A body announced over the limit is answered now (after the
         * token is checked), not after it has been read: a client could
         * otherwise hold the connection for as long as it takes to send
         * a terabyte.  MHD closes the connection after the answer.
         */
        if (!r->too_large) {
            return MHD_YES;
        }
    }

    if (*upload_data_size) {
        if (!r->too_large) {
            if (r->body_len + *upload_data_size > ADM_MAX_BODY) {
                r->too_large = 1;

            } else {
                p = realloc(r->body, r->body_len + *upload_data_size + 1);
                if (p == NULL) {
                    return MHD_NO;
                }

                r->body = p;
                memcpy(r->body + r->body_len, upload_data, *upload_data_size);
                r->body_len += *upload_data_size;
                r->body[r->body_len] = '\0';
            }
        }

        *upload_data_size = 0;

        return MHD_YES;
    }

    if (r->answered) {
        return MHD_YES;
    }

    /* resumed, its client gone: nothing done (adm_completed() says so) */

    if (r->resumed && adm_peer_gone(conn)) {
        return MHD_NO;
    }

    r->answered = 1;

    adm_dispatch(r);

    while (r->suspend && r->response == NULL) {
        r->suspend = 0;

        /* run again from the start (adm_resume()): the body parsed again */
        json_decref(r->json);
        r->json = NULL;
        r->route = NULL;

        if (r->resumed == NULL) {
            r->answered = 0;
            r->suspended = 1;
            MHD_suspend_connection(conn);
            return MHD_YES;
        }

        adm_dispatch(r);        /* what it waited for came at once */
    }

    if (r->response == NULL) {
        adm_problem(r, 500, "internal", "Internal error",
                    "the request could not be answered", NULL, NULL);
    }

    ret = MHD_queue_response(conn, r->status, r->response);

    adm_count_request(r->route ? (size_t) (r->route - adm_routes_served) + 1
                                : 0, r->status);

    adm_log(r->status >= 500 ? ADM_LOG_WARN : ADM_LOG_INFO, "request",
            "{s:s, s:s, s:i, s:f, s:s, s:s}",
            "method", method, "path", url, "status", (int) r->status,
            "ms", (adm_clock() - r->started) * 1000,
            "actor", r->token ? r->token->name : "-",
            "request_id", r->request_id);

    return ret;
}


void
adm_suspend(adm_req_t *r)
{
    r->suspend = 1;
}


void
adm_resume(adm_req_t *r, json_t *result)
{
    json_decref(r->resumed);
    r->resumed = result;

    if (r->suspended) {
        r->suspended = 0;
        MHD_resume_connection(r->conn);
    }
}


static void
adm_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
    adm_req_t  *r = *con_cls;

    if (r == NULL) {
        return;
    }

    adm_active--;

    /*
     * Resumed after its prechecks but never answered: its client closed
     * the connection meanwhile (its timeout was shorter than the checks),
     * and libmicrohttpd ended it without calling adm_access() again, or
     * adm_access() found it gone (adm_peer_gone()).  Nothing it asked for
     * was done: a start nobody waits for any more would surprise the one
     * who gave up on it.  Said here, or nobody would know.  (Not its
     * token's name: a reload meanwhile may have put another in its place.)
     */

    if (r->resumed && r->response == NULL
        && toe != MHD_REQUEST_TERMINATED_DAEMON_SHUTDOWN)
    {
        adm_log(ADM_LOG_WARN, "client gone", "{s:s, s:s, s:s, s:s}",
                "method", r->method, "path", r->url,
                "request_id", r->request_id, "detail", "it closed the "
                "connection while its prechecks ran: nothing done");
    }

    if (r->response) {
        MHD_destroy_response(r->response);
    }

    json_decref(r->json);
    json_decref(r->resumed);
    free(r->body);
    free(r);

    *con_cls = NULL;
}


static void
adm_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char  msg[512];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';

    /*
     * libmicrohttpd 1.0 says this at every start although the logger is
     * its first option (the message itself reaches us, so nothing goes
     * to its own logger): not worth a warning in every journal.
     */
    if (strncmp(msg, "MHD_OPTION_EXTERNAL_LOGGER is not the first",
                sizeof("MHD_OPTION_EXTERNAL_LOGGER is not the first") - 1)
        == 0)
    {
        adm_log(ADM_LOG_DEBUG, "http", "{s:s}", "detail", msg);
        return;
    }

    adm_log(ADM_LOG_WARN, "http", "{s:s}", "detail", msg);
}


/*
 * The listening socket, made here rather than by libmicrohttpd: with
 * SO_REUSEADDR (a restart binds at once despite connections in TIME_WAIT)
 * but never SO_REUSEPORT, so that no second process, whoever runs it, can
 * bind the same address and be handed other clients' connections (and
 * their bearer tokens); and a port in use is an error that says so.
 * listen: "host:port", "[v6]:port" or ":port" (adm_config_set() checked
 * it); resolved here, at start.
 */

static int
adm_listen_socket(const char *addr, int *family, char *err, size_t errlen)
{
    int               rc, fd, on, e;
    char              host[128], *port;
    struct addrinfo   hints, *ai;

    snprintf(host, sizeof(host), "%s", addr);

    port = strrchr(host, ':');
    if (port == NULL) {
        snprintf(err, errlen, "listen \"%s\": expected host:port", addr);
        return -1;
    }

    *port++ = '\0';

    if (host[0] == '[') {
        memmove(host, host + 1, strlen(host));
        host[strcspn(host, "]")] = '\0';
    }

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;

    rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
    if (rc != 0) {
        snprintf(err, errlen, "listen \"%s\": %s", addr, gai_strerror(rc));
        return -1;
    }

    *family = ai->ai_family;

    fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                ai->ai_protocol);
    if (fd < 0) {
        snprintf(err, errlen, "listen \"%s\": socket(): %s", addr,
                 strerror(errno));
        freeaddrinfo(ai);
        return -1;
    }

    on = 1;
    (void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));

    if (ai->ai_family == AF_INET6) {
        (void) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
    }

    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0
        || listen(fd, 128) != 0)
    {
        e = errno;
        snprintf(err, errlen, "listen \"%s\": %s%s", addr, strerror(e),
                 e == EADDRINUSE ? " (another maint-admind, or another "
                                   "program, listens there)" : "");
        close(fd);
        freeaddrinfo(ai);
        return -1;
    }

    freeaddrinfo(ai);

    return fd;
}


/*
 * Percent-decoding of paths and query arguments, in place: as
 * libmicrohttpd's own, except that "%00" stays as written.  A decoded NUL
 * cuts the path short for the handler before libmicrohttpd 1.0.2
 * ("/v1/windows/w%00x" routed as "/v1/windows/w"), and 1.0.2 and later
 * refuse it themselves with an HTML 400.  Kept literal, its "%" fails our
 * id and field checks, which answer in problem+json on every version.
 */

static size_t
adm_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    int     hi, lo;
    size_t  i, o;

    for (i = 0, o = 0; s[i] != '\0'; i++) {
        if (s[i] == '%'
            && (hi = maint_hex_digit((unsigned char) s[i + 1])) >= 0
            && (lo = maint_hex_digit((unsigned char) s[i + 2])) >= 0
            && (hi | lo) != 0)
        {
            s[o++] = (char) (hi << 4 | lo);
            i += 2;
            continue;
        }

        s[o++] = s[i];
    }

    s[o] = '\0';

    return o;
}

struct MHD_Daemon *
adm_http_start(const char *listen, const adm_route_t *routes, size_t nroutes,
    adm_handler_pt files, char *err, size_t errlen)
{
    int                   fd, family;
    size_t                n;
    unsigned              flags;
    struct MHD_Daemon    *d;
    struct MHD_OptionItem opts[16];

    adm_routes_served = routes;
    adm_nroutes_served = nroutes;
    adm_files = files;

    fd = adm_listen_socket(listen, &family, err, errlen);
    if (fd < 0) {
        return NULL;
    }

    /*
     * One thread, non-blocking sockets: a slow client holds only its own
     * connections, never the loop.  Each address may hold at most
     * max_connections_per_client of them, so that one client cannot take
     * them all; a connection quiet for client_timeout (headers sent slowly,
     * or idle between requests) is closed.
     */

    n = 0;

#define ADM_OPT(o, v, p)                                                      \
    opts[n].option = (o); opts[n].value = (intptr_t) (v);                     \
    opts[n].ptr_value = (void *) (p); n++

    ADM_OPT(MHD_OPTION_LISTEN_SOCKET, fd, NULL);
    ADM_OPT(MHD_OPTION_NOTIFY_COMPLETED, adm_completed, NULL);
    ADM_OPT(MHD_OPTION_NOTIFY_CONNECTION, adm_tls_connection, NULL);
    ADM_OPT(MHD_OPTION_CONNECTION_TIMEOUT, adm_conf.client_timeout, NULL);
    ADM_OPT(MHD_OPTION_CONNECTION_LIMIT, adm_conf.max_connections, NULL);
    ADM_OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT,
            adm_conf.max_connections_per_client, NULL);
    ADM_OPT(MHD_OPTION_UNESCAPE_CALLBACK, adm_unescape, NULL);

    flags = MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME
            | (family == AF_INET6 ? MHD_USE_IPv6 : 0);

    /*
     * HTTPS only, when tls_cert is set: the chain and key come from
     * tls.c's callback at each handshake (a SIGHUP swaps them there).
     */
    adm_https = adm_conf.tls_cert[0] != '\0';

    if (adm_https) {
        flags |= MHD_USE_TLS;
        ADM_OPT(MHD_OPTION_HTTPS_CERT_CALLBACK, 0, adm_tls_cert_cb);
        ADM_OPT(MHD_OPTION_HTTPS_PRIORITIES, 0, adm_tls_priorities());
    }

    ADM_OPT(MHD_OPTION_END, 0, NULL);

#undef ADM_OPT

    /* the logger first: libmicrohttpd logs what comes before it itself */
    d = MHD_start_daemon(flags, 0, NULL, NULL, adm_access, NULL,
                         MHD_OPTION_EXTERNAL_LOGGER, adm_mhd_log, NULL,
                         MHD_OPTION_ARRAY, opts, MHD_OPTION_END);

    if (d == NULL) {
        close(fd);
        snprintf(err, errlen, "listen \"%s\": the HTTP%s server did not "
                 "start", listen, adm_https ? "S" : "");
        return NULL;
    }

    return d;
}
