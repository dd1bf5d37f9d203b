/*
 * ngx_maint_session_registry.h: what ngx_maint_session_registry.c offers
 * the sessions: the registry writes.
 */

#ifndef NGX_MAINT_SESSION_REGISTRY_H
#define NGX_MAINT_SESSION_REGISTRY_H

#include "ngx_maint_conf.h"
#include "maint_session.h"


#define NGX_MAINT_USER_MAX        128   /* bytes of a user name kept */

/* <prefix> (at most 64) "session:" or "revoked:", and the id */
#define NGX_MAINT_KEY_MAX         (64 + 16 + MAINT_SESSION_ID_HEX)

ngx_int_t ngx_maint_registry_init_worker(ngx_maint_main_conf_t *mcf);
/* after the Redis connection is gone: the writes kept meanwhile go */
void ngx_maint_registry_exit_worker(void);
/* created: a session the upstream made; else its "last seen" */
void ngx_maint_registry_write(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, const u_char *id, ngx_uint_t created);


#endif /* NGX_MAINT_SESSION_REGISTRY_H */
