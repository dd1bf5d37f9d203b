/*
 * ngx_maint_state.c: the freshness promise.  A request in a "maint on"
 * location is decided on a read of the state that was sent to Redis after
 * the request arrived.  Reads are coalesced: a request joins the list of
 * requests waiting for the next read; one read is sent at the end of the
 * event loop iteration and its reply releases everybody who was waiting
 * when it was sent.  Reads are pipelined: a new one goes out for the
 * requests of a new iteration even while earlier ones are in flight (up to
 * NGX_MAINT_BATCHES), so a request waits about one round trip, not two.
 *
 * A read is one command, HMGET <prefix>state version revocations lease_ms.
 * Only when the version differs from the one held is the snapshot fetched
 * and decoded, one fetch at a time: a read that sees a new version while a
 * fetch is on its way waits for that fetch, which Redis runs after the
 * read and so returns what the read saw or newer.  A read completes once
 * the state it saw is in place.  Once a second a TIME rides along to keep the
 * fleet clock (ngx_maint_clock.c): windows open and close on Redis's
 * clock, not on each gateway's own.  The parts that joined the batch
 * (ngx_maint_state_join(): the session lookups the worker's cache cannot
 * answer, ngx_maint_session.c) add their commands too; a read is done when
 * every reply is in.  The state itself is held in ngx_maint_current.c.
 *
 * The lease: maint-admind acknowledges a change only lease_ms after Redis
 * applied it, and says so in the state (lease_ms).  A read sent at T saw
 * every change applied before T, so every change it missed is acknowledged
 * after T + lease_ms: until then a request may be decided on that read and
 * still be decided on every change acknowledged before it arrived.  Under
 * steady traffic a worker so reads about twice per lease (a read goes out
 * in the background once half of it is gone), not once per loop iteration,
 * and requests do not wait.  Without lease_ms (0, or no maint-admind) every
 * request waits for a read of its own, as above.
 *
 * When a read fails or times out the worker is "degraded": requests are
 * decided at once by the location's maint_on_redis_error policy (the last
 * known state while it is younger than stale=, then open or closed) until
 * a read succeeds again; a probe read is sent whenever none is in flight.
 */

#include "ngx_maint_state.h"
#include "ngx_maint_current.h"
#include "ngx_maint_clock.h"
#include "ngx_maint_redis.h"
#include "ngx_maint_reply.h"


#define NGX_MAINT_BATCHES  4        /* reads in flight per worker, at most */
#define NGX_MAINT_LEASE_MAX  1000   /* ms: a longer lease_ms is ignored */
#define NGX_MAINT_JOINED     2      /* batch participants, at most */


/* one read in flight and the requests it serves */

typedef struct {
    ngx_queue_t             waiting;
    uintptr_t               gen;            /* 0: the slot is free */
    ngx_uint_t              outstanding;    /* replies still to come */
    ngx_msec_t              sent_at;
    ngx_msec_t              deadline;       /* of its replies */
    ngx_uint_t              sent_us;        /* precise, for the histogram */
    uint64_t                revocations;    /* as this read saw them */
    ngx_uint_t              lease_us;       /* as this read saw it */
    unsigned                awaits:1;       /* the fetch on its way */
} ngx_maint_batch_t;


typedef struct {
    ngx_maint_main_conf_t  *mcf;
    ngx_log_t              *log;

    ngx_queue_t             pending;        /* waiting for the next read */
    ngx_maint_batch_t       batch[NGX_MAINT_BATCHES];
    ngx_uint_t              nbatches;       /* in flight */
    uintptr_t               gen;            /* of the last read sent */

    ngx_event_t             flush;          /* posted: send the next read */
    ngx_event_t             reply_timer;    /* the earliest batch deadline */
    ngx_event_t             deadline_timer; /* the earliest waiting request */

    uint64_t                revocations;    /* as the last reply saw them */
    ngx_msec_t              sent_at;        /* of the last read sent */

    unsigned                degraded:1;
    unsigned                have_ok:1;
    unsigned                exiting:1;
    unsigned                probe:1;        /* a read with nobody waiting */
    unsigned                behind:1;       /* Redis has a version we
                                               cannot decode */
    unsigned                fetching:1;     /* a snapshot is on its way */

    ngx_msec_t              ok_sent_at;     /* last successful read */
    ngx_uint_t              lease_until;    /* monotonic us; 0: none */
    ngx_uint_t              lease_us;
    ngx_msec_t              ok_at;

    int64_t                 bad_version;    /* logged, not decoded again */

    ngx_msec_t              clock_at;       /* last TIME sent */
    time_t                  time_refused;   /* last logged TIME error */
    time_t                  read_refused;   /* last logged read error */

    ngx_str_t               cmd_time;       /* formatted once per worker */
    ngx_str_t               cmd_version;
    ngx_str_t               cmd_snapshot;
} ngx_maint_reader_t;


