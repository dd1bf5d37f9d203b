/*
 * api.c: the HTTP calls to the admin API, through libcurl.  One handle is
 * reused so that the requests of one command share a connection.  Redirects
 * are never followed, so the bearer token only goes to the configured URL.
 * Every failure is reported here, once, and mapped to an exit code: the
 * callers only decide what to do next.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "maintctl.h"
#include "api.h"
#include "args.h"
#include "buf.h"
#include "output.h"
#include "usage.h"


/* no answer of the API comes near this; a bigger one is not the API */
#define CTL_MAX_BODY  (64 * 1024 * 1024)

/* without --timeout (ctl_timeout()) */
#define CTL_TIMEOUT_MS         10000
#define CTL_CHECKS_TIMEOUT_MS  70000


static CURL  *ctl_curl;
static char  *ctl_base;         /* the URL without its trailing slashes */
static char  *ctl_shown;        /* the same without any user:password@ */


/*
 * Checks the base URL once.  Only http and https make sense, and checking
 * here gives a usage error instead of a puzzling libcurl one.
 */

static int
ctl_api_init(void)
{
    size_t       len;
    const char  *u, *rest, *at, *slash;
    ctl_buf_t    b;

    if (ctl_curl != NULL) {
        return 0;
    }

    u = ctl_conf.url;

    if (strncasecmp(u, "http://", 7) == 0) {
        rest = u + 7;

    } else if (strncasecmp(u, "https://", 8) == 0) {
        rest = u + 8;

    } else {
        ctl_usage_error(NULL, "the API URL must start with http:// or "
                        "https:// (MAINT_API_URL or --url)");
        return -1;
    }

    for (len = 0; u[len]; len++) {
        if ((unsigned char) u[len] <= ' ' || u[len] == 0x7f
            || u[len] == '?' || u[len] == '#')
        {
            ctl_usage_error(NULL, "the API URL may not contain spaces, "
                            "control characters, a query or a fragment");
            return -1;
        }
    }

    while (len > (size_t) (rest - u) && u[len - 1] == '/') {
        len--;
    }

    if (len == (size_t) (rest - u)) {
        ctl_usage_error(NULL, "the API URL has no host");
        return -1;
    }

    ctl_base = ctl_alloc(len + 1);
    memcpy(ctl_base, u, len);
    ctl_base[len] = '\0';

    /* messages name the URL, but never a password written into it */
    b.data = NULL;
    b.len = 0;
    b.cap = 0;
    rest = ctl_base + (rest - u);
    slash = strchr(rest, '/');
    at = memchr(rest, '@', slash ? (size_t) (slash - rest) : strlen(rest));
    ctl_buf_add(&b, ctl_base, (size_t) (rest - ctl_base));
    ctl_buf_str(&b, at ? at + 1 : rest);
    ctl_shown = b.data;

    /* ctl_conf.token goes into a header line: no line breaks */
    for (u = ctl_conf.token; u && *u; u++) {
        if ((unsigned char) *u <= ' ' || *u == 0x7f) {
            ctl_usage_error(NULL, "the token contains spaces or control "
                            "characters (MAINT_API_TOKEN or --token)");
            return -1;
        }
    }

    ctl_curl = curl_easy_init();

    if (ctl_curl == NULL) {
        fputs("maintctl: cannot initialize libcurl\n", stderr);
        return -1;
    }

    return 0;
}


static const char *
ctl_display_url(void)
{
    return ctl_shown ? ctl_shown : ctl_conf.url;
}


void
ctl_api_done(void)
{
    if (ctl_curl) {
        curl_easy_cleanup(ctl_curl);
        ctl_curl = NULL;
    }
}


void
ctl_resp_free(ctl_resp_t *r)
{
    free(r->body);
    free(r->etag);

    if (r->json) {
        json_decref(r->json);
    }

    memset(r, 0, sizeof(ctl_resp_t));
}


static size_t
ctl_on_body(char *p, size_t size, size_t n, void *data)
{
    ctl_buf_t  *b = data;

    if (b->len + size * n > CTL_MAX_BODY) {
        return 0;
    }

    ctl_buf_add(b, p, size * n);

    return size * n;
}


