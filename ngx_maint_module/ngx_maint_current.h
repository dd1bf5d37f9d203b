/*
 * ngx_maint_current.h: the state a worker holds, refcounted: the newest
 * snapshot it decoded, and the hooks that free what others cache with it.
 */

#ifndef NGX_MAINT_CURRENT_H
#define NGX_MAINT_CURRENT_H

#include "ngx_maint_conf.h"


/* frees what a part cached with a state, when its last reference goes */
typedef void (*ngx_maint_state_release_pt)(ngx_maint_state_t *st);


ngx_maint_state_t *ngx_maint_state_current(void);
void ngx_maint_state_release(ngx_maint_state_t *st);
ngx_int_t ngx_maint_state_on_release(ngx_maint_state_release_pt handler);
ngx_flag_t ngx_maint_state_held(void);
ngx_flag_t ngx_maint_state_known(int64_t version);
void ngx_maint_state_refuse(int64_t version);
ngx_flag_t ngx_maint_state_refused(int64_t version);
ngx_flag_t ngx_maint_state_lagging(void);
int64_t ngx_maint_state_version(void);
ngx_uint_t ngx_maint_state_generation(void);
ngx_int_t ngx_maint_state_install(int64_t version, const char *json,
    size_t len, ngx_log_t *log, char *err, size_t errlen);
void ngx_maint_state_drop(void);


#endif /* NGX_MAINT_CURRENT_H */
