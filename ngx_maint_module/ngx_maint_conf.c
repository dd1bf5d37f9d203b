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

ngx_str_t  ngx_maint_status_names[] = {
    ngx_null_string,
    ngx_string("pass"),
    ngx_string("notice"),
    ngx_string("exempt"),
    ngx_string("maintenance"),
    ngx_string("read_only_blocked"),
    ngx_string("error"),
    ngx_string("unavailable"),
    ngx_string("revoked"),
    ngx_string("bypass"),
    ngx_string("signin")
};


/* $maint_source values; also a label of the metrics */

ngx_str_t  ngx_maint_source_names[] = {
    ngx_string("fresh"),
    ngx_string("recent"),
    ngx_string("stale"),
    ngx_string("none")
};
