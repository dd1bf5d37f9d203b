/*
 * ngx_maint_session_cookie.c: the app's session cookie in a request and
 * its response (docs/sessions.md): its values, each known by a keyed
 * SipHash (the key random per worker), collected once; whether a value
 * may be checked at all; what the upstream receives (the edge's cookies,
 * aliases and unchecked or logged-off values removed); and the Set-Cookie
 * that expires a logged-off cookie.  What Redis knows about a value is
 * ngx_maint_session.c's.
 */

#include "ngx_maint_session_cookie.h"
#include "ngx_maint_cookie.h"
#include "ngx_maint_response.h"
#include "maint_session.h"
#include "maint_hash.h"
#include "ngx_maint_edge_cookie.h"

#include <openssl/rand.h>


static int ngx_maint_session_collect_pair(void *data, const char *name,
    size_t name_len, const char *value, size_t len);
static void ngx_maint_session_collect_one(ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, const char *value, size_t len);
static int ngx_maint_upstream_pair(void *data, const char *name,
    size_t name_len, const char *value, size_t len);


/* the request's context and its location's configuration, for a visit */
typedef struct {
    ngx_maint_ctx_t       *ctx;
    ngx_maint_loc_conf_t  *lcf;
} ngx_maint_collect_t;


static u_char  ngx_maint_sip_key[16];


/* the worker's SipHash key, random: values cannot be made to collide */

void
ngx_maint_session_cookie_init(ngx_log_t *log)
{
    if (RAND_bytes(ngx_maint_sip_key, sizeof(ngx_maint_sip_key)) != 1) {
        ngx_log_error(NGX_LOG_ALERT, log, 0,
                      "maint: no random bytes for the session cache key");
    }
}


/* a value of the cookie by the worker's own name for it */

void
ngx_maint_session_key(const char *value, size_t len, u_char key[16])
{
    maint_siphash(ngx_maint_sip_key, value, len, key, 16);
}


/*
 * The request's cookies, read once: the values of the session cookie, and
 * whether anything must go before the upstream sees the headers (an alias
 * of the session cookie, an edge cookie), so that a request with nothing
 * to remove has its headers read only here.  Every value is either
 * checked or stripped from the request the upstream receives
 * (ngx_maint_cookies_upstream): those too long or with bytes outside
 * printable ASCII, those the site's pattern does not describe, and those
 * beyond what one request may have looked up are stripped.  More values
 * than anyone can legitimately hold is treated as an ended session.
 */

void
ngx_maint_session_collect(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    ngx_maint_collect_t  cl;

    if (ctx->sessions_read) {
        return;
    }

    ctx->sessions_read = 1;

    cl.ctx = ctx;
    cl.lcf = lcf;

    ngx_maint_cookie_pairs(r, ngx_maint_session_collect_pair, &cl);

    if (ctx->too_many) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "maint: more than %d \"%V\" cookies, logging off",
                      NGX_MAINT_MAX_SESSIONS, &lcf->session_cookie);
    }
}


static ngx_flag_t
ngx_maint_session_checkable(ngx_maint_loc_conf_t *lcf, const char *value,
    size_t len)
{
    size_t     i;
#if (NGX_PCRE)
    ngx_str_t  v;
#endif

    if (len > MAINT_COOKIE_MAX) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((u_char) value[i] < 0x20 || (u_char) value[i] >= 0x7f) {
            return 0;
        }
    }

#if (NGX_PCRE)
    if (lcf->session_pattern) {
        v.data = (u_char *) value;
        v.len = len;

        if (ngx_regex_exec(lcf->session_pattern, &v, NULL, 0) < 0) {
            return 0;
        }
    }
#endif

    return 1;
}


static int
ngx_maint_session_collect_pair(void *data, const char *name,
    size_t name_len, const char *value, size_t len)
{
    ngx_maint_collect_t  *cl = data;

    ngx_str_t  *cookie;

    cookie = &cl->lcf->session_cookie;

    if (cookie->len) {
        switch (maint_cookie_name(name, name_len, (char *) cookie->data,
                                  cookie->len))
        {
        case MAINT_NAME_EXACT:
            ngx_maint_session_collect_one(cl->ctx, cl->lcf, value, len);
            return 1;

        case MAINT_NAME_ALIAS:
            cl->ctx->foreign = 1;
            return 1;
        }
    }

    if (ngx_maint_edge_cookie(name, name_len)) {
        cl->ctx->foreign = 1;
    }

    return 1;
}


static void
ngx_maint_session_collect_one(ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf,
    const char *value, size_t len)
{
    ngx_uint_t         i;
    ngx_maint_sref_t  *ref;

    /* an empty value is no session to anyone: it stays */

    if (len == 0 || (len <= 2 && value[0] == '"')) {
        return;
    }

    if (ctx->nsessions == NGX_MAINT_MAX_SESSIONS) {
        ctx->too_many = 1;
        return;
    }

    /* one value in the context; room for all only when there are more */

    if (ctx->nsessions == 0) {
        ctx->sessions = &ctx->session;

    } else if (ctx->sessions == &ctx->session) {
        ref = ngx_palloc(ctx->request->pool,
                         NGX_MAINT_MAX_SESSIONS * sizeof(ngx_maint_sref_t));
        if (ref == NULL) {
            ctx->too_many = 1;          /* cannot check them: log off */
            return;
        }

        ref[0] = ctx->session;
        ctx->sessions = ref;
    }

    ref = &ctx->sessions[ctx->nsessions];

    maint_siphash(ngx_maint_sip_key, value, len, ref->key, sizeof(ref->key));

    for (i = 0; i < ctx->nsessions; i++) {
        if (ngx_memcmp(ctx->sessions[i].key, ref->key, sizeof(ref->key)) == 0)
        {
            return;                     /* the same value twice */
        }
    }

    ref->value = (u_char *) value;
    ref->len = len;
    ref->strip = !ngx_maint_session_checkable(lcf, value, len);
    ctx->nsessions++;
}


