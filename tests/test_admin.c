/*
 * The admin API's window model: field validation, defaults, lifecycle by
 * the clock, overlaps, and the contract with the gateways: the snapshot it
 * builds is decoded and judged by the module's own code as intended.
 */

#include "unit.h"
#include "admin.h"
#include "config.h"
#include "log.h"
#include "maint_eval.h"
#include "maint_session.h"
#include "model/settings.h"
#include "model/snapshot.h"
#include "model/times.h"
#include "model/window.h"


#define NOW  1795300000LL           /* 2026-11-22T05:06:40Z */


static json_t *
parse(const char *s)
{
    json_t  *v;

    v = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
    if (v == NULL) {
        fail_msg("bad test JSON: %s", s);
    }

    return v;
}


/* the fields named by the errors for an input, comma-separated */

static char *
errors_for(const char *input, int creating)
{
    static char   out[1024];
    size_t        i;
    json_t       *in, *fields, *errors, *e;

    in = parse(input);
    fields = json_object();
    errors = json_array();

    adm_window_fields(in, creating, NOW, fields, errors);

    out[0] = '\0';

    json_array_foreach(errors, i, e) {
        if (out[0]) {
            strcat(out, ",");
        }

        strcat(out, json_string_value(json_object_get(e, "field")));
    }

    json_decref(in);
    json_decref(fields);
    json_decref(errors);

    return out;
}


static void
test_fields(void **state)
{
    static const struct {
        const char  *input;
        int          creating;
        const char  *fields;
    } v[] = {
        { "{\"title\":\"t\",\"apps\":[\"shop\"],\"starts_at\":\"now\","
          "\"ends_at\":\"2026-11-22T06:00:00+01:00\"}", 1, "" },
        { "{}", 1, "title,apps,starts_at,ends_at" },
        { "{}", 0, "" },
        { "{\"bogus\":1}", 0, "bogus" },
        { "{\"id\":\"x\",\"status\":\"failed\",\"revision\":9}", 0,
          "id,status,revision" },
        { "{\"title\":\"\"}", 0, "title" },
        { "{\"title\":7}", 0, "title" },
        { "{\"title\":\"a\\u0001b\"}", 0, "title" },
        { "{\"title\":\"a\\nb\"}", 0, "title" },
        { "{\"apps\":[]}", 0, "apps" },
        { "{\"apps\":[\"a b\"]}", 0, "apps" },
        { "{\"apps\":[\"*\",\"shop\"]}", 0, "apps" },
        { "{\"apps\":[\"*\"]}", 0, "" },
        { "{\"apps\":\"shop\"}", 0, "apps" },
        { "{\"starts_at\":\"2026-11-22 06:00\"}", 0, "starts_at" },
        { "{\"starts_at\":\"2026-11-22T06:00:00\"}", 0, "starts_at" },
        { "{\"ends_at\":1795300000}", 0, "ends_at" },
        { "{\"mode\":\"partial\"}", 0, "mode" },
        { "{\"mode\":\"read_only\"}", 0, "" },
        { "{\"login_message\":\"line\\nline\\ttab\"}", 0, "" },
        { "{\"notify_message\":\"bell\\u0007\"}", 0, "notify_message" },
        { "{\"notify_before_minutes\":null}", 0, "" },
        { "{\"notify_before_minutes\":10081}", 0, "notify_before_minutes" },
        { "{\"notify_before_minutes\":-1}", 0, "notify_before_minutes" },
        { "{\"notify_before_minutes\":1.5}", 0, "notify_before_minutes" },
        { "{\"enabled\":\"yes\"}", 0, "enabled" },
        { "{\"hold_until_completed\":1}", 0, "hold_until_completed" },
        { "{\"allow\":{\"paths\":[\"/ok\",\"rel\"]}}", 0, "allow.paths" },
        { "{\"allow\":{\"paths\":[\"/a b\"]}}", 0, "allow.paths" },
        { "{\"allow\":{\"networks\":[\"10.0.0.0/8\",\"10.0.0.0/33\"]}}", 0,
          "allow.networks" },
        { "{\"allow\":{\"hosts\":[]}}", 0, "allow.hosts" },
        { "{\"allow\":[]}", 0, "allow" },
        { "{\"translations\":{}}", 0, "" },
        { "{\"translations\":{\"fr\":{\"title\":\"t\","
          "\"login_message\":\"a\\nb\",\"notify_message\":\"n\"},"
          "\"pt-BR\":{}}}", 0, "" },
        { "{\"translations\":[]}", 0, "translations" },
        { "{\"translations\":{\"f r\":{}}}", 0, "translations.f r" },
        { "{\"translations\":{\"fr\":\"x\"}}", 0, "translations.fr" },
        { "{\"translations\":{\"fr\":{\"headline\":\"x\"}}}", 0,
          "translations.fr.headline" },
        { "{\"translations\":{\"fr\":{\"title\":\"a\\nb\"}}}", 0,
          "translations.fr.title" },
        { "{\"translations\":{\"fr\":{\"notify_message\":7}}}", 0,
          "translations.fr.notify_message" },
        { "{\"translations\":{\"fr\":{},\"FR\":{}}}", 0,
          "translations.FR" },
    };
    size_t  i;
    char   *got;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        got = errors_for(v[i].input, v[i].creating);

        if (strcmp(got, v[i].fields) != 0) {
            fail_msg("%s: errors for [%s], want [%s]", v[i].input, got,
                     v[i].fields);
        }
    }
}


