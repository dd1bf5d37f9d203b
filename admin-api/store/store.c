/*
 * store.c: the Redis schema (docs/redis-schema.md) and every command the
 * daemon sends.  Keys, all under the configured prefix P:
 *
 *   Pstate            hash    version, revocations, schema, snapshot: what
 *                             gateways read
 *   Pwindow:<id>      string  one window record (JSON, as the API shows it)
 *   Pwindows          zset    every window id, scored by starts_at
 *   Plive             set     ids of windows that are scheduled or running
 *   Psettings         string  the settings (JSON)
 *   Psuperadmins      hash    name -> record (JSON, credential hashed)
 *   Pbypass_keys      hash    kid -> record (JSON, with the secret)
 *   Psession_cutoffs  string  app -> epoch s (JSON)
 *   Prevoked:<id>     string  an ended session (JSON), expires
 *   Paudit            stream  the audit trail, append-only
 *   Pgateways, Pgateway:<host>:<pid>   heartbeats, written by gateways
 *   Psessions, Psession:<id>           the session registry, written by
 *                             gateways (kept_at: by the daemon)
 *
 * Every change goes through one Lua script that checks the state version
 * the change was computed from, then writes the window, the indexes, the
 * settings, superadmins, keys and cutoffs, the blacklist, the new snapshot,
 * the bumped version and the audit entry: all or nothing, and nothing
 * computed from a view someone else changed.
 *
 * The daemon talks to Redis synchronously, one connection, with timeouts:
 * it is a small admin service, not a request path that must not block.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "http/metrics.h"
#include "maint_tls.h"

#if (MAINT_HAVE_HIREDIS_SSL)
#include <hiredis/hiredis_ssl.h>
#endif


static redisContext  *adm_rc;
static char           adm_err[512];
static double         adm_down_until;   /* fail fast until then */
static char           adm_primary[300]; /* Sentinel mode: where it is */
static int            adm_no_retry;     /* the command must not be resent */
static int            adm_unconfirmed;  /* the last commit: no replica */
static int            adm_unsure;       /* the last commit: lost reply */
#if (MAINT_HAVE_HIREDIS_SSL)
static struct ssl_ctx_st  *adm_tls_ctx; /* redis_tls: made at start */
#endif


#define ADM_FAIL_FAST  1.0             /* seconds after a failure */


/*
 * After a failure (Redis down, or stopped and timing out) requests answer
 * 503 at once for a second instead of each waiting out redis_timeout
 * again; one attempt a second keeps checking.
 */

static void
adm_store_failed(void)
{
    adm_down_until = adm_clock() + ADM_FAIL_FAST;
    adm_store_close();
}


static const char  adm_commit_lua[] =
    "local done = redis.call('GET', KEYS[10])\n"
    "if done then return {2, tonumber(done),"
    " tonumber(redis.call('HGET', KEYS[1], 'lease_ms') or '0')} end\n"
    "local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')\n"
    "if v ~= tonumber(ARGV[1]) then return {0, v} end\n"
    "if ARGV[2] == 'put' then\n"
    "  redis.call('SET', KEYS[6], ARGV[3])\n"
    "  redis.call('ZADD', KEYS[2], ARGV[4], ARGV[6])\n"
    "  if ARGV[5] == '1' then redis.call('SADD', KEYS[3], ARGV[6])\n"
    "  else redis.call('SREM', KEYS[3], ARGV[6]) end\n"
    "elseif ARGV[2] == 'del' then\n"
    "  redis.call('DEL', KEYS[6])\n"
    "  redis.call('ZREM', KEYS[2], ARGV[6])\n"
    "  redis.call('SREM', KEYS[3], ARGV[6])\n"
    "end\n"
    "if ARGV[7] ~= '' then redis.call('SET', KEYS[4], ARGV[7]) end\n"
    "if ARGV[9] ~= '' then\n"
    "  local x = cjson.decode(ARGV[9])\n"
    "  for i, h in ipairs({'superadmins', 'bypass_keys'}) do\n"
    "    redis.call('DEL', KEYS[6 + i])\n"
    "    for k, rec in pairs(x[h]) do redis.call('HSET', KEYS[6 + i], k, rec)"
    " end\n"
    "  end\n"
    "  redis.call('SET', KEYS[9], x.session_cutoffs)\n"
    "end\n"
    "if ARGV[10] ~= '' then\n"
    "  local x = cjson.decode(ARGV[10])\n"
    "  for _, id in ipairs(x.revoke) do\n"
    "    redis.call('SET', x.prefix .. 'revoked:' .. id, x.value, 'PX', x.ttl)"
    "\n"
    "  end\n"
    "  for _, id in ipairs(x.keep) do\n"
    "    local k = x.prefix .. 'session:' .. id\n"
    "    local kept = tonumber(redis.call('HGET', k, 'kept_at') or '0')\n"
    "    if tonumber(x.keep_at) > kept then\n"
    "      redis.call('HSET', k, 'kept_at', x.keep_at)\n"
    "    end\n"
    "    if redis.call('PTTL', k) < 0 then redis.call('PEXPIRE', k, x.idle)"
    " end\n"
    "  end\n"
    "  if x.bump then redis.call('HINCRBY', KEYS[1], 'revocations', 1) end\n"
    "end\n"
    "local nv = redis.call('HINCRBY', KEYS[1], 'version', 1)\n"
    "local lease = tonumber(redis.call('HGET', KEYS[1], 'lease_ms') or '0')\n"
    "redis.call('HSET', KEYS[1], 'schema', 1, 'snapshot', ARGV[8],"
    " 'lease_ms', ARGV[11])\n"
    "local a = {'XADD', KEYS[5], '*', 'state_version', nv}\n"
    "for i = 12, #ARGV do a[#a + 1] = ARGV[i] end\n"
    "redis.call(unpack(a))\n"
    "redis.call('SET', KEYS[10], nv, 'PX', 600000)\n"
    "return {1, nv, lease}\n";


