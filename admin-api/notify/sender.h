/*
 * sender.h: the notification sender (notify/sender.c): pending deliveries
 * claimed from Redis and sent, as signed webhooks and as emails, by
 * libcurl's multi interface inside the daemon's one loop (main.c), so that
 * a slow receiver never holds up a request.
 */

#ifndef ADM_NOTIFY_SENDER_H
#define ADM_NOTIFY_SENDER_H

#include <stddef.h>
#include <sys/select.h>


/* libcurl's multi handle: at the start; 0, or -1 (no sending then) */
int adm_sender_init(void);
void adm_sender_done(void);

/*
 * The loop's wait: the sockets in read, write, except (from
 * MHD_get_fdset2, up to maxfd) are watched with the transfers' for at most
 * timeout_ms; read, write and except are left holding the ready ones for
 * MHD_run_from_select().  0, or -1 when the sender cannot wait (not
 * initialised): the caller waits itself.
 */
int adm_sender_wait(fd_set *read, fd_set *write, fd_set *except, int maxfd,
    long timeout_ms);

/* transfers moved on, finished ones recorded, due deliveries claimed
   (every 250 ms at most, or at once after adm_sender_wake()), old ones
   trimmed once a minute */
void adm_sender_run(void);

/* how long the loop may wait before the sender's next turn, ms */
long adm_sender_timeout(void);

/* claim at the next turn: deliveries were just created */
void adm_sender_wake(void);

/* attempts in flight */
size_t adm_sender_active(void);


#endif /* ADM_NOTIFY_SENDER_H */
