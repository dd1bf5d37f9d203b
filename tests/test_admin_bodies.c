/*
 * The admin API's request bodies other than a window's (bodies.c): each
 * refused field is named with a reason, the limits sit where the API
 * reference says, and accepted values come through unchanged.  Also the
 * NUL finder every body passes, the UTF-8 trimming of text cut to a buffer
 * and the bearer-token check and what each route lets each role do
 * (auth.c).
 */

#include "unit.h"
#include "admin.h"
#include "config.h"
#include "http/auth.h"
#include "model/bodies.h"
#include "model/settings.h"
#include "model/window.h"


/* the fields the errors name, comma-separated ("" when none) */

static const char *
named(json_t *errors)
{
    static char   out[512];
    size_t        i;
    json_t       *e;

    out[0] = '\0';

    json_array_foreach(errors, i, e) {
        assert_non_null(json_string_value(json_object_get(e, "reason")));
        if (out[0]) {
            strcat(out, ",");
        }
        strcat(out, json_string_value(json_object_get(e, "field")));
    }

    json_array_clear(errors);

    return out;
}


static json_t *
body(const char *s)
{
    json_t  *v;

    v = json_loads(s, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, NULL);
    assert_non_null(v);

    return v;
}


static int
settings(const char *s, json_t *errors)
{
    int      rc;
    json_t  *in, *next;

    in = body(s);
    next = adm_settings_defaults();
    rc = adm_settings_fields(in, next, errors);
    json_decref(in);
    json_decref(next);

    return rc;
}


static void
test_settings(void **state)
{
    json_t  *e = json_array(), *in, *next;

    (void) state;

    assert_int_equal(settings("{\"notify_before_minutes\": 0, "
                              "\"session_idle_minutes\": 527040, "
                              "\"session_lifetime_days\": 3650}", e), 0);
    assert_string_equal(named(e), "");

    assert_int_equal(settings("{\"notify_before_minutes\": 10081, "
                              "\"session_idle_minutes\": 0, "
                              "\"session_lifetime_days\": 1.5, "
                              "\"login_message\": \"a\\u0007b\", "
                              "\"revision\": 9, \"colour\": 1}", e), -1);
    assert_string_equal(named(e), "notify_before_minutes,"
                        "session_idle_minutes,session_lifetime_days,"
                        "login_message,revision,colour");

    /* an accepted value replaces the stored one; others stay */
    in = body("{\"notify_message\": \"tonight\\n22:00\"}");
    next = adm_settings_defaults();
    assert_int_equal(adm_settings_fields(in, next, e), 0);
    assert_string_equal(json_string_value(json_object_get(next,
                        "notify_message")), "tonight\n22:00");
    assert_int_equal(json_integer_value(json_object_get(next,
                     "notify_before_minutes")), 30);
    json_decref(in);
    json_decref(next);
    json_decref(e);
}


static void
test_superadmin(void **state)
{
    json_t      *e = json_array(), *in;
    const char  *name;

    (void) state;

    in = body("{\"name\": \"alice.ops\"}");
    assert_int_equal(adm_superadmin_fields(in, &name, e), 0);
    assert_string_equal(name, "alice.ops");
    json_decref(in);

    in = body("{\"name\": \"alice ops\"}");
    assert_int_equal(adm_superadmin_fields(in, &name, e), -1);
    assert_null(name);
    assert_string_equal(named(e), "name");
    json_decref(in);

    in = body("{\"name\": \"a\", \"role\": \"admin\"}");
    assert_int_equal(adm_superadmin_fields(in, &name, e), -1);
    assert_string_equal(named(e), "role");
    json_decref(in);

    in = body("{}");
    assert_int_equal(adm_superadmin_fields(in, &name, e), -1);
    assert_string_equal(named(e), "name");
    json_decref(in);
    json_decref(e);
}


