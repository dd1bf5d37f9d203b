/*
 * ngx_maint_module.c: the module's directives, configuration structures and
 * their merging, the hooks that start the per-worker Redis client after
 * fork, and the per-request context.
 */

#include "ngx_maint_module.h"
#include "ngx_maint_redis.h"
#include "ngx_maint_reader.h"
#include "ngx_maint_state.h"
#include "ngx_maint_current.h"
#include "ngx_maint_session.h"
#include "ngx_maint_heartbeat.h"
#include "ngx_maint_response.h"


static ngx_int_t ngx_maint_preconfiguration(ngx_conf_t *cf);
static ngx_int_t ngx_maint_postconfiguration(ngx_conf_t *cf);
static void *ngx_maint_create_main_conf(ngx_conf_t *cf);
static char *ngx_maint_init_main_conf(ngx_conf_t *cf, void *conf);
static void *ngx_maint_create_loc_conf(ngx_conf_t *cf);
static char *ngx_maint_identity_check(ngx_conf_t *cf,
    ngx_maint_loc_conf_t *conf);
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

static char *ngx_maint_redis_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_maint_app_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_maint_page_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
static char *ngx_maint_on_redis_error_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_maint_status_code_post(ngx_conf_t *cf, void *post,
    void *data);
static ngx_int_t ngx_maint_session_pattern(ngx_conf_t *cf,
    ngx_maint_loc_conf_t *lcf, ngx_str_t *v);
static char *ngx_maint_session_cookie_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_maint_session_revoked_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_maint_force_login_arg_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_maint_signin_limit_directive(ngx_conf_t *cf,
    ngx_command_t *cmd, void *conf);
static char *ngx_maint_bypass_ttl_post(ngx_conf_t *cf, void *post,
    void *data);
static ngx_int_t ngx_maint_valid_name(ngx_str_t *s);
static char *ngx_maint_redis_tls(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf,
    ngx_str_t *param);
static ngx_int_t ngx_maint_tls_file(ngx_conf_t *cf, ngx_str_t *name,
    ngx_str_t *v, ngx_str_t *path);
static ngx_int_t ngx_maint_conf_cstr(ngx_conf_t *cf, ngx_str_t *src,
    ngx_str_t *dst);
static char *ngx_maint_parse_addr(ngx_conf_t *cf, ngx_str_t *url,
    ngx_int_t default_port, ngx_maint_addr_t *a);
static char *ngx_maint_parse_sentinels(ngx_conf_t *cf,
    ngx_maint_main_conf_t *mcf, ngx_str_t *v);
static maint_template_t *ngx_maint_compile_page(ngx_conf_t *cf,
    const char *src, size_t len, char *err, size_t errlen);
static void ngx_maint_page_cleanup(void *data);
static void ngx_maint_ctx_cleanup(void *data);


ngx_connection_t  ngx_maint_event_owner = { .fd = (ngx_socket_t) -1 };


/* the proxy module's "proxy_pass", while the http block is parsed */
static ngx_command_t  *ngx_maint_proxy_pass_cmd;
static char *(*ngx_maint_proxy_pass_set)(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);


static ngx_conf_post_handler_pt  ngx_maint_status_code_p =
    ngx_maint_status_code_post;
static ngx_conf_post_handler_pt  ngx_maint_bypass_ttl_p =
    ngx_maint_bypass_ttl_post;


