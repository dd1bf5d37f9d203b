/*
 * deliveries.c: the notification deliveries in Redis, past their creation
 * (NOTIFY.md, "Redis schema"): the sender claims due ones and records each
 * attempt's outcome, the API lists, reads and redelivers them, and the
 * daemon trims them after 31 days.  Every change is one short Lua script
 * (EVAL), so that a claim, an outcome or a redelivery is all done or not
 * at all; the scripts are short enough to live here as C strings.  Writes
 * follow a Sentinel failover as the commit does (adm_store_failover(): a
 * READONLY or lost primary, asked again once the sentinels name a new
 * one); each script is safe to run twice: a claim run twice only delays
 * (by the hold) what the lost reply claimed, an outcome run twice counts
 * one attempt more.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_reply.h"
#include "admin.h"
#include "config.h"
#include "store/deliveries.h"
#include "store/store.h"


/*
 * KEYS[1] Pdelivery_due, KEYS[2] Pnotify_targets; ARGV[1] now, ARGV[2]
 * now + hold, ARGV[3] how many, ARGV[4] the prefix.  Returns, for each
 * claimed delivery: id, its hash (flat), the event body or nil, the
 * target record or nil.
 */
static const char  adm_claim_lua[] =
    "local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1],\n"
    "                       'LIMIT', 0, tonumber(ARGV[3]))\n"
    "local out = {}\n"
    "for _, id in ipairs(ids) do\n"
    "  local rec = redis.call('HGETALL', ARGV[4] .. 'delivery:' .. id)\n"
    "  local f = {}\n"
    "  for i = 1, #rec, 2 do f[rec[i]] = rec[i + 1] end\n"
    "  if f.state ~= 'pending' then\n"
    "    redis.call('ZREM', KEYS[1], id)\n"
    "  else\n"
    "    redis.call('ZADD', KEYS[1], ARGV[2], id)\n"
    "    out[#out + 1] = id\n"
    "    out[#out + 1] = rec\n"
    "    out[#out + 1] = redis.call('GET', ARGV[4] .. 'event:' ..\n"
    "                                      (f.event or ''))\n"
    "    out[#out + 1] = redis.call('HGET', KEYS[2], f.target or '')\n"
    "  end\n"
    "end\n"
    "return out\n";

/*
 * KEYS[1] Pdelivery:<id>, KEYS[2] Pdelivery_due; ARGV[1] id, ARGV[2]
 * delivered|retry|failed, ARGV[3] the attempt's time or "" (none made),
 * ARGV[4] next_at, ARGV[5] last_status, ARGV[6] last_error.  1 recorded;
 * 0 gone (dropped from the due set) or no longer pending.
 */
static const char  adm_record_lua[] =
    "local st = redis.call('HGET', KEYS[1], 'state')\n"
    "if not st then redis.call('ZREM', KEYS[2], ARGV[1]) return 0 end\n"
    "if st ~= 'pending' then return 0 end\n"
    "if ARGV[3] ~= '' then\n"
    "  redis.call('HINCRBY', KEYS[1], 'attempts', 1)\n"
    "  redis.call('HSET', KEYS[1], 'last_attempt_at', ARGV[3])\n"
    "end\n"
    "redis.call('HSET', KEYS[1], 'last_status', ARGV[5],\n"
    "           'last_error', ARGV[6])\n"
    "if ARGV[2] == 'retry' then\n"
    "  redis.call('HSET', KEYS[1], 'next_at', ARGV[4])\n"
    "  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])\n"
    "  return 1\n"
    "end\n"
    "if ARGV[2] == 'delivered' then\n"
    "  redis.call('HSET', KEYS[1], 'state', 'delivered',\n"
    "             'delivered_at', ARGV[3])\n"
    "else\n"
    "  redis.call('HSET', KEYS[1], 'state', 'failed')\n"
    "end\n"
    "redis.call('ZREM', KEYS[2], ARGV[1])\n"
    "return 1\n";

/*
 * KEYS[1] Pdelivery:<id>, KEYS[2] Pdelivery_due, KEYS[3] Pdeliveries;
 * ARGV[1] id, ARGV[2] now, ARGV[3] the prefix.  1 done; 0 no such
 * delivery, or its event expired (PTTL -2: no key; the user has PTTL).
 */
static const char  adm_redeliver_lua[] =
    "local ev = redis.call('HGET', KEYS[1], 'event')\n"
    "if not ev then return 0 end\n"
    "if redis.call('PTTL', ARGV[3] .. 'event:' .. ev) == -2 then\n"
    "  return 0\n"
    "end\n"
    "redis.call('HSET', KEYS[1], 'state', 'pending', 'created_at', ARGV[2],\n"
    "           'next_at', ARGV[2], 'delivered_at', '')\n"
    "redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])\n"
    "redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])\n"
    "return 1\n";

