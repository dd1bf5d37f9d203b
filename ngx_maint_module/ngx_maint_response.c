/*
 * ngx_maint_response.c: the answers the edge gives instead of the app: the
 * maintenance page (HTML, from the built-in or a maint_page template) and
 * RFC 9457 problem+json for API clients, with Retry-After and no-store;
 * the "session ended" answer and the superadmin sign-in page.
 *
 * Window answers depend on the window, the template, the status code and
 * the kind, never on the request, so they are rendered once per state and
 * cached with it; Retry-After, the only per-request part, is a header.
 * The other two are rendered per request: they are rare, and the sign-in
 * page carries a per-request token.
 */

#include "ngx_maint_module.h"


#define NGX_MAINT_RENDERED_MAX     64
#define NGX_MAINT_UNAVAILABLE_RETRY 30
#define NGX_MAINT_REFRESH          "30"


struct ngx_maint_rendered_s {
    ngx_maint_rendered_t    *next;
    const maint_template_t  *page;
    const maint_window_t    *window;
    ngx_uint_t               status_code;
    ngx_uint_t               kind;
    ngx_uint_t               json;
    size_t                   len;
    u_char                   data[];
};


typedef struct {
    ngx_str_t   name;           /* problem type, kind placeholder */
    ngx_str_t   headline;
    ngx_str_t   detail;
} ngx_maint_kind_text_t;


static ngx_maint_kind_text_t  ngx_maint_kinds[] = {

    { ngx_string("maintenance"),
      ngx_string("Scheduled maintenance"),
      ngx_string("This service is unavailable while we carry out "
                 "maintenance. It will be back as soon as the work is "
                 "done.") },

    { ngx_string("read_only"),
      ngx_string("Read-only during maintenance"),
      ngx_string("This service is read-only while we carry out "
                 "maintenance. Your change was not saved; please try again "
                 "once the maintenance is over.") },

    { ngx_string("unavailable"),
      ngx_string("Temporarily unavailable"),
      ngx_string("The service is temporarily unavailable. Please try again "
                 "in a moment.") },

    { ngx_string("session_ended"),
      ngx_string("Your session has ended"),
      ngx_string("You have been signed out. Please sign in again.") },

    { ngx_string("signin"),
      ngx_string("Superadmin sign-in"),
      ngx_string("This service is closed for maintenance. Superadmins can "
                 "sign in to work on it.") }
};


static size_t ngx_maint_render(const maint_template_t *page,
    const maint_window_t *w, ngx_uint_t status_code, ngx_uint_t kind,
    ngx_uint_t json, const maint_template_vars_t *extra, u_char *out);
static ngx_maint_rendered_t *ngx_maint_rendered(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_maint_loc_conf_t *lcf, ngx_uint_t kind,
    ngx_uint_t json);
static void ngx_maint_content_type(ngx_http_request_t *r, ngx_uint_t json);


ngx_int_t
ngx_maint_send(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, ngx_maint_kind_e kind)
{
    int64_t                retry;
    ngx_int_t              rc;
    ngx_str_t              body;
    ngx_uint_t             json;
    ngx_chain_t           *out;
    ngx_maint_rendered_t  *rendered;

    json = ngx_maint_wants_json(r, lcf);

    if (kind == NGX_MAINT_KIND_UNAVAILABLE || ctx->window == NULL) {
        body = json ? lcf->unavailable_json : lcf->unavailable_html;
        retry = NGX_MAINT_UNAVAILABLE_RETRY;

    } else {
        rendered = ngx_maint_rendered(r, ctx, lcf, kind, json);
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
        != NGX_OK)
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
    u_char       *p, *retry;
    size_t        len;
    ngx_int_t     rc;
    ngx_chain_t  *out;

    len = ngx_maint_render(page, ctx->window, status, kind, json, extra,
                           NULL);

    p = ngx_pnalloc(r->pool, len);
    if (p == NULL) {
        return NGX_HTTP_INTERNAL_SERVER_ERROR;
    }

    (void) ngx_maint_render(page, ctx->window, status, kind, json, extra, p);

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
        == NULL)
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
    ngx_maint_loc_conf_t *lcf, ngx_uint_t kind, ngx_uint_t json)
{
    size_t                 len;
    ngx_maint_state_t     *st;
    ngx_maint_rendered_t  *e;

    st = ctx->state;

    for (e = st->rendered; e; e = e->next) {
        if (e->page == lcf->page && e->window == ctx->window
            && e->status_code == lcf->status_code && e->kind == kind
            && e->json == json)
        {
            return e;
        }
    }

    len = ngx_maint_render(lcf->page, ctx->window, lcf->status_code, kind,
                           json, NULL, NULL);

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

    e->page = lcf->page;
    e->window = ctx->window;
    e->status_code = lcf->status_code;
    e->kind = kind;
    e->json = json;
    e->len = ngx_maint_render(lcf->page, ctx->window, lcf->status_code, kind,
                              json, NULL, e->data);

    if (st->nrendered < NGX_MAINT_RENDERED_MAX) {
        e->next = st->rendered;
        st->rendered = e;
        st->nrendered++;
    }

    return e;
}


