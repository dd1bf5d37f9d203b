/*
 * ngx_maint_response.c: the answers the edge gives instead of the app: the
 * maintenance page (HTML, from the built-in or a maint_page template) and
 * RFC 9457 problem+json for API clients, with Retry-After and no-store;
 * the "session ended" answer and the superadmin sign-in page.
 *
 * Window answers depend on the window, the template, the status code and
 * the kind, never on the request, so they are rendered once per state and
 * cached with it (freed with it: a release hook, ngx_maint_current.c);
 * Retry-After, the only per-request part, is a header.
 * The other two are rendered per request: they are rare, and the sign-in
 * page carries a per-request token.
 */

#include "ngx_maint_response.h"     /* ngx_config.h first, as NGINX needs */
#include "ngx_maint_current.h"
#include "maint_default_page.h"
#include "maint_negotiate.h"


#define NGX_MAINT_RENDERED_MAX     64
#define NGX_MAINT_UNAVAILABLE_RETRY 30
#define NGX_MAINT_REFRESH          "30"
/* "Reference:" in any language, a window id, " (599)" */
#define NGX_MAINT_REFERENCE_LEN    (32 + MAINT_MAX_ID_LEN + 8)


/* the texts ngx_maint_render() makes, on its stack */
typedef struct {
    u_char  start[NGX_INT64_LEN];
    u_char  end[NGX_INT64_LEN];
    u_char  start_utc[NGX_MAINT_UTC_TEXT_LEN];
    u_char  end_utc[NGX_MAINT_UTC_TEXT_LEN];
    u_char  reference[NGX_MAINT_REFERENCE_LEN];
} ngx_maint_render_bufs_t;


struct ngx_maint_rendered_s {
    ngx_maint_rendered_t    *next;
    const maint_template_t  *page;
    const maint_window_t    *window;
    const maint_translation_t  *lang;
    ngx_uint_t               status_code;
    ngx_uint_t               kind;
    ngx_uint_t               json;
    size_t                   len;
    u_char                   data[];
};


/* problem types and the kind placeholder; the texts: maint_page_texts() */
static ngx_str_t  ngx_maint_kind_names[] = {
    ngx_string("maintenance"),
    ngx_string("read_only"),
    ngx_string("unavailable"),
    ngx_string("session_ended"),
    ngx_string("signin")
};


static size_t ngx_maint_render_json(ngx_str_t *name, const char *headline,
    const char *detail, const maint_window_t *w, maint_str_t *title,
    maint_str_t *message, ngx_uint_t status_code, u_char *out);
static size_t ngx_maint_render(const maint_template_t *page,
    const maint_window_t *w, const maint_translation_t *tr,
    ngx_uint_t status_code, ngx_uint_t kind, ngx_uint_t json,
    const maint_template_vars_t *extra, u_char *out);
static ngx_maint_rendered_t *ngx_maint_rendered(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf,
    const maint_translation_t *tr, ngx_uint_t kind, ngx_uint_t json);
static ngx_int_t ngx_maint_language_headers(ngx_http_request_t *r,
    const maint_window_t *w, const maint_translation_t *tr);
static void ngx_maint_content_type(ngx_http_request_t *r, ngx_uint_t json);
static void ngx_maint_rendered_free(ngx_maint_state_t *st);