static size_t
ctl_on_header(char *p, size_t size, size_t n, void *data)
{
    size_t       len;
    ctl_resp_t  *r = data;

    len = size * n;

    if (len > 5 && strncasecmp(p, "ETag:", 5) == 0) {
        p += 5;
        len -= 5;

        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }

        while (len && isspace((unsigned char) p[len - 1])) {
            len--;
        }

        free(r->etag);
        r->etag = ctl_alloc(len + 1);
        memcpy(r->etag, p, len);
        r->etag[len] = '\0';
    }

    return size * n;
}


static int
ctl_exit_code(long status)
{
    if (status == 401 || status == 403) {
        return CTL_EXIT_AUTH;
    }

    if (status == 409 || status == 412 || status == 428) {
        return CTL_EXIT_CONFLICT;
    }

    if (status >= 400 && status < 500) {
        return CTL_EXIT_REFUSED;
    }

    /* 5xx, and what the API never answers (1xx, 3xx): not the API */
    return CTL_EXIT_UNAVAILABLE;
}


/* is the detail "field: reason" of the first field error? */

static int
ctl_detail_is_first_error(const char *detail, json_t *errors)
{
    size_t       n;
    json_t      *e;
    const char  *field, *reason;

    e = json_array_get(errors, 0);
    field = ctl_str(e, "field");
    reason = ctl_str(e, "reason");

    if (field == NULL || reason == NULL) {
        return 0;
    }

    n = strlen(field);

    /* the API may have cut a long one to fit: compare what is there */
    return strncmp(detail, field, n) == 0
           && strncmp(detail + n, ": ", 2) == 0
           && strncmp(detail + n + 2, reason, strlen(detail + n + 2)) == 0;
}


static void
ctl_report_problem(ctl_resp_t *r)
{
    char        *s, *t;
    size_t       i;
    json_t      *e, *cw, *errors;
    const char  *detail;
    char         from[64], to[64];

    detail = ctl_str(r->json, "detail");
    errors = r->json ? json_object_get(r->json, "errors") : NULL;

    /*
     * The API makes the detail of a field error out of the first one;
     * those are listed below, so the headline is the title ("Invalid
     * field") and each error is printed once.
     */
    if (detail == NULL || *detail == '\0'
        || ctl_detail_is_first_error(detail, errors))
    {
        detail = ctl_str(r->json, "title");
    }

    if (detail != NULL && *detail != '\0') {
        s = ctl_clean(detail, 0);
        fprintf(stderr, "maintctl: %s\n", s);
        free(s);

    } else {
        fprintf(stderr, "maintctl: the admin API at %s answered HTTP %ld\n",
                ctl_display_url(), r->status);
    }

    json_array_foreach(errors, i, e) {
        s = ctl_clean(ctl_str(e, "field") ? ctl_str(e, "field") : "?", 0);
        t = ctl_clean(ctl_str(e, "reason") ? ctl_str(e, "reason") : "", 0);
        fprintf(stderr, "  %s: %s\n", s, t);
        free(s);
        free(t);
    }

    cw = r->json ? json_object_get(r->json, "conflicting_window") : NULL;

    if (json_is_object(cw)) {
        s = ctl_clean(ctl_str(cw, "id") ? ctl_str(cw, "id") : "?", 0);
        t = ctl_clean(ctl_str(cw, "title") ? ctl_str(cw, "title") : "", 0);
        fprintf(stderr, "  conflicting window: %s \"%s\" %s - %s\n", s, t,
                ctl_local_time(ctl_str(cw, "starts_at"), "%Y-%m-%d %H:%M",
                               from, sizeof(from)),
                ctl_local_time(ctl_str(cw, "ends_at"), "%Y-%m-%d %H:%M",
                               to, sizeof(to)));
        free(s);
        free(t);
    }

    if (r->status == 401
        && (ctl_conf.token == NULL || *ctl_conf.token == '\0'))
    {
        fputs("  no token was sent: set MAINT_API_TOKEN or use --token\n",
              stderr);
    }

    if (r->status == 412) {
        fputs("  the window changed since it was read; look at it again "
              "before retrying\n", stderr);
    }

    if (r->status >= 300 && r->status < 400) {
        fputs("  (redirects are not followed: check MAINT_API_URL)\n",
              stderr);
    }
}


/* the request's header lines, in the order libcurl sends them */