typedef struct {
    ngx_maint_batch_join_pt  handler;
    void                    *data;
} ngx_maint_joined_t;


#define NGX_MAINT_CLOCK_EVERY       1000

/*
 * A new snapshot may be large (up to 1 MiB) and come over a fresh TCP
 * connection on a slow link: its fetch is not held to the requests'
 * timeout (they are, by their own deadlines) but to this, at least.
 */
#define NGX_MAINT_SNAPSHOT_TIMEOUT  2000


static ngx_int_t ngx_maint_format_command(ngx_str_t *cmd, ngx_uint_t which);
static void ngx_maint_flush_handler(ngx_event_t *ev);
static void ngx_maint_reply_timeout(ngx_event_t *ev);
static void ngx_maint_send_read(void);
static ngx_flag_t ngx_maint_leased(void);
static void ngx_maint_probe(void);
static ngx_maint_batch_t *ngx_maint_batch(uintptr_t gen);
static void ngx_maint_batch_arm(void);
static void ngx_maint_on_time(redisAsyncContext *ac, void *reply,
    void *data);
static void ngx_maint_on_version(redisAsyncContext *ac, void *reply,
    void *data);
static void ngx_maint_on_snapshot(redisAsyncContext *ac, void *reply,
    void *data);
static const char *ngx_maint_version_check(redisReply *rr,
    int64_t *version, int64_t *revocations);
static void ngx_maint_fetch(ngx_maint_batch_t *b, void *data);
static ngx_int_t ngx_maint_install(int64_t version, const char *json,
    size_t len);
static void ngx_maint_read_done(ngx_maint_batch_t *b);
static void ngx_maint_fetched(void);
static void ngx_maint_read_failed(const char *reason);
static void ngx_maint_resume_all(ngx_queue_t *q, ngx_uint_t ok);
static void ngx_maint_deadline_handler(ngx_event_t *ev);
static void ngx_maint_deadline_arm(ngx_msec_t deadline);
static void ngx_maint_report(void);
static void ngx_maint_state_redis_ready(void *data);
static void ngx_maint_state_redis_down(void *data);


static ngx_maint_reader_t  ngx_maint_reader;

/* not in ngx_maint_reader: they join before its init_worker clears it */
static ngx_maint_joined_t  ngx_maint_joined[NGX_MAINT_JOINED];
static ngx_uint_t          ngx_maint_njoined;


void
ngx_maint_state_init_worker(ngx_cycle_t *cycle, ngx_maint_main_conf_t *mcf)
{
    ngx_uint_t           i;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    ngx_memzero(rd, sizeof(ngx_maint_reader_t));

    rd->mcf = mcf;
    rd->log = cycle->log;
    rd->bad_version = -1;

    if (ngx_maint_format_command(&rd->cmd_time, 0) != NGX_OK
        || ngx_maint_format_command(&rd->cmd_version, 1) != NGX_OK
        || ngx_maint_format_command(&rd->cmd_snapshot, 2) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                      "maint: cannot format the state read commands");
    }

    ngx_queue_init(&rd->pending);

    for (i = 0; i < NGX_MAINT_BATCHES; i++) {
        ngx_queue_init(&rd->batch[i].waiting);
    }

    rd->flush.handler = ngx_maint_flush_handler;
    rd->flush.log = cycle->log;
    rd->flush.data = &ngx_maint_event_owner;

    /*
     * Not cancelable: a worker that is shutting down still waits for the
     * reads its requests are waiting for; the wait is bounded by "timeout".
     */
    rd->reply_timer.handler = ngx_maint_reply_timeout;
    rd->reply_timer.log = cycle->log;
    rd->reply_timer.data = &ngx_maint_event_owner;

    /* not cancelable either: waiting requests are answered on time */
    rd->deadline_timer.handler = ngx_maint_deadline_handler;
    rd->deadline_timer.log = cycle->log;
    rd->deadline_timer.data = &ngx_maint_event_owner;

    if (ngx_maint_redis_on_ready(ngx_maint_state_redis_ready, NULL)
        != NGX_OK
        || ngx_maint_redis_on_down(ngx_maint_state_redis_down, NULL)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                      "maint: cannot hear of the redis connection");
    }
}