void
adm_key(char *buf, size_t len, const char *name, const char *id)
{
    snprintf(buf, len, "%s%s%s", adm_conf.prefix, name, id ? id : "");
}


const char *
adm_store_error(void)
{
    return adm_err;
}


/*
 * The TLS settings, checked and their files read once, at -t and at the
 * start: a bad file is a configuration error, not a failed connection
 * later.  A build without hiredis_ssl refuses them, saying why.
 */

int
adm_store_tls_init(char *err, size_t errlen)
{
    const char  *given;

    given = adm_conf.redis_tls ? "redis_tls"
            : adm_conf.redis_tls_ca[0] ? "redis_tls_ca"
            : adm_conf.redis_tls_cert[0] ? "redis_tls_cert"
            : adm_conf.redis_tls_key[0] ? "redis_tls_key"
            : adm_conf.redis_tls_server_name[0] ? "redis_tls_server_name"
            : NULL;

    if (given == NULL) {
        return 0;
    }

#if (MAINT_HAVE_HIREDIS_SSL)
    {
    char              reason[256], list[sizeof(adm_conf.redis_sentinels) + 1];
    const char       *bad;
    maint_tls_fail_e  fail;

    if (!adm_conf.redis_tls) {
        snprintf(err, errlen, "\"%s\" requires \"redis_tls on\"", given);
        return -1;
    }

    if ((adm_conf.redis_tls_cert[0] == '\0')
        != (adm_conf.redis_tls_key[0] == '\0'))
    {
        snprintf(err, errlen, "\"redis_tls_cert\" and \"redis_tls_key\" go "
                 "together: both or neither");
        return -1;
    }

    /* Redis never speaks TLS on a unix socket */

    snprintf(list, sizeof(list), ",%s", adm_conf.redis_sentinels);

    if ((adm_conf.redis_master_name[0] == '\0'
         && strncmp(adm_conf.redis, "unix:", 5) == 0)
        || (adm_conf.redis_master_name[0] && strstr(list, ",unix:")))
    {
        snprintf(err, errlen, "\"redis_tls\" cannot be used with a unix "
                 "socket");
        return -1;
    }

    if (adm_tls_ctx) {
        maint_tls_ctx_free(adm_tls_ctx);
    }

    adm_tls_ctx = maint_tls_ctx_create(
                      adm_conf.redis_tls_ca[0] ? adm_conf.redis_tls_ca : NULL,
                      adm_conf.redis_tls_cert[0] ? adm_conf.redis_tls_cert
                                                 : NULL,
                      adm_conf.redis_tls_key[0] ? adm_conf.redis_tls_key
                                                : NULL,
                      &fail, reason, sizeof(reason));

    if (adm_tls_ctx != NULL) {
        return 0;
    }

    switch (fail) {
    case MAINT_TLS_BAD_CA:
        if (adm_conf.redis_tls_ca[0] == '\0') {
            snprintf(err, errlen, "\"redis_tls\": cannot load the system's "
                     "CA certificates (%s); set \"redis_tls_ca\"", reason);
            return -1;
        }

        given = "redis_tls_ca";
        bad = adm_conf.redis_tls_ca;
        break;

    case MAINT_TLS_BAD_CERT:
        given = "redis_tls_cert";
        bad = adm_conf.redis_tls_cert;
        break;

    case MAINT_TLS_BAD_KEY:
    case MAINT_TLS_KEY_MISMATCH:
        given = "redis_tls_key";
        bad = adm_conf.redis_tls_key;
        break;

    default:
        snprintf(err, errlen, "\"redis_tls\": %s", reason);
        return -1;
    }

    snprintf(err, errlen, "\"%s\" file \"%s\": %s", given, bad, reason);
    return -1;
    }
#else
    snprintf(err, errlen, "\"%s\" " MAINT_TLS_UNAVAILABLE, given,
             MAINT_TLS_UNAVAILABLE_ARGS("maint-admind"));
    return -1;
#endif
}


