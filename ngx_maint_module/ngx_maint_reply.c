/*
 * ngx_maint_reply.c: what a Redis reply holds, checked: a number (an
 * integer reply, or a field's decimal string), a name; and text from a
 * request header, a variable or a reply made printable ASCII, for the
 * registry and the admin API's JSON.
 */

#include "ngx_maint_reply.h"


/* an integer reply, or a decimal string of at most 18 digits */

ngx_int_t
ngx_maint_reply_int(redisReply *rr, int64_t *v)
{
    if (rr->type == REDIS_REPLY_INTEGER) {
        *v = rr->integer;
        return NGX_OK;
    }

    if (rr->type != REDIS_REPLY_STRING || rr->len == 0 || rr->len > 18) {
        return NGX_ERROR;
    }

    *v = ngx_atoof((u_char *) rr->str, rr->len);

    return *v == NGX_ERROR ? NGX_ERROR : NGX_OK;
}


/* a hash field's milliseconds (a decimal string), or -1 */

int64_t
ngx_maint_reply_ms(redisReply *rr)
{
    int64_t  v;

    if (rr->type != REDIS_REPLY_STRING || ngx_maint_reply_int(rr, &v) != NGX_OK)
    {
        return -1;
    }

    return v;
}


/* a hash field's text, printable, at most max bytes; 0 if it is none */

size_t
ngx_maint_reply_name(redisReply *rr, u_char *out, size_t max)
{
    if (rr->type != REDIS_REPLY_STRING) {
        return 0;
    }

    return ngx_maint_printable(out, (u_char *) rr->str, rr->len, max);
}


/*
 * Text from a request header or a variable, for the registry and the
 * admin API's JSON: printable ASCII only, anything else becomes "?".
 */

size_t
ngx_maint_printable(u_char *dst, u_char *src, size_t len, size_t max)
{
    size_t  i;

    len = ngx_min(len, max);

    for (i = 0; i < len; i++) {
        dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
    }

    return len;
}
