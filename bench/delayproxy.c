/*
 * delayproxy: a TCP proxy that delays every chunk of data, in both
 * directions, by a fixed time: Redis "farther away" for the benchmark.
 * Single-threaded: epoll, and a timerfd armed for the earliest chunk due.
 * A chunk read at t is written at t + delay, in order.  For benchmarks
 * only: no limits beyond memory.
 *
 *   delayproxy LISTEN_PORT UPSTREAM_PORT DELAY_US
 */

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>


typedef struct chunk_s  chunk_t;
typedef struct pair_s   pair_t;

struct chunk_s {
    chunk_t        *next;
    long long       due;            /* ns, monotonic */
    size_t          len, off;
    char            data[];
};

typedef struct {
    int             fd;
    chunk_t        *head, *tail;    /* to be written to fd */
} side_t;

struct pair_s {
    pair_t         *next, *prev;
    side_t          s[2];           /* client, upstream */
    int             dead;
};


static pair_t  pairs = { &pairs, &pairs, { { -1, 0, 0 }, { -1, 0, 0 } }, 0 };


static long long
now_ns(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return (long long) ts.tv_sec * 1000000000 + ts.tv_nsec;
}


static void
prepare(int fd)
{
    int  one = 1;

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}


static void
pair_free(int ep, pair_t *p)
{
    int       i;
    chunk_t  *c, *n;

    p->prev->next = p->next;
    p->next->prev = p->prev;

    for (i = 0; i < 2; i++) {
        epoll_ctl(ep, EPOLL_CTL_DEL, p->s[i].fd, NULL);
        close(p->s[i].fd);

        for (c = p->s[i].head; c; c = n) {
            n = c->next;
            free(c);
        }
    }

    free(p);
}


/* all from fd, queued for the other side; -1 when the connection ended */

static int
pump(pair_t *p, int from, long long due)
{
    char      buf[65536];
    ssize_t   r;
    side_t   *to;
    chunk_t  *c;

    to = &p->s[!from];

    for ( ;; ) {
        r = read(p->s[from].fd, buf, sizeof(buf));

        if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
            return -1;
        }

        if (r < 0) {
            return 0;
        }

        c = malloc(sizeof(chunk_t) + r);
        if (c == NULL) {
            return -1;
        }

        c->next = NULL;
        c->due = due;
        c->len = r;
        c->off = 0;
        memcpy(c->data, buf, r);

        if (to->tail) {
            to->tail->next = c;
        } else {
            to->head = c;
        }

        to->tail = c;
    }
}


/* writes what is due; -1 when the connection is gone */

static int
flush(side_t *s, long long now)
{
    ssize_t   n;
    chunk_t  *c;

    while ((c = s->head) && c->due <= now) {
        n = write(s->fd, c->data + c->off, c->len - c->off);

        if (n < 0) {
            return errno == EAGAIN || errno == EINTR ? 0 : -1;
        }

        c->off += n;

        if (c->off < c->len) {
            return 0;
        }

        s->head = c->next;
        if (s->head == NULL) {
            s->tail = NULL;
        }

        free(c);
    }

    return 0;
}


int
main(int argc, char **argv)
{
    int                  ls, ep, tfd, n, i, k, fd, one;
    long long            delay, now, next, due;
    uint64_t             ticks;
    pair_t              *p, *pn;
    struct sockaddr_in   sin, up;
    struct itimerspec    its;
    struct epoll_event   ev, evs[256];

    if (argc != 4) {
        fprintf(stderr, "usage: %s LISTEN_PORT UPSTREAM_PORT DELAY_US\n",
                argv[0]);
        return 1;
    }

    signal(SIGPIPE, SIG_IGN);
    delay = atoll(argv[3]) * 1000;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    up = sin;
    sin.sin_port = htons(atoi(argv[1]));
    up.sin_port = htons(atoi(argv[2]));

    ls = socket(AF_INET, SOCK_STREAM, 0);
    one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));

    if (bind(ls, (struct sockaddr *) &sin, sizeof(sin)) != 0
        || listen(ls, 128) != 0)
    {
        perror("delayproxy: listen");
        return 1;
    }

    ep = epoll_create1(0);
    tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);

    ev.events = EPOLLIN;
    ev.data.ptr = &ls;
    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    ev.data.ptr = &tfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);

    for ( ;; ) {
        n = epoll_wait(ep, evs, 256, -1);
        now = now_ns();

        for (i = 0; i < n; i++) {
            if (evs[i].data.ptr == &tfd) {
                (void) read(tfd, &ticks, sizeof(ticks));
                continue;
            }

            if (evs[i].data.ptr == &ls) {
                fd = accept(ls, NULL, NULL);
                if (fd < 0) {
                    continue;
                }

                p = calloc(1, sizeof(pair_t));
                p->s[0].fd = fd;
                p->s[1].fd = socket(AF_INET, SOCK_STREAM, 0);

                if (connect(p->s[1].fd, (struct sockaddr *) &up, sizeof(up))
                    != 0)
                {
                    close(p->s[0].fd);
                    close(p->s[1].fd);
                    free(p);
                    continue;
                }

                p->next = pairs.next;
                p->prev = &pairs;
                pairs.next->prev = p;
                pairs.next = p;

                for (k = 0; k < 2; k++) {
                    prepare(p->s[k].fd);
                    ev.events = EPOLLIN | EPOLLRDHUP;
                    ev.data.ptr = &p->s[k];
                    epoll_ctl(ep, EPOLL_CTL_ADD, p->s[k].fd, &ev);
                }

                continue;
            }

            /* a side: find its pair (sides are the pair's members) */
            for (p = pairs.next; p != &pairs; p = p->next) {
                for (k = 0; k < 2; k++) {
                    if (evs[i].data.ptr == &p->s[k] && !p->dead
                        && pump(p, k, now + delay) != 0)
                    {
                        p->dead = 1;
                    }
                }
            }
        }

        /* write what is due, drop what ended, arm for the next chunk */

        next = 0;

        for (p = pairs.next; p != &pairs; p = pn) {
            pn = p->next;

            for (k = 0; k < 2 && !p->dead; k++) {
                if (flush(&p->s[k], now) != 0) {
                    p->dead = 1;
                }

                if (p->s[k].head) {
                    /* due but not writable yet: look again in 100 us */
                    due = p->s[k].head->due > now ? p->s[k].head->due
                                                  : now + 100000;

                    if (next == 0 || due < next) {
                        next = due;
                    }
                }
            }

            if (p->dead) {
                pair_free(ep, p);
            }
        }

        memset(&its, 0, sizeof(its));

        if (next) {
            its.it_value.tv_sec = next / 1000000000;
            its.it_value.tv_nsec = next % 1000000000;
        }

        timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
    }
}