static ngx_command_t  ngx_maint_commands[] = {

    { ngx_string("maint"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, enable),
      NULL },

    { ngx_string("maint_redis"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_1MORE,
      ngx_maint_redis_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("maint_app"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_maint_app_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("maint_api"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, api),
      NULL },

    { ngx_string("maint_status_code"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_num_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, status_code),
      &ngx_maint_status_code_p },

    { ngx_string("maint_page"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_maint_page_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("maint_on_redis_error"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE12,
      ngx_maint_on_redis_error_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("maint_max_staleness"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_msec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, max_staleness),
      NULL },

    { ngx_string("maint_on_upstream_error"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, upstream_error),
      NULL },

    { ngx_string("maint_metrics"),
      NGX_HTTP_LOC_CONF|NGX_CONF_NOARGS,
      ngx_maint_metrics_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("maint_session_cookie"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1234,
      ngx_maint_session_cookie_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("maint_session_revoked"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_maint_session_revoked_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("maint_session_user"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, session_user),
      NULL },

    { ngx_string("maint_force_login_arg"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_maint_force_login_arg_directive,
      NGX_HTTP_LOC_CONF_OFFSET,
      0,
      NULL },

    { ngx_string("maint_superadmin_identity"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_http_set_complex_value_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, superadmin_identity),
      NULL },

    { ngx_string("maint_bypass_ttl"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_TAKE1,
      ngx_conf_set_sec_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, bypass_ttl),
      &ngx_maint_bypass_ttl_p },

    { ngx_string("maint_bypass_banner"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, bypass_banner),
      NULL },

    { ngx_string("maint_banner"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, banner),
      NULL },

    { ngx_string("maint_signin_limit"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_maint_signin_limit_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


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
        lcf = ngx_http_conf_get_module_loc_conf(cf, ngx_maint_module);
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

    if (ngx_maint_metrics_init_conf(cf, mcf) != NGX_OK) {
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


/*
 * maint_superadmin_identity lets a request past a window on the word of a
 * variable, so the variable must hold what the front established, never
 * what the client sent.  Checked where it applies, after merging (each
 * server and location, with its own "satisfy"):
 *
 *   - variables any client sets ($http_*, $cookie_*, $arg_*, $request*,
 *     $args, $query_string, $uri...) are refused;
 *   - a fixed text (no variable) is refused: everyone would be that one;
 *   - $remote_user is refused where maint is on under "satisfy any": it is
 *     decoded from the Authorization header whether or not auth_basic
 *     accepted it, and "satisfy any" lets an allowed address in without
 *     auth_basic;
 *   - $ssl_client_* (but $ssl_client_verify) counts at run time only when
 *     $ssl_client_verify is SUCCESS ("optional_no_ca" fills them with any
 *     certificate).
 */

static char *
ngx_maint_identity_check(ngx_conf_t *cf, ngx_maint_loc_conf_t *conf)
{
    u_char                    *p, *last, *start;
    ngx_str_t                  name, *src, verify = ngx_string(
                                                        "ssl_client_verify");
    ngx_uint_t                 i, nvars;
    ngx_http_core_loc_conf_t  *clcf;

    static ngx_str_t  prefixes[] = {
        ngx_string("http_"), ngx_string("cookie_"), ngx_string("arg_"),
        ngx_string("request")
    };

    static ngx_str_t  names[] = {
        ngx_string("args"), ngx_string("query_string"), ngx_string("uri"),
        ngx_string("document_uri"), ngx_string("is_args"),
        ngx_string("content_type"), ngx_string("content_length"),
        ngx_string("host"), ngx_string("server_protocol"),
        ngx_string("invalid_referer"), ngx_string("scheme"),
        ngx_string("https"), ngx_string("server_name")
    };

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    src = &conf->superadmin_identity->value;

    nvars = 0;
    conf->identity_verify = -1;

    p = src->data;
    last = src->data + src->len;

    while (p < last) {
        if (*p++ != '$' || p == last) {
            continue;
        }

        if (*p == '{') {
            start = ++p;
            while (p < last && *p != '}') {
                p++;
            }

        } else {
            start = p;
            while (p < last
                   && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')
                       || (*p >= '0' && *p <= '9') || *p == '_'))
            {
                p++;
            }
        }

        name.data = start;
        name.len = p - start;

        if (name.len == 0) {
            continue;
        }

        nvars++;

        for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
            if (name.len >= prefixes[i].len
                && ngx_strncasecmp(name.data, prefixes[i].data,
                                   prefixes[i].len) == 0)
            {
                goto client;
            }
        }

        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (name.len == names[i].len
                && ngx_strncasecmp(name.data, names[i].data, name.len) == 0)
            {
                goto client;
            }
        }

        if (name.len == sizeof("remote_user") - 1
            && ngx_strncasecmp(name.data, (u_char *) "remote_user",
                               name.len) == 0
            && clcf->satisfy == NGX_HTTP_SATISFY_ANY && conf->enable)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"maint_superadmin_identity %V\" where "
                               "\"satisfy any\" is in force: $remote_user "
                               "is read from the Authorization header "
                               "whether or not auth_basic accepted the "
                               "password, and \"satisfy any\" lets clients "
                               "that another access check allows skip "
                               "auth_basic; use \"satisfy all\" there", src);
            return NGX_CONF_ERROR;
        }

        if (name.len > sizeof("ssl_client_") - 1
            && ngx_strncasecmp(name.data, (u_char *) "ssl_client_",
                               sizeof("ssl_client_") - 1) == 0
            && !(name.len == verify.len
                 && ngx_strncasecmp(name.data, verify.data, name.len) == 0))
        {
            conf->identity_verify = ngx_http_get_variable_index(cf, &verify);
            if (conf->identity_verify == NGX_ERROR) {
                return NGX_CONF_ERROR;
            }
        }

        continue;

    client:

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"maint_superadmin_identity %V\": $%V comes "
                           "from the request, and any client can set it to "
                           "a superadmin's name; use a variable that the "
                           "front established (e.g. set by auth_request_set "
                           "or from a verified client certificate)",
                           src, &name);
        return NGX_CONF_ERROR;
    }

    if (nvars == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"maint_superadmin_identity %V\" has no "
                           "variable: every request would be that "
                           "superadmin's", src);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/*
 * maint_redis ADDRESS [db=N] [user=NAME] [password=SECRET]
 *     [connect_timeout=T] [timeout=T] [backoff=MIN:MAX] [prefix=P]
 *     [heartbeat=T|off] [tls [tls_ca=FILE|DIR] [tls_cert=FILE tls_key=FILE]
 *     [tls_server_name=NAME]];
 * maint_redis sentinel:MASTER sentinels=ADDR[,ADDR...]
 *     [sentinel_user=NAME] [sentinel_password=SECRET] [role_check=T]
 *     [the options above];
 *
 * ADDRESS is host[:port] or unix:/path.  A host name is resolved here, at
 * configuration time, so that the workers never resolve names.  In the
 * second form the workers ask the sentinels for the primary of MASTER
 * (ngx_maint_redis.c); the sentinels' names are resolved here too.
 * With tls, every connection (to the data node and to the sentinels) is
 * TLS, and the files are read here: a bad one fails nginx -t.
 */

static char *
ngx_maint_redis_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_maint_main_conf_t  *mcf = conf;

    u_char      *p, *colon;
    char        *rv;
    ngx_str_t   *value, s, v, tls_param;
    ngx_int_t    n;
    ngx_uint_t   i;
    ngx_msec_t   ms;

    ngx_str_null(&tls_param);

    if (mcf->configured) {
        return "is duplicate";
    }

    value = cf->args->elts;

    mcf->addr_text = value[1];

    if (value[1].len > 9 && ngx_strncmp(value[1].data, "sentinel:", 9) == 0) {
        v.data = value[1].data + 9;
        v.len = value[1].len - 9;

        if (v.len > 64 || !ngx_maint_valid_name(&v)) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid master name \"%V\" in "
                               "\"maint_redis\", it must be 1 to 64 "
                               "characters of A-Z a-z 0-9 . _ - :", &v);
            return NGX_CONF_ERROR;
        }

        mcf->master_name = v;

    } else {
        ngx_maint_addr_t  a;

        rv = ngx_maint_parse_addr(cf, &value[1], 6379, &a);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        mcf->name = a.name;
        mcf->host = a.host;
        mcf->port = a.port;
        mcf->unix_socket = a.unix_socket;
    }

    for (i = 2; i < cf->args->nelts; i++) {
        s = value[i];

        if (s.len == 3 && ngx_strncmp(s.data, "tls", 3) == 0) {
            if (mcf->tls) {
                goto invalid;
            }

            mcf->tls = 1;
            tls_param = s;          /* the one to name, if it comes to it */

            continue;
        }

        p = ngx_strlchr(s.data, s.data + s.len, '=');
        if (p == NULL) {
            goto invalid;
        }

        v.data = p + 1;
        v.len = s.data + s.len - v.data;
        s.len = p - s.data;

        if (s.len > 4 && ngx_strncmp(s.data, "tls_", 4) == 0) {
            ngx_str_t  *dst;

            if (s.len == 6 && ngx_strncmp(s.data, "tls_ca", 6) == 0) {
                dst = &mcf->tls_ca;

            } else if (s.len == 8 && ngx_strncmp(s.data, "tls_cert", 8) == 0)
            {
                dst = &mcf->tls_cert;

            } else if (s.len == 7 && ngx_strncmp(s.data, "tls_key", 7) == 0) {
                dst = &mcf->tls_key;

            } else if (s.len == 15
                       && ngx_strncmp(s.data, "tls_server_name", 15) == 0)
            {
                dst = &mcf->tls_server_name;

            } else {
                goto invalid;
            }

            if (v.len == 0 || dst->data) {
                goto invalid;
            }

            if (tls_param.len == 0) {
                tls_param = s;
            }

            if (dst == &mcf->tls_server_name) {
                /* a DNS name or an address: sent as SNI, checked */
                if (v.len > 253 || ngx_strlchr(v.data, v.data + v.len, '/')
                    || ngx_strlchr(v.data, v.data + v.len, ' '))
                {
                    goto invalid;
                }

                if (ngx_maint_conf_cstr(cf, &v, dst) != NGX_OK) {
                    return NGX_CONF_ERROR;
                }

                continue;
            }

            if (ngx_maint_tls_file(cf, &s, &v, dst) != NGX_OK) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        if (s.len == 2 && ngx_strncmp(s.data, "db", 2) == 0) {
            n = ngx_atoi(v.data, v.len);
            if (n == NGX_ERROR || n > 1000000) {
                goto invalid;
            }

            mcf->db = n;
            continue;
        }

        if (s.len == 4 && ngx_strncmp(s.data, "user", 4) == 0) {
            if (v.len == 0) {
                goto invalid;
            }

            mcf->username = v;
            continue;
        }

        if (s.len == 8 && ngx_strncmp(s.data, "password", 8) == 0) {
            if (v.len == 0) {
                goto invalid;
            }

            mcf->password = v;
            continue;
        }

        if (s.len == 6 && ngx_strncmp(s.data, "prefix", 6) == 0) {
            if (v.len == 0 || v.len > 64 || !ngx_maint_valid_name(&v)) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid \"prefix\" \"%V\" in "
                                   "\"maint_redis\", it must be 1 to 64 "
                                   "characters of A-Z a-z 0-9 . _ - :", &v);
                return NGX_CONF_ERROR;
            }

            mcf->prefix = v;
            continue;
        }

        if (s.len == 9 && ngx_strncmp(s.data, "heartbeat", 9) == 0) {
            if (v.len == 3 && ngx_strncmp(v.data, "off", 3) == 0) {
                mcf->heartbeat = 0;
                continue;
            }

            ms = ngx_parse_time(&v, 0);
            if (ms == (ngx_msec_t) NGX_ERROR || ms < 1000) {
                goto invalid;
            }

            mcf->heartbeat = ms;
            continue;
        }

        if (s.len == 7 && ngx_strncmp(s.data, "backoff", 7) == 0) {
            ngx_str_t  lo, hi;

            colon = ngx_strlchr(v.data, v.data + v.len, ':');
            if (colon == NULL) {
                goto invalid;
            }

            lo.data = v.data;
            lo.len = colon - v.data;
            hi.data = colon + 1;
            hi.len = v.data + v.len - hi.data;

            mcf->backoff_min = ngx_parse_time(&lo, 0);
            mcf->backoff_max = ngx_parse_time(&hi, 0);

            if (mcf->backoff_min == (ngx_msec_t) NGX_ERROR
                || mcf->backoff_max == (ngx_msec_t) NGX_ERROR
                || mcf->backoff_min == 0
                || mcf->backoff_min > mcf->backoff_max)
            {
                goto invalid;
            }

            continue;
        }

        if ((s.len == 15 && ngx_strncmp(s.data, "connect_timeout", 15) == 0)
            || (s.len == 7 && ngx_strncmp(s.data, "timeout", 7) == 0))
        {
            ms = ngx_parse_time(&v, 0);
            if (ms == (ngx_msec_t) NGX_ERROR || ms == 0 || ms > 60000) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid \"%V\" value \"%V\" in "
                                   "\"maint_redis\", it must be a time "
                                   "between 1ms and 60s", &s, &v);
                return NGX_CONF_ERROR;
            }

            if (s.len == 7) {
                mcf->timeout = ms;

            } else {
                mcf->connect_timeout = ms;
            }

            continue;
        }

        if (s.len == 9 && ngx_strncmp(s.data, "sentinels", 9) == 0) {
            rv = ngx_maint_parse_sentinels(cf, mcf, &v);
            if (rv != NGX_CONF_OK) {
                return rv;
            }

            continue;
        }

        if (s.len == 13 && ngx_strncmp(s.data, "sentinel_user", 13) == 0) {
            if (v.len == 0) {
                goto invalid;
            }

            mcf->sentinel_username = v;
            continue;
        }

        if (s.len == 17
            && ngx_strncmp(s.data, "sentinel_password", 17) == 0)
        {
            if (v.len == 0) {
                goto invalid;
            }

            mcf->sentinel_password = v;
            continue;
        }

        if (s.len == 10 && ngx_strncmp(s.data, "role_check", 10) == 0) {
            ms = ngx_parse_time(&v, 0);
            if (ms == (ngx_msec_t) NGX_ERROR || ms < 100 || ms > 60000) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid \"role_check\" value \"%V\" in "
                                   "\"maint_redis\", it must be a time "
                                   "between 100ms and 60s", &v);
                return NGX_CONF_ERROR;
            }

            mcf->role_check = ms;
            continue;
        }

        goto invalid;
    }

    if (mcf->master_name.len && mcf->sentinels == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"maint_redis\" \"%V\" requires "
                           "\"sentinels=\" with at least one address",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    if (mcf->master_name.len == 0
        && (mcf->sentinels || mcf->sentinel_password.len
            || mcf->sentinel_username.len
            || mcf->role_check != NGX_CONF_UNSET_MSEC))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "sentinel parameters in \"maint_redis\" require "
                           "the address \"sentinel:MASTER_NAME\"");
        return NGX_CONF_ERROR;
    }

    if (tls_param.len) {
        rv = ngx_maint_redis_tls(cf, mcf, &tls_param);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    mcf->configured = 1;

    return NGX_CONF_OK;

invalid:

    /* never echo a password back into the error log */

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\" in \"maint_redis\"",
                       ((s.len == 8 && ngx_strncmp(s.data, "password", 8) == 0)
                        || (s.len == 17
                            && ngx_strncmp(s.data, "sentinel_password", 17)
                               == 0))
                       ? &s : &value[i]);

    return NGX_CONF_ERROR;
}