/*
 * KEYS[1] Pdeliveries, KEYS[2] Pdelivery_due; ARGV[1] the cutoff, ARGV[2]
 * the prefix.  How many were removed.
 */
static const char  adm_trim_lua[] =
    "local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1],\n"
    "                       'LIMIT', 0, 1000)\n"
    "for _, id in ipairs(ids) do\n"
    "  redis.call('DEL', ARGV[2] .. 'delivery:' .. id)\n"
    "  redis.call('ZREM', KEYS[1], id)\n"
    "  redis.call('ZREM', KEYS[2], id)\n"
    "end\n"
    "return #ids\n";


/*
 * Whether the zset holds a member scored at most max: a plain read first,
 * so that an idle sender (or an idle trim) sends no script at all.
 * 1, 0, or -1 when Redis failed.
 */

static int
adm_any_until(const char *name, int64_t max)
{
    int          any;
    char         key[160];
    redisReply  *rr;

    adm_key(key, sizeof(key), name, NULL);

    rr = adm_redisf_ok("ZRANGEBYSCORE %s -inf %lld LIMIT 0 1", key,
                       (long long) max);
    if (rr == NULL) {
        return -1;
    }

    any = rr->type == REDIS_REPLY_ARRAY && rr->elements > 0;
    freeReplyObject(rr);

    return any;
}


/*
 * EVAL of a script with its keys and arguments (NULL-terminated, keys
 * first), asked again once after a failover.  The reply, or NULL (an
 * error reply is a failure too: adm_store_error() says why).
 */

static redisReply *
adm_eval(const char *script, int nkeys, const char **args)
{
    char         numkeys[16];
    size_t       i, n, lens[16];
    const char  *argv[16];
    redisReply  *rr;

    snprintf(numkeys, sizeof(numkeys), "%d", nkeys);

    argv[0] = "EVAL";
    argv[1] = script;
    argv[2] = numkeys;
    n = 3;

    for (i = 0; args[i] != NULL && n < 16; i++) {
        argv[n++] = args[i];
    }

    for (i = 0; i < n; i++) {
        lens[i] = strlen(argv[i]);
    }

    rr = adm_redis((int) n, argv, lens);

    if (adm_store_failover(rr)) {
        freeReplyObject(rr);
        rr = adm_redis((int) n, argv, lens);
    }

    if (rr != NULL && rr->type == REDIS_REPLY_ERROR) {
        adm_store_set_error("%s", rr->str);
        freeReplyObject(rr);
        return NULL;
    }

    return rr;
}


/* a script that answers 1 when it did its work: ADM_OK, ADM_NOTHING
   (the delivery is gone or not in that state), ADM_ERROR */

static int
adm_eval_done(const char *script, int nkeys, const char **args)
{
    int          rc;
    redisReply  *rr;

    rr = adm_eval(script, nkeys, args);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    rc = rr->type == REDIS_REPLY_INTEGER && rr->integer == 1 ? ADM_OK
                                                             : ADM_NOTHING;
    freeReplyObject(rr);

    return rc;
}


static json_t *
adm_hash_json(redisReply *rr)
{
    size_t   i;
    json_t  *o;

    o = json_object();

    for (i = 0; rr->type == REDIS_REPLY_ARRAY && i + 1 < rr->elements;
         i += 2)
    {
        if (rr->element[i]->type == REDIS_REPLY_STRING
            && rr->element[i + 1]->type == REDIS_REPLY_STRING)
        {
            json_object_set_new(o, rr->element[i]->str,
                                json_stringn(rr->element[i + 1]->str,
                                             rr->element[i + 1]->len));
        }
    }

    return o;
}


void
adm_claims_free(adm_claim_t *claims, size_t n)
{
    size_t  i;

    for (i = 0; claims != NULL && i < n; i++) {
        free(claims[i].id);
        json_decref(claims[i].rec);
        free(claims[i].body);
        json_decref(claims[i].target);
    }

    free(claims);
}


