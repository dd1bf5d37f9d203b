/* Snapshot decoding: every field, every way it can be wrong. */

#include <arpa/inet.h>
#include <sys/socket.h>

#include "unit.h"
#include "maint_snapshot.h"


static maint_snapshot_t *
parse(const char *json, char *err)
{
    return maint_snapshot_parse(json, strlen(json), err, 256);
}


static void
expect_error(const char *json, const char *message)
{
    char               err[256];
    maint_snapshot_t  *s;

    s = parse(json, err);
    if (s != NULL) {
        fail_msg("accepted: %s", json);
    }

    if (strstr(err, message) == NULL) {
        fail_msg("for %s\n  want \"%s\"\n  got  \"%s\"", json, message, err);
    }
}


static void
test_empty_input_is_empty_state(void **state)
{
    char               err[256];
    maint_snapshot_t  *s;

    s = maint_snapshot_parse("", 0, err, sizeof(err));
    assert_non_null(s);
    assert_int_equal(s->nwindows, 0);
    maint_snapshot_free(s);

    s = parse("{\"schema\":1}", err);
    assert_non_null(s);
    assert_int_equal(s->nwindows, 0);
    maint_snapshot_free(s);
}


static void
test_full_window(void **state)
{
    char                   err[256];
    maint_snapshot_t      *s;
    const maint_window_t  *w;

    s = parse("{\"schema\":1,"
              "\"settings\":{\"notify_before_minutes\":10,"
              "  \"login_message\":\"default login\","
              "  \"notify_message\":\"default notify\"},"
              "\"future_field\":{\"ignored\":true},"
              "\"windows\":[{\"id\":\"w-1\",\"title\":\"DB\","
              "  \"apps\":[\"shop\",\"crm\"],\"start\":1000,\"end\":2000,"
              "  \"hold\":true,\"mode\":\"read_only\","
              "  \"login_message\":\"line 1\\nline 2\","
              "  \"notify_before_minutes\":5,"
              "  \"allow\":{\"paths\":[\"/health\",\"/static/\"],"
              "           \"networks\":[\"10.0.0.0/8\",\"2001:db8::/32\","
              "                         \"192.0.2.7\"]}},"
              " {\"id\":\"w2\",\"apps\":[\"*\"],\"start\":3000,\"end\":4000}]}",
              err);

    assert_non_null(s);
    assert_int_equal(s->nwindows, 2);

    w = &s->windows[0];
    assert_true(str_is(&w->id, "w-1"));
    assert_true(str_is(&w->title, "DB"));
    assert_int_equal(w->napps, 2);
    assert_false(w->all_apps);
    assert_true(str_is(&w->apps[1], "crm"));
    assert_int_equal(w->start, 1000);
    assert_int_equal(w->end, 2000);
    assert_true(w->hold);
    assert_int_equal(w->mode, MAINT_MODE_READ_ONLY);
    assert_true(str_is(&w->message, "line 1\nline 2"));
    assert_true(str_is(&w->notify_message, "default notify"));
    assert_int_equal(w->notify_before, 300);
    assert_int_equal(w->nallow_paths, 2);
    assert_int_equal(w->nallow_networks, 3);
    assert_string_equal(w->starts_at, "1970-01-01T00:16:40Z");
    assert_string_equal(w->ends_at, "1970-01-01T00:33:20Z");

    w = &s->windows[1];
    assert_true(w->all_apps);
    assert_int_equal(w->mode, MAINT_MODE_FULL);
    assert_false(w->hold);
    assert_true(str_is(&w->message, "default login"));
    assert_int_equal(w->notify_before, 600);

    maint_snapshot_free(s);
}


static void
test_show_login_message_false(void **state)
{
    char               err[256];
    maint_snapshot_t  *s;

    s = parse("{\"schema\":1,\"settings\":{\"login_message\":\"d\"},"
              "\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],\"start\":1,"
              "\"end\":2,\"login_message\":\"x\","
              "\"show_login_message\":false}]}", err);
    assert_non_null(s);
    assert_int_equal(s->windows[0].message.len, 0);
    maint_snapshot_free(s);
}