/*
 * A part joins every read's batch (see ngx_maint_state.h); at init_worker,
 * before anything is read.
 */

ngx_int_t
ngx_maint_state_join(ngx_maint_batch_join_pt handler, void *data)
{
    ngx_uint_t  i;

    for (i = 0; i < ngx_maint_njoined; i++) {
        if (ngx_maint_joined[i].handler == handler
            && ngx_maint_joined[i].data == data)
        {
            return NGX_OK;
        }
    }

    if (ngx_maint_njoined == NGX_MAINT_JOINED) {
        return NGX_ERROR;
    }

    ngx_maint_joined[ngx_maint_njoined].handler = handler;
    ngx_maint_joined[ngx_maint_njoined].data = data;
    ngx_maint_njoined++;

    return NGX_OK;
}


void
ngx_maint_state_exit_worker(void)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    rd->exiting = 1;

    if (rd->reply_timer.timer_set) {
        ngx_del_timer(&rd->reply_timer);
    }

    if (rd->deadline_timer.timer_set) {
        ngx_del_timer(&rd->deadline_timer);
    }

    if (rd->flush.posted) {
        ngx_delete_posted_event(&rd->flush);
    }

    ngx_maint_state_drop();

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
        argv[1] = (char *) ngx_maint_reader.mcf->key_state.data;
        argvlen[1] = ngx_maint_reader.mcf->key_state.len;

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
 * Called by the handler for a request that needs a decision.  NGX_OK: the
 * context says what to decide on (have_read, read_ok, source); NGX_AGAIN:
 * the request waits for the next read and will be woken by posting its
 * connection's write event.  "lookups": sessions of the request that need
 * reading; a recent read does not answer those.
 */

ngx_int_t
ngx_maint_state_acquire(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf, ngx_uint_t lookups)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (lcf->max_staleness && lookups == 0
        && rd->have_ok && !rd->degraded && ngx_maint_state_held()
        && ngx_current_msec - rd->ok_sent_at <= lcf->max_staleness)
    {
        ctx->have_read = 1;
        ctx->read_ok = 1;
        ctx->source = NGX_MAINT_SRC_RECENT;
        return NGX_OK;
    }

    if (lookups == 0 && rd->lease_until && !rd->degraded
        && ngx_maint_state_held()
        && ngx_maint_leased())
    {
        ctx->have_read = 1;
        ctx->read_ok = 1;
        ngx_maint_metric_inc(NGX_MAINT_M_LEASED);
        return NGX_OK;
    }

    if (rd->degraded || rd->exiting) {
        /* decide now by policy; keep probing Redis in the background */

        ngx_maint_probe();

        ctx->have_read = 1;
        ctx->read_ok = 0;
        return NGX_OK;
    }

    /*
     * The request's own deadline, over all its waits: one timer for every
     * waiting request (set for the earliest), not one each.
     */

    if (!ctx->parked) {
        ctx->parked = 1;
        ctx->deadline = ngx_current_msec + rd->mcf->timeout;
    }

    ngx_maint_deadline_arm(ctx->deadline);

    ngx_queue_insert_tail(&rd->pending, &ctx->queue);
    ctx->waiting = 1;

    if (!rd->flush.posted) {
        ngx_post_event(&rd->flush, &ngx_posted_events);
    }

    ngx_maint_metric_inc(NGX_MAINT_M_WAITED);

    return NGX_AGAIN;
}


