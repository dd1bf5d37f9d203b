/*
 * ngx_maint_signin.c: how a superadmin gets past a window at the edge
 * (docs/sessions.md): the bypass (a signed cookie, or an identity the front
 * established), the ?forceLogin=true sign-in page and its form, and the
 * per-address limit on sign-in attempts, shared by the workers.
 *
 * Nothing here waits: the credential check is one SHA-256 and a constant
 * time comparison against the snapshot the request already holds.
 */

#include "ngx_maint_module.h"
#include "ngx_maint_cookie.h"
#include "ngx_maint_clock.h"
#include "ngx_maint_response.h"


#define NGX_MAINT_SIGNIN_BODY_MAX  8192
#define NGX_MAINT_SIGNIN_ZONE      (1024 * 1024)
#define NGX_MAINT_CSRF_MAX_AGE     "3600"   /* MAINT_CSRF_TTL */
#define NGX_MAINT_LIMIT_UNIT       60000    /* an attempt, in 1/min units */
#define NGX_MAINT_LOCATION_MAX     4096


typedef struct {
    ngx_str_node_t          sn;             /* key: crc32 of the address */
    ngx_queue_t             queue;          /* most recent first */
    ngx_msec_t              last;
    uint64_t                excess;         /* attempts x 60000, leaking */
    u_char                  addr[16];
} ngx_maint_limit_node_t;


typedef struct {
    ngx_rbtree_t            rbtree;
    ngx_rbtree_node_t       sentinel;
    ngx_queue_t             queue;
} ngx_maint_limit_sh_t;


typedef struct {
    const maint_snapshot_t *snap;
    int64_t                 now_s;
    int64_t                 max_ttl;
    int                     https;
    u_char                 *name;
    ngx_str_t              *value;          /* the one that verified */
    ngx_flag_t              ok;
} ngx_maint_bypass_check_t;


typedef struct {
    u_char                 *field;          /* the form's "leave" token */
    size_t                  len;
    ngx_flag_t              ok;
} ngx_maint_leave_check_t;


typedef struct {
    u_char                 *value;
    size_t                  len;
} ngx_maint_cookie_value_t;


static ngx_int_t ngx_maint_signin_init_zone(ngx_shm_zone_t *zone,
    void *data);
static void ngx_maint_bypass_one(void *data, const char *value, size_t len,
    int valid);
static void ngx_maint_cookie_first(void *data, const char *value,
    size_t len, int valid);
static void ngx_maint_leave_one(void *data, const char *value, size_t len,
    int valid);