static void
test_default_notify_is_30_minutes(void **state)
{
    char               err[256];
    maint_snapshot_t  *s;

    s = parse("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
              "\"start\":1,\"end\":2}]}", err);
    assert_non_null(s);
    assert_int_equal(s->windows[0].notify_before, 30 * 60);
    maint_snapshot_free(s);
}


static void
test_errors_name_the_field(void **state)
{
    expect_error("not json", "invalid JSON");
    expect_error("[]", "snapshot: must be an object");
    expect_error("{}", "schema: is missing");
    expect_error("{\"schema\":2}", "schema: is not supported");
    expect_error("{\"schema\":\"1\"}", "schema: must be an integer");
    expect_error("{\"schema\":1,\"schema\":1}", "duplicate");
    expect_error("{\"schema\":1,\"windows\":{}}", "windows: must be an array");
    expect_error("{\"schema\":1,\"windows\":[1]}",
                 "windows[0]: must be an object");
    expect_error("{\"schema\":1,\"windows\":[{\"apps\":[\"*\"],\"start\":1,"
                 "\"end\":2}]}", "windows[0].id: must be 1 to 64");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a b\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2}]}", "windows[0].id: must be");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"start\":1,"
                 "\"end\":2}]}", "windows[0].apps: must be a non-empty");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[],"
                 "\"start\":1,\"end\":2}]}", "windows[0].apps");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[7],"
                 "\"start\":1,\"end\":2}]}", "must contain only strings");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"a:b\"],"
                 "\"start\":1,\"end\":2}]}", "invalid app name");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"end\":2}]}", "windows[0].start: is missing");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1.5,\"end\":2}]}",
                 "windows[0].start: must be an integer");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":-1,\"end\":2}]}", "windows[0].start: is out of");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":5,\"end\":5}]}",
                 "windows[0].end: must be after start");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"mode\":\"partial\"}]}",
                 "windows[0].mode: must be \"full\" or \"read_only\"");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"hold\":\"yes\"}]}",
                 "windows[0].hold: must be true or false");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"title\":\"a\\u0007b\"}]}",
                 "windows[0].title: contains a control character");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"title\":\"a\\u0000b\"}]}",
                 "is not allowed");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"login_message\":\"a\\r\\nb\"}]}",
                 "windows[0].login_message: contains a control character");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"allow\":{\"paths\":[\"rel\"]}}]}",
                 "windows[0].allow.paths: must contain paths starting");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"allow\":{\"networks\":"
                 "[\"10.0.0.0/33\"]}}]}", "windows[0].allow.networks");
    expect_error("{\"schema\":1,\"settings\":{\"notify_before_minutes\":-5}}",
                 "settings.notify_before_minutes: is out of range");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2},{\"id\":\"b\"}]}",
                 "windows[1].");
}


static void
test_oversized(void **state)
{
    char    err[256];
    size_t  n = MAINT_MAX_SNAPSHOT + 1;
    char   *big = malloc(n);

    memset(big, ' ', n);
    assert_null(maint_snapshot_parse(big, n, err, sizeof(err)));
    assert_non_null(strstr(err, "larger than 1 MiB"));
    free(big);
}


