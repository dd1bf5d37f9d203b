/*
 * series.h: a series of windows (model/series.c): a recurrence
 * (model/recur.h) and the window every occurrence becomes, its skipped
 * occurrences, and how far ahead its windows were made.  No I/O.
 */

#ifndef ADM_MODEL_SERIES_H
#define ADM_MODEL_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "model/recur.h"


#define ADM_SERIES_NEXT_DEFAULT  10     /* occurrences a read shows */
#define ADM_SERIES_NEXT_MAX      100
#define ADM_SERIES_SKIPPED_MAX   1000
#define ADM_SERIES_FIND_MAX      1000   /* skip: among the next these */

/* "s_k3j9x2mfq1-20270328T023000": a series' id, "-", the local start */
#define ADM_SERIES_WINDOW_ID_LEN (12 + 1 + ADM_RECUR_LOCAL_LEN)


int adm_series_id(char *out, size_t len);

/*
 * A request body's fields: "recurrence" ({"rule", "start", "time_zone",
 * "duration_minutes"}) and the window fields but starts_at and ends_at.
 * *out: {"recurrence": normalised, "window": the window's fields}.
 * Returns 0, or -1 with what is wrong in errors.
 */
int adm_series_fields(json_t *in, int64_t now, json_t **out,
    json_t *errors);

json_t *adm_series_new(const char *id, json_t *fields, const char *actor,
    int64_t now);

/* the recurrence of a stored series, or NULL (why) */
adm_recur_t *adm_series_recur(json_t *series, char *why, size_t len);

/*
 * The series' occurrences in force in [from_ms, to_ms), as
 * adm_recur_expand(), none at or after its "until" (where the series that
 * continues it begins).  -1: the stored recurrence is not valid.
 */
int adm_series_expand(json_t *series, int64_t from_ms, int64_t to_ms,
    adm_recur_occ_t *occ, size_t max);

void adm_series_window_id(json_t *series, const char *local, char *out,
    size_t len);

/* the window of one occurrence, as a new window record */
json_t *adm_series_window(json_t *series, const adm_recur_occ_t *o,
    const char *actor, int64_t now);

/*
 * The skipped entry of an occurrence, or NULL; an occurrence skipped, with
 * who and why (the list keeps the last ADM_SERIES_SKIPPED_MAX).
 */
json_t *adm_series_skipped(json_t *series, const char *local);
void adm_series_skip(json_t *series, const char *local, const char *actor,
    const char *reason, int64_t now);

/*
 * The occurrences whose windows are due: starting after now_ms and after
 * the last one made, before now_ms + horizon_ms, not skipped; at most max.
 * Returns how many, or -1 (why).
 */
int adm_series_due(json_t *series, int64_t now_ms, int64_t horizon_ms,
    adm_recur_occ_t *occ, size_t max, char *why, size_t len);

/* records that the windows are made up to this occurrence's start */
void adm_series_made(json_t *series, const adm_recur_occ_t *o);


#endif /* ADM_MODEL_SERIES_H */