static void
test_lengths(void **state)
{
    char    buf[12100];
    size_t  n;

    /* 200 characters of title pass, 201 do not; é counts once */
    strcpy(buf, "{\"title\":\"");
    n = strlen(buf);
    memset(buf + n, 'x', 200);
    strcpy(buf + n + 200, "\"}");
    assert_string_equal(errors_for(buf, 0), "");

    memset(buf + n, 'x', 201);
    strcpy(buf + n + 201, "\"}");
    assert_string_equal(errors_for(buf, 0), "title");

    for (size_t i = 0; i < 200; i++) {
        memcpy(buf + n + 2 * i, "\xc3\xa9", 2);
    }
    strcpy(buf + n + 400, "\"}");
    assert_string_equal(errors_for(buf, 0), "");

    strcpy(buf, "{\"notes\":\"");
    n = strlen(buf);
    memset(buf + n, 'x', 10001);
    strcpy(buf + n + 10001, "\"}");
    assert_string_equal(errors_for(buf, 0), "notes");

    /* a translation has the limits of the field it translates */
    strcpy(buf, "{\"translations\":{\"fr\":{\"login_message\":\"");
    n = strlen(buf);
    memset(buf + n, 'x', 2000);
    strcpy(buf + n + 2000, "\"}}}");
    assert_string_equal(errors_for(buf, 0), "");
    memset(buf + n, 'x', 2001);
    strcpy(buf + n + 2001, "\"}}}");
    assert_string_equal(errors_for(buf, 0), "translations.fr.login_message");

    /* at most 32 languages */
    strcpy(buf, "{\"translations\":{");
    for (size_t i = 0; i < 33; i++) {
        n = strlen(buf);
        snprintf(buf + n, sizeof(buf) - n, "%s\"l%c%c\":{}", i ? "," : "",
                 'a' + (char) (i / 26), 'a' + (char) (i % 26));
    }
    strcat(buf, "}}");
    assert_string_equal(errors_for(buf, 0), "translations");
}


