/*
 * Series (admin-api/model/series.c): a request body split into the
 * recurrence and the window's fields, each refusal naming its field; the
 * windows of occurrences, their ids and fields; which occurrences are due
 * (after now and after the last made, within the horizon, not skipped).
 */

#include "unit.h"

#include "maint_time.h"
#include "config.h"
#include "model/series.h"
#include "model/times.h"
#include "model/window.h"


/* 2027-03-20T12:00:00Z, a Saturday */
#define NOW  1805544000LL


static int64_t
at(const char *utc)
{
    int64_t  t;

    assert_int_equal(maint_parse_rfc3339(utc, strlen(utc), &t), 0);

    return t;
}


static json_t *
body(const char *text)
{
    json_t        *j;
    json_error_t   err;

    j = json_loads(text, 0, &err);
    if (j == NULL) {
        fail_msg("%s: %s", text, err.text);
    }

    return j;
}


/* the body refused, naming field */
static void
refused(const char *text, const char *field)
{
    json_t  *in, *out, *errors;

    in = body(text);
    errors = json_array();

    assert_int_equal(adm_series_fields(in, NOW, &out, errors), -1);
    assert_null(out);

    if (json_array_size(errors) == 0
        || strcmp(json_string_value(json_object_get(
                      json_array_get(errors, 0), "field")), field) != 0)
    {
        fail_msg("%s: expected %s, got %s", text, field,
                 json_dumps(errors, JSON_COMPACT));
    }

    json_decref(in);
    json_decref(errors);
}


#define REC(r)  "\"recurrence\": {" r "}"
#define WEEKLY  "\"rule\": \"FREQ=WEEKLY;BYDAY=SU\", \"start\": " \
                "\"2027-03-14T04:00\", \"time_zone\": \"Europe/Berlin\", " \
                "\"duration_minutes\": 60"


static void
test_refused(void **state)
{
    adm_config_defaults();

    refused("{\"title\": \"t\", \"apps\": [\"shop\"]}", "recurrence");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], \"recurrence\": 1}",
            "recurrence");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], " REC(
            "\"rule\": \"FREQ=SECONDLY\", \"start\": \"2027-03-14T04:00\", "
            "\"time_zone\": \"UTC\", \"duration_minutes\": 1") "}",
            "recurrence.rule");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], " REC(
            "\"rule\": \"FREQ=DAILY\", \"start\": \"2027-03-14\", "
            "\"time_zone\": \"UTC\", \"duration_minutes\": 1") "}",
            "recurrence.start");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], " REC(
            "\"rule\": \"FREQ=DAILY\", \"start\": \"2027-03-14T04:00\", "
            "\"time_zone\": \"Europe/Nowhere\", \"duration_minutes\": 1") "}",
            "recurrence.time_zone");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], " REC(
            "\"rule\": \"FREQ=DAILY\", \"start\": \"2027-03-14T04:00\", "
            "\"time_zone\": \"UTC\", \"duration_minutes\": 10081") "}",
            "recurrence.duration_minutes");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], " REC(
            "\"rule\": \"FREQ=DAILY\", \"start\": \"2027-03-14T04:00\", "
            "\"time_zone\": \"UTC\", \"duration_minutes\": \"60\"") "}",
            "recurrence.duration_minutes");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], " REC(
            "\"rule\": \"FREQ=DAILY;COUNT=3\", \"start\": \"2027-03-01T04:00\", "
            "\"time_zone\": \"UTC\", \"duration_minutes\": 60") "}",
            "recurrence");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], "
            "\"ends_at\": \"2027-03-21T04:00:00Z\", " REC(WEEKLY) "}",
            "ends_at");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], \"id\": \"x\", "
            REC(WEEKLY) "}", "id");
    refused("{\"apps\": [\"shop\"], " REC(WEEKLY) "}", "title");
    refused("{\"title\": \"t\", \"apps\": [\"shop\"], \"mode\": \"off\", "
            REC(WEEKLY) "}", "mode");
}


static json_t *
series(const char *text)
{
    json_t  *in, *out, *errors, *s;

    in = body(text);
    errors = json_array();

    if (adm_series_fields(in, NOW, &out, errors) != 0) {
        fail_msg("%s refused: %s", text, json_dumps(errors, JSON_COMPACT));
    }

    s = adm_series_new("s_abcdefghij", out, "admin", NOW);

    json_decref(in);
    json_decref(out);
    json_decref(errors);

    return s;
}


