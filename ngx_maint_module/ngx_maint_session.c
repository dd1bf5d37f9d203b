/*
 * ngx_maint_session.c: the app's session cookie at the edge
 * (docs/sessions.md), what Redis knows of it.  It owns:
 *
 *   - the per-worker cache of what Redis knows about a session (its
 *     registry facts and whether it is on the blacklist), each entry
 *     stamped with the revocations counter of <prefix>state it was read
 *     under: an entry is trusted while that counter has not moved.  A
 *     value is found in it by a keyed SipHash (the key random per worker);
 *     its SHA-256, the id Redis knows it by, is computed once, when the
 *     entry is made;
 *   - the lookups for sessions the cache cannot answer, sent in the same
 *     batch as the state read (it joins the reader's batches,
 *     ngx_maint_state_join()), so the common case costs no round trip of
 *     its own;
 *   - the verdict on the request's sessions, and the sessions the
 *     upstream creates;
 *   - when to write the registry (ngx_maint_session_registry.c): sessions
 *     the upstream creates, and "last seen" at most once a minute per
 *     session and worker, never waited for.
 *
 * The cookie's values in the request, what the upstream receives and the
 * expiry of a logged-off cookie: ngx_maint_session_cookie.c.
 */

#include "ngx_maint_session.h"      /* ngx_config.h first, as NGINX needs */
#include "ngx_maint_session_cookie.h"
#include "ngx_maint_session_registry.h"
#include "ngx_maint_reader.h"
#include "ngx_maint_state.h"
#include "ngx_maint_current.h"
#include "ngx_maint_clock.h"
#include "ngx_maint_redis.h"
#include "ngx_maint_reply.h"
#include "maint_codec.h"
#include "maint_session.h"
#include "ngx_maint_metrics.h"
#include "maint_cookie.h"


#define NGX_MAINT_SESSION_CACHE   10000     /* entries per worker */
#define NGX_MAINT_SEEN_EVERY      60000     /* ms between last_seen writes */
#define NGX_MAINT_NO_EPOCH        ((uint64_t) -1)



typedef struct {
    ngx_str_node_t        sn;               /* "key"; node key: its start */
    ngx_queue_t           lru;
    ngx_queue_t           send;             /* in the lookups to send */
    u_char                key[16];
    u_char                id[MAINT_SESSION_ID_HEX];

    u_char              (*forms)[32];       /* ids to send, while queued */
    ngx_uint_t            nforms;

    uint64_t              epoch;            /* revocations when read */
    uintptr_t             gen;              /* batch of the lookup sent */
    ngx_msec_t            seen_written;

    int64_t               first_seen;
    int64_t               kept_at;
    u_char                superadmin[MAINT_MAX_ID_LEN];
    u_char                user[NGX_MAINT_USER_MAX];
    u_char                superadmin_len;
    u_char                superadmin_cid[MAINT_MAX_CID_LEN];
    u_char                superadmin_cid_len;
    u_char                user_len;

    unsigned              known:1;          /* facts were read */
    unsigned              confirming:1;     /* found unregistered once */
    unsigned              revoked:1;
    unsigned              registered:1;     /* the registry holds it */
    unsigned              queued:1;         /* waits to be sent */
    unsigned              inflight:2;       /* replies still to come */
} ngx_maint_session_t;


typedef struct {
    ngx_maint_main_conf_t  *mcf;
    ngx_log_t              *log;
    ngx_rbtree_t            tree;
    ngx_rbtree_node_t       sentinel;
    ngx_queue_t             lru;            /* most recent first */
    ngx_queue_t             send;
    ngx_uint_t              count;
    ngx_uint_t              frees;          /* entries freed so far */
} ngx_maint_sessions_t;


static ngx_maint_session_t *ngx_maint_session_get(const u_char *key,
    ngx_maint_sref_t *create);
static ngx_maint_session_t *ngx_maint_session_of(ngx_maint_sref_t *ref);
static void ngx_maint_on_session(redisAsyncContext *ac, void *reply,
    void *data);
static void ngx_maint_on_revoked(redisAsyncContext *ac, void *reply,
    void *data);
static ngx_int_t ngx_maint_session_exists(ngx_maint_session_t *s);
static void ngx_maint_session_free(ngx_maint_session_t *s);
static ngx_int_t ngx_maint_session_join(uintptr_t gen, void *data);
static ngx_int_t ngx_maint_session_send_lookups(uintptr_t gen);


static ngx_maint_sessions_t  ngx_maint_sessions;


