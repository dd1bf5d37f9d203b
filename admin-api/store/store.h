/*
 * store.h: the storage layer's base (store.c): the return convention, key
 * names, and the one connection to Redis every other store file sends its
 * commands on.  The rest of the layer, one header per file:
 *
 *   store/reads.h     the daemon's own keys: the view, windows, audit,
 *                     the snapshot
 *   store/registry.h  what gateways write: heartbeats, session registry
 *   store/commit.h    every change, in one script (store/commit.lua)
 *
 * The layer calls nothing above it: no HTTP, no resource, no model.
 */

#ifndef ADM_STORE_H
#define ADM_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <hiredis/hiredis.h>


/*
 * What the functions of the store, the model and the write engine return
 * (an int holding one of these): never an HTTP status -- those are chosen
 * by the resources and the HTTP layer only.
 *
 *   ADM_OK       done
 *   ADM_ERROR    failed: Redis unreachable or refusing (adm_store_error()
 *                says why), out of memory; or, from a model function,
 *                invalid input (its errors array says why)
 *   ADM_RETRY    the state changed since the view the change was computed
 *                from: compute again (the engine does)
 *   ADM_NOTHING  a compute function found nothing to do, or stopped
 *                having answered the request itself
 *   ADM_REFUSED  the engine refused the change: it makes a state the
 *                gateways could not read
 *   ADM_BUSY     the engine gave up: the state kept changing
 */
typedef enum {
    ADM_OK = 0,
    ADM_ERROR = -1,
    ADM_RETRY = 1,
    ADM_NOTHING = 2,
    ADM_REFUSED = 3,
    ADM_BUSY = 4
} adm_rc_e;


/* P<name><id>: a key under the configured prefix (id may be NULL) */
void adm_key(char *buf, size_t len, const char *name, const char *id);

/* the TLS settings checked and their files read: at -t and at the start */
int adm_store_tls_init(char *err, size_t errlen);

int adm_store_connect(void);
void adm_store_close(void);
void adm_store_drop(void);
int adm_store_failover(redisReply *rr);
const char *adm_store_error(void);
void adm_store_set_error(const char *fmt, ...);

/*
 * Commands.  NULL when Redis could not be reached (adm_store_error());
 * adm_redis() and adm_redisf() return error replies, adm_redisf_ok()
 * takes them for failures too.  adm_redisf_once() is never resent on a
 * new connection (WAIT, the commit's fence).
 */
redisReply *adm_redis(int argc, const char **argv, const size_t *lens);
redisReply *adm_redisf(const char *fmt, ...);
redisReply *adm_redisf_ok(const char *fmt, ...);
redisReply *adm_redisf_once(const char *fmt, ...);

/* pipelining: commands appended once connected, then their replies */
int adm_redis_append(const char *fmt, ...);
redisReply *adm_redis_reply(void);

/* replies as JSON: an array of strings; a string holding JSON, or NULL */
json_t *adm_redis_strings(redisReply *rr);
json_t *adm_redis_json(redisReply *rr);

/* Redis's clock, ms */
int adm_store_now(int64_t *ms);


#endif /* ADM_STORE_H */
