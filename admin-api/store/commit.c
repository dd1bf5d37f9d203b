/*
 * commit.c: every change to the state, as one EVAL of the commit script
 * (store/commit.lua, embedded at build time as adm_commit_lua): checked
 * against the state version the change was computed from, all or
 * nothing, applied at most once even when resent; then WAIT for the
 * replicas.  Also the audit entry of a rejected attempt, without a change.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "maint_codec.h"
#include "maint_reply.h"
#include "admin.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "store/commit.h"
#include "store/store.h"


extern const char  adm_commit_lua[];    /* build/commit_lua.c */

static int  adm_unconfirmed;            /* the last commit: no replica */
static int  adm_unsure;                 /* the last commit: lost reply */


/*
 * An audit entry's fields as XADD field/value arguments, appended to argv;
 * strings as they are, the rest as JSON.  vals[] holds what was allocated,
 * to be freed by the caller.
 */

#define ADM_AUDIT_FIELDS  24

static void
adm_audit_args(json_t *audit, const char **argv, size_t *n, size_t max,
    char **vals, size_t *nvals)
{
    json_t      *val;
    const char  *key;

    *nvals = 0;

    json_object_foreach(audit, key, val) {
        if (*n + 2 > max || *nvals == ADM_AUDIT_FIELDS) {
            break;
        }

        vals[*nvals] = json_is_string(val) ? strdup(json_string_value(val))
                       : json_dumps(val, JSON_COMPACT | JSON_ENCODE_ANY);
        argv[(*n)++] = key;
        argv[(*n)++] = vals[*nvals] ? vals[*nvals] : "";
        (*nvals)++;
    }
}


/*
 * The access part of a commit, for the script: each record as a JSON
 * string (the script stores it as it is, never re-encoding numbers).
 */

static json_t *
adm_records(json_t *records)
{
    char        *rec;
    json_t      *part, *v;
    const char  *k;

    part = json_object();

    json_object_foreach(records, k, v) {
        rec = json_dumps(v, JSON_COMPACT);
        json_object_set_new(part, k, json_string(rec ? rec : "null"));
        free(rec);
    }

    return part;
}


/* a hash's records (the notification targets), as the script stores them */

static char *
adm_records_arg(json_t *records)
{
    char    *out;
    json_t  *x;

    x = adm_records(records);
    out = json_dumps(x, JSON_COMPACT);
    json_decref(x);

    return out;
}


static char *
adm_access_arg(json_t *access)
{
    char        *out, *rec;
    json_t      *x;
    size_t       i;
    const char  *parts[] = { "superadmins", "bypass_keys" };

    x = json_object();

    for (i = 0; i < 2; i++) {
        json_object_set_new(x, parts[i],
                            adm_records(json_object_get(access, parts[i])));
    }

    rec = json_dumps(json_object_get(access, "session_cutoffs"),
                     JSON_COMPACT);
    json_object_set_new(x, "session_cutoffs", json_string(rec ? rec : "{}"));
    free(rec);

    out = json_dumps(x, JSON_COMPACT);
    json_decref(x);

    return out;
}


static char *
adm_sessions_arg(adm_sessions_op_t *s, const char *actor)
{
    char    *out, *value, ms[3][32];
    json_t  *x;

    x = json_pack("{s:I, s:s}", "at", (json_int_t) s->now_ms,
                  "by", actor ? actor : "system");
    value = x ? json_dumps(x, JSON_COMPACT) : NULL;
    json_decref(x);

    snprintf(ms[0], sizeof(ms[0]), "%lld", (long long) s->ttl_ms);
    snprintf(ms[1], sizeof(ms[1]), "%lld", (long long) s->keep_at);
    snprintf(ms[2], sizeof(ms[2]), "%lld", (long long) s->idle_ms);

    x = json_pack("{s:s, s:o, s:s, s:s, s:o, s:s, s:s, s:b}",
                  "prefix", adm_conf.prefix,
                  "revoke", s->revoke ? json_incref(s->revoke) : json_array(),
                  "value", value ? value : "{}",
                  "ttl", ms[0],
                  "keep", s->keep ? json_incref(s->keep) : json_array(),
                  "keep_at", ms[1],
                  "idle", ms[2],
                  "bump", s->bump);

    free(value);

    out = x ? json_dumps(x, JSON_COMPACT) : NULL;
    json_decref(x);

    return out;
}


