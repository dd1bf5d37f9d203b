/*
 * maint_duration.c: durations as people write them (maint_duration.h).
 * One grammar for maint-admind's configuration ("500ms", "7d") and
 * maintctl ("1h30m"): the union of what each accepted before they shared
 * it, with the same value for every input either accepted.
 */

#include "maint_duration.h"


/* the units, largest first: a later one must have a larger index */

static const int64_t  maint_duration_unit_ms[] = {
    86400000, 3600000, 60000, 1000, 1
};

#define MAINT_DURATION_SEC  3


/* the unit at *p, moving *p past it; -1 for none */

static int
maint_duration_unit(const char **p, const char *end)
{
    const char  *u;

    u = *p;

    /* "ms" before "m": "1ms" is a millisecond, not a minute and garbage */
    if (end - u >= 2 && u[0] == 'm' && u[1] == 's') {
        *p = u + 2;
        return 4;
    }

    *p = u + 1;

    switch (*u) {
    case 'd':
        return 0;
    case 'h':
        return 1;
    case 'm':
        return 2;
    case 's':
        return MAINT_DURATION_SEC;
    default:
        return -1;
    }
}


int
maint_parse_duration_ms(const char *s, size_t len, int flags, int64_t *ms)
{
    int          neg, last, u;
    int64_t      n, total;
    const char  *p, *end;

    p = s;
    end = s + len;

    /* strtoll()'s white space, in the C locale */
    while (p < end && (*p == ' ' || (*p >= '\t' && *p <= '\r'))) {
        p++;
    }

    neg = 0;

    if (p < end && (*p == '+' || *p == '-')) {
        neg = (*p++ == '-');
    }

    if (p == end) {
        return -1;
    }

    total = 0;
    last = -1;

    while (p < end) {
        if (*p < '0' || *p > '9') {
            return -1;
        }

        n = 0;

        while (p < end && *p >= '0' && *p <= '9') {
            if (n > (INT64_MAX - (*p - '0')) / 10) {
                return -1;
            }

            n = n * 10 + (*p++ - '0');
        }

        if (p == end) {
            /* a number alone: minutes and seconds are both plausible */
            if (last != -1 || !(flags & MAINT_DURATION_BARE_SEC)) {
                return -1;
            }

            u = MAINT_DURATION_SEC;

        } else {
            u = maint_duration_unit(&p, end);

            if (u <= last) {
                return -1;
            }
        }

        last = u;

        if (n > INT64_MAX / maint_duration_unit_ms[u]) {
            return -1;
        }

        n *= maint_duration_unit_ms[u];

        if (n > INT64_MAX - total) {
            return -1;
        }

        total += n;
    }

    if (neg && total != 0) {
        return -1;
    }

    *ms = total;

    return 0;
}
