/*
 * ngx_maint_banner.c: the banners the module puts into the app's HTML
 * pages, one injector:
 *
 *   - superadmin: what a superadmin sees while past a window, so nobody
 *     forgets the site is closed to everyone else (maint_bypass_banner);
 *   - notice: an upcoming window's notice, its message and start time in
 *     the reader's language and time zone, dismissible for the rest of the
 *     browser session (maint_banner);
 *   - read-only: during a read-only window, on the pages that still pass,
 *     what is closed, the window's message, its start and expected end
 *     (maint_read_only_banner);
 *   - ended: why the edge logged the user off, once, before any of the
 *     others (maint_session_end_notice, ngx_maint_end_notice.c).
 *
 * A banner goes right after the page's <body ...> start tag, as the
 * browser's tokenizer sees it (maint_html.c): never after a "<body>" in a
 * script, a comment, an attribute value or any other text that markup
 * would break out of.  Only text/html without Content-Encoding, with a
 * body (not HEAD, 204, 304); a page whose <body> tag does not end within
 * its first 64 KiB, or that the scan cannot follow, is left as it is.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_banner.h"
#include "ngx_maint_signin.h"
#include "ngx_maint_response.h"
#include "maint_html.h"
#include "maint_default_page.h"


/* one banner's parts: texts, then times, then its dismiss button */
typedef struct {
    maint_str_t    key;         /* dismissal, per window; "" none */
    maint_str_t    page;        /* the language of the banner's own words */
    maint_str_t    text[2];
    maint_str_t    lang[2];
    const char    *label[2];    /* NULL: no time */
    const char    *at[2];       /* RFC 3339 */
    const char    *dismiss;
} ngx_maint_banner_t;


/* a page's <body> tag follows its head, well within this: a bound on the
 * scan's cost */
#define NGX_MAINT_BANNER_SCAN  65536


static ngx_int_t ngx_maint_banner_insert(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx, ngx_chain_t *in, ngx_chain_t *at, u_char *split,
    ngx_chain_t **out);
static ngx_int_t ngx_maint_banner_link(ngx_http_request_t *r, ngx_buf_t *b,
    ngx_chain_t ***ll);
static ngx_buf_t *ngx_maint_banner_buf(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx);
static ngx_buf_t *ngx_maint_banner_superadmin(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx);
static ngx_buf_t *ngx_maint_banner_window(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx);
static ngx_buf_t *ngx_maint_banner_ended(ngx_http_request_t *r,
    ngx_maint_ctx_t *ctx);
static ngx_buf_t *ngx_maint_banner_make(ngx_http_request_t *r,
    ngx_maint_banner_t *bn);


ngx_int_t
ngx_maint_banner_header(ngx_http_request_t *r, ngx_maint_ctx_t *ctx)
{
    ngx_str_t  *type;

    type = &r->headers_out.content_type;

    /* a HEAD is made header_only further down the filters */

    if (r->header_only
        || r->method == NGX_HTTP_HEAD
        || r->headers_out.status < NGX_HTTP_OK
        || r->headers_out.status == NGX_HTTP_NO_CONTENT
        || r->headers_out.status == NGX_HTTP_NOT_MODIFIED
        || r->headers_out.content_encoding
        || type->len < sizeof("text/html") - 1
        || ngx_strncasecmp(type->data, (u_char *) "text/html",
                           sizeof("text/html") - 1) != 0
        || !maint_html_charset_ok((char *) type->data, type->len)
        || !maint_html_encoding_ok((char *) r->headers_out.charset.data,
                                   r->headers_out.charset.len))
    {
        return NGX_OK;
    }

    ctx->banner_html = ngx_palloc(r->pool, sizeof(maint_html_t));
    if (ctx->banner_html == NULL) {
        return NGX_ERROR;
    }

    maint_html_init(ctx->banner_html, NGX_MAINT_BANNER_SCAN);
    ctx->banner = 1;

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
    ssize_t       rc;
    ngx_buf_t    *b;
    ngx_chain_t  *cl;

    *out = in;

    for (cl = in; cl; cl = cl->next) {
        b = cl->buf;

        if (!ngx_buf_in_memory(b)) {
            if (ngx_buf_size(b)) {
                goto give_up;       /* bytes the scan cannot see */
            }

            continue;
        }

        rc = maint_html_feed(ctx->banner_html, (char *) b->pos,
                             b->last - b->pos);

        if (rc == MAINT_HTML_MORE) {
            continue;
        }

        if (rc == MAINT_HTML_NEVER) {
            goto give_up;
        }

        ctx->banner = 0;

        if (b->pos + rc == b->last && (b->last_buf || b->last_in_chain)) {
            return NGX_OK;          /* nothing after <body>: no room */
        }

        return ngx_maint_banner_insert(r, ctx, in, cl, b->pos + rc, out);
    }

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
    ngx_buf_t  *b, *ended, *main;

    main = NULL;

    switch (ctx->banner_kind) {

    case NGX_MAINT_BANNER_SUPERADMIN:
        main = ngx_maint_banner_superadmin(r, ctx);
        break;

    case NGX_MAINT_BANNER_UPCOMING:
    case NGX_MAINT_BANNER_READ_ONLY:
        main = ngx_maint_banner_window(r, ctx);
        break;
    }

    if (!ctx->banner_ended) {
        return main;
    }

    ended = ngx_maint_banner_ended(r, ctx);

    if (ended == NULL || main == NULL) {
        return ended;
    }

    /* the reason first: it explains the page the user landed on */

    b = ngx_create_temp_buf(r->pool, ngx_buf_size(ended) + ngx_buf_size(main));
    if (b == NULL) {
        return NULL;
    }

    b->last = ngx_cpymem(b->last, ended->pos, ngx_buf_size(ended));
    b->last = ngx_cpymem(b->last, main->pos, ngx_buf_size(main));

    return b;
}


