/*
 * ngx_maint_variables.c: $maint_* variables, for log_format, add_header,
 * sub_filter and if.  They read the request's decision; all are empty (not
 * found) where no decision was made.  Text values go into headers, so line
 * breaks are flattened to spaces; the *_html variants are HTML-escaped for
 * sub_filter injection.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_variables.h"
#include "ngx_maint_ctx.h"


typedef enum {
    NGX_MAINT_VAR_STATUS = 0,
    NGX_MAINT_VAR_SOURCE,
    NGX_MAINT_VAR_WINDOW_ID,
    NGX_MAINT_VAR_STARTS_AT,
    NGX_MAINT_VAR_ENDS_AT,
    NGX_MAINT_VAR_MESSAGE,
    NGX_MAINT_VAR_MESSAGE_HTML,
    NGX_MAINT_VAR_NOTICE,
    NGX_MAINT_VAR_NOTICE_HTML,
    NGX_MAINT_VAR_SUPERADMIN
} ngx_maint_var_e;


static ngx_int_t ngx_maint_variable(ngx_http_request_t *r,
    ngx_http_variable_value_t *v, uintptr_t data);


static ngx_http_variable_t  ngx_maint_vars[] = {

    { ngx_string("maint_status"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_STATUS, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_source"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_SOURCE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_window_id"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_WINDOW_ID, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_starts_at"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_STARTS_AT, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_ends_at"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_ENDS_AT, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_message"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_MESSAGE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_message_html"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_MESSAGE_HTML, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_notice"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_NOTICE, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_notice_html"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_NOTICE_HTML, NGX_HTTP_VAR_NOCACHEABLE, 0 },

    { ngx_string("maint_superadmin"), NULL, ngx_maint_variable,
      NGX_MAINT_VAR_SUPERADMIN, NGX_HTTP_VAR_NOCACHEABLE, 0 },

      ngx_http_null_variable
};


ngx_int_t
ngx_maint_add_variables(ngx_conf_t *cf)
{
    ngx_http_variable_t  *var, *v;

    for (v = ngx_maint_vars; v->name.len; v++) {
        var = ngx_http_add_variable(cf, &v->name, v->flags);
        if (var == NULL) {
            return NGX_ERROR;
        }

        var->get_handler = v->get_handler;
        var->data = v->data;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_maint_set_text(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    const char *s, size_t len, ngx_uint_t html)
{
    u_char  *p;
    size_t   i;

    if (len == 0) {
        v->not_found = 1;
        return NGX_OK;
    }

    if (html) {
        p = ngx_pnalloc(r->pool, maint_html_escape(NULL, s, len));
        if (p == NULL) {
            return NGX_ERROR;
        }

        len = maint_html_escape((char *) p, s, len);

    } else if (memchr(s, '\n', len) || memchr(s, '\t', len)) {
        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        for (i = 0; i < len; i++) {
            p[i] = (s[i] == '\n' || s[i] == '\t') ? ' ' : (u_char) s[i];
        }

    } else {
        /* lives in the state, which the request holds until it ends */
        p = (u_char *) s;
    }

    v->len = len;
    v->data = p;
    v->valid = 1;
    v->no_cacheable = 1;
    v->not_found = 0;

    return NGX_OK;
}


static ngx_int_t
ngx_maint_variable(ngx_http_request_t *r, ngx_http_variable_value_t *v,
    uintptr_t data)
{
    u_char                *p;
    size_t                 len;
    ngx_uint_t             active;
    ngx_str_t             *name;
    ngx_maint_ctx_t       *ctx;
    const maint_window_t  *w;

    ctx = ngx_maint_get_ctx(r);

    if (ctx == NULL || ctx->status == NGX_MAINT_ST_NONE) {
        v->not_found = 1;
        return NGX_OK;
    }

    w = ctx->window;
    active = w != NULL && ctx->status != NGX_MAINT_ST_NOTICE;

    switch (data) {

    case NGX_MAINT_VAR_STATUS:
        name = &ngx_maint_status_names[ctx->status];
        return ngx_maint_set_text(r, v, (char *) name->data, name->len, 0);

    case NGX_MAINT_VAR_SOURCE:
        if (!ctx->decided) {
            break;
        }

        name = &ngx_maint_source_names[ctx->source];
        return ngx_maint_set_text(r, v, (char *) name->data, name->len, 0);

    case NGX_MAINT_VAR_WINDOW_ID:
        if (w) {
            return ngx_maint_set_text(r, v, w->id.data, w->id.len, 0);
        }

        break;

    case NGX_MAINT_VAR_STARTS_AT:
        if (w) {
            return ngx_maint_set_text(r, v, w->starts_at, MAINT_RFC3339_LEN,
                                      0);
        }

        break;

    case NGX_MAINT_VAR_ENDS_AT:
        if (w) {
            return ngx_maint_set_text(r, v, w->ends_at, MAINT_RFC3339_LEN, 0);
        }

        break;

    case NGX_MAINT_VAR_MESSAGE:
    case NGX_MAINT_VAR_MESSAGE_HTML:
        if (active) {
            return ngx_maint_set_text(r, v, w->message.data, w->message.len,
                                      data == NGX_MAINT_VAR_MESSAGE_HTML);
        }

        break;

    case NGX_MAINT_VAR_SUPERADMIN:
        return ngx_maint_set_text(r, v, (char *) ctx->superadmin,
                                  ngx_strlen(ctx->superadmin), 0);

    case NGX_MAINT_VAR_NOTICE:
    case NGX_MAINT_VAR_NOTICE_HTML:
        if (w == NULL || ctx->status != NGX_MAINT_ST_NOTICE) {
            break;
        }

        if (w->notify_message.len) {
            return ngx_maint_set_text(r, v, w->notify_message.data,
                                      w->notify_message.len,
                                      data == NGX_MAINT_VAR_NOTICE_HTML);
        }

        /* no text was given: the notice must still say something */

        len = sizeof("Maintenance is scheduled to start at ") - 1
              + MAINT_RFC3339_LEN + 1;
        p = ngx_pnalloc(r->pool, len);
        if (p == NULL) {
            return NGX_ERROR;
        }

        ngx_sprintf(p, "Maintenance is scheduled to start at %s.",
                    w->starts_at);

        return ngx_maint_set_text(r, v, (char *) p, len, 0);
    }

    v->not_found = 1;

    return NGX_OK;
}
