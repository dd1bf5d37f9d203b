/*
 * ngx_maint_state.c: the state read, the first part of every read's batch
 * (ngx_maint_reader.c): what it asks Redis and what the replies mean.
 *
 * A read is one command, HMGET <prefix>state version revocations lease_ms.
 * Only when the version differs from the one held is the snapshot fetched
 * and decoded, one fetch at a time: a read that sees a new version while a
 * fetch is on its way waits for that fetch, which Redis runs after the
 * read and so returns what the read saw or newer.  A read completes once
 * the state it saw is in place (held in ngx_maint_current.c).  Once a
 * second a TIME rides along to keep the fleet clock (ngx_maint_clock.c):
 * windows open and close on Redis's clock, not on each gateway's own.
 * The revocations counter each read saw says how long the session
 * verdicts the workers cache stay true (ngx_maint_session.c).
 */

#include "ngx_maint_state.h"
#include "ngx_maint_reader.h"
#include "ngx_maint_current.h"
#include "ngx_maint_clock.h"
#include "ngx_maint_redis.h"
#include "ngx_maint_reply.h"
#include "maint_reply.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_share.h"


#define NGX_MAINT_LEASE_MAX  1000   /* ms: a longer lease_ms is ignored */


typedef struct {
    ngx_maint_main_conf_t  *mcf;
    ngx_log_t              *log;

    uint64_t                revocations;    /* as the last reply saw them */

    unsigned                fetching:1;     /* a snapshot is on its way */

    ngx_msec_t              clock_at;       /* last TIME sent */
    time_t                  time_refused;   /* last logged TIME error */
    time_t                  read_refused;   /* last logged read error */

    ngx_str_t               cmd_time;       /* formatted once per worker */
    ngx_str_t               cmd_version;
    ngx_str_t               cmd_snapshot;
} ngx_maint_state_read_t;


#define NGX_MAINT_CLOCK_EVERY       1000

/*
 * A new snapshot may be large (up to 1 MiB) and come over a fresh TCP
 * connection on a slow link: its fetch is not held to the requests'
 * timeout (they are, by their own deadlines) but to this, at least.
 */
#define NGX_MAINT_SNAPSHOT_TIMEOUT  2000


static ngx_int_t ngx_maint_format_command(ngx_str_t *cmd, ngx_uint_t which);
static ngx_int_t ngx_maint_state_send(uintptr_t gen, void *data);
static void ngx_maint_state_failed(void *data);
static void ngx_maint_on_time(redisAsyncContext *ac, void *reply,
    void *data);
static void ngx_maint_on_version(redisAsyncContext *ac, void *reply,
    void *data);
static void ngx_maint_on_snapshot(redisAsyncContext *ac, void *reply,
    void *data);
static const char *ngx_maint_version_check(redisReply *rr,
    int64_t *version, int64_t *revocations);
static ngx_int_t ngx_maint_state_field(redisReply *rr, const char *name,
    int64_t *v);
static void ngx_maint_fetch(ngx_maint_batch_t *b, void *data);
static ngx_int_t ngx_maint_install(int64_t version, const char *json,
    size_t len);
static void ngx_maint_fetched(void);


static ngx_maint_state_read_t  ngx_maint_state_read;


void
ngx_maint_state_init_worker(ngx_cycle_t *cycle, ngx_maint_main_conf_t *mcf)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;

    ngx_memzero(rd, sizeof(ngx_maint_state_read_t));

    rd->mcf = mcf;
    rd->log = cycle->log;

    if (ngx_maint_format_command(&rd->cmd_time, 0) != NGX_OK
        || ngx_maint_format_command(&rd->cmd_version, 1) != NGX_OK
        || ngx_maint_format_command(&rd->cmd_snapshot, 2) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                      "maint: cannot format the state read commands");
    }

    ngx_maint_reader_init(cycle, mcf);

    /* first in every batch: the parts that join later come after it */

    if (ngx_maint_state_join(ngx_maint_state_send, ngx_maint_state_failed,
                             NULL)
        != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                      "maint: cannot join the redis reads");
    }
}