/*
 * What the upstream receives: every Cookie header without the edge's own
 * cookies, without the session cookie under any other name an app may
 * read it by, and without the values of the session cookie that were not
 * checked, or all of them when the session is logged off (the response
 * then expires it).  ctx is NULL in a "maint off" location: only the
 * edge's cookies go.  Headers are rewritten only when something goes.
 */

typedef struct {
    ngx_maint_ctx_t       *ctx;
    ngx_maint_loc_conf_t  *lcf;
    ngx_uint_t             dropped;
} ngx_maint_upstream_t;


static ngx_flag_t
ngx_maint_session_strips(ngx_maint_ctx_t *ctx)
{
    ngx_uint_t  i;

    if (ctx->revoked) {
        return 1;
    }

    for (i = 0; i < ctx->nsessions; i++) {
        if (ctx->sessions[i].strip) {
            return 1;
        }
    }

    return 0;
}


ngx_int_t
ngx_maint_cookies_upstream(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    u_char                *p;
    size_t                 len;
    ngx_table_elt_t       *h;
    ngx_maint_upstream_t   u;
#if (nginx_version < 1023000)
    ngx_uint_t             i;
    ngx_table_elt_t      **hs;
#endif

    if (ctx && !ctx->foreign && !ngx_maint_session_strips(ctx)) {
        return NGX_OK;                  /* nothing goes: the common case */
    }

    u.ctx = ctx;
    u.lcf = lcf;

#if (nginx_version >= 1023000)
    for (h = r->headers_in.cookie; h; h = h->next) {
#else
    hs = r->headers_in.cookies.elts;

    for (i = 0; i < r->headers_in.cookies.nelts; i++) {
        h = hs[i];
#endif
        u.dropped = 0;

        (void) maint_cookie_filter((char *) h->value.data, h->value.len,
                                   ngx_maint_upstream_pair, &u, NULL);
        if (u.dropped == 0) {
            continue;
        }

        p = ngx_pnalloc(r->pool, h->value.len + 1);
        if (p == NULL) {
            return NGX_ERROR;
        }

        len = maint_cookie_filter((char *) h->value.data, h->value.len,
                                  ngx_maint_upstream_pair, &u, (char *) p);
        p[len] = '\0';

        h->value.data = p;
        h->value.len = len;
    }

    return NGX_OK;
}


static int
ngx_maint_upstream_pair(void *data, const char *name, size_t name_len,
    const char *value, size_t len)
{
    ngx_maint_upstream_t  *u = data;

    int                keep;
    u_char             key[16];
    ngx_uint_t         i;
    ngx_maint_ctx_t   *ctx = u->ctx;

    keep = 1;

    if (ngx_maint_edge_cookie(name, name_len)) {
        keep = 0;

    } else if (ctx && u->lcf->session_cookie.len) {
        switch (maint_cookie_name(name, name_len,
                                  (char *) u->lcf->session_cookie.data,
                                  u->lcf->session_cookie.len))
        {
        case MAINT_NAME_ALIAS:
            keep = 0;
            break;

        case MAINT_NAME_EXACT:
            if (ctx->revoked) {
                keep = 0;
                break;
            }

            /* the checked values were collected; empty ones stay */

            maint_siphash(ngx_maint_sip_key, value, len, key, sizeof(key));

            for (i = 0; i < ctx->nsessions; i++) {
                if (ngx_memcmp(ctx->sessions[i].key, key, sizeof(key)) == 0) {
                    keep = !ctx->sessions[i].strip;
                    break;
                }
            }

            break;
        }
    }

    if (!keep) {
        u->dropped++;
    }

    return keep;
}


/* "NAME=" at the start of a Set-Cookie header */

ngx_flag_t
ngx_maint_sets_cookie(ngx_table_elt_t *h, ngx_str_t *name)
{
    u_char  *p, *last;

    if (h->key.len != sizeof("Set-Cookie") - 1
        || ngx_strncasecmp(h->key.data, (u_char *) "Set-Cookie",
                           sizeof("Set-Cookie") - 1) != 0)
    {
        return 0;
    }

    p = h->value.data;
    last = p + h->value.len;

    while (p < last && (*p == ' ' || *p == '\t')) {
        p++;
    }

    if ((size_t) (last - p) <= name->len
        || ngx_strncmp(p, name->data, name->len) != 0)
    {
        return 0;
    }

    for (p += name->len; p < last && (*p == ' ' || *p == '\t'); p++) {
        /* void */
    }

    return p < last && *p == '=';
}


ngx_int_t
ngx_maint_expire_cookie(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    u_char  *p, *v;
    size_t   len;

    len = lcf->session_cookie.len
          + sizeof("=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
                   "; Path=") - 1
          + lcf->session_path.len
          + sizeof("; Domain=") - 1 + lcf->session_domain.len;

    v = ngx_pnalloc(r->pool, len);
    if (v == NULL) {
        return NGX_ERROR;
    }

    p = ngx_sprintf(v, "%V=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 "
                    "GMT; Path=%V", &lcf->session_cookie, &lcf->session_path);

    if (lcf->session_domain.len) {
        p = ngx_sprintf(p, "; Domain=%V", &lcf->session_domain);
    }

    if (ngx_maint_add_header(r, "Set-Cookie", sizeof("Set-Cookie") - 1, v,
                             p - v)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}
