/*
 * maint_reply.c: reading hiredis replies the module and maint-admind both
 * get (maint_reply.h).
 */

#include <string.h>

#include "maint_reply.h"


#define MAINT_REPLY_DIGITS  18      /* below INT64_MAX, whatever they are */


/* 1 to max decimal digits, nothing else: the value, or -1 */

static int64_t
maint_reply_digits(const char *s, size_t len, size_t max)
{
    size_t   i;
    int64_t  v;

    if (s == NULL || len == 0 || len > max) {
        return -1;
    }

    v = 0;

    for (i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }

        v = v * 10 + (s[i] - '0');
    }

    return v;
}


int
maint_reply_int(const redisReply *rr, int64_t *v)
{
    int64_t  n;

    if (rr == NULL) {
        return -1;
    }

    if (rr->type == REDIS_REPLY_INTEGER) {
        *v = rr->integer;
        return 0;
    }

    if (rr->type != REDIS_REPLY_STRING) {
        return -1;
    }

    n = maint_reply_digits(rr->str, rr->len, MAINT_REPLY_DIGITS);

    if (n < 0) {
        return -1;
    }

    *v = n;

    return 0;
}


int
maint_reply_is_master(const redisReply *rr)
{
    return rr != NULL && rr->type == REDIS_REPLY_ARRAY && rr->elements > 0
           && rr->element[0]->type == REDIS_REPLY_STRING
           && rr->element[0]->len == 6
           && memcmp(rr->element[0]->str, "master", 6) == 0;
}


int
maint_reply_master_addr(const redisReply *rr, maint_str_t *host, int *port)
{
    int64_t      p;
    redisReply  *h, *n;

    if (rr == NULL || rr->type != REDIS_REPLY_ARRAY || rr->elements != 2
        || rr->element[0]->type != REDIS_REPLY_STRING
        || rr->element[1]->type != REDIS_REPLY_STRING)
    {
        return MAINT_REPLY_UNKNOWN;
    }

    h = rr->element[0];
    n = rr->element[1];

    host->data = h->str;
    host->len = h->len;

    p = maint_reply_digits(n->str, n->len, MAINT_REPLY_DIGITS);
    *port = (int) p;

    if (h->len == 0 || p < 1 || p > 65535) {
        return MAINT_REPLY_BAD_ADDR;
    }

    return MAINT_REPLY_OK;
}