void
ngx_maint_session_init_worker(ngx_cycle_t *cycle, ngx_maint_main_conf_t *mcf)
{
    ngx_maint_sessions_t  *ss = &ngx_maint_sessions;

    ngx_memzero(ss, sizeof(ngx_maint_sessions_t));

    ss->mcf = mcf;
    ss->log = cycle->log;

    ngx_rbtree_init(&ss->tree, &ss->sentinel, ngx_str_rbtree_insert_value);
    ngx_queue_init(&ss->lru);
    ngx_queue_init(&ss->send);

    ngx_maint_session_cookie_init(cycle->log);

    if (ngx_maint_registry_init_worker(mcf) != NGX_OK
        || ngx_maint_state_join(ngx_maint_session_join, NULL, NULL)
           != NGX_OK)
    {
        ngx_log_error(NGX_LOG_ALERT, cycle->log, 0,
                      "maint: cannot join the redis reads");
    }
}


/* after the Redis connection is gone: no callback can reach an entry */

void
ngx_maint_session_exit_worker(void)
{
    ngx_queue_t           *q;
    ngx_maint_session_t   *s;
    ngx_maint_sessions_t  *ss = &ngx_maint_sessions;

    if (ss->lru.next == NULL) {
        return;                         /* never initialized */
    }

    while (!ngx_queue_empty(&ss->lru)) {
        q = ngx_queue_head(&ss->lru);
        ngx_queue_remove(q);
        s = ngx_queue_data(q, ngx_maint_session_t, lru);
        ngx_maint_session_free(s);
    }

    ngx_rbtree_init(&ss->tree, &ss->sentinel, ngx_str_rbtree_insert_value);
    ngx_queue_init(&ss->send);
    ss->count = 0;

    ngx_maint_registry_exit_worker();
}


/*
 * Queues a lookup for the sessions of the request the cache cannot answer
 * under the revocations counter last read, at most NGX_MAINT_MAX_LOOKUPS
 * of them: a request cannot make Redis work for every random value it
 * carries; the others are stripped.  A lookup is two commands: HMGET of
 * the registry, and one EXISTS over every form of the value an app may
 * read (maint_session_forms).  Returns how many of the request's sessions
 * wait for a lookup.
 */

ngx_uint_t
ngx_maint_session_queue_lookups(ngx_maint_ctx_t *ctx)
{
    uint64_t               epoch;
    ngx_uint_t             i, n, budget;
    ngx_maint_sref_t      *ref;
    ngx_maint_session_t   *s;
    ngx_maint_sessions_t  *ss = &ngx_maint_sessions;

    epoch = ngx_maint_state_revocations();
    n = 0;
    budget = NGX_MAINT_MAX_LOOKUPS;

    for (i = 0; i < ctx->nsessions; i++) {
        ref = &ctx->sessions[i];

        if (ref->strip) {
            continue;
        }

        s = ngx_maint_session_of(ref);

        /*
         * An ended session stays ended: the blacklist only grows (its
         * entries outlive the sessions), so "revoked" needs no new read
         */

        if (s && s->known && (s->epoch == epoch || s->revoked)) {
            continue;
        }

        if (s && (s->queued || s->inflight)) {
            n++;                        /* on its way already */
            continue;
        }

        if (budget == 0) {
            ref->strip = 1;
            continue;
        }

        if (s == NULL) {
            s = ngx_maint_session_get(ref->key, ref);

            if (s == NULL) {
                ref->strip = 1;         /* no room, or no canonical form */
                continue;
            }

            ref->entry = s;
            ref->entry_frees = ss->frees;
        }

        if (s->forms) {
            ngx_free(s->forms);         /* a send that failed half-way */
        }

        s->forms = ngx_alloc(MAINT_SESSION_FORMS * sizeof(*s->forms),
                             ss->log);
        if (s->forms == NULL) {
            ref->strip = 1;
            continue;
        }

        s->nforms = maint_session_forms((char *) ref->value, ref->len,
                                        s->forms, MAINT_SESSION_FORMS);
        if (s->nforms == 0) {
            ngx_free(s->forms);
            s->forms = NULL;
            ref->strip = 1;
            continue;
        }

        budget--;
        n++;

        s->queued = 1;
        ngx_queue_insert_tail(&ss->send, &s->send);
    }

    return n;
}


/*
 * This part of every read's batch (ngx_maint_reader.h), after the state
 * read's HMGET: HMGET <session:id> ... and EXISTS <revoked:id> for every
 * queued lookup.  Returns the number of commands queued (each reply is
 * reported to ngx_maint_state_batch_reply()), or NGX_ERROR, the read
 * failed.
 */