static ngx_buf_t *
ngx_maint_banner_superadmin(ngx_http_request_t *r, ngx_maint_ctx_t *ctx)
{
    u_char     *p;
    size_t      name_len, len;
    ngx_buf_t  *b;
    ngx_str_t   leave;

    /*
     * "Bypass active for", not "Signed in as": the app's own header says
     * who is signed in to the app, which is another thing.
     */

    static char  before[] =
        "<div role=\"status\" style=\"all:initial;display:block;"
        "box-sizing:border-box;width:100%;padding:.5em 1em;"
        "background:#b3261e;color:#fff;font:600 14px/1.4 system-ui,"
        "sans-serif;text-align:center;position:relative;z-index:2147483647"
        "\">Maintenance: this site is closed to everyone but superadmins. "
        "Bypass active for superadmin ";
    static char  after[] = ".</div>";

    /* a button that ends the bypass cookie ("Leave"), a form: no script */
    if (ngx_maint_leave_form(r, ctx, &leave) != NGX_OK) {
        return NULL;
    }

    name_len = ngx_strlen(ctx->superadmin);
    len = sizeof(before) - 1 + maint_html_escape(NULL,
                                                 (char *) ctx->superadmin,
                                                 name_len)
          + leave.len + sizeof(after) - 1;

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NULL;
    }

    p = ngx_cpymem(b->pos, before, sizeof(before) - 1);
    p += maint_html_escape((char *) p, (char *) ctx->superadmin, name_len);
    p = ngx_cpymem(p, after, 1);
    if (leave.len) {
        p = ngx_cpymem(p, leave.data, leave.len);
    }
    p = ngx_cpymem(p, after + 1, sizeof(after) - 2);

    b->last = p;

    return b;
}


/*
 * The window's banners: before it (the notice: its message and start), and
 * during a read-only window (the reads that pass: what is closed, the
 * window's message, when it started and is expected to end).  The banner's
 * own words are in "page", a message in its own language.
 */

