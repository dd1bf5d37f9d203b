/*
 * deliveries.h: the notification deliveries in Redis (store/deliveries.c),
 * all but their creation (store/commit.lua writes them with the change
 * that causes their events): the sender's claims and outcomes, the API's
 * listing, reading and redelivery, and the daily trim.  Keys: NOTIFY.md.
 * Return values: store/store.h.
 */

#ifndef ADM_STORE_DELIVERIES_H
#define ADM_STORE_DELIVERIES_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


/* how many deliveries the listing reads at most, newest first */
#define ADM_DELIVERIES_SCAN  5000

/* how long a delivery is kept, ms */
#define ADM_DELIVERIES_KEEP  (31 * 86400000LL)

/* one delivery claimed by the sender */
typedef struct {
    char               *id;             /* <event id>.<target> */
    json_t             *rec;            /* the hash (strings) */
    char               *body;           /* Pevent:<id>, NULL: expired */
    size_t              body_len;
    json_t             *target;         /* the record, NULL: deleted */
} adm_claim_t;

typedef enum {
    ADM_DELIVERY_DELIVERED = 0,
    ADM_DELIVERY_RETRY,
    ADM_DELIVERY_FAILED
} adm_delivery_state_e;

/* an attempt's outcome, recorded with adm_delivery_record() */
typedef struct {
    const char         *id;
    adm_delivery_state_e  state;
    int64_t             attempted_at;   /* ms; -1: no attempt was made */
    int64_t             next_at;        /* ms, for a retry */
    long                status;         /* HTTP or SMTP code, 0: none */
    const char         *error;          /* "" when none */
} adm_attempt_t;


/*
 * Up to max deliveries due at now_ms, each moved to now_ms + hold_ms in
 * the same script (no other sender takes them until then): into *claims
 * (*n of them; adm_claims_free()).  Ones whose hash is gone or no longer
 * pending are dropped from the due set.
 */
int adm_deliveries_claim(int64_t now_ms, int64_t hold_ms, size_t max,
    adm_claim_t **claims, size_t *n);
void adm_claims_free(adm_claim_t *claims, size_t n);

/* an attempt's outcome, in one script; ADM_NOTHING when the delivery is
   gone or no longer pending */
int adm_delivery_record(const adm_attempt_t *a);

/* deliveries created before now_ms - ADM_DELIVERIES_KEEP, removed with
   their hashes (at most 1000 a call); *removed how many */
int adm_deliveries_trim(int64_t now_ms, size_t *removed);

/*
 * The API's (NOTIFY.md): newest first, filtered by window id, state and
 * target name (each NULL or "" for any) over the newest
 * ADM_DELIVERIES_SCAN; each item the hash as an object with "id", the
 * numbers (attempts, created_at, next_at, last_attempt_at, last_status,
 * delivered_at) as integers or null when empty.
 */
int adm_deliveries_list(const char *window, const char *state,
    const char *target, size_t offset, size_t limit, json_t **items);

/* one, as an item above; ADM_NOTHING when there is none */
int adm_delivery_get(const char *id, json_t **rec);

/* pending again, due now, created_at now (attempts kept); ADM_NOTHING
   when absent or its event expired */
int adm_delivery_redeliver(const char *id, int64_t now_ms);


#endif /* ADM_STORE_DELIVERIES_H */
