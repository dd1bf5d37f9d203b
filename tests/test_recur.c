/*
 * Recurrences (admin-api/model/recur.c) against fixed expectations: the
 * rules taken and refused (naming the input and why), the expansion of
 * each kind of rule, February 29, COUNT and UNTIL, and local times that
 * do not exist or occur twice at the changes of daylight-saving time in
 * Europe/Berlin and America/New_York, put on UTC as RFC 5545 3.3.5 says.
 */

#include "unit.h"

#include "maint_time.h"
#include "model/recur.h"


#define MAX_OCC  64


/* "2027-03-28T01:30:00Z" in ms */
static int64_t
ms(const char *utc)
{
    int64_t  t;

    assert_int_equal(maint_parse_rfc3339(utc, strlen(utc), &t), 0);

    return t * 1000;
}


static adm_recur_t *
recur(const char *rule, const char *start, const char *tz, int64_t dur)
{
    char          why[256];
    const char   *field;
    adm_recur_t  *r;

    field = NULL;
    r = adm_recur_new(rule, start, tz, dur, &field, why, sizeof(why));
    if (r == NULL) {
        fail_msg("%s refused: %s: %s", rule, field, why);
    }

    return r;
}


/* the first n occurrences' UTC starts, from 2000 on */
static void
starts_are(const char *rule, const char *start, const char *tz,
    const char **want, int n)
{
    int              i, got;
    adm_recur_t     *r;
    adm_recur_occ_t  occ[MAX_OCC];

    r = recur(rule, start, tz, 3600);
    got = adm_recur_expand(r, ms("2000-01-01T00:00:00Z"),
                           ms("2199-12-31T00:00:00Z"), occ, (size_t) n);
    assert_int_equal(got, n);

    for (i = 0; i < n; i++) {
        if (occ[i].start_ms != ms(want[i])) {
            fail_msg("%s, occurrence %d: %lld, not %s", rule, i,
                     (long long) occ[i].start_ms / 1000, want[i]);
        }

        assert_int_equal(occ[i].end_ms - occ[i].start_ms, 3600 * 1000);
    }

    adm_recur_free(r);
}


static void
refused(const char *rule, const char *start, const char *tz, int64_t dur,
    const char *want_field, const char *want_why)
{
    char          why[256];
    const char   *field;
    adm_recur_t  *r;

    field = NULL;
    why[0] = '\0';
    r = adm_recur_new(rule, start, tz, dur, &field, why, sizeof(why));

    if (r != NULL) {
        fail_msg("%s / %s / %s taken", rule, start, tz);
    }

    assert_non_null(field);
    assert_string_equal(field, want_field);

    if (strstr(why, want_why) == NULL) {
        fail_msg("%s: \"%s\" does not say \"%s\"", rule, why, want_why);
    }
}


