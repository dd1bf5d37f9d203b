/*
 * times.c: times in window records and the API (docs/admin-api.md): RFC
 * 3339 UTC strings, to the second or, for a start given as "now", to the
 * millisecond; what clients may write ("now", or RFC 3339 with an offset
 * in the years the gateways' decoder takes).  No I/O here.
 */

#include <stdio.h>
#include <string.h>

#include "maint_core.h"
#include "maint_time.h"
#include "model/times.h"


#define ADM_MAX_EPOCH      253402300799LL  /* 9999-12-31T23:59:59Z */


json_t *
adm_time_json(int64_t t)
{
    char  buf[MAINT_RFC3339_LEN + 1];

    if (t < 0) {
        return json_null();
    }

    maint_format_rfc3339(buf, t);

    return json_string(buf);
}


/* a time as clients write it: RFC 3339 with an offset, or "now" */

int
adm_parse_time(json_t *v, int64_t now, int64_t *t)
{
    if (!json_is_string(v)) {
        return -1;
    }

    if (strcmp(json_string_value(v), "now") == 0) {
        *t = now;
        return 0;
    }

    /*
     * Only times the gateways' decoder takes (1970 to 9999, UTC): one
     * window outside them would make every gateway refuse the whole
     * snapshot (found by tests/fuzz/fuzz_admin_window).
     */
    return maint_parse_rfc3339(json_string_value(v), json_string_length(v),
                               t) == 0
           && *t >= 0 && *t <= ADM_MAX_EPOCH ? 0 : -1;
}


int64_t
adm_window_time(json_t *rec, const char *field)
{
    int64_t   t;
    json_t   *v;

    v = json_object_get(rec, field);

    if (!json_is_string(v)
        || maint_parse_rfc3339(json_string_value(v), json_string_length(v),
                               &t) != 0)
    {
        return -1;
    }

    return t;
}


void
adm_window_set_time(json_t *rec, const char *field, int64_t t)
{
    json_object_set_new(rec, field, adm_time_json(t));
}


/*
 * An instant, to the millisecond: RFC 3339 with ".mmm" when it is not on a
 * whole second (a window started now), as before otherwise.
 */

json_t *
adm_time_ms_json(int64_t ms)
{
    char  buf[MAINT_RFC3339_LEN + 5];

    if (ms < 0) {
        return json_null();
    }

    maint_format_rfc3339(buf, ms / 1000);

    if (ms % 1000) {
        snprintf(buf + MAINT_RFC3339_LEN - 1, sizeof(buf) - 19, ".%03dZ",
                 (int) (ms % 1000));
    }

    return json_string(buf);
}


/* a stored time in ms: the fraction of a second, if any, to the ms */

int64_t
adm_window_time_ms(json_t *rec, const char *field)
{
    int64_t      t, ms, scale;
    const char  *s;

    t = adm_window_time(rec, field);

    if (t < 0) {
        return -1;
    }

    s = json_string_value(json_object_get(rec, field));
    ms = 0;

    /* maint_parse_rfc3339() took it: digits follow a '.' at 19 */
    if (s[19] == '.') {
        for (s += 20, scale = 100; *s >= '0' && *s <= '9'; s++) {
            ms += (*s - '0') * scale;
            scale /= 10;
        }
    }

    return t * 1000 + ms;
}


/*
 * A start given as "now" is this instant, to the millisecond: a session
 * created earlier in the same second is before the window
 * (terminate_sessions).  Other times are the whole seconds clients wrote.
 */

void
adm_window_now_ms(json_t *in, json_t *fields, int64_t now_ms)
{
    json_t  *v;

    v = json_object_get(in, "starts_at");

    if (json_is_string(v) && strcmp(json_string_value(v), "now") == 0
        && json_object_get(fields, "starts_at"))
    {
        json_object_set_new(fields, "starts_at", adm_time_ms_json(now_ms));
    }
}
