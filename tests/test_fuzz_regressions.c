/*
 * Regression tests for what the fuzzers (tests/fuzz/) found: each input
 * that broke a property, as a unit test here and as a file in the
 * harness's corpus (replayed by `make fuzz-replay` and t/900-fuzz.t).
 */

#include "unit.h"
#include "admin.h"
#include "maint_snapshot.h"
#include "model/times.h"
#include "model/window.h"


#define NOW  1795300000LL


/*
 * fuzz_admin_window: a window starting in 1013 was accepted, and the
 * snapshot it made ("start": -1) was refused by every gateway: one API
 * call stopped all state updates.  Times outside 1970..9999 are now a 422.
 */

static void
test_window_time_range(void **state)
{
    size_t       i;
    int64_t      t;
    json_t      *v, *in, *fields, *errors;
    const char  *field;

    static const char  *bad[] = {
        "1013-11-22T06:00:00Z", "1969-12-31T23:59:59Z",
        "1970-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00",
    };

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = json_string(bad[i]);
        assert_int_equal(adm_parse_time(v, NOW, &t), -1);
        json_decref(v);
    }

    v = json_string("1970-01-01T00:00:00Z");
    assert_int_equal(adm_parse_time(v, NOW, &t), 0);
    assert_int_equal(t, 0);
    json_decref(v);

    v = json_string("9999-12-31T23:59:59Z");
    assert_int_equal(adm_parse_time(v, NOW, &t), 0);
    assert_int_equal(t, 253402300799LL);
    json_decref(v);

    /* the fuzzer's input: refused, naming the field */
    in = json_loads("{\"title\":\"DB upgrade\",\"apps\":[\"shop\"],"
                    "\"starts_at\":\"1013-11-22T06:00:00Z\","
                    "\"ends_at\":\"2023-11-22T07:00:00+01:00\"}", 0, NULL);
    assert_non_null(in);
    fields = json_object();
    errors = json_array();

    assert_int_equal(adm_window_fields(in, 1, NOW, fields, errors), 1);
    field = json_string_value(json_object_get(json_array_get(errors, 0),
                                              "field"));
    assert_non_null(field);
    assert_string_equal(field, "starts_at");

    json_decref(in);
    json_decref(fields);
    json_decref(errors);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_time_range),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