static void
test_refused(void **state)
{
    (void) state;

    refused("FREQ=HOURLY", "2027-01-01T02:00", "UTC", 3600, "rule",
            "FREQ=HOURLY: DAILY, WEEKLY, MONTHLY or YEARLY");
    refused("FREQ=DAILY;BYHOUR=3", "2027-01-01T02:00", "UTC", 3600, "rule",
            "BYHOUR is not supported");
    refused("FREQ=DAILY;BYSETPOS=1", "2027-01-01T02:00", "UTC", 3600,
            "rule", "BYSETPOS is not supported");
    refused("INTERVAL=2", "2027-01-01T02:00", "UTC", 3600, "rule",
            "FREQ is required");
    refused("FREQ=DAILY;FREQ=WEEKLY", "2027-01-01T02:00", "UTC", 3600,
            "rule", "FREQ is given twice");
    refused("FREQ=DAILY;COUNT=3;UNTIL=20270301", "2027-01-01T02:00", "UTC",
            3600, "rule", "COUNT and UNTIL exclude each other");
    refused("FREQ=DAILY;COUNT=0", "2027-01-01T02:00", "UTC", 3600, "rule",
            "COUNT: a number from 1 to 10000");
    refused("FREQ=DAILY;INTERVAL=1001", "2027-01-01T02:00", "UTC", 3600,
            "rule", "INTERVAL: a number from 1 to 1000");
    refused("FREQ=WEEKLY;BYDAY=-1SU", "2027-01-01T02:00", "UTC", 3600,
            "rule", "with an ordinal");
    refused("FREQ=MONTHLY;BYDAY=6SU", "2027-01-01T02:00", "UTC", 3600,
            "rule", "BYDAY");
    refused("FREQ=YEARLY;BYMONTH=6,10;BYDAY=-9SU", "2027-01-01T02:00",
            "UTC", 3600, "rule", "1 to 5 with BYMONTH");
    refused("FREQ=YEARLY;BYDAY=54MO", "2027-01-01T02:00", "UTC", 3600,
            "rule", "BYDAY");
    refused("FREQ=WEEKLY;BYDAY=SO", "2027-01-01T02:00", "UTC", 3600,
            "rule", "BYDAY");
    refused("FREQ=WEEKLY;BYMONTHDAY=1", "2027-01-01T02:00", "UTC", 3600,
            "rule", "not with FREQ=WEEKLY");
    refused("FREQ=MONTHLY;BYMONTHDAY=32", "2027-01-01T02:00", "UTC", 3600,
            "rule", "BYMONTHDAY");
    refused("FREQ=YEARLY;BYMONTH=13", "2027-01-01T02:00", "UTC", 3600,
            "rule", "BYMONTH");
    refused("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "2027-01-01T02:00",
            "UTC", 3600, "rule", "never meet");
    refused("FREQ=MONTHLY;BYMONTH=4,6;BYMONTHDAY=31,-31", "2027-01-01T02:00",
            "UTC", 3600, "rule", "never meet");
    refused("FREQ=YEARLY;BYMONTH=2;BYDAY=5MO;BYMONTHDAY=1",
            "2027-01-01T02:00", "UTC", 3600, "rule",
            "libical cannot expand this rule");
    refused("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;UNTIL=20431231",
            "2027-01-01T02:00", "UTC", 3600, "rule",
            "no occurrence from the start to the year 2199");
    refused("FREQ=DAILY;UNTIL=20261231", "2027-01-01T02:00", "UTC", 3600,
            "rule", "no occurrence");
    refused("FREQ=DAILY;UNTIL=20270101T005959Z", "2027-01-01T02:00",
            "Europe/Berlin", 3600, "rule", "no occurrence");
    refused("FREQ=DAILY;UNTIL=20271231T230000", "2027-01-01T02:00", "UTC",
            3600, "rule", "UNTIL: a UTC date-time");
    refused("FREQ=DAILY;UNTIL=20270230", "2027-01-01T02:00", "UTC", 3600,
            "rule", "UNTIL");
    refused("FREQ=DAILY;;", "2027-01-01T02:00", "UTC", 3600, "rule",
            "\"\" is not NAME=VALUE");
    refused("FREQ=DAILY;", "2027-01-01T02:00", "UTC", 3600, "rule",
            "\"\" is not NAME=VALUE");
    refused("FREQ=DAILY;BYDAY", "2027-01-01T02:00", "UTC", 3600, "rule",
            "\"BYDAY\" is not NAME=VALUE");
    refused("FREQ=DAILY\r\nX-EVIL=1", "2027-01-01T02:00", "UTC", 3600,
            "rule", "character 11 is not part of an RRULE");
    refused("", "2027-01-01T02:00", "UTC", 3600, "rule", "an RRULE of 1");

    refused("FREQ=DAILY", "2027-02-29T02:00", "UTC", 3600, "start",
            "a local date and time");
    refused("FREQ=DAILY", "2027-03-21 02:30", "UTC", 3600, "start",
            "a local date and time");
    refused("FREQ=DAILY", "2027-03-21T02:30Z", "UTC", 3600, "start",
            "a local date and time");
    refused("FREQ=DAILY", "2027-03-21T24:00", "UTC", 3600, "start",
            "a local date and time");
    refused("FREQ=DAILY", "2027-01-01T-2:30", "UTC", 3600, "start",
            "a local date and time");
    refused("FREQ=DAILY", "2027-01-01T+2:30", "UTC", 3600, "start",
            "a local date and time");
    refused("FREQ=DAILY", "2027-1-01T02:30:0", "UTC", 3600, "start",
            "a local date and time");
    refused("FREQ=DAILY", "1999-12-31T02:00", "UTC", 3600, "start",
            "years 2000 to 2199");

    refused("FREQ=DAILY", "2027-01-01T02:00", "Mars/Olympus_Mons", 3600,
            "time_zone", "not a time zone");
    refused("FREQ=DAILY", "2027-01-01T02:00", "../../etc/passwd", 3600,
            "time_zone", "not a time zone");
    refused("FREQ=DAILY", "2027-01-01T02:00", "/usr/share/zoneinfo/UTC",
            3600, "time_zone", "not a time zone");
    refused("FREQ=DAILY", "2027-01-01T02:00", "", 3600, "time_zone",
            "not a time zone");

    refused("FREQ=DAILY", "2027-01-01T02:00", "UTC", 59, "duration",
            "from 60 seconds to 31 days");
    refused("FREQ=DAILY", "2027-01-01T02:00", "UTC", 31 * 86400 + 1,
            "duration", "from 60 seconds to 31 days");
}


