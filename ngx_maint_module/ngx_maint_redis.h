/*
 * ngx_maint_redis.h: the worker's one Redis connection, as its users see
 * it: commands, and the registered handlers told when it is ready or down.
 */

#ifndef NGX_MAINT_REDIS_H
#define NGX_MAINT_REDIS_H

#include "ngx_maint_conf.h"

#include <hiredis/async.h>


/* told when the connection is ready (handshake done) or lost */
typedef void (*ngx_maint_redis_handler_pt)(void *data);


ngx_int_t ngx_maint_redis_init_worker(ngx_cycle_t *cycle,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_redis_exit_worker(void);
ngx_int_t ngx_maint_redis_on_ready(ngx_maint_redis_handler_pt handler,
    void *data);
ngx_int_t ngx_maint_redis_on_down(ngx_maint_redis_handler_pt handler,
    void *data);
ngx_flag_t ngx_maint_redis_ready(void);
void ngx_maint_redis_send_now(void);
void ngx_maint_redis_fail(const char *reason);
void ngx_maint_redis_error_reply(redisAsyncContext *ac, redisReply *rr);
void ngx_maint_redis_log_refused(time_t *last, const char *what,
    redisReply *rr);
ngx_int_t ngx_maint_redis_command(redisCallbackFn *fn, void *data, int argc,
    const char **argv, const size_t *argvlen);
ngx_int_t ngx_maint_redis_formatted(redisCallbackFn *fn, void *data,
    ngx_str_t *cmd);


#endif /* NGX_MAINT_REDIS_H */
