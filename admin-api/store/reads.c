/*
 * reads.c: reads of the daemon's own keys (docs/redis-schema.md): the view
 * a change is computed from (version, clock, settings, access part, live
 * windows, series), window and series records and the id index, the audit
 * trail, and the snapshot as the gateways read it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_reply.h"
#include "admin.h"
#include "model/settings.h"
#include "store/reads.h"
#include "store/store.h"


static int adm_store_access(adm_view_t *v);
static json_t *adm_reply_records(redisReply *rr);
static int adm_store_records(const char *kind, json_t *ids, json_t **recs);
static int adm_store_set_records(const char *set, const char *kind,
    json_t **recs);


/*
 * The current view a change is computed from: the state version, the
 * settings, the live windows and the clock.  The version is read first;
 * whatever changes after it makes the commit fail and the change be
 * computed again.
 */

int
adm_store_view(adm_view_t *v)
{
    char         key[128];
    redisReply  *rr;

    memset(v, 0, sizeof(adm_view_t));

    adm_key(key, sizeof(key), "state", NULL);
    rr = adm_redisf_ok("HGET %s version", key);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    if (maint_reply_int(rr, &v->version) != 0) {
        v->version = 0;
    }
    freeReplyObject(rr);

    if (adm_store_now(&v->now_ms) != 0) {
        return ADM_ERROR;
    }

    adm_key(key, sizeof(key), "settings", NULL);
    rr = adm_redisf_ok("GET %s", key);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    v->settings = adm_redis_json(rr);
    freeReplyObject(rr);

    if (v->settings == NULL) {
        v->settings = adm_settings_defaults();
    }

    if (adm_store_access(v) != 0) {
        adm_view_free(v);
        return ADM_ERROR;
    }

    adm_key(key, sizeof(key), "notify_targets", NULL);
    rr = adm_redisf_ok("HGETALL %s", key);
    if (rr == NULL) {
        adm_view_free(v);
        return ADM_ERROR;
    }

    v->targets = adm_reply_records(rr);
    freeReplyObject(rr);

    if (adm_store_set_records("live", "window:", &v->live) != ADM_OK
        || adm_store_set_records("series", "series:", &v->series) != ADM_OK)
    {
        adm_view_free(v);
        return ADM_ERROR;
    }

    return ADM_OK;
}


/* the records of the ids in a set ("live": "window:" records) */

static int
adm_store_set_records(const char *set, const char *kind, json_t **recs)
{
    int          rc;
    char         key[128];
    json_t      *ids;
    redisReply  *rr;

    adm_key(key, sizeof(key), set, NULL);
    rr = adm_redisf_ok("SMEMBERS %s", key);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    ids = adm_redis_strings(rr);
    freeReplyObject(rr);

    rc = adm_store_records(kind, ids, recs);
    json_decref(ids);

    return rc;
}


/* one series' record, or *rec NULL: none */

int
adm_store_series(const char *id, json_t **rec)
{
    int      rc;
    json_t  *ids, *recs;

    ids = json_pack("[s]", id);
    rc = adm_store_records("series:", ids, &recs);
    json_decref(ids);

    *rec = rc == ADM_OK ? json_incref(json_array_get(recs, 0)) : NULL;
    json_decref(recs);

    return rc;
}


void
adm_view_free(adm_view_t *v)
{
    json_decref(v->settings);
    json_decref(v->live);
    json_decref(v->access);
    json_decref(v->targets);
    json_decref(v->series);
    v->series = NULL;
    v->settings = NULL;
    v->live = NULL;
    v->access = NULL;
    v->targets = NULL;
}


/* a hash of JSON records as an object; records that do not parse are lost */

static json_t *
adm_reply_records(redisReply *rr)
{
    size_t   i;
    json_t  *out, *rec;
    char     name[256];

    out = json_object();

    for (i = 0; rr->type == REDIS_REPLY_ARRAY && i + 1 < rr->elements;
         i += 2)
    {
        rec = adm_redis_json(rr->element[i + 1]);

        if (rec && rr->element[i]->len < sizeof(name)) {
            memcpy(name, rr->element[i]->str, rr->element[i]->len);
            name[rr->element[i]->len] = '\0';
            json_object_set_new(out, name, rec);

        } else {
            json_decref(rec);
        }
    }

    return out;
}


/* superadmins, bypass keys and session cutoffs, into v->access */

static int
adm_store_access(adm_view_t *v)
{
    char         key[128];
    json_t      *cutoffs;
    redisReply  *rr;

    v->access = json_object();

    adm_key(key, sizeof(key), "superadmins", NULL);
    rr = adm_redisf_ok("HGETALL %s", key);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    json_object_set_new(v->access, "superadmins", adm_reply_records(rr));
    freeReplyObject(rr);

    adm_key(key, sizeof(key), "bypass_keys", NULL);
    rr = adm_redisf_ok("HGETALL %s", key);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    json_object_set_new(v->access, "bypass_keys", adm_reply_records(rr));
    freeReplyObject(rr);

    adm_key(key, sizeof(key), "session_cutoffs", NULL);
    rr = adm_redisf_ok("GET %s", key);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    cutoffs = adm_redis_json(rr);
    freeReplyObject(rr);

    json_object_set_new(v->access, "session_cutoffs",
                        json_is_object(cutoffs) ? cutoffs : json_object());

    if (!json_is_object(cutoffs)) {
        json_decref(cutoffs);
    }

    return ADM_OK;
}


/* records for the ids, in order, skipping ids whose key is gone */

int
adm_store_windows(json_t *ids, json_t **recs)
{
    return adm_store_records("window:", ids, recs);
}