static void
adm_commit_nonce(char *hex)
{
    unsigned char  b[16];

    if (RAND_bytes(b, sizeof(b)) != 1) {
        /* unique enough for a marker that lives ten minutes */
        snprintf((char *) b, sizeof(b), "%08x%07x", (unsigned) getpid(),
                 (unsigned) ((int64_t) (adm_clock() * 1e6) & 0xfffffff));
    }

    maint_hex(b, sizeof(b), hex);
}


/*
 * WAIT for redis_min_replicas replicas (1 by default in Sentinel mode):
 * a change is acknowledged only once a replica has it, so that a failover
 * right after the answer cannot lose it.
 */

static int
adm_store_replicated(void)
{
    int          want, wait_ms;
    redisReply  *rr;

    want = adm_conf.redis_min_replicas;

    if (want < 0) {
        want = adm_conf.redis_master_name[0] ? 1 : 0;
    }

    if (want == 0) {
        return ADM_OK;
    }

    /* within the socket's timeout, which would otherwise cut it short */
    wait_ms = adm_conf.redis_timeout_ms - adm_conf.redis_timeout_ms / 4;

    /* never on another connection: it would have no writes to wait for */
    rr = adm_redisf_once("WAIT %d %d", want, wait_ms > 0 ? wait_ms : 1);

    if (rr != NULL && rr->type == REDIS_REPLY_INTEGER && rr->integer >= want)
    {
        freeReplyObject(rr);
        return ADM_OK;
    }

    adm_unconfirmed = 1;

    adm_store_set_error("the change is on the primary but %lld of %d "
                        "replicas confirmed it within %d ms: not "
                        "acknowledged",
                        rr && rr->type == REDIS_REPLY_INTEGER
                        ? rr->integer : 0LL, want, wait_ms);
    freeReplyObject(rr);
    adm_count(ADM_METRIC_REDIS_ERRORS);

    return ADM_ERROR;
}


/*
 * Whether the change that just failed did so only for want of a replica's
 * confirmation; asked once, by the answer to that change.
 */

int
adm_store_unconfirmed(void)
{
    int  u = adm_unconfirmed;

    adm_unconfirmed = 0;

    return u;
}


/*
 * Whether the change that just failed lost its reply after it was sent,
 * so that it may still be applied; asked once, by the answer to it.
 */

int
adm_store_unsure(void)
{
    int  u = adm_unsure;

    adm_unsure = 0;

    return u;
}


/*
 * A commit sent without a reply (a timeout, a lost connection) may still
 * be in Redis's socket buffer, or in a stalled Redis, and run after the
 * daemon has answered.  The change's marker decides, on a new connection:
 * written now (SET NX), the script finds it if it ever comes and writes
 * nothing; already there, the script ran and the change is applied.
 */

static int
adm_commit_fence(const char *marker, int64_t *new_version, int64_t *lease_ms)
{
    int          rc;
    char         err[512];
    int64_t      applied;
    redisReply  *rr;

    snprintf(err, sizeof(err), "%s", adm_store_error());

    adm_store_drop();

    rr = adm_redisf_once("SET %s 0 NX PX 600000", marker);

    if (rr != NULL && rr->type == REDIS_REPLY_STATUS) {
        /* fenced: nothing was written, nothing will be */
        freeReplyObject(rr);
        adm_store_set_error("%s", err);
        return ADM_ERROR;
    }

    rc = ADM_NOTHING;

    if (rr != NULL && rr->type == REDIS_REPLY_NIL) {
        freeReplyObject(rr);
        rr = adm_redisf_once("GET %s", marker);

        if (maint_reply_int(rr, &applied) == 0 && applied > 0
            && rr->type == REDIS_REPLY_STRING)
        {
            /* applied, late; replicas cannot be waited for from here */
            *new_version = applied;
            *lease_ms = 0;
            adm_count(ADM_METRIC_COMMIT_FENCE_APPLIED);

            rc = ADM_OK;

            if (adm_conf.redis_min_replicas > 0
                || (adm_conf.redis_min_replicas < 0
                    && adm_conf.redis_master_name[0]))
            {
                adm_unconfirmed = 1;
                rc = ADM_ERROR;
            }
        }
    }

    freeReplyObject(rr);

    if (rc != ADM_NOTHING) {
        return rc;
    }

    adm_unsure = 1;
    adm_store_set_error("%s", err);

    return ADM_ERROR;
}


/* KEYS and ARGV of the commit script, in commit.lua's order and names */