/* host:port, [v6]:port or unix:/path, with the connect timeout; the host */

static redisContext *
adm_connect_addr(const char *addr, int default_port, struct timeval tv,
    char *host)
{
    int    port;
    char  *colon;

    host[0] = '\0';

    if (strncmp(addr, "unix:", 5) == 0) {
        return redisConnectUnixWithTimeout(addr + 5, tv);
    }

    snprintf(host, 256, "%s", addr);
    port = default_port;
    colon = strrchr(host, ':');

    if (colon && strchr(host, ']') < colon
        && (host[0] == '[' || strchr(host, ':') == colon))
    {
        *colon = '\0';
        port = atoi(colon + 1);
    }

    if (host[0] == '[') {
        memmove(host, host + 1, strlen(host));
        host[strcspn(host, "]")] = '\0';
    }

    return redisConnectWithTimeout(host, port, tv);
}


/*
 * A connection ready for commands: connected, every command under the
 * timeout, AUTH [user] password done.  NULL with adm_err saying which
 * ("sentinel 10.0.0.1:26379") and Redis's reason, never the secret.
 */

static redisContext *
adm_open(const char *what, const char *addr, int default_port,
    struct timeval tv, const char *user, const char *password)
{
    char           host[256];
    redisReply    *rr;
    redisContext  *rc;

    rc = adm_connect_addr(addr, default_port, tv, host);

    if (rc == NULL || rc->err) {
        snprintf(adm_err, sizeof(adm_err), "%s: %s", what,
                 rc ? rc->errstr : "out of memory");
        redisFree(rc);
        return NULL;
    }

    /* before TLS: the handshake is under the timeout too */
    redisSetTimeout(rc, tv);

#if (MAINT_HAVE_HIREDIS_SSL)
    if (adm_conf.redis_tls) {
        char            reason[256];
        const char     *name;
        struct ssl_st  *ssl;

        /* the name checked: as configured, or the host as written */
        name = adm_conf.redis_tls_server_name[0]
               ? adm_conf.redis_tls_server_name : host;

        ssl = maint_tls_new(adm_tls_ctx, name, reason, sizeof(reason));

        if (ssl == NULL) {
            snprintf(adm_err, sizeof(adm_err), "%s: TLS: %s", what, reason);
            redisFree(rc);
            return NULL;
        }

        if (redisInitiateSSL(rc, ssl) != REDIS_OK) {
            if (maint_tls_reason(ssl, reason, sizeof(reason)) == NULL) {
                snprintf(reason, sizeof(reason), "TLS handshake failed: %s",
                         rc->errstr);
            }

            if (strncmp(reason, "certificate", 11) == 0) {
                /* what was expected: a name, never a secret */
                snprintf(adm_err, sizeof(adm_err),
                         "%.180s: %.180s (expected \"%.100s\")", what,
                         reason, name);

            } else {
                snprintf(adm_err, sizeof(adm_err), "%.250s: %.250s", what,
                         reason);
            }

            maint_tls_free(ssl);    /* hiredis did not take it */
            redisFree(rc);
            return NULL;
        }
    }
#endif

    if (password[0] == '\0') {
        return rc;
    }

    if (user[0]) {
        rr = redisCommand(rc, "AUTH %s %s", user, password);
    } else {
        rr = redisCommand(rc, "AUTH %s", password);
    }

    if (rr == NULL || rr->type == REDIS_REPLY_ERROR) {
        snprintf(adm_err, sizeof(adm_err), "%s: AUTH failed: %s", what,
                 rr ? rr->str : rc->errstr);
        freeReplyObject(rr);
        redisFree(rc);
        return NULL;
    }

    freeReplyObject(rr);

    return rc;
}


/*
 * Sentinel mode: ask the sentinels in turn, starting with the one that
 * answered last, for the primary's address, and keep the first answer
 * whose node says ROLE master (a sentinel can be stale; a demoted primary
 * is a replica).  Returns the connection, AUTH done; NULL with adm_err set.
 */

static size_t  adm_sentinel_next;

