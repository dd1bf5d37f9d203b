/*
 * store.c: the storage layer's base (store.h): the one connection to
 * Redis (docs/redis-schema.md), direct or to the primary the sentinels
 * name, with TLS and AUTH; failing fast after a failure, following a
 * failover; the commands every other store file sends on it.
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

#include "maint_reply.h"
#include "maint_tls.h"
#include "admin.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "store/store.h"

#if (MAINT_HAVE_HIREDIS_SSL)
#include <hiredis/hiredis_ssl.h>
#endif


static redisContext  *adm_rc;
static char           adm_err[512];
static double         adm_down_until;   /* fail fast until then */
static char           adm_primary[300]; /* Sentinel mode: where it is */
static int            adm_no_retry;     /* the command must not be resent */
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


void
adm_store_set_error(const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    vsnprintf(adm_err, sizeof(adm_err), fmt, ap);
    va_end(ap);
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
        return ADM_OK;
    }

#if (MAINT_HAVE_HIREDIS_SSL)
    {
    char              reason[256], list[sizeof(adm_conf.redis_sentinels) + 1];
    const char       *bad;
    maint_tls_fail_e  fail;

    if (!adm_conf.redis_tls) {
        snprintf(err, errlen, "\"%s\" requires \"redis_tls on\"", given);
        return ADM_ERROR;
    }

    if ((adm_conf.redis_tls_cert[0] == '\0')
        != (adm_conf.redis_tls_key[0] == '\0'))
    {
        snprintf(err, errlen, "\"redis_tls_cert\" and \"redis_tls_key\" go "
                 "together: both or neither");
        return ADM_ERROR;
    }

    /* Redis never speaks TLS on a unix socket */

    snprintf(list, sizeof(list), ",%s", adm_conf.redis_sentinels);

    if ((adm_conf.redis_master_name[0] == '\0'
         && strncmp(adm_conf.redis, "unix:", 5) == 0)
        || (adm_conf.redis_master_name[0] && strstr(list, ",unix:")))
    {
        snprintf(err, errlen, "\"redis_tls\" cannot be used with a unix "
                 "socket");
        return ADM_ERROR;
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
        return ADM_OK;
    }

    switch (fail) {
    case MAINT_TLS_BAD_CA:
        if (adm_conf.redis_tls_ca[0] == '\0') {
            snprintf(err, errlen, "\"redis_tls\": cannot load the system's "
                     "CA certificates (%s); set \"redis_tls_ca\"", reason);
            return ADM_ERROR;
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
        return ADM_ERROR;
    }

    snprintf(err, errlen, "\"%s\" file \"%s\": %s", given, bad, reason);
    return ADM_ERROR;
    }
#else
    snprintf(err, errlen, "\"%s\" " MAINT_TLS_UNAVAILABLE, given,
             MAINT_TLS_UNAVAILABLE_ARGS("maint-admind"));
    return ADM_ERROR;
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
    int            port;
    char           addr[300], what[sizeof(addr) + 64];
    const char    *sentinels[16];
    maint_str_t    host;
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

        /* an unusable address is tried as given: its connection fails */
        if (maint_reply_master_addr(rr, &host, &port) == MAINT_REPLY_UNKNOWN)
        {
            snprintf(adm_err, sizeof(adm_err), "sentinel %s: %s",
                     sentinels[i],
                     rr == NULL ? "no answer"
                     : rr->type == REDIS_REPLY_ERROR ? rr->str
                     : "the master name is unknown");
            freeReplyObject(rr);
            continue;
        }

        snprintf(addr, sizeof(addr),
                 memchr(host.data, ':', host.len) ? "[%.*s]:%s" : "%.*s:%s",
                 (int) host.len, host.data, rr->element[1]->str);
        freeReplyObject(rr);

        snprintf(what, sizeof(what), "primary %s (from sentinel %s)", addr,
                 sentinels[i]);

        rc = adm_open(what, addr, 6379, tv, adm_conf.redis_user,
                      adm_conf.redis_password);
        if (rc == NULL) {
            continue;
        }

        rr = redisCommand(rc, "ROLE");

        if (!maint_reply_is_master(rr)) {
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
                adm_count(ADM_METRIC_REDIS_FAILOVERS);
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
        return ADM_OK;
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
            return ADM_ERROR;
        }

    } else {
        adm_rc = adm_open(adm_conf.redis, adm_conf.redis, 6379, tv,
                          adm_conf.redis_user, adm_conf.redis_password);

        if (adm_rc == NULL) {
            adm_store_failed();
            return ADM_ERROR;
        }
    }

    if (adm_conf.redis_db) {
        rr = redisCommand(adm_rc, "SELECT %d", adm_conf.redis_db);

        if (rr == NULL || rr->type == REDIS_REPLY_ERROR) {
            snprintf(adm_err, sizeof(adm_err), "SELECT failed: %s",
                     rr ? rr->str : adm_rc->errstr);
            freeReplyObject(rr);
            adm_store_failed();
            return ADM_ERROR;
        }

        freeReplyObject(rr);
    }

    return ADM_OK;
}


