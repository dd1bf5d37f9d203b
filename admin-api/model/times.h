/*
 * times.h: times in window records and the API (model/times.c).
 */

#ifndef ADM_MODEL_TIMES_H
#define ADM_MODEL_TIMES_H

#include <stdint.h>
#include <jansson.h>


json_t *adm_time_json(int64_t t);
json_t *adm_time_ms_json(int64_t ms);
int adm_parse_time(json_t *v, int64_t now, int64_t *t);
int64_t adm_window_time(json_t *rec, const char *field);
int64_t adm_window_time_ms(json_t *rec, const char *field);
void adm_window_set_time(json_t *rec, const char *field, int64_t t);
void adm_window_now_ms(json_t *in, json_t *fields, int64_t now_ms);


#endif /* ADM_MODEL_TIMES_H */
