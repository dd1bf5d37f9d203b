/*
 * Notification targets and events (model/notify.c, model/events.c): what
 * a target may hold, field by field; what the API shows of one (no secret,
 * no header value); which events a window change makes; the body each
 * carries; and the targets each goes to.
 */

#include "unit.h"
#include "model/events.h"
#include "model/notify.h"
#include "model/window.h"


static json_t *
js(const char *s)
{
    json_t  *v;

    v = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(v);

    return v;
}


/* the field the first error names, or "" when none */

static const char *
check(const char *in, int creating, const char *kind, json_t **out)
{
    static char   field[64];
    json_t       *body, *errors;

    body = js(in);
    errors = json_array();
    *out = json_object();

    adm_notify_target_fields(body, creating, kind, *out, errors);

    field[0] = '\0';

    if (json_array_size(errors)) {
        snprintf(field, sizeof(field), "%s", json_string_value(
            json_object_get(json_array_get(errors, 0), "field")));
        assert_non_null(json_object_get(json_array_get(errors, 0), "reason"));
    }

    json_decref(body);
    json_decref(errors);

    return field;
}


static void
refused(const char *in, int creating, const char *kind, const char *field)
{
    json_t  *out;

    assert_string_equal(check(in, creating, kind, &out), field);
    json_decref(out);
}


static void
test_target_fields(void **state)
{
    json_t  *out;

    assert_string_equal(check("{\"name\": \"ops\", \"kind\": \"email\", "
                              "\"to\": [\"a@b.example\", \"x.y+z@c-d.org\"]}",
                              1, NULL, &out), "");
    assert_string_equal(json_string_value(json_object_get(out, "kind")),
                        "email");
    json_decref(out);

    assert_string_equal(check("{\"name\": \"h\", \"kind\": \"webhook\", "
                              "\"url\": \"https://h.example/x?y=1\", "
                              "\"secret\": \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2"
                              "LaLaSw\", \"headers\": {\"X-Key\": \"v 1\"}, "
                              "\"events\": [\"started\"], \"enabled\": false}",
                              1, NULL, &out), "");
    assert_int_equal(json_array_size(json_object_get(out, "secrets")), 1);
    assert_null(json_object_get(out, "secret"));
    json_decref(out);

    refused("{\"kind\": \"email\", \"to\": [\"a@b.example\"]}", 1, NULL,
            "name");
    refused("{\"name\": \"x\", \"kind\": \"email\"}", 1, NULL, "to");
    refused("{\"name\": \"x\", \"kind\": \"pager\"}", 1, NULL, "kind");
    refused("{\"name\": \"x\", \"kind\": \"email\", \"to\": "
            "[\"a@b.example\\r\\nBcc: e@vil\"]}", 1, NULL, "to");
    refused("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"@b.example\"]}",
            1, NULL, "to");
    refused("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"a@b_c\"]}",
            1, NULL, "to");
    refused("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"a@.b\"]}",
            1, NULL, "to");
    refused("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"a@b.\"]}",
            1, NULL, "to");
    refused("{\"name\": \"x\", \"kind\": \"email\", \"to\": [\"a@b@c\"]}",
            1, NULL, "to");
    refused("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": "
            "\"javascript:alert(1)\"}", 1, NULL, "url");
    refused("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": "
            "\"http://@h/\"}", 1, NULL, "url");
    refused("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": "
            "\"https://h/\\u00e9\"}", 1, NULL, "url");
    refused("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": \"https://h/\","
            " \"headers\": {\"Content-Length\": \"1\"}}", 1, NULL, "headers");
    refused("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": \"https://h/\","
            " \"headers\": {\"X\": \"a\\nb\"}}", 1, NULL, "headers");
    refused("{\"name\": \"x\", \"kind\": \"webhook\", \"url\": \"https://h/\","
            " \"to\": [\"a@b.example\"]}", 1, NULL, "to");

    /* editing: the kind is the stored one's */
    refused("{\"url\": \"https://h/\"}", 0, "email", "url");
    refused("{\"secret\": \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}", 0,
            "webhook", "secret");
    refused("{\"name\": \"y\"}", 0, "webhook", "name");
    assert_string_equal(check("{\"events\": [\"reminder\", \"cancelled\"]}",
                              0, "email", &out), "");
    json_decref(out);
}


