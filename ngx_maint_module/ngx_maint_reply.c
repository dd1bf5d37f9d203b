/*
 * ngx_maint_reply.c: what a Redis reply holds, checked: a hash field's
 * milliseconds, a name (numbers: core/maint_reply.c); and text from a
 * request header, a variable or a reply made printable ASCII, for the
 * registry and the admin API's JSON.
 */

#include "ngx_maint_reply.h"
#include "maint_reply.h"


/* a hash field's milliseconds (a decimal string), or -1 */

int64_t
ngx_maint_reply_ms(redisReply *rr)
{
    int64_t  v;

    if (rr->type != REDIS_REPLY_STRING || maint_reply_int(rr, &v) != 0) {
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
