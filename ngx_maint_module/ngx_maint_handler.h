/*
 * ngx_maint_handler.h: what ngx_maint_handler.c offers: the precontent
 * phase handler.
 */

#ifndef NGX_MAINT_HANDLER_H
#define NGX_MAINT_HANDLER_H

#include "ngx_maint_conf.h"


ngx_int_t ngx_maint_handler(ngx_http_request_t *r);


#endif /* NGX_MAINT_HANDLER_H */
