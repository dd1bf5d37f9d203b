/*
 * ngx_maint_conf.c: the data every part of the module shares (see
 * ngx_maint_conf.h): the module's index, the owner of its connectionless
 * events, and the names of its decisions.  It calls nothing: every part
 * may depend on it.
 */

#include "ngx_maint_conf.h"


ngx_uint_t  ngx_maint_conf_index;

ngx_connection_t  ngx_maint_event_owner = { .fd = (ngx_socket_t) -1 };


/* $maint_status values; also the "decision" label of the metrics */

ngx_str_t  ngx_maint_status_names[] = { MAINT_ACTION_NAMES(ngx_string) };

ngx_str_t  ngx_maint_source_names[] = { MAINT_SOURCE_NAMES(ngx_string) };
