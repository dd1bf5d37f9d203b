/*
 * ngx_maint_identity.c: the check, at configuration time, that
 * maint_superadmin_identity names a variable the front established and
 * not one any client can set.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_identity.h"


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

static char *ngx_maint_identity_var(ngx_conf_t *cf,
    ngx_maint_loc_conf_t *conf, ngx_str_t *name);


/* variables any client sets: by prefix, and by name */

static ngx_str_t  ngx_maint_client_prefixes[] = {
    ngx_string("http_"), ngx_string("cookie_"), ngx_string("arg_"),
    ngx_string("request")
};

static ngx_str_t  ngx_maint_client_names[] = {
    ngx_string("args"), ngx_string("query_string"), ngx_string("uri"),
    ngx_string("document_uri"), ngx_string("is_args"),
    ngx_string("content_type"), ngx_string("content_length"),
    ngx_string("host"), ngx_string("server_protocol"),
    ngx_string("invalid_referer"), ngx_string("scheme"),
    ngx_string("https"), ngx_string("server_name")
};


char *
ngx_maint_identity_check(ngx_conf_t *cf, ngx_maint_loc_conf_t *conf)
{
    u_char      *p, *last, *start;
    ngx_str_t    name, *src;
    ngx_uint_t   nvars;

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

        if (ngx_maint_identity_var(cf, conf, &name) != NGX_CONF_OK) {
            return NGX_CONF_ERROR;
        }
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


/* one variable of the identity */

static char *
ngx_maint_identity_var(ngx_conf_t *cf, ngx_maint_loc_conf_t *conf,
    ngx_str_t *name)
{
    ngx_str_t                 *src, verify = ngx_string("ssl_client_verify");
    ngx_uint_t                 i;
    ngx_http_core_loc_conf_t  *clcf;

    clcf = ngx_http_conf_get_module_loc_conf(cf, ngx_http_core_module);
    src = &conf->superadmin_identity->value;

    for (i = 0; i < sizeof(ngx_maint_client_prefixes) / sizeof(ngx_str_t);
         i++)
    {
        if (name->len >= ngx_maint_client_prefixes[i].len
            && ngx_strncasecmp(name->data, ngx_maint_client_prefixes[i].data,
                               ngx_maint_client_prefixes[i].len) == 0)
        {
            goto client;
        }
    }

    for (i = 0; i < sizeof(ngx_maint_client_names) / sizeof(ngx_str_t); i++) {
        if (name->len == ngx_maint_client_names[i].len
            && ngx_strncasecmp(name->data, ngx_maint_client_names[i].data,
                               name->len) == 0)
        {
            goto client;
        }
    }

    if (name->len == sizeof("remote_user") - 1
        && ngx_strncasecmp(name->data, (u_char *) "remote_user",
                           name->len) == 0
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

    if (name->len > sizeof("ssl_client_") - 1
        && ngx_strncasecmp(name->data, (u_char *) "ssl_client_",
                           sizeof("ssl_client_") - 1) == 0
        && !(name->len == verify.len
             && ngx_strncasecmp(name->data, verify.data, name->len) == 0))
    {
        conf->identity_verify = ngx_http_get_variable_index(cf, &verify);
        if (conf->identity_verify == NGX_ERROR) {
            return NGX_CONF_ERROR;
        }
    }

    return NGX_CONF_OK;

client:

    ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                       "\"maint_superadmin_identity %V\": $%V comes "
                       "from the request, and any client can set it to "
                       "a superadmin's name; use a variable that the "
                       "front established (e.g. set by auth_request_set "
                       "or from a verified client certificate)",
                       src, name);
    return NGX_CONF_ERROR;
}
