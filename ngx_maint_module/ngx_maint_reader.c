/*
 * ngx_maint_reader.c: the freshness promise.  A request in a "maint on"
 * location is decided on a read of the state that was sent to Redis after
 * the request arrived.  Reads are coalesced: a request joins the list of
 * requests waiting for the next read; one read is sent at the end of the
 * event loop iteration and its reply releases everybody who was waiting
 * when it was sent.  Reads are pipelined: a new one goes out for the
 * requests of a new iteration even while earlier ones are in flight (up to
 * NGX_MAINT_BATCHES), so a request waits about one round trip, not two.
 *
 * A read is a batch of commands from the parts that joined it
 * (ngx_maint_state_join()), in the order they joined: the state read
 * itself (ngx_maint_state.c), then the session lookups the worker's cache
 * cannot answer (ngx_maint_session.c).  A read is done when every reply
 * is in.
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

#include "ngx_maint_reader.h"
#include "ngx_maint_current.h"
#include "ngx_maint_clock.h"
#include "ngx_maint_redis.h"
#include "ngx_maint_metrics.h"
#include "ngx_maint_share.h"


#define NGX_MAINT_JOINED     2      /* batch participants, at most */


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

    ngx_msec_t              sent_at;        /* of the last read sent */

    unsigned                degraded:1;
    unsigned                have_ok:1;
    unsigned                exiting:1;
    unsigned                probe:1;        /* a read with nobody waiting */
    unsigned                behind:1;       /* Redis has a version we
                                               cannot decode */

    ngx_msec_t              ok_sent_at;     /* last successful read */
    ngx_uint_t              lease_until;    /* monotonic us; 0: none */
    ngx_uint_t              lease_us;
    ngx_msec_t              ok_at;
} ngx_maint_reader_t;


typedef struct {
    ngx_maint_batch_join_pt    join;
    ngx_maint_batch_failed_pt  failed;
    void                      *data;
} ngx_maint_joined_t;


static void ngx_maint_flush_handler(ngx_event_t *ev);
static void ngx_maint_reply_timeout(ngx_event_t *ev);
static void ngx_maint_send_read(void);
static ngx_flag_t ngx_maint_leased(void);
static void ngx_maint_adopted(ngx_uint_t now, ngx_uint_t sent_us);
static void ngx_maint_probe(void);
static void ngx_maint_read_done(ngx_maint_batch_t *b);
static void ngx_maint_read_failed(const char *reason);
static void ngx_maint_resume_all(ngx_queue_t *q, ngx_uint_t ok);
static void ngx_maint_deadline_handler(ngx_event_t *ev);
static void ngx_maint_deadline_arm(ngx_msec_t deadline);
static void ngx_maint_timer_arm(ngx_event_t *ev, ngx_msec_t deadline);
static ngx_maint_batch_t *ngx_maint_batch_first(void);
static void ngx_maint_report(void);
static void ngx_maint_state_redis_ready(void *data);
static void ngx_maint_state_redis_down(void *data);


static ngx_maint_reader_t  ngx_maint_reader;

/* not in ngx_maint_reader: they join before its init_worker clears it */
static ngx_maint_joined_t  ngx_maint_joined[NGX_MAINT_JOINED];
static ngx_uint_t          ngx_maint_njoined;