static ngx_buf_t *
ngx_maint_banner_window(ngx_http_request_t *r, ngx_maint_ctx_t *ctx)
{
    maint_str_t                 page;
    ngx_maint_banner_t          bn;
    const maint_window_t       *w;
    const maint_page_texts_t   *pt;
    const maint_translation_t  *tr;

    w = ctx->window;
    tr = ngx_maint_translation(r, w);

    pt = maint_page_texts(tr ? tr->lang.data : NULL, tr ? tr->lang.len : 0);

    page.data = "en";
    page.len = 2;

    if (pt != maint_page_texts(NULL, 0)) {
        page = tr->lang;
    }

    ngx_memzero(&bn, sizeof(ngx_maint_banner_t));

    bn.page = page;
    bn.dismiss = pt->dismiss;

    if (ctx->banner_kind == NGX_MAINT_BANNER_UPCOMING) {
        bn.key = w->id;
        bn.text[0] = tr ? tr->notify_message : w->notify_message;
        bn.lang[0] = page;

        if (tr && bn.text[0].data != w->notify_message.data) {
            bn.lang[0] = tr->lang;      /* translated, not the fallback */
        }

        if (bn.text[0].len == 0) {
            /* no text anywhere: our own sentence */
            bn.text[0].data = pt->notice_default;
            bn.text[0].len = ngx_strlen(pt->notice_default);
            bn.lang[0] = page;
        }

        bn.label[0] = pt->notice_starts;
        bn.at[0] = w->starts_at;

        return ngx_maint_banner_make(r, &bn);
    }

    /* read-only: dismissed per window too, apart from its notice */

    bn.key.data = (char *) ngx_pnalloc(r->pool, w->id.len + 10);
    if (bn.key.data == NULL) {
        return NULL;
    }

    bn.key.len = ngx_sprintf((u_char *) bn.key.data, "read-only:%*s",
                             w->id.len, w->id.data)
                 - (u_char *) bn.key.data;

    bn.text[0].data = pt->read_only_note;
    bn.text[0].len = ngx_strlen(pt->read_only_note);
    bn.lang[0] = page;
    bn.text[1] = tr ? tr->message : w->message;
    bn.lang[1] = (tr && bn.text[1].data != w->message.data) ? tr->lang
                                                             : page;
    bn.label[0] = pt->started;
    bn.at[0] = w->starts_at;
    bn.label[1] = pt->expected;
    bn.at[1] = w->ends_at;

    return ngx_maint_banner_make(r, &bn);
}


/* why the edge logged the user off: once, on the app's next page */

static ngx_buf_t *
ngx_maint_banner_ended(ngx_http_request_t *r, ngx_maint_ctx_t *ctx)
{
    ngx_uint_t                  reason;
    ngx_maint_banner_t          bn;
    const maint_page_texts_t   *pt;
    const maint_translation_t  *tr;

    tr = ctx->window ? ngx_maint_translation(r, ctx->window) : NULL;
    pt = maint_page_texts(tr ? tr->lang.data : NULL, tr ? tr->lang.len : 0);

    reason = ctx->ended ? ctx->ended : ctx->ended_before;

    ngx_memzero(&bn, sizeof(ngx_maint_banner_t));

    /* no key: nothing remembered, the next logoff is told again */

    bn.page.data = pt->lang;
    bn.page.len = ngx_strlen(pt->lang);
    bn.text[0].data = reason == NGX_MAINT_ENDED_FOR_MAINTENANCE
                      ? pt->ended_for_maintenance : pt->ended_by_admin;
    bn.text[0].len = ngx_strlen(bn.text[0].data);
    bn.lang[0] = bn.page;
    bn.dismiss = pt->dismiss;

    return ngx_maint_banner_make(r, &bn);
}


/*
 * A notice banner.  Inline styles only ("all:initial" first, so the app's
 * stylesheet changes nothing in it) and one inline script: it shows the
 * times in the reader's time zone and makes the banner dismissible
 * (remembered per key in sessionStorage).  Neither is needed to read it:
 * an app's Content-Security-Policy may block both.  Without the script the
 * times show in UTC and the button stays "hidden" (the attribute, not only
 * the style, which a strict style-src drops too); without the styles it is
 * a plain line of text at the top of the page.
 */