static json_t *
window(const char *id, const char *apps, int64_t start, int64_t end,
    const char *extra)
{
    char      buf[1024];
    json_t   *fields, *errors, *in, *rec;

    snprintf(buf, sizeof(buf), "{\"title\":\"%s\",\"apps\":%s,"
             "\"starts_at\":\"now\",\"ends_at\":\"now\"%s%s}", id, apps,
             extra ? "," : "", extra ? extra : "");

    in = parse(buf);
    fields = json_object();
    errors = json_array();
    assert_int_equal(adm_window_fields(in, 1, NOW, fields, errors), 0);

    rec = adm_window_new(id, fields, "tester", NOW);
    adm_window_set_time(rec, "starts_at", start);
    adm_window_set_time(rec, "ends_at", end);

    json_decref(in);
    json_decref(fields);
    json_decref(errors);

    return rec;
}


static void
test_defaults_and_checks(void **state)
{
    json_t  *w, *errors;

    adm_config_defaults();

    w = window("w_a", "[\"shop\"]", NOW + 60, NOW + 120, NULL);

    assert_string_equal(json_string_value(json_object_get(w, "status")),
                        "scheduled");
    assert_string_equal(json_string_value(json_object_get(w, "mode")),
                        "full");
    assert_true(json_is_true(json_object_get(w, "enabled")));
    assert_true(json_is_true(json_object_get(w, "show_login_message")));
    assert_true(json_is_null(json_object_get(w, "notify_before_minutes")));
    assert_int_equal(json_integer_value(json_object_get(w, "revision")), 1);
    assert_string_equal(json_string_value(json_object_get(w, "created_by")),
                        "tester");

    errors = json_array();
    assert_int_equal(adm_window_check(w, 1, NOW, errors), 0);

    adm_window_set_time(w, "ends_at", NOW + 60);
    assert_int_equal(adm_window_check(w, 1, NOW, errors), 1);

    adm_window_set_time(w, "starts_at", NOW - 120);
    adm_window_set_time(w, "ends_at", NOW - 60);
    assert_int_equal(adm_window_check(w, 1, NOW, errors), 1);
    assert_int_equal(adm_window_check(w, 0, NOW, errors), 0);

    adm_window_set_time(w, "starts_at", NOW);
    adm_window_set_time(w, "ends_at", NOW + 7 * 86400 + 1);
    assert_int_equal(adm_window_check(w, 1, NOW, errors), 1);

    json_decref(errors);
    json_decref(w);
}


static void
test_lifecycle_by_clock(void **state)
{
    json_t  *w, *held, *off, *view;

    w = window("w_a", "[\"shop\"]", NOW + 60, NOW + 120, NULL);
    held = window("w_h", "[\"shop\"]", NOW + 60, NOW + 120,
                  "\"hold_until_completed\":true");
    off = window("w_o", "[\"shop\"]", NOW + 60, NOW + 120,
                 "\"enabled\":false");

    assert_int_equal(adm_window_effective(w, NOW), ADM_ST_SCHEDULED);
    assert_int_equal(adm_window_effective(w, NOW + 60), ADM_ST_IN_PROGRESS);
    assert_int_equal(adm_window_effective(w, NOW + 119), ADM_ST_IN_PROGRESS);
    assert_int_equal(adm_window_effective(w, NOW + 120), ADM_ST_COMPLETED);
    assert_int_equal(adm_window_effective(held, NOW + 1000),
                     ADM_ST_IN_PROGRESS);
    assert_int_equal(adm_window_effective(off, NOW + 90), ADM_ST_SCHEDULED);

    view = adm_window_view(w, NOW + 200);
    assert_string_equal(json_string_value(json_object_get(view, "status")),
                        "completed");
    assert_string_equal(json_string_value(json_object_get(view,
                                                          "actual_start")),
                        json_string_value(json_object_get(w, "starts_at")));
    assert_string_equal(json_string_value(json_object_get(view,
                                                          "actual_end")),
                        json_string_value(json_object_get(w, "ends_at")));
    json_decref(view);

    /* finished windows stay what they are */
    json_object_set_new(w, "status", json_string("cancelled"));
    assert_int_equal(adm_window_effective(w, NOW + 90), ADM_ST_CANCELLED);

    json_decref(w);
    json_decref(held);
    json_decref(off);
}


