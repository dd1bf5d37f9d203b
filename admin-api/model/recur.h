/*
 * recur.h: a recurrence (RFC 5545 RRULE, a local start in a named IANA
 * time zone, a duration) and its occurrences in UTC (model/recur.c).  The
 * one place that knows libical: its API is confined to recur.c.
 */

#ifndef ADM_MODEL_RECUR_H
#define ADM_MODEL_RECUR_H

#include <stddef.h>
#include <stdint.h>


#define ADM_RECUR_RULE_MAX      256     /* an RRULE's length, at most */
#define ADM_RECUR_INTERVAL_MAX  1000
#define ADM_RECUR_COUNT_MAX     10000
#define ADM_RECUR_DURATION_MIN  60                  /* seconds */
#define ADM_RECUR_DURATION_MAX  (31 * 86400)

/* "20270328T023000": an occurrence's local start, as the rule made it */
#define ADM_RECUR_LOCAL_LEN     15


typedef struct adm_recur_s  adm_recur_t;

typedef struct {
    int64_t  start_ms;                  /* UTC */
    int64_t  end_ms;                    /* start + the duration */
    char     local[ADM_RECUR_LOCAL_LEN + 1];
    int      shifted;                   /* the local time did not exist */
} adm_recur_occ_t;


/*
 * A recurrence: "rule" as "FREQ=WEEKLY;BYDAY=SU" (an "RRULE:" prefix is
 * taken), "start" the first occurrence's local start ("2027-03-21T02:30"
 * or with ":SS"), "tz" an IANA name ("Europe/Berlin", "UTC"), "duration"
 * in seconds.  NULL when refused: *field names the input at fault
 * ("rule", "start", "time_zone", "duration") and why says why.
 */
adm_recur_t *adm_recur_new(const char *rule, const char *start,
    const char *tz, int64_t duration, const char **field, char *why,
    size_t why_len);
void adm_recur_free(adm_recur_t *r);

/* the rule as stored and shown: upper case, parts in a fixed order */
const char *adm_recur_rule(const adm_recur_t *r);

/*
 * The occurrences in force at some time in [from_ms, to_ms) (ending after
 * from_ms, starting before to_ms), in order, at most max into occ.
 * Returns how many, or -1 when libical fails.
 */
int adm_recur_expand(const adm_recur_t *r, int64_t from_ms, int64_t to_ms,
    adm_recur_occ_t *occ, size_t max);

/* at exit: the time zones libical loaded */
void adm_recur_release(void);


#endif /* ADM_MODEL_RECUR_H */