static void
test_target_view(void **state)
{
    json_t  *rec, *view;
    char    *s;

    rec = js("{\"name\": \"h\", \"kind\": \"webhook\", \"url\": \"https://h/\","
             " \"secrets\": [\"whsec_new\", \"whsec_old\"], \"headers\": "
             "{\"X-Key\": \"sekrit\"}, \"events\": [\"started\"], "
             "\"enabled\": true}");
    view = adm_notify_target_view(rec);
    s = json_dumps(view, 0);

    assert_null(strstr(s, "whsec_"));
    assert_null(strstr(s, "sekrit"));
    assert_int_equal(json_integer_value(json_object_get(view,
                                                        "secret_count")), 2);

    assert_true(adm_notify_wants(rec, "started"));
    assert_false(adm_notify_wants(rec, "completed"));
    json_object_set_new(rec, "enabled", json_false());
    assert_false(adm_notify_wants(rec, "started"));

    free(s);
    json_decref(view);
    json_decref(rec);
}


static size_t
events(const char *action, const char *before, const char *after,
    const char **types)
{
    size_t   n;
    json_t  *b, *a;

    b = before ? js(before) : NULL;
    a = after ? js(after) : NULL;
    n = adm_events_of(action, b, a, types);
    json_decref(b);
    json_decref(a);

    return n;
}


static void
test_events_of(void **state)
{
    const char  *t[ADM_EVENTS_MAX];

    assert_int_equal(events("window.create", NULL,
                            "{\"status\": \"scheduled\"}", t), 1);
    assert_string_equal(t[0], "scheduled");

    assert_int_equal(events("window.create", NULL,
                            "{\"status\": \"in_progress\"}", t), 2);
    assert_string_equal(t[1], "started");

    assert_int_equal(events("window.update", "{\"notes\": \"a\"}",
                            "{\"notes\": \"b\"}", t), 0);
    assert_int_equal(events("window.update", "{\"ends_at\": \"a\"}",
                            "{\"ends_at\": \"b\"}", t), 1);
    assert_string_equal(t[0], "changed");

    assert_int_equal(events("window.auto_start", "{}", "{}", t), 1);
    assert_string_equal(t[0], "started");
    assert_int_equal(events("window.auto_complete", "{}", "{}", t), 1);
    assert_string_equal(t[0], "completed");
    assert_int_equal(events("window.cancel", "{}", "{}", t), 1);
    assert_string_equal(t[0], "cancelled");
    assert_int_equal(events("window.reminder", "{}", "{}", t), 1);
    assert_string_equal(t[0], "reminder");

    /* deleting history tells nobody; deleting a plan cancels it */
    assert_int_equal(events("window.delete", "{\"status\": \"completed\"}",
                            NULL, t), 0);
    assert_int_equal(events("window.delete", "{\"status\": \"scheduled\"}",
                            NULL, t), 1);
    assert_string_equal(t[0], "cancelled");

    assert_int_equal(events("settings.update", "{}", "{}", t), 0);
    assert_int_equal(events("notify.target.create", NULL, "{}", t), 0);
}


static void
test_event_body(void **state)
{
    json_t       *win, *body, *data, *targets, *to;
    adm_event_t   e;

    win = js("{\"id\": \"w_abc\", \"title\": \"T\", \"notify\": "
             "[\"a\", \"gone\", \"b\", \"off\"]}");

    memset(&e, 0, sizeof(e));
    e.id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    e.type = "started";
    e.window = win;
    e.actor = "alice";
    e.public_url = "https://admin.example";
    e.now_ms = 1614265330123LL;

    body = adm_event_body(&e);
    assert_string_equal(json_string_value(json_object_get(body, "type")),
                        "maintenance.started");
    assert_string_equal(json_string_value(json_object_get(body, "timestamp")),
                        "2021-02-25T15:02:10Z");
    data = json_object_get(body, "data");
    assert_string_equal(json_string_value(json_object_get(data, "event_id")),
                        e.id);
    assert_string_equal(json_string_value(json_object_get(data, "link")),
                        "https://admin.example/#/windows/w_abc");
    assert_true(json_equal(json_object_get(data, "window"), win));
    assert_null(json_object_get(data, "changed"));
    json_decref(body);

    e.public_url = "";
    body = adm_event_body(&e);
    assert_true(json_is_null(json_object_get(json_object_get(body, "data"),
                                             "link")));
    json_decref(body);

    targets = js("{\"a\": {\"enabled\": true, \"events\": [\"started\"]},"
                 " \"b\": {\"enabled\": true, \"events\": [\"completed\"]},"
                 " \"off\": {\"enabled\": false, \"events\": [\"started\"]},"
                 " \"other\": {\"enabled\": true, \"events\": [\"started\"]}}");
    to = adm_event_targets(win, "started", targets);
    assert_int_equal(json_array_size(to), 1);
    assert_string_equal(json_string_value(json_array_get(to, 0)), "a");

    json_decref(to);
    json_decref(targets);
    json_decref(win);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_fields),
        cmocka_unit_test(test_target_view),
        cmocka_unit_test(test_events_of),
        cmocka_unit_test(test_event_body),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