static void
test_fields_and_windows(void **state)
{
    char              id[ADM_SERIES_WINDOW_ID_LEN + 1], why[256];
    json_t           *s, *w;
    adm_recur_occ_t   occ[4];

    adm_config_defaults();

    s = series("{\"title\": \"Patching\", \"apps\": [\"shop\"], "
               "\"mode\": \"read_only\", " REC(WEEKLY) "}");

    assert_string_equal(json_string_value(json_object_get(
        json_object_get(s, "recurrence"), "rule")), "FREQ=WEEKLY;BYDAY=SU");
    assert_null(json_object_get(json_object_get(s, "window"), "starts_at"));
    assert_true(json_is_null(json_object_get(s, "made_through")));

    /* the first to start after NOW: Sunday the 21st, 04:00 CET */
    assert_int_equal(adm_series_due(s, NOW * 1000, 14 * 86400000LL, occ, 4,
                                    why, sizeof(why)), 2);
    assert_int_equal(occ[0].start_ms, at("2027-03-21T03:00:00Z") * 1000);
    assert_int_equal(occ[1].start_ms, at("2027-03-28T02:00:00Z") * 1000);

    w = adm_series_window(s, &occ[1], "system", NOW);
    adm_series_window_id(s, occ[1].local, id, sizeof(id));
    assert_string_equal(id, "s_abcdefghij-20270328T040000");
    assert_string_equal(json_string_value(json_object_get(w, "id")), id);
    assert_int_equal(adm_window_time(w, "starts_at"),
                     at("2027-03-28T02:00:00Z"));
    assert_int_equal(adm_window_time(w, "ends_at"),
                     at("2027-03-28T03:00:00Z"));
    assert_string_equal(json_string_value(json_object_get(w, "mode")),
                        "read_only");
    assert_string_equal(json_string_value(json_object_get(w, "series")),
                        "s_abcdefghij");
    assert_string_equal(json_string_value(json_object_get(w, "occurrence")),
                        "20270328T040000");
    assert_int_equal(adm_window_status(w), ADM_ST_SCHEDULED);

    json_decref(w);
    json_decref(s);
}


static void
test_due(void **state)
{
    char              why[256];
    json_t           *s;
    adm_recur_occ_t   occ[8];

    adm_config_defaults();

    s = series("{\"title\": \"Patching\", \"apps\": [\"shop\"], "
               REC(WEEKLY) "}");

    /* made through the 21st: the 28th and 4th are due in 21 days */
    adm_series_made(s, &(adm_recur_occ_t) {
        .start_ms = at("2027-03-21T03:00:00Z") * 1000 });
    assert_int_equal(adm_series_due(s, NOW * 1000, 21 * 86400000LL, occ, 8,
                                    why, sizeof(why)), 2);
    assert_string_equal(occ[0].local, "20270328T040000");
    assert_string_equal(occ[1].local, "20270404T040000");

    /* skipped: never due */
    adm_series_skip(s, "20270328T040000", "admin", "skipped", NOW);
    assert_non_null(adm_series_skipped(s, "20270328T040000"));
    assert_null(adm_series_skipped(s, "20270404T040000"));
    assert_int_equal(adm_series_due(s, NOW * 1000, 21 * 86400000LL, occ, 8,
                                    why, sizeof(why)), 1);
    assert_string_equal(occ[0].local, "20270404T040000");

    /* at most max; none once the horizon holds none */
    assert_int_equal(adm_series_due(s, NOW * 1000, 60 * 86400000LL, occ, 3,
                                    why, sizeof(why)), 3);
    assert_int_equal(adm_series_due(s, NOW * 1000, 86400000LL, occ, 8,
                                    why, sizeof(why)), 0);

    /* an occurrence in force now is not due: it began before now */
    assert_int_equal(adm_series_due(s, at("2027-04-04T02:30:00Z") * 1000,
                                    7 * 86400000LL, occ, 8, why,
                                    sizeof(why)), 1);
    assert_string_equal(occ[0].local, "20270411T040000");

    json_decref(s);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_fields_and_windows),
        cmocka_unit_test(test_due),
    };
    int  rc;

    rc = cmocka_run_group_tests(tests, NULL, NULL);
    adm_recur_release();

    return rc;
}
