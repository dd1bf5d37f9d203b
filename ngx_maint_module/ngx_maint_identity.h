/*
 * ngx_maint_identity.h: what ngx_maint_identity.c offers the merge of a
 * location's configuration.
 */

#ifndef NGX_MAINT_IDENTITY_H
#define NGX_MAINT_IDENTITY_H

#include "ngx_maint_conf.h"


char *ngx_maint_identity_check(ngx_conf_t *cf, ngx_maint_loc_conf_t *conf);


#endif /* NGX_MAINT_IDENTITY_H */