ngx_int_t
ngx_maint_send(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, ngx_maint_kind_e kind)
{
    int64_t                retry;
    ngx_int_t              rc;
    ngx_str_t              body;
    ngx_uint_t             json;
    ngx_chain_t                *out;
    ngx_maint_rendered_t       *rendered;
    const maint_translation_t  *tr;

    json = ngx_maint_wants_json(r, lcf);
    tr = NULL;

    if (kind == NGX_MAINT_KIND_UNAVAILABLE || ctx->window == NULL) {
        body = json ? lcf->unavailable_json : lcf->unavailable_html;
        retry = NGX_MAINT_UNAVAILABLE_RETRY;

    } else {
        tr = ngx_maint_translation(r, ctx->window);

        rendered = ngx_maint_rendered(r, ctx, lcf, tr, kind, json);
        if (rendered == NULL) {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }

        body.data = rendered->data;
        body.len = rendered->len;
        retry = maint_retry_after(ctx->window, ctx->now_ms);
    }

    if (body.len == 0) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    if (ngx_maint_set_answer_headers(r, lcf, json, retry, body.len)
        != NGX_OK
        || (kind != NGX_MAINT_KIND_UNAVAILABLE
            && ngx_maint_language_headers(r, ctx->window, tr) != NGX_OK))
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    /* the bytes belong to the state, which the request holds a ref on */

    out = ngx_maint_body(r, body.data, body.len);
    if (out == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_output_filter(r, out);
}


/*
 * An answer rendered for this request alone: the "session ended" answer
 * and the sign-in page.  extra: the sign-in page's own placeholders.
 */

ngx_int_t
ngx_maint_send_page(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    const maint_template_t *page, ngx_maint_kind_e kind, ngx_uint_t status,
    ngx_uint_t json, const maint_template_vars_t *extra, int64_t retry_after)
{
    u_char                     *p, *retry;
    size_t                      len;
    ngx_int_t                   rc;
    ngx_chain_t                *out;
    const maint_translation_t  *tr;

    tr = ngx_maint_translation(r, ctx->window);

    len = ngx_maint_render(page, ctx->window, tr, status, kind, json, extra,
                           NULL);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) ngx_maint_render(page, ctx->window, tr, status, kind, json, extra,
                            p);

    /* a no-op when the body was read (the sign-in form) */
    rc = ngx_http_discard_request_body(r);
    if (rc != NGX_OK) {
        return rc;
    }

    r->headers_out.status = status;
    r->headers_out.status_line.len = 0;
    r->headers_out.content_length_n = len;
    ngx_maint_content_type(r, json);

    if (ngx_maint_add_header(r, "Cache-Control", sizeof("Cache-Control") - 1,
                             (u_char *) "no-store", sizeof("no-store") - 1)
        == NULL
        || ngx_maint_language_headers(r, ctx->window, tr) != NGX_OK)
    {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    if (retry_after > 0) {
        retry = ngx_pnalloc(r->pool, NGX_INT64_LEN);
        if (retry == NULL
            || ngx_maint_add_header(r, "Retry-After",
                                    sizeof("Retry-After") - 1, retry,
                                    ngx_sprintf(retry, "%L", retry_after)
                                    - retry)
               == NULL)
        {
            return NGX_HTTP_INTERNAL_SERVER_ERROR;
        }
    }

    rc = ngx_http_send_header(r);

    if (rc == NGX_ERROR || rc > NGX_OK || r->header_only) {
        return rc;
    }

    out = ngx_maint_body(r, p, len);
    if (out == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    return ngx_http_output_filter(r, out);
}


/*
 * The window's texts in the reader's language (Accept-Language), or NULL
 * for its own.  A window without translations never looks at the header.
 */

const maint_translation_t *
ngx_maint_translation(ngx_http_request_t *r, const maint_window_t *w)
{
    ngx_table_elt_t  *h;

    if (w == NULL || w->ntranslations == 0) {
        return NULL;
    }

    h = ngx_maint_header_in(r, "Accept-Language",
                            sizeof("Accept-Language") - 1);
    if (h == NULL) {
        return NULL;
    }

    return maint_lang_pick((char *) h->value.data, h->value.len,
                           w->translations, w->ntranslations);
}


/*
 * A window with translations answers by Accept-Language: caches are told
 * so, and the reader which language it got (the window's own texts are
 * English).  Without translations the answer is what it always was.
 */

static ngx_int_t
ngx_maint_language_headers(ngx_http_request_t *r, const maint_window_t *w,
    const maint_translation_t *tr)
{
    if (w == NULL || w->ntranslations == 0) {
        return NGX_OK;
    }

    if (ngx_maint_add_header(r, "Vary", sizeof("Vary") - 1,
                             (u_char *) "Accept-Language",
                             sizeof("Accept-Language") - 1)
        == NULL
        || ngx_maint_add_header(r, "Content-Language",
                                sizeof("Content-Language") - 1,
                                tr ? (u_char *) tr->lang.data
                                   : (u_char *) "en",
                                tr ? tr->lang.len : 2)
           == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* A whole response body in one buffer, pointing at memory that outlives it */

ngx_chain_t *
ngx_maint_body(ngx_http_request_t *r, u_char *data, size_t len)
{
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    b = ngx_calloc_buf(r->pool);
    if (b == NULL) {
        return NULL;
    }

    cl = ngx_alloc_chain_link(r->pool);
    if (cl == NULL) {
        return NULL;
    }

    b->pos = data;
    b->last = data + len;
    b->memory = 1;
    b->last_buf = 1;
    b->last_in_chain = 1;

    cl->buf = b;
    cl->next = NULL;

    return cl;
}


ngx_int_t
ngx_maint_set_answer_headers(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf,
    ngx_uint_t json, int64_t retry_after, size_t len)
{
    u_char  *p;

    /* a proxied status line ("502 Bad Gateway") would override ours */
    r->headers_out.status = lcf->status_code;
    r->headers_out.status_line.len = 0;
    r->headers_out.content_length_n = len;
    ngx_maint_content_type(r, json);

    p = ngx_pnalloc(r->pool, NGX_INT64_LEN);
    if (p == NULL) {
        return NGX_ERROR;
    }

    if (ngx_maint_add_header(r, "Retry-After", sizeof("Retry-After") - 1, p,
                             ngx_sprintf(p, "%L", retry_after) - p)
        == NULL
        || ngx_maint_add_header(r, "Cache-Control",
                                sizeof("Cache-Control") - 1,
                                (u_char *) "no-store",
                                sizeof("no-store") - 1)
           == NULL)
    {
        return NGX_ERROR;
    }

    return NGX_OK;
}


static void
ngx_maint_content_type(ngx_http_request_t *r, ngx_uint_t json)
{
    if (json) {
        ngx_str_set(&r->headers_out.content_type, "application/problem+json");

    } else {
        ngx_str_set(&r->headers_out.content_type, "text/html");
        ngx_str_set(&r->headers_out.charset, "utf-8");
    }

    r->headers_out.content_type_len = r->headers_out.content_type.len;
    r->headers_out.content_type_lowcase = NULL;
}


ngx_table_elt_t *
ngx_maint_add_header(ngx_http_request_t *r, char *key, size_t key_len,
    u_char *value, size_t len)
{
    ngx_table_elt_t  *h;

    h = ngx_list_push(&r->headers_out.headers);
    if (h == NULL) {
        return NULL;
    }

    h->hash = 1;
    h->key.data = (u_char *) key;
    h->key.len = key_len;
    h->value.data = value;
    h->value.len = len;
#if (nginx_version >= 1023000)
    h->next = NULL;
#endif

    return h;
}


ngx_flag_t
ngx_maint_wants_json(ngx_http_request_t *r, ngx_maint_loc_conf_t *lcf)
{
    ngx_table_elt_t  *h;

    if (lcf->api) {
        return 1;
    }

    h = ngx_maint_header_in(r, "Accept", sizeof("Accept") - 1);

    return h != NULL
           && maint_accept_wants_json((char *) h->value.data, h->value.len);
}


/* The first request header of that name (NGINX indexes only some) */

ngx_table_elt_t *
ngx_maint_header_in(ngx_http_request_t *r, const char *name, size_t len)
{
    ngx_uint_t        i;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;

    part = &r->headers_in.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                return NULL;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        if (h[i].key.len == len
            && ngx_strncasecmp(h[i].key.data, (u_char *) name, len) == 0)
        {
            return &h[i];
        }
    }
}


static ngx_maint_rendered_t *
ngx_maint_rendered(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, const maint_translation_t *tr,
    ngx_uint_t kind, ngx_uint_t json)
{
    size_t                   len;
    ngx_maint_state_t       *st;
    ngx_maint_rendered_t    *e;
    ngx_maint_main_conf_t   *mcf;
    const maint_template_t  *page;

    st = ctx->state;

    /* the built-in page has a page of its own for a refused write */
    mcf = ngx_maint_get_main_conf(r);
    page = lcf->page;

    if (kind == NGX_MAINT_KIND_READ_ONLY && page == mcf->default_page
        && mcf->refusal_page != NULL)
    {
        page = mcf->refusal_page;
    }

    for (e = st->rendered; e; e = e->next) {
        if (e->page == page && e->window == ctx->window && e->lang == tr
            && e->status_code == lcf->status_code && e->kind == kind
            && e->json == json)
        {
            return e;
        }
    }

    len = ngx_maint_render(page, ctx->window, tr, lcf->status_code,
                           kind, json, NULL, NULL);

    /*
     * Cached with the state (freed with it), up to a bound; past it, in
     * the request's pool.
     */

    if (st->nrendered < NGX_MAINT_RENDERED_MAX) {
        e = ngx_alloc(sizeof(ngx_maint_rendered_t) + len, r->connection->log);

    } else {
        e = ngx_palloc(r->pool, sizeof(ngx_maint_rendered_t) + len);
    }

    if (e == NULL) {
        return NULL;
    }

    e->page = page;
    e->window = ctx->window;
    e->lang = tr;
    e->status_code = lcf->status_code;
    e->kind = kind;
    e->json = json;
    e->len = ngx_maint_render(page, ctx->window, tr, lcf->status_code,
                              kind, json, NULL, e->data);

    if (st->nrendered < NGX_MAINT_RENDERED_MAX) {
        e->next = st->rendered;
        st->rendered = e;
        st->nrendered++;
    }

    return e;
}


/* the answers cached with a state go with it (ngx_maint_current.c) */

ngx_int_t
ngx_maint_response_init_worker(void)
{
    return ngx_maint_state_on_release(ngx_maint_rendered_free);
}


/* the state's last reference is gone: so are the answers cached with it */

static void
ngx_maint_rendered_free(ngx_maint_state_t *st)
{
    ngx_maint_rendered_t  *e, *next;

    for (e = st->rendered; e; e = next) {
        next = e->next;
        ngx_free(e);
    }

    st->rendered = NULL;
    st->nrendered = 0;
}


ngx_int_t
ngx_maint_render_unavailable(ngx_conf_t *cf, ngx_maint_loc_conf_t *lcf,
    maint_template_t *page)
{
    ngx_str_t   *out;
    ngx_uint_t   json;

    for (json = 0; json < 2; json++) {
        out = json ? &lcf->unavailable_json : &lcf->unavailable_html;

        out->len = ngx_maint_render(page, NULL, NULL, lcf->status_code,
                                    NGX_MAINT_KIND_UNAVAILABLE, json, NULL,
                                    NULL);
        out->data = ngx_pnalloc(cf->pool, out->len);
        if (out->data == NULL) {
            return NGX_ERROR;
        }

        (void) ngx_maint_render(page, NULL, NULL, lcf->status_code,
                                NGX_MAINT_KIND_UNAVAILABLE, json, NULL,
                                out->data);
    }

    return NGX_OK;
}


/* JSON output helpers: with out == NULL they only count. */

static u_char *
ngx_maint_json_lit(u_char *p, size_t *n, const char *s)
{
    size_t  len = ngx_strlen(s);

    *n += len;
    return p ? ngx_cpymem(p, s, len) : NULL;
}


static u_char *
ngx_maint_json_str(u_char *p, size_t *n, const char *key, const char *s,
    size_t len)
{
    size_t  elen;

    p = ngx_maint_json_lit(p, n, ",\"");
    p = ngx_maint_json_lit(p, n, key);
    p = ngx_maint_json_lit(p, n, "\":\"");

    elen = maint_json_escape((char *) p, s, len);
    *n += elen;

    if (p) {
        p += elen;
    }

    return ngx_maint_json_lit(p, n, "\"");
}


static void
ngx_maint_text(maint_str_t *v, const char *s)
{
    v->data = s;
    v->len = ngx_strlen(s);
}


/* "2026-11-21T22:00:00Z" as people read it: "2026-11-21 22:00 UTC" */

size_t
ngx_maint_utc_text(u_char *out, const char *rfc3339)
{
    u_char  *p;

    p = ngx_cpymem(out, rfc3339, 10);
    *p++ = ' ';
    p = ngx_cpymem(p, rfc3339 + 11, 5);
    p = ngx_cpymem(p, " UTC", 4);

    return p - out;
}


/* The problem+json answer (RFC 9457); with out == NULL only its length */

static size_t
ngx_maint_render_json(ngx_str_t *name, const char *headline,
    const char *detail, const maint_window_t *w, maint_str_t *title,
    maint_str_t *message, ngx_uint_t status_code, u_char *out)
{
    u_char   status[NGX_INT_T_LEN];
    u_char  *p;
    size_t   n;

    n = 0;
    p = out;

    p = ngx_maint_json_lit(p, &n, "{\"type\":\"urn:ngx-maint:");
    p = ngx_maint_json_lit(p, &n, (char *) name->data);
    p = ngx_maint_json_lit(p, &n, "\"");
    p = ngx_maint_json_str(p, &n, "title", headline, ngx_strlen(headline));

    /* ",\"status\":NNN" */
    n += ngx_sprintf(status, ",\"status\":%ui", status_code) - status;
    if (p) {
        p = ngx_sprintf(p, ",\"status\":%ui", status_code);
    }

    if (w && message->len) {
        p = ngx_maint_json_str(p, &n, "detail", message->data,
                               message->len);

    } else {
        p = ngx_maint_json_str(p, &n, "detail", detail,
                               ngx_strlen(detail));
    }

    if (w) {
        p = ngx_maint_json_str(p, &n, "window_id", w->id.data,
                               w->id.len);
        p = ngx_maint_json_str(p, &n, "window_title", title->data,
                               title->len);
        p = ngx_maint_json_str(p, &n, "starts_at", w->starts_at,
                               MAINT_RFC3339_LEN);
        p = ngx_maint_json_str(p, &n, "ends_at", w->ends_at,
                               MAINT_RFC3339_LEN);
    }

    (void) ngx_maint_json_lit(p, &n, "}\n");

    return n;
}


/* The placeholders a window gives (w is not NULL) */

static void
ngx_maint_window_vars(maint_str_t *v, const maint_window_t *w,
    maint_str_t *title, maint_str_t *message, maint_str_t *notify,
    const maint_page_texts_t *pt, ngx_uint_t status_code,
    ngx_maint_render_bufs_t *bufs)
{
    u_char  *p;

    if (title->len) {
        v[MAINT_PH_TITLE] = *title;
    }

    v[MAINT_PH_WINDOW_TITLE] = *title;
    v[MAINT_PH_MESSAGE] = *message;
    v[MAINT_PH_NOTIFY_MESSAGE] = *notify;
    v[MAINT_PH_WINDOW_ID] = w->id;
    v[MAINT_PH_STARTS_AT].data = w->starts_at;
    v[MAINT_PH_STARTS_AT].len = MAINT_RFC3339_LEN;
    v[MAINT_PH_ENDS_AT].data = w->ends_at;
    v[MAINT_PH_ENDS_AT].len = MAINT_RFC3339_LEN;

    p = ngx_sprintf(bufs->start, "%L", w->start);
    v[MAINT_PH_STARTS_AT_EPOCH].data = (char *) bufs->start;
    v[MAINT_PH_STARTS_AT_EPOCH].len = p - bufs->start;

    p = ngx_sprintf(bufs->end, "%L", w->end);
    v[MAINT_PH_ENDS_AT_EPOCH].data = (char *) bufs->end;
    v[MAINT_PH_ENDS_AT_EPOCH].len = p - bufs->end;

    v[MAINT_PH_STARTS_AT_UTC].data = (char *) bufs->start_utc;
    v[MAINT_PH_STARTS_AT_UTC].len = ngx_maint_utc_text(bufs->start_utc,
                                                       w->starts_at);
    v[MAINT_PH_ENDS_AT_UTC].data = (char *) bufs->end_utc;
    v[MAINT_PH_ENDS_AT_UTC].len = ngx_maint_utc_text(bufs->end_utc,
                                                     w->ends_at);

    /* "Reference: ID (503)"; without a window there is none to give */
    p = ngx_snprintf(bufs->reference, sizeof(bufs->reference),
                     "%s %*s (%ui)", pt->reference, w->id.len, w->id.data,
                     status_code);
    v[MAINT_PH_REFERENCE].data = (char *) bufs->reference;
    v[MAINT_PH_REFERENCE].len = p - bufs->reference;
}


/*
 * Renders one answer body; with out == NULL returns its exact length.
 * w may be NULL (the "unavailable" answer has no window); tr, if given,
 * is the window's texts in the reader's language; extra, if given, sets
 * placeholders of its own (HTML only).
 */

static size_t
ngx_maint_render(const maint_template_t *page, const maint_window_t *w,
    const maint_translation_t *tr, ngx_uint_t status_code, ngx_uint_t kind,
    ngx_uint_t json, const maint_template_vars_t *extra, u_char *out)
{
    u_char                     status[NGX_INT_T_LEN];
    ngx_str_t                 *name;
    ngx_maint_render_bufs_t    bufs;
    ngx_uint_t                 i;
    maint_str_t               *v, title, message, notify;
    const char                *headline, *detail;
    maint_template_vars_t      vars;
    const maint_page_texts_t  *en, *pt;

    /* the page's own sentences in the window's language, if we have them */

    name = &ngx_maint_kind_names[kind];
    en = maint_page_texts(NULL, 0);
    pt = (tr && kind != NGX_MAINT_KIND_SIGNIN)
         ? maint_page_texts(tr->lang.data, tr->lang.len) : en;

    if (pt->headline[kind] == NULL) {
        pt = en;
    }

    headline = pt->headline[kind];
    detail = pt->detail[kind];

    if (w) {
        title = tr ? tr->title : w->title;
        message = tr ? tr->message : w->message;
        notify = tr ? tr->notify_message : w->notify_message;

    } else {
        ngx_memzero(&title, sizeof(maint_str_t));
        message = title;
        notify = title;
    }

    if (json) {
        return ngx_maint_render_json(name, headline, detail, w, &title,
                                     &message, status_code, out);
    }

    ngx_memzero(&vars, sizeof(vars));
    v = vars.v;

    ngx_maint_text(&v[MAINT_PH_HEADLINE], headline);
    ngx_maint_text(&v[MAINT_PH_DETAIL], detail);
    ngx_maint_text(&v[MAINT_PH_LABEL_STARTED], pt->started);
    ngx_maint_text(&v[MAINT_PH_LABEL_EXPECTED], pt->expected);
    ngx_maint_text(&v[MAINT_PH_REFRESH_NOTE], pt->refresh_note);
    ngx_maint_text(&v[MAINT_PH_COUNTDOWN], pt->countdown);
    ngx_maint_text(&v[MAINT_PH_COUNTDOWN_SOON], pt->countdown_soon);
    ngx_maint_text(&v[MAINT_PH_REFRESHES], pt->refreshes);
    ngx_maint_text(&v[MAINT_PH_BACK_HINT], pt->back_hint);
    ngx_maint_text(&v[MAINT_PH_BACK_LABEL], pt->back_label);

    v[MAINT_PH_KIND].data = (char *) name->data;
    v[MAINT_PH_KIND].len = name->len;

    /* the page speaks the translation's language only if its texts do */
    if (pt != en) {
        v[MAINT_PH_PAGE_LANG] = tr->lang;

    } else {
        ngx_maint_text(&v[MAINT_PH_PAGE_LANG], "en");
    }
    v[MAINT_PH_TITLE] = v[MAINT_PH_HEADLINE];
    /* the message's language: a translation may leave it the window's */
    if (tr && w && message.data != w->message.data) {
        v[MAINT_PH_LANG] = tr->lang;

    } else {
        ngx_maint_text(&v[MAINT_PH_LANG], "en");
    }
    /*
     * A refused write never reloads: a reload would GET the form again and
     * lose the user's edit (a meta refresh with no content does nothing).
     */
    if (kind != NGX_MAINT_KIND_READ_ONLY) {
        v[MAINT_PH_REFRESH].data = NGX_MAINT_REFRESH;
        v[MAINT_PH_REFRESH].len = sizeof(NGX_MAINT_REFRESH) - 1;

    } else {
        v[MAINT_PH_REFRESHES].len = 0;
    }

    v[MAINT_PH_STATUS].data = (char *) status;
    v[MAINT_PH_STATUS].len = ngx_sprintf(status, "%ui", status_code) - status;

    if (w) {
        ngx_maint_window_vars(v, w, &title, &message, &notify, pt,
                              status_code, &bufs);
    }

    for (i = 0; extra && i < MAINT_PH_COUNT; i++) {
        if (extra->v[i].data) {
            v[i] = extra->v[i];
        }
    }

    if (out == NULL) {
        return maint_template_length(page, &vars);
    }

    return maint_template_render(page, &vars, (char *) out);
}