void
ngx_maint_state_exit_worker(void)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;

    ngx_maint_reader_exit();

    redisFreeCommand((char *) rd->cmd_time.data);
    redisFreeCommand((char *) rd->cmd_version.data);
    redisFreeCommand((char *) rd->cmd_snapshot.data);
    ngx_str_null(&rd->cmd_time);
    ngx_str_null(&rd->cmd_version);
    ngx_str_null(&rd->cmd_snapshot);
}


/*
 * The three commands a read uses, in RESP, once: 0 is TIME, 1 is
 * HMGET <prefix>state version revocations lease_ms, 2 is HMGET <prefix>state
 * version snapshot.
 */

static ngx_int_t
ngx_maint_format_command(ngx_str_t *cmd, ngx_uint_t which)
{
    int           len;
    char         *out;
    int           argc;
    size_t        argvlen[5] = { 5, 0, 7, 11, 8 };
    const char   *argv[5] = { "HMGET", NULL, "version", "revocations",
                              "lease_ms" };

    if (which == 0) {
        len = redisFormatCommand(&out, "TIME");

    } else {
        argv[1] = (char *) ngx_maint_state_read.mcf->key_state.data;
        argvlen[1] = ngx_maint_state_read.mcf->key_state.len;

        argc = 5;

        if (which == 2) {
            argv[3] = "snapshot";
            argvlen[3] = 8;
            argc = 4;
        }

        len = redisFormatCommandArgv(&out, argc, argv, argvlen);
    }

    if (len < 0) {
        return NGX_ERROR;
    }

    cmd->data = (u_char *) out;
    cmd->len = len;

    return NGX_OK;
}


/*
 * The state read's part of a batch: TIME (once a second, or until the
 * clock has a sample) and HMGET <prefix>state.  On a failure the read
 * fails, saying why.
 */

static ngx_int_t
ngx_maint_state_send(uintptr_t gen, void *data)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;

    ngx_int_t  n;

    n = 0;

    if (!ngx_maint_clock_valid()
        || ngx_current_msec - rd->clock_at >= NGX_MAINT_CLOCK_EVERY)
    {
        if (ngx_maint_redis_formatted(ngx_maint_on_time, (void *) gen,
                                      &rd->cmd_time)
            != NGX_OK)
        {
            ngx_maint_state_batch_failed("cannot queue TIME");
            return NGX_ERROR;
        }

        n++;
        rd->clock_at = ngx_current_msec;
    }

    if (ngx_maint_redis_formatted(ngx_maint_on_version, (void *) gen,
                                  &rd->cmd_version)
        != NGX_OK)
    {
        ngx_maint_state_batch_failed("cannot queue HMGET");
        return NGX_ERROR;
    }

    return n + 1;
}


/* every read in flight failed: so did a fetch on its way */

static void
ngx_maint_state_failed(void *data)
{
    ngx_maint_state_read.fetching = 0;
}


uint64_t
ngx_maint_state_revocations(void)
{
    return ngx_maint_state_read.revocations;
}


/* the revocations counter as that read saw it (its HMGET came first) */

uint64_t
ngx_maint_state_batch_revocations(uintptr_t gen)
{
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch_get(gen);

    return b ? b->revocations : ngx_maint_state_read.revocations;
}


/* the batch a reply of the state read belongs to, NULL if none is due */

static ngx_maint_batch_t *
ngx_maint_state_batch(void *reply, void *data)
{
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch_get((uintptr_t) data);

    if (b == NULL) {
        return NULL;
    }

    if (reply == NULL) {
        ngx_maint_state_batch_failed("no reply");
        return NULL;
    }

    return b;
}


/*
 * A TIME sample, timed from the batch's sending to now in microseconds:
 * the clock's filter (ngx_maint_clock.c) keeps it or rejects it as slow.
 */

