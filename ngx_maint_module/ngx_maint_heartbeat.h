/*
 * ngx_maint_heartbeat.h: the gateway heartbeat written to Redis.
 */

#ifndef NGX_MAINT_HEARTBEAT_H
#define NGX_MAINT_HEARTBEAT_H

#include "ngx_maint_conf.h"


void ngx_maint_heartbeat_init_worker(ngx_cycle_t *cycle,
    ngx_maint_main_conf_t *mcf);


#endif /* NGX_MAINT_HEARTBEAT_H */
