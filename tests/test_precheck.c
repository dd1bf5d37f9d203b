/*
 * Custom prechecks (admin-api/model/precheck.c): configuration lines
 * taken and refused (each refusal saying what is wrong), defaults, quoted
 * body texts, which windows a check is for, and what an answer means:
 * status in or out of the expected codes, the body text present or not,
 * a timeout, a failed connection.
 */

#include "unit.h"

#include "model/precheck.h"


static void
taken(const char *line, adm_precheck_t *pc)
{
    char  err[256];

    err[0] = '\0';

    if (adm_precheck_parse(line, pc, err, sizeof(err)) != 0) {
        fail_msg("%s: refused: %s", line, err);
    }
}


static void
refused(const char *line, const char *why)
{
    char            err[256];
    adm_precheck_t  pc;

    err[0] = '\0';
    assert_int_equal(adm_precheck_parse(line, &pc, err, sizeof(err)), -1);

    if (strstr(err, why) == NULL) {
        fail_msg("%s: \"%s\" does not say \"%s\"", line, err, why);
    }
}


static void
test_lines(void **state)
{
    char            err[256];
    adm_precheck_t  pc;

    (void) state;

    taken("backups https://ops.example/backups", &pc);
    assert_string_equal(pc.name, "backups");
    assert_string_equal(pc.url, "https://ops.example/backups");
    assert_string_equal(pc.method, "GET");
    assert_string_equal(pc.status, "200-299");
    assert_string_equal(pc.body, "");
    assert_int_equal(pc.timeout_ms, 5000);
    assert_string_equal(pc.apps, "*");

    taken("jobs http://10.0.0.5:8080/jobs?x=1 method=HEAD status=200,204,"
          "300-399 timeout=1500ms apps=shop,blog", &pc);
    assert_string_equal(pc.method, "HEAD");
    assert_int_equal(pc.nstatus, 3);
    assert_int_equal(pc.lo[2], 300);
    assert_int_equal(pc.hi[2], 399);
    assert_int_equal(pc.timeout_ms, 1500);
    assert_string_equal(pc.apps, "shop,blog");

    taken("q http://h/  body=\"backups: enabled\"   timeout=2s ", &pc);
    assert_string_equal(pc.body, "backups: enabled");
    assert_int_equal(pc.timeout_ms, 2000);

    taken("p http://user:secret@h/ method=POST body=ok", &pc);
    assert_string_equal(pc.body, "ok");
    assert_int_equal(pc.nheaders, 0);

    taken("k http://h/ header=\"X-Api-Key: a b\" header=X-Trace:1 "
          "header=\"Authorization: Bearer t\" header=x-4:v", &pc);
    assert_int_equal(pc.nheaders, 4);
    assert_string_equal(pc.headers[0], "X-Api-Key: a b");
    assert_string_equal(pc.headers[1], "X-Trace:1");
    assert_string_equal(pc.headers[3], "x-4:v");

    refused("", "needs NAME URL");
    refused("b@d http://h/", "NAME is 1 to 64");
    refused("a", "the URL must be http:// or https://");
    refused("a file:///etc/passwd", "the URL must be");
    refused("a gopher://h/", "the URL must be");
    refused("a http://h/ method=HEAD body=ready", "cannot be looked for with method=HEAD");
    refused("a http://h/ body=ready method=HEAD", "cannot be looked for with method=HEAD");
    refused("a http:///path", "the URL must be");
    refused("a http://h/\x7f", "the URL must be");
    refused("a http://h/ method=PUT", "method must be GET, HEAD or POST");
    refused("a http://h/ status=99", "status must be codes");
    refused("a http://h/ status=600", "status must be codes");
    refused("a http://h/ status=299-200", "status must be codes");
    refused("a http://h/ status=200,", "status must be codes");
    refused("a http://h/ status=-200", "status must be codes");
    refused("a http://h/ status=200,201,202,203,204,205,206,207,208",
            "status must be codes");
    refused("a http://h/ timeout=0", "timeout must be a time between");
    refused("a http://h/ timeout=99ms", "timeout must be a time between");
    refused("a http://h/ timeout=61s", "timeout must be a time between");
    refused("a http://h/ apps=", "apps must be");
    refused("a http://h/ apps=a,,b", "apps must be");
    refused("a http://h/ apps=a/b", "apps must be");
    refused("a http://h/ body=", "body must be 1 to");
    refused("a http://h/ body=caf\xc3\xa9", "printable ASCII");
    refused("a http://h/ body=\"open", "quote is not closed");
    refused("a http://h/ body=\"x\"y", "quote is not closed");
    refused("a http://h/ colour=red", "unknown option \"colour\"");
    refused("a http://h/ loose", "is not key=value");
    refused("a http://h/ header=X-Api-Key", "header must be");
    refused("a http://h/ header=:v", "header must be");
    refused("a http://h/ header=\"X Key: v\"", "header must be");
    refused("a http://h/ header=\"X-Key:  \"", "header must be");
    refused("a http://h/ header=X-Key:caf\xc3\xa9", "header must be");
    refused("a http://h/ header=HOST:h", "header must be");
    refused("a http://h/ header=Transfer-Encoding:chunked", "header must be");
    refused("a http://h/ header=webhook-id:1", "header must be");
    refused("a http://h/ header=a:1 header=b:2 header=c:3 header=d:4 "
            "header=e:5", "at most 4");
    refused("a http://h/ header=Host:s3cr3t", "header must be");
    assert_int_equal(adm_precheck_parse("a http://h/ header=Host:s3cr3t", &pc,
                                        err, sizeof(err)), -1);
    assert_null(strstr(err, "s3cr3t"));   /* a value is never echoed */

}


