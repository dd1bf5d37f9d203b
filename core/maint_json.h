/*
 * maint_json.h: reading JSON the way the snapshot decoder does: a field
 * of an object, of one type, within a range, with the path of the field
 * in the message when it is not; strings are copied into an arena.
 */

#ifndef MAINT_JSON_H
#define MAINT_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "maint_core.h"
#include "maint_arena.h"


typedef struct maint_decoder_s {
    maint_arena_t  *arena;          /* where strings are copied to */
    char           *err;            /* the first problem found */
    size_t          errlen;
} maint_decoder_t;


/* writes "<path>: <why>" into the error; returns -1 */
int maint_json_fail(maint_decoder_t *d, const char *path, const char *why);

/*
 * The field key of obj, its path being path followed by key.  Each
 * returns -1 (and fails) when the field has another type or is out of
 * range, and leaves *out as it was when the field is absent or null:
 * maint_json_int() then returns 1, the others 0.
 *
 * Control characters never pass a string: they would end up in response
 * headers through the variables.  Messages may span lines ("lines" set),
 * so tab and newline are allowed there and flattened by whoever puts them
 * in a header.
 */
int maint_json_string(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, size_t max, int lines, maint_str_t *out);
int maint_json_int(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, int64_t min, int64_t max, int64_t *out);
int maint_json_bool(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, int *out);


#endif /* MAINT_JSON_H */