static redisContext *
adm_sentinel_connect(struct timeval tv)
{
    char           list[sizeof(adm_conf.redis_sentinels)], *one, *save;
    char           addr[300], what[sizeof(addr) + 64];
    const char    *sentinels[16];
    size_t         n, i, k;
    redisReply    *rr;
    redisContext  *sc, *rc;

    snprintf(list, sizeof(list), "%s", adm_conf.redis_sentinels);

    n = 0;
    for (one = strtok_r(list, ",", &save); one && n < 16;
         one = strtok_r(NULL, ",", &save))
    {
        sentinels[n++] = one;
    }

    snprintf(adm_err, sizeof(adm_err), "no sentinel configured");

    for (k = 0; k < n; k++) {
        i = (adm_sentinel_next + k) % n;

        snprintf(what, sizeof(what), "sentinel %s", sentinels[i]);

        sc = adm_open(what, sentinels[i], 26379, tv,
                      adm_conf.redis_sentinel_user,
                      adm_conf.redis_sentinel_password);
        if (sc == NULL) {
            continue;
        }

        rr = redisCommand(sc, "SENTINEL get-master-addr-by-name %s",
                          adm_conf.redis_master_name);
        redisFree(sc);

        if (rr == NULL || rr->type != REDIS_REPLY_ARRAY || rr->elements != 2
            || rr->element[0]->type != REDIS_REPLY_STRING
            || rr->element[1]->type != REDIS_REPLY_STRING)
        {
            snprintf(adm_err, sizeof(adm_err), "sentinel %s: %s",
                     sentinels[i],
                     rr == NULL ? "no answer"
                     : rr->type == REDIS_REPLY_ERROR ? rr->str
                     : "the master name is unknown");
            freeReplyObject(rr);
            continue;
        }

        snprintf(addr, sizeof(addr), strchr(rr->element[0]->str, ':')
                 ? "[%s]:%s" : "%s:%s",
                 rr->element[0]->str, rr->element[1]->str);
        freeReplyObject(rr);

        snprintf(what, sizeof(what), "primary %s (from sentinel %s)", addr,
                 sentinels[i]);

        rc = adm_open(what, addr, 6379, tv, adm_conf.redis_user,
                      adm_conf.redis_password);
        if (rc == NULL) {
            continue;
        }

        rr = redisCommand(rc, "ROLE");

        if (rr == NULL || rr->type != REDIS_REPLY_ARRAY || rr->elements == 0
            || rr->element[0]->type != REDIS_REPLY_STRING
            || strcmp(rr->element[0]->str, "master") != 0)
        {
            snprintf(adm_err, sizeof(adm_err), "%s (from sentinel %s) is "
                     "not the primary", addr, sentinels[i]);
            freeReplyObject(rr);
            redisFree(rc);
            continue;
        }

        freeReplyObject(rr);

        if (strcmp(addr, adm_primary) != 0) {
            adm_log(adm_primary[0] ? ADM_LOG_WARN : ADM_LOG_INFO,
                    "following the Sentinel primary", "{s:s, s:s, s:s}",
                    "master", adm_conf.redis_master_name,
                    "primary", addr, "previous", adm_primary);

            if (adm_primary[0]) {
                adm_count("redis_failovers");
            }

            snprintf(adm_primary, sizeof(adm_primary), "%s", addr);
        }

        adm_sentinel_next = i;

        return rc;
    }

    return NULL;
}


int
adm_store_connect(void)
{
    redisReply     *rr;
    struct timeval  tv;

    if (adm_rc != NULL && adm_rc->err == 0) {
        return 0;
    }

    adm_store_close();

    if (adm_clock() < adm_down_until) {
        return -1;              /* adm_err still says why */
    }

    tv.tv_sec = adm_conf.redis_timeout_ms / 1000;
    tv.tv_usec = (adm_conf.redis_timeout_ms % 1000) * 1000;

    if (adm_conf.redis_master_name[0]) {
        adm_rc = adm_sentinel_connect(tv);

        if (adm_rc == NULL) {
            adm_store_failed();
            return -1;
        }

    } else {
        adm_rc = adm_open(adm_conf.redis, adm_conf.redis, 6379, tv,
                          adm_conf.redis_user, adm_conf.redis_password);

        if (adm_rc == NULL) {
            adm_store_failed();
            return -1;
        }
    }

    if (adm_conf.redis_db) {
        rr = redisCommand(adm_rc, "SELECT %d", adm_conf.redis_db);

        if (rr == NULL || rr->type == REDIS_REPLY_ERROR) {
            snprintf(adm_err, sizeof(adm_err), "SELECT failed: %s",
                     rr ? rr->str : adm_rc->errstr);
            freeReplyObject(rr);
            adm_store_failed();
            return -1;
        }

        freeReplyObject(rr);
    }

    return 0;
}


void
adm_store_close(void)
{
    if (adm_rc) {
        redisFree(adm_rc);
        adm_rc = NULL;
    }
}