typedef enum {
    ADM_KEY_STATE = 0,
    ADM_KEY_WINDOWS,
    ADM_KEY_LIVE,
    ADM_KEY_SETTINGS,
    ADM_KEY_AUDIT,
    ADM_KEY_WINDOW,
    ADM_KEY_SUPERADMINS,
    ADM_KEY_BYPASS_KEYS,
    ADM_KEY_CUTOFFS,
    ADM_KEY_MARKER,
    ADM_KEY_TARGETS,
    ADM_KEY_SERIES_ALL,
    ADM_NKEYS
} adm_commit_key_e;

typedef enum {
    ADM_ARG_VERSION = 0,
    ADM_ARG_OP,
    ADM_ARG_WINDOW,
    ADM_ARG_SCORE,
    ADM_ARG_LIVE,
    ADM_ARG_ID,
    ADM_ARG_SETTINGS,
    ADM_ARG_SNAPSHOT,
    ADM_ARG_ACCESS,
    ADM_ARG_SESSIONS,
    ADM_ARG_LEASE,
    ADM_ARG_TARGETS,
    ADM_ARG_EVENTS,
    ADM_ARG_SERIES,
    ADM_ARG_MORE,
    ADM_NARGS                   /* then the audit entry's fields */
} adm_commit_arg_e;

#define ADM_COMMIT_ARGV  64     /* EVAL, the script, numkeys, keys, args */


/* one commit's EVAL: its arguments, and what it allocated for them */

typedef struct {
    char          keys[ADM_NKEYS][160];
    char          nkeys[8], version[32], score[32], lease[32];
    char         *window, *settings, *access, *sessions, *targets, *events;
    char         *series, *more;
    char         *vals[ADM_AUDIT_FIELDS];
    size_t        nvals;
    const char   *argv[ADM_COMMIT_ARGV];
    size_t        lens[ADM_COMMIT_ARGV];
    size_t        argc;
} adm_eval_t;


static void
adm_eval_keys(adm_eval_t *e, adm_commit_t *c)
{
    char    nonce[33];
    size_t  n;

    n = sizeof(e->keys[0]);

    adm_key(e->keys[ADM_KEY_STATE], n, "state", NULL);
    adm_key(e->keys[ADM_KEY_WINDOWS], n, "windows", NULL);
    adm_key(e->keys[ADM_KEY_LIVE], n, "live", NULL);
    adm_key(e->keys[ADM_KEY_SETTINGS], n, "settings", NULL);
    adm_key(e->keys[ADM_KEY_AUDIT], n, "audit", NULL);
    adm_key(e->keys[ADM_KEY_WINDOW], n, "window:", c->id ? c->id : "");
    adm_key(e->keys[ADM_KEY_SUPERADMINS], n, "superadmins", NULL);
    adm_key(e->keys[ADM_KEY_BYPASS_KEYS], n, "bypass_keys", NULL);
    adm_key(e->keys[ADM_KEY_CUTOFFS], n, "session_cutoffs", NULL);

    /* the commit's own marker: a retry finds it and does not apply twice */
    adm_commit_nonce(nonce);
    adm_key(e->keys[ADM_KEY_MARKER], n, "commit:", nonce);

    adm_key(e->keys[ADM_KEY_TARGETS], n, "notify_targets", NULL);
    adm_key(e->keys[ADM_KEY_SERIES_ALL], n, "series", NULL);
}


/* the series a change puts and deletes, for the script (keys as above) */

static char *
adm_series_arg(json_t *put, const char *del)
{
    char     *out, *rec;
    size_t    i;
    json_t   *x, *list, *s;

    list = json_array();

    json_array_foreach(put, i, s) {
        rec = json_dumps(s, JSON_COMPACT);
        json_array_append_new(list, json_pack("{s:O, s:s}",
            "id", json_object_get(s, "id"), "record", rec ? rec : "null"));
        free(rec);
    }

    x = json_pack("{s:s, s:o, s:s}", "prefix", adm_conf.prefix, "put", list,
                  "del", del ? del : "");
    out = x ? json_dumps(x, JSON_COMPACT) : NULL;
    json_decref(x);

    return out;
}


/*
 * A series' occurrences, for the script: each record as a JSON string and
 * its index entries (the records' own keys are made by the script from
 * the prefix, as the outbox's are).
 */