void
ngx_maint_state_forget(ngx_maint_ctx_t *ctx)
{
    ngx_event_t  *wev;

    if (!ctx->waiting) {
        return;
    }

    ngx_queue_remove(&ctx->queue);
    ctx->waiting = 0;

    wev = ctx->request->connection->write;

    if (wev->posted) {
        ngx_delete_posted_event(wev);
    }
}


/*
 * Within the lease of the newest successful read?  Once half of it is
 * gone, a read goes out in the background, so that under steady traffic
 * nobody waits.  The clock is read here, after the request arrived:
 * later than its arrival, never earlier, so the test is on the safe side.
 */

static ngx_flag_t
ngx_maint_leased(void)
{
    ngx_uint_t           now;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    now = ngx_maint_monotonic_us();

    if (now >= rd->lease_until) {
        return 0;
    }

    if (rd->lease_until - now < rd->lease_us / 2) {
        ngx_maint_probe();
    }

    return 1;
}


static void
ngx_maint_deadline_arm(ngx_msec_t deadline)
{
    ngx_msec_int_t       left;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (rd->deadline_timer.timer_set
        && (ngx_msec_int_t) (rd->deadline_timer.timer.key - deadline) <= 0)
    {
        return;                         /* an earlier one is armed already */
    }

    left = (ngx_msec_int_t) (deadline - ngx_current_msec);

    ngx_add_timer(&rd->deadline_timer, left > 0 ? (ngx_msec_t) left : 1);
}


/*
 * Requests whose deadline passed before their read came back go on by the
 * failure policy (the read itself goes on); the timer is armed again for
 * the earliest of those still waiting.
 */

static void
ngx_maint_deadline_handler(ngx_event_t *ev)
{
    ngx_uint_t           i, left;
    ngx_msec_t           next;
    ngx_queue_t         *q, *qn, *lists[NGX_MAINT_BATCHES + 1];
    ngx_maint_ctx_t     *ctx;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    for (i = 0; i < NGX_MAINT_BATCHES; i++) {
        lists[i] = &rd->batch[i].waiting;
    }

    lists[NGX_MAINT_BATCHES] = &rd->pending;
    next = 0;
    left = 0;

    for (i = 0; i <= NGX_MAINT_BATCHES; i++) {
        for (q = ngx_queue_head(lists[i]); q != ngx_queue_sentinel(lists[i]);
             q = qn)
        {
            qn = ngx_queue_next(q);
            ctx = ngx_queue_data(q, ngx_maint_ctx_t, queue);

            if ((ngx_msec_int_t) (ctx->deadline - ngx_current_msec) > 0) {
                if (!left++ || (ngx_msec_int_t) (ctx->deadline - next) < 0) {
                    next = ctx->deadline;
                }

                continue;
            }

            ngx_queue_remove(q);

            ctx->waiting = 0;
            ctx->have_read = 1;
            ctx->read_ok = 0;

            ngx_maint_metric_inc(NGX_MAINT_M_WAIT_TIMEOUTS);

            ngx_post_event(ctx->request->connection->write,
                           &ngx_posted_events);
        }
    }

    if (left) {
        ngx_maint_deadline_arm(next);
    }
}


uint64_t
ngx_maint_state_revocations(void)
{
    return ngx_maint_reader.revocations;
}


/* The read in flight a reply of that generation belongs to, or NULL */

static ngx_maint_batch_t *
ngx_maint_batch(uintptr_t gen)
{
    ngx_maint_batch_t  *b;

    b = &ngx_maint_reader.batch[gen % NGX_MAINT_BATCHES];

    return gen != 0 && b->gen == gen ? b : NULL;
}


ngx_flag_t
ngx_maint_state_batch_is(uintptr_t gen)
{
    return ngx_maint_batch(gen) != NULL;
}


/* the revocations counter as that read saw it (its HMGET came first) */

uint64_t
ngx_maint_state_batch_revocations(uintptr_t gen)
{
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch(gen);

    return b ? b->revocations : ngx_maint_reader.revocations;
}


/* One more reply of that read is in; the last completes it. */

void
ngx_maint_state_batch_reply(uintptr_t gen)
{
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch(gen);

    if (b && b->outstanding > 0 && --b->outstanding == 0) {
        ngx_maint_read_done(b);
    }
}


