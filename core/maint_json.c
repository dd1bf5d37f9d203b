/*
 * maint_json.c: the typed field readers of the snapshot decoder
 * (maint_json.h).  Each checks type and range, and on the first problem
 * writes a message naming the field's path; strings are copied into the
 * decoder's arena.
 */

#include <stdio.h>
#include <string.h>

#include "maint_json.h"


int
maint_json_fail(maint_decoder_t *d, const char *path, const char *why)
{
    if (d->errlen) {
        snprintf(d->err, d->errlen, "%s: %s", path, why);
    }

    return -1;
}


/*
 * Control characters never pass: they would end up in response headers
 * through the variables.  Messages may span lines ("lines" set), so tab and
 * newline are allowed there and flattened by whoever puts them in a header.
 */

int
maint_json_string(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, size_t max, int lines, maint_str_t *out)
{
    char        p[128];
    size_t      i, len;
    json_t     *v;
    const char *s;

    v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    snprintf(p, sizeof(p), "%s%s", path, key);

    if (!json_is_string(v)) {
        return maint_json_fail(d, p, "must be a string");
    }

    s = json_string_value(v);
    len = json_string_length(v);

    if (len > max) {
        return maint_json_fail(d, p, "is too long");
    }

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c < 0x20 || c == 0x7f) {
            if (lines && (c == '\n' || c == '\t')) {
                continue;
            }

            return maint_json_fail(d, p, "contains a control character");
        }
    }

    out->data = maint_arena_strdup(d->arena, s, len);
    if (out->data == NULL) {
        return maint_json_fail(d, p, "out of memory");
    }

    out->len = len;

    return 0;
}


int
maint_json_int(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, int64_t min, int64_t max, int64_t *out)
{
    char        p[128];
    json_int_t  n;
    json_t     *v;

    v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return 1;
    }

    snprintf(p, sizeof(p), "%s%s", path, key);

    if (!json_is_integer(v)) {
        return maint_json_fail(d, p, "must be an integer");
    }

    n = json_integer_value(v);

    if (n < min || n > max) {
        return maint_json_fail(d, p, "is out of range");
    }

    *out = n;

    return 0;
}


int
maint_json_bool(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, int *out)
{
    char     p[128];
    json_t  *v;

    v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    if (!json_is_boolean(v)) {
        snprintf(p, sizeof(p), "%s%s", path, key);
        return maint_json_fail(d, p, "must be true or false");
    }

    *out = json_is_true(v);

    return 0;
}