/* a tls_ca, tls_cert or tls_key path: relative to the configuration prefix */

static ngx_int_t
ngx_maint_tls_file(ngx_conf_t *cf, ngx_str_t *name, ngx_str_t *v,
    ngx_str_t *path)
{
    ngx_str_t  full;

    full = *v;

    if (ngx_conf_full_name(cf->cycle, &full, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    return ngx_maint_conf_cstr(cf, &full, path);
}


/* a copy ending in NUL, for OpenSSL */

static ngx_int_t
ngx_maint_conf_cstr(ngx_conf_t *cf, ngx_str_t *src, ngx_str_t *dst)
{
    dst->data = ngx_pnalloc(cf->pool, src->len + 1);
    if (dst->data == NULL) {
        return NGX_ERROR;
    }

    ngx_memcpy(dst->data, src->data, src->len);
    dst->data[src->len] = '\0';
    dst->len = src->len;

    return NGX_OK;
}


#if (NGX_MAINT_HAVE_HIREDIS_SSL)

static void
ngx_maint_tls_ctx_cleanup(void *data)
{
    maint_tls_ctx_free(data);
}

#endif


/*
 * The TLS parameters, checked together once all are read; the context is
 * made here, in the master, so that every file is read at nginx -t and at
 * a reload, and a worker only creates a connection's SSL object from it.
 * param is the first TLS parameter given, for the messages.
 */

static char *
ngx_maint_redis_tls(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf,
    ngx_str_t *param)
{
#if (NGX_MAINT_HAVE_HIREDIS_SSL)

    char                 reason[256];
    ngx_str_t           *bad;
    ngx_uint_t           i;
    maint_tls_fail_e     fail;
    ngx_pool_cleanup_t  *cln;
    ngx_maint_addr_t    *sa;

    if (!mcf->tls) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" in \"maint_redis\" requires \"tls\"",
                           param);
        return NGX_CONF_ERROR;
    }

    if ((mcf->tls_cert.len == 0) != (mcf->tls_key.len == 0)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"tls_cert\" and \"tls_key\" in "
                           "\"maint_redis\" go together: both or neither");
        return NGX_CONF_ERROR;
    }

    /* Redis never speaks TLS on a unix socket */

    sa = mcf->sentinels ? mcf->sentinels->elts : NULL;

    for (i = 0; sa && i < mcf->sentinels->nelts; i++) {
        if (sa[i].unix_socket) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"tls\" in \"maint_redis\" cannot be used "
                               "with the unix socket sentinel \"%V\"",
                               &sa[i].text);
            return NGX_CONF_ERROR;
        }
    }

    if (mcf->unix_socket) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"tls\" in \"maint_redis\" cannot be used with "
                           "the unix socket \"%V\"", &mcf->addr_text);
        return NGX_CONF_ERROR;
    }

    mcf->tls_ctx = maint_tls_ctx_create(
                       mcf->tls_ca.len ? (char *) mcf->tls_ca.data : NULL,
                       mcf->tls_cert.len ? (char *) mcf->tls_cert.data : NULL,
                       mcf->tls_key.len ? (char *) mcf->tls_key.data : NULL,
                       &fail, reason, sizeof(reason));

    if (mcf->tls_ctx == NULL) {
        switch (fail) {

        case MAINT_TLS_BAD_CA:
            if (mcf->tls_ca.len == 0) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "\"tls\" in \"maint_redis\": cannot "
                                   "load the system's CA certificates (%s); "
                                   "give \"tls_ca\"", reason);
                return NGX_CONF_ERROR;
            }

            bad = &mcf->tls_ca;
            ngx_str_set(param, "tls_ca");
            break;

        case MAINT_TLS_BAD_CERT:
            bad = &mcf->tls_cert;
            ngx_str_set(param, "tls_cert");
            break;

        case MAINT_TLS_BAD_KEY:
        case MAINT_TLS_KEY_MISMATCH:
            bad = &mcf->tls_key;
            ngx_str_set(param, "tls_key");
            break;

        default:
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "\"tls\" in \"maint_redis\": %s", reason);
            return NGX_CONF_ERROR;
        }

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"%V\" file \"%V\" in \"maint_redis\": %s",
                           param, bad, reason);
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        maint_tls_ctx_free(mcf->tls_ctx);
        mcf->tls_ctx = NULL;
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_maint_tls_ctx_cleanup;
    cln->data = mcf->tls_ctx;

    return NGX_CONF_OK;