static void
test_applies(void **state)
{
    json_t          *shop, *every, *other;
    adm_precheck_t   all, some;

    (void) state;

    taken("all http://h/", &all);
    taken("some http://h/ apps=shop,blog", &some);

    shop = json_pack("[s]", "shop");
    every = json_pack("[s]", "*");
    other = json_pack("[s, s]", "wiki", "shopping");

    assert_true(adm_precheck_applies(&all, shop));
    assert_true(adm_precheck_applies(&all, other));
    assert_true(adm_precheck_applies(&some, shop));
    assert_true(adm_precheck_applies(&some, every));
    assert_false(adm_precheck_applies(&some, other));

    json_decref(shop);
    json_decref(every);
    json_decref(other);
}


static const char *
field(json_t *r, const char *name)
{
    return json_string_value(json_object_get(r, name));
}


static void
test_results(void **state)
{
    json_t          *r, *all;
    adm_precheck_t   pc;

    (void) state;

    taken("b http://h/ status=200,204 body=\"backups: enabled\" "
          "timeout=2s", &pc);

    r = adm_precheck_result(&pc, NULL, 0, 200, "x backups: enabled\n", 19,
                            12);
    assert_string_equal(field(r, "status"), "ok");
    assert_string_equal(field(r, "detail"), "HTTP 200 in 12 ms");
    assert_true(json_is_true(json_object_get(r, "custom")));
    assert_int_equal(json_integer_value(json_object_get(r, "ms")), 12);
    json_decref(r);

    r = adm_precheck_result(&pc, NULL, 0, 503, "backups: enabled", 16, 3);
    assert_string_equal(field(r, "status"), "fail");
    assert_string_equal(field(r, "detail"), "HTTP 503, expected 200,204");
    json_decref(r);

    /* the text cut by the end of what was kept is not there */
    r = adm_precheck_result(&pc, NULL, 0, 204, "backups: enab", 13, 3);
    assert_string_equal(field(r, "status"), "fail");
    assert_string_equal(field(r, "detail"),
                        "HTTP 204 but the body lacks \"backups: enabled\"");
    json_decref(r);

    r = adm_precheck_result(&pc, NULL, 0, 200, NULL, 0, 3);
    assert_string_equal(field(r, "status"), "fail");
    json_decref(r);

    r = adm_precheck_result(&pc, "request failed: x", 1, 0, NULL, 0, 2000);
    assert_string_equal(field(r, "detail"), "no answer within 2000 ms");
    json_decref(r);

    /* words from outside are printable ASCII in a detail */
    r = adm_precheck_result(&pc, "cannot connect: \x1b[31mno\r\n", 0, 0,
                            NULL, 0, 1);
    assert_string_equal(field(r, "status"), "fail");
    assert_string_equal(field(r, "detail"), "cannot connect:  [31mno  ");
    json_decref(r);

    all = json_array();
    json_array_append_new(all, adm_precheck_result(&pc, NULL, 0, 200,
                                                   "backups: enabled", 16, 1));
    assert_false(adm_precheck_failed(all));

    r = adm_precheck_record(all, "start", 0, 1805544000123LL);
    assert_string_equal(field(r, "at"), "2027-03-20T12:00:00.123Z");
    assert_string_equal(field(r, "trigger"), "start");
    assert_true(json_is_true(json_object_get(r, "ok")));
    assert_true(json_is_false(json_object_get(r, "forced")));
    json_decref(r);

    json_array_append_new(all, adm_precheck_result(&pc, NULL, 0, 500, "", 0,
                                                   1));
    assert_true(adm_precheck_failed(all));

    r = adm_precheck_record(all, "scheduled", 1, 1805544000000LL);
    assert_true(json_is_false(json_object_get(r, "ok")));
    assert_true(json_is_true(json_object_get(r, "forced")));
    assert_int_equal(json_array_size(json_object_get(r, "checks")), 2);
    json_decref(r);

    json_decref(all);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_applies),
        cmocka_unit_test(test_results),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
