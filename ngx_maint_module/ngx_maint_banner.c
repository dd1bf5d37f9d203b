/*
 * ngx_maint_banner.c: the banner a superadmin sees on the app's HTML pages
 * while past a window, so nobody forgets the site is closed to everyone
 * else.  It goes right after the opening <body> tag; a page whose <body>
 * does not show up within its first 64 KiB, or that is compressed, is left
 * as it is.
 */

#include "ngx_maint_module.h"


#define NGX_MAINT_BANNER_SCAN  65536

/* the states of the scan for "<body" ... ">" across buffers */
#define NGX_MAINT_B_TEXT       0            /* 1..5: that much of "<body" */
#define NGX_MAINT_B_TAG        6            /* inside the tag */
#define NGX_MAINT_B_QUOTE1     7            /* in a '...' attribute */
#define NGX_MAINT_B_QUOTE2     8            /* in a "..." attribute */


static ngx_int_t ngx_maint_banner_insert(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_chain_t *in, ngx_chain_t *at, u_char *split,
    ngx_chain_t **out);
static ngx_int_t ngx_maint_banner_link(ngx_http_request_t *r, ngx_buf_t *b,
    ngx_chain_t ***ll);
static ngx_buf_t *ngx_maint_banner_buf(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx);


ngx_int_t
ngx_maint_banner_header(ngx_http_request_t *r, ngx_maint_ctx_t *ctx)
{
    ngx_str_t  *type;

    type = &r->headers_out.content_type;

    /* a HEAD is made header_only further down the filters */

    if (r->header_only
        || r->method == NGX_HTTP_HEAD
        || r->headers_out.content_encoding
        || type->len < sizeof("text/html") - 1
        || ngx_strncasecmp(type->data, (u_char *) "text/html",
                           sizeof("text/html") - 1) != 0)
    {
        return NGX_OK;
    }

    ctx->banner = 1;
    ctx->banner_state = NGX_MAINT_B_TEXT;
    ctx->banner_scanned = 0;

    ngx_http_clear_content_length(r);
    ngx_http_clear_accept_ranges(r);
    ngx_http_weak_etag(r);

    r->filter_need_in_memory = 1;

    return NGX_OK;
}


/*
 * Passes the chain on, split after the ">" of "<body ...>" with the
 * banner in between.  The links of "in" are the caller's and stay as they
 * are; the split buffer stays too, only its start moves past the part put
 * before the banner, so whoever owns it still sees when it is sent.
 */

ngx_int_t
ngx_maint_banner_body(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_chain_t *in, ngx_chain_t **out)
{
    u_char       *p, c;
    ngx_buf_t    *b;
    ngx_uint_t    st;
    ngx_chain_t  *cl;

    static u_char  body[] = "<body";

    *out = in;
    st = ctx->banner_state;

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (!ngx_buf_in_memory(b)) {
            continue;
        }

        for (p = b->pos; p < b->last; p++) {
            c = *p;

            if (++ctx->banner_scanned > NGX_MAINT_BANNER_SCAN) {
                goto give_up;
            }

            if (st < NGX_MAINT_B_TAG) {
                if (st == 5
                    && (c == '>' || c == ' ' || c == '\t' || c == '\n'
                        || c == '\r' || c == '/'))
                {
                    /* "<body" and the name ends there: the tag it is */
                    st = NGX_MAINT_B_TAG;

                } else if (st < 5 && ngx_tolower(c) == body[st]) {
                    st++;
                    continue;

                } else {
                    st = (c == '<');
                    continue;
                }
            }

            if (st == NGX_MAINT_B_QUOTE1 || st == NGX_MAINT_B_QUOTE2) {
                if (c == (st == NGX_MAINT_B_QUOTE1 ? '\'' : '"')) {
                    st = NGX_MAINT_B_TAG;
                }

                continue;
            }

            if (c == '\'' || c == '"') {
                st = (c == '\'') ? NGX_MAINT_B_QUOTE1 : NGX_MAINT_B_QUOTE2;
                continue;
            }

            if (c == '>') {
                ctx->banner = 0;

                if (p + 1 == b->last && (b->last_buf || b->last_in_chain)) {
                    return NGX_OK;      /* nothing after <body>: no room */
                }

                return ngx_maint_banner_insert(r, ctx, in, cl, p + 1, out);
            }
        }
    }

    ctx->banner_state = st;

    return NGX_OK;