#else

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"%V\" in \"maint_redis\" " MAINT_TLS_UNAVAILABLE,
                       param, MAINT_TLS_UNAVAILABLE_ARGS("module"));
    return NGX_CONF_ERROR;

#endif
}


/* host[:port] or unix:/path, to a numeric address hiredis connects to */

static char *
ngx_maint_parse_addr(ngx_conf_t *cf, ngx_str_t *url, ngx_int_t default_port,
    ngx_maint_addr_t *a)
{
    u_char     *name;
    ngx_url_t   u;

    ngx_memzero(a, sizeof(ngx_maint_addr_t));
    ngx_memzero(&u, sizeof(ngx_url_t));

    u.url = *url;
    u.default_port = (in_port_t) default_port;

    if (ngx_parse_url(cf->pool, &u) != NGX_OK) {
        if (u.err) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "%s in \"maint_redis\" address \"%V\"",
                               u.err, &u.url);
        }

        return NGX_CONF_ERROR;
    }

    if (u.naddrs == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "no address for \"%V\" in \"maint_redis\"",
                           &u.url);
        return NGX_CONF_ERROR;
    }

    a->text = *url;

#if (NGX_HAVE_UNIX_DOMAIN)
    if (u.family == AF_UNIX) {
        struct sockaddr_un  *sun = (struct sockaddr_un *) u.addrs[0].sockaddr;

        a->unix_socket = 1;
        a->host.len = ngx_strlen(sun->sun_path);
        a->host.data = ngx_pnalloc(cf->pool, a->host.len + 1);
        if (a->host.data == NULL) {
            return NGX_CONF_ERROR;
        }

        ngx_memcpy(a->host.data, sun->sun_path, a->host.len + 1);

        return NGX_CONF_OK;
    }