void
ngx_maint_state_batch_failed(const char *reason)
{
    ngx_maint_read_failed(reason);
}


/*
 * A read nobody waits for, when none was sent for "idle" ms: keeps an idle
 * worker's state (and the version its heartbeat reports) current.
 */

void
ngx_maint_state_refresh(ngx_msec_t idle)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (rd->have_ok && ngx_current_msec - rd->sent_at < idle) {
        return;
    }

    ngx_maint_probe();
}


/* A read nobody waits for, unless one is on its way already. */

static void
ngx_maint_probe(void)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (rd->nbatches || rd->flush.posted || rd->exiting) {
        return;
    }

    rd->probe = 1;
    ngx_post_event(&rd->flush, &ngx_posted_events);
}


static void
ngx_maint_state_redis_ready(void *data)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if ((!ngx_queue_empty(&rd->pending) || rd->degraded)
        && rd->nbatches == 0 && !rd->flush.posted)
    {
        ngx_post_event(&rd->flush, &ngx_posted_events);
    }

    ngx_maint_report();
}


static void
ngx_maint_state_redis_down(void *data)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (rd->nbatches) {
        ngx_maint_read_failed("connection lost");
        return;
    }

    rd->degraded = 1;
    ngx_maint_resume_all(&rd->pending, 0);
    ngx_maint_report();
}


static void
ngx_maint_flush_handler(ngx_event_t *ev)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (rd->exiting || rd->nbatches == NGX_MAINT_BATCHES) {
        return;                 /* the next read goes out when one is done */
    }

    /* degraded: a probe, one at a time; else reads for who is waiting */

    if (rd->degraded ? rd->nbatches > 0
                     : ngx_queue_empty(&rd->pending) && !rd->probe)
    {
        return;
    }

    rd->probe = 0;

    if (!ngx_maint_redis_ready()) {
        /*
         * Still connecting for the first time: the requests keep waiting
         * (each under its own deadline) and ngx_maint_state_redis_ready()
         * flushes them.  After a failure they are decided by policy.
         */
        if (rd->degraded) {
            ngx_maint_resume_all(&rd->pending, 0);
        }

        return;
    }

    ngx_maint_send_read();
}


static void
ngx_maint_send_read(void)
{
    ngx_int_t            n;
    ngx_uint_t           i;
    ngx_maint_batch_t   *b;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    /* a free slot: generations run through the slots in turn */

    do {
        rd->gen++;
        b = &rd->batch[rd->gen % NGX_MAINT_BATCHES];
    } while (b->gen != 0 || rd->gen == 0);

    b->gen = rd->gen;
    b->outstanding = 0;
    b->awaits = 0;
    b->sent_at = ngx_current_msec;
    b->deadline = ngx_current_msec + rd->mcf->timeout;
    b->sent_us = ngx_maint_monotonic_us();
    ngx_queue_init(&b->waiting);

    rd->nbatches++;
    rd->sent_at = b->sent_at;

    if (!ngx_maint_clock_valid()
        || ngx_current_msec - rd->clock_at >= NGX_MAINT_CLOCK_EVERY)
    {
        if (ngx_maint_redis_formatted(ngx_maint_on_time, (void *) b->gen,
                                      &rd->cmd_time)
            != NGX_OK)
        {
            ngx_maint_read_failed("cannot queue TIME");
            return;
        }

        b->outstanding++;
        rd->clock_at = ngx_current_msec;
    }

    if (ngx_maint_redis_formatted(ngx_maint_on_version, (void *) b->gen,
                                  &rd->cmd_version)
        != NGX_OK)
    {
        ngx_maint_read_failed("cannot queue HMGET");
        return;
    }

    b->outstanding++;

    for (i = 0; i < ngx_maint_njoined; i++) {
        n = ngx_maint_joined[i].handler(b->gen, ngx_maint_joined[i].data);
        if (n == NGX_ERROR) {
            ngx_maint_read_failed("cannot queue session lookups");
            return;
        }

        b->outstanding += n;
    }

    /* everybody waiting now is served by this read */

    ngx_queue_add(&b->waiting, &rd->pending);
    ngx_queue_init(&rd->pending);

    ngx_maint_batch_arm();

    ngx_maint_metric_inc(NGX_MAINT_M_READS);
}


