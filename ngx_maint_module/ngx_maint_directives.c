/*
 * ngx_maint_directives.c: the module's directives (the table NGINX reads)
 * and their handlers, but maint_redis's (ngx_maint_redis_conf.c) and
 * maint_metrics's (ngx_maint_metrics.c); the values they check, and the
 * maintenance pages they compile.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_directives.h"
#include "ngx_maint_redis_conf.h"
#include "ngx_maint_metrics.h"
#include "maint_session.h"
#include "maint_bypass.h"
#include "maint_cookie.h"
#include "maint_core.h"
#include "maint_default_page.h"
#include "maint_names.h"


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
static void ngx_maint_page_cleanup(void *data);


/*
 * maint_status_code: the bounds in NGINX's structure, checked with the
 * directive's own message (ngx_conf_check_num_bounds() says "value must
 * be between 400 and 599", and nginx -t's message is part of the
 * interface: t/000-config.t)
 */
static ngx_conf_num_bounds_t  ngx_maint_status_code_bounds = {
    ngx_maint_status_code_post, 400, 599
};

static ngx_conf_post_handler_pt  ngx_maint_bypass_ttl_p =
    ngx_maint_bypass_ttl_post;


ngx_command_t  ngx_maint_commands[] = {

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
      &ngx_maint_status_code_bounds },

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

    { ngx_string("maint_read_only_banner"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, read_only_banner),
      NULL },

    { ngx_string("maint_session_end_notice"),
      NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_HTTP_LOC_CONF|NGX_CONF_FLAG,
      ngx_conf_set_flag_slot,
      NGX_HTTP_LOC_CONF_OFFSET,
      offsetof(ngx_maint_loc_conf_t, end_notice),
      NULL },

    { ngx_string("maint_signin_limit"),
      NGX_HTTP_MAIN_CONF|NGX_CONF_TAKE1,
      ngx_maint_signin_limit_directive,
      NGX_HTTP_MAIN_CONF_OFFSET,
      0,
      NULL },

      ngx_null_command
};


static char *
ngx_maint_app_directive(ngx_conf_t *cf, ngx_command_t *cmd, void *conf)
{
    ngx_maint_loc_conf_t  *lcf = conf;

    ngx_str_t  *value;

    if (lcf->app.data != NULL) {
        return "is duplicate";
    }

    value = cf->args->elts;

    if (!maint_valid_ident((char *) value[1].data, value[1].len,
                           MAINT_MAX_NAME_LEN, MAINT_NAME_CHARS))
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
        mcf = ngx_maint_conf_get_main_conf(cf);

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

maint_template_t *
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
    ngx_conf_num_bounds_t  *bounds = post;
    ngx_uint_t             *np = data;

    if (*np < (ngx_uint_t) bounds->low || *np > (ngx_uint_t) bounds->high) {
        return "must be a status code between 400 and 599";
    }

    return NGX_CONF_OK;
}
