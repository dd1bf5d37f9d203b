/*
 * ngx_maint_reply.h: checks of Redis replies (numbers, names) and the
 * printable-ASCII filter for text the registry stores.
 */

#ifndef NGX_MAINT_REPLY_H
#define NGX_MAINT_REPLY_H

#include <ngx_config.h>
#include <ngx_core.h>

#include <hiredis/hiredis.h>


int64_t ngx_maint_reply_ms(redisReply *rr);
size_t ngx_maint_reply_name(redisReply *rr, u_char *out, size_t max);
size_t ngx_maint_printable(u_char *dst, u_char *src, size_t len,
    size_t max);


#endif /* NGX_MAINT_REPLY_H */
