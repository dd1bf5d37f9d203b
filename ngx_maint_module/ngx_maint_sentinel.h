/*
 * ngx_maint_sentinel.h: where the worker's Redis connection goes next
 * (the data node, a sentinel, or the primary a sentinel named), the
 * Sentinel question and the ROLE checks.
 */

#ifndef NGX_MAINT_SENTINEL_H
#define NGX_MAINT_SENTINEL_H

#include "ngx_maint_conf.h"

#include <hiredis/async.h>


/* the next connection: where to, as whom, and which name TLS checks */
typedef struct {
    char                   *host;
    int                     port;
    ngx_flag_t              unix_socket;
    ngx_str_t              *user;
    ngx_str_t              *password;
    const char             *tls_name;
    ngx_flag_t              asking;         /* a sentinel, for the primary */
} ngx_maint_redis_target_t;


/* what the connection's owner hears from this part */
typedef struct {
    void  (*fail)(const char *reason);      /* drop the connection */
    void  (*found)(redisAsyncContext *ac);  /* done with this sentinel */
} ngx_maint_sentinel_owner_t;


void ngx_maint_sentinel_init(ngx_maint_main_conf_t *mcf, ngx_log_t *log,
    ngx_str_t *name, const ngx_maint_sentinel_owner_t *owner);
void ngx_maint_sentinel_exit(void);
void ngx_maint_sentinel_target(ngx_maint_redis_target_t *t);
void ngx_maint_sentinel_ask(redisAsyncContext *ac);
void ngx_maint_sentinel_watch(redisAsyncContext *ac);
ngx_int_t ngx_maint_sentinel_lost(ngx_flag_t exiting);


#endif /* NGX_MAINT_SENTINEL_H */
