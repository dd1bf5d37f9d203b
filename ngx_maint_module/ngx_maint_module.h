/*
 * ngx_maint_module.h: a stand-in while the parts move to their own
 * headers: everything the old shared header declared, through the headers
 * that declare it now.  No file of the module should include it; the
 * types are in ngx_maint_conf.h, each part's functions in its own header.
 */

#ifndef NGX_MAINT_MODULE_H
#define NGX_MAINT_MODULE_H

#include <hiredis/async.h>

#include "maint_eval.h"
#include "maint_decide.h"
#include "maint_template.h"
#include "maint_cookie.h"
#include "maint_session.h"
#include "maint_bypass.h"
#include "maint_tls.h"

#include "ngx_maint_conf.h"
#include "ngx_maint_ctx.h"
#include "ngx_maint_redis.h"
#include "ngx_maint_state.h"
#include "ngx_maint_handler.h"
#include "ngx_maint_response.h"
#include "ngx_maint_filter.h"
#include "ngx_maint_session.h"
#include "ngx_maint_signin.h"
#include "ngx_maint_edge_cookie.h"
#include "ngx_maint_banner.h"
#include "ngx_maint_variables.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_heartbeat.h"


#endif /* NGX_MAINT_MODULE_H */