static void
test_normalised(void **state)
{
    adm_recur_t  *r;

    (void) state;

    r = recur("rrule:byday=su,-1mo;until=20271231t230000z;freq=monthly",
              "2027-01-01T02:00", "UTC", 3600);
    assert_string_equal(adm_recur_rule(r),
                        "FREQ=MONTHLY;BYDAY=SU,-1MO;UNTIL=20271231T230000Z");
    adm_recur_free(r);

    r = recur("WKST=MO;COUNT=5;BYMONTH=1,7;INTERVAL=2;FREQ=YEARLY",
              "2027-01-01T02:00:30", "Europe/Berlin", 60);
    assert_string_equal(adm_recur_rule(r),
                        "FREQ=YEARLY;INTERVAL=2;BYMONTH=1,7;WKST=MO;"
                        "COUNT=5");
    adm_recur_free(r);
}


static void
test_kinds(void **state)
{
    (void) state;

    /* every second day, three times */
    starts_are("FREQ=DAILY;INTERVAL=2;COUNT=3", "2027-01-30T22:00", "UTC",
               (const char *[]) { "2027-01-30T22:00:00Z",
                                  "2027-02-01T22:00:00Z",
                                  "2027-02-03T22:00:00Z" }, 3);

    /* Tuesdays and Thursdays; the start a Monday: not an occurrence */
    starts_are("FREQ=WEEKLY;BYDAY=TU,TH", "2027-01-04T09:00", "UTC",
               (const char *[]) { "2027-01-05T09:00:00Z",
                                  "2027-01-07T09:00:00Z",
                                  "2027-01-12T09:00:00Z" }, 3);

    /* the last Sunday of the month */
    starts_are("FREQ=MONTHLY;BYDAY=-1SU", "2027-01-01T02:00", "UTC",
               (const char *[]) { "2027-01-31T02:00:00Z",
                                  "2027-02-28T02:00:00Z",
                                  "2027-03-28T02:00:00Z",
                                  "2027-04-25T02:00:00Z" }, 4);

    /* the first Monday, every second month */
    starts_are("FREQ=MONTHLY;INTERVAL=2;BYDAY=1MO", "2027-01-01T02:00",
               "UTC",
               (const char *[]) { "2027-01-04T02:00:00Z",
                                  "2027-03-01T02:00:00Z",
                                  "2027-05-03T02:00:00Z" }, 3);

    /* the last day of the month, February 2028 a leap one */
    starts_are("FREQ=MONTHLY;BYMONTHDAY=-1", "2028-01-15T23:00", "UTC",
               (const char *[]) { "2028-01-31T23:00:00Z",
                                  "2028-02-29T23:00:00Z",
                                  "2028-03-31T23:00:00Z",
                                  "2028-04-30T23:00:00Z" }, 4);

    /* the 31st: months without one have no occurrence */
    starts_are("FREQ=MONTHLY", "2027-01-31T02:00", "UTC",
               (const char *[]) { "2027-01-31T02:00:00Z",
                                  "2027-03-31T02:00:00Z",
                                  "2027-05-31T02:00:00Z" }, 3);

    /* February 29: leap years only */
    starts_are("FREQ=YEARLY", "2028-02-29T02:00", "UTC",
               (const char *[]) { "2028-02-29T02:00:00Z",
                                  "2032-02-29T02:00:00Z",
                                  "2036-02-29T02:00:00Z" }, 3);
    starts_are("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "2027-01-01T02:00",
               "UTC",
               (const char *[]) { "2028-02-29T02:00:00Z",
                                  "2032-02-29T02:00:00Z" }, 2);

    /* the 20th Monday of the year */
    starts_are("FREQ=YEARLY;BYDAY=20MO", "2027-01-01T02:00", "UTC",
               (const char *[]) { "2027-05-17T02:00:00Z",
                                  "2028-05-15T02:00:00Z" }, 2);

    /* February 29 on a Monday: 28 years apart */
    starts_are("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO",
               "2027-01-01T02:00", "UTC",
               (const char *[]) { "2044-02-29T02:00:00Z",
                                  "2072-02-29T02:00:00Z" }, 2);

    /* in months 1 and 7, on the 1st and the 15th */
    starts_are("FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1,15",
               "2027-01-01T06:00", "UTC",
               (const char *[]) { "2027-01-01T06:00:00Z",
                                  "2027-01-15T06:00:00Z",
                                  "2027-07-01T06:00:00Z",
                                  "2027-07-15T06:00:00Z",
                                  "2028-01-01T06:00:00Z" }, 5);
}


