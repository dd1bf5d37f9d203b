/*
 * ngx_maint_redis_conf.c: the "maint_redis" directive: its parameters, one
 * table of "name=" entries with their bounds; the Redis and Sentinel
 * addresses, resolved at configuration time; the TLS context, made from
 * the files in the master.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_redis_conf.h"
#include "maint_names.h"
#include <hiredis/hiredis.h>              /* HIREDIS_MAJOR, for a message */

#include "maint_tls.h"


typedef struct ngx_maint_redis_param_s  ngx_maint_redis_param_t;

/* what parsing the parameters of one "maint_redis" carries along */
typedef struct {
    ngx_maint_main_conf_t    *mcf;
    ngx_str_t                 tls_param;    /* the first TLS one, to name */
} ngx_maint_redis_parse_t;

/*
 * A parameter's parser: NGX_OK, NGX_ERROR (it said why), or NGX_DECLINED
 * for the directive's "invalid parameter" message.
 */
typedef ngx_int_t (*ngx_maint_redis_param_pt)(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);

struct ngx_maint_redis_param_s {
    ngx_str_t                 name;         /* with its "=" */
    ngx_maint_redis_param_pt  parse;
    ngx_uint_t                offset;       /* in ngx_maint_main_conf_t */
    ngx_conf_num_bounds_t    *bounds;       /* of a number or a time */
    char                     *range;        /* a time's, for its message */
    ngx_uint_t                flags;
};

#define NGX_MAINT_PARAM_SECRET  0x01        /* never echoed */
#define NGX_MAINT_PARAM_OFF     0x02        /* "off" is 0 */


static ngx_int_t ngx_maint_redis_address(ngx_conf_t *cf,
    ngx_maint_main_conf_t *mcf, ngx_str_t *addr);
static char *ngx_maint_redis_param(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_str_t *value);
static char *ngx_maint_redis_check(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_str_t *addr);
static ngx_int_t ngx_maint_param_str(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);
static ngx_int_t ngx_maint_param_num(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);
static ngx_int_t ngx_maint_param_msec(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);
static ngx_int_t ngx_maint_param_prefix(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);
static ngx_int_t ngx_maint_param_backoff(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);
static ngx_int_t ngx_maint_param_sentinels(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);
static ngx_int_t ngx_maint_param_tls_file(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);
static ngx_int_t ngx_maint_param_tls_name(ngx_conf_t *cf,
    ngx_maint_redis_parse_t *rp, ngx_maint_redis_param_t *param,
    ngx_str_t *v);
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


/* only the bounds: the messages are maint_redis's own */

static ngx_conf_num_bounds_t  ngx_maint_db_bounds = { NULL, 0, 1000000 };
static ngx_conf_num_bounds_t  ngx_maint_timeout_bounds = { NULL, 1, 60000 };
static ngx_conf_num_bounds_t  ngx_maint_heartbeat_bounds = { NULL, 1000, -1 };
static ngx_conf_num_bounds_t  ngx_maint_role_check_bounds =
    { NULL, 100, 60000 };


#define ngx_maint_mcf(field)  offsetof(ngx_maint_main_conf_t, field)

static ngx_maint_redis_param_t  ngx_maint_redis_params[] = {

    { ngx_string("db="), ngx_maint_param_num, ngx_maint_mcf(db),
      &ngx_maint_db_bounds, NULL, 0 },

    { ngx_string("user="), ngx_maint_param_str, ngx_maint_mcf(username),
      NULL, NULL, 0 },

    { ngx_string("password="), ngx_maint_param_str, ngx_maint_mcf(password),
      NULL, NULL, NGX_MAINT_PARAM_SECRET },

    { ngx_string("prefix="), ngx_maint_param_prefix, ngx_maint_mcf(prefix),
      NULL, NULL, 0 },

    { ngx_string("heartbeat="), ngx_maint_param_msec,
      ngx_maint_mcf(heartbeat), &ngx_maint_heartbeat_bounds, NULL,
      NGX_MAINT_PARAM_OFF },

    { ngx_string("backoff="), ngx_maint_param_backoff, 0, NULL, NULL, 0 },

    { ngx_string("connect_timeout="), ngx_maint_param_msec,
      ngx_maint_mcf(connect_timeout), &ngx_maint_timeout_bounds,
      "between 1ms and 60s", 0 },

    { ngx_string("timeout="), ngx_maint_param_msec, ngx_maint_mcf(timeout),
      &ngx_maint_timeout_bounds, "between 1ms and 60s", 0 },

    { ngx_string("sentinels="), ngx_maint_param_sentinels, 0, NULL, NULL,
      0 },

    { ngx_string("sentinel_user="), ngx_maint_param_str,
      ngx_maint_mcf(sentinel_username), NULL, NULL, 0 },

    { ngx_string("sentinel_password="), ngx_maint_param_str,
      ngx_maint_mcf(sentinel_password), NULL, NULL, NGX_MAINT_PARAM_SECRET },

    { ngx_string("role_check="), ngx_maint_param_msec,
      ngx_maint_mcf(role_check), &ngx_maint_role_check_bounds,
      "between 100ms and 60s", 0 },

    { ngx_string("tls_ca="), ngx_maint_param_tls_file, ngx_maint_mcf(tls_ca),
      NULL, NULL, 0 },

    { ngx_string("tls_cert="), ngx_maint_param_tls_file,
      ngx_maint_mcf(tls_cert), NULL, NULL, 0 },

    { ngx_string("tls_key="), ngx_maint_param_tls_file,
      ngx_maint_mcf(tls_key), NULL, NULL, 0 },

    { ngx_string("tls_server_name="), ngx_maint_param_tls_name,
      ngx_maint_mcf(tls_server_name), NULL, NULL, 0 },

    { ngx_null_string, NULL, 0, NULL, NULL, 0 }
};


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