/* The reply timer, for the read in flight whose time runs out first */

static void
ngx_maint_batch_arm(void)
{
    ngx_uint_t           i;
    ngx_msec_t           next;
    ngx_msec_int_t       left;
    ngx_maint_batch_t   *b, *first;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    first = NULL;
    next = 0;

    for (i = 0; i < NGX_MAINT_BATCHES; i++) {
        b = &rd->batch[i];

        if (b->gen
            && (first == NULL || (ngx_msec_int_t) (b->deadline - next) < 0))
        {
            first = b;
            next = b->deadline;
        }
    }

    if (first == NULL) {
        if (rd->reply_timer.timer_set) {
            ngx_del_timer(&rd->reply_timer);
        }

        return;
    }

    left = (ngx_msec_int_t) (next - ngx_current_msec);

    ngx_add_timer(&rd->reply_timer, left > 0 ? (ngx_msec_t) left : 1);
}


static void
ngx_maint_on_time(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;
    redisReply          *rr = reply;

    int64_t             sec, usec;
    ngx_msec_t          rtt;
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch((uintptr_t) data);

    if (b == NULL) {
        return;
    }

    if (rr == NULL) {
        ngx_maint_read_failed("no reply");
        return;
    }

    rtt = ngx_current_msec - b->sent_at;

    if (rr->type == REDIS_REPLY_ERROR) {
        /* the local clock stands in; say why (NOPERM: the ACL lacks TIME) */
        ngx_maint_redis_log_refused(&rd->time_refused, "TIME", rr);

    } else if (rr->type != REDIS_REPLY_ARRAY || rr->elements != 2
        || ngx_maint_reply_int(rr->element[0], &sec) != NGX_OK
        || ngx_maint_reply_int(rr->element[1], &usec) != NGX_OK)
    {
        ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                      "maint: unexpected reply to TIME");

    } else if (!ngx_maint_clock_valid() || rtt <= 250) {
        /* a slow sample is a poor one; use it only if there is no other */

        ngx_maint_clock_set(sec * 1000 + usec / 1000, b->sent_at + rtt / 2);
    }

    ngx_maint_state_batch_reply(b->gen);
}


