/*
 * reply_same.h: whether two hiredis replies hold the same, field by field
 * (type, integer, double, string and its terminating NUL, verbatim type,
 * elements): a reply made by core/maint_redis_reply.c against the one
 * hiredis's own functions make of the same bytes.  Shared by
 * tests/test_redis_reply.c and tests/fuzz/fuzz_redis_reply.c.
 */

#ifndef REPLY_SAME_H
#define REPLY_SAME_H

#include <string.h>

#include <hiredis/hiredis.h>


static int
reply_same(const redisReply *a, const redisReply *b)
{
    size_t  i;

    if (a == NULL || b == NULL) {
        return a == b;
    }

    if (a->type != b->type || a->integer != b->integer || a->len != b->len
        || a->elements != b->elements
        || (a->str == NULL) != (b->str == NULL)
        || (a->element == NULL) != (b->element == NULL))
    {
        return 0;
    }

#if (HIREDIS_MAJOR >= 1)
    if (memcmp(&a->dval, &b->dval, sizeof(double)) != 0
        || memcmp(a->vtype, b->vtype, sizeof(a->vtype)) != 0)
    {
        return 0;
    }
#endif

    if (a->str != NULL
        && (memcmp(a->str, b->str, a->len) != 0 || b->str[b->len] != '\0'))
    {
        return 0;
    }

    for (i = 0; i < a->elements; i++) {
        if (!reply_same(a->element[i], b->element[i])) {
            return 0;
        }
    }

    return 1;
}


#endif /* REPLY_SAME_H */