/* NULL when Redis could not be reached; error replies are returned */

redisReply *
adm_redis(int argc, const char **argv, const size_t *lens)
{
    redisReply  *rr;

    if (adm_store_connect() != 0) {
        adm_count("redis_errors");
        return NULL;
    }

    rr = redisCommandArgv(adm_rc, argc, argv, lens);

    if (rr == NULL) {
        snprintf(adm_err, sizeof(adm_err), "%s", adm_rc->errstr);
        adm_store_failed();
        adm_count("redis_errors");
        return NULL;
    }

    return rr;
}


static redisReply *
adm_vredisf(int error_fails, const char *fmt, va_list ap)
{
    va_list      again;
    redisReply  *rr;

    if (adm_store_connect() != 0) {
        adm_count("redis_errors");
        return NULL;
    }

    va_copy(again, ap);
    rr = redisvCommand(adm_rc, fmt, ap);

    if (rr == NULL && adm_conf.redis_master_name[0] && !adm_no_retry) {
        /*
         * Sentinel mode: Sentinel kills the clients of a node it demotes,
         * so a lost connection usually means "ask again".  These commands
         * are reads (or idempotent trims): repeat once on the primary the
         * sentinels name now.
         */
        adm_store_close();
        adm_down_until = 0;

        if (adm_store_connect() == 0) {
            rr = redisvCommand(adm_rc, fmt, again);
        }
    }

    va_end(again);

    if (adm_rc == NULL) {
        adm_count("redis_errors");
        return NULL;
    }

    if (rr == NULL) {
        snprintf(adm_err, sizeof(adm_err), "%s", adm_rc->errstr);
        adm_store_failed();
        adm_count("redis_errors");
        return NULL;
    }

    if (error_fails && rr->type == REDIS_REPLY_ERROR) {
        snprintf(adm_err, sizeof(adm_err), "%s", rr->str);
        freeReplyObject(rr);
        adm_count("redis_errors");
        return NULL;
    }

    return rr;
}


/* NULL when Redis could not be reached; error replies are returned */

redisReply *
adm_redisf(const char *fmt, ...)
{
    va_list      ap;
    redisReply  *rr;

    va_start(ap, fmt);
    rr = adm_vredisf(0, fmt, ap);
    va_end(ap);

    return rr;
}


/* an error reply is a failure too: READONLY, LOADING, OOM... */

static redisReply *
adm_redisf_ok(const char *fmt, ...)
{
    va_list      ap;
    redisReply  *rr;

    va_start(ap, fmt);
    rr = adm_vredisf(1, fmt, ap);
    va_end(ap);

    return rr;
}


int
adm_store_now(int64_t *ms)
{
    redisReply  *rr;

    rr = adm_redisf_ok("TIME");
    if (rr == NULL) {
        return -1;
    }

    if (rr->type != REDIS_REPLY_ARRAY || rr->elements != 2) {
        freeReplyObject(rr);
        return -1;
    }

    *ms = strtoll(rr->element[0]->str, NULL, 10) * 1000
          + strtoll(rr->element[1]->str, NULL, 10) / 1000;

    freeReplyObject(rr);

    return 0;
}


static int adm_store_access(adm_view_t *v);


/* an array reply of strings (ids) as a JSON array */

static json_t *
adm_reply_strings(redisReply *rr)
{
    size_t   i;
    json_t  *out;

    out = json_array();

    for (i = 0; rr->type == REDIS_REPLY_ARRAY && i < rr->elements; i++) {
        json_array_append_new(out, json_stringn(rr->element[i]->str,
                                                rr->element[i]->len));
    }

    return out;
}


static json_t *
adm_reply_parse(redisReply *rr)
{
    if (rr->type != REDIS_REPLY_STRING) {
        return NULL;
    }

    return json_loadb(rr->str, rr->len, 0, NULL);
}


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
    json_t      *ids, *recs;
    redisReply  *rr;

    memset(v, 0, sizeof(adm_view_t));

    adm_key(key, sizeof(key), "state", NULL);
    rr = adm_redisf_ok("HGET %s version", key);
    if (rr == NULL) {
        return -1;
    }

    v->version = rr->type == REDIS_REPLY_STRING
                 ? strtoll(rr->str, NULL, 10) : 0;
    freeReplyObject(rr);

    if (adm_store_now(&v->now_ms) != 0) {
        return -1;
    }

    adm_key(key, sizeof(key), "settings", NULL);
    rr = adm_redisf_ok("GET %s", key);
    if (rr == NULL) {
        return -1;
    }

    v->settings = adm_reply_parse(rr);
    freeReplyObject(rr);

    if (v->settings == NULL) {
        v->settings = adm_settings_defaults();
    }

    if (adm_store_access(v) != 0) {
        adm_view_free(v);
        return -1;
    }

    adm_key(key, sizeof(key), "live", NULL);
    rr = adm_redisf_ok("SMEMBERS %s", key);
    if (rr == NULL) {
        adm_view_free(v);
        return -1;
    }

    ids = adm_reply_strings(rr);
    freeReplyObject(rr);

    if (adm_store_windows(ids, &recs) != 0) {
        json_decref(ids);
        adm_view_free(v);
        return -1;
    }

    json_decref(ids);
    v->live = recs;

    return 0;
}