static void
test_conflicts(void **state)
{
    json_t  *live, *a, *b, *c, *all, *off, *done;

    a = window("w_a", "[\"shop\"]", NOW + 100, NOW + 200, NULL);
    live = json_array();
    json_array_append_new(live, a);

    b = window("w_b", "[\"shop\",\"crm\"]", NOW + 199, NOW + 300, NULL);
    assert_ptr_equal(adm_window_conflict(b, live, NOW), a);

    /* touching ends do not overlap */
    adm_window_set_time(b, "starts_at", NOW + 200);
    assert_null(adm_window_conflict(b, live, NOW));

    c = window("w_c", "[\"crm\"]", NOW + 150, NOW + 160, NULL);
    assert_null(adm_window_conflict(c, live, NOW));

    all = window("w_all", "[\"*\"]", NOW + 150, NOW + 160, NULL);
    assert_ptr_equal(adm_window_conflict(all, live, NOW), a);

    off = window("w_off", "[\"shop\"]", NOW + 150, NOW + 160,
                 "\"enabled\":false");
    assert_null(adm_window_conflict(off, live, NOW));

    /* a window that is over by the clock is no obstacle */
    done = window("w_done", "[\"shop\"]", NOW + 150, NOW + 160, NULL);
    assert_null(adm_window_conflict(done, live, NOW + 250));

    /* nor is a window compared with itself */
    assert_null(adm_window_conflict(a, live, NOW));

    json_decref(live);
    json_decref(b);
    json_decref(c);
    json_decref(all);
    json_decref(off);
    json_decref(done);
}


/* the contract: what the admin API writes, the module reads as meant */

static void
test_snapshot_contract(void **state)
{
    char                  *s, err[256];
    json_t                *live, *settings, *access, *w;
    maint_request_t        req;
    maint_snapshot_t      *snap;
    const maint_window_t  *mw;

    live = json_array();

    json_array_append_new(live, window("w_full", "[\"shop\"]", NOW - 60,
                                       NOW + 600,
                                       "\"login_message\":\"Back at 6\","
                                       "\"allow\":{\"paths\":[\"/health\"],"
                                       "\"networks\":[\"10.0.0.0/8\"]}"));
    json_array_append_new(live, window("w_ro", "[\"crm\"]", NOW - 60,
                                       NOW + 600, "\"mode\":\"read_only\""));
    json_array_append_new(live, window("w_soon", "[\"blog\"]", NOW + 300,
                                       NOW + 900,
                                       "\"notify_before_minutes\":10,"
                                       "\"translations\":{\"fr\":{"
                                       "\"notify_message\":\"Bientot\"}}"));
    json_array_append_new(live, window("w_off", "[\"wiki\"]", NOW - 60,
                                       NOW + 600, "\"enabled\":false"));
    json_array_append_new(live, window("w_over", "[\"news\"]", NOW - 600,
                                       NOW - 60, NULL));

    /* started early: the gateways must see it from its actual start */
    w = window("w_early", "[\"docs\"]", NOW + 3600, NOW + 7200, NULL);
    json_object_set_new(w, "status", json_string("in_progress"));
    adm_window_set_time(w, "actual_start", NOW - 1);
    json_array_append_new(live, w);

    settings = adm_settings_defaults();
    json_object_set_new(settings, "login_message",
                        json_string("Default text"));

    access = json_pack("{s:{}, s:{}, s:{}}", "superadmins", "bypass_keys",
                       "session_cutoffs");
    assert_non_null(access);

    s = adm_snapshot_build(live, settings, access, NOW);
    assert_non_null(s);

    snap = maint_snapshot_parse(s, strlen(s), err, sizeof(err));
    if (snap == NULL) {
        fail_msg("the module refuses the admin's snapshot: %s\n%s", err, s);
    }

    /* disabled and finished windows are left out */
    assert_int_equal(snap->nwindows, 4);

    memset(&req, 0, sizeof(req));
    req.now_ms = NOW * 1000;
    req.path = "/";
    req.path_len = 1;

#define DECIDE(a, safe)                                                       \
    (req.app = a, req.app_len = strlen(a), req.safe_method = safe,            \
     maint_evaluate(snap, &req, &mw))

    assert_int_equal(DECIDE("shop", 1), MAINT_MAINTENANCE);
    assert_true(str_is(&mw->message, "Back at 6"));
    assert_int_equal(mw->ntranslations, 0);
    assert_int_equal(maint_retry_after(mw, req.now_ms), 600);

    req.path = "/health/db";
    req.path_len = strlen(req.path);
    assert_int_equal(DECIDE("shop", 1), MAINT_EXEMPT);
    req.path = "/";
    req.path_len = 1;

    assert_int_equal(DECIDE("crm", 1), MAINT_READ_ONLY_PASS);
    assert_int_equal(DECIDE("crm", 0), MAINT_READ_ONLY_BLOCKED);
    assert_true(str_is(&mw->message, "Default text"));

    assert_int_equal(DECIDE("blog", 1), MAINT_NOTICE);
    assert_int_equal(mw->ntranslations, 1);
    assert_true(str_is(&mw->translations[0].lang, "fr"));
    assert_true(str_is(&mw->translations[0].notify_message, "Bientot"));
    assert_int_equal(DECIDE("wiki", 1), MAINT_PASS);
    assert_int_equal(DECIDE("news", 1), MAINT_PASS);
    assert_int_equal(DECIDE("docs", 1), MAINT_MAINTENANCE);

    maint_snapshot_free(snap);
    free(s);
    json_decref(live);
    json_decref(settings);
    json_decref(access);
}