void
adm_store_close(void)
{
    if (adm_rc) {
        redisFree(adm_rc);
        adm_rc = NULL;
    }
}


/*
 * The connection closed and the fail-fast delay forgotten: the next
 * command connects at once (to the primary the sentinels name now).
 */

void
adm_store_drop(void)
{
    adm_store_close();
    adm_down_until = 0;
}


/* NULL when Redis could not be reached; error replies are returned */

redisReply *
adm_redis(int argc, const char **argv, const size_t *lens)
{
    redisReply  *rr;

    if (adm_store_connect() != 0) {
        adm_count(ADM_METRIC_REDIS_ERRORS);
        return NULL;
    }

    rr = redisCommandArgv(adm_rc, argc, argv, lens);

    if (rr == NULL) {
        snprintf(adm_err, sizeof(adm_err), "%s", adm_rc->errstr);
        adm_store_failed();
        adm_count(ADM_METRIC_REDIS_ERRORS);
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
        adm_count(ADM_METRIC_REDIS_ERRORS);
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
        adm_count(ADM_METRIC_REDIS_ERRORS);
        return NULL;
    }

    if (rr == NULL) {
        snprintf(adm_err, sizeof(adm_err), "%s", adm_rc->errstr);
        adm_store_failed();
        adm_count(ADM_METRIC_REDIS_ERRORS);
        return NULL;
    }

    if (error_fails && rr->type == REDIS_REPLY_ERROR) {
        snprintf(adm_err, sizeof(adm_err), "%s", rr->str);
        freeReplyObject(rr);
        adm_count(ADM_METRIC_REDIS_ERRORS);
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

redisReply *
adm_redisf_ok(const char *fmt, ...)
{
    va_list      ap;
    redisReply  *rr;

    va_start(ap, fmt);
    rr = adm_vredisf(1, fmt, ap);
    va_end(ap);

    return rr;
}


/* never resent on another connection: it would not mean the same there */

redisReply *
adm_redisf_once(const char *fmt, ...)
{
    va_list      ap;
    redisReply  *rr;

    adm_no_retry = 1;

    va_start(ap, fmt);
    rr = adm_vredisf(0, fmt, ap);
    va_end(ap);

    adm_no_retry = 0;

    return rr;
}


/* a command appended to the pipeline; adm_store_connect() first */

int
adm_redis_append(const char *fmt, ...)
{
    int      rc;
    va_list  ap;

    if (adm_rc == NULL) {
        return ADM_ERROR;
    }

    va_start(ap, fmt);
    rc = redisvAppendCommand(adm_rc, fmt, ap);
    va_end(ap);

    return rc == REDIS_OK ? 0 : -1;
}


/* the next pipelined reply; NULL when the connection failed */

redisReply *
adm_redis_reply(void)
{
    redisReply  *rr;

    rr = NULL;

    if (adm_rc != NULL && redisGetReply(adm_rc, (void **) &rr) == REDIS_OK) {
        return rr;
    }

    snprintf(adm_err, sizeof(adm_err), "%s",
             adm_rc ? adm_rc->errstr : "not connected");
    freeReplyObject(rr);
    adm_store_failed();
    adm_count(ADM_METRIC_REDIS_ERRORS);

    return NULL;
}


/*
 * Sentinel mode: a write that found no primary (connection lost, timed
 * out, or the node was demoted: READONLY) is worth one more try once the
 * sentinels name a primary again, waiting up to redis_failover_timeout for
 * them to finish the failover.  The reply is the caller's to free.
 * 1 when a primary is connected again and the write may be retried, else
 * 0 (a yes or no, not an adm_rc_e).
 */

int
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

        if (adm_store_connect() == ADM_OK) {
            return 1;
        }

        if (adm_clock() >= deadline) {
            return 0;
        }

        /* the sentinels need their down-after time; ask again shortly */
        usleep(100000);
    }
}


int
adm_store_now(int64_t *ms)
{
    int64_t      s, us;
    redisReply  *rr;

    rr = adm_redisf_ok("TIME");
    if (rr == NULL) {
        return ADM_ERROR;
    }

    if (rr->type != REDIS_REPLY_ARRAY || rr->elements != 2
        || maint_reply_int(rr->element[0], &s) != 0
        || maint_reply_int(rr->element[1], &us) != 0)
    {
        freeReplyObject(rr);
        return ADM_ERROR;
    }

    *ms = s * 1000 + us / 1000;

    freeReplyObject(rr);

    return ADM_OK;
}


/* an array reply of strings (ids) as a JSON array */

json_t *
adm_redis_strings(redisReply *rr)
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


json_t *
adm_redis_json(redisReply *rr)
{
    if (rr->type != REDIS_REPLY_STRING) {
        return NULL;
    }

    return json_loadb(rr->str, rr->len, 0, NULL);
}