static void
test_terminate(void **state)
{
    char              ids[1100 * 67 + 64];
    size_t            i;
    json_t           *e = json_array(), *in;
    adm_terminate_t   t;

    (void) state;

    assert_int_equal(adm_terminate_fields(NULL, &t, e), 0);
    assert_null(t.app);
    assert_null(t.except);

    in = body("{\"app\": \"shop\", \"except_superadmins\": true, \"except\": "
              "[\"0123456789abcdef0123456789abcdef"
              "0123456789abcdef0123456789abcdef\"]}");
    assert_int_equal(adm_terminate_fields(in, &t, e), 0);
    assert_string_equal(t.app, "shop");
    assert_int_equal(t.except_superadmins, 1);
    assert_int_equal(json_array_size(t.except), 1);
    json_decref(in);

    /* uppercase hex, 63 digits, a number: not session ids */
    in = body("{\"app\": \"a/b\", \"except_superadmins\": 1, \"except\": "
              "[\"0123456789ABCDEF0123456789abcdef"
              "0123456789abcdef0123456789abcdef\"], \"all\": true}");
    assert_int_equal(adm_terminate_fields(in, &t, e), -1);
    assert_string_equal(named(e), "app,except_superadmins,except,all");
    json_decref(in);

    in = body("{\"except\": [\"0123456789abcdef0123456789abcdef"
              "0123456789abcdef0123456789abcde\", 7]}");
    assert_int_equal(adm_terminate_fields(in, &t, e), -1);
    assert_string_equal(named(e), "except");
    json_decref(in);

    /* at most ADM_EXCEPT_MAX ids */
    strcpy(ids, "{\"except\": [");
    for (i = 0; i <= ADM_EXCEPT_MAX; i++) {
        strcat(ids, i ? ",\"" : "\"");
        strcat(ids, "0123456789abcdef0123456789abcdef"
                    "0123456789abcdef0123456789abcdef\"");
    }
    strcat(ids, "]}");
    in = body(ids);
    assert_int_equal(adm_terminate_fields(in, &t, e), -1);
    assert_string_equal(named(e), "except");
    json_decref(in);
    json_decref(e);
}


static void
test_finish(void **state)
{
    json_t        *e = json_array(), *in, *notes;
    adm_status_e   st;

    (void) state;

    assert_int_equal(adm_finish_fields(NULL, 1, &st, &notes, e), 0);
    assert_int_equal(st, ADM_ST_COMPLETED);
    assert_int_equal(adm_finish_fields(NULL, 0, &st, &notes, e), 0);
    assert_int_equal(st, ADM_ST_CANCELLED);

    in = body("{\"outcome\": \"failed\", \"notes\": \"rolled back\"}");
    assert_int_equal(adm_finish_fields(in, 1, &st, &notes, e), 0);
    assert_int_equal(st, ADM_ST_FAILED);
    assert_string_equal(json_string_value(notes), "rolled back");

    /* a cancellation has no outcome */
    assert_int_equal(adm_finish_fields(in, 0, &st, &notes, e), -1);
    assert_string_equal(named(e), "outcome");
    json_decref(in);

    in = body("{\"outcome\": \"in_progress\", \"notes\": 5}");
    assert_int_equal(adm_finish_fields(in, 1, &st, &notes, e), -1);
    assert_int_equal(st, ADM_ST_COMPLETED);
    assert_null(notes);
    assert_string_equal(named(e), "outcome,notes");
    json_decref(in);
    json_decref(e);
}


