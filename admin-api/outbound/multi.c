/*
 * multi.c: one libcurl multi handle for every outbound transfer (the
 * notification sender's, notify/sender.c, and the prechecks',
 * outbound/probe.c), driven from the daemon's one loop (main.c).
 *
 * The wait: libcurl multi is driven with curl_multi_poll(): libcurl polls
 * its own sockets (with poll(), so their numbers are not bounded by
 * FD_SETSIZE) together with libmicrohttpd's, given as extra descriptors
 * from the fd_sets MHD_get_fdset2() filled; the wait ends at the first
 * ready socket of either, at libcurl's own timeout, at the loop's, or at a
 * signal (poll() returns EINTR, which libcurl treats as "nothing ready").
 * The ready MHD sockets go back into the fd_sets for MHD_run_from_select(),
 * then curl_multi_perform() moves the transfers on: neither waits for the
 * other, and no transfer, however slow its server, delays a request by
 * more than one turn of work.  (curl_multi_fdset() and one select() would
 * do as well, but select() cannot watch a socket numbered FD_SETSIZE or
 * more, and the daemon's connections may take those numbers.)
 */

#include <stddef.h>

#include "outbound/multi.h"


static CURLM  *adm_multi;


int
adm_multi_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return -1;
    }

    adm_multi = curl_multi_init();

    return adm_multi ? 0 : -1;
}


void
adm_multi_done(void)
{
    if (adm_multi) {
        curl_multi_cleanup(adm_multi);
        adm_multi = NULL;
    }

    curl_global_cleanup();
}


int
adm_multi_add(adm_transfer_t *t)
{
    if (adm_multi == NULL) {
        return -1;
    }

    curl_easy_setopt(t->h, CURLOPT_PRIVATE, t);

    /*
     * What the loop needs of every transfer: no signals (SIGALRM around a
     * synchronous resolver's lookup), and a lookup that outlives its
     * transfer's timeout left to its thread: libcurl would otherwise wait
     * for the threaded resolver as the transfer ends, and the whole loop
     * with it, for as long as an unanswered name server takes.
     */

    curl_easy_setopt(t->h, CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
    curl_easy_setopt(t->h, CURLOPT_QUICK_EXIT, 1L);
#endif

    /*
     * Every transfer on a connection of its own, its certificate verified
     * against the CAs trusted now: a connection kept open, a TLS session
     * resumed or a CA store cached from before a reload would skip that
     * (Debian 13's libcurl resumed a session and passed a certificate
     * the reloaded CA file no longer trusted).  Transfers are a few a
     * window; a handshake each costs nothing that matters.
     */

    curl_easy_setopt(t->h, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(t->h, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(t->h, CURLOPT_SSL_SESSIONID_CACHE, 0L);
#if LIBCURL_VERSION_NUM >= 0x075700
    curl_easy_setopt(t->h, CURLOPT_CA_CACHE_TIMEOUT, 0L);
#endif

    return curl_multi_add_handle(adm_multi, t->h) == CURLM_OK ? 0 : -1;
}


void
adm_multi_remove(adm_transfer_t *t)
{
    if (adm_multi && t->h) {
        curl_multi_remove_handle(adm_multi, t->h);
    }
}


/*
 * The MHD sockets as libcurl's extra descriptors, one poll, and the ready
 * ones back into the sets.  A socket that only hung up or failed is given
 * to MHD as readable: its read finds out.
 */

int
adm_multi_wait(fd_set *r, fd_set *w, fd_set *e, int maxfd, long timeout_ms)
{
    int                    fd;
    unsigned               n, i;
    static struct curl_waitfd  extra[FD_SETSIZE];

    if (adm_multi == NULL) {
        return -1;
    }

    n = 0;

    for (fd = 0; fd <= maxfd && fd < FD_SETSIZE; fd++) {
        short  ev = 0;

        ev |= FD_ISSET(fd, r) ? CURL_WAIT_POLLIN : 0;
        ev |= FD_ISSET(fd, w) ? CURL_WAIT_POLLOUT : 0;
        ev |= FD_ISSET(fd, e) ? CURL_WAIT_POLLPRI : 0;

        if (ev) {
            extra[n].fd = fd;
            extra[n].events = ev;
            extra[n].revents = 0;
            n++;
        }
    }

    if (curl_multi_poll(adm_multi, extra, n, (int) timeout_ms, NULL)
        != CURLM_OK)
    {
        return -1;
    }

    FD_ZERO(r);
    FD_ZERO(w);
    FD_ZERO(e);

    for (i = 0; i < n; i++) {
        if (extra[i].revents & CURL_WAIT_POLLIN) {
            FD_SET(extra[i].fd, r);
        }

        if (extra[i].revents & CURL_WAIT_POLLOUT) {
            FD_SET(extra[i].fd, w);
        }

        if (extra[i].revents & CURL_WAIT_POLLPRI) {
            FD_SET(extra[i].fd, e);
        }
    }

    return 0;
}


void
adm_multi_run(void)
{
    int              running, left;
    CURLMsg         *m;
    CURLcode         res;
    adm_transfer_t  *t;

    if (adm_multi == NULL) {
        return;
    }

    curl_multi_perform(adm_multi, &running);

    while ((m = curl_multi_info_read(adm_multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE) {
            continue;
        }

        t = NULL;
        res = m->data.result;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **) &t);
        curl_multi_remove_handle(adm_multi, m->easy_handle);

        if (t) {
            t->done(t, res);
        }
    }
}