char *
ngx_maint_redis_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_maint_main_conf_t  *mcf = conf;

    char                     *rv;
    ngx_str_t                *value;
    ngx_uint_t                i;
    ngx_maint_redis_parse_t   rp;

    if (mcf->configured) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (ngx_maint_redis_address(cf, mcf, &value[1]) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    rp.mcf = mcf;
    ngx_str_null(&rp.tls_param);

    for (i = 2; i < cf->args->nelts; i++) {
        rv = ngx_maint_redis_param(cf, &rp, &value[i]);
        if (rv != NGX_CONF_OK) {
            return rv;
        }
    }

    rv = ngx_maint_redis_check(cf, &rp, &value[1]);
    if (rv != NGX_CONF_OK) {
        return rv;
    }

    mcf->configured = 1;

    return NGX_CONF_OK;
}


/* host[:port], unix:/path, or sentinel:MASTER */

static ngx_int_t
ngx_maint_redis_address(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf,
    ngx_str_t *addr)
{
    ngx_str_t         v;
    ngx_maint_addr_t  a;

    mcf->addr_text = *addr;

    if (addr->len > 9 && ngx_strncmp(addr->data, "sentinel:", 9) == 0) {
        v.data = addr->data + 9;
        v.len = addr->len - 9;

        if (!maint_valid_ident((char *) v.data, v.len, MAINT_MAX_NAME_LEN,
                               MAINT_PREFIX_CHARS))
        {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid master name \"%V\" in "
                               "\"maint_redis\", it must be 1 to 64 "
                               "characters of A-Z a-z 0-9 . _ - :", &v);
            return NGX_ERROR;
        }

        mcf->master_name = v;

        return NGX_OK;
    }

    if (ngx_maint_parse_addr(cf, addr, 6379, &a) != NGX_CONF_OK) {
        return NGX_ERROR;
    }

    mcf->name = a.name;
    mcf->host = a.host;
    mcf->port = a.port;
    mcf->unix_socket = a.unix_socket;

    return NGX_OK;
}


/* one parameter: "tls", or one of the table's "name=VALUE" */

static char *
ngx_maint_redis_param(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_str_t *value)
{
    ngx_int_t                 rc;
    ngx_str_t                 v, *shown;
    ngx_maint_redis_param_t  *param;

    param = NULL;

    if (value->len == 3 && ngx_strncmp(value->data, "tls", 3) == 0) {
        if (rp->mcf->tls) {
            goto invalid;
        }

        rp->mcf->tls = 1;
        rp->tls_param = *value;     /* the one to name, if it comes to it */

        return NGX_CONF_OK;
    }

    for (param = ngx_maint_redis_params; param->name.len; param++) {
        if (value->len >= param->name.len
            && ngx_strncmp(value->data, param->name.data, param->name.len)
               == 0)
        {
            break;
        }
    }

    if (param->name.len == 0) {
        param = NULL;
        goto invalid;
    }

    v.data = value->data + param->name.len;
    v.len = value->len - param->name.len;

    rc = param->parse(cf, rp, param, &v);

    if (rc == NGX_OK) {
        return NGX_CONF_OK;
    }

    if (rc == NGX_ERROR) {
        return NGX_CONF_ERROR;
    }

invalid:

    /* never echo a password back into the error log */

    shown = value;

    if (param && (param->flags & NGX_MAINT_PARAM_SECRET)) {
        v.data = value->data;
        v.len = param->name.len - 1;
        shown = &v;
    }

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "invalid parameter \"%V\" in \"maint_redis\"", shown);

    return NGX_CONF_ERROR;
}


/* what the parameters require of each other */

static char *
ngx_maint_redis_check(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_str_t *addr)
{
    ngx_maint_main_conf_t  *mcf = rp->mcf;

    if (mcf->master_name.len && mcf->sentinels == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "\"maint_redis\" \"%V\" requires "
                           "\"sentinels=\" with at least one address", addr);
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

    if (rp->tls_param.len) {
        return ngx_maint_redis_tls(cf, mcf, &rp->tls_param);
    }

    return NGX_CONF_OK;
}


/* user=, password= and the sentinels': not empty */

static ngx_int_t
ngx_maint_param_str(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_maint_redis_param_t *param, ngx_str_t *v)
{
    ngx_str_t  *field;

    if (v->len == 0) {
        return NGX_DECLINED;
    }

    field = (ngx_str_t *) ((char *) rp->mcf + param->offset);
    *field = *v;

    return NGX_OK;
}


