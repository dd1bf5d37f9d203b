/*
 * ngx_maint_redis_conf.h: what ngx_maint_redis_conf.c offers the directive
 * table: the "maint_redis" directive, and the check of the names it and
 * "maint_app" take.
 */

#ifndef NGX_MAINT_REDIS_CONF_H
#define NGX_MAINT_REDIS_CONF_H

#include "ngx_maint_conf.h"


char *ngx_maint_redis_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


#endif /* NGX_MAINT_REDIS_CONF_H */
