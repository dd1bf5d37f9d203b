/*
 * sender.h: the notification sender (notify/sender.c): pending deliveries
 * claimed from Redis and sent, as signed webhooks and as emails, by
 * libcurl's multi interface inside the daemon's one loop
 * (outbound/multi.c), so that a slow receiver never holds up a request.
 */

#ifndef ADM_NOTIFY_SENDER_H
#define ADM_NOTIFY_SENDER_H

#include <stddef.h>


/* attempts in flight dropped (their claims run out after the hold) */
void adm_sender_done(void);

/* due deliveries claimed (every 250 ms at most, or at once after
   adm_sender_wake()) and their attempts started, old ones trimmed once a
   minute; finished attempts are recorded as outbound/multi.c hands them
   back */
void adm_sender_run(void);

/* how long the loop may wait before the sender's next turn, ms */
long adm_sender_timeout(void);

/* claim at the next turn: deliveries were just created */
void adm_sender_wake(void);

/* attempts in flight */
size_t adm_sender_active(void);


#endif /* ADM_NOTIFY_SENDER_H */
