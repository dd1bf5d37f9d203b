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


static void ngx_maint_session_collect_pair(void *data, int which, int kind,
    const char *value, size_t len);
static void ngx_maint_session_collect_one(ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, const char *value, size_t len);
static int ngx_maint_upstream_pair(void *data, const char *name,
    size_t name_len, const char *value, size_t len);

typedef struct ngx_maint_cookie_memo_s  ngx_maint_cookie_memo_t;

static ngx_maint_cookie_memo_t *ngx_maint_cookie_memo(ngx_http_request_t *r);
static ngx_flag_t ngx_maint_cookie_memo_take(ngx_maint_cookie_memo_t *m,
    ngx_table_elt_t *h, ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static void ngx_maint_cookie_memo_keep(ngx_pool_t *pool,
    ngx_maint_cookie_memo_t *m, ngx_table_elt_t *h, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf);


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
    maint_siphash13(ngx_maint_sip_key, value, len, key, 16);
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
    ngx_table_elt_t          *h;
    ngx_maint_collect_t       cl;
    ngx_maint_cookie_memo_t  *m;

    if (ctx->sessions_read) {
        return;
    }

    ctx->sessions_read = 1;

    h = ngx_maint_cookie_single(r);
    m = h ? ngx_maint_cookie_memo(r) : NULL;

    if (m && ngx_maint_cookie_memo_take(m, h, ctx, lcf)) {
        return;
    }

    cl.ctx = ctx;
    cl.lcf = lcf;

    ngx_maint_cookie_scan(r, &lcf->cookie_names,
                          ngx_maint_session_collect_pair, &cl);

    if (ctx->too_many) {
        ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                      "maint: more than %d \"%V\" cookies, logging off",
                      NGX_MAINT_MAX_SESSIONS, &lcf->session_cookie);
    }

    if (m) {
        ngx_maint_cookie_memo_keep(r->connection->pool, m, h, ctx, lcf);
    }
}


/*
 * A keep-alive connection sends the same Cookie header request after
 * request: what a request's only Cookie header held (one value of the
 * session cookie at most) is kept with its connection, in the
 * connection's pool, and the next request in the same location whose only
 * Cookie header is byte for byte the same takes it over instead of
 * reading and hashing it again.  The request's reference to the value is
 * the memo's own, so the cache entry it finds is kept too (until an entry
 * is freed: ngx_maint_session.c), and from the second such request on,
 * the decision one of them passed on (ngx_maint_kept.c): a header that
 * changes every time costs nothing more.  An HTTP/1 connection runs one
 * request at a time; HTTP/2 and 3 streams have a pool each: nothing is
 * kept there.
 */

#define NGX_MAINT_MEMO_MAX  4096        /* longer headers are read anew */

struct ngx_maint_cookie_memo_s {
    ngx_maint_loc_conf_t  *lcf;
    u_char                *header;      /* a copy */
    size_t                 len;
    size_t                 size;        /* allocated */
    ngx_maint_sref_t       session;     /* the request's, while it runs */
    size_t                 value;       /* the value's offset in a header */
    ngx_uint_t             nsessions;   /* 0 or 1 */
    ngx_maint_kept_t       decision;    /* of a request with the header */
    unsigned               strip:1;     /* as read: a lookup may add it */
    unsigned               foreign:1;
    unsigned               kept:1;
};


static void
ngx_maint_cookie_memo_cleanup(void *data)
{
    /* nothing to free: the memo goes with the connection's pool */
}


static ngx_maint_cookie_memo_t *
ngx_maint_cookie_memo(ngx_http_request_t *r)
{
    ngx_pool_cleanup_t  *cln;

    if (r->http_version > NGX_HTTP_VERSION_11) {
        return NULL;
    }

    for (cln = r->connection->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_maint_cookie_memo_cleanup) {
            return cln->data;
        }
    }

    cln = ngx_pool_cleanup_add(r->connection->pool,
                               sizeof(ngx_maint_cookie_memo_t));
    if (cln == NULL) {
        return NULL;
    }

    ngx_memzero(cln->data, sizeof(ngx_maint_cookie_memo_t));
    cln->handler = ngx_maint_cookie_memo_cleanup;

    return cln->data;
}