/*
 * What an acknowledged action decided is decided by state: a window
 * started "now" is in force even on a gateway whose estimate of Redis's
 * clock is behind its start; a completed one is gone from the snapshot,
 * even with terminate_sessions and its planned end still ahead.
 */

static void
test_snapshot_by_state(void **state)
{
    char                  *s, err[256];
    json_t                *live, *settings, *access, *w;
    maint_request_t        req;
    maint_snapshot_t      *snap;
    const maint_window_t  *mw;

    live = json_array();

    /* created with starts_at "now": stored in progress, mid-second */
    w = window("w_now", "[\"shop\"]", NOW, NOW + 600, NULL);
    json_object_set_new(w, "status", json_string("in_progress"));
    json_object_set_new(w, "actual_start", adm_time_ms_json(NOW * 1000 + 400));
    json_array_append_new(live, w);

    /* scheduled a second ahead: left to the clock */
    json_array_append_new(live, window("w_next", "[\"blog\"]", NOW + 1,
                                       NOW + 600, NULL));

    /* completed early, its planned end ahead, ending sessions */
    w = window("w_done", "[\"crm\"]", NOW - 60, NOW + 600,
               "\"terminate_sessions\":true");
    json_object_set_new(w, "status", json_string("completed"));
    adm_window_set_time(w, "actual_end", NOW);
    json_array_append_new(live, w);

    settings = adm_settings_defaults();
    access = json_pack("{s:{}, s:{}, s:{}}", "superadmins", "bypass_keys",
                       "session_cutoffs");

    s = adm_snapshot_build(live, settings, access, NOW);
    assert_non_null(s);
    assert_non_null(strstr(s, "\"started\":true"));

    snap = maint_snapshot_parse(s, strlen(s), err, sizeof(err));
    if (snap == NULL) {
        fail_msg("the module refuses the admin's snapshot: %s\n%s", err, s);
    }

    assert_int_equal(snap->nwindows, 2);

    memset(&req, 0, sizeof(req));
    req.path = "/";
    req.path_len = 1;

    /* a gateway 45 ms behind, 1 s behind, and one on time */
    req.now_ms = NOW * 1000 - 45;
    assert_int_equal(DECIDE("shop", 1), MAINT_MAINTENANCE);
    assert_int_equal(DECIDE("blog", 1), MAINT_NOTICE);
    assert_int_equal(DECIDE("crm", 1), MAINT_PASS);
    req.now_ms = NOW * 1000 - 1000;
    assert_int_equal(DECIDE("shop", 1), MAINT_MAINTENANCE);
    req.now_ms = (NOW + 1) * 1000;
    assert_int_equal(DECIDE("shop", 1), MAINT_MAINTENANCE);
    assert_int_equal(DECIDE("blog", 1), MAINT_MAINTENANCE);
    assert_int_equal(DECIDE("crm", 1), MAINT_PASS);

    /* its scheduled end stays on the clock */
    req.now_ms = (NOW + 600) * 1000;
    assert_int_equal(DECIDE("shop", 1), MAINT_PASS);

    maint_snapshot_free(snap);
    free(s);
    json_decref(live);
    json_decref(settings);
    json_decref(access);
}