#endif

    /* the host as written, without an IPv6 address's brackets */

    a->name = u.host;

    if (a->name.len > 2 && a->name.data[0] == '[') {
        a->name.data++;
        a->name.len -= 2;
    }

    name = ngx_pnalloc(cf->pool, a->name.len + 1);
    if (name == NULL) {
        return NGX_CONF_ERROR;
    }

    ngx_memcpy(name, a->name.data, a->name.len);
    name[a->name.len] = '\0';
    a->name.data = name;

    a->host.data = ngx_pnalloc(cf->pool, NGX_SOCKADDR_STRLEN + 1);
    if (a->host.data == NULL) {
        return NGX_CONF_ERROR;
    }

    a->host.len = ngx_sock_ntop(u.addrs[0].sockaddr, u.addrs[0].socklen,
                                a->host.data, NGX_SOCKADDR_STRLEN, 0);
    a->host.data[a->host.len] = '\0';
    a->port = ngx_inet_get_port(u.addrs[0].sockaddr);

    return NGX_CONF_OK;
}


/* sentinels=ADDR[,ADDR...]: up to 16, default port 26379 */

static char *
ngx_maint_parse_sentinels(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf,
    ngx_str_t *v)
{
    u_char            *p, *last, *comma;
    char              *rv;
    ngx_str_t          one;
    ngx_maint_addr_t  *a;

    if (mcf->sentinels) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "duplicate \"sentinels\" in \"maint_redis\"");
        return NGX_CONF_ERROR;
    }

    mcf->sentinels = ngx_array_create(cf->pool, 4, sizeof(ngx_maint_addr_t));
    if (mcf->sentinels == NULL) {
        return NGX_CONF_ERROR;
    }

    p = v->data;
    last = v->data + v->len;

    for ( ;; ) {
        comma = ngx_strlchr(p, last, ',');

        one.data = p;
        one.len = (comma ? comma : last) - p;

        if (one.len == 0 || mcf->sentinels->nelts == 16) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid \"sentinels\" value \"%V\" in "
                               "\"maint_redis\", it must be 1 to 16 "
                               "addresses separated by commas", v);
            return NGX_CONF_ERROR;
        }

        a = ngx_array_push(mcf->sentinels);
        if (a == NULL) {
            return NGX_CONF_ERROR;
        }

        rv = ngx_maint_parse_addr(cf, &one, 26379, a);
        if (rv != NGX_CONF_OK) {
            return rv;
        }

        if (comma == NULL) {
            break;
        }

        p = comma + 1;
    }

    return NGX_CONF_OK;
}


