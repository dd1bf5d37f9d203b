/*
 * ngx_maint_ctx.c: the per-request context: made when a request is first
 * decided (or its response filtered), found again after an internal
 * redirect, and given up with the request's pool: the request leaves the
 * readers' wait lists and drops its reference on the state.  The context
 * itself is the worker's (a list of them, reused), found through the
 * request pool's cleanup.
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


/*
 * Contexts given back, for the next requests: a context from the request's
 * pool made NGINX take one more 4 KB block for most requests (a few
 * hundred instructions to allocate and free).  The list is bounded; a
 * sanitizer build allocates every context afresh, so that a use after the
 * request stays visible.
 */

#define NGX_MAINT_CTX_KEEP  1024

#if defined(__SANITIZE_ADDRESS__)
#define NGX_MAINT_CTX_REUSE  0
#else
#define NGX_MAINT_CTX_REUSE  1
#endif

static ngx_maint_ctx_t  *ngx_maint_ctx_free;
static ngx_uint_t        ngx_maint_ctx_nfree;


ngx_maint_ctx_t *
ngx_maint_create_ctx(ngx_http_request_t *r)
{
    ngx_maint_ctx_t     *ctx;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(r->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    ctx = ngx_maint_ctx_free;

    if (ctx) {
        ngx_maint_ctx_free = ctx->next_free;
        ngx_maint_ctx_nfree--;

    } else {
        ctx = ngx_alloc(sizeof(ngx_maint_ctx_t), r->connection->log);
        if (ctx == NULL) {
            return NULL;                /* the cleanup has no handler */
        }
    }

    ngx_memzero(ctx, sizeof(ngx_maint_ctx_t));

    ctx->request = r;

    cln->data = ctx;
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

    if (!NGX_MAINT_CTX_REUSE || ngx_maint_ctx_nfree == NGX_MAINT_CTX_KEEP) {
        ngx_free(ctx);
        return;
    }

    ctx->next_free = ngx_maint_ctx_free;
    ngx_maint_ctx_free = ctx;
    ngx_maint_ctx_nfree++;
}
