/*
 * ngx_maint_directives.h: what ngx_maint_directives.c offers the module's
 * definition and its configuration hooks.
 */

#ifndef NGX_MAINT_DIRECTIVES_H
#define NGX_MAINT_DIRECTIVES_H

#include "ngx_maint_conf.h"


extern ngx_command_t  ngx_maint_commands[];

/* a template, freed with the configuration's pool */
maint_template_t *ngx_maint_compile_page(ngx_conf_t *cf, const char *src,
    size_t len, char *err, size_t errlen);


#endif /* NGX_MAINT_DIRECTIVES_H */
