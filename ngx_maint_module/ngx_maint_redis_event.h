/*
 * ngx_maint_redis_event.h: the hiredis event adapter for NGINX, one attach
 * function in the manner of hiredis's adapters/ (libevent.h, libev.h).
 */

#ifndef NGX_MAINT_REDIS_EVENT_H
#define NGX_MAINT_REDIS_EVENT_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_event.h>

#include <hiredis/async.h>


struct ssl_st;


/* what the owner of the context hears from the adapter */
typedef struct {
    /* an event could not be registered: the connection is not usable */
    void  (*error)(redisAsyncContext *ac, const char *reason);
    /* hiredis is done with the socket: ac is being freed */
    void  (*closed)(redisAsyncContext *ac);
} ngx_maint_redis_owner_t;


ngx_int_t ngx_maint_redis_attach(redisAsyncContext *ac, ngx_log_t *log,
    struct ssl_st *ssl, const ngx_maint_redis_owner_t *owner);
void ngx_maint_redis_flush(redisAsyncContext *ac);


#endif /* NGX_MAINT_REDIS_EVENT_H */