static ngx_flag_t
ngx_maint_cookie_memo_take(ngx_maint_cookie_memo_t *m, ngx_table_elt_t *h,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf)
{
    if (!m->kept || m->lcf != lcf || m->len != h->value.len
        || ngx_memcmp(m->header, h->value.data, m->len) != 0)
    {
        return 0;
    }

    ctx->foreign = m->foreign;
    ctx->kept = &m->decision;

    if (m->nsessions) {
        m->session.value = h->value.data + m->value;
        m->session.strip = m->strip;
        ctx->sessions = &m->session;
        ctx->nsessions = 1;
    }

    return 1;
}


static void
ngx_maint_cookie_memo_keep(ngx_pool_t *pool, ngx_maint_cookie_memo_t *m,
    ngx_table_elt_t *h, ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf)
{
    m->kept = 0;
    m->decision.valid = 0;

    if (h->value.len > NGX_MAINT_MEMO_MAX || ctx->nsessions > 1
        || ctx->too_many)
    {
        return;
    }

    if (m->size < h->value.len) {
        /* the old copy stays in the pool: a header seldom grows */
        m->size = ngx_max(h->value.len, 256);
        m->header = ngx_pnalloc(pool, m->size);
        if (m->header == NULL) {
            m->size = 0;
            return;
        }
    }

    ngx_memcpy(m->header, h->value.data, h->value.len);
    m->len = h->value.len;
    m->lcf = lcf;
    m->foreign = ctx->foreign;
    m->nsessions = ctx->nsessions;

    if (ctx->nsessions) {
        m->session = ctx->sessions[0];
        m->value = ctx->sessions[0].value - h->value.data;
        m->strip = ctx->sessions[0].strip;
        ctx->sessions = &m->session;
    }

    m->kept = 1;
}


static ngx_flag_t
ngx_maint_session_checkable(ngx_maint_loc_conf_t *lcf, const char *value,
    size_t len)
{
#if (NGX_PCRE)
    ngx_str_t  v;
#endif

    if (len > MAINT_COOKIE_MAX || !maint_cookie_printable(value, len)) {
        return 0;
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


/* a pair named as one of the location's cookie names */

static void
ngx_maint_session_collect_pair(void *data, int which, int kind,
    const char *value, size_t len)
{
    ngx_maint_collect_t  *cl = data;

    if (ngx_maint_cookie_kind_of(cl->lcf, which, kind)
        == NGX_MAINT_COOKIE_SESSION)
    {
        ngx_maint_session_collect_one(cl->ctx, cl->lcf, value, len);

    } else {
        cl->ctx->foreign = 1;           /* an alias, or the edge's own */
    }
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

    maint_siphash13(ngx_maint_sip_key, value, len, ref->key,
                    sizeof(ref->key));

    for (i = 0; i < ctx->nsessions; i++) {
        if (ngx_memcmp(ctx->sessions[i].key, ref->key, sizeof(ref->key)) == 0)
        {
            return;                     /* the same value twice */
        }
    }

    ref->value = (u_char *) value;
    ref->len = len;
    ref->entry = NULL;
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

    switch (ngx_maint_cookie_kind(u->lcf, name, name_len)) {

    case NGX_MAINT_COOKIE_EDGE:
        keep = 0;
        break;

    case NGX_MAINT_COOKIE_SESSION_ALIAS:
        keep = ctx == NULL;
        break;

    case NGX_MAINT_COOKIE_SESSION:
        if (ctx == NULL) {
            break;
        }

        if (ctx->revoked) {
            keep = 0;
            break;
        }

        /* the checked values were collected; empty ones stay */

        maint_siphash13(ngx_maint_sip_key, value, len, key, sizeof(key));

        for (i = 0; i < ctx->nsessions; i++) {
            if (ngx_memcmp(ctx->sessions[i].key, key, sizeof(key)) == 0) {
                keep = !ctx->sessions[i].strip;
                break;
            }
        }

        break;
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
