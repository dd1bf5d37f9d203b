/*
 * window.h: the window model (model/window.c): statuses, validation,
 * lifecycle, overlaps, and the text checks other request bodies share.
 * Functions that validate return 0 (ADM_OK) or -1 (ADM_ERROR, with what
 * is wrong in their errors array); no I/O.
 */

#ifndef ADM_MODEL_WINDOW_H
#define ADM_MODEL_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


typedef enum {
    ADM_ST_SCHEDULED = 0,
    ADM_ST_IN_PROGRESS,
    ADM_ST_COMPLETED,
    ADM_ST_COMPLETED_WITH_ERRORS,
    ADM_ST_FAILED,
    ADM_ST_CANCELLED
} adm_status_e;

const char *adm_status_name(adm_status_e st);
int adm_status_parse(const char *s, adm_status_e *st);
int adm_status_finished(adm_status_e st);

int adm_window_fields(json_t *in, int creating, int64_t now, json_t *out,
    json_t *errors);
json_t *adm_window_new(const char *id, json_t *fields, const char *actor,
    int64_t now);
void adm_window_merge(json_t *rec, json_t *fields);
int adm_window_check(json_t *rec, int creating, int64_t now,
    json_t *errors);
adm_status_e adm_window_status(json_t *rec);
adm_status_e adm_window_effective(json_t *rec, int64_t now);
json_t *adm_window_view(json_t *rec, int64_t now);
json_t *adm_window_conflict(json_t *rec, json_t *live, int64_t now);
int64_t adm_window_begin(json_t *rec);
int64_t adm_window_begin_ms(json_t *rec);
void adm_window_touch(json_t *rec, const char *actor, int64_t now);
int adm_window_id(char *out, size_t len);

#define ADM_NOTIFY_NAMES_MAX     16
#define ADM_NOTIFY_NAMES_REASON  "must be a list of at most 16 distinct " \
    "notification target names"

int adm_notify_names_bad(json_t *v);
int adm_text_ok(const char *s, size_t len, size_t max_chars, int lines);
int adm_refuse(json_t *errors, const char *field, const char *reason);
void adm_utf8_trim(char *s);


#endif /* ADM_MODEL_WINDOW_H */