static ngx_buf_t *
ngx_maint_banner_make(ngx_http_request_t *r, ngx_maint_banner_t *bn)
{
    u_char      *p;
    size_t       len;
    ngx_uint_t   i;
    ngx_buf_t   *b;

    static char  open1[] =
        "<div data-maint-notice=\"";
    static char  open2[] = "\" lang=\"";
    static char  open3[] =
        "\" role=\"status\" style=\"all:initial;display:block;"
        "box-sizing:border-box;width:100%;padding:.6em 2.75em .6em 1em;"
        "background:#fff4ce;color:#3d2e00;border-bottom:1px solid #d9b84a;"
        "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
        "sans-serif;text-align:center;position:relative;"
        "z-index:2147483647\">";
    static char  text1[] = "<span lang=\"";
    static char  text2[] = "\" style=\"all:unset;white-space:pre-line\">";
    static char  text3[] = "</span> ";
    static char  when1[] =
        "<span style=\"all:unset;font-weight:600;white-space:nowrap\">";
    static char  when2[] = " <time datetime=\"";
    static char  when3[] = "\" style=\"all:unset\">";
    static char  when4[] = "</time></span> ";
    static char  close1[] = "<button type=\"button\" aria-label=\"";
    static char  close2[] =
        "\" hidden style=\"all:unset;display:none;"
        "position:absolute;right:.5em;top:50%;transform:translateY(-50%);"
        "cursor:pointer;font-size:20px;line-height:1;padding:.1em .35em;"
        "border-radius:4px\">&times;</button></div>"
        "<script>(function(){var s=document.currentScript,"
        "b=s&&s.previousElementSibling;"
        "if(!b||!b.hasAttribute('data-maint-notice'))return;"
        "var n=b.getAttribute('data-maint-notice'),k='maint-notice:'+n,"
        "x=b.querySelector('button');"
        "try{if(n&&sessionStorage.getItem(k)){b.parentNode.removeChild(b);"
        "return;}}catch(e){}"
        "b.querySelectorAll('time').forEach(function(t){"
        "try{var d=new Date(t.getAttribute('datetime'));if(!isNaN(d))"
        "t.textContent=new Intl.DateTimeFormat(undefined,{dateStyle:"
        "'medium',timeStyle:'short'}).format(d);}catch(e){}});"
        "x.hidden=false;x.style.display='inline-block';"
        "x.onclick=function(){"
        "try{if(n)sessionStorage.setItem(k,'1');}catch(e){}"
        "b.parentNode.removeChild(b);};})();</script>";

    len = sizeof(open1) - 1
          + maint_html_escape(NULL, bn->key.data, bn->key.len)
          + sizeof(open2) - 1
          + maint_html_escape(NULL, bn->page.data, bn->page.len)
          + sizeof(open3) - 1
          + sizeof(close1) - 1 + ngx_strlen(bn->dismiss)
          + sizeof(close2) - 1;

    for (i = 0; i < 2; i++) {
        if (bn->text[i].len) {
            len += sizeof(text1) - 1
                   + maint_html_escape(NULL, bn->lang[i].data,
                                       bn->lang[i].len)
                   + sizeof(text2) - 1
                   + maint_html_escape(NULL, bn->text[i].data,
                                       bn->text[i].len)
                   + sizeof(text3) - 1;
        }

        if (bn->label[i]) {
            len += sizeof(when1) - 1 + ngx_strlen(bn->label[i])
                   + sizeof(when2) - 1 + MAINT_RFC3339_LEN
                   + sizeof(when3) - 1 + NGX_MAINT_UTC_TEXT_LEN
                   + sizeof(when4) - 1;
        }
    }

    b = ngx_create_temp_buf(r->pool, len);
    if (b == NULL) {
        return NULL;
    }

    p = ngx_cpymem(b->pos, open1, sizeof(open1) - 1);
    p += maint_html_escape((char *) p, bn->key.data, bn->key.len);
    p = ngx_cpymem(p, open2, sizeof(open2) - 1);
    p += maint_html_escape((char *) p, bn->page.data, bn->page.len);
    p = ngx_cpymem(p, open3, sizeof(open3) - 1);

    for (i = 0; i < 2; i++) {
        if (bn->text[i].len) {
            p = ngx_cpymem(p, text1, sizeof(text1) - 1);
            p += maint_html_escape((char *) p, bn->lang[i].data,
                                   bn->lang[i].len);
            p = ngx_cpymem(p, text2, sizeof(text2) - 1);
            p += maint_html_escape((char *) p, bn->text[i].data,
                                   bn->text[i].len);
            p = ngx_cpymem(p, text3, sizeof(text3) - 1);
        }
    }

    for (i = 0; i < 2; i++) {
        if (bn->label[i]) {
            p = ngx_cpymem(p, when1, sizeof(when1) - 1);
            p = ngx_cpymem(p, bn->label[i], ngx_strlen(bn->label[i]));
            p = ngx_cpymem(p, when2, sizeof(when2) - 1);
            p = ngx_cpymem(p, bn->at[i], MAINT_RFC3339_LEN);
            p = ngx_cpymem(p, when3, sizeof(when3) - 1);
            p += ngx_maint_utc_text(p, bn->at[i]);
            p = ngx_cpymem(p, when4, sizeof(when4) - 1);
        }
    }

    p = ngx_cpymem(p, close1, sizeof(close1) - 1);
    p = ngx_cpymem(p, bn->dismiss, ngx_strlen(bn->dismiss));
    p = ngx_cpymem(p, close2, sizeof(close2) - 1);

    b->last = p;

    return b;
}