static char *
ngx_maint_app_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_maint_loc_conf_t  *lcf = conf;

    ngx_str_t  *value;

    if (lcf->app.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > 64
        || !ngx_maint_valid_name(&value[1])
        || ngx_strlchr(value[1].data, value[1].data + value[1].len, ':'))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid app name \"%V\" in \"maint_app\", it "
                           "must be 1 to 64 characters of A-Z a-z 0-9 . _ -",
                           &value[1]);
        return NGX_CONF_ERROR;
    }

    lcf->app = value[1];

    return NGX_CONF_OK;
}


static char *
ngx_maint_page_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_maint_loc_conf_t  *lcf = conf;

    char              err[256];
    u_char           *buf;
    ssize_t           n;
    ngx_str_t        *value, name;
    ngx_file_t        file;
    ngx_file_info_t   fi;

    if (lcf->page != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 3 && ngx_strncmp(value[1].data, "off", 3) == 0) {
        ngx_maint_main_conf_t *mcf;

        /* the built-in page; compiled in init_main_conf, after this */
        mcf = ngx_http_conf_get_module_main_conf(cf, ngx_maint_module);

        if (mcf->default_page == NULL) {
            mcf->default_page = ngx_maint_compile_page(cf,
                                                       maint_default_page,
                                                       maint_default_page_len,
                                                       err, sizeof(err));
            if (mcf->default_page == NULL) {
                return NGX_CONF_ERROR;
            }
        }

        lcf->page = mcf->default_page;

        return NGX_CONF_OK;
    }

    name = value[1];

    if (ngx_conf_full_name(cf->cycle, &name, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    ngx_memzero(&file, sizeof(ngx_file_t));
    file.name = name;
    file.log = cf->log;

    file.fd = ngx_open_file(name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (file.fd == NGX_INVALID_FILE) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"maint_page\" cannot open \"%V\"", &name);
        return NGX_CONF_ERROR;
    }

    buf = NULL;
    n = NGX_ERROR;

    if (ngx_fd_info(file.fd, &fi) == NGX_FILE_ERROR) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, ngx_errno,
                           "\"maint_page\" cannot stat \"%V\"", &name);
        goto done;
    }

    if (ngx_file_size(&fi) > 1024 * 1024) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"maint_page\" file \"%V\" is larger than 1m",
                           &name);
        goto done;
    }

    buf = ngx_pnalloc(cf->pool, (size_t) ngx_file_size(&fi) + 1);
    if (buf == NULL) {
        goto done;
    }

    n = ngx_read_file(&file, buf, (size_t) ngx_file_size(&fi), 0);

done:

    if (ngx_close_file(file.fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, cf->log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", &name);
    }

    if (n == NGX_ERROR || buf == NULL) {
        return NGX_CONF_ERROR;
    }

    lcf->page = ngx_maint_compile_page(cf, (char *) buf, (size_t) n, err,
                                       sizeof(err));
    if (lcf->page == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid template \"%V\" in \"maint_page\": %s",
                           &name, err);
        return NGX_CONF_ERROR;
    }

    return NGX_CONF_OK;
}


/* Templates are malloc()ed by the pure code; they go with the cycle. */

static maint_template_t *
ngx_maint_compile_page(ngx_conf_t *cf, const char *src, size_t len,
    char *err, size_t errlen)
{
    maint_template_t    *t;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NULL;
    }

    t = maint_template_compile(src, len, err, errlen);
    if (t == NULL) {
        return NULL;
    }

    cln->handler = ngx_maint_page_cleanup;
    cln->data = t;

    return t;
}


static void
ngx_maint_page_cleanup(void *data)
{
    maint_template_free(data);
}


/* maint_on_redis_error open|closed [stale=TIME|off]; */