static ngx_int_t
ngx_maint_param_num(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_maint_redis_param_t *param, ngx_str_t *v)
{
    ngx_int_t  n, *field;

    n = ngx_atoi(v->data, v->len);

    if (n == NGX_ERROR || n < param->bounds->low
        || (param->bounds->high != -1 && n > param->bounds->high))
    {
        return NGX_DECLINED;
    }

    field = (ngx_int_t *) ((char *) rp->mcf + param->offset);
    *field = n;

    return NGX_OK;
}


/* a time within its bounds; a parameter with a range says which */

static ngx_int_t
ngx_maint_param_msec(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_maint_redis_param_t *param, ngx_str_t *v)
{
    ngx_str_t    name;
    ngx_msec_t   ms, *field;

    field = (ngx_msec_t *) ((char *) rp->mcf + param->offset);

    if ((param->flags & NGX_MAINT_PARAM_OFF)
        && v->len == 3 && ngx_strncmp(v->data, "off", 3) == 0)
    {
        *field = 0;
        return NGX_OK;
    }

    ms = ngx_parse_time(v, 0);

    if (ms == (ngx_msec_t) NGX_ERROR
        || ms < (ngx_msec_t) param->bounds->low
        || (param->bounds->high != -1
            && ms > (ngx_msec_t) param->bounds->high))
    {
        if (param->range == NULL) {
            return NGX_DECLINED;
        }

        name.data = param->name.data;
        name.len = param->name.len - 1;

        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid \"%V\" value \"%V\" in \"maint_redis\", "
                           "it must be a time %s", &name, v, param->range);
        return NGX_ERROR;
    }

    *field = ms;

    return NGX_OK;
}


static ngx_int_t
ngx_maint_param_prefix(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_maint_redis_param_t *param, ngx_str_t *v)
{
    if (!maint_valid_ident((char *) v->data, v->len, MAINT_MAX_NAME_LEN,
                           MAINT_PREFIX_CHARS))
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid \"prefix\" \"%V\" in "
                           "\"maint_redis\", it must be 1 to 64 "
                           "characters of A-Z a-z 0-9 . _ - :", v);
        return NGX_ERROR;
    }

    rp->mcf->prefix = *v;

    return NGX_OK;
}


/* backoff=MIN:MAX, MIN not 0 */

static ngx_int_t
ngx_maint_param_backoff(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_maint_redis_param_t *param, ngx_str_t *v)
{
    u_char                 *colon;
    ngx_str_t               lo, hi;
    ngx_maint_main_conf_t  *mcf = rp->mcf;

    colon = ngx_strlchr(v->data, v->data + v->len, ':');
    if (colon == NULL) {
        return NGX_DECLINED;
    }

    lo.data = v->data;
    lo.len = colon - v->data;
    hi.data = colon + 1;
    hi.len = v->data + v->len - hi.data;

    mcf->backoff_min = ngx_parse_time(&lo, 0);
    mcf->backoff_max = ngx_parse_time(&hi, 0);

    if (mcf->backoff_min == (ngx_msec_t) NGX_ERROR
        || mcf->backoff_max == (ngx_msec_t) NGX_ERROR
        || mcf->backoff_min == 0
        || mcf->backoff_min > mcf->backoff_max)
    {
        return NGX_DECLINED;
    }

    return NGX_OK;
}


static ngx_int_t
ngx_maint_param_sentinels(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_maint_redis_param_t *param, ngx_str_t *v)
{
    if (ngx_maint_parse_sentinels(cf, rp->mcf, v) != NGX_CONF_OK) {
        return NGX_ERROR;
    }

    return NGX_OK;
}


/* tls_ca=, tls_cert=, tls_key=: once each, a path */

static ngx_int_t
ngx_maint_param_tls_file(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_maint_redis_param_t *param, ngx_str_t *v)
{
    ngx_str_t  name, *dst;

    dst = (ngx_str_t *) ((char *) rp->mcf + param->offset);

    if (v->len == 0 || dst->data) {
        return NGX_DECLINED;
    }

    name.data = param->name.data;
    name.len = param->name.len - 1;

    if (rp->tls_param.len == 0) {
        rp->tls_param = name;
    }

    return ngx_maint_tls_file(cf, &name, v, dst);
}


/* tls_server_name=: a DNS name or an address, sent as SNI and checked */

static ngx_int_t
ngx_maint_param_tls_name(ngx_conf_t *cf, ngx_maint_redis_parse_t *rp,
    ngx_maint_redis_param_t *param, ngx_str_t *v)
{
    ngx_str_t  *dst;

    dst = &rp->mcf->tls_server_name;

    if (v->len == 0 || dst->data) {
        return NGX_DECLINED;
    }

    if (rp->tls_param.len == 0) {
        ngx_str_set(&rp->tls_param, "tls_server_name");
    }

    if (v->len > 253 || ngx_strlchr(v->data, v->data + v->len, '/')
        || ngx_strlchr(v->data, v->data + v->len, ' '))
    {
        return NGX_DECLINED;
    }

    return ngx_maint_conf_cstr(cf, v, dst);
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