/* superadmins, keys, cutoffs and terminate_sessions reach the module */

/* 8000 bytes of text: what the API's limit of 2000 characters can be */

static json_t *
long_window(const char *id, const char *app, const char *text, int langs)
{
    int      i;
    char     tag[8];
    json_t  *in, *fields, *errors, *tr, *rec;

    tr = json_object();
    for (i = 0; i < langs; i++) {
        snprintf(tag, sizeof(tag), "l%c%c", 'a' + i / 26, 'a' + i % 26);
        json_object_set_new(tr, tag, json_pack("{s:s}", "login_message", text));
    }

    in = json_pack("{s:s, s:[s], s:s, s:s, s:s, s:o}", "title", id, "apps", app,
                   "starts_at", "now", "ends_at", "now", "login_message", text,
                   "translations", tr);
    fields = json_object();
    errors = json_array();
    assert_int_equal(adm_window_fields(in, 1, NOW, fields, errors), 0);

    rec = adm_window_new(id, fields, "tester", NOW);
    adm_window_set_time(rec, "starts_at", NOW - 60);
    adm_window_set_time(rec, "ends_at", NOW + 600);
    assert_int_equal(adm_window_check(rec, 1, NOW, errors), 0);

    json_decref(in);
    json_decref(fields);
    json_decref(errors);

    return rec;
}


static void
test_snapshot_readable(void **state)
{
    int                    i;
    char                   text[2000 * 4 + 1], app[16], err[256], *s;
    json_t                *live, *settings, *access;
    maint_snapshot_t      *snap;

    (void) state;

    /* 2000 characters of 4 bytes each: within the API's limit */
    for (i = 0; i < 2000; i++) {
        memcpy(text + 4 * i, "\xf0\x9f\x98\x80", 4);
    }
    text[8000] = '\0';

    live = json_array();
    json_array_append_new(live, long_window("w_long", "shop", text, 0));
    settings = adm_settings_defaults();
    access = json_object();

    s = adm_snapshot_build(live, settings, access, NOW);
    assert_int_equal(adm_snapshot_check(s, err, sizeof(err)), 0);
    snap = maint_snapshot_parse(s, strlen(s), err, sizeof(err));
    assert_non_null(snap);
    assert_int_equal(snap->windows[0].message.len, 8000);
    maint_snapshot_free(snap);
    free(s);

    /* each window valid, together over the 1 MiB the gateways take */
    for (i = 0; i < 20; i++) {
        snprintf(app, sizeof(app), "app%d", i);
        json_array_append_new(live, long_window(app, app, text, 7));
    }

    s = adm_snapshot_build(live, settings, access, NOW);
    assert_true(strlen(s) > 1024 * 1024);
    assert_int_equal(adm_snapshot_check(s, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "larger than 1 MiB"));
    free(s);

    json_decref(live);
    json_decref(settings);
    json_decref(access);
}


/*
 * A window started now begins at that instant, to the millisecond: the
 * record says so in RFC 3339, the snapshot carries start_ms, and the
 * gateways' verdict ends a session created earlier in the same second
 * (issue 12 H).  Times clients write stay whole seconds.
 */