static ngx_int_t
ngx_maint_session_join(uintptr_t gen, void *data)
{
    ngx_int_t  n;

    n = ngx_maint_session_send_lookups(gen);

    if (n == NGX_ERROR) {
        ngx_maint_state_batch_failed("cannot queue session lookups");
    }

    return n;
}


static ngx_int_t
ngx_maint_session_send_lookups(uintptr_t gen)
{
    u_char                 key[NGX_MAINT_KEY_MAX];
    size_t                 argvlen[8];
    ngx_int_t              n;
    ngx_queue_t           *q;
    const char            *argv[8];
    ngx_maint_session_t   *s;
    ngx_maint_sessions_t  *ss = &ngx_maint_sessions;
    ngx_maint_main_conf_t *mcf = ss->mcf;

    n = 0;


    while (!ngx_queue_empty(&ss->send)) {
        q = ngx_queue_head(&ss->send);
        ngx_queue_remove(q);
        s = ngx_queue_data(q, ngx_maint_session_t, send);
        s->queued = 0;

        argv[0] = "HMGET";
        argvlen[0] = 5;
        argv[1] = (char *) key;
        argvlen[1] = ngx_cpymem(ngx_cpymem(key, mcf->key_session.data,
                                           mcf->key_session.len),
                                s->id, MAINT_SESSION_ID_HEX)
                     - key;
        argv[2] = "first_seen";
        argvlen[2] = 10;
        argv[3] = "kept_at";
        argvlen[3] = 7;
        argv[4] = "superadmin";
        argvlen[4] = 10;
        argv[5] = "user";
        argvlen[5] = 4;
        argv[6] = "last_seen";
        argvlen[6] = 9;
        argv[7] = "superadmin_cid";
        argvlen[7] = 14;

        if (ngx_maint_redis_command(ngx_maint_on_session, s, 8, argv, argvlen)
            != NGX_OK)
        {
            return NGX_ERROR;
        }

        s->inflight++;
        s->gen = gen;
        n++;

        if (ngx_maint_session_exists(s) != NGX_OK) {
            return NGX_ERROR;
        }

        s->inflight++;
        n++;

        ngx_maint_metric_inc(NGX_MAINT_M_SESSION_LOOKUPS);
    }

    return n;
}


/* EXISTS <revoked:id> for every form of the value: revoked if any is */

static ngx_int_t
ngx_maint_session_exists(ngx_maint_session_t *s)
{
    u_char                 *keys, *p;
    size_t                 *argvlen;
    ngx_int_t               rc;
    ngx_uint_t              i, argc;
    const char            **argv;
    ngx_maint_main_conf_t  *mcf = ngx_maint_sessions.mcf;

    argc = s->nforms + 1;

    argv = ngx_alloc(argc * (sizeof(char *) + sizeof(size_t))
                     + s->nforms * (mcf->key_revoked.len
                                    + MAINT_SESSION_ID_HEX + 1),
                     ngx_maint_sessions.log);
    if (argv == NULL) {
        return NGX_ERROR;
    }

    argvlen = (size_t *) (argv + argc);
    keys = (u_char *) (argvlen + argc);

    argv[0] = "EXISTS";
    argvlen[0] = 6;

    for (i = 0, p = keys; i < s->nforms; i++) {
        argv[i + 1] = (char *) p;
        p = ngx_cpymem(p, mcf->key_revoked.data, mcf->key_revoked.len);
        maint_hex(s->forms[i], 32, (char *) p);
        p += MAINT_SESSION_ID_HEX;
        argvlen[i + 1] = p - (u_char *) argv[i + 1];
    }

    /* hiredis has formatted the command when this returns */

    rc = ngx_maint_redis_command(ngx_maint_on_revoked, s, argc, argv,
                                 argvlen);

    ngx_free(argv);
    ngx_free(s->forms);
    s->forms = NULL;
    s->nforms = 0;

    return rc;
}


static time_t  ngx_maint_session_refused;
static time_t  ngx_maint_revoked_refused;