/* how many occurrences a rule makes in all, from 2000 to 2199 */
static int
count_all(const char *rule, const char *start, const char *tz)
{
    int              n;
    adm_recur_t     *r;
    adm_recur_occ_t  occ[MAX_OCC];

    r = recur(rule, start, tz, 3600);
    n = adm_recur_expand(r, ms("2000-01-01T00:00:00Z"),
                         ms("2199-12-31T00:00:00Z"), occ, MAX_OCC);
    adm_recur_free(r);

    return n;
}


static void
test_count_until(void **state)
{
    (void) state;

    assert_int_equal(count_all("FREQ=WEEKLY;COUNT=4", "2027-01-03T02:00",
                               "UTC"), 4);

    /* UNTIL in UTC, inclusive: 02:00 Berlin (CET) is 01:00Z */
    assert_int_equal(count_all("FREQ=DAILY;UNTIL=20270105T010000Z",
                               "2027-01-01T02:00", "Europe/Berlin"), 5);
    assert_int_equal(count_all("FREQ=DAILY;UNTIL=20270105T005959Z",
                               "2027-01-01T02:00", "Europe/Berlin"), 4);

    /* UNTIL a date: the local date, inclusive */
    assert_int_equal(count_all("FREQ=DAILY;UNTIL=20270105",
                               "2027-01-01T23:30", "America/New_York"), 5);

    /* UNTIL the first occurrence's start: that one */
    assert_int_equal(count_all("FREQ=DAILY;UNTIL=20270101T010000Z",
                               "2027-01-01T02:00", "Europe/Berlin"), 1);
}


/* occurrences in force at some time in [from, to) only, at most max */
static void
test_range(void **state)
{
    int              n;
    adm_recur_t     *r;
    adm_recur_occ_t  occ[MAX_OCC];

    (void) state;

    r = recur("FREQ=DAILY", "2027-01-01T02:00", "UTC", 7200);

    /* the one of Jan 3 is in force at 03:00; that of Jan 5 starts at to */
    n = adm_recur_expand(r, ms("2027-01-03T03:00:00Z"),
                         ms("2027-01-05T02:00:00Z"), occ, MAX_OCC);
    assert_int_equal(n, 2);
    assert_int_equal(occ[0].start_ms, ms("2027-01-03T02:00:00Z"));
    assert_int_equal(occ[0].end_ms, ms("2027-01-03T04:00:00Z"));
    assert_string_equal(occ[0].local, "20270103T020000");
    assert_int_equal(occ[1].start_ms, ms("2027-01-04T02:00:00Z"));

    /* ended at from: not in force */
    n = adm_recur_expand(r, ms("2027-01-03T04:00:00Z"),
                         ms("2027-01-04T00:00:00Z"), occ, MAX_OCC);
    assert_int_equal(n, 0);

    n = adm_recur_expand(r, ms("2027-01-01T00:00:00Z"),
                         ms("2028-01-01T00:00:00Z"), occ, 3);
    assert_int_equal(n, 3);

    assert_int_equal(adm_recur_expand(r, ms("2027-01-02T00:00:00Z"),
                                      ms("2027-01-01T00:00:00Z"), occ,
                                      MAX_OCC), 0);

    adm_recur_free(r);
}