static char *
adm_more_arg(json_t *windows)
{
    char     *out, *rec, score[32];
    size_t    i;
    json_t   *x, *list, *w;

    list = json_array();

    json_array_foreach(windows, i, w) {
        rec = json_dumps(json_object_get(w, "record"), JSON_COMPACT);
        snprintf(score, sizeof(score), "%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(w, "score")));

        json_array_append_new(list, json_pack("{s:O, s:s, s:s, s:O}",
            "id", json_object_get(json_object_get(w, "record"), "id"),
            "window", rec ? rec : "null", "score", score,
            "live", json_object_get(w, "live")));
        free(rec);
    }

    x = json_pack("{s:s, s:o}", "prefix", adm_conf.prefix, "windows", list);
    out = x ? json_dumps(x, JSON_COMPACT) : NULL;
    json_decref(x);

    return out;
}


static void
adm_eval_build(adm_eval_t *e, adm_commit_t *c)
{
    size_t        i;
    const char  **arg;

    memset(e, 0, sizeof(adm_eval_t));

    adm_eval_keys(e, c);

    e->window = c->window ? json_dumps(c->window, JSON_COMPACT) : NULL;
    e->settings = c->settings ? json_dumps(c->settings, JSON_COMPACT) : NULL;
    e->access = c->access ? adm_access_arg(c->access) : NULL;
    e->sessions = c->sessions ? adm_sessions_arg(c->sessions, c->actor)
                              : NULL;
    e->targets = c->targets ? adm_records_arg(c->targets) : NULL;
    e->events = c->events ? json_dumps(c->events, JSON_COMPACT) : NULL;
    e->series = c->series || c->series_del
                ? adm_series_arg(c->series, c->series_del) : NULL;
    e->more = c->more ? adm_more_arg(c->more) : NULL;

    snprintf(e->nkeys, sizeof(e->nkeys), "%d", ADM_NKEYS);
    snprintf(e->version, sizeof(e->version), "%lld",
             (long long) c->expect_version);
    snprintf(e->score, sizeof(e->score), "%lld", (long long) c->score);
    snprintf(e->lease, sizeof(e->lease), "%d", adm_conf.lease_ms);

    e->argv[0] = "EVAL";
    e->argv[1] = adm_commit_lua;
    e->argv[2] = e->nkeys;

    for (i = 0; i < ADM_NKEYS; i++) {
        e->argv[3 + i] = e->keys[i];
    }

    arg = &e->argv[3 + ADM_NKEYS];

    arg[ADM_ARG_VERSION] = e->version;
    arg[ADM_ARG_OP] = c->op;
    arg[ADM_ARG_WINDOW] = e->window ? e->window : "";
    arg[ADM_ARG_SCORE] = e->score;
    arg[ADM_ARG_LIVE] = c->live ? "1" : "0";
    arg[ADM_ARG_ID] = c->id ? c->id : "";
    arg[ADM_ARG_SETTINGS] = e->settings ? e->settings : "";
    arg[ADM_ARG_SNAPSHOT] = c->snapshot;
    arg[ADM_ARG_ACCESS] = e->access ? e->access : "";
    arg[ADM_ARG_SESSIONS] = e->sessions ? e->sessions : "";
    arg[ADM_ARG_LEASE] = e->lease;
    arg[ADM_ARG_TARGETS] = e->targets ? e->targets : "";
    arg[ADM_ARG_EVENTS] = e->events ? e->events : "";
    arg[ADM_ARG_SERIES] = e->series ? e->series : "";
    arg[ADM_ARG_MORE] = e->more ? e->more : "";

    e->argc = 3 + ADM_NKEYS + ADM_NARGS;

    adm_audit_args(c->audit, e->argv, &e->argc, ADM_COMMIT_ARGV, e->vals,
                   &e->nvals);

    for (i = 0; i < e->argc; i++) {
        e->lens[i] = strlen(e->argv[i]);
    }
}


static void
adm_eval_free(adm_eval_t *e)
{
    size_t  i;

    for (i = 0; i < e->nvals; i++) {
        free(e->vals[i]);
    }

    free(e->window);
    free(e->settings);
    free(e->access);
    free(e->sessions);
    free(e->targets);
    free(e->events);
    free(e->series);
    free(e->more);
}


/*
 * The script's reply: ADM_OK and the new version and replaced lease
 * (applied, now or by an earlier send of this commit), ADM_RETRY and the
 * current version (the state moved on), or ADM_ERROR.
 */

static int
adm_commit_reply(redisReply *rr, int64_t *new_version, int64_t *lease_ms)
{
    int64_t  applied;

    if (rr->type == REDIS_REPLY_ERROR) {
        adm_store_set_error("%s", rr->str);
        adm_count(ADM_METRIC_REDIS_ERRORS);
        return ADM_ERROR;
    }

    if (rr->type != REDIS_REPLY_ARRAY || rr->elements < 2
        || maint_reply_int(rr->element[0], &applied) != 0
        || maint_reply_int(rr->element[1], new_version) != 0)
    {
        return ADM_ERROR;
    }

    if (rr->elements != 3 || maint_reply_int(rr->element[2], lease_ms) != 0)
    {
        *lease_ms = 0;
    }

    return applied >= 1 ? ADM_OK : ADM_RETRY;
}


/*
 * ADM_OK: committed (and on enough replicas); ADM_RETRY: the state
 * changed since c->expect_version, nothing written; ADM_ERROR: failed,
 * adm_store_unconfirmed() and adm_store_unsure() say whether it may
 * still be applied.
 */

int
adm_store_commit(adm_commit_t *c, int64_t *new_version, int64_t *lease_ms)
{
    int          rc, sent;
    adm_eval_t   e;
    redisReply  *rr;

    adm_unconfirmed = 0;
    adm_unsure = 0;

    adm_eval_build(&e, c);

    /* not connected: the script cannot have gone out */
    sent = adm_store_connect() == 0;

    rr = adm_redis((int) e.argc, e.argv, e.lens);

    if (adm_store_failover(rr)) {
        /* same script, same marker: applied at most once */
        freeReplyObject(rr);
        adm_count(ADM_METRIC_WRITE_FAILOVER_RETRIES);
        rr = adm_redis((int) e.argc, e.argv, e.lens);
        sent = 1;
    }

    if (rr == NULL) {
        rc = sent ? adm_commit_fence(e.keys[ADM_KEY_MARKER], new_version,
                                     lease_ms)
                  : ADM_ERROR;
        adm_eval_free(&e);
        return rc;
    }

    adm_eval_free(&e);

    rc = adm_commit_reply(rr, new_version, lease_ms);
    freeReplyObject(rr);

    if (rc == ADM_OK && adm_store_replicated() != ADM_OK) {
        return ADM_ERROR;
    }

    return rc;
}


/*
 * The gateways' lease alone, at the start and after a reload, so that
 * they have it from the first moment and not from the first change:
 * HSET <prefix>state lease_ms, and the lease it replaced, which the next
 * changes wait out if it was longer (resources/write.c).  Before any
 * state, the field alone is written: the version stays missing, 0.
 */

#define ADM_LEASE_LUA                                                         \
    "local old = redis.call('HGET', KEYS[1], 'lease_ms') "                    \
    "redis.call('HSET', KEYS[1], 'lease_ms', ARGV[1]) "                       \
    "return tonumber(old or '0') or 0"

int
adm_store_lease(int64_t *replaced)
{
    int          rc;
    char         key[160], lease[32];
    redisReply  *rr;

    adm_key(key, sizeof(key), "state", NULL);
    snprintf(lease, sizeof(lease), "%d", adm_conf.lease_ms);

    rr = adm_redisf("EVAL %s 1 %s %s", ADM_LEASE_LUA, key, lease);

    rc = ADM_ERROR;

    if (rr != NULL && rr->type == REDIS_REPLY_INTEGER) {
        *replaced = rr->integer;
        rc = ADM_OK;

    } else if (rr != NULL && rr->type == REDIS_REPLY_ERROR) {
        adm_store_set_error("%s", rr->str);
    }

    freeReplyObject(rr);

    return rc;
}


/* an audit entry without a change: a rejected attempt */

int
adm_store_audit(json_t *entry)
{
    int          rc;
    char         k[160], *vals[ADM_AUDIT_FIELDS];
    size_t       i, n, nvals, lens[64];
    const char  *argv[64];
    redisReply  *rr;

    adm_key(k, sizeof(k), "audit", NULL);

    n = 0;
    argv[n++] = "XADD";
    argv[n++] = k;
    argv[n++] = "*";

    adm_audit_args(entry, argv, &n, sizeof(argv) / sizeof(argv[0]), vals,
                   &nvals);

    for (i = 0; i < n; i++) {
        lens[i] = strlen(argv[i]);
    }

    rr = adm_redis((int) n, argv, lens);

    for (i = 0; i < nvals; i++) {
        free(vals[i]);
    }

    rc = rr != NULL && rr->type != REDIS_REPLY_ERROR ? 0 : -1;
    freeReplyObject(rr);

    return rc;
}
