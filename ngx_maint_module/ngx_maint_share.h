/*
 * ngx_maint_share.h: the newest state read of any worker of this NGINX,
 * in a zone they share, so that one read serves them all under its lease.
 */

#ifndef NGX_MAINT_SHARE_H
#define NGX_MAINT_SHARE_H

#include "ngx_maint_conf.h"


ngx_int_t ngx_maint_share_init_conf(ngx_conf_t *cf,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_share_init_worker(ngx_maint_main_conf_t *mcf);

/* what a read sent at sent_us (monotonic) saw in <prefix>state */
void ngx_maint_share_publish(ngx_uint_t sent_us, int64_t version,
    uint64_t revocations, ngx_uint_t lease_us);

/*
 * A newer lease than *until from another worker's read.  NGX_OK: taken
 * (*until, *lease_us, *sent_us set); NGX_BUSY: a newer read saw another
 * state, this worker must read; NGX_DECLINED: nothing newer.
 */
ngx_int_t ngx_maint_share_adopt(ngx_uint_t now, ngx_uint_t *until,
    ngx_uint_t *lease_us, ngx_uint_t *sent_us);

/* one background read at a time per NGINX: 1 if this worker may send */
ngx_flag_t ngx_maint_share_claim(ngx_uint_t now, ngx_msec_t timeout);
void ngx_maint_share_release(void);


#endif /* NGX_MAINT_SHARE_H */