void
adm_view_free(adm_view_t *v)
{
    json_decref(v->settings);
    json_decref(v->live);
    json_decref(v->access);
    v->settings = NULL;
    v->live = NULL;
    v->access = NULL;
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
        rec = adm_reply_parse(rr->element[i + 1]);

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
        return -1;
    }

    json_object_set_new(v->access, "superadmins", adm_reply_records(rr));
    freeReplyObject(rr);

    adm_key(key, sizeof(key), "bypass_keys", NULL);
    rr = adm_redisf_ok("HGETALL %s", key);
    if (rr == NULL) {
        return -1;
    }

    json_object_set_new(v->access, "bypass_keys", adm_reply_records(rr));
    freeReplyObject(rr);

    adm_key(key, sizeof(key), "session_cutoffs", NULL);
    rr = adm_redisf_ok("GET %s", key);
    if (rr == NULL) {
        return -1;
    }

    cutoffs = adm_reply_parse(rr);
    freeReplyObject(rr);

    json_object_set_new(v->access, "session_cutoffs",
                        json_is_object(cutoffs) ? cutoffs : json_object());

    if (!json_is_object(cutoffs)) {
        json_decref(cutoffs);
    }

    return 0;
}


/* records for the ids, in order, skipping ids whose key is gone */

int
adm_store_windows(json_t *ids, json_t **recs)
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
        return 0;
    }

    argv = calloc(n + 1, sizeof(char *));
    lens = calloc(n + 1, sizeof(size_t));
    keys = calloc(n, sizeof(*keys));

    if (argv == NULL || lens == NULL || keys == NULL) {
        free(argv);
        free(lens);
        free(keys);
        return -1;
    }

    argv[0] = "MGET";
    lens[0] = 4;

    for (i = 0; i < n; i++) {
        adm_key(key, sizeof(key), "window:",
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
        return -1;
    }

    for (i = 0; i < rr->elements; i++) {
        rec = adm_reply_parse(rr->element[i]);
        if (rec) {
            json_array_append_new(*recs, rec);
        }
    }

    freeReplyObject(rr);

    return 0;
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
        return -1;
    }

    *rec = adm_reply_parse(rr);
    freeReplyObject(rr);

    return 0;
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
        return -1;
    }

    *ids = adm_reply_strings(rr);
    freeReplyObject(rr);

    return 0;
}


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