static void
ngx_maint_on_time(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;
    redisReply              *rr = reply;

    int64_t             sec, usec, rtt, at;
    ngx_maint_batch_t  *b;

    b = ngx_maint_state_batch(reply, data);

    if (b == NULL) {
        return;
    }

    if (rr->type == REDIS_REPLY_ERROR) {
        /* the local clock stands in; say why (NOPERM: the ACL lacks TIME) */
        ngx_maint_redis_log_refused(&rd->time_refused, "TIME", rr);

    } else if (rr->type != REDIS_REPLY_ARRAY || rr->elements != 2
        || maint_reply_int(rr->element[0], &sec) != 0
        || maint_reply_int(rr->element[1], &usec) != 0
        || sec < 0 || sec > INT64_MAX / 2000000 || usec < 0
        || usec >= 1000000)
    {
        ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                      "maint: unexpected reply to TIME");

    } else if (ngx_maint_clock_sample((int64_t) b->sent_us,
                                      (int64_t) ngx_maint_monotonic_us(),
                                      sec * 1000000 + usec, &rtt, &at)
               == NGX_OK)
    {
        ngx_maint_metric_worker_clock(rtt, at);
    }

    ngx_maint_state_batch_reply(b->gen);
}


static void
ngx_maint_on_version(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;
    redisReply              *rr = reply;

    int64_t             version, revocations, lease;
    const char         *failed;
    ngx_maint_batch_t  *b;

    b = ngx_maint_state_batch(reply, data);

    if (b == NULL) {
        return;
    }

    failed = ngx_maint_version_check(rr, &version, &revocations);
    if (failed) {
        ngx_maint_state_batch_failed(failed);
        return;
    }

    /* replies come in the order the reads went out: this is the newest */

    b->revocations = (uint64_t) revocations;
    rd->revocations = b->revocations;

    /* anything but a sane number of ms is no lease: every request reads */

    if (rr->element[2]->type == REDIS_REPLY_NIL
        || maint_reply_int(rr->element[2], &lease) != 0
        || lease < 0 || lease > NGX_MAINT_LEASE_MAX)
    {
        lease = 0;
    }

    b->lease_us = (ngx_uint_t) lease * 1000;

    /* what Redis had when it was sent, for the other workers too */
    ngx_maint_share_publish(b->sent_us, version, b->revocations, b->lease_us);

    if (ngx_maint_state_known(version)) {
        /* held already, or Redis answers but the writer is wrong: keep */
        ngx_maint_state_batch_reply(b->gen);
        return;
    }

    if (version == 0) {
        /* nothing was ever written: the empty state */
        if (ngx_maint_install(0, NULL, 0) != NGX_OK) {
            ngx_maint_state_batch_failed("cannot install state");
            return;
        }

        ngx_maint_state_batch_reply(b->gen);
        return;
    }

    ngx_maint_fetch(b, data);
}


/*
 * HMGET <prefix>state version revocations lease_ms: NULL when version and
 * revocations are numbers (a missing one is 0), else why the read fails.
 */

static const char *
ngx_maint_version_check(redisReply *rr, int64_t *version,
    int64_t *revocations)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;

    if (rr->type == REDIS_REPLY_ERROR) {
        /*
         * Every read while degraded gets it again (NOPERM from a user
         * without the state, WRONGTYPE): once when it starts, then once a
         * minute.
         */
        if (!ngx_maint_reader_degraded()
            || ngx_time() - rd->read_refused >= 60)
        {
            rd->read_refused = ngx_time();
            ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                          "maint: redis HMGET %V failed: %*s",
                          &rd->mcf->key_state,
                          (size_t) ngx_min(rr->len, 200), rr->str);
        }

        return "error reply";
    }

    if (rr->type != REDIS_REPLY_ARRAY || rr->elements != 3) {
        return "unexpected reply";
    }

    if (ngx_maint_state_field(rr->element[0], "version", version)
        != NGX_OK)
    {
        return "bad version";
    }

    /*
     * Session verdicts are kept until this moves; a counter that cannot
     * be read is a failed read, never "nothing was revoked".
     */

    if (ngx_maint_state_field(rr->element[1], "revocations", revocations)
        != NGX_OK)
    {
        return "bad revocations";
    }

    return NULL;
}


/* a counter of <prefix>state: a number, not negative; missing is 0 */

static ngx_int_t
ngx_maint_state_field(redisReply *rr, const char *name, int64_t *v)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;

    if (rr->type == REDIS_REPLY_NIL) {
        *v = 0;
        return NGX_OK;
    }

    if (maint_reply_int(rr, v) != 0 || *v < 0) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: %V %s is not a number",
                      &rd->mcf->key_state, name);
        return NGX_ERROR;
    }

    return NGX_OK;
}


