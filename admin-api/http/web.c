/*
 * web.c: the admin page's static files (admin-api/web/, compiled into the
 * daemon by the Makefile as build/web_assets.c).  "/" is index.html, the
 * rest is under "/ui/".  They need no token: they hold no data, and the
 * page sends its token, as a bearer token, only to the /v1/ routes.  Each
 * answer carries a strict Content-Security-Policy (no inline script, no
 * other origin), nosniff and frame-ancestors 'none'.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "http/http.h"
#include "http/query.h"
#include "http/web.h"


#define ADM_WEB_MAX  32

/* nothing but our own files, no inline script or style, never framed */
#define ADM_WEB_CSP                                                          \
    "default-src 'self'; script-src 'self'; style-src 'self'; "              \
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; "          \
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"


static const struct {
    const char  *ext;
    const char  *type;
} adm_web_types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".css",  "text/css; charset=utf-8" },
    { ".js",   "text/javascript; charset=utf-8" },
    { ".svg",  "image/svg+xml" },
    { ".json", "application/json" }
};

/* the files' entity tags, made once: a 64-bit FNV-1a of the content */
static char  adm_web_etags[ADM_WEB_MAX][20];


static const char *
adm_web_type(const char *name)
{
    size_t       i, n, e;

    n = strlen(name);

    for (i = 0; i < sizeof(adm_web_types) / sizeof(adm_web_types[0]); i++) {
        e = strlen(adm_web_types[i].ext);

        if (n > e && strcmp(name + n - e, adm_web_types[i].ext) == 0) {
            return adm_web_types[i].type;
        }
    }

    return "application/octet-stream";
}


static const char *
adm_web_etag(size_t i)
{
    size_t    k;
    uint64_t  h;

    if (adm_web_etags[i][0] == '\0') {
        h = 14695981039346656037ULL;

        for (k = 0; k < adm_web_assets[i].len; k++) {
            h ^= (unsigned char) adm_web_assets[i].data[k];
            h *= 1099511628211ULL;
        }

        snprintf(adm_web_etags[i], sizeof(adm_web_etags[i]), "\"%016llx\"",
                 (unsigned long long) h);
    }

    return adm_web_etags[i];
}


/*
 * The static files of adm_http_start(): 0 when the request is not for one
 * of them, else what the answer returned (http.h).
 */

int
adm_web(adm_req_t *r)
{
    int          rc;
    size_t       i;
    const char  *name, *inm, *etag;

    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
        return 0;
    }

    if (strcmp(r->url, "/") == 0) {
        name = "index.html";

    } else if (strncmp(r->url, "/ui/", 4) == 0) {
        name = r->url + 4;

    } else {
        return 0;
    }

    for (i = 0; i < adm_web_nassets && i < ADM_WEB_MAX; i++) {
        if (strcmp(adm_web_assets[i].name, name) == 0) {
            break;
        }
    }

    if (i == adm_web_nassets || i == ADM_WEB_MAX) {
        return 0;
    }

    etag = adm_web_etag(i);
    inm = adm_header_in(r, "If-None-Match");

    if (inm && strcmp(inm, etag) == 0) {
        rc = adm_reply_empty(r, 304);

    } else {
        rc = adm_reply_text(r, 200, adm_web_type(name),
                            adm_web_assets[i].data, adm_web_assets[i].len);
    }

    /* not fingerprinted: cached, but revalidated (304) on every use */
    MHD_del_response_header(r->response, "Cache-Control", "no-store");
    adm_header(r, "Cache-Control", "no-cache");
    adm_header(r, "ETag", etag);
    adm_header(r, "Content-Security-Policy", ADM_WEB_CSP);
    adm_header(r, "X-Content-Type-Options", "nosniff");
    adm_header(r, "X-Frame-Options", "DENY");
    adm_header(r, "Referrer-Policy", "no-referrer");
    adm_header(r, "Cross-Origin-Opener-Policy", "same-origin");

    return rc;
}