static void
test_cidr(void **state)
{
    maint_cidr_t   c;
    unsigned char  a[16];

    assert_int_equal(maint_cidr_parse(S("10.1.0.0/16"), &c), 0);
    inet_pton(AF_INET, "10.1.200.3", a);
    assert_true(maint_cidr_match(&c, AF_INET, a));
    inet_pton(AF_INET, "10.2.0.1", a);
    assert_false(maint_cidr_match(&c, AF_INET, a));

    /* host bits are masked off */
    assert_int_equal(maint_cidr_parse(S("192.168.1.77/24"), &c), 0);
    inet_pton(AF_INET, "192.168.1.1", a);
    assert_true(maint_cidr_match(&c, AF_INET, a));

    assert_int_equal(maint_cidr_parse(S("0.0.0.0/0"), &c), 0);
    inet_pton(AF_INET, "8.8.8.8", a);
    assert_true(maint_cidr_match(&c, AF_INET, a));

    assert_int_equal(maint_cidr_parse(S("2001:db8::/33"), &c), 0);
    inet_pton(AF_INET6, "2001:db8:7fff::1", a);
    assert_true(maint_cidr_match(&c, AF_INET6, a));
    inet_pton(AF_INET6, "2001:db8:8000::1", a);
    assert_false(maint_cidr_match(&c, AF_INET6, a));
    assert_false(maint_cidr_match(&c, AF_INET, a));

    assert_int_equal(maint_cidr_parse(S("::1"), &c), 0);
    inet_pton(AF_INET6, "::1", a);
    assert_true(maint_cidr_match(&c, AF_INET6, a));

    assert_int_equal(maint_cidr_parse(S("10.0.0.0/"), &c), -1);
    assert_int_equal(maint_cidr_parse(S("10.0.0.0/8x"), &c), -1);
    assert_int_equal(maint_cidr_parse(S("10.0.0.0/-1"), &c), -1);
    assert_int_equal(maint_cidr_parse(S("10.0.0/8"), &c), -1);
    assert_int_equal(maint_cidr_parse(S("::/129"), &c), -1);
    assert_int_equal(maint_cidr_parse(S("host.example"), &c), -1);
    assert_int_equal(maint_cidr_parse(S(""), &c), -1);
}


static void
test_translations(void **state)
{
    char                        err[256];
    maint_snapshot_t           *s;
    const maint_window_t       *w;
    const maint_translation_t  *t;

    s = parse("{\"schema\":1,\"settings\":{\"notify_message\":\"dn\"},"
              "\"windows\":[{\"id\":\"a\",\"title\":\"T\","
              "\"apps\":[\"*\"],\"start\":1,\"end\":2,"
              "\"login_message\":\"m\",\"translations\":{"
              "\"fr\":{\"title\":\"Tf\",\"login_message\":\"mf\","
              "\"notify_message\":\"nf\",\"future\":1},"
              "\"de-CH\":{}}}]}", err);
    assert_non_null(s);

    w = &s->windows[0];
    assert_int_equal(w->ntranslations, 2);

    t = &w->translations[0];
    assert_true(str_is(&t->lang, "fr"));
    assert_true(str_is(&t->title, "Tf"));
    assert_true(str_is(&t->message, "mf"));
    assert_true(str_is(&t->notify_message, "nf"));

    /* empty: the window's own texts (and the settings' defaults) */
    t = &w->translations[1];
    assert_true(str_is(&t->lang, "de-CH"));
    assert_true(str_is(&t->title, "T"));
    assert_true(str_is(&t->message, "m"));
    assert_true(str_is(&t->notify_message, "dn"));

    maint_snapshot_free(s);

    /* a hidden login message stays hidden in every language */
    s = parse("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
              "\"start\":1,\"end\":2,\"show_login_message\":false,"
              "\"translations\":{\"fr\":{\"login_message\":\"x\"}}}]}",
              err);
    assert_non_null(s);
    assert_int_equal(s->windows[0].translations[0].message.len, 0);
    maint_snapshot_free(s);

    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"translations\":[]}]}",
                 "windows[0].translations: must be an object");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"translations\":{\"f r\":{}}}]}",
                 "windows[0].translations.f r: is not a language tag");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"translations\":{\"fr\":1}}]}",
                 "windows[0].translations.fr: must be an object");
    expect_error("{\"schema\":1,\"windows\":[{\"id\":\"a\",\"apps\":[\"*\"],"
                 "\"start\":1,\"end\":2,\"translations\":{\"fr\":"
                 "{\"title\":\"a\\u0007\"}}}]}",
                 "windows[0].translations.fr.title: contains a control");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_input_is_empty_state),
        cmocka_unit_test(test_full_window),
        cmocka_unit_test(test_show_login_message_false),
        cmocka_unit_test(test_default_notify_is_30_minutes),
        cmocka_unit_test(test_errors_name_the_field),
        cmocka_unit_test(test_oversized),
        cmocka_unit_test(test_cidr),
        cmocka_unit_test(test_translations),
    };

    return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