/*
 * A newer state: this read is done when it is in place.  A fetch on its
 * way was sent after this read's HMGET (its read's reply came first), so
 * it returns this version or a newer one: wait for it rather than fetch
 * the snapshot again.
 */

static void
ngx_maint_fetch(ngx_maint_batch_t *b, void *data)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;

    if (!rd->fetching) {
        if (ngx_maint_redis_formatted(ngx_maint_on_snapshot, data,
                                      &rd->cmd_snapshot)
            != NGX_OK)
        {
            ngx_maint_state_batch_failed("cannot queue HMGET");
            return;
        }

        rd->fetching = 1;
        ngx_maint_metric_inc(NGX_MAINT_M_SNAPSHOT_FETCHES);
    }

    b->awaits = 1;
    b->outstanding++;
    b->deadline = ngx_current_msec
                  + ngx_max(rd->mcf->timeout, NGX_MAINT_SNAPSHOT_TIMEOUT);

    ngx_maint_batch_arm();

    ngx_maint_state_batch_reply(b->gen);
}


static void
ngx_maint_on_snapshot(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;
    redisReply              *rr = reply;

    int64_t             version;
    redisReply         *snap;
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch_get((uintptr_t) data);

    if (b == NULL) {
        return;
    }

    if (rr == NULL || rr->type != REDIS_REPLY_ARRAY || rr->elements != 2) {
        ngx_maint_state_batch_failed("unexpected reply");
        return;
    }

    snap = rr->element[1];

    if (maint_reply_int(rr->element[0], &version) != 0
        || version <= 0)
    {
        ngx_maint_state_batch_failed("bad version");
        return;
    }

    if (snap->type != REDIS_REPLY_STRING) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: %V version %L has no snapshot, keeping "
                      "version %L", &rd->mcf->key_state, version,
                      ngx_maint_state_version());
        ngx_maint_state_refuse(version);
        ngx_maint_metric_inc(NGX_MAINT_M_SNAPSHOT_ERRORS);

    } else if (ngx_maint_state_version() == version) {
        /*
         * Another read fetched it first.  Fetches run in the order they
         * were sent, so what arrives is never older than what is held.
         */

    } else if (ngx_maint_install(version, snap->str, snap->len) != NGX_OK
               && !ngx_maint_state_refused(version))
    {
        /* out of memory, not the writer's fault: try again */
        ngx_maint_state_batch_failed("cannot install state");
        return;
    }

    ngx_maint_fetched();
}


/*
 * The snapshot is in place (or was found bad): every read that waited for
 * the fetch is done, the oldest first, so that the newest read's lease is
 * the one that stays.
 */

static void
ngx_maint_fetched(void)
{
    ngx_uint_t          i;
    ngx_maint_batch_t  *b, *oldest;

    ngx_maint_state_read.fetching = 0;

    for ( ;; ) {
        oldest = NULL;

        for (i = 0; i < NGX_MAINT_BATCHES; i++) {
            b = ngx_maint_batch_slot(i);

            if (b->gen && b->awaits
                && (oldest == NULL || b->gen < oldest->gen))
            {
                oldest = b;
            }
        }

        if (oldest == NULL) {
            return;
        }

        oldest->awaits = 0;
        ngx_maint_state_batch_reply(oldest->gen);
    }
}


/* a snapshot to hold; an invalid one is logged once and not held */

static ngx_int_t
ngx_maint_install(int64_t version, const char *json, size_t len)
{
    ngx_maint_state_read_t  *rd = &ngx_maint_state_read;

    char       err[256];
    ngx_int_t  rc;

    rc = ngx_maint_state_install(version, json, len, rd->log, err,
                                 sizeof(err));

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: %V version %L is invalid, keeping version "
                      "%L: %s", &rd->mcf->key_state, version,
                      ngx_maint_state_version(), err);
        ngx_maint_state_refuse(version);
        ngx_maint_metric_inc(NGX_MAINT_M_SNAPSHOT_ERRORS);
        return NGX_ERROR;
    }

    if (rc == NGX_OK) {
        ngx_maint_metric_inc(NGX_MAINT_M_SNAPSHOT_LOADS);
    }

    return rc;
}