static void
test_started_now_ms(void **state)
{
    char                    err[256], *s;
    json_t                 *in, *fields, *errors, *rec, *live, *settings,
                           *access;
    maint_snapshot_t       *snap;
    maint_session_facts_t   f;

    (void) state;

    in = parse("{\"title\":\"T\",\"apps\":[\"shop\"],\"starts_at\":\"now\","
               "\"ends_at\":\"2026-11-22T06:00:00Z\","
               "\"terminate_sessions\":true}");
    fields = json_object();
    errors = json_array();
    assert_int_equal(adm_window_fields(in, 1, NOW, fields, errors), 0);
    adm_window_now_ms(in, fields, NOW * 1000 + 250);
    assert_string_equal(json_string_value(json_object_get(fields,
                                                          "starts_at")),
                        "2026-11-21T22:26:40.250Z");

    rec = adm_window_new("w_now", fields, "tester", NOW);
    assert_int_equal(adm_window_begin_ms(rec), NOW * 1000 + 250);
    assert_int_equal(adm_window_begin(rec), NOW);
    assert_int_equal(adm_window_time(rec, "starts_at"), NOW);

    /* started early, at an instant: the actual start counts */
    adm_window_set_time(rec, "starts_at", NOW + 60);
    json_object_set_new(rec, "actual_start", adm_time_ms_json(NOW * 1000 + 7));
    assert_string_equal(json_string_value(json_object_get(rec,
                                                          "actual_start")),
                        "2026-11-21T22:26:40.007Z");
    assert_int_equal(adm_window_begin_ms(rec), NOW * 1000 + 7);
    json_object_set_new(rec, "status", json_string("in_progress"));

    live = json_pack("[O]", rec);
    settings = adm_settings_defaults();
    access = json_object();
    s = adm_snapshot_build(live, settings, access, NOW);
    assert_int_equal(adm_snapshot_check(s, err, sizeof(err)), 0);
    snap = maint_snapshot_parse(s, strlen(s), err, sizeof(err));
    assert_non_null(snap);
    assert_int_equal(snap->windows[0].start, NOW);
    assert_int_equal(snap->windows[0].start_ms, NOW * 1000 + 7);

    memset(&f, 0, sizeof(f));
    f.kept_at = -1;
    f.first_seen = NOW * 1000 + 6;
    assert_int_equal(maint_session_verdict(snap, "shop", 4, NOW * 1000 + 8,
                                           &f), MAINT_SESSION_WINDOW);
    f.first_seen = NOW * 1000 + 7;
    assert_int_equal(maint_session_verdict(snap, "shop", 4, NOW * 1000 + 8,
                                           &f), MAINT_SESSION_ACTIVE);
    maint_snapshot_free(snap);
    free(s);

    /* on a whole second: no start_ms, the snapshot as before */
    json_object_set_new(rec, "actual_start", adm_time_ms_json(NOW * 1000));
    assert_string_equal(json_string_value(json_object_get(rec,
                                                          "actual_start")),
                        "2026-11-21T22:26:40Z");
    json_array_set(live, 0, rec);
    s = adm_snapshot_build(live, settings, access, NOW);
    assert_null(strstr(s, "start_ms"));
    free(s);

    /* a time a client wrote with a fraction: whole seconds, as documented */
    json_decref(in);
    json_decref(fields);
    in = parse("{\"starts_at\":\"2026-11-21T22:26:40.250Z\"}");
    fields = json_object();
    assert_int_equal(adm_window_fields(in, 0, NOW, fields, errors), 0);
    adm_window_now_ms(in, fields, NOW * 1000 + 999);
    assert_string_equal(json_string_value(json_object_get(fields,
                                                          "starts_at")),
                        "2026-11-21T22:26:40Z");

    json_decref(in);
    json_decref(fields);
    json_decref(errors);
    json_decref(rec);
    json_decref(live);
    json_decref(settings);
    json_decref(access);
}