static ngx_flag_t ngx_maint_identity_verified(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
static ngx_flag_t ngx_maint_tls(ngx_http_request_t *r);
static ngx_int_t ngx_maint_leave_post(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static ngx_int_t ngx_maint_signin_headers(ngx_http_request_t *r,
    ngx_uint_t no_store);
static ngx_int_t ngx_maint_see_other(ngx_http_request_t *r);
static ngx_int_t ngx_maint_back_to(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
static void ngx_maint_signin_body(ngx_http_request_t *r);
static ngx_int_t ngx_maint_signin_post(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static ngx_int_t ngx_maint_signin_page(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_uint_t status, char *error,
    int64_t retry_after);
static ngx_int_t ngx_maint_set_cookie(ngx_http_request_t *r,
    const char *name, u_char *value, size_t len, const char *attrs);
static ngx_msec_t ngx_maint_signin_limited(ngx_http_request_t *r);
static ngx_flag_t ngx_maint_same_origin(ngx_http_request_t *r);
static ngx_int_t ngx_maint_read_form(ngx_http_request_t *r, u_char *buf,
    size_t *len);


static ngx_str_t  ngx_maint_bypass_names[2] = {
    ngx_string("maint_bypass"), ngx_string("__Host-maint_bypass")
};

static ngx_str_t  ngx_maint_csrf_names[2] = {
    ngx_string("maint_csrf"), ngx_string("__Host-maint_csrf")
};


/*
 * The sign-in page's Content-Security-Policy: nothing may load or run but
 * its own stylesheet, allowed by its hash (no 'unsafe-inline'); the form
 * posts to this origin only; no frame may hold the page; no <base>.
 */

static ngx_int_t
ngx_maint_signin_csp(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf)
{
    u_char       *p, *start, *end, *last;
    ngx_str_t     hash, b64;
    unsigned char h[32];

    static char  open_tag[] = "<style>";
    static char  close_tag[] = "</style>";
    static char  before[] = "default-src 'none'; style-src 'sha256-";
    static char  after[] = "'; form-action 'self'; "
                           "frame-ancestors 'none'; base-uri 'none'";

    last = (u_char *) maint_signin_page + maint_signin_page_len;

    start = ngx_strlcasestrn((u_char *) maint_signin_page, last,
                             (u_char *) open_tag, sizeof(open_tag) - 2);
    end = start ? ngx_strlcasestrn(start, last, (u_char *) close_tag,
                                   sizeof(close_tag) - 2)
                : NULL;

    if (start == NULL || end == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "built-in sign-in page: no stylesheet");
        return NGX_ERROR;
    }

    start += sizeof(open_tag) - 1;
    maint_sha256(start, end - start, h);

    /*
     * The master keeps no hashing context: NGINX unloads the module
     * without an exit hook of its own to free it (workers free theirs)
     */
    maint_sha256_free();

    hash.data = h;
    hash.len = sizeof(h);
    b64.len = ngx_base64_encoded_length(hash.len);

    p = ngx_pnalloc(cf->pool, sizeof(before) - 1 + b64.len + sizeof(after));
    if (p == NULL) {
        return NGX_ERROR;
    }

    mcf->signin_csp.data = p;
    p = ngx_cpymem(p, before, sizeof(before) - 1);
    b64.data = p;
    ngx_encode_base64(&b64, &hash);
    p += b64.len;
    p = ngx_cpymem(p, after, sizeof(after) - 1);
    mcf->signin_csp.len = p - mcf->signin_csp.data;

    return NGX_OK;
}


ngx_int_t
ngx_maint_signin_init_conf(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf)
{
    ngx_str_t  name = ngx_string("ngx_maint_signin");

    if (ngx_maint_signin_csp(cf, mcf) != NGX_OK) {
        return NGX_ERROR;
    }

    if (mcf->signin_limit == 0) {
        return NGX_OK;
    }

    mcf->signin_zone = ngx_shared_memory_add(cf, &name,
                                             NGX_MAINT_SIGNIN_ZONE,
                                             &ngx_maint_module);
    if (mcf->signin_zone == NULL) {
        return NGX_ERROR;
    }

    mcf->signin_zone->init = ngx_maint_signin_init_zone;

    return NGX_OK;
}


static ngx_int_t
ngx_maint_signin_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_slab_pool_t       *shpool;
    ngx_maint_limit_sh_t  *sh;

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (data) {
        /* a reload: the counts go on */
        zone->data = data;
        return NGX_OK;
    }

    if (zone->shm.exists) {
        zone->data = shpool->data;
        return NGX_OK;
    }

    sh = ngx_slab_alloc(shpool, sizeof(ngx_maint_limit_sh_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    ngx_rbtree_init(&sh->rbtree, &sh->sentinel, ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->queue);

    shpool->data = sh;
    zone->data = sh;

    shpool->log_nomem = 0;

    return NGX_OK;
}


/*
 * Is the request a superadmin's?  The front's identity first, then the
 * bypass cookie; either must name a superadmin of the snapshot the request
 * is decided on, so removing one (or a key) ends it on the next request,
 * and a cookie must have been issued for the superadmin's current
 * credential and over this request's scheme.
 */

ngx_flag_t
ngx_maint_bypassed(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    ngx_str_t                  id;
    const maint_snapshot_t    *snap;
    ngx_maint_bypass_check_t   check;

    snap = ctx->state->snap;

    if (snap->nsuperadmins == 0) {
        return 0;
    }

    if (lcf->superadmin_identity
        && ngx_maint_identity_verified(r, lcf)
        && ngx_http_complex_value(r, lcf->superadmin_identity, &id) == NGX_OK
        && id.len > 0 && id.len < sizeof(ctx->superadmin)
        && maint_snapshot_superadmin(snap, (char *) id.data, id.len))
    {
        ngx_memcpy(ctx->superadmin, id.data, id.len);
        ctx->superadmin[id.len] = '\0';
        return 1;
    }

    check.snap = snap;
    check.now_s = ctx->now_ms / 1000;
    check.max_ttl = lcf->bypass_ttl;
    check.https = ngx_maint_tls(r);
    check.name = ctx->superadmin;
    check.value = &ctx->bypass_cookie;
    check.ok = 0;

    ngx_maint_cookies_each(r, &ngx_maint_bypass_names[ngx_maint_tls(r)],
                           ngx_maint_bypass_one, &check);

    return check.ok;
}


static void
ngx_maint_bypass_one(void *data, const char *value, size_t len, int valid)
{
    ngx_maint_bypass_check_t  *check = data;

    if (check->ok || !valid) {
        return;
    }

    check->ok = maint_bypass_verify(check->snap, value, len, check->https,
                                    check->now_s, check->max_ttl,
                                    (char *) check->name)
                == MAINT_BYPASS_OK;

    if (check->ok) {
        check->value->data = (u_char *) value;
        check->value->len = len;
    }
}


/*
 * An identity from a client certificate ($ssl_client_s_dn and the like)
 * counts only when the certificate was verified: with
 * "ssl_verify_client optional_no_ca" the variables hold whatever
 * certificate the client made up.
 */

static ngx_flag_t
ngx_maint_identity_verified(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    ngx_http_variable_value_t  *v;

    if (lcf->identity_verify == NGX_CONF_UNSET || lcf->identity_verify < 0) {
        return 1;
    }

    v = ngx_http_get_indexed_variable(r, lcf->identity_verify);

    return v != NULL && !v->not_found && v->len == sizeof("SUCCESS") - 1
           && ngx_strncmp(v->data, "SUCCESS", sizeof("SUCCESS") - 1) == 0;
}


static void
ngx_maint_cookie_first(void *data, const char *value, size_t len, int valid)
{
    ngx_maint_cookie_value_t  *cv = data;

    if (cv->value == NULL && valid) {
        cv->value = (u_char *) value;
        cv->len = len;
    }
}


static ngx_flag_t
ngx_maint_tls(ngx_http_request_t *r)
{
#if (NGX_HTTP_SSL)
    return r->connection->ssl != NULL;
#else
    return 0;
#endif
}


/* ?forceLogin=true, on a method the sign-in answers */

ngx_flag_t
ngx_maint_wants_signin(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    size_t       len;
    const char  *v;

    if (!(r->method & (NGX_HTTP_GET|NGX_HTTP_HEAD|NGX_HTTP_POST))) {
        return 0;
    }

    v = maint_arg((char *) r->args.data, r->args.len,
                  (char *) lcf->force_login_arg.data,
                  lcf->force_login_arg.len, &len);

    return v != NULL && len == 4 && ngx_strncmp(v, "true", 4) == 0;
}


/*
 * The superadmin banner's "Leave": a POST with ?forceLogin=leave from a
 * browser that holds a bypass cookie.  Without one there is nothing to
 * leave, and the request is the app's like any other.
 */

ngx_flag_t
ngx_maint_wants_leave(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    size_t                     len;
    const char                *v;
    ngx_maint_cookie_value_t   cv;

    if (r->method != NGX_HTTP_POST) {
        return 0;
    }

    v = maint_arg((char *) r->args.data, r->args.len,
                  (char *) lcf->force_login_arg.data,
                  lcf->force_login_arg.len, &len);

    if (v == NULL || len != 5 || ngx_strncmp(v, "leave", 5) != 0) {
        return 0;
    }

    cv.value = NULL;
    ngx_maint_cookies_each(r, &ngx_maint_bypass_names[ngx_maint_tls(r)],
                           ngx_maint_cookie_first, &cv);

    return cv.value != NULL;
}


/*
 * The sign-in form posted after the window ended: still the edge's, so
 * the credential never reaches the app.  Recognised by the form's cookie.
 */

ngx_flag_t
ngx_maint_signin_posted(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    ngx_maint_cookie_value_t  cv;

    if (r->method != NGX_HTTP_POST || !ngx_maint_wants_signin(r, lcf)) {
        return 0;
    }

    cv.value = NULL;
    ngx_maint_cookies_each(r, &ngx_maint_csrf_names[ngx_maint_tls(r)],
                           ngx_maint_cookie_first, &cv);

    return cv.value != NULL;
}


/* The sign-in: the page for GET and HEAD, the form's check for POST. */

ngx_int_t
ngx_maint_signin(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    ngx_int_t  rc;

    if (r->method != NGX_HTTP_POST) {
        return ngx_maint_signin_page(r, ctx, NGX_HTTP_OK, NULL, 0);
    }

    if (r->headers_in.content_length_n > NGX_MAINT_SIGNIN_BODY_MAX) {
        return ngx_maint_signin_page(r, ctx,
                                     NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                     "The form was too large.", 0);
    }

    r->request_body_in_single_buf = 1;

    /*
     * Until the body is in, the phases must not run again: a writable
     * socket would re-enter them (and hand us a partial body).
     */
    ctx->reading_body = 1;
    r->write_event_handler = ngx_http_request_empty_handler;

    rc = ngx_http_read_client_request_body(r, ngx_maint_signin_body);

    if (rc >= NGX_HTTP_SPECIAL_RESPONSE) {
        ctx->reading_body = 0;
        return rc;
    }

    return NGX_DONE;
}


static void
ngx_maint_signin_body(ngx_http_request_t *r)
{
    ngx_maint_ctx_t       *ctx;
    ngx_maint_loc_conf_t  *lcf;

    ctx = ngx_maint_get_ctx(r);
    lcf = ngx_http_get_module_loc_conf(r, ngx_maint_module);

    if (ctx == NULL) {
        ngx_http_finalize_request(r, NGX_HTTP_INTERNAL_SERVER_ERROR);
        return;
    }

    ctx->reading_body = 0;

    ngx_http_finalize_request(r, ctx->leaving
                                 ? ngx_maint_leave_post(r, ctx, lcf)
                                 : ngx_maint_signin_post(r, ctx, lcf));
}


static ngx_int_t
ngx_maint_signin_post(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    u_char                    *p, form[NGX_MAINT_SIGNIN_BODY_MAX],
                               name[MAINT_MAX_ID_LEN + 1], credential[513],
                               csrf[MAINT_CSRF_MAX_LEN + 1],
                               cookie[MAINT_BYPASS_MAX_LEN];
    long                       name_len, credential_len, csrf_len;
    size_t                     form_len, len;
    int64_t                    now_s;
    ngx_msec_t                 wait;
    const char                *why;
    const maint_snapshot_t    *snap;
    const maint_superadmin_t  *sa;
    ngx_maint_main_conf_t     *mcf;
    ngx_maint_cookie_value_t   cv;

    mcf = ngx_http_get_module_main_conf(r, ngx_maint_module);

    if (mcf->signin_limit) {
        wait = ngx_maint_signin_limited(r);

        if (wait) {
            ngx_maint_metric_inc(NGX_MAINT_M_SIGNIN_LIMITED);
            ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                          "maint: superadmin sign-in from %V refused by "
                          "maint_signin_limit", &r->connection->addr_text);

            return ngx_maint_signin_page(r, ctx, NGX_HTTP_TOO_MANY_REQUESTS,
                                         "Too many attempts. Please wait "
                                         "before trying again.",
                                         (wait + 999) / 1000);
        }
    }

    snap = ctx->state ? ctx->state->snap : NULL;
    why = NULL;

    if (snap == NULL) {
        /* Redis is down and nothing is known: nobody can be checked */
        return ngx_maint_signin_page(r, ctx, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "Sign-in is not available right now. "
                                     "Please try again in a moment.", 30);
    }

    if (!ngx_maint_same_origin(r)) {
        why = "another origin";
        goto forbidden;
    }

    form_len = sizeof(form);

    if (ngx_maint_read_form(r, form, &form_len) != NGX_OK) {
        return ngx_maint_signin_page(r, ctx,
                                     NGX_HTTP_REQUEST_ENTITY_TOO_LARGE,
                                     "The form was too large.", 0);
    }

    name_len = maint_form_field((char *) form, form_len, "name",
                                (char *) name, sizeof(name));
    credential_len = maint_form_field((char *) form, form_len, "credential",
                                      (char *) credential,
                                      sizeof(credential));
    csrf_len = maint_form_field((char *) form, form_len, "csrf",
                                (char *) csrf, sizeof(csrf));

    cv.value = NULL;
    ngx_maint_cookies_each(r, &ngx_maint_csrf_names[ngx_maint_tls(r)],
                           ngx_maint_cookie_first, &cv);

    if (csrf_len < 0 || cv.value == NULL
        || !maint_csrf_check(snap, ngx_maint_tls(r),
                             ngx_maint_now_ms() / 1000, (char *) cv.value,
                             cv.len, (char *) csrf, csrf_len))
    {
        why = "form token";
        goto forbidden;
    }

    sa = NULL;

    if (name_len <= 0 || credential_len <= 0
        || (sa = maint_credential_check(snap, (char *) name, name_len,
                                        (char *) credential, credential_len))
           == NULL)
    {
        ngx_explicit_memzero(credential, sizeof(credential));
        ngx_maint_metric_inc(NGX_MAINT_M_SIGNIN_FAILED);
        ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                      "maint: superadmin sign-in from %V failed: unknown "
                      "name or wrong credential", &r->connection->addr_text);

        return ngx_maint_signin_page(r, ctx, NGX_HTTP_UNAUTHORIZED,
                                     "That name and credential do not "
                                     "match a superadmin.", 0);
    }

    ngx_explicit_memzero(credential, sizeof(credential));

    if (snap->signing_key == NULL) {
        return ngx_maint_signin_page(r, ctx, NGX_HTTP_SERVICE_UNAVAILABLE,
                                     "Sign-in is not available: there is "
                                     "no bypass key.", 0);
    }

    /* signed in: the bypass cookie, then back where the user wanted to go */

    now_s = ngx_maint_now_ms() / 1000;

    len = maint_bypass_sign(snap->signing_key, sa, ngx_maint_tls(r), now_s,
                            now_s + lcf->bypass_ttl, (char *) cookie,
                            sizeof(cookie));

    if (len == 0 || ngx_maint_back_to(r, lcf) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    p = ngx_pnalloc(r->pool, sizeof("; Path=/; Max-Age=; HttpOnly; "
                                    "SameSite=Lax") + NGX_TIME_T_LEN);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    *ngx_sprintf(p, "; Path=/; Max-Age=%T; HttpOnly; SameSite=Lax",
                 lcf->bypass_ttl) = '\0';

    if (ngx_maint_set_cookie(r, "bypass", cookie, len, (char *) p) != NGX_OK
        || ngx_maint_set_cookie(r, "csrf", NULL, 0,
                                "; Path=/; Max-Age=0; HttpOnly; "
                                "SameSite=Strict")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_memcpy(ctx->superadmin, name, name_len);
    ctx->superadmin[name_len] = '\0';

    ngx_maint_metric_inc(NGX_MAINT_M_SIGNIN_OK);
    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "maint: superadmin \"%s\" signed in from %V",
                  ctx->superadmin, &r->connection->addr_text);

    return ngx_maint_see_other(r);

forbidden:

    ngx_maint_metric_inc(NGX_MAINT_M_SIGNIN_FAILED);
    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "maint: superadmin sign-in from %V refused: %s",
                  &r->connection->addr_text, why);

    return ngx_maint_signin_page(r, ctx, NGX_HTTP_FORBIDDEN,
                                 "The form expired or came from another "
                                 "site. Please try again.", 0);
}


/* The page, with a fresh form token in the form and in a cookie. */

static ngx_int_t
ngx_maint_signin_page(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_uint_t status, char *error, int64_t retry_after)
{
    u_char                    *token;
    size_t                     len;
    const maint_snapshot_t    *snap;
    maint_template_vars_t      extra;
    ngx_maint_main_conf_t     *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_maint_module);
    snap = ctx->state ? ctx->state->snap : NULL;

    ngx_memzero(&extra, sizeof(extra));

    token = ngx_pnalloc(r->pool, MAINT_CSRF_MAX_LEN + 1);
    if (token == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    len = maint_csrf_make(snap ? snap->signing_key : NULL, ngx_maint_tls(r),
                          ngx_maint_now_ms() / 1000, (char *) token,
                          MAINT_CSRF_MAX_LEN + 1);

    if (len == 0 && error == NULL) {
        /* no key yet: nobody could sign in, say so */
        error = "Sign-in is not available: no superadmin is set up.";
    }

    if (len
        && ngx_maint_set_cookie(r, "csrf", token, len,
                                "; Path=/; Max-Age=" NGX_MAINT_CSRF_MAX_AGE
                                "; HttpOnly; SameSite=Strict")
           != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (ngx_maint_signin_headers(r, 0) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    extra.v[MAINT_PH_CSRF].data = (char *) token;
    extra.v[MAINT_PH_CSRF].len = len;

    if (error) {
        extra.v[MAINT_PH_ERROR].data = error;
        extra.v[MAINT_PH_ERROR].len = ngx_strlen(error);
    }

    return ngx_maint_send_page(r, ctx, mcf->signin_page,
                               NGX_MAINT_KIND_SIGNIN, status, 0, &extra,
                               retry_after);
}


/*
 * Set-Cookie for one of the edge's own cookies: "bypass" or "csrf", named
 * with the __Host- prefix and Secure over TLS.
 */

static ngx_int_t
ngx_maint_set_cookie(ngx_http_request_t *r, const char *which,
    u_char *value, size_t len, const char *attrs)
{
    u_char      *v, *p;
    size_t       size;
    ngx_uint_t   tls;
    ngx_str_t   *name;

    tls = ngx_maint_tls(r);
    name = which[0] == 'b' ? &ngx_maint_bypass_names[tls]
                           : &ngx_maint_csrf_names[tls];

    size = name->len + 1 + len + ngx_strlen(attrs) + sizeof("; Secure") - 1;

    v = ngx_pnalloc(r->pool, size);
    if (v == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(v, name->data, name->len);
    *p++ = '=';

    if (len) {
        p = ngx_cpymem(p, value, len);  /* an expiry has none (NULL) */
    }

    p = ngx_cpymem(p, attrs, ngx_strlen(attrs));

    if (tls) {
        p = ngx_cpymem(p, "; Secure", sizeof("; Secure") - 1);
    }

    if (ngx_maint_add_header(r, "Set-Cookie", sizeof("Set-Cookie") - 1, v,
                             p - v)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * A cross-site post is refused outright when the browser says so: an
 * Origin that is not this site's, or Sec-Fetch-Site: cross-site.  Without
 * those headers the form token decides.
 */

static ngx_flag_t
ngx_maint_same_origin(ngx_http_request_t *r)
{
    u_char           *p;
    size_t            scheme;
    ngx_table_elt_t  *origin, *site, *host;

    site = ngx_maint_header_in(r, "Sec-Fetch-Site",
                               sizeof("Sec-Fetch-Site") - 1);

    if (site && site->value.len == sizeof("cross-site") - 1
        && ngx_strncasecmp(site->value.data, (u_char *) "cross-site",
                           sizeof("cross-site") - 1) == 0)
    {
        return 0;
    }

    origin = ngx_maint_header_in(r, "Origin", sizeof("Origin") - 1);
    if (origin == NULL) {
        return 1;
    }

    /*
     * "Origin: null" is what a browser sends for a form posted under a
     * stricter referrer policy than the sign-in page's "same-origin" (a
     * privacy extension), but also from a sandboxed frame or a data: page
     * anywhere.  It counts as this origin only when the browser says so
     * (Sec-Fetch-Site, which no page can set).
     */

    if (origin->value.len == sizeof("null") - 1
        && ngx_strncmp(origin->value.data, "null", sizeof("null") - 1) == 0)
    {
        return site != NULL
               && site->value.len == sizeof("same-origin") - 1
               && ngx_strncasecmp(site->value.data, (u_char *) "same-origin",
                                  sizeof("same-origin") - 1) == 0;
    }

    host = r->headers_in.host;
    if (host == NULL) {
        return 0;
    }

    p = origin->value.data;
    scheme = ngx_maint_tls(r) ? sizeof("https://") - 1
                              : sizeof("http://") - 1;

    return origin->value.len == scheme + host->value.len
           && ngx_strncasecmp(p, (u_char *) (ngx_maint_tls(r) ? "https://"
                                                              : "http://"),
                              scheme) == 0
           && ngx_strncasecmp(p + scheme, host->value.data, host->value.len)
              == 0;
}


/*
 * The 303 of a sign-in or a Leave, its Location and cookies set: the
 * answer that carries the cookie is never stored on the way.
 */

static ngx_int_t
ngx_maint_see_other(ngx_http_request_t *r)
{
    r->headers_out.status = NGX_HTTP_SEE_OTHER;
    r->headers_out.content_length_n = 0;
    r->header_only = 1;

    if (ngx_maint_signin_headers(r, 1) != NGX_OK) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_send_header(r);
}


/*
 * The headers of every sign-in answer: not stored, not framed, nothing
 * loaded or run but the page's own stylesheet, no Referer anywhere.
 */

static ngx_int_t
ngx_maint_signin_headers(ngx_http_request_t *r, ngx_uint_t no_store)
{
    ngx_uint_t              i;
    ngx_maint_main_conf_t  *mcf;

    static struct {
        char   *key;
        char   *value;
    } h[] = {
        { "X-Frame-Options", "DENY" },
        { "X-Content-Type-Options", "nosniff" },
        { "Referrer-Policy", "same-origin" },
    };

    mcf = ngx_http_get_module_main_conf(r, ngx_maint_module);

    /* a page adds no-store itself (ngx_maint_send_page) */
    if (no_store
        && ngx_maint_add_header(r, "Cache-Control",
                                sizeof("Cache-Control") - 1,
                                (u_char *) "no-store", sizeof("no-store") - 1)
           == NULL)
    {
        return NGX_ERROR;
    }

    if (ngx_maint_add_header(r, "Content-Security-Policy",
                             sizeof("Content-Security-Policy") - 1,
                             mcf->signin_csp.data, mcf->signin_csp.len)
        == NULL)
    {
        return NGX_ERROR;
    }

    for (i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
        if (ngx_maint_add_header(r, h[i].key, ngx_strlen(h[i].key),
                                 (u_char *) h[i].value,
                                 ngx_strlen(h[i].value))
            == NULL)
        {
            return NGX_ERROR;
        }
    }

    return NGX_OK;
}


/*
 * Location: back to the path the user came for, without the forceLogin
 * argument.  Relative, not r->headers_out.location: the host is never the
 * request's.
 */

static ngx_int_t
ngx_maint_back_to(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    u_char  *p;
    size_t   len;

    p = ngx_pnalloc(r->pool, NGX_MAINT_LOCATION_MAX);
    if (p == NULL) {
        return NGX_ERROR;
    }

    len = maint_local_redirect((char *) r->uri.data, r->uri.len,
                               (char *) r->args.data, r->args.len,
                               (char *) lcf->force_login_arg.data,
                               lcf->force_login_arg.len, (char *) p,
                               NGX_MAINT_LOCATION_MAX);

    if (ngx_maint_add_header(r, "Location", sizeof("Location") - 1, p, len)
        == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * "Leave" posted from the superadmin banner: the bypass cookie expires,
 * and the browser goes back to the page it was on (which, during the
 * window, is now the maintenance page).  The form's token is derived from
 * the cookie (maint_bypass_leave_token): another site cannot know it.
 */

static ngx_int_t
ngx_maint_leave_post(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    u_char                    form[NGX_MAINT_SIGNIN_BODY_MAX],
                              field[MAINT_LEAVE_TOKEN_LEN + 2];
    long                      field_len;
    size_t                    form_len;
    ngx_maint_leave_check_t   check;

    form_len = sizeof(form);

    if (!ngx_maint_same_origin(r)
        || ngx_maint_read_form(r, form, &form_len) != NGX_OK
        || (field_len = maint_form_field((char *) form, form_len, "leave",
                                         (char *) field, sizeof(field)))
           != MAINT_LEAVE_TOKEN_LEN)
    {
        goto forbidden;
    }

    check.field = field;
    check.len = (size_t) field_len;
    check.ok = 0;

    ngx_maint_cookies_each(r, &ngx_maint_bypass_names[ngx_maint_tls(r)],
                           ngx_maint_leave_one, &check);

    if (!check.ok) {
        goto forbidden;
    }

    if (ngx_maint_set_cookie(r, "bypass", NULL, 0,
                             "; Path=/; Max-Age=0; HttpOnly; SameSite=Lax")
        != NGX_OK
        || ngx_maint_back_to(r, lcf) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    ngx_log_error(NGX_LOG_NOTICE, r->connection->log, 0,
                  "maint: a superadmin left the bypass from %V",
                  &r->connection->addr_text);

    return ngx_maint_see_other(r);

forbidden:

    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "maint: \"leave\" from %V refused: another origin or "
                  "not this browser's form", &r->connection->addr_text);

    return ngx_maint_signin_page(r, ctx, NGX_HTTP_FORBIDDEN,
                                 "The form expired or came from another "
                                 "site. Please try again.", 0);
}


static void
ngx_maint_leave_one(void *data, const char *value, size_t len, int valid)
{
    ngx_maint_leave_check_t  *check = data;

    if (!check->ok && valid) {
        check->ok = maint_bypass_leave_check(value, len,
                                             (char *) check->field,
                                             check->len);
    }
}


/*
 * The "Leave" form of the superadmin banner, as markup: it posts to the
 * page it is on, with ?forceLogin=leave and the token of the cookie that
 * bypassed.  Empty when the bypass is not a cookie's (an identity the
 * front established cannot be left here).
 */

ngx_int_t
ngx_maint_leave_form(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_str_t *out)
{
    u_char                *action, *p, c;
    size_t                 len, size;
    char                   token[MAINT_LEAVE_TOKEN_LEN + 1];
    ngx_maint_loc_conf_t  *lcf;

    static char  open1[] = "<form method=\"post\" action=\"";
    static char  open2[] =
        "\" style=\"all:unset;display:inline\">"
        "<input type=\"hidden\" name=\"leave\" value=\"";
    static char  close[] =
        "\"><button type=\"submit\" style=\"all:unset;cursor:pointer;"
        "text-decoration:underline;margin-left:.75em\">Leave</button>"
        "</form>";

    out->len = 0;
    out->data = NULL;

    if (ctx->bypass_cookie.len == 0) {
        return NGX_OK;
    }

    lcf = ngx_http_get_module_loc_conf(r, ngx_maint_module);

    /* the page's own path and arguments, "forceLogin" dropped, then ours */

    size = r->uri.len * 3 + 1 + r->args.len + 1 + lcf->force_login_arg.len
           + sizeof("=leave");

    action = ngx_pnalloc(r->pool, size);
    if (action == NULL) {
        return NGX_ERROR;
    }

    len = maint_local_redirect((char *) r->uri.data, r->uri.len,
                               (char *) r->args.data, r->args.len,
                               (char *) lcf->force_login_arg.data,
                               lcf->force_login_arg.len, (char *) action,
                               size);

    p = action + len;
    c = ngx_strlchr(action, p, '?') ? '&' : '?';
    *p++ = c;
    p = ngx_cpymem(p, lcf->force_login_arg.data, lcf->force_login_arg.len);
    p = ngx_cpymem(p, "=leave", sizeof("=leave") - 1);
    len = p - action;

    maint_bypass_leave_token((char *) ctx->bypass_cookie.data,
                             ctx->bypass_cookie.len, token);

    out->data = ngx_pnalloc(r->pool,
                            sizeof(open1) - 1
                            + maint_html_escape(NULL, (char *) action, len)
                            + sizeof(open2) - 1 + MAINT_LEAVE_TOKEN_LEN
                            + sizeof(close) - 1);
    if (out->data == NULL) {
        return NGX_ERROR;
    }

    p = ngx_cpymem(out->data, open1, sizeof(open1) - 1);
    p += maint_html_escape((char *) p, (char *) action, len);
    p = ngx_cpymem(p, open2, sizeof(open2) - 1);
    p = ngx_cpymem(p, token, ngx_strlen(token));
    p = ngx_cpymem(p, close, sizeof(close) - 1);
    out->len = p - out->data;

    return NGX_OK;
}


/* The posted form, in memory: it is at most 8 KiB or refused. */

static ngx_int_t
ngx_maint_read_form(ngx_http_request_t *r, u_char *buf, size_t *len)
{
    size_t        n, size;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    n = 0;

    if (r->request_body == NULL) {
        *len = 0;
        return NGX_OK;
    }

    for (cl = r->request_body->bufs; cl; cl = cl->next) {
        b = cl->buf;

        if (b->in_file && !ngx_buf_in_memory(b)) {
            return NGX_ERROR;
        }

        size = b->last - b->pos;

        if (size > *len - n) {
            return NGX_ERROR;
        }

        ngx_memcpy(buf + n, b->pos, size);
        n += size;
    }

    *len = n;

    return NGX_OK;
}


/*
 * The attempts an address may make: maint_signin_limit a minute, with as
 * many at once.  A leaky bucket in the shared zone, one node per address;
 * the least recently used make room when the zone is full.  Returns 0 when
 * the attempt may go on, else the ms until one may.
 */

static ngx_msec_t
ngx_maint_signin_limited(ngx_http_request_t *r)
{
    u_char                  *addr;
    size_t                   len;
    uint32_t                 hash;
    uint64_t                 excess, leak, burst;
    ngx_str_t                key;
    ngx_msec_t               now, wait;
    ngx_uint_t               i;
    ngx_msec_int_t           elapsed;
    ngx_queue_t             *q;
    ngx_slab_pool_t         *shpool;
    struct sockaddr         *sa;
    ngx_maint_limit_sh_t    *sh;
    ngx_maint_limit_node_t  *node;
    ngx_maint_main_conf_t   *mcf;

    mcf = ngx_http_get_module_main_conf(r, ngx_maint_module);
    sa = r->connection->sockaddr;

    switch (sa->sa_family) {

    case AF_INET:
        addr = (u_char *) &((struct sockaddr_in *) sa)->sin_addr;
        len = 4;
        break;

#if (NGX_HAVE_INET6)
    case AF_INET6:
        addr = ((struct sockaddr_in6 *) sa)->sin6_addr.s6_addr;
        len = 16;
        break;
#endif

    default:
        /* a unix socket: every client is the same one */
        addr = (u_char *) "unix";
        len = 4;
    }

    key.data = addr;
    key.len = len;
    hash = ngx_crc32_short(addr, len);

    shpool = (ngx_slab_pool_t *) mcf->signin_zone->shm.addr;
    sh = mcf->signin_zone->data;

    now = ngx_current_msec;
    burst = (uint64_t) mcf->signin_limit * NGX_MAINT_LIMIT_UNIT;
    wait = 0;

    ngx_shmtx_lock(&shpool->mutex);

    node = (ngx_maint_limit_node_t *) ngx_str_rbtree_lookup(&sh->rbtree,
                                                           &key, hash);

    if (node) {
        /* another worker's clock may be a little behind this one's */
        elapsed = (ngx_msec_int_t) (now - node->last);
        leak = elapsed > 0 ? (uint64_t) elapsed * mcf->signin_limit : 0;
        excess = node->excess > leak ? node->excess - leak : 0;
        excess += NGX_MAINT_LIMIT_UNIT;

        if (excess > burst) {
            wait = (excess - burst + mcf->signin_limit - 1)
                   / mcf->signin_limit;

        } else {
            node->excess = excess;
            node->last = now;
            ngx_queue_remove(&node->queue);
            ngx_queue_insert_head(&sh->queue, &node->queue);
        }

        ngx_shmtx_unlock(&shpool->mutex);
        return wait;
    }

    for (i = 0; i < 3; i++) {
        node = ngx_slab_alloc_locked(shpool, sizeof(ngx_maint_limit_node_t));

        if (node || ngx_queue_empty(&sh->queue)) {
            break;
        }

        /* full: the address seen longest ago makes room */

        q = ngx_queue_last(&sh->queue);
        ngx_queue_remove(q);
        node = ngx_queue_data(q, ngx_maint_limit_node_t, queue);
        ngx_rbtree_delete(&sh->rbtree, &node->sn.node);
        ngx_slab_free_locked(shpool, node);
        node = NULL;
    }

    if (node) {
        ngx_memcpy(node->addr, addr, len);
        node->sn.str.data = node->addr;
        node->sn.str.len = len;
        node->sn.node.key = hash;
        node->last = now;
        node->excess = NGX_MAINT_LIMIT_UNIT;

        ngx_rbtree_insert(&sh->rbtree, &node->sn.node);
        ngx_queue_insert_head(&sh->queue, &node->queue);
    }

    ngx_shmtx_unlock(&shpool->mutex);

    return 0;
}


/*
 * The edge's own cookies, by any name an app may read them under: they are
 * the edge's business only and never reach the upstream.
 */

ngx_flag_t
ngx_maint_edge_cookie(const char *name, size_t len)
{
    ngx_uint_t  i;

    for (i = 0; i < 2; i++) {
        if (maint_cookie_name(name, len,
                              (char *) ngx_maint_bypass_names[i].data,
                              ngx_maint_bypass_names[i].len)
            != MAINT_NAME_OTHER
            || maint_cookie_name(name, len,
                                 (char *) ngx_maint_csrf_names[i].data,
                                 ngx_maint_csrf_names[i].len)
               != MAINT_NAME_OTHER)
        {
            return 1;
        }
    }

    return 0;
}