static void
test_utf8_trim(void **state)
{
    char  s[16];

    (void) state;

    /* "a€" cut after 1 and 2 of the euro's 3 bytes; "😀" after 3 of 4 */
    strcpy(s, "a\xe2\x82");
    adm_utf8_trim(s);
    assert_string_equal(s, "a");
    strcpy(s, "a\xe2");
    adm_utf8_trim(s);
    assert_string_equal(s, "a");
    strcpy(s, "\xf0\x9f\x98");
    adm_utf8_trim(s);
    assert_string_equal(s, "");

    /* whole characters stay */
    strcpy(s, "a\xe2\x82\xac");
    adm_utf8_trim(s);
    assert_string_equal(s, "a\xe2\x82\xac");
    strcpy(s, "\xf0\x9f\x98\x80");
    adm_utf8_trim(s);
    assert_string_equal(s, "\xf0\x9f\x98\x80");
    strcpy(s, "plain");
    adm_utf8_trim(s);
    assert_string_equal(s, "plain");
    s[0] = '\0';
    adm_utf8_trim(s);
    assert_string_equal(s, "");
}


static void
test_nul_path(void **state)
{
    char     path[128];
    json_t  *in;

    (void) state;

    in = body("{\"a\": 1, \"allow\": {\"paths\": [\"/ok\", \"/x\\u0000y\"]}}");
    assert_int_equal(adm_json_nul(in, path, sizeof(path)), 1);
    assert_string_equal(path, "allow.paths");
    json_decref(in);

    /* a key longer than the path buffer, cut inside a character */
    {
        char    key[400];
        size_t  i;
        json_t *o;

        for (i = 0; i + 3 < 300; i += 3) {
            memcpy(key + i, "\xe2\x82\xac", 3);
        }
        key[i] = '\0';
        o = json_object();
        json_object_set_new(o, key, json_stringn("x\0y", 3));
        assert_int_equal(adm_json_nul(o, path, sizeof(path)), 1);
        assert_true(strlen(path) < sizeof(path));
        assert_int_equal(strlen(path) % 3, 0);
        json_decref(o);
    }

    in = body("{\"a\": [\"b\", {\"c\": \"d\"}]}");
    assert_int_equal(adm_json_nul(in, path, sizeof(path)), 0);
    json_decref(in);
}


static void
test_auth(void **state)
{
    char           line[128], hex[65], err[128];
    size_t         i;
    unsigned char  h[32];

    (void) state;

    adm_config_defaults();
    adm_token_hash(S("mt_secret"), h);
    for (i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    }
    snprintf(line, sizeof(line), "ops admin %s", hex);
    assert_int_equal(adm_config_set("token", line, err, sizeof(err)), 0);

    assert_non_null(adm_auth("Bearer mt_secret"));
    assert_non_null(adm_auth("bearer   mt_secret"));
    assert_null(adm_auth("Bearer mt_secret "));
    assert_null(adm_auth("Bearer\tmt_secret"));
    assert_null(adm_auth("Bearer mt_secre"));
    assert_null(adm_auth("mt_secret"));
    assert_null(adm_auth("Bearer "));
    assert_null(adm_auth(NULL));
}


static void
add_token(const char *name, const char *role, const char *tok)
{
    char           line[160], hex[65], err[128];
    size_t         i;
    unsigned char  h[32];

    adm_token_hash(tok, strlen(tok), h);
    for (i = 0; i < 32; i++) {
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    }
    snprintf(line, sizeof(line), "%s %s %s", name, role, hex);
    assert_int_equal(adm_config_set("token", line, err, sizeof(err)), 0);
}


/* adm_authorize(): each role on each kind of route, header or URL */