static struct curl_slist *
ctl_request_headers(int json, const char *if_match)
{
    ctl_buf_t           line;
    struct curl_slist  *h;

    h = NULL;
    h = curl_slist_append(h, "Accept: application/json, "
                             "application/problem+json");
    /* libcurl would otherwise add these for a POST */
    h = curl_slist_append(h, "Expect:");
    h = curl_slist_append(h, json ? "Content-Type: application/json"
                                  : "Content-Type:");

    if (ctl_conf.token && *ctl_conf.token) {
        memset(&line, 0, sizeof(ctl_buf_t));
        ctl_buf_str(&line, "Authorization: Bearer ");
        ctl_buf_str(&line, ctl_conf.token);
        h = curl_slist_append(h, line.data);

        /* the token should not linger in freed memory */
        memset(line.data, 0, line.cap);
        free(line.data);
    }

    if (if_match != NULL) {
        memset(&line, 0, sizeof(ctl_buf_t));
        ctl_buf_str(&line, "If-Match: ");
        ctl_buf_str(&line, if_match);
        h = curl_slist_append(h, line.data);
        free(line.data);
    }

    return h;
}


/* --timeout, or 10 s: the connect's, for every request */

static long
ctl_connect_timeout(void)
{
    return ctl_conf.timeout_ms ? ctl_conf.timeout_ms : CTL_TIMEOUT_MS;
}


/* the handle's options for one request; json is the body, or NULL */

