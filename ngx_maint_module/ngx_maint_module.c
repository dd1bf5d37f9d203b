/*
 * ngx_maint_module.c: the module itself: its definition, the hooks that
 * create, merge and check its configuration, install the phase handler
 * and the filters, and start and stop each part in a worker.  It names
 * every part, and no part names it: it is the top of the module's graph.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_directives.h"
#include "ngx_maint_identity.h"
#include "ngx_maint_handler.h"
#include "ngx_maint_filter.h"
#include "ngx_maint_variables.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_response.h"
#include "ngx_maint_signin.h"
#include "ngx_maint_state.h"
#include "ngx_maint_session.h"
#include "ngx_maint_heartbeat.h"
#include "ngx_maint_share.h"
#include "ngx_maint_redis.h"
#include "maint_bypass.h"
#include "maint_hash.h"
#include "maint_names.h"
#include "maint_default_page.h"
#include "ngx_maint_reader.h"
#include "ngx_maint_current.h"
#include "ngx_maint_edge_cookie.h"


static ngx_int_t ngx_maint_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_maint_postconfiguration(ngx_conf_t *cf);
static void *ngx_maint_create_main_conf(ngx_conf_t *cf);
static char *ngx_maint_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_maint_create_loc_conf(ngx_conf_t *cf);
static char *ngx_maint_merge_loc_conf(ngx_conf_t *cf, void *parent,
    void *child);
static void ngx_maint_merge_off_guard(ngx_conf_t *cf,
    ngx_maint_loc_conf_t *prev, ngx_maint_loc_conf_t *conf);
static ngx_int_t ngx_maint_watch_proxy_pass(ngx_conf_t *cf);
static void ngx_maint_unwatch_proxy_pass(void *data);
static char *ngx_maint_proxy_pass_watch(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static ngx_flag_t ngx_maint_url_sends_raw(ngx_str_t *url);
static ngx_int_t ngx_maint_init_process(ngx_cycle_t *cycle);
static void ngx_maint_exit_process(ngx_cycle_t *cycle);


/* the proxy module's "proxy_pass", while the http block is parsed */
static ngx_command_t  *ngx_maint_proxy_pass_cmd;
static char *(*ngx_maint_proxy_pass_set)(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


static ngx_http_module_t  ngx_maint_module_ctx = {
    ngx_maint_preconfiguration,            /* preconfiguration */
    ngx_maint_postconfiguration,           /* postconfiguration */

    ngx_maint_create_main_conf,            /* create main configuration */
    ngx_maint_init_main_conf,              /* init main configuration */

    NULL,                                  /* create server configuration */
    NULL,                                  /* merge server configuration */

    ngx_maint_create_loc_conf,             /* create location configuration */
    ngx_maint_merge_loc_conf               /* merge location configuration */
};


ngx_module_t  ngx_maint_module = {
    NGX_MODULE_V1,
    &ngx_maint_module_ctx,                 /* module context */
    ngx_maint_commands,                    /* module directives */
    NGX_HTTP_MODULE,                       /* module type */
    NULL,                                  /* init master */
    NULL,                                  /* init module */
    ngx_maint_init_process,                /* init process */
    NULL,                                  /* init thread */
    NULL,                                  /* exit thread */
    ngx_maint_exit_process,                /* exit process */
    NULL,                                  /* exit master */
    NGX_MODULE_V1_PADDING
};


static ngx_int_t
ngx_maint_preconfiguration(ngx_conf_t *cf)
{
    if (ngx_maint_watch_proxy_pass(cf) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_maint_add_variables(cf);
}


/*
 * To warn about a "maint off" location whose "proxy_pass" sends the raw
 * URI on (ngx_maint_merge_off_guard()), the module has to see that
 * directive's argument: the proxy module keeps its configuration to
 * itself.  While the http block is parsed, its "proxy_pass" handler is
 * wrapped; it is put back when the block is parsed (init_main_conf), or
 * when the configuration is thrown away unfinished (the pool cleanup).
 */

static ngx_int_t
ngx_maint_watch_proxy_pass(ngx_conf_t *cf)
{
    ngx_uint_t           i;
    ngx_command_t       *c;
    ngx_pool_cleanup_t  *cln;

    for (i = 0; cf->cycle->modules[i]; i++) {
        if (ngx_strcmp(cf->cycle->modules[i]->name, "ngx_http_proxy_module")
            == 0)
        {
            break;
        }
    }

    if (cf->cycle->modules[i] == NULL
        || cf->cycle->modules[i]->commands == NULL)
    {
        return NGX_OK;                  /* built without it */
    }

    for (c = cf->cycle->modules[i]->commands; c->name.len; c++) {
        if (c->name.len == sizeof("proxy_pass") - 1
            && ngx_strncmp(c->name.data, "proxy_pass", c->name.len) == 0)
        {
            break;
        }
    }

    if (c->name.len == 0 || c->set == ngx_maint_proxy_pass_watch) {
        return NGX_OK;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_ERROR;
    }

    cln->handler = ngx_maint_unwatch_proxy_pass;
    cln->data = NULL;

    ngx_maint_proxy_pass_cmd = c;
    ngx_maint_proxy_pass_set = c->set;
    c->set = ngx_maint_proxy_pass_watch;

    return NGX_OK;
}


static void
ngx_maint_unwatch_proxy_pass(void *data)
{
    if (ngx_maint_proxy_pass_cmd) {
        ngx_maint_proxy_pass_cmd->set = ngx_maint_proxy_pass_set;
        ngx_maint_proxy_pass_cmd = NULL;
    }
}


static char *
ngx_maint_proxy_pass_watch(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    char                  *rv;
    ngx_str_t             *value;
    ngx_maint_loc_conf_t  *lcf;

    rv = ngx_maint_proxy_pass_set(cf, cmd, conf);

    if (rv != NGX_CONF_OK || cf->args->nelts < 2) {
        return rv;
    }

    value = cf->args->elts;

    if (ngx_maint_url_sends_raw(&value[1])) {
        lcf = ngx_maint_conf_get_loc_conf(cf);
        lcf->proxy_raw_file = cf->conf_file->file.name;
        lcf->proxy_raw_line = cf->conf_file->line;
    }

    return rv;
}


/*
 * "proxy_pass http://app" (no URI part, or only a variable for the host)
 * sends the request target on as the client wrote it, and so does one
 * that names $request_uri; "proxy_pass http://app/" or
 * "http://app$uri$is_args$args" send the normalised URI.  A URL that is
 * a variable as a whole cannot be told: no warning.
 */

static ngx_flag_t
ngx_maint_url_sends_raw(ngx_str_t *url)
{
    u_char  *p, *last;

    last = url->data + url->len;

    if (ngx_strlcasestrn(url->data, last, (u_char *) "$request_uri",
                         sizeof("$request_uri") - 2)
        != NULL)
    {
        return 1;
    }

    p = ngx_strlcasestrn(url->data, last, (u_char *) "://", 3 - 1);
    if (p == NULL) {
        return 0;
    }

    p += 3;

    /* "http://unix:/path/to.sock:/uri": the URI part is after the ":" */

    if (last - p > 5 && ngx_strncasecmp(p, (u_char *) "unix:", 5) == 0) {
        p = ngx_strlchr(p + 5, last, ':');
        if (p == NULL) {
            return 1;
        }
    }

    /* a variable for the host: "http://$backend" */

    if (p < last && *p == '$') {
        for (p++; p < last && (*p == '{' || *p == '}' || *p == '_'
                               || (*p >= '0' && *p <= '9')
                               || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'));
             p++)
        {
            /* void */
        }
    }

    /* a URI part, or a variable after the host: "http://app$uri" */

    for ( /* void */ ; p < last; p++) {
        if (*p == '/' || *p == '$') {
            return 0;
        }
    }

    return 1;
}


static ngx_int_t
ngx_maint_postconfiguration(ngx_conf_t *cf)
{
    ngx_http_handler_pt        *h;
    ngx_http_core_main_conf_t  *cmcf;

    /*
     * The precontent phase runs after the access phase, so a request is
     * decided with the identity that access modules (auth_request,
     * auth_basic) established, and requests they deny never cost a Redis
     * read; it cannot be skipped by "satisfy any" the way an access phase
     * handler could.
     */

    cmcf = ngx_http_conf_get_module_main_conf(cf, ngx_http_core_module);

    h = ngx_array_push(&cmcf->phases[NGX_HTTP_PRECONTENT_PHASE].handlers);
    if (h == NULL) {
        return NGX_ERROR;
    }

    *h = ngx_maint_handler;

    return ngx_maint_filter_init(cf);
}


static void *
ngx_maint_create_main_conf(ngx_conf_t *cf)
{
    ngx_maint_main_conf_t  *mcf;

    /* the first of the hooks: the other parts find their conf by it */
    ngx_maint_conf_index = ngx_maint_module.ctx_index;

    mcf = ngx_pcalloc(cf->pool, sizeof(ngx_maint_main_conf_t));
    if (mcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     mcf->configured = 0;
     *     mcf->username = { 0, NULL };
     *     mcf->password = { 0, NULL };
     *     mcf->db = 0;
     */

    mcf->connect_timeout = NGX_CONF_UNSET_MSEC;
    mcf->timeout = NGX_CONF_UNSET_MSEC;
    mcf->backoff_min = NGX_CONF_UNSET_MSEC;
    mcf->backoff_max = NGX_CONF_UNSET_MSEC;
    mcf->heartbeat = NGX_CONF_UNSET_MSEC;
    mcf->role_check = NGX_CONF_UNSET_MSEC;
    mcf->signin_limit = NGX_CONF_UNSET_UINT;

    if (ngx_array_init(&mcf->apps, cf->pool, 4, sizeof(ngx_str_t))
        != NGX_OK)
    {
        return NULL;
    }

    return mcf;
}


static ngx_int_t
ngx_maint_concat_key(ngx_conf_t *cf, ngx_str_t *key, ngx_str_t *prefix,
    char *name)
{
    size_t  len;

    len = ngx_strlen(name);

    key->data = ngx_pnalloc(cf->pool, prefix->len + len + 1);
    if (key->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(ngx_cpymem(key->data, prefix->data, prefix->len), name, len);
    key->len = prefix->len + len;
    key->data[key->len] = '\0';

    return NGX_OK;
}


static char *
ngx_maint_init_main_conf(ngx_conf_t *cf, void *conf)
{
    ngx_maint_main_conf_t  *mcf = conf;

    char  err[256];

    ngx_conf_init_msec_value(mcf->connect_timeout, 200);
    ngx_conf_init_msec_value(mcf->timeout, 100);
    ngx_conf_init_msec_value(mcf->backoff_min, 100);
    ngx_conf_init_msec_value(mcf->backoff_max, 5000);
    ngx_conf_init_msec_value(mcf->heartbeat, 10000);
    ngx_conf_init_msec_value(mcf->role_check, 1000);

    if (mcf->prefix.data == NULL) {
        ngx_str_set(&mcf->prefix, "maint:");
    }

    ngx_conf_init_uint_value(mcf->signin_limit, 10);

    if (ngx_maint_concat_key(cf, &mcf->key_state, &mcf->prefix, "state")
        != NGX_OK
        || ngx_maint_concat_key(cf, &mcf->key_gateways, &mcf->prefix,
                                "gateways")
           != NGX_OK
        || ngx_maint_concat_key(cf, &mcf->key_gateway, &mcf->prefix,
                                "gateway:")
           != NGX_OK
        || ngx_maint_concat_key(cf, &mcf->key_session, &mcf->prefix,
                                "session:")
           != NGX_OK
        || ngx_maint_concat_key(cf, &mcf->key_sessions, &mcf->prefix,
                                "sessions")
           != NGX_OK
        || ngx_maint_concat_key(cf, &mcf->key_revoked, &mcf->prefix,
                                "revoked:")
           != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    mcf->signin_page = ngx_maint_compile_page(cf, maint_signin_page,
                                              maint_signin_page_len,
                                              err, sizeof(err));
    if (mcf->signin_page == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "built-in sign-in page: %s", err);
        return NGX_CONF_ERROR;
    }

    /* the http block is parsed: "proxy_pass" is the proxy module's again */
    ngx_maint_unwatch_proxy_pass(NULL);

    if (ngx_maint_signin_init_conf(cf, mcf) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    if (mcf->default_page == NULL) {
        mcf->default_page = ngx_maint_compile_page(cf, maint_default_page,
                                                   maint_default_page_len,
                                                   err, sizeof(err));
        if (mcf->default_page == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "built-in maintenance page: %s", err);
            return NGX_CONF_ERROR;
        }
    }

    if (mcf->refusal_page == NULL) {
        mcf->refusal_page = ngx_maint_compile_page(cf, maint_refusal_page,
                                                   maint_refusal_page_len,
                                                   err, sizeof(err));
        if (mcf->refusal_page == NULL) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "built-in read-only refusal page: %s", err);
            return NGX_CONF_ERROR;
        }
    }

    if (ngx_maint_metrics_init_conf(cf, mcf) != NGX_OK
        || ngx_maint_share_init_conf(cf, mcf) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


static void *
ngx_maint_create_loc_conf(ngx_conf_t *cf)
{
    ngx_maint_loc_conf_t  *lcf;

    lcf = ngx_pcalloc(cf->pool, sizeof(ngx_maint_loc_conf_t));
    if (lcf == NULL) {
        return NULL;
    }

    /*
     * set by ngx_pcalloc():
     *
     *     lcf->app = { 0, NULL };
     *     lcf->page = NULL;
     *     lcf->unavailable_html = { 0, NULL };
     *     lcf->unavailable_json = { 0, NULL };
     */

    lcf->enable = NGX_CONF_UNSET;
    lcf->api = NGX_CONF_UNSET;
    lcf->status_code = NGX_CONF_UNSET_UINT;
    lcf->on_error = NGX_CONF_UNSET_UINT;
    lcf->stale = NGX_CONF_UNSET_MSEC;
    lcf->max_staleness = NGX_CONF_UNSET_MSEC;
    lcf->upstream_error = NGX_CONF_UNSET;
    lcf->session_revoked = NGX_CONF_UNSET_UINT;
    lcf->session_user = NGX_CONF_UNSET_PTR;
    lcf->superadmin_identity = NGX_CONF_UNSET_PTR;
    lcf->identity_verify = NGX_CONF_UNSET;
    lcf->bypass_ttl = NGX_CONF_UNSET;
    lcf->bypass_banner = NGX_CONF_UNSET;
    lcf->banner = NGX_CONF_UNSET;
    lcf->read_only_banner = NGX_CONF_UNSET;
    lcf->end_notice = NGX_CONF_UNSET;

    return lcf;
}


static ngx_int_t
ngx_maint_register_app(ngx_maint_main_conf_t *mcf, ngx_str_t *app)
{
    ngx_str_t   *s;
    ngx_uint_t   i;

    s = mcf->apps.elts;

    for (i = 0; i < mcf->apps.nelts; i++) {
        if (s[i].len == app->len
            && ngx_strncmp(s[i].data, app->data, app->len) == 0)
        {
            return NGX_OK;
        }
    }

    s = ngx_array_push(&mcf->apps);
    if (s == NULL) {
        return NGX_ERROR;
    }

    *s = *app;

    return NGX_OK;
}


/*
 * "maint off" in a location inside "maint on" (an exempt location such as
 * "location = /healthz") is off only for requests whose raw path the app
 * receives as NGINX matched it (ngx_maint_off_applies()); the locations
 * nested in it inherit that.  "maint off" for a whole server or http
 * block is plain off: no path of it is exempt at another's expense.
 */

static void
ngx_maint_merge_off_guard(ngx_conf_t *cf, ngx_maint_loc_conf_t *prev,
    ngx_maint_loc_conf_t *conf)
{
    ngx_http_core_loc_conf_t  *clcf;

    /* the core module's configuration of what is being merged */
    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);

    if (conf->enable == NGX_CONF_UNSET) {
        conf->off_guard = prev->off_guard;

    } else {
        conf->off_guard = conf->enable == 0 && clcf->name.len
                          && (prev->enable == 1 || prev->off_guard);
    }

    if (conf->off_guard && conf->proxy_raw_line) {
        ngx_log_error(NGX_LOG_WARN, cf->log, 0,
                      "\"maint off\" location \"%V\" passes the raw request "
                      "URI on (\"proxy_pass\" without a URI part) while "
                      "\"maint on\" is in force around it: a request whose "
                      "raw path is not canonical is decided as if maint "
                      "were on there; to send the normalised URI use "
                      "\"proxy_pass http://upstream$uri$is_args$args\" in "
                      "%V:%ui", &clcf->name, &conf->proxy_raw_file,
                      conf->proxy_raw_line);
    }
}


static char *
ngx_maint_merge_loc_conf(ngx_conf_t *cf, void *parent, void *child)
{
    ngx_maint_loc_conf_t *prev = parent;
    ngx_maint_loc_conf_t *conf = child;

    ngx_maint_main_conf_t  *mcf;

    mcf = ngx_http_conf_get_module_main_conf(cf, ngx_maint_module);

    ngx_maint_merge_off_guard(cf, prev, conf);

    ngx_conf_merge_value(conf->enable, prev->enable, 0);
    ngx_conf_merge_str_value(conf->app, prev->app, "default");
    ngx_conf_merge_value(conf->api, prev->api, 0);
    ngx_conf_merge_uint_value(conf->status_code, prev->status_code,
                              NGX_HTTP_SERVICE_UNAVAILABLE);
    ngx_conf_merge_uint_value(conf->on_error, prev->on_error,
                              NGX_MAINT_ON_ERROR_OPEN);
    ngx_conf_merge_msec_value(conf->stale, prev->stale, 300000);
    ngx_conf_merge_msec_value(conf->max_staleness, prev->max_staleness, 0);
    ngx_conf_merge_value(conf->upstream_error, prev->upstream_error, 0);

    if (conf->page == NULL) {
        conf->page = prev->page ? prev->page : mcf->default_page;
    }

    if (conf->session_cookie.data == NULL) {
        conf->session_cookie = prev->session_cookie;
        conf->session_path = prev->session_path;
        conf->session_domain = prev->session_domain;
#if (NGX_PCRE)
        conf->session_pattern = prev->session_pattern;
#endif
    }

    ngx_maint_cookie_names_init(&conf->cookie_names, &conf->session_cookie);

    ngx_conf_merge_uint_value(conf->session_revoked, prev->session_revoked,
                              NGX_MAINT_REVOKED_LOGOFF);
    ngx_conf_merge_str_value(conf->session_redirect, prev->session_redirect,
                             "");
    ngx_conf_merge_ptr_value(conf->session_user, prev->session_user, NULL);
    ngx_conf_merge_str_value(conf->force_login_arg, prev->force_login_arg,
                             "forceLogin");
    ngx_conf_merge_ptr_value(conf->superadmin_identity,
                             prev->superadmin_identity, NULL);
    ngx_conf_merge_sec_value(conf->bypass_ttl, prev->bypass_ttl,
                             MAINT_BYPASS_MAX_TTL);
    ngx_conf_merge_value(conf->bypass_banner, prev->bypass_banner, 1);
    ngx_conf_merge_value(conf->banner, prev->banner, 0);
    ngx_conf_merge_value(conf->read_only_banner, prev->read_only_banner, 1);
    ngx_conf_merge_value(conf->end_notice, prev->end_notice, 1);

    if (conf->enable && !mcf->configured) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"maint on\" requires a \"maint_redis\" "
                           "directive in the http block");
        return NGX_CONF_ERROR;
    }

    if ((conf->enable || conf->off_guard)
        && ngx_maint_register_app(mcf, &conf->app) != NGX_OK)
    {
        return NGX_CONF_ERROR;
    }

    if (conf->superadmin_identity
        && ngx_maint_identity_check(cf, conf) != NGX_CONF_OK)
    {
        return NGX_CONF_ERROR;
    }

    /*
     * The "unavailable" answers (upstream down, or Redis down under a
     * closed policy) do not depend on the state: render them once here,
     * sharing the parent's when nothing that shapes them differs.
     */

    if (conf->upstream_error
        || ((conf->enable || conf->off_guard)
            && conf->on_error == NGX_MAINT_ON_ERROR_CLOSED))
    {
        if (prev->unavailable_html.len
            && prev->page == conf->page
            && prev->status_code == conf->status_code)
        {
            conf->unavailable_html = prev->unavailable_html;
            conf->unavailable_json = prev->unavailable_json;

        } else if (ngx_maint_render_unavailable(cf, conf, conf->page)
                   != NGX_OK)
        {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_maint_init_process(ngx_cycle_t *cycle)
{
    ngx_maint_main_conf_t  *mcf;

    if (ngx_process != NGX_PROCESS_WORKER
        && ngx_process != NGX_PROCESS_SINGLE)
    {
        /* cache manager and loader processes serve no requests */
        return NGX_OK;
    }

    mcf = ngx_http_cycle_get_module_main_conf(cycle, ngx_maint_module);
    if (mcf == NULL) {
        return NGX_OK;
    }

    ngx_maint_metrics_init_worker(mcf);

    if (!mcf->configured) {
        return NGX_OK;
    }

    if (ngx_maint_response_init_worker() != NGX_OK) {
        return NGX_ERROR;
    }

    ngx_maint_share_init_worker(mcf);
    ngx_maint_state_init_worker(cycle, mcf);
    ngx_maint_session_init_worker(cycle, mcf);
    ngx_maint_heartbeat_init_worker(cycle, mcf);

    return ngx_maint_redis_init_worker(cycle, mcf);
}


static void
ngx_maint_exit_process(ngx_cycle_t *cycle)
{
    ngx_maint_redis_exit_worker();
    ngx_maint_state_exit_worker();
    ngx_maint_session_exit_worker();
    maint_sha256_free();
}