static char *
adm_access_arg(json_t *access)
{
    char        *out, *rec;
    json_t      *x, *part, *v;
    size_t       i;
    const char  *k;
    const char  *parts[] = { "superadmins", "bypass_keys" };

    x = json_object();

    for (i = 0; i < 2; i++) {
        part = json_object();

        json_object_foreach(json_object_get(access, parts[i]), k, v) {
            rec = json_dumps(v, JSON_COMPACT);
            json_object_set_new(part, k, json_string(rec ? rec : "null"));
            free(rec);
        }

        json_object_set_new(x, parts[i], part);
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
    size_t         i;
    unsigned char  b[16];

    if (RAND_bytes(b, sizeof(b)) != 1) {
        /* unique enough for a marker that lives ten minutes */
        snprintf((char *) b, sizeof(b), "%08x%07x", (unsigned) getpid(),
                 (unsigned) ((int64_t) (adm_clock() * 1e6) & 0xfffffff));
    }

    for (i = 0; i < sizeof(b); i++) {
        snprintf(hex + 2 * i, 3, "%02x", b[i]);
    }
}


/*
 * Sentinel mode: a write that found no primary (connection lost, timed
 * out, or the node was demoted: READONLY) is worth one more try once the
 * sentinels name a primary again, waiting up to redis_failover_timeout for
 * them to finish the failover.  The reply is the caller's to free.
 */

static int
adm_store_failover(redisReply *rr)
{
    double  deadline;

    if (adm_conf.redis_master_name[0] == '\0') {
        return 0;
    }

    if (rr != NULL
        && (rr->type != REDIS_REPLY_ERROR
            || (strncmp(rr->str, "READONLY", 8) != 0
                && strncmp(rr->str, "MASTERDOWN", 10) != 0
                && strncmp(rr->str, "LOADING", 7) != 0)))
    {
        return 0;
    }

    adm_store_close();
    deadline = adm_clock() + adm_conf.redis_failover_timeout_ms / 1000.0;

    for ( ;; ) {
        adm_down_until = 0;

        if (adm_store_connect() == 0) {
            return 1;
        }

        if (adm_clock() >= deadline) {
            return 0;
        }

        /* the sentinels need their down-after time; ask again shortly */
        usleep(100000);
    }
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
        return 0;
    }

    /* within the socket's timeout, which would otherwise cut it short */
    wait_ms = adm_conf.redis_timeout_ms - adm_conf.redis_timeout_ms / 4;

    /* never on another connection: it would have no writes to wait for */
    adm_no_retry = 1;
    rr = adm_redisf("WAIT %d %d", want, wait_ms > 0 ? wait_ms : 1);
    adm_no_retry = 0;

    if (rr != NULL && rr->type == REDIS_REPLY_INTEGER && rr->integer >= want)
    {
        freeReplyObject(rr);
        return 0;
    }

    adm_unconfirmed = 1;

    snprintf(adm_err, sizeof(adm_err), "the change is on the primary but "
             "%lld of %d replicas confirmed it within %d ms: not "
             "acknowledged",
             rr && rr->type == REDIS_REPLY_INTEGER ? rr->integer : 0LL,
             want, wait_ms);
    freeReplyObject(rr);
    adm_count("redis_errors");

    return -1;
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
    char         err[sizeof(adm_err)];
    redisReply  *rr;

    memcpy(err, adm_err, sizeof(err));

    adm_store_close();
    adm_down_until = 0;

    adm_no_retry = 1;
    rr = adm_redisf("SET %s 0 NX PX 600000", marker);

    if (rr != NULL && rr->type == REDIS_REPLY_STATUS) {
        /* fenced: nothing was written, nothing will be */
        freeReplyObject(rr);
        adm_no_retry = 0;
        memcpy(adm_err, err, sizeof(err));
        return ADM_ERROR;
    }

    if (rr != NULL && rr->type == REDIS_REPLY_NIL) {
        freeReplyObject(rr);
        rr = adm_redisf("GET %s", marker);

        if (rr != NULL && rr->type == REDIS_REPLY_STRING
            && strtoll(rr->str, NULL, 10) > 0)
        {
            /* applied, late; replicas cannot be waited for from here */
            *new_version = strtoll(rr->str, NULL, 10);
            *lease_ms = 0;
            freeReplyObject(rr);
            adm_no_retry = 0;
            adm_count("commit_fence_applied");

            if (adm_conf.redis_min_replicas > 0
                || (adm_conf.redis_min_replicas < 0
                    && adm_conf.redis_master_name[0]))
            {
                adm_unconfirmed = 1;
                return ADM_ERROR;
            }

            return ADM_OK;
        }
    }

    freeReplyObject(rr);
    adm_no_retry = 0;
    adm_unsure = 1;
    memcpy(adm_err, err, sizeof(err));

    return ADM_ERROR;
}