static void
ngx_maint_on_session(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_session_t  *s = data;
    redisReply           *rr = reply;

    s->inflight--;

    if (rr == NULL || !ngx_maint_state_batch_is(s->gen)) {
        return;                         /* a failed read: nothing learnt */
    }

    /*
     * A hash that is not one (WRONGTYPE) or any other surprise: no
     * registry facts.  The session is then what "never seen created"
     * means, which every cutoff ends.
     */

    s->first_seen = -1;
    s->kept_at = -1;
    s->superadmin_len = 0;
    s->superadmin_cid_len = 0;
    s->user_len = 0;
    s->registered = 0;

    if (rr->type == REDIS_REPLY_ARRAY && rr->elements == 6) {
        s->first_seen = ngx_maint_reply_ms(rr->element[0]);
        s->kept_at = ngx_maint_reply_ms(rr->element[1]);
        s->superadmin_len = ngx_maint_reply_name(rr->element[2],
                                                 s->superadmin,
                                                 sizeof(s->superadmin));
        s->user_len = ngx_maint_reply_name(rr->element[3], s->user,
                                           sizeof(s->user));
        s->registered = rr->element[4]->type == REDIS_REPLY_STRING;
        s->superadmin_cid_len = ngx_maint_reply_name(rr->element[5],
                                                     s->superadmin_cid,
                                                     sizeof(s->superadmin_cid));

    } else if (rr->type == REDIS_REPLY_ERROR) {
        /* WRONGTYPE, or NOPERM under an ACL user without the registry */
        ngx_maint_redis_log_refused(&ngx_maint_session_refused,
                                    "HMGET (a session, treated as never "
                                    "seen created)", rr);

    } else {
        ngx_log_error(NGX_LOG_WARN, ngx_maint_sessions.log, 0,
                      "maint: unexpected reply reading a session, treating "
                      "it as never seen created");
    }

    ngx_maint_state_batch_reply(s->gen);
}


/* the newest state ends sessions never seen created (a second lookup) */

static ngx_flag_t
ngx_maint_session_ends_unregistered(void)
{
    ngx_flag_t          ends;
    ngx_maint_state_t  *st;

    st = ngx_maint_state_current();
    if (st == NULL) {
        return 0;
    }

    ends = maint_session_ends_unregistered(st->snap);
    ngx_maint_state_release(st);

    return ends;
}


static void
ngx_maint_on_revoked(redisAsyncContext *ac, void *reply, void *data)
{
    ngx_maint_session_t  *s = data;
    redisReply           *rr = reply;

    s->inflight--;

    if (rr == NULL || !ngx_maint_state_batch_is(s->gen)) {
        return;
    }

    if (rr->type != REDIS_REPLY_INTEGER) {
        /* cannot tell: the read fails, requests go by policy */
        ngx_maint_redis_log_refused(&ngx_maint_revoked_refused,
                                    "EXISTS (the blacklist)", rr);
        ngx_maint_state_batch_failed("unexpected reply to EXISTS");
        return;
    }

    s->revoked = rr->integer != 0;

    /*
     * Unregistered at its first lookup here: looked up once more before it
     * counts as never seen created.  Its registration may have left
     * another worker or gateway just before the response that set its
     * cookie, and yet Redis, reading its clients in an order of its own,
     * may run this lookup first; it has run that write by the time a
     * second lookup, sent after this reply, arrives (docs/sessions.md,
     * "The registry").
     */

    if (s->first_seen < 0 && !s->revoked && !s->confirming
        && ngx_maint_session_ends_unregistered())
    {
        s->confirming = 1;
        ngx_maint_state_batch_reply(s->gen);
        return;
    }

    s->known = 1;
    s->epoch = ngx_maint_state_batch_revocations(s->gen);

    ngx_maint_state_batch_reply(s->gen);
}


/* the registry holds it, and its "last seen" is a minute old or unwritten */

static ngx_flag_t
ngx_maint_session_seen_due(ngx_maint_session_t *s)
{
    return s->registered
           && (s->seen_written == 0
               || ngx_current_msec - s->seen_written >= NGX_MAINT_SEEN_EVERY);
}


/*
 * A live session whose facts can change only with a lookup: known under
 * the revocations counter read last, not revoked, no lookup queued or on
 * its way, no "last seen" write due.  Returns the batch its facts came
 * from (never 0: generations start at 1), 0 when it is not settled.  The
 * same batch later means the same facts: every lookup is a later batch
 * (a decision kept with them, ngx_maint_kept.c).
 */

uintptr_t
ngx_maint_session_settled(ngx_maint_sref_t *ref)
{
    ngx_maint_session_t  *s;

    s = ngx_maint_session_of(ref);

    if (s == NULL || !s->known || s->revoked || s->queued || s->inflight
        || s->epoch != ngx_maint_state_revocations()
        || ngx_maint_session_seen_due(s))
    {
        return 0;
    }

    return s->gen;
}