int
adm_deliveries_claim(int64_t now_ms, int64_t hold_ms, size_t max,
    adm_claim_t **claims, size_t *n)
{
    char          due[160], targets[160], now[24], until[24], count[24];
    size_t        i;
    redisReply   *rr, **e;
    adm_claim_t  *c;
    const char   *args[8];

    *claims = NULL;
    *n = 0;

    switch (adm_any_until("delivery_due", now_ms)) {
    case -1:
        return ADM_ERROR;
    case 0:
        return ADM_OK;
    }

    adm_key(due, sizeof(due), "delivery_due", NULL);
    adm_key(targets, sizeof(targets), "notify_targets", NULL);
    snprintf(now, sizeof(now), "%lld", (long long) now_ms);
    snprintf(until, sizeof(until), "%lld", (long long) (now_ms + hold_ms));
    snprintf(count, sizeof(count), "%zu", max);

    args[0] = due;
    args[1] = targets;
    args[2] = now;
    args[3] = until;
    args[4] = count;
    args[5] = adm_conf.prefix;
    args[6] = NULL;

    rr = adm_eval(adm_claim_lua, 2, args);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    if (rr->type != REDIS_REPLY_ARRAY || rr->elements % 4 != 0) {
        freeReplyObject(rr);
        adm_store_set_error("the claim script answered oddly");
        return ADM_ERROR;
    }

    c = calloc(rr->elements / 4 + 1, sizeof(adm_claim_t));
    if (c == NULL) {
        freeReplyObject(rr);
        return ADM_ERROR;
    }

    for (i = 0; i < rr->elements; i += 4) {
        e = rr->element + i;

        if (e[0]->type != REDIS_REPLY_STRING) {
            continue;
        }

        c[*n].id = strndup(e[0]->str, e[0]->len);
        c[*n].rec = adm_hash_json(e[1]);

        if (e[2]->type == REDIS_REPLY_STRING) {
            c[*n].body = malloc(e[2]->len + 1);

            if (c[*n].body) {
                memcpy(c[*n].body, e[2]->str, e[2]->len);
                c[*n].body[e[2]->len] = '\0';
                c[*n].body_len = e[2]->len;
            }
        }

        if (e[3]->type == REDIS_REPLY_STRING) {
            c[*n].target = json_loadb(e[3]->str, e[3]->len, 0, NULL);
        }

        (*n)++;
    }

    freeReplyObject(rr);
    *claims = c;

    return ADM_OK;
}


int
adm_delivery_record(const adm_attempt_t *a)
{
    char         hash[400], due[160], at[24], next[24], status[24];
    const char  *args[10];
    static const char  *states[] = { "delivered", "retry", "failed" };

    adm_key(hash, sizeof(hash), "delivery:", a->id);
    adm_key(due, sizeof(due), "delivery_due", NULL);

    at[0] = '\0';
    if (a->attempted_at >= 0) {
        snprintf(at, sizeof(at), "%lld", (long long) a->attempted_at);
    }

    snprintf(next, sizeof(next), "%lld", (long long) a->next_at);
    snprintf(status, sizeof(status), "%ld", a->status);

    args[0] = hash;
    args[1] = due;
    args[2] = a->id;
    args[3] = states[a->state];
    args[4] = at;
    args[5] = next;
    args[6] = status;
    args[7] = a->error ? a->error : "";
    args[8] = NULL;

    return adm_eval_done(adm_record_lua, 2, args);
}


int
adm_deliveries_trim(int64_t now_ms, size_t *removed)
{
    char         list[160], due[160], cutoff[24];
    redisReply  *rr;
    const char  *args[6];

    *removed = 0;

    switch (adm_any_until("deliveries", now_ms - ADM_DELIVERIES_KEEP)) {
    case -1:
        return ADM_ERROR;
    case 0:
        return ADM_OK;
    }

    adm_key(list, sizeof(list), "deliveries", NULL);
    adm_key(due, sizeof(due), "delivery_due", NULL);
    snprintf(cutoff, sizeof(cutoff), "%lld",
             (long long) (now_ms - ADM_DELIVERIES_KEEP));

    args[0] = list;
    args[1] = due;
    args[2] = cutoff;
    args[3] = adm_conf.prefix;
    args[4] = NULL;

    rr = adm_eval(adm_trim_lua, 2, args);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    if (rr->type == REDIS_REPLY_INTEGER && rr->integer > 0) {
        *removed = (size_t) rr->integer;
    }

    freeReplyObject(rr);

    return ADM_OK;
}


int
adm_delivery_redeliver(const char *id, int64_t now_ms)
{
    char         hash[400], due[160], list[160], now[24];
    const char  *args[8];

    if (strlen(id) > 200) {
        return ADM_NOTHING;
    }

    adm_key(hash, sizeof(hash), "delivery:", id);
    adm_key(due, sizeof(due), "delivery_due", NULL);
    adm_key(list, sizeof(list), "deliveries", NULL);
    snprintf(now, sizeof(now), "%lld", (long long) now_ms);

    args[0] = hash;
    args[1] = due;
    args[2] = list;
    args[3] = id;
    args[4] = now;
    args[5] = adm_conf.prefix;
    args[6] = NULL;

    return adm_eval_done(adm_redeliver_lua, 3, args);
}


/* the hash as the API's item: "id" added, the numbers as numbers */

