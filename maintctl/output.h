/*
 * output.h: what people read (output.c): tables, "field: value" lines,
 * times in the local time zone, the dry-run prechecks, the API's JSON,
 * and the yes/no questions.
 */

#ifndef CTL_OUTPUT_H
#define CTL_OUTPUT_H

#include <stddef.h>
#include <jansson.h>

#include "maintctl.h"


typedef struct {
    int          ncols;
    const char  *const *heads;
    char       **cells;
    size_t       nrows;
    size_t       cap;
} ctl_table_t;

void ctl_table_init(ctl_table_t *t, int ncols, const char *const *heads);
void ctl_table_row(ctl_table_t *t, ...);
void ctl_table_print(ctl_table_t *t);

char *ctl_clean(const char *s, int multiline);
char *ctl_truncate(const char *s, size_t max);
const char *ctl_local_time(const char *rfc3339, const char *fmt, char *buf,
    size_t size);
const char *ctl_str(json_t *obj, const char *key);
char *ctl_join(json_t *array, const char *sep);

void ctl_print_field(const char *name, json_t *value);

/* the fields of obj that are named, in that order, and nothing else */
void ctl_print_known(json_t *obj, const char *const *fields);
void ctl_print_object(json_t *obj, const char *const *order);
void ctl_print_raw(const ctl_resp_t *r);
void ctl_print_json(json_t *doc);
int ctl_print_dry_run(const ctl_resp_t *r);
int ctl_ask(const char *fmt, ...) __attribute__((format(printf, 1, 2)));


#endif /* CTL_OUTPUT_H */