/*
 * After the read: is any of the request's sessions ended?  NGX_OK with
 * ctx->revoked set or not; NGX_AGAIN when a session's cached facts turned
 * out to be older than the revocations counter just read (the request
 * waits for one more batch, with the lookups queued).
 */

ngx_int_t
ngx_maint_session_check(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    uint64_t                  epoch;
    ngx_uint_t                i, again;
    ngx_maint_session_t      *s;
    maint_session_facts_t     f;
    maint_session_verdict_e   v;
    const maint_snapshot_t   *snap;

    if (ctx->too_many) {
        ctx->revoked = 1;
        return NGX_OK;
    }

    epoch = ngx_maint_state_revocations();
    again = 0;

    /* first: is every session answered under the counter just read? */

    if (ctx->read_ok) {
        for (i = 0; i < ctx->nsessions; i++) {
            if (ctx->sessions[i].strip) {
                continue;
            }

            s = ngx_maint_session_of(&ctx->sessions[i]);

            if (s == NULL || !s->known
                || (s->epoch != epoch && !s->revoked))
            {
                again = 1;
            }
        }

        if (again) {
            return NGX_AGAIN;
        }
    }

    snap = ctx->state ? ctx->state->snap : NULL;

    for (i = 0; i < ctx->nsessions; i++) {
        if (ctx->sessions[i].strip) {
            continue;
        }

        s = ngx_maint_session_of(&ctx->sessions[i]);

        if (s == NULL || !s->known) {
            /*
             * Redis is unreachable and this worker never knew it: it
             * passes, as maint_on_redis_error open has it for windows
             */
            continue;
        }

        f.first_seen = s->first_seen;
        f.kept_at = s->kept_at;
        f.revoked = s->revoked;
        f.superadmin.data = (char *) s->superadmin;
        f.superadmin.len = s->superadmin_len;
        f.superadmin_cid.data = (char *) s->superadmin_cid;
        f.superadmin_cid.len = s->superadmin_cid_len;
        f.user.data = (char *) s->user;
        f.user.len = s->user_len;

        v = maint_session_verdict(snap, (char *) lcf->app.data, lcf->app.len,
                                  ctx->now_ms, &f);

        if (v != MAINT_SESSION_ACTIVE) {
            ngx_log_error(NGX_LOG_INFO, r->connection->log, 0,
                          "maint: session %*s ended (%s), logging off",
                          (size_t) 12, s->id,
                          v == MAINT_SESSION_REVOKED ? "revoked"
                          : v == MAINT_SESSION_CUTOFF ? "ended with all"
                          : "window");
            ctx->revoked = 1;

            if (ctx->ended == NGX_MAINT_ENDED_NONE) {
                ctx->ended = v == MAINT_SESSION_WINDOW
                             ? NGX_MAINT_ENDED_FOR_MAINTENANCE
                             : NGX_MAINT_ENDED_BY_ADMIN;
            }
            continue;
        }

        /* a live session the registry holds: keep "last seen" current */

        if (ctx->read_ok && ngx_maint_session_seen_due(s)) {
            s->seen_written = ngx_current_msec;
            ngx_maint_registry_write(r, ctx, lcf, s->id, 0);
        }
    }

    return NGX_OK;
}

/*
 * The header filter's part, for a main request in a location with a
 * session cookie: expires a logged-off cookie (unless the upstream sets
 * that cookie itself, a fresh session after its login page) and records
 * the sessions the upstream creates.
 */

