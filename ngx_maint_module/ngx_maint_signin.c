/*
 * ngx_maint_signin.c: how a superadmin gets past a window at the edge
 * (docs/sessions.md): the bypass (a signed cookie, or an identity the front
 * established), the ?forceLogin=true sign-in and its form's check, and the
 * banner's "Leave".  The page is ngx_maint_signin_page.c's, the limit on
 * attempts ngx_maint_signin_limit.c's.
 *
 * Nothing here waits: the credential check is one SHA-256 and a constant
 * time comparison against the snapshot the request already holds.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_signin.h"
#include "ngx_maint_signin_page.h"
#include "ngx_maint_signin_limit.h"
#include "ngx_maint_edge_cookie.h"
#include "ngx_maint_ctx.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_response.h"
#include "ngx_maint_session.h"
#include "ngx_maint_state.h"
#include "maint_bypass.h"
#include "maint_hash.h"
#include "maint_http.h"
#include "maint_default_page.h"
#include "ngx_maint_cookie.h"
#include "ngx_maint_clock.h"


#define NGX_MAINT_SIGNIN_BODY_MAX  8192


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


static void ngx_maint_bypass_one(void *data, const char *value, size_t len,
    int valid);
static void ngx_maint_cookie_first(void *data, const char *value,
    size_t len, int valid);
static void ngx_maint_leave_one(void *data, const char *value, size_t len,
    int valid);
static void ngx_maint_cookie_find(ngx_http_request_t *r, ngx_str_t *names,
    ngx_maint_cookie_value_t *cv);
static ngx_flag_t ngx_maint_identity_verified(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
static ngx_int_t ngx_maint_leave_post(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static void ngx_maint_signin_body(ngx_http_request_t *r);
static ngx_int_t ngx_maint_signin_post(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf);
static ngx_int_t ngx_maint_signin_refused(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_msec_t wait);
static ngx_int_t ngx_maint_signed_in(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf,
    const maint_superadmin_t *sa, u_char *name, long name_len);
static ngx_flag_t ngx_maint_same_origin(ngx_http_request_t *r);
static ngx_int_t ngx_maint_read_form(ngx_http_request_t *r, u_char *buf,
    size_t *len);;


ngx_int_t
ngx_maint_signin_init_conf(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf)
{
    if (ngx_maint_signin_csp(cf, mcf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_maint_signin_limit_init(cf, mcf);
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


/* the first well-formed value of one of the edge's cookies, by scheme */

static void
ngx_maint_cookie_find(ngx_http_request_t *r, ngx_str_t *names,
    ngx_maint_cookie_value_t *cv)
{
    cv->value = NULL;
    ngx_maint_cookies_each(r, &names[ngx_maint_tls(r)],
                           ngx_maint_cookie_first, cv);
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

    ngx_maint_cookie_find(r, ngx_maint_bypass_names, &cv);

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

    ngx_maint_cookie_find(r, ngx_maint_csrf_names, &cv);

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
    lcf = ngx_maint_get_loc_conf(r);

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
    u_char                     form[NGX_MAINT_SIGNIN_BODY_MAX],
                               name[MAINT_MAX_ID_LEN + 1], credential[513],
                               csrf[MAINT_CSRF_MAX_LEN + 1];
    long                       name_len, credential_len, csrf_len;
    size_t                     form_len;
    ngx_msec_t                 wait;
    const char                *why;
    const maint_snapshot_t    *snap;
    const maint_superadmin_t  *sa;
    ngx_maint_main_conf_t     *mcf;
    ngx_maint_cookie_value_t   cv;

    mcf = ngx_maint_get_main_conf(r);

    if (mcf->signin_limit) {
        wait = ngx_maint_signin_limited(r);

        if (wait) {
            return ngx_maint_signin_refused(r, ctx, wait);
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

    /* a page answered again keeps the name typed (never the credential) */

    if (name_len > 0) {
        ctx->signin_name.data = ngx_pnalloc(r->pool, name_len);
        if (ctx->signin_name.data == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        ngx_memcpy(ctx->signin_name.data, name, name_len);
        ctx->signin_name.len = name_len;
    }

    ngx_maint_cookie_find(r, ngx_maint_csrf_names, &cv);

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

    return ngx_maint_signed_in(r, ctx, lcf, sa, name, name_len);

forbidden:

    ngx_maint_metric_inc(NGX_MAINT_M_SIGNIN_FAILED);
    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "maint: superadmin sign-in from %V refused: %s",
                  &r->connection->addr_text, why);

    return ngx_maint_signin_page(r, ctx, NGX_HTTP_FORBIDDEN,
                                 "The form expired or came from another "
                                 "site. Please try again.", 0);
}


/* maint_signin_limit said no: the page says when to try again */

static ngx_int_t
ngx_maint_signin_refused(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_msec_t wait)
{
    ngx_maint_metric_inc(NGX_MAINT_M_SIGNIN_LIMITED);
    ngx_log_error(NGX_LOG_WARN, r->connection->log, 0,
                  "maint: superadmin sign-in from %V refused by "
                  "maint_signin_limit", &r->connection->addr_text);

    return ngx_maint_signin_page(r, ctx, NGX_HTTP_TOO_MANY_REQUESTS,
                                 "Too many attempts. Please wait "
                                 "before trying again.",
                                 (wait + 999) / 1000);
}


/* the credential matched: the bypass cookie, the form's token expired */

static ngx_int_t
ngx_maint_signed_in(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, const maint_superadmin_t *sa, u_char *name,
    long name_len)
{
    u_char                  *p, cookie[MAINT_BYPASS_MAX_LEN];
    size_t                   len;
    int64_t                  now_s;
    const maint_snapshot_t  *snap;

    snap = ctx->state->snap;
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

    if (ngx_maint_set_cookie(r, ngx_maint_bypass_names, cookie, len,
                             (char *) p)
        != NGX_OK
        || ngx_maint_set_cookie(r, ngx_maint_csrf_names, NULL, 0,
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

    if (ngx_maint_set_cookie(r, ngx_maint_bypass_names, NULL, 0,
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

    lcf = ngx_maint_get_loc_conf(r);

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
