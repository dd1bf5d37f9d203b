/*
 * ngx_maint_ctx.c: the per-request context: made when a request is first
 * decided (or its response filtered), found again after an internal
 * redirect, and given up with the request's pool: the request leaves the
 * readers' wait lists and drops its reference on the state.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_ctx.h"
#include "ngx_maint_state.h"
#include "ngx_maint_reader.h"
#include "ngx_maint_current.h"


static void ngx_maint_ctx_cleanup(void *data);


/*
 * The context survives internal redirects (which clear r->ctx): it is
 * found again through its pool cleanup, the way the realip module does it.
 * A request that already waited for a fresh read is not parked again after
 * an error_page or try_files redirect.
 */

ngx_maint_ctx_t *
ngx_maint_get_ctx(ngx_http_request_t *r)
{
    ngx_maint_ctx_t     *ctx;
    ngx_pool_cleanup_t  *cln;

    ctx = ngx_maint_get_module_ctx(r);
    if (ctx != NULL) {
        return ctx;
    }

    if (!r->internal && !r->filter_finalize) {
        return NULL;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_maint_ctx_cleanup) {
            ctx = cln->data;
            ngx_maint_set_module_ctx(r, ctx);
            return ctx;
        }
    }

    return NULL;
}


ngx_maint_ctx_t *
ngx_maint_create_ctx(ngx_http_request_t *r)
{
    ngx_maint_ctx_t     *ctx;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_maint_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_maint_ctx_t));

    ctx->request = r;

    cln->handler = ngx_maint_ctx_cleanup;

    ngx_maint_set_module_ctx(r, ctx);

    return ctx;
}


static void
ngx_maint_ctx_cleanup(void *data)
{
    ngx_maint_ctx_t  *ctx = data;

    /* the request is going away: it must leave the wait lists first */

    ngx_maint_state_forget(ctx);

    if (ctx->state) {
        ngx_maint_state_release(ctx->state);
        ctx->state = NULL;
    }
}