void
ngx_maint_reader_init(ngx_cycle_t *cycle, ngx_maint_main_conf_t *mcf)
{
    ngx_uint_t           i;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    ngx_memzero(rd, sizeof(ngx_maint_reader_t));

    rd->mcf = mcf;
    rd->log = cycle->log;

    ngx_queue_init(&rd->pending);

    for (i = 0; i < NGX_MAINT_BATCHES; i++) {
        ngx_queue_init(&rd->batch[i].waiting);
    }

    rd->flush.handler = ngx_maint_flush_handler;
    rd->flush.log = cycle->log;
    rd->flush.data = &ngx_maint_event_owner;

    /*
     * Not cancelable while a read is in flight: a worker that is shutting
     * down still waits for the reads its requests are waiting for; the
     * wait is bounded by "timeout".  Cancelable when left armed idle.
     */
    rd->reply_timer.handler = ngx_maint_reply_timeout;
    rd->reply_timer.log = cycle->log;
    rd->reply_timer.data = &ngx_maint_event_owner;

    /* not cancelable either while requests wait: answered on time */
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
ngx_maint_state_join(ngx_maint_batch_join_pt join,
    ngx_maint_batch_failed_pt failed, void *data)
{
    ngx_uint_t  i;

    for (i = 0; i < ngx_maint_njoined; i++) {
        if (ngx_maint_joined[i].join == join
            && ngx_maint_joined[i].data == data)
        {
            return NGX_OK;
        }
    }

    if (ngx_maint_njoined == NGX_MAINT_JOINED) {
        return NGX_ERROR;
    }

    ngx_maint_joined[ngx_maint_njoined].join = join;
    ngx_maint_joined[ngx_maint_njoined].failed = failed;
    ngx_maint_joined[ngx_maint_njoined].data = data;
    ngx_maint_njoined++;

    return NGX_OK;
}


void
ngx_maint_reader_exit(void)
{
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    rd->exiting = 1;

    ngx_maint_share_release();

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
 *
 * The newest read may be another worker's (ngx_maint_share.c): one that
 * saw the very state this worker holds gives the same lease as a read of
 * its own.  One worker sends the background read for all; one that sees
 * a newer read of another state reads at once, to fetch it.
 */

static ngx_flag_t
ngx_maint_leased(void)
{
    ngx_int_t            rc;
    ngx_uint_t           now, sent;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    now = ngx_maint_monotonic_us();
    rc = NGX_DECLINED;

    if (now >= rd->lease_until || rd->lease_until - now < rd->lease_us / 2) {
        rc = ngx_maint_share_adopt(now, &rd->lease_until, &rd->lease_us,
                                   &sent);
        if (rc == NGX_OK) {
            ngx_maint_adopted(now, sent);
        }
    }

    if (now >= rd->lease_until) {
        return 0;
    }

    if (rd->lease_until - now < rd->lease_us / 2
        && (rc == NGX_BUSY
            || ngx_maint_share_claim(now, rd->mcf->timeout)))
    {
        ngx_maint_probe();
    }

    return 1;
}


/*
 * Another worker's read serves this one: it counts as this worker's
 * newest successful read, as old as it is (sent "now - sent" us ago).
 */

static void
ngx_maint_adopted(ngx_uint_t now, ngx_uint_t sent_us)
{
    ngx_msec_t           at;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    at = ngx_current_msec - (ngx_msec_t) ((now - sent_us) / 1000);

    if ((ngx_msec_int_t) (at - rd->ok_sent_at) > 0) {
        rd->ok_sent_at = at;
    }

    if ((ngx_msec_int_t) (at - rd->ok_at) > 0) {
        rd->ok_at = at;
        ngx_maint_report();
    }

    ngx_maint_metric_inc(NGX_MAINT_M_SHARED);
}


static void
ngx_maint_deadline_arm(ngx_msec_t deadline)
{
    ngx_maint_timer_arm(&ngx_maint_reader.deadline_timer, deadline);
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


/* The read in flight a reply of that generation belongs to, or NULL */

ngx_maint_batch_t *
ngx_maint_batch_get(uintptr_t gen)
{
    ngx_maint_batch_t  *b;

    b = &ngx_maint_reader.batch[gen % NGX_MAINT_BATCHES];

    return gen != 0 && b->gen == gen ? b : NULL;
}


/* the slots, for a part that looks for the batches it marked */

ngx_maint_batch_t *
ngx_maint_batch_slot(ngx_uint_t i)
{
    return &ngx_maint_reader.batch[i % NGX_MAINT_BATCHES];
}


/* a read failed and no read succeeded since */

ngx_flag_t
ngx_maint_reader_degraded(void)
{
    return ngx_maint_reader.degraded;
}


ngx_flag_t
ngx_maint_state_batch_is(uintptr_t gen)
{
    return ngx_maint_batch_get(gen) != NULL;
}


/* One more reply of that read is in; the last completes it. */

void
ngx_maint_state_batch_reply(uintptr_t gen)
{
    ngx_maint_batch_t  *b;

    b = ngx_maint_batch_get(gen);

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

    ngx_maint_clock_forget();

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

    for (i = 0; i < ngx_maint_njoined; i++) {
        n = ngx_maint_joined[i].join(b->gen, ngx_maint_joined[i].data);
        if (n == NGX_ERROR) {
            return;                     /* it failed the read, saying why */
        }

        b->outstanding += n;
    }

    /* everybody waiting now is served by this read */

    ngx_queue_add(&b->waiting, &rd->pending);
    ngx_queue_init(&rd->pending);

    ngx_maint_batch_arm();

    ngx_maint_metric_inc(NGX_MAINT_M_READS);
}


/* the read in flight whose time runs out first, or NULL */

static ngx_maint_batch_t *
ngx_maint_batch_first(void)
{
    ngx_uint_t           i;
    ngx_maint_batch_t   *b, *first;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    first = NULL;

    for (i = 0; i < NGX_MAINT_BATCHES; i++) {
        b = &rd->batch[i];

        if (b->gen
            && (first == NULL
                || (ngx_msec_int_t) (b->deadline - first->deadline) < 0))
        {
            first = b;
        }
    }

    return first;
}


/*
 * The reply timer, for the read in flight whose time runs out first.  It
 * is armed lazily, like the deadline timer: left in place when no read is
 * in flight (then cancelable, so that it does not hold up an exiting
 * worker) and kept while it is due no later than the first read: under a
 * read per request that saves two timer operations a read.  When it fires
 * it finds out what is due (ngx_maint_reply_timeout).
 */

void
ngx_maint_batch_arm(void)
{
    ngx_event_t         *ev;
    ngx_maint_batch_t   *first;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    ev = &rd->reply_timer;
    first = ngx_maint_batch_first();

    if (first == NULL) {
        ev->cancelable = 1;
        return;
    }

    ngx_maint_timer_arm(ev, first->deadline);
}


/*
 * Armed for the deadline unless it is due earlier already (then it fires
 * first and is armed again); never later, which ngx_add_timer() alone may
 * leave it (it keeps a timer within NGX_TIMER_LAZY_DELAY of the new one).
 */

static void
ngx_maint_timer_arm(ngx_event_t *ev, ngx_msec_t deadline)
{
    ngx_msec_int_t  left;

    ev->cancelable = 0;

    if (ev->timer_set) {
        if ((ngx_msec_int_t) (ev->timer.key - deadline) <= 0) {
            return;
        }

        ngx_del_timer(ev);
    }

    left = (ngx_msec_int_t) (deadline - ngx_current_msec);

    ngx_add_timer(ev, left > 0 ? (ngx_msec_t) left : 1);
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
    rd->behind = ngx_maint_state_lagging();

    if ((ngx_msec_int_t) (b->sent_at - rd->ok_sent_at) > 0 || !rd->ok_at) {
        rd->ok_sent_at = b->sent_at;
    }

    /* replies come in order: this is the newest read, its lease rules */

    rd->lease_us = b->lease_us;
    rd->lease_until = b->lease_us ? b->sent_us + b->lease_us : 0;

    rd->ok_at = ngx_current_msec;

    ngx_maint_share_release();

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

    ngx_maint_share_release();

    for (i = 0; i < ngx_maint_njoined; i++) {
        if (ngx_maint_joined[i].failed) {
            ngx_maint_joined[i].failed(ngx_maint_joined[i].data);
        }
    }

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
    ngx_maint_batch_t   *first;
    ngx_maint_reader_t  *rd = &ngx_maint_reader;

    /* armed lazily: a read in flight past its deadline, or none is due */

    first = ngx_maint_batch_first();

    if (first == NULL
        || (ngx_msec_int_t) (first->deadline - ngx_current_msec) > 0)
    {
        ngx_maint_batch_arm();
        return;
    }

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

    /*
     * Nobody waits: the deadline timer stays (it finds nobody when it
     * fires), cancelable, so that it does not delay a worker's exit.
     */

    if (ngx_maint_nobody_waits()) {
        ngx_maint_reader.deadline_timer.cancelable = 1;
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