static char *
ngx_maint_on_redis_error_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_maint_loc_conf_t  *lcf = conf;

    ngx_str_t   *value, v;
    ngx_msec_t   ms;

    if (lcf->on_error != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "open") == 0) {
        lcf->on_error = NGX_MAINT_ON_ERROR_OPEN;

    } else if (ngx_strcmp(value[1].data, "closed") == 0) {
        lcf->on_error = NGX_MAINT_ON_ERROR_CLOSED;

    } else {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid value \"%V\" in \"maint_on_redis_error\","
                           " it must be \"open\" or \"closed\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    if (cf->args->nelts == 3) {
        if (value[2].len < 6
            || ngx_strncmp(value[2].data, "stale=", 6) != 0)
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\" in "
                               "\"maint_on_redis_error\", expected "
                               "\"stale=TIME\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        v.data = value[2].data + 6;
        v.len = value[2].len - 6;

        if (v.len == 3 && ngx_strncmp(v.data, "off", 3) == 0) {
            ms = 0;

        } else {
            ms = ngx_parse_time(&v, 0);
            if (ms == (ngx_msec_t) NGX_ERROR) {
                ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                                   "invalid stale time \"%V\" in "
                                   "\"maint_on_redis_error\"", &v);
                return NGX_CONF_ERROR;
            }
        }

        lcf->stale = ms;
    }

    return NGX_CONF_OK;
}


/* maint_session_cookie NAME [path=P] [domain=D] [pattern=REGEX]; */

static char *
ngx_maint_session_cookie_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_maint_loc_conf_t  *lcf = conf;

    ngx_str_t   *value, v;
    ngx_uint_t   i;

    if (lcf->session_cookie.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (value[1].len == 0 || value[1].len > 128
        || !maint_cookie_value_ok((char *) value[1].data, value[1].len)
        || ngx_strlchr(value[1].data, value[1].data + value[1].len, '=')
        || value[1].data[0] == '"')
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid cookie name \"%V\" in "
                           "\"maint_session_cookie\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    lcf->session_cookie = value[1];
    ngx_str_set(&lcf->session_path, "/");

    for (i = 2; i < cf->args->nelts; i++) {
        if (ngx_strncmp(value[i].data, "path=", 5) == 0) {
            v.data = value[i].data + 5;
            v.len = value[i].len - 5;

            if (v.len == 0 || v.data[0] != '/'
                || !maint_cookie_value_ok((char *) v.data, v.len)
                || ngx_strlchr(v.data, v.data + v.len, ';'))
            {
                goto invalid;
            }

            lcf->session_path = v;
            continue;
        }

        if (ngx_strncmp(value[i].data, "domain=", 7) == 0) {
            v.data = value[i].data + 7;
            v.len = value[i].len - 7;

            if (v.len == 0
                || !maint_cookie_value_ok((char *) v.data, v.len)
                || ngx_strlchr(v.data, v.data + v.len, ';'))
            {
                goto invalid;
            }

            lcf->session_domain = v;
            continue;
        }

        if (ngx_strncmp(value[i].data, "pattern=", 8) == 0) {
            v.data = value[i].data + 8;
            v.len = value[i].len - 8;

            if (ngx_maint_session_pattern(cf, lcf, &v) != NGX_OK) {
                return NGX_CONF_ERROR;
            }

            continue;
        }

        goto invalid;
    }

    return NGX_CONF_OK;

invalid:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\" in \"maint_session_cookie\"",
                       &value[i]);
    return NGX_CONF_ERROR;
}


/*
 * The shape of the app's session ids: a value it does not match is never
 * checked and never reaches the app.  Anchored at both ends whatever was
 * written: a pattern that matches part of a value would let the rest of
 * it through.
 */

static ngx_int_t
ngx_maint_session_pattern(ngx_conf_t *cf, ngx_maint_loc_conf_t *lcf,
    ngx_str_t *v)
{
#if (NGX_PCRE)
    u_char               errstr[NGX_MAX_CONF_ERRSTR];
    ngx_regex_compile_t  rc;

    if (v->len == 0) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "empty \"pattern=\" in \"maint_session_cookie\"");
        return NGX_ERROR;
    }

    ngx_memzero(&rc, sizeof(ngx_regex_compile_t));

    rc.pattern.len = v->len + sizeof("^(?:)$") - 1;
    rc.pattern.data = ngx_pnalloc(cf->pool, rc.pattern.len);
    if (rc.pattern.data == NULL) {
        return NGX_ERROR;
    }

    ngx_sprintf(rc.pattern.data, "^(?:%V)$", v);

    rc.pool = cf->pool;
    rc.err.len = NGX_MAX_CONF_ERRSTR;
    rc.err.data = errstr;

    if (ngx_regex_compile(&rc) != NGX_OK) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid \"pattern=\" in \"maint_session_cookie\""
                           ": %V", &rc.err);
        return NGX_ERROR;
    }

    lcf->session_pattern = rc.regex;

    return NGX_OK;
#else
    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"pattern=\" in \"maint_session_cookie\" needs "
                       "NGINX built with PCRE");
    return NGX_ERROR;
#endif
}


/* maint_session_revoked logoff | 401 | redirect=/path; */