/* the same for "window:" or "series:" records */

static int
adm_store_records(const char *kind, json_t *ids, json_t **recs)
{
    char         key[160];
    size_t       i, n;
    json_t      *rec;
    redisReply  *rr;
    const char **argv;
    size_t      *lens;
    char       (*keys)[160];

    n = json_array_size(ids);
    *recs = json_array();

    if (n == 0) {
        return ADM_OK;
    }

    argv = calloc(n + 1, sizeof(char *));
    lens = calloc(n + 1, sizeof(size_t));
    keys = calloc(n, sizeof(*keys));

    if (argv == NULL || lens == NULL || keys == NULL) {
        free(argv);
        free(lens);
        free(keys);
        return ADM_ERROR;
    }

    argv[0] = "MGET";
    lens[0] = 4;

    for (i = 0; i < n; i++) {
        adm_key(key, sizeof(key), kind,
                json_string_value(json_array_get(ids, i)));
        memcpy(keys[i], key, sizeof(key));
        argv[i + 1] = keys[i];
        lens[i + 1] = strlen(keys[i]);
    }

    rr = adm_redis((int) n + 1, argv, lens);

    free(argv);
    free(lens);
    free(keys);

    if (rr == NULL || rr->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rr);
        return ADM_ERROR;
    }

    for (i = 0; i < rr->elements; i++) {
        rec = adm_redis_json(rr->element[i]);
        if (rec) {
            json_array_append_new(*recs, rec);
        }
    }

    freeReplyObject(rr);

    return ADM_OK;
}


/* 0 and *rec (NULL when there is no such window), or -1 */

int
adm_store_window(const char *id, json_t **rec)
{
    char         key[160];
    redisReply  *rr;

    adm_key(key, sizeof(key), "window:", id);

    rr = adm_redisf_ok("GET %s", key);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    *rec = adm_redis_json(rr);
    freeReplyObject(rr);

    return ADM_OK;
}


/* ids by starts_at, newest first */

int
adm_store_list_ids(int64_t max_score, size_t offset, size_t count,
    json_t **ids)
{
    char         key[128], max[32];
    redisReply  *rr;

    adm_key(key, sizeof(key), "windows", NULL);

    if (max_score < 0) {
        snprintf(max, sizeof(max), "+inf");
    } else {
        snprintf(max, sizeof(max), "%lld", (long long) max_score);
    }

    rr = adm_redisf_ok("ZREVRANGEBYSCORE %s %s -inf LIMIT %llu %llu", key,
                       max, (unsigned long long) offset,
                       (unsigned long long) count);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    *ids = adm_redis_strings(rr);
    freeReplyObject(rr);

    return ADM_OK;
}


/*
 * A page of the audit stream, newest first, before the id "before"
 * (exclusive) or from the end.  Each item: the stream id and its fields;
 * "before", "after" and "status" decoded from JSON.
 */

int
adm_store_audit_page(const char *before, size_t count, json_t **items,
    char *last, size_t lastlen)
{
    char         k[160], end[64];
    size_t       i, j;
    json_t      *item, *v;
    redisReply  *rr, *e, *f;

    adm_key(k, sizeof(k), "audit", NULL);

    if (before && *before) {
        snprintf(end, sizeof(end), "(%s", before);
    } else {
        snprintf(end, sizeof(end), "+");
    }

    rr = adm_redisf_ok("XREVRANGE %s %s - COUNT %llu", k, end,
                       (unsigned long long) count);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    *items = json_array();
    last[0] = '\0';

    for (i = 0; i < rr->elements; i++) {
        e = rr->element[i];

        if (e->type != REDIS_REPLY_ARRAY || e->elements != 2) {
            continue;
        }

        item = json_object();
        json_object_set_new(item, "id", json_stringn(e->element[0]->str,
                                                     e->element[0]->len));
        snprintf(last, lastlen, "%.*s", (int) e->element[0]->len,
                 e->element[0]->str);

        f = e->element[1];

        for (j = 0; j + 1 < f->elements; j += 2) {
            const char *name = f->element[j]->str;

            if (strcmp(name, "before") == 0 || strcmp(name, "after") == 0
                || strcmp(name, "status") == 0
                || strcmp(name, "state_version") == 0)
            {
                v = json_loadb(f->element[j + 1]->str,
                               f->element[j + 1]->len, JSON_DECODE_ANY,
                               NULL);
            } else {
                v = json_stringn(f->element[j + 1]->str,
                                 f->element[j + 1]->len);
            }

            json_object_set_new(item, name, v ? v : json_null());
        }

        json_array_append_new(*items, item);
    }

    freeReplyObject(rr);

    return ADM_OK;
}


/* what the gateways read: the version and the snapshot (NULL if none) */

int
adm_store_snapshot(int64_t *version, char **json, size_t *len)
{
    char         k[160];
    redisReply  *rr;

    adm_key(k, sizeof(k), "state", NULL);

    rr = adm_redisf_ok("HMGET %s version snapshot", k);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    *version = 0;
    *json = NULL;
    *len = 0;

    if (rr->type == REDIS_REPLY_ARRAY && rr->elements == 2) {
        if (maint_reply_int(rr->element[0], version) != 0) {
            *version = 0;
        }

        if (rr->element[1]->type == REDIS_REPLY_STRING) {
            *json = malloc(rr->element[1]->len + 1);
            if (*json) {
                memcpy(*json, rr->element[1]->str, rr->element[1]->len);
                (*json)[rr->element[1]->len] = '\0';
                *len = rr->element[1]->len;
            }
        }
    }

    freeReplyObject(rr);

    return ADM_OK;
}
