/*
 * fuzz_admin_recur.c: a recurrence (admin-api/model/recur.c) from any
 * bytes.  Input: a control byte, then NUL-separated parts: the rule, the
 * local start, and (bit 0 of the control byte) a time zone of the input's
 * own, else one of three (bits 1-2).  The duration: the second byte times
 * 15 minutes.  Properties of what is taken, checked by plain code:
 *
 *   - a refusal names "rule", "start", "time_zone" or "duration", and
 *     says why;
 *   - the normalised rule is taken again, and normalises to itself;
 *   - over three years, at most 64 occurrences, in strictly increasing
 *     order, each in force within the range, its end its start plus the
 *     duration, its local start 15 characters of the form
 *     yyyymmddThhmmss, and two occurrences' starts never closer than
 *     their local starts are (less an hour, for a change of offset).
 */

#include "fuzz.h"
#include "fuzz_admin.h"
#include "model/recur.h"


#define FUZZ_FROM_MS  1798761600000LL       /* 2027-01-01T00:00:00Z */
#define FUZZ_TO_MS    1893456000000LL       /* 2030-01-01T00:00:00Z */
#define FUZZ_OCC      64


static const char  *fuzz_zones[4] = {
    "UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"
};


/* a part as a C string: fuzz_part's bytes, up to a NUL of their own */
static char *
fuzz_cstr(fuzz_in_t *in)
{
    char    *part, *s;
    size_t   len;

    part = fuzz_part(in, &len);
    s = malloc(len + 1);
    if (s == NULL) {
        abort();
    }

    memcpy(s, part, len);
    s[len] = '\0';
    free(part);

    return s;
}


/* "20270328T023000": seconds as if UTC, or -1 when not of that form */
static int64_t
fuzz_local(const char *s)
{
    int      i, y, mo, d, h, mi, sec;
    int64_t  days;

    if (strlen(s) != 15 || s[8] != 'T') {
        return -1;
    }

    for (i = 0; i < 15; i++) {
        if (i != 8 && (s[i] < '0' || s[i] > '9')) {
            return -1;
        }
    }

    sscanf(s, "%4d%2d%2dT%2d%2d%2d", &y, &mo, &d, &h, &mi, &sec);

    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59
        || sec > 59)
    {
        return -1;
    }

    /* days from civil, as recur.c has it, written again */
    y -= mo <= 2;
    days = (int64_t) (y / 400) * 146097
           + (int64_t) (y % 400) * 365 + (y % 400) / 4 - (y % 400) / 100
           + (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1 - 719468;

    return days * 86400 + h * 3600 + mi * 60 + sec;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int              i, n;
    char            *rule, *start, *tz, why[256];
    int64_t          dur, l0, l1;
    fuzz_in_t        in;
    const char      *field, *zone;
    adm_recur_t     *r, *again;
    adm_recur_occ_t  occ[FUZZ_OCC];

    if (size < 2) {
        return 0;
    }

    in.p = (const char *) data + 2;
    in.left = size - 2;

    rule = fuzz_cstr(&in);
    start = fuzz_cstr(&in);
    tz = (data[0] & 1) ? fuzz_cstr(&in) : NULL;
    zone = tz ? tz : fuzz_zones[(data[0] >> 1) & 3];
    dur = (int64_t) data[1] * 900;

    field = NULL;
    why[0] = '\0';
    r = adm_recur_new(rule, start, zone, dur, &field, why, sizeof(why));

    if (r == NULL) {
        FUZZ_CHECK(field != NULL);
        FUZZ_CHECK(strcmp(field, "rule") == 0 || strcmp(field, "start") == 0
                   || strcmp(field, "time_zone") == 0
                   || strcmp(field, "duration") == 0);
        FUZZ_CHECK(why[0] != '\0');
        goto done;
    }

    again = adm_recur_new(adm_recur_rule(r), start, zone, dur, &field, why,
                          sizeof(why));
    FUZZ_CHECK(again != NULL);
    FUZZ_CHECK(strcmp(adm_recur_rule(again), adm_recur_rule(r)) == 0);
    adm_recur_free(again);

    n = adm_recur_expand(r, FUZZ_FROM_MS, FUZZ_TO_MS, occ, FUZZ_OCC);
    FUZZ_CHECK(n >= 0 && n <= FUZZ_OCC);

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(occ[i].end_ms - occ[i].start_ms == dur * 1000);
        FUZZ_CHECK(occ[i].end_ms > FUZZ_FROM_MS);
        FUZZ_CHECK(occ[i].start_ms < FUZZ_TO_MS);

        l1 = fuzz_local(occ[i].local);
        FUZZ_CHECK(l1 >= 0);

        if (i > 0) {
            FUZZ_CHECK(occ[i].start_ms > occ[i - 1].start_ms);

            l0 = fuzz_local(occ[i - 1].local);
            FUZZ_CHECK(l1 > l0);
            FUZZ_CHECK((occ[i].start_ms - occ[i - 1].start_ms) / 1000
                       >= l1 - l0 - 3600);
        }
    }

    adm_recur_free(r);

done:

    free(rule);
    free(start);
    free(tz);

    return 0;
}