static char *
ngx_maint_session_revoked_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_maint_loc_conf_t  *lcf = conf;

    ngx_str_t  *value, v;

    if (lcf->session_revoked != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "logoff") == 0) {
        lcf->session_revoked = NGX_MAINT_REVOKED_LOGOFF;
        return NGX_CONF_OK;
    }

    if (ngx_strcmp(value[1].data, "401") == 0) {
        lcf->session_revoked = NGX_MAINT_REVOKED_401;
        return NGX_CONF_OK;
    }

    if (ngx_strncmp(value[1].data, "redirect=", 9) == 0) {
        v.data = value[1].data + 9;
        v.len = value[1].len - 9;

        /* same origin only: a path, never //host or a scheme */
        if (v.len > 0 && v.data[0] == '/'
            && !(v.len > 1 && (v.data[1] == '/' || v.data[1] == '\\'))
            && maint_cookie_value_ok((char *) v.data, v.len))
        {
            lcf->session_revoked = NGX_MAINT_REVOKED_REDIRECT;
            lcf->session_redirect = v;
            return NGX_CONF_OK;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"maint_session_revoked\", "
                       "it must be \"logoff\", \"401\" or \"redirect=/path\"",
                       &value[1]);
    return NGX_CONF_ERROR;
}


static char *
ngx_maint_force_login_arg_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_maint_loc_conf_t  *lcf = conf;

    ngx_str_t  *value;

    if (lcf->force_login_arg.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (!maint_valid_name((char *) value[1].data, value[1].len)) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid argument name \"%V\" in "
                           "\"maint_force_login_arg\"", &value[1]);
        return NGX_CONF_ERROR;
    }

    lcf->force_login_arg = value[1];

    return NGX_CONF_OK;
}


/* maint_signin_limit N/m | off; */

static char *
ngx_maint_signin_limit_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_maint_main_conf_t  *mcf = conf;

    ngx_int_t   n;
    ngx_str_t  *value;

    if (mcf->signin_limit != NGX_CONF_UNSET_UINT) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_strcmp(value[1].data, "off") == 0) {
        mcf->signin_limit = 0;
        return NGX_CONF_OK;
    }

    if (value[1].len > 2
        && ngx_strncmp(value[1].data + value[1].len - 2, "/m", 2) == 0)
    {
        n = ngx_atoi(value[1].data, value[1].len - 2);

        if (n > 0 && n <= 10000) {
            mcf->signin_limit = n;
            return NGX_CONF_OK;
        }
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid value \"%V\" in \"maint_signin_limit\", "
                       "it must be \"N/m\" (1 to 10000) or \"off\"",
                       &value[1]);
    return NGX_CONF_ERROR;
}


static char *
ngx_maint_bypass_ttl_post(ngx_conf_t *cf, void *post, void *data)
{
    time_t  *tp = data;

    if (*tp < 60 || *tp > MAINT_BYPASS_MAX_TTL) {
        return "must be between 1m and 12h";
    }

    return NGX_CONF_OK;
}


static char *
ngx_maint_status_code_post(ngx_conf_t *cf, void *post, void *data)
{
    ngx_uint_t  *np = data;

    if (*np < 400 || *np > 599) {
        return "must be a status code between 400 and 599";
    }

    return NGX_CONF_OK;
}


static ngx_int_t
ngx_maint_valid_name(ngx_str_t *s)
{
    u_char      c;
    ngx_uint_t  i;

    for (i = 0; i < s->len; i++) {
        c = s->data[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'
              || c == ':'))
        {
            return 0;
        }
    }

    return 1;
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


/*
 * The context survives internal redirects (which clear r->ctx): it is
 * found again through its pool cleanup, the way the realip module does it.
 * A request that already waited for a fresh read is not parked again after
 * an error_page or try_files redirect.
 */

ngx_maint_ctx_t *
ngx_maint_get_ctx(ngx_http_request_t *r)
{
    ngx_maint_ctx_t     *ctx;
    ngx_pool_cleanup_t  *cln;

    ctx = ngx_http_get_module_ctx(r, ngx_maint_module);
    if (ctx != NULL) {
        return ctx;
    }

    if (!r->internal && !r->filter_finalize) {
        return NULL;
    }

    for (cln = r->pool->cleanup; cln; cln = cln->next) {
        if (cln->handler == ngx_maint_ctx_cleanup) {
            ctx = cln->data;
            ngx_http_set_ctx(r, ctx, ngx_maint_module);
            return ctx;
        }
    }

    return NULL;
}


ngx_maint_ctx_t *
ngx_maint_create_ctx(ngx_http_request_t *r)
{
    ngx_maint_ctx_t     *ctx;
    ngx_pool_cleanup_t  *cln;

    cln = ngx_pool_cleanup_add(r->pool, sizeof(ngx_maint_ctx_t));
    if (cln == NULL) {
        return NULL;
    }

    ctx = cln->data;
    ngx_memzero(ctx, sizeof(ngx_maint_ctx_t));

    ctx->request = r;

    cln->handler = ngx_maint_ctx_cleanup;

    ngx_http_set_ctx(r, ctx, ngx_maint_module);

    return ctx;
}


static void
ngx_maint_ctx_cleanup(void *data)
{
    ngx_maint_ctx_t  *ctx = data;

    /* the request is going away: it must leave the wait lists first */

    ngx_maint_state_forget(ctx);

    if (ctx->state) {
        ngx_maint_state_release(ctx->state);
        ctx->state = NULL;
    }
}
