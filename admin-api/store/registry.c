/*
 * registry.c: reads of what the gateways write (docs/redis-schema.md):
 * their heartbeats, and the session registry with each session's
 * blacklist entry; old index entries are dropped on the way.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "config.h"
#include "metrics.h"
#include "store/registry.h"
#include "store/store.h"


/*
 * Live gateway workers: in the index, with a heartbeat hash that has not
 * expired and was seen within three intervals.  Index entries older than
 * an hour are dropped on the way.
 */

int
adm_store_gateways(int64_t now_ms, json_t **items)
{
    char         k[160], gk[320];
    size_t       i, j;
    int64_t      seen, interval;
    json_t      *g;
    redisReply  *rr, *h;

    adm_key(k, sizeof(k), "gateways", NULL);

    h = adm_redisf_ok("ZREMRANGEBYSCORE %s -inf %lld", k,
                      (long long) (now_ms - 3600 * 1000));
    freeReplyObject(h);

    rr = adm_redisf_ok("ZRANGEBYSCORE %s %lld +inf", k,
                       (long long) (now_ms - 300 * 1000));
    if (rr == NULL) {
        return ADM_ERROR;
    }

    *items = json_array();

    for (i = 0; i < rr->elements; i++) {
        snprintf(gk, sizeof(gk), "%sgateway:%.*s", adm_conf.prefix,
                 (int) rr->element[i]->len, rr->element[i]->str);

        h = adm_redisf_ok("HGETALL %s", gk);
        if (h == NULL) {
            freeReplyObject(rr);
            json_decref(*items);
            return ADM_ERROR;
        }

        g = json_object();

        for (j = 0; j + 1 < h->elements; j += 2) {
            json_object_set_new(g, h->element[j]->str,
                                json_stringn(h->element[j + 1]->str,
                                             h->element[j + 1]->len));
        }

        freeReplyObject(h);

        seen = strtoll(json_string_value(json_object_get(g, "seen_at"))
                       ? json_string_value(json_object_get(g, "seen_at"))
                       : "0", NULL, 10);
        interval = strtoll(json_string_value(json_object_get(g, "interval"))
                           ? json_string_value(json_object_get(g, "interval"))
                           : "10000", NULL, 10);

        if (json_object_size(g) == 0 || seen < now_ms - 3 * interval) {
            json_decref(g);
            continue;
        }

        json_array_append_new(*items, g);
    }

    freeReplyObject(rr);

    return ADM_OK;
}


/*
 * Text someone else wrote (gateways, or anyone with access to Redis) as a
 * JSON string: as it is when it is UTF-8, else printable ASCII with "?"
 * for the rest.
 */

static json_t *
adm_text_json(const char *s, size_t len)
{
    char    *copy;
    size_t   i;
    json_t  *j;

    j = json_stringn(s, len);
    if (j) {
        return j;
    }

    copy = malloc(len + 1);
    if (copy == NULL) {
        return json_null();
    }

    for (i = 0; i < len; i++) {
        copy[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
    }

    j = json_stringn(copy, len);
    free(copy);

    return j ? j : json_null();
}


/* registry ids, most recently seen first */

int
adm_store_session_ids(size_t offset, size_t count, json_t **ids)
{
    char         key[128];
    redisReply  *rr;

    adm_key(key, sizeof(key), "sessions", NULL);

    rr = adm_redisf_ok("ZREVRANGE %s %llu %llu", key,
                       (unsigned long long) offset,
                       (unsigned long long) (offset + count - 1));
    if (rr == NULL) {
        return ADM_ERROR;
    }

    *ids = adm_redis_strings(rr);
    freeReplyObject(rr);

    return ADM_OK;
}


/*
 * For each id: its registry fields (strings), and "revoked" with the
 * blacklist entry (JSON) or null; null for an id that is in neither.
 * Pipelined: two commands per id, one round trip in all.
 */

int
adm_store_sessions(json_t *ids, json_t **recs)
{
    char         key[160];
    size_t       i, j, n;
    json_t      *rec, *revoked;
    redisReply  *h, *x;
    const char  *id;

    *recs = json_array();
    n = json_array_size(ids);

    if (n == 0) {
        return ADM_OK;
    }

    if (adm_store_connect() != 0) {
        adm_count(ADM_METRIC_REDIS_ERRORS);
        json_decref(*recs);
        return ADM_ERROR;
    }

    for (i = 0; i < n; i++) {
        id = json_string_value(json_array_get(ids, i));

        adm_key(key, sizeof(key), "session:", id);
        adm_redis_append("HGETALL %s", key);

        adm_key(key, sizeof(key), "revoked:", id);
        adm_redis_append("GET %s", key);
    }

    for (i = 0; i < n; i++) {
        h = adm_redis_reply();
        x = h ? adm_redis_reply() : NULL;

        if (x == NULL) {
            freeReplyObject(h);
            json_decref(*recs);
            return ADM_ERROR;
        }

        revoked = adm_redis_json(x);

        if ((h->type != REDIS_REPLY_ARRAY || h->elements == 0)
            && revoked == NULL)
        {
            json_array_append_new(*recs, json_null());
            freeReplyObject(h);
            freeReplyObject(x);
            continue;
        }

        rec = json_object();

        for (j = 0; h->type == REDIS_REPLY_ARRAY && j + 1 < h->elements;
             j += 2)
        {
            char  name[32];

            if (h->element[j]->len >= sizeof(name)) {
                continue;
            }

            memcpy(name, h->element[j]->str, h->element[j]->len);
            name[h->element[j]->len] = '\0';

            json_object_set_new(rec, name,
                                adm_text_json(h->element[j + 1]->str,
                                              h->element[j + 1]->len));
        }

        json_object_set_new(rec, "revoked", revoked ? revoked : json_null());
        json_array_append_new(*recs, rec);

        freeReplyObject(h);
        freeReplyObject(x);
    }

    return ADM_OK;
}


/* index entries of sessions not seen since before_ms: their hash expired */

int
adm_store_session_clean(int64_t before_ms)
{
    char         key[128];
    redisReply  *rr;

    adm_key(key, sizeof(key), "sessions", NULL);

    rr = adm_redisf_ok("ZREMRANGEBYSCORE %s -inf (%lld", key,
                       (long long) before_ms);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    freeReplyObject(rr);

    return ADM_OK;
}