static void
ngx_maint_on_version(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;
    redisReply          *rr = reply;

    int64_t             version, revocations, lease;
    const char         *failed;
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch((uintptr_t) data);

    if (b == NULL) {
        return;
    }

    if (rr == NULL) {
        ngx_maint_read_failed("no reply");
        return;
    }

    failed = ngx_maint_version_check(rr, &version, &revocations);
    if (failed) {
        ngx_maint_read_failed(failed);
        return;
    }

    /* replies come in the order the reads went out: this is the newest */

    b->revocations = (uint64_t) revocations;
    rd->revocations = b->revocations;

    /* anything but a sane number of ms is no lease: every request reads */

    if (rr->element[2]->type == REDIS_REPLY_NIL
        || ngx_maint_reply_int(rr->element[2], &lease) != NGX_OK
        || lease < 0 || lease > NGX_MAINT_LEASE_MAX)
    {
        lease = 0;
    }

    b->lease_us = (ngx_uint_t) lease * 1000;

    if (ngx_maint_state_version() == version
        || version == rd->bad_version)
    {
        /* held already, or Redis answers but the writer is wrong: keep */
        ngx_maint_state_batch_reply(b->gen);
        return;
    }

    if (version == 0) {
        /* nothing was ever written: the empty state */
        if (ngx_maint_install(0, NULL, 0) != NGX_OK) {
            ngx_maint_read_failed("cannot install state");
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
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (rr->type == REDIS_REPLY_ERROR) {
        /*
         * Every read while degraded gets it again (NOPERM from a user
         * without the state, WRONGTYPE): once when it starts, then once a
         * minute.
         */
        if (!rd->degraded || ngx_time() - rd->read_refused >= 60) {
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

    if (rr->element[0]->type == REDIS_REPLY_NIL) {
        *version = 0;

    } else if (ngx_maint_reply_int(rr->element[0], version) != NGX_OK
               || *version < 0)
    {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: %V version is not a number",
                      &rd->mcf->key_state);
        return "bad version";
    }

    /*
     * Session verdicts are kept until this moves; a counter that cannot
     * be read is a failed read, never "nothing was revoked".
     */

    if (rr->element[1]->type == REDIS_REPLY_NIL) {
        *revocations = 0;

    } else if (ngx_maint_reply_int(rr->element[1], revocations) != NGX_OK
               || *revocations < 0)
    {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: %V revocations is not a number",
                      &rd->mcf->key_state);
        return "bad revocations";
    }

    return NULL;
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
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (!rd->fetching) {
        if (ngx_maint_redis_formatted(ngx_maint_on_snapshot, data,
                                      &rd->cmd_snapshot)
            != NGX_OK)
        {
            ngx_maint_read_failed("cannot queue HMGET");
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
    ngx_maint_reader_t  *rd = &ngx_maint_reader;
    redisReply          *rr = reply;

    int64_t             version;
    redisReply         *snap;
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch((uintptr_t) data);

    if (b == NULL) {
        return;
    }

    if (rr == NULL || rr->type != REDIS_REPLY_ARRAY || rr->elements != 2) {
        ngx_maint_read_failed("unexpected reply");
        return;
    }

    snap = rr->element[1];

    if (ngx_maint_reply_int(rr->element[0], &version) != NGX_OK
        || version <= 0)
    {
        ngx_maint_read_failed("bad version");
        return;
    }

    if (snap->type != REDIS_REPLY_STRING) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: %V version %L has no snapshot, keeping "
                      "version %L", &rd->mcf->key_state, version,
                      ngx_maint_state_version());
        rd->bad_version = version;
        ngx_maint_metric_inc(NGX_MAINT_M_SNAPSHOT_ERRORS);

    } else if (ngx_maint_state_version() == version) {
        /*
         * Another read fetched it first.  Fetches run in the order they
         * were sent, so what arrives is never older than what is held.
         */

    } else if (ngx_maint_install(version, snap->str, snap->len) != NGX_OK
               && rd->bad_version != version)
    {
        /* out of memory, not the writer's fault: try again */
        ngx_maint_read_failed("cannot install state");
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
    ngx_uint_t           i;
    ngx_maint_batch_t   *b, *oldest;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    rd->fetching = 0;

    for ( ;; ) {
        oldest = NULL;

        for (i = 0; i < NGX_MAINT_BATCHES; i++) {
            b = &rd->batch[i];

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
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    char       err[256];
    ngx_int_t  rc;

    rc = ngx_maint_state_install(version, json, len, rd->log, err,
                                 sizeof(err));

    if (rc == NGX_DECLINED) {
        ngx_log_error(NGX_LOG_ERR, rd->log, 0,
                      "maint: %V version %L is invalid, keeping version "
                      "%L: %s", &rd->mcf->key_state, version,
                      ngx_maint_state_version(), err);
        rd->bad_version = version;
        ngx_maint_metric_inc(NGX_MAINT_M_SNAPSHOT_ERRORS);
        return NGX_ERROR;
    }

    if (rc == NGX_OK) {
        ngx_maint_metric_inc(NGX_MAINT_M_SNAPSHOT_LOADS);
    }

    return rc;
}


static void
ngx_maint_read_done(ngx_maint_batch_t *b)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (rd->degraded) {
        ngx_log_error(NGX_LOG_NOTICE, rd->log, 0,
                      "maint: redis reads succeed again");
    }

    rd->degraded = 0;
    rd->have_ok = 1;
    rd->behind = rd->bad_version > 0
                 && ngx_maint_state_version() < rd->bad_version;

    if ((ngx_msec_int_t) (b->sent_at - rd->ok_sent_at) > 0 || !rd->ok_at) {
        rd->ok_sent_at = b->sent_at;
    }

    /* replies come in order: this is the newest read, its lease rules */

    rd->lease_us = b->lease_us;
    rd->lease_until = b->lease_us ? b->sent_us + b->lease_us : 0;

    rd->ok_at = ngx_current_msec;

    ngx_maint_metric_inc(NGX_MAINT_M_REPLIES);
    ngx_maint_metric_read(ngx_maint_monotonic_us() - b->sent_us);

    b->gen = 0;
    rd->nbatches--;

    ngx_maint_resume_all(&b->waiting, 1);
    ngx_maint_batch_arm();

    if (!ngx_queue_empty(&rd->pending) && !rd->flush.posted) {
        ngx_post_event(&rd->flush, &ngx_posted_events);
    }

    ngx_maint_report();
}


/* Every read in flight fails with it: their replies are ignored from now. */

static void
ngx_maint_read_failed(const char *reason)
{
    ngx_uint_t           i;
    ngx_maint_batch_t   *b;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    if (!rd->degraded) {
        ngx_log_error(NGX_LOG_WARN, rd->log, 0,
                      "maint: state read failed (%s), deciding by "
                      "maint_on_redis_error until Redis answers", reason);
    }

    rd->degraded = 1;
    rd->lease_until = 0;
    rd->fetching = 0;

    ngx_maint_metric_inc(NGX_MAINT_M_ERRORS);

    for (i = 0; i < NGX_MAINT_BATCHES; i++) {
        b = &rd->batch[i];

        if (b->gen) {
            b->gen = 0;
            rd->nbatches--;
            ngx_maint_resume_all(&b->waiting, 0);
        }
    }

    ngx_maint_resume_all(&rd->pending, 0);
    ngx_maint_batch_arm();

    ngx_maint_report();
}


static void
ngx_maint_reply_timeout(ngx_event_t *ev)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    ngx_maint_metric_inc(NGX_MAINT_M_TIMEOUTS);

    ngx_maint_read_failed("timed out");

    /* a reply may still come, but the connection is not to be trusted */

    if (!rd->exiting) {
        ngx_maint_redis_fail("state read timed out");
    }
}


static ngx_flag_t
ngx_maint_nobody_waits(void)
{
    ngx_uint_t           i;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    for (i = 0; i < NGX_MAINT_BATCHES; i++) {
        if (rd->batch[i].gen && !ngx_queue_empty(&rd->batch[i].waiting)) {
            return 0;
        }
    }

    return ngx_queue_empty(&rd->pending);
}


static void
ngx_maint_resume_all(ngx_queue_t *q, ngx_uint_t ok)
{
    ngx_queue_t      *qn;
    ngx_maint_ctx_t  *ctx;

    /*
     * Only flags are set and events posted here: the requests run later,
     * outside hiredis callbacks, so none of them can free what we iterate.
     */

    while (!ngx_queue_empty(q)) {
        qn = ngx_queue_head(q);
        ngx_queue_remove(qn);

        ctx = ngx_queue_data(qn, ngx_maint_ctx_t, queue);

        ctx->waiting = 0;
        ctx->have_read = 1;
        ctx->read_ok = ok;

        ngx_post_event(ctx->request->connection->write, &ngx_posted_events);
    }

    /* nobody waits: no deadline to keep (nor a worker's exit to delay) */

    if (ngx_maint_reader.deadline_timer.timer_set
        && ngx_maint_nobody_waits())
    {
        ngx_del_timer(&ngx_maint_reader.deadline_timer);
    }
}


/* policy input: may the last known state still be used? */

ngx_flag_t
ngx_maint_state_usable(ngx_maint_loc_conf_t *lcf)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    return ngx_maint_state_held() && rd->have_ok && lcf->stale
           && ngx_current_msec - rd->ok_at < lcf->stale;
}


/* a successful read, but of a version this worker could not decode */

ngx_flag_t
ngx_maint_state_behind(void)
{
    return ngx_maint_reader.behind;
}


static void
ngx_maint_report(void)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    ngx_time_t  *tp;
    ngx_msec_t   age;

    tp = ngx_timeofday();
    age = rd->have_ok ? ngx_current_msec - rd->ok_at : 0;

    ngx_maint_metric_worker_state(ngx_maint_state_version(),
                                  rd->have_ok
                                  ? (ngx_msec_t) tp->sec * 1000 + tp->msec
                                    - age
                                  : 0,
                                  ngx_maint_redis_ready(), rd->degraded,
                                  rd->behind);
}
