/*
 * ngx_maint_redis_event.c: hiredis's async API driven by the NGINX event
 * loop.  Like hiredis's own adapters (adapters/libevent.h), one attach
 * function puts a context on the loop: an ngx_connection_t for its socket
 * and the addRead/delRead/addWrite/delWrite/cleanup hooks.
 *
 * - Writes are posted to the end of the event loop iteration, so every
 *   command issued while handling one batch of events leaves in one write.
 * - Reads drain the socket completely, as edge-triggered epoll requires.
 * - A plain connection's output is written here, not by hiredis, so that
 *   its buffer is kept (ngx_maint_redis_write_kept()).
 * - With TLS, OpenSSL's error queue is cleared before each call into
 *   hiredis, and bytes OpenSSL decrypted ahead are read too.
 * - No scheduleTimer hook: the module never gives hiredis a timeout, so
 *   hiredis never asks for a timer; every deadline is an NGINX timer of the
 *   connection's owner (ngx_maint_redis.c) or of the reader.
 */

#include "ngx_maint_redis_event.h"

#include <sys/ioctl.h>

#include "maint_tls.h"


/* an output buffer grown past this is let go, by hiredis's own write */
#define NGX_MAINT_REDIS_OBUF_KEEP  4096


typedef struct {
    redisAsyncContext              *ac;
    ngx_connection_t               *c;
    struct ssl_st                  *ssl;
    const ngx_maint_redis_owner_t  *owner;
    ngx_flag_t                     *gone;   /* set when freed under us */
    unsigned                        want_write:1;
} ngx_maint_redis_event_t;


static ngx_maint_redis_event_t *ngx_maint_redis_event(ngx_event_t *ev,
    ngx_flag_t *gone);
static void ngx_maint_redis_read_handler(ngx_event_t *rev);
static void ngx_maint_redis_write_handler(ngx_event_t *wev);
static ngx_int_t ngx_maint_redis_write_kept(redisAsyncContext *ac);
static void ngx_maint_redis_add_read(void *data);
static void ngx_maint_redis_del_read(void *data);
static void ngx_maint_redis_add_write(void *data);
static void ngx_maint_redis_del_write(void *data);
static void ngx_maint_redis_cleanup(void *data);


/*
 * Puts a context hiredis has just opened on the event loop.  On NGX_ERROR
 * nothing is attached and the context is still the caller's to free.
 */

ngx_int_t
ngx_maint_redis_attach(redisAsyncContext *ac, ngx_log_t *log,
    struct ssl_st *ssl, const ngx_maint_redis_owner_t *owner)
{
    ngx_connection_t         *c;
    ngx_maint_redis_event_t  *e;

    if (ac->ev.data != NULL) {
        return NGX_ERROR;               /* something is attached already */
    }

    e = ngx_calloc(sizeof(ngx_maint_redis_event_t), log);
    if (e == NULL) {
        return NGX_ERROR;
    }

    c = ngx_get_connection(ac->c.fd, log);
    if (c == NULL) {
        ngx_free(e);
        return NGX_ERROR;
    }

    c->data = e;
    c->log = log;
    c->read->log = log;
    c->write->log = log;
    c->read->handler = ngx_maint_redis_read_handler;
    c->write->handler = ngx_maint_redis_write_handler;

    /* with epoll this registers both directions, edge-triggered, once */

    if (ngx_add_conn && ngx_add_conn(c) != NGX_OK) {
        c->fd = (ngx_socket_t) -1;
        ngx_free_connection(c);
        ngx_free(e);
        return NGX_ERROR;
    }

    e->ac = ac;
    e->c = c;
    e->ssl = ssl;
    e->owner = owner;

    ac->ev.data = e;
    ac->ev.addRead = ngx_maint_redis_add_read;
    ac->ev.delRead = ngx_maint_redis_del_read;
    ac->ev.addWrite = ngx_maint_redis_add_write;
    ac->ev.delWrite = ngx_maint_redis_del_write;
    ac->ev.cleanup = ngx_maint_redis_cleanup;

    return NGX_OK;
}


/*
 * Writes what hiredis holds for the socket now, as a write event would,
 * when the socket has room (what does not fit waits for the event).  The
 * context may be gone after it (its owner hears of it).
 */