/* one occurrence a week around a change of offset, with its local time */
static void
week(const char *rule, const char *start, const char *tz,
    const char **want_utc, const char **want_local, const int *want_shift,
    int n)
{
    int              i;
    adm_recur_t     *r;
    adm_recur_occ_t  occ[MAX_OCC];

    r = recur(rule, start, tz, 7200);
    assert_int_equal(adm_recur_expand(r, ms("2000-01-01T00:00:00Z"),
                                      ms("2199-01-01T00:00:00Z"), occ,
                                      (size_t) n), n);

    for (i = 0; i < n; i++) {
        if (occ[i].start_ms != ms(want_utc[i])) {
            fail_msg("%s %s, occurrence %d: %lld, not %s", tz, rule, i,
                     (long long) occ[i].start_ms / 1000, want_utc[i]);
        }

        assert_string_equal(occ[i].local, want_local[i]);
        assert_int_equal(occ[i].shifted, want_shift[i]);

        /* the duration is elapsed time, whatever the clocks do */
        assert_int_equal(occ[i].end_ms - occ[i].start_ms, 7200 * 1000);
    }

    adm_recur_free(r);
}


static void
test_dst_berlin(void **state)
{
    (void) state;

    /*
     * Spring forward on 2027-03-28: 02:00 CET becomes 03:00 CEST, 02:30
     * does not exist and is taken as 03:30 CEST (the offset before the
     * gap, +01:00): 01:30Z, as the week before (02:30 CET).
     */
    week("FREQ=WEEKLY;BYDAY=SU", "2027-03-21T02:30", "Europe/Berlin",
         (const char *[]) { "2027-03-21T01:30:00Z", "2027-03-28T01:30:00Z",
                            "2027-04-04T00:30:00Z" },
         (const char *[]) { "20270321T023000", "20270328T023000",
                            "20270404T023000" },
         (const int []) { 0, 1, 0 }, 3);

    /*
     * Fall back on 2027-10-31: 03:00 CEST becomes 02:00 CET, 02:30 occurs
     * twice and is its first (CEST, 00:30Z).
     */
    week("FREQ=WEEKLY;BYDAY=SU", "2027-10-24T02:30", "Europe/Berlin",
         (const char *[]) { "2027-10-24T00:30:00Z", "2027-10-31T00:30:00Z",
                            "2027-11-07T01:30:00Z" },
         (const char *[]) { "20271024T023000", "20271031T023000",
                            "20271107T023000" },
         (const int []) { 0, 0, 0 }, 3);

    /* the last Sunday of March and of October, as Europe changes */
    week("FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU", "2027-01-01T02:30",
         "Europe/Berlin",
         (const char *[]) { "2027-03-28T01:30:00Z", "2027-10-31T00:30:00Z",
                            "2028-03-26T01:30:00Z", "2028-10-29T00:30:00Z" },
         (const char *[]) { "20270328T023000", "20271031T023000",
                            "20280326T023000", "20281029T023000" },
         (const int []) { 1, 0, 1, 0 }, 4);
}


static void
test_dst_new_york(void **state)
{
    (void) state;

    /*
     * 2027-03-14: 02:00 EST becomes 03:00 EDT; 02:30 is 03:30 EDT, 07:30Z
     * (-05:00, the offset before the gap).  Daily at 02:30 around it.
     */
    week("FREQ=DAILY", "2027-03-13T02:30", "America/New_York",
         (const char *[]) { "2027-03-13T07:30:00Z", "2027-03-14T07:30:00Z",
                            "2027-03-15T06:30:00Z" },
         (const char *[]) { "20270313T023000", "20270314T023000",
                            "20270315T023000" },
         (const int []) { 0, 1, 0 }, 3);

    /* 2027-11-07: 01:30 occurs twice, first as EDT (05:30Z) */
    week("FREQ=DAILY", "2027-11-06T01:30", "America/New_York",
         (const char *[]) { "2027-11-06T05:30:00Z", "2027-11-07T05:30:00Z",
                            "2027-11-08T06:30:00Z" },
         (const char *[]) { "20271106T013000", "20271107T013000",
                            "20271108T013000" },
         (const int []) { 0, 0, 0 }, 3);

    /* the second Sunday of March, as the United States change */
    week("FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "2027-01-01T02:30",
         "America/New_York",
         (const char *[]) { "2027-03-14T07:30:00Z", "2028-03-12T07:30:00Z" },
         (const char *[]) { "20270314T023000", "20280312T023000" },
         (const int []) { 1, 1 }, 2);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_normalised),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_count_until),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_dst_berlin),
        cmocka_unit_test(test_dst_new_york),
    };
    int  rc;

    rc = cmocka_run_group_tests(tests, NULL, NULL);
    adm_recur_release();

    return rc;
}