give_up:

    ctx->banner = 0;

    return NGX_OK;
}


/*
 * The chain again, with the banner at "split" in the buffer of link "at".
 * A split inside a buffer puts its start in a new buffer of our own; one
 * at its end leaves it whole and the banner after it (an empty buffer
 * that is not special would stop the writer).
 */

static ngx_int_t
ngx_maint_banner_insert(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_chain_t *in, ngx_chain_t *at, u_char *split, ngx_chain_t **out)
{
    off_t         n;
    ngx_buf_t    *b, *head;
    ngx_chain_t  *cl, **ll;

    ll = out;
    b = at->buf;

    for (cl = in; cl != at; cl = cl->next) {
        if (ngx_maint_banner_link(r, cl->buf, &ll) != NGX_OK) {
            return NGX_ERROR;
        }
    }

    if (split < b->last) {
        head = ngx_calloc_buf(r->pool);
        if (head == NULL) {
            return NGX_ERROR;
        }

        n = split - b->pos;

        head->pos = b->pos;
        head->last = split;
        head->memory = 1;

        /* a buffer also in a file is sent from the file (sendfile) */
        b->pos = split;
        if (b->in_file) {
            b->file_pos += n;
        }

        if (ngx_maint_banner_link(r, head, &ll) != NGX_OK) {
            return NGX_ERROR;
        }

        head = ngx_maint_banner_buf(r, ctx);
        if (head == NULL || ngx_maint_banner_link(r, head, &ll) != NGX_OK) {
            return NGX_ERROR;
        }

        *ll = at;                       /* the rest: the same links */
        return NGX_OK;
    }

    if (ngx_maint_banner_link(r, b, &ll) != NGX_OK) {
        return NGX_ERROR;
    }

    head = ngx_maint_banner_buf(r, ctx);
    if (head == NULL || ngx_maint_banner_link(r, head, &ll) != NGX_OK) {
        return NGX_ERROR;
    }

    *ll = at->next;

    return NGX_OK;
}


static ngx_int_t
ngx_maint_banner_link(ngx_http_request_t *r, ngx_buf_t *b,
    ngx_chain_t ***ll)
{
    ngx_chain_t  *ln;

    ln = ngx_alloc_chain_link(r->pool);
    if (ln == NULL) {
        return NGX_ERROR;
    }

    ln->buf = b;
    ln->next = NULL;
    **ll = ln;
    *ll = &ln->next;

    return NGX_OK;
}


static ngx_buf_t *
ngx_maint_banner_buf(ngx_http_request_t *r, ngx_maint_ctx_t *ctx)
{
    u_char     *p;
    size_t      name_len, len;
    ngx_buf_t  *b;

    static char  before[] =
        "<div role=\"status\" style=\"all:initial;display:block;"
        "box-sizing:border-box;width:100%;padding:.5em 1em;"
        "background:#b3261e;color:#fff;font:600 14px/1.4 system-ui,"
        "sans-serif;text-align:center;position:relative;z-index:2147483647"
        "\">Maintenance: this site is closed to everyone but superadmins. "
        "Signed in as ";
    static char  after[] = ".</div>";

    name_len = ngx_strlen(ctx->superadmin);
    len = sizeof(before) - 1 + maint_html_escape(NULL,
                                                 (char *) ctx->superadmin,
                                                 name_len)
          + sizeof(after) - 1;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NULL;
    }

    p = ngx_cpymem(b->pos, before, sizeof(before) - 1);
    p += maint_html_escape((char *) p, (char *) ctx->superadmin, name_len);
    p = ngx_cpymem(p, after, sizeof(after) - 1);

    b->last = p;

    return b;
}