static void
ctl_request_setup(const char *method, const char *url, const char *json,
    long timeout_ms, struct curl_slist *h, char *errbuf, ctl_buf_t *data,
    ctl_resp_t *r)
{
    curl_easy_reset(ctl_curl);
    curl_easy_setopt(ctl_curl, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(ctl_curl, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(ctl_curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(ctl_curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(ctl_curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(ctl_curl, CURLOPT_CONNECTTIMEOUT_MS,
                     ctl_connect_timeout());
    curl_easy_setopt(ctl_curl, CURLOPT_USERAGENT, "maintctl/" CTL_VERSION);
    curl_easy_setopt(ctl_curl, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(ctl_curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(ctl_curl, CURLOPT_WRITEFUNCTION, ctl_on_body);
    curl_easy_setopt(ctl_curl, CURLOPT_WRITEDATA, data);
    curl_easy_setopt(ctl_curl, CURLOPT_HEADERFUNCTION, ctl_on_header);
    curl_easy_setopt(ctl_curl, CURLOPT_HEADERDATA, r);

    /* verification stays on (libcurl's default), whatever the CA */
    curl_easy_setopt(ctl_curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(ctl_curl, CURLOPT_SSL_VERIFYHOST, 2L);

    if (ctl_conf.cacert) {
        curl_easy_setopt(ctl_curl, CURLOPT_CAINFO, ctl_conf.cacert);
        curl_easy_setopt(ctl_curl, CURLOPT_CAPATH, NULL);
    }

    if (strcmp(method, "GET") == 0) {
        curl_easy_setopt(ctl_curl, CURLOPT_HTTPGET, 1L);

    } else if (strcmp(method, "DELETE") == 0 && json == NULL) {
        curl_easy_setopt(ctl_curl, CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(ctl_curl, CURLOPT_CUSTOMREQUEST, "DELETE");

    } else {
        /* POST, PATCH, PUT: a body, possibly empty */
        curl_easy_setopt(ctl_curl, CURLOPT_POST, 1L);
        curl_easy_setopt(ctl_curl, CURLOPT_POSTFIELDS, json ? json : "");
        curl_easy_setopt(ctl_curl, CURLOPT_POSTFIELDSIZE,
                         (long) (json ? strlen(json) : 0));

        if (strcmp(method, "POST") != 0) {
            curl_easy_setopt(ctl_curl, CURLOPT_CUSTOMREQUEST, method);
        }
    }
}


/*
 * How long to wait for an answer: --timeout, else 10 s, and 70 s for what
 * the daemon answers only once the custom prechecks are done (an early
 * start, dry runs): up to the longest check's timeout, at most 60 s.  A
 * client that gave up gets nothing done, so it should not give up first.
 */

static long
ctl_timeout(const char *method, const char *path)
{
    size_t             n;
    static const char  start[] = "/start";

    if (ctl_conf.timeout_ms) {
        return ctl_conf.timeout_ms;
    }

    if (strcmp(method, "POST") != 0 && strcmp(method, "PATCH") != 0) {
        return CTL_TIMEOUT_MS;
    }

    n = strcspn(path, "?");

    if (strstr(path + n, "dry_run=true")
        || (n >= sizeof(start) - 1
            && memcmp(path + n - (sizeof(start) - 1), start,
                      sizeof(start) - 1) == 0))
    {
        return CTL_CHECKS_TIMEOUT_MS;
    }

    return CTL_TIMEOUT_MS;
}


/* a request that got no answer: why, in the words that help fix it */

static void
ctl_report_failure(CURLcode cc, const char *errbuf, long timeout_ms)
{
    double  sending;

    /*
     * The connect's own timeout may be the shorter one (ctl_timeout()):
     * nothing was sent then (a connection kept alive from the request
     * before has no connect time of its own, but it sends)
     */

    if (cc == CURLE_OPERATION_TIMEDOUT
        && curl_easy_getinfo(ctl_curl, CURLINFO_PRETRANSFER_TIME, &sending)
           == CURLE_OK
        && sending == 0)
    {
        fprintf(stderr, "maintctl: cannot connect to the admin API at %s "
                "within %g s\n", ctl_display_url(),
                ctl_connect_timeout() / 1000.0);

    } else if (cc == CURLE_OPERATION_TIMEDOUT) {
        fprintf(stderr, "maintctl: the admin API at %s did not answer "
                "within %g s\n", ctl_display_url(), timeout_ms / 1000.0);

    } else if (cc == CURLE_WRITE_ERROR) {
        fprintf(stderr, "maintctl: the answer of %s is too large\n",
                ctl_display_url());

    } else if (cc == CURLE_PEER_FAILED_VERIFICATION) {
        fprintf(stderr, "maintctl: the TLS certificate of the admin API "
                "at %s is not trusted: %s\n  (%s; the CA that issued "
                "it goes in --cacert FILE or MAINT_API_CACERT)\n",
                ctl_display_url(),
                errbuf[0] ? errbuf : curl_easy_strerror(cc),
                ctl_conf.cacert ? "checked against the CA file given"
                                : "checked against the system's CAs");

    } else if (cc == CURLE_SSL_CACERT_BADFILE && ctl_conf.cacert) {
        fprintf(stderr, "maintctl: cannot use the CA file \"%s\" "
                "(--cacert or MAINT_API_CACERT): %s\n",
                ctl_conf.cacert,
                errbuf[0] ? errbuf : curl_easy_strerror(cc));

    } else if (cc == CURLE_SSL_CACERT_BADFILE) {
        fprintf(stderr, "maintctl: the system's CA store cannot be read "
                "(%s): install ca-certificates, or give the admin "
                "API's CA with --cacert FILE or MAINT_API_CACERT\n",
                errbuf[0] ? errbuf : curl_easy_strerror(cc));

    } else {
        fprintf(stderr, "maintctl: cannot reach the admin API at %s: "
                "%s\n", ctl_display_url(),
                errbuf[0] ? errbuf : curl_easy_strerror(cc));
    }
}


/*
 * Sends one request; path starts with "/" and may carry a query.  Returns
 * CTL_EXIT_OK with r filled on a 2xx answer, else the exit code after
 * reporting the problem.  body, when not NULL, is sent as JSON.
 */

int
ctl_request(const char *method, const char *path, const char *if_match,
    json_t *body, ctl_resp_t *r)
{
    long                timeout_ms;
    char               *json, *type, errbuf[CURL_ERROR_SIZE];
    CURLcode            cc;
    ctl_buf_t           url, data;
    struct curl_slist  *h;

    memset(r, 0, sizeof(ctl_resp_t));

    if (ctl_api_init() != 0) {
        return CTL_EXIT_USAGE;
    }

    memset(&url, 0, sizeof(ctl_buf_t));
    memset(&data, 0, sizeof(ctl_buf_t));

    ctl_buf_str(&url, ctl_base);
    ctl_buf_str(&url, path);

    json = body ? json_dumps(body, JSON_COMPACT | JSON_PRESERVE_ORDER)
                : NULL;
    h = ctl_request_headers(body != NULL, if_match);

    errbuf[0] = '\0';
    timeout_ms = ctl_timeout(method, path);
    ctl_request_setup(method, url.data, json, timeout_ms, h, errbuf, &data,
                      r);

    cc = curl_easy_perform(ctl_curl);

    curl_slist_free_all(h);
    free(json);
    free(url.data);

    r->body = data.data ? data.data : ctl_strdup("");
    r->len = data.len;

    if (cc != CURLE_OK) {
        ctl_report_failure(cc, errbuf, timeout_ms);
        return CTL_EXIT_UNAVAILABLE;
    }

    curl_easy_getinfo(ctl_curl, CURLINFO_RESPONSE_CODE, &r->status);

    if (r->len > 0) {
        r->json = json_loadb(r->body, r->len, 0, NULL);
    }

    if (r->status >= 200 && r->status < 300) {
        /* the calendar feed is the one answer that is not JSON */
        type = NULL;
        curl_easy_getinfo(ctl_curl, CURLINFO_CONTENT_TYPE, &type);

        if (r->len > 0 && !json_is_object(r->json)
            && (type == NULL || strncasecmp(type, "text/calendar", 13) != 0))
        {
            fprintf(stderr, "maintctl: %s answered HTTP %ld with a body "
                    "that is not a JSON object: is it the admin API?\n",
                    ctl_display_url(), r->status);
            return CTL_EXIT_UNAVAILABLE;
        }

        return CTL_EXIT_OK;
    }

    ctl_report_problem(r);

    return ctl_exit_code(r->status);
}


/*
 * GET a list route ("/v1/windows?app=shop"): the items of each page are
 * appended to items; with all, next_cursor is followed to the end.  r is
 * left holding the last page read (its next_cursor says whether more
 * follow), for the caller to print or free; *pages is how many were read.
 */

int
ctl_get_pages(const char *base, int all, json_t *items, ctl_resp_t *r,
    int *pages)
{
    int          rc;
    char        *cur;
    json_t      *next;
    ctl_buf_t    path;
    const char  *cursor;

    cur = NULL;
    *pages = 0;

    for ( ;; ) {
        memset(&path, 0, sizeof(ctl_buf_t));
        ctl_buf_str(&path, base);
        ctl_buf_query(&path, "cursor", cur);

        rc = ctl_request("GET", path.data, NULL, NULL, r);
        free(path.data);

        if (rc != CTL_EXIT_OK) {
            break;
        }

        (*pages)++;
        json_array_extend(items, json_object_get(r->json, "items"));
        next = json_object_get(r->json, "next_cursor");
        cursor = json_is_string(next) ? json_string_value(next) : NULL;

        if (!all || cursor == NULL) {
            break;
        }

        /* a cursor that does not move would loop for ever */
        if (cur != NULL && strcmp(cur, cursor) == 0) {
            fprintf(stderr, "maintctl: the API returned the same cursor "
                    "twice\n");
            rc = CTL_EXIT_UNAVAILABLE;
            break;
        }

        free(cur);
        cur = ctl_strdup(cursor);
        ctl_resp_free(r);
    }

    free(cur);

    return rc;
}


/*
 * The fleet's clock: the "now" of GET /v1/status is Redis's time, the one
 * the gateways judge windows on.  maintctl's own clock may be off.
 */

int
ctl_server_now(int64_t *now)
{
    int          rc;
    const char  *s;
    ctl_resp_t   r;

    rc = ctl_request("GET", "/v1/status", NULL, NULL, &r);

    if (rc != CTL_EXIT_OK) {
        ctl_resp_free(&r);
        return rc;
    }

    s = ctl_str(r.json, "now");

    if (s == NULL || ctl_parse_time(s, now) != 0) {
        fprintf(stderr, "maintctl: GET /v1/status gave no valid \"now\"\n");
        ctl_resp_free(&r);
        return CTL_EXIT_UNAVAILABLE;
    }

    ctl_resp_free(&r);

    return CTL_EXIT_OK;
}


char *
ctl_item_path(const char *route, const char *item, const char *action)
{
    ctl_buf_t  b;

    memset(&b, 0, sizeof(ctl_buf_t));
    ctl_buf_str(&b, route);
    ctl_buf_str(&b, "/");
    ctl_buf_escaped(&b, item);

    if (action != NULL) {
        ctl_buf_str(&b, "/");
        ctl_buf_str(&b, action);
    }

    return b.data;
}