ngx_int_t
ngx_maint_session_response(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf)
{
    char              id[MAINT_SESSION_ID_HEX + 1];
    u_char            key[16];
    size_t            vlen;
    int64_t           now_s;
    ngx_uint_t        i, sets;
    const char       *value;
    ngx_list_part_t  *part;
    ngx_table_elt_t  *h;
    ngx_maint_session_t  *s;

    sets = 0;
    now_s = -1;                         /* read with the first Set-Cookie */

    part = &r->headers_out.headers.part;
    h = part->elts;

    for (i = 0; /* void */ ; i++) {

        if (i >= part->nelts) {
            if (part->next == NULL) {
                break;
            }

            part = part->next;
            h = part->elts;
            i = 0;
        }

        /* most headers are told apart by their name's length, in line */

        if (h[i].hash == 0 || h[i].key.len != sizeof("Set-Cookie") - 1
            || !ngx_maint_sets_cookie(&h[i], &lcf->session_cookie))
        {
            continue;
        }

        sets = 1;

        if (now_s < 0) {
            now_s = ngx_maint_now_ms() / 1000;
        }

        if (!maint_set_cookie((char *) h[i].value.data, h[i].value.len,
                              (char *) lcf->session_cookie.data,
                              lcf->session_cookie.len, now_s, &value, &vlen))
        {
            continue;                   /* the app deletes it */
        }

        if (!maint_session_id(value, vlen, id)) {
            continue;                   /* no canonical form: no session */
        }

        /* whatever this worker knew of that session is to be read again */

        ngx_maint_session_key(value, vlen, key);

        s = ngx_maint_session_get(key, NULL);
        if (s) {
            s->epoch = NGX_MAINT_NO_EPOCH;
            s->seen_written = ngx_current_msec;
        }

        ngx_maint_registry_write(r, ctx, lcf, (u_char *) id, 1);
    }

    if (ctx->expire_cookie && !sets) {
        return ngx_maint_expire_cookie(r, lcf);
    }

    return NGX_OK;
}


/* The cache: a tree by id, the least recently used evicted first. */

/*
 * The entry of a cookie value, by its SipHash; "create" (the value) makes
 * one when there is none, with the id Redis knows the session by.
 */

static ngx_maint_session_t *
ngx_maint_session_get(const u_char *key, ngx_maint_sref_t *create)
{
    uint32_t               hash;
    ngx_str_t              str;
    ngx_queue_t           *q;
    ngx_maint_session_t   *s;
    ngx_maint_sessions_t  *ss = &ngx_maint_sessions;
    char                   id[MAINT_SESSION_ID_HEX + 1];

    ngx_memcpy(&hash, key, sizeof(hash));
    str.data = (u_char *) key;
    str.len = 16;

    s = (ngx_maint_session_t *) ngx_str_rbtree_lookup(&ss->tree, &str, hash);

    if (s) {
        ngx_queue_remove(&s->lru);
        ngx_queue_insert_head(&ss->lru, &s->lru);
        return s;
    }

    if (create == NULL) {
        return NULL;
    }

    /* full: evict from the least recently used end, sparing lookups */

    for (q = ngx_queue_last(&ss->lru);
         ss->count >= NGX_MAINT_SESSION_CACHE
         && q != ngx_queue_sentinel(&ss->lru);
         /* void */)
    {
        s = ngx_queue_data(q, ngx_maint_session_t, lru);
        q = ngx_queue_prev(q);

        if (s->queued || s->inflight) {
            continue;
        }

        ngx_queue_remove(&s->lru);
        ngx_rbtree_delete(&ss->tree, &s->sn.node);
        ngx_maint_session_free(s);
        ss->count--;
    }

    if (ss->count >= NGX_MAINT_SESSION_CACHE) {
        return NULL;
    }

    if (!maint_session_id((char *) create->value, create->len, id)) {
        return NULL;
    }

    s = ngx_calloc(sizeof(ngx_maint_session_t), ss->log);
    if (s == NULL) {
        return NULL;
    }

    ngx_memcpy(s->key, key, sizeof(s->key));
    ngx_memcpy(s->id, id, MAINT_SESSION_ID_HEX);
    s->sn.node.key = hash;
    s->sn.str.data = s->key;
    s->sn.str.len = sizeof(s->key);
    s->epoch = NGX_MAINT_NO_EPOCH;

    ngx_rbtree_insert(&ss->tree, &s->sn.node);
    ngx_queue_insert_head(&ss->lru, &s->lru);
    ss->count++;

    return s;
}


/*
 * The entry of a request's value, looked up once per request: kept in the
 * reference for as long as no entry was freed (an entry is freed only by
 * an eviction or the worker's exit, never while the request runs a
 * handler, but a parked request may wake after one).
 */

static ngx_maint_session_t *
ngx_maint_session_of(ngx_maint_sref_t *ref)
{
    ngx_maint_session_t   *s;
    ngx_maint_sessions_t  *ss = &ngx_maint_sessions;

    if (ref->entry && ref->entry_frees == ss->frees) {
        return ref->entry;
    }

    s = ngx_maint_session_get(ref->key, NULL);

    ref->entry = s;
    ref->entry_frees = ss->frees;

    return s;
}


static void
ngx_maint_session_free(ngx_maint_session_t *s)
{
    ngx_maint_sessions.frees++;

    if (s->forms) {
        ngx_free(s->forms);
    }

    ngx_free(s);
}