static json_t *
adm_delivery_item(const char *id, redisReply *rr)
{
    size_t       i;
    char        *end;
    json_t      *o, *v;
    long long    n;
    const char  *s;
    static const char  *numbers[] = {
        "attempts", "created_at", "next_at", "last_attempt_at",
        "last_status", "delivered_at"
    };

    o = adm_hash_json(rr);

    for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        v = json_object_get(o, numbers[i]);
        s = json_string_value(v);

        if (s == NULL) {
            continue;
        }

        n = strtoll(s, &end, 10);

        json_object_set_new(o, numbers[i], *s && *end == '\0'
                                           ? json_integer(n) : json_null());
    }

    json_object_set_new(o, "id", json_string(id));

    return o;
}


int
adm_delivery_get(const char *id, json_t **rec)
{
    char         key[400];
    redisReply  *rr;

    *rec = NULL;

    if (strlen(id) > 200) {
        return ADM_NOTHING;
    }

    adm_key(key, sizeof(key), "delivery:", id);

    rr = adm_redisf_ok("HGETALL %s", key);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    if (rr->type != REDIS_REPLY_ARRAY || rr->elements == 0) {
        freeReplyObject(rr);
        return ADM_NOTHING;
    }

    *rec = adm_delivery_item(id, rr);
    freeReplyObject(rr);

    return ADM_OK;
}


static int
adm_matches(json_t *item, const char *window, const char *state)
{
    const char  *s;

    if (window && *window) {
        s = json_string_value(json_object_get(item, "window"));

        if (s == NULL || strcmp(s, window) != 0) {
            return 0;
        }
    }

    if (state && *state) {
        s = json_string_value(json_object_get(item, "state"));

        if (s == NULL || strcmp(s, state) != 0) {
            return 0;
        }
    }

    return 1;
}


/* the hashes of ids[from, to), pipelined, the matching ones appended */

static int
adm_list_batch(redisReply *ids, size_t from, size_t to, const char *window,
    const char *state, size_t *skip, size_t limit, json_t *items)
{
    char         key[400];
    size_t       i;
    json_t      *item;
    redisReply  *rr;

    if (adm_store_connect() != 0) {
        return ADM_ERROR;
    }

    for (i = from; i < to; i++) {
        adm_key(key, sizeof(key), "delivery:", ids->element[i]->str);

        if (adm_redis_append("HGETALL %s", key) != 0) {
            return ADM_ERROR;
        }
    }

    for (i = from; i < to; i++) {
        rr = adm_redis_reply();
        if (rr == NULL) {
            return ADM_ERROR;
        }

        if (rr->type == REDIS_REPLY_ARRAY && rr->elements > 0
            && json_array_size(items) < limit)
        {
            item = adm_delivery_item(ids->element[i]->str, rr);

            if (!adm_matches(item, window, state)) {
                json_decref(item);

            } else if (*skip > 0) {
                (*skip)--;
                json_decref(item);

            } else {
                json_array_append_new(items, item);
            }
        }

        freeReplyObject(rr);
    }

    return ADM_OK;
}


int
adm_deliveries_list(const char *window, const char *state,
    const char *target, size_t offset, size_t limit, json_t **items)
{
    char         key[160];
    size_t       i, n, from, skip, tlen;
    redisReply  *rr, *ids, *tmp;
    const char  *dot;

    *items = json_array();

    adm_key(key, sizeof(key), "deliveries", NULL);

    rr = adm_redisf_ok("ZREVRANGE %s 0 %d", key, ADM_DELIVERIES_SCAN - 1);
    if (rr == NULL) {
        return ADM_ERROR;
    }

    if (rr->type != REDIS_REPLY_ARRAY) {
        freeReplyObject(rr);
        return ADM_OK;
    }

    /* the target is in the id (after the first "."): filtered before
       the hashes are read */
    ids = rr;
    n = 0;
    tlen = target ? strlen(target) : 0;

    for (i = 0; i < rr->elements; i++) {
        dot = rr->element[i]->type == REDIS_REPLY_STRING
              ? strchr(rr->element[i]->str, '.') : NULL;

        if (dot == NULL || (tlen && strcmp(dot + 1, target) != 0)) {
            continue;
        }

        /* kept ones first, swapped: the reply still frees every one */
        tmp = rr->element[n];
        rr->element[n] = rr->element[i];
        rr->element[i] = tmp;
        n++;
    }

    skip = offset;

    for (from = 0; from < n && json_array_size(*items) < limit;
         from += 200)
    {
        if (adm_list_batch(ids, from, from + 200 < n ? from + 200 : n,
                           window, state, &skip, limit, *items)
            != ADM_OK)
        {
            freeReplyObject(rr);
            json_decref(*items);
            *items = NULL;
            return ADM_ERROR;
        }
    }

    freeReplyObject(rr);

    return ADM_OK;
}