static void
test_authorize(void **state)
{
    char                err[128];
    size_t              i;
    const adm_token_t  *t;

    static const struct {
        adm_role_e   need;
        const char  *header;
        const char  *url;
        adm_auth_e   want;
        const char  *who;
    } cases[] = {
        { ADM_ROLE_NONE,   NULL, NULL, ADM_AUTH_OK, NULL },
        { ADM_ROLE_NONE,   "Bearer nope", "mt_feed", ADM_AUTH_OK, NULL },
        { ADM_ROLE_VIEWER, NULL, NULL, ADM_AUTH_MISSING, NULL },
        { ADM_ROLE_VIEWER, "Bearer mt_admin", NULL, ADM_AUTH_OK, "ops" },
        { ADM_ROLE_VIEWER, "Bearer mt_viewer", NULL, ADM_AUTH_OK, "eyes" },
        { ADM_ROLE_VIEWER, "Bearer mt_feed", NULL, ADM_AUTH_FEED_ONLY,
          "cal" },
        { ADM_ROLE_VIEWER, "Bearer nope", NULL, ADM_AUTH_INVALID, NULL },
        /* ?token= means nothing outside the feed, whatever it holds */
        { ADM_ROLE_VIEWER, NULL, "mt_viewer", ADM_AUTH_MISSING, NULL },
        { ADM_ROLE_VIEWER, NULL, "mt_feed", ADM_AUTH_MISSING, NULL },
        { ADM_ROLE_ADMIN,  "Bearer mt_admin", NULL, ADM_AUTH_OK, "ops" },
        { ADM_ROLE_ADMIN,  "Bearer mt_viewer", NULL, ADM_AUTH_READ_ONLY,
          "eyes" },
        { ADM_ROLE_ADMIN,  "Bearer mt_feed", NULL, ADM_AUTH_FEED_ONLY,
          "cal" },
        { ADM_ROLE_ADMIN,  NULL, "mt_admin", ADM_AUTH_MISSING, NULL },
        /* the feed: every token as a header, only a feed token in the URL */
        { ADM_ROLE_FEED,   NULL, NULL, ADM_AUTH_MISSING, NULL },
        { ADM_ROLE_FEED,   "Bearer mt_feed", NULL, ADM_AUTH_OK, "cal" },
        { ADM_ROLE_FEED,   "Bearer mt_viewer", NULL, ADM_AUTH_OK, "eyes" },
        { ADM_ROLE_FEED,   "Bearer mt_admin", NULL, ADM_AUTH_OK, "ops" },
        { ADM_ROLE_FEED,   NULL, "mt_feed", ADM_AUTH_OK, "cal" },
        { ADM_ROLE_FEED,   NULL, "mt_viewer", ADM_AUTH_NOT_IN_URL, "eyes" },
        { ADM_ROLE_FEED,   NULL, "mt_admin", ADM_AUTH_NOT_IN_URL, "ops" },
        { ADM_ROLE_FEED,   NULL, "mt_fee", ADM_AUTH_INVALID, NULL },
        { ADM_ROLE_FEED,   NULL, "", ADM_AUTH_INVALID, NULL },
        /* a header, even a bad one, is what counts when both come */
        { ADM_ROLE_FEED,   "Bearer nope", "mt_feed", ADM_AUTH_INVALID, NULL },
        { ADM_ROLE_FEED,   "Bearer mt_admin", "mt_feed", ADM_AUTH_OK, "ops" },
    };

    (void) state;

    adm_config_defaults();
    add_token("ops", "admin", "mt_admin");
    add_token("eyes", "viewer", "mt_viewer");
    add_token("cal", "feed", "mt_feed");
    assert_int_not_equal(adm_config_set("token", "x root " "00", err,
                                        sizeof(err)), 0);
    assert_non_null(strstr(err, "admin, viewer or feed"));
    assert_string_equal(adm_role_name(ADM_ROLE_FEED), "feed");

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        t = (const adm_token_t *) 1;
        if (adm_authorize(cases[i].need, cases[i].header, cases[i].url, &t)
            != cases[i].want)
        {
            fail_msg("case %zu: %s / %s", i,
                     cases[i].header ? cases[i].header : "-",
                     cases[i].url ? cases[i].url : "-");
        }

        if (cases[i].who) {
            assert_non_null(t);
            assert_string_equal(t->name, cases[i].who);

        } else {
            assert_null(t);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings),
        cmocka_unit_test(test_superadmin),
        cmocka_unit_test(test_terminate),
        cmocka_unit_test(test_finish),
        cmocka_unit_test(test_nul_path),
        cmocka_unit_test(test_utf8_trim),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_authorize),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
