/*
 * backoff.h: when a delivery is tried again, and whether it is tried at
 * all (notify/backoff.c): the delay doubling from notify_backoff, capped
 * at an hour, with full jitter; Retry-After; the retry window
 * (notify_retry_for after created_at); what an HTTP status means.  Pure:
 * the caller gives the clock and the random number.
 */

#ifndef ADM_NOTIFY_BACKOFF_H
#define ADM_NOTIFY_BACKOFF_H

#include <stddef.h>
#include <stdint.h>


/* the longest delay between two attempts, before jitter */
#define ADM_BACKOFF_CAP_MS  3600000LL

typedef enum {
    ADM_OUTCOME_DELIVERED = 0,          /* 2xx */
    ADM_OUTCOME_RETRY,                  /* anything else, while it may */
    ADM_OUTCOME_FAILED,                 /* given up */
    ADM_OUTCOME_GONE                    /* 410: failed, target disabled */
} adm_outcome_e;


/*
 * The delay after the attempts-th failed attempt (1: the first): first_ms
 * doubled attempts - 1 times, capped at ADM_BACKOFF_CAP_MS, then scaled to
 * 50-100 % by rnd (0 .. UINT32_MAX).
 */
int64_t adm_backoff_delay(int64_t first_ms, int64_t attempts, uint32_t rnd);

/*
 * A Retry-After value (RFC 9110 10.2.3): delta-seconds or an IMF-fixdate
 * ("Sun, 06 Nov 1994 08:49:37 GMT"), as the ms it names, from now_ms.
 * 0; -1 when it is neither (the header is then ignored).  A date in the
 * past gives now_ms.
 */
int adm_retry_after_parse(const char *s, size_t len, int64_t now_ms,
    int64_t *at_ms);

/*
 * After an attempt at now_ms that did not deliver: ADM_OUTCOME_RETRY and
 * *next_ms (the backoff's, or a later Retry-After, capped at the window's
 * end, created_ms + retry_for_ms), or ADM_OUTCOME_FAILED when the window
 * is over.  retry_after_ms: -1 when none was given.
 */
adm_outcome_e adm_backoff_next(int64_t now_ms, int64_t created_ms,
    int64_t retry_for_ms, int64_t first_ms, int64_t attempts,
    int64_t retry_after_ms, uint32_t rnd, int64_t *next_ms);

/* an HTTP status: 2xx delivered, 410 gone, anything else retry (0: no
   answer, a transport error) */
adm_outcome_e adm_backoff_classify(long status);


#endif /* ADM_NOTIFY_BACKOFF_H */
