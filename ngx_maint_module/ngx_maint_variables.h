/*
 * ngx_maint_variables.h: what ngx_maint_variables.c offers: the $maint_*
 * variables' registration.
 */

#ifndef NGX_MAINT_VARIABLES_H
#define NGX_MAINT_VARIABLES_H

#include "ngx_maint_conf.h"


ngx_int_t ngx_maint_add_variables(ngx_conf_t *cf);


#endif /* NGX_MAINT_VARIABLES_H */