void
ngx_maint_redis_flush(redisAsyncContext *ac)
{
    ngx_maint_redis_event_t  *e = ac->ev.data;

    if (e && e->want_write && (ac->c.flags & REDIS_CONNECTED)) {
        ngx_maint_redis_write_handler(e->c->write);
    }
}


/*
 * The context an event of its connection is for, or NULL; *gone is set
 * if hiredis frees it while the handler calls into hiredis.
 */

static ngx_maint_redis_event_t *
ngx_maint_redis_event(ngx_event_t *ev, ngx_flag_t *gone)
{
    ngx_connection_t         *c = ev->data;
    ngx_maint_redis_event_t  *e = c->data;

    if (e == NULL || e->c != c) {
        return NULL;
    }

    *gone = 0;
    e->gone = gone;

    return e;
}


static void
ngx_maint_redis_read_handler(ngx_event_t *rev)
{
    int                       n;
    ngx_flag_t                gone;
    redisAsyncContext        *ac;
    ngx_maint_redis_event_t  *e;

    e = ngx_maint_redis_event(rev, &gone);
    if (e == NULL) {
        return;
    }

    ac = e->ac;

    /*
     * hiredis reads at most 16k per call; under edge-triggered epoll no
     * further event comes for data already queued, so drain it all.
     */

    for ( ;; ) {
#if (NGX_MAINT_HAVE_HIREDIS_SSL)
        if (e->ssl) {
            /* the queue is this thread's: only our own errors in it */
            maint_tls_clear_errors();
        }
#endif

        redisAsyncHandleRead(ac);

        if (gone) {
            /* freed inside a callback; c is gone as well */
            return;
        }

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
        /* OpenSSL may hold decrypted bytes the socket no longer shows */
        if (e->ssl && maint_tls_pending(e->ssl) > 0) {
            continue;
        }
#endif

        if (ioctl(e->c->fd, FIONREAD, &n) == -1 || n <= 0) {
            break;
        }
    }

    e->gone = NULL;
    rev->ready = 0;

    if (ngx_handle_read_event(rev, 0) != NGX_OK) {
        e->owner->error(ac, "cannot register read event");
    }
}


static void
ngx_maint_redis_write_handler(ngx_event_t *wev)
{
    size_t                    before;
    ngx_flag_t                gone;
    redisAsyncContext        *ac;
    ngx_maint_redis_event_t  *e;

    e = ngx_maint_redis_event(wev, &gone);
    if (e == NULL) {
        return;
    }

    ac = e->ac;

    if (e->ssl == NULL) {
        switch (ngx_maint_redis_write_kept(ac)) {

        case NGX_OK:
            ngx_maint_redis_del_write(e);
            e->gone = NULL;
            return;

        case NGX_AGAIN:
            goto wait;

        default:
            break;                      /* hiredis's own write, below */
        }
    }

    /*
     * hiredis makes one write() per call.  Keep calling while it makes
     * progress; when the output stops shrinking the socket buffer is full
     * and the next edge will tell us when there is room again.
     */

    for ( ;; ) {
        before = ac->c.obuf ? sdslen(ac->c.obuf) : 0;

#if (NGX_MAINT_HAVE_HIREDIS_SSL)
        if (e->ssl) {
            maint_tls_clear_errors();
        }
#endif

        redisAsyncHandleWrite(ac);

        if (gone) {
            return;
        }

        if (!e->want_write) {
            e->gone = NULL;
            return;
        }

        if ((ac->c.flags & REDIS_CONNECTED)
            && ac->c.obuf && sdslen(ac->c.obuf) == before)
        {
            break;
        }

        if (!(ac->c.flags & REDIS_CONNECTED)) {
            /* still connecting: wait for the connection to complete */
            break;
        }
    }

wait:

    e->gone = NULL;
    wev->ready = 0;

    if (ngx_handle_write_event(wev, 0) != NGX_OK) {
        e->owner->error(ac, "cannot register write event");
    }
}


/*
 * Writes a plain connection's output as hiredis would, but keeps the
 * buffer: hiredis frees it after every complete write and grows a new one
 * for the next command, about 1,000 instructions of the allocator's a
 * read when every request reads (docs/performance.md).  NGX_OK: all
 * written; NGX_AGAIN: the socket is full, the rest waits for the event;
 * NGX_DECLINED: for hiredis's own write (still connecting, an error for it
 * to find and report, a buffer grown large that it is to let go).
 */