int
adm_store_commit(adm_commit_t *c, int64_t *new_version, int64_t *lease_ms)
{
    int           rc, sent;
    char          k[10][160], ver[32], score[32], lease[32], *win, *set, *acc;
    char          nonce[33];
    char         *ses;
    char         *vals[ADM_AUDIT_FIELDS];
    size_t        i, n, nvals, lens[64];
    const char   *argv[64];
    redisReply   *rr;

    adm_key(k[0], sizeof(k[0]), "state", NULL);
    adm_key(k[1], sizeof(k[1]), "windows", NULL);
    adm_key(k[2], sizeof(k[2]), "live", NULL);
    adm_key(k[3], sizeof(k[3]), "settings", NULL);
    adm_key(k[4], sizeof(k[4]), "audit", NULL);
    adm_key(k[5], sizeof(k[5]), "window:", c->id ? c->id : "");
    adm_key(k[6], sizeof(k[6]), "superadmins", NULL);
    adm_key(k[7], sizeof(k[7]), "bypass_keys", NULL);
    adm_key(k[8], sizeof(k[8]), "session_cutoffs", NULL);

    adm_unconfirmed = 0;
    adm_unsure = 0;

    /* the commit's own marker: a retry finds it and does not apply twice */
    adm_commit_nonce(nonce);
    adm_key(k[9], sizeof(k[9]), "commit:", nonce);

    win = c->window ? json_dumps(c->window, JSON_COMPACT) : NULL;
    set = c->settings ? json_dumps(c->settings, JSON_COMPACT) : NULL;
    acc = c->access ? adm_access_arg(c->access) : NULL;
    ses = c->sessions ? adm_sessions_arg(c->sessions, c->actor) : NULL;

    snprintf(ver, sizeof(ver), "%lld", (long long) c->expect_version);
    snprintf(score, sizeof(score), "%lld", (long long)
             (c->window ? adm_window_time(c->window, "starts_at") : 0));

    n = 0;
    argv[n++] = "EVAL";
    argv[n++] = adm_commit_lua;
    argv[n++] = "10";

    for (i = 0; i < 10; i++) {
        argv[n++] = k[i];
    }

    argv[n++] = ver;
    argv[n++] = c->op;
    argv[n++] = win ? win : "";
    argv[n++] = score;
    argv[n++] = c->live ? "1" : "0";
    argv[n++] = c->id ? c->id : "";
    argv[n++] = set ? set : "";
    argv[n++] = c->snapshot;
    argv[n++] = acc ? acc : "";
    argv[n++] = ses ? ses : "";
    snprintf(lease, sizeof(lease), "%d", adm_conf.lease_ms);
    argv[n++] = lease;

    adm_audit_args(c->audit, argv, &n, sizeof(argv) / sizeof(argv[0]), vals,
                   &nvals);

    for (i = 0; i < n; i++) {
        lens[i] = strlen(argv[i]);
    }

    /* not connected: the script cannot have gone out */
    sent = adm_store_connect() == 0;

    rr = adm_redis((int) n, argv, lens);

    if (adm_store_failover(rr)) {
        /* same script, same marker: applied at most once */
        freeReplyObject(rr);
        adm_count("write_failover_retries");
        rr = adm_redis((int) n, argv, lens);
        sent = 1;
    }

    for (i = 0; i < nvals; i++) {
        free(vals[i]);
    }

    free(win);
    free(set);
    free(acc);
    free(ses);

    if (rr == NULL) {
        return sent ? adm_commit_fence(k[9], new_version, lease_ms)
                    : ADM_ERROR;
    }

    if (rr->type == REDIS_REPLY_ERROR) {
        snprintf(adm_err, sizeof(adm_err), "%s", rr->str);
        freeReplyObject(rr);
        adm_count("redis_errors");
        return ADM_ERROR;
    }

    rc = ADM_ERROR;

    if (rr->type == REDIS_REPLY_ARRAY && rr->elements >= 2) {
        rc = rr->element[0]->integer >= 1 ? ADM_OK : ADM_RETRY;
        *new_version = rr->element[1]->integer;
        *lease_ms = rr->elements == 3 ? rr->element[2]->integer : 0;
    }

    freeReplyObject(rr);

    if (rc == ADM_OK && adm_store_replicated() != 0) {
        return ADM_ERROR;
    }

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
        return -1;
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

    return 0;
}


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
        return -1;
    }

    *items = json_array();

    for (i = 0; i < rr->elements; i++) {
        snprintf(gk, sizeof(gk), "%sgateway:%.*s", adm_conf.prefix,
                 (int) rr->element[i]->len, rr->element[i]->str);

        h = adm_redisf_ok("HGETALL %s", gk);
        if (h == NULL) {
            freeReplyObject(rr);
            json_decref(*items);
            return -1;
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

    return 0;
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
        return -1;
    }

    *version = 0;
    *json = NULL;
    *len = 0;

    if (rr->type == REDIS_REPLY_ARRAY && rr->elements == 2) {
        if (rr->element[0]->type == REDIS_REPLY_STRING) {
            *version = strtoll(rr->element[0]->str, NULL, 10);
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

    return 0;
}


/* --- the session registry ------------------------------------------------ */

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
        return -1;
    }

    *ids = adm_reply_strings(rr);
    freeReplyObject(rr);

    return 0;
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
        return 0;
    }

    if (adm_store_connect() != 0) {
        adm_count("redis_errors");
        json_decref(*recs);
        return -1;
    }

    for (i = 0; i < n; i++) {
        id = json_string_value(json_array_get(ids, i));

        adm_key(key, sizeof(key), "session:", id);
        redisAppendCommand(adm_rc, "HGETALL %s", key);

        adm_key(key, sizeof(key), "revoked:", id);
        redisAppendCommand(adm_rc, "GET %s", key);
    }

    for (i = 0; i < n; i++) {
        h = NULL;
        x = NULL;

        if (redisGetReply(adm_rc, (void **) &h) != REDIS_OK
            || redisGetReply(adm_rc, (void **) &x) != REDIS_OK)
        {
            snprintf(adm_err, sizeof(adm_err), "%s", adm_rc->errstr);
            freeReplyObject(h);
            adm_store_failed();
            adm_count("redis_errors");
            json_decref(*recs);
            return -1;
        }

        revoked = adm_reply_parse(x);

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

    return 0;
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
        return -1;
    }

    freeReplyObject(rr);

    return 0;
}