void
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

        out->len = ngx_maint_render(page, NULL, lcf->status_code,
                                    NGX_MAINT_KIND_UNAVAILABLE, json, NULL,
                                    NULL);
        out->data = ngx_pnalloc(cf->pool, out->len);
        if (out->data == NULL) {
            return NGX_ERROR;
        }

        (void) ngx_maint_render(page, NULL, lcf->status_code,
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


/*
 * Renders one answer body; with out == NULL returns its exact length.
 * w may be NULL (the "unavailable" answer has no window); extra, if given,
 * sets placeholders of its own (HTML only).
 */

static size_t
ngx_maint_render(const maint_template_t *page, const maint_window_t *w,
    ngx_uint_t status_code, ngx_uint_t kind, ngx_uint_t json,
    const maint_template_vars_t *extra, u_char *out)
{
    ngx_uint_t              i;
    u_char                  status[NGX_INT_T_LEN], start[NGX_INT64_LEN],
                            end[NGX_INT64_LEN];
    size_t                  n;
    u_char                 *p;
    maint_str_t            *v;
    maint_template_vars_t   vars;
    ngx_maint_kind_text_t  *k;

    k = &ngx_maint_kinds[kind];

    if (json) {
        n = 0;
        p = out;

        p = ngx_maint_json_lit(p, &n, "{\"type\":\"urn:ngx-maint:");
        p = ngx_maint_json_lit(p, &n, (char *) k->name.data);
        p = ngx_maint_json_lit(p, &n, "\"");
        p = ngx_maint_json_str(p, &n, "title", (char *) k->headline.data,
                               k->headline.len);

        /* ",\"status\":NNN" */
        n += ngx_sprintf(status, ",\"status\":%ui", status_code) - status;
        if (p) {
            p = ngx_sprintf(p, ",\"status\":%ui", status_code);
        }

        if (w && w->message.len) {
            p = ngx_maint_json_str(p, &n, "detail", w->message.data,
                                   w->message.len);

        } else {
            p = ngx_maint_json_str(p, &n, "detail", (char *) k->detail.data,
                                   k->detail.len);
        }

        if (w) {
            p = ngx_maint_json_str(p, &n, "window_id", w->id.data,
                                   w->id.len);
            p = ngx_maint_json_str(p, &n, "window_title", w->title.data,
                                   w->title.len);
            p = ngx_maint_json_str(p, &n, "starts_at", w->starts_at,
                                   MAINT_RFC3339_LEN);
            p = ngx_maint_json_str(p, &n, "ends_at", w->ends_at,
                                   MAINT_RFC3339_LEN);
        }

        (void) ngx_maint_json_lit(p, &n, "}\n");

        return n;
    }

    ngx_memzero(&vars, sizeof(vars));
    v = vars.v;

    v[MAINT_PH_HEADLINE].data = (char *) k->headline.data;
    v[MAINT_PH_HEADLINE].len = k->headline.len;
    v[MAINT_PH_DETAIL].data = (char *) k->detail.data;
    v[MAINT_PH_DETAIL].len = k->detail.len;
    v[MAINT_PH_KIND].data = (char *) k->name.data;
    v[MAINT_PH_KIND].len = k->name.len;
    v[MAINT_PH_TITLE] = v[MAINT_PH_HEADLINE];
    v[MAINT_PH_REFRESH].data = NGX_MAINT_REFRESH;
    v[MAINT_PH_REFRESH].len = sizeof(NGX_MAINT_REFRESH) - 1;

    v[MAINT_PH_STATUS].data = (char *) status;
    v[MAINT_PH_STATUS].len = ngx_sprintf(status, "%ui", status_code) - status;

    if (w) {
        if (w->title.len) {
            v[MAINT_PH_TITLE] = w->title;
        }

        v[MAINT_PH_MESSAGE] = w->message;
        v[MAINT_PH_NOTIFY_MESSAGE] = w->notify_message;
        v[MAINT_PH_WINDOW_ID] = w->id;
        v[MAINT_PH_STARTS_AT].data = w->starts_at;
        v[MAINT_PH_STARTS_AT].len = MAINT_RFC3339_LEN;
        v[MAINT_PH_ENDS_AT].data = w->ends_at;
        v[MAINT_PH_ENDS_AT].len = MAINT_RFC3339_LEN;
        v[MAINT_PH_STARTS_AT_EPOCH].data = (char *) start;
        v[MAINT_PH_STARTS_AT_EPOCH].len = ngx_sprintf(start, "%L", w->start)
                                          - start;
        v[MAINT_PH_ENDS_AT_EPOCH].data = (char *) end;
        v[MAINT_PH_ENDS_AT_EPOCH].len = ngx_sprintf(end, "%L", w->end) - end;
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