static ngx_int_t
ngx_maint_redis_write_kept(redisAsyncContext *ac)
{
    char     *obuf;
    size_t    len;
    ssize_t   n;

    obuf = ac->c.obuf;

    if (!(ac->c.flags & REDIS_CONNECTED) || ac->c.err || obuf == NULL
        || sdsalloc(obuf) > NGX_MAINT_REDIS_OBUF_KEEP)
    {
        return NGX_DECLINED;
    }

    len = sdslen(obuf);

    if (len == 0) {
        return NGX_OK;
    }

    do {
        n = send(ac->c.fd, obuf, len, 0);
    } while (n == -1 && ngx_socket_errno == NGX_EINTR);

    if (n == -1) {
        return ngx_socket_errno == NGX_EAGAIN ? NGX_AGAIN : NGX_DECLINED;
    }

    if ((size_t) n < len) {
        ngx_memmove(obuf, obuf + n, len - n);
        sdssetlen(obuf, len - n);
        obuf[len - n] = '\0';
        return NGX_AGAIN;
    }

    sdsclear(obuf);

    return NGX_OK;
}


static void
ngx_maint_redis_add_read(void *data)
{
    ngx_maint_redis_event_t  *e = data;

    if (ngx_handle_read_event(e->c->read, 0) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, e->c->log, 0,
                      "maint: cannot register redis read event");
    }
}


static void
ngx_maint_redis_del_read(void *data)
{
    /* reads stay armed until the connection is cleaned up */
}


static void
ngx_maint_redis_add_write(void *data)
{
    ngx_maint_redis_event_t  *e = data;

    ngx_connection_t  *c = e->c;

    e->want_write = 1;

    if (c->write->ready) {
        /* coalesce: write once, after this iteration's events */
        ngx_post_event(c->write, &ngx_posted_events);
        return;
    }

    if (ngx_handle_write_event(c->write, 0) != NGX_OK) {
        ngx_log_error(NGX_LOG_ALERT, c->log, 0,
                      "maint: cannot register redis write event");
    }
}


static void
ngx_maint_redis_del_write(void *data)
{
    ngx_maint_redis_event_t  *e = data;

    ngx_connection_t  *c = e->c;

    e->want_write = 0;

    /* level-triggered event methods must stop reporting writability */

    if (!(ngx_event_flags & NGX_USE_CLEAR_EVENT) && c->write->active) {
        ngx_del_event(c->write, NGX_WRITE_EVENT, 0);
    }
}


/*
 * hiredis calls this just before it closes the socket: take the descriptor
 * out of the event loop and give the ngx_connection_t back, leaving the
 * close() to hiredis; then the owner forgets the context.
 */

static void
ngx_maint_redis_cleanup(void *data)
{
    ngx_maint_redis_event_t  *e = data;

    ngx_connection_t   *c = e->c;
    redisAsyncContext  *ac = e->ac;

    if (c->read->timer_set) {
        ngx_del_timer(c->read);
    }

    if (c->write->timer_set) {
        ngx_del_timer(c->write);
    }

    if (c->read->posted) {
        ngx_delete_posted_event(c->read);
    }

    if (c->write->posted) {
        ngx_delete_posted_event(c->write);
    }

    if (ngx_del_conn) {
        ngx_del_conn(c, NGX_CLOSE_EVENT);

    } else {
        if (c->read->active || c->read->disabled) {
            ngx_del_event(c->read, NGX_READ_EVENT, NGX_CLOSE_EVENT);
        }

        if (c->write->active || c->write->disabled) {
            ngx_del_event(c->write, NGX_WRITE_EVENT, NGX_CLOSE_EVENT);
        }
    }

    c->read->closed = 1;
    c->write->closed = 1;

    c->data = NULL;
    c->fd = (ngx_socket_t) -1;
    ngx_free_connection(c);

    if (e->gone) {
        *e->gone = 1;
    }

    ac->ev.data = NULL;
    e->owner->closed(ac);

    ngx_free(e);
}