static void
test_snapshot_access(void **state)
{
    char                      err[256], *s;
    json_t                   *live, *settings, *access, *w, *red, *e;
    maint_snapshot_t         *snap;
    maint_session_facts_t     f;
    const maint_superadmin_t *sa;

    live = json_array();
    w = window("w_term", "[\"shop\"]", NOW - 60, NOW + 600, NULL);
    json_object_set_new(w, "terminate_sessions", json_true());
    json_array_append_new(live, w);

    settings = adm_settings_defaults();
    json_object_set_new(settings, "session_idle_minutes", json_integer(90));

    access = json_pack(
        "{s:{s:{s:s, s:s}},"
        " s:{s:{s:s, s:s, s:I}, s:{s:s, s:s, s:I}},"
        " s:{s:I}}",
        "superadmins",
        "alice", "name", "alice", "credential_sha256",
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "bypass_keys",
        "kold", "kid", "kold",
        "secret", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        "created_ms", (json_int_t) 1000,
        "knew", "kid", "knew",
        "secret", "HxgdHBsaGRgXFhUUExIREA8ODQwLCgkIBwYFBAMCAQA=",
        "created_ms", (json_int_t) 2000,
        "session_cutoffs", "crm", (json_int_t) (NOW - 30));
    assert_non_null(access);

    s = adm_snapshot_build(live, settings, access, NOW);
    assert_non_null(s);

    snap = maint_snapshot_parse(s, strlen(s), err, sizeof(err));
    if (snap == NULL) {
        fail_msg("the module refuses the admin's snapshot: %s\n%s", err, s);
    }

    assert_int_equal(snap->session_idle, 90 * 60);
    assert_int_equal(snap->nsuperadmins, 1);
    sa = maint_snapshot_superadmin(snap, "alice", 5);
    assert_non_null(sa);
    assert_int_equal(sa->credential[0], 0x9f);
    assert_int_equal(snap->nkeys, 2);
    assert_non_null(snap->signing_key);
    assert_string_equal(snap->signing_key->kid, "knew");

    /* the window ends sessions from its start; the cutoff ends crm's */

    memset(&f, 0, sizeof(f));
    f.first_seen = (NOW - 120) * 1000;
    f.kept_at = -1;

    assert_int_equal(maint_session_verdict(snap, "shop", 4, NOW * 1000, &f),
                     MAINT_SESSION_WINDOW);
    assert_int_equal(maint_session_verdict(snap, "crm", 3, NOW * 1000, &f),
                     MAINT_SESSION_CUTOFF);
    assert_int_equal(maint_session_verdict(snap, "blog", 4, NOW * 1000, &f),
                     MAINT_SESSION_ACTIVE);

    /* what a dry run shows hides both secrets */

    red = adm_snapshot_redacted(s);
    e = json_array_get(json_object_get(red, "superadmins"), 0);
    assert_string_equal(json_string_value(json_object_get(e, "credential")),
                        "<redacted>");
    e = json_array_get(json_object_get(red, "bypass_keys"), 1);
    assert_string_equal(json_string_value(json_object_get(e, "secret")),
                        "<redacted>");
    assert_null(strstr(s, "<redacted>"));

    json_decref(red);
    maint_snapshot_free(snap);
    free(s);
    json_decref(live);
    json_decref(settings);
    json_decref(access);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_defaults_and_checks),
        cmocka_unit_test(test_lifecycle_by_clock),
        cmocka_unit_test(test_conflicts),
        cmocka_unit_test(test_snapshot_contract),
        cmocka_unit_test(test_snapshot_by_state),
        cmocka_unit_test(test_snapshot_access),
        cmocka_unit_test(test_snapshot_readable),
        cmocka_unit_test(test_started_now_ms),
    };

    adm_config_defaults();
    adm_log_set_level(ADM_LOG_ERROR);

    return cmocka_run_group_tests_name("admin", tests, NULL, NULL);
}
