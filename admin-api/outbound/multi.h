/*
 * multi.h: the daemon's outbound HTTP and SMTP (outbound/multi.c): one
 * libcurl multi handle driven from the main loop, shared by the
 * notification sender and the prechecks.  Each transfer names the
 * function its finish is given to: the layer knows no user by name.
 */

#ifndef ADM_OUTBOUND_MULTI_H
#define ADM_OUTBOUND_MULTI_H

#include <sys/select.h>

#include <curl/curl.h>


typedef struct adm_transfer_s  adm_transfer_t;

/* a finished transfer, out of the multi handle: its owner frees it */
typedef void (*adm_transfer_done_pt)(adm_transfer_t *t, CURLcode res);

struct adm_transfer_s {
    CURL                  *h;
    adm_transfer_done_pt   done;
};

/* at the start: 0, or -1 (no outbound transfers then) */
int adm_multi_init(void);
void adm_multi_done(void);

/*
 * t->h set up: added (its CURLOPT_PRIVATE is t, and what a transfer on the
 * loop must not do is turned off: signals, waiting for a DNS lookup as it
 * ends); 0 or -1
 */
int adm_multi_add(adm_transfer_t *t);

/* out of the multi handle, not finished: done() is not called */
void adm_multi_remove(adm_transfer_t *t);

/*
 * The loop's wait: the sockets in read, write, except (from
 * MHD_get_fdset2, up to maxfd) are watched with the transfers' for at most
 * timeout_ms; read, write and except are left holding the ready ones for
 * MHD_run_from_select().  0, or -1 when there is no multi handle: the
 * caller waits itself.
 */
int adm_multi_wait(fd_set *read, fd_set *write, fd_set *except, int maxfd,
    long timeout_ms);

/* transfers moved on; each finished one given to its done() */
void adm_multi_run(void);


#endif /* ADM_OUTBOUND_MULTI_H */
