/*
 * Window evaluation, Retry-After, path exemptions and Accept negotiation,
 * as a table of vectors: snapshot + request -> decision and window.
 */

#include <arpa/inet.h>
#include <sys/socket.h>

#include "unit.h"
#include "maint_eval.h"
#include "maint_negotiate.h"
#include "maint_session.h"


/* t = 1000000 s; windows are placed around it */
#define T  1000000

static const char  *snapshot_json =
    "{\"schema\":1,\"settings\":{\"notify_before_minutes\":10},\"windows\":["
    /* 0: shop, active full, with exemptions */
    "{\"id\":\"shop-full\",\"apps\":[\"shop\"],\"start\":999000,"
    " \"end\":1003600,\"allow\":{\"paths\":[\"/health\",\"/static/\"],"
    " \"networks\":[\"10.0.0.0/8\",\"2001:db8::/32\"]}},"
    /* 1: every app, active read-only */
    "{\"id\":\"all-ro\",\"apps\":[\"*\"],\"start\":999000,\"end\":1001000,"
    " \"mode\":\"read_only\"},"
    /* 2: crm upcoming in 5 minutes (inside the 10-minute default) */
    "{\"id\":\"crm-soon\",\"apps\":[\"crm\"],\"start\":1000300,"
    " \"end\":1000900},"
    /* 3: crm upcoming in 3 minutes: the earlier one wins */
    "{\"id\":\"crm-sooner\",\"apps\":[\"crm\"],\"start\":1000180,"
    " \"end\":1000240},"
    /* 4: blog, upcoming in 20 minutes with a 30 minute notice */
    "{\"id\":\"blog-later\",\"apps\":[\"blog\"],\"start\":1001200,"
    " \"end\":1002000,\"notify_before_minutes\":30},"
    /* 5: wiki, ended */
    "{\"id\":\"wiki-over\",\"apps\":[\"wiki\"],\"start\":990000,"
    " \"end\":999999},"
    /* 6: mail, ended but held until completed */
    "{\"id\":\"mail-held\",\"apps\":[\"mail\"],\"start\":990000,"
    " \"end\":999000,\"hold\":true},"
    /* 7: docs, upcoming in 2 hours, no notice yet */
    "{\"id\":\"docs-far\",\"apps\":[\"docs\"],\"start\":1007200,"
    " \"end\":1008000,\"notify_before_minutes\":60},"
    /* 8, 9: news, two upcoming windows: the earlier one is announced */
    "{\"id\":\"news-b\",\"apps\":[\"news\"],\"start\":1001800,"
    " \"end\":1001900,\"notify_before_minutes\":60},"
    "{\"id\":\"news-a\",\"apps\":[\"news\"],\"start\":1001500,"
    " \"end\":1001600,\"notify_before_minutes\":60},"
    /* 10: tv, started "now" by the admin API: in force by state, even on
     * a clock behind its start; its end on the clock */
    "{\"id\":\"tv-started\",\"apps\":[\"tv\"],\"start\":1002001,"
    " \"end\":1002600,\"started\":true},"
    /* 11: radio, started and held: in force past its end */
    "{\"id\":\"radio-held\",\"apps\":[\"radio\"],\"start\":1002001,"
    " \"end\":1002600,\"started\":true,\"hold\":true},"
    /* 12: game, the same start without the field: the clock decides */
    "{\"id\":\"game-sched\",\"apps\":[\"game\"],\"start\":1002001,"
    " \"end\":1002600,\"started\":false}"
    "]}";


typedef struct {
    const char        *app;
    int64_t            now_ms;
    const char        *method_safe;     /* "safe" or "unsafe" */
    const char        *path;
    const char        *addr;            /* "" for none */
    maint_decision_e   decision;
    const char        *window;          /* NULL: none */
} vector_t;


static const vector_t  vectors[] = {
    /* full window beats the read-only one for shop */
    { "shop", T * 1000LL, "safe", "/", "192.0.2.1", MAINT_MAINTENANCE,
      "shop-full" },
    { "shop", T * 1000LL, "unsafe", "/cart", "192.0.2.1", MAINT_MAINTENANCE,
      "shop-full" },
    /* exemptions: path segments, networks */
    { "shop", T * 1000LL, "safe", "/health", "192.0.2.1", MAINT_EXEMPT,
      "shop-full" },
    { "shop", T * 1000LL, "safe", "/health/db", "192.0.2.1", MAINT_EXEMPT,
      "shop-full" },
    { "shop", T * 1000LL, "safe", "/healthz", "192.0.2.1", MAINT_MAINTENANCE,
      "shop-full" },
    { "shop", T * 1000LL, "safe", "/static/a.css", "192.0.2.1", MAINT_EXEMPT,
      "shop-full" },
    { "shop", T * 1000LL, "safe", "/static", "192.0.2.1", MAINT_MAINTENANCE,
      "shop-full" },
    { "shop", T * 1000LL, "unsafe", "/cart", "10.20.30.40", MAINT_EXEMPT,
      "shop-full" },
    { "shop", T * 1000LL, "unsafe", "/cart", "2001:db8::5", MAINT_EXEMPT,
      "shop-full" },
    { "shop", T * 1000LL, "unsafe", "/cart", "2001:db9::5",
      MAINT_MAINTENANCE, "shop-full" },
    { "shop", T * 1000LL, "unsafe", "/cart", "", MAINT_MAINTENANCE,
      "shop-full" },
    /* read-only for everybody else */
    { "crm", T * 1000LL, "safe", "/", "", MAINT_READ_ONLY_PASS, "all-ro" },
    { "crm", T * 1000LL, "unsafe", "/", "", MAINT_READ_ONLY_BLOCKED,
      "all-ro" },
    /* once the read-only window is over, crm sees its upcoming windows */
    { "crm", 1001000 * 1000LL - 1, "unsafe", "/", "",
      MAINT_READ_ONLY_BLOCKED, "all-ro" },
    /* a full window for crm inside the read-only one wins */
    { "crm", 1000200 * 1000LL, "safe", "/", "", MAINT_MAINTENANCE,
      "crm-sooner" },
    /* window boundaries: start inclusive, end exclusive (ms precision) */
    { "crm", 1000180 * 1000LL - 1, "safe", "/", "", MAINT_READ_ONLY_PASS,
      "all-ro" },
    { "crm", 1000180 * 1000LL, "safe", "/", "", MAINT_MAINTENANCE,
      "crm-sooner" },
    { "crm", 1000240 * 1000LL, "safe", "/", "", MAINT_READ_ONLY_PASS,
      "all-ro" },
    /* the earliest upcoming window is the one announced */
    { "news", 1001100 * 1000LL, "safe", "/", "", MAINT_NOTICE, "news-a" },
    { "news", 1001600 * 1000LL, "safe", "/", "", MAINT_NOTICE, "news-b" },
    { "blog", 1001200 * 1000LL - 1, "safe", "/", "", MAINT_NOTICE,
      "blog-later" },
    { "blog", 1001200 * 1000LL, "safe", "/", "", MAINT_MAINTENANCE,
      "blog-later" },
    { "blog", 1002000 * 1000LL - 1, "safe", "/", "", MAINT_MAINTENANCE,
      "blog-later" },
    { "blog", 1002000 * 1000LL, "safe", "/", "", MAINT_PASS, NULL },
    /* notice period: blog has 30 minutes (own), docs 60 minutes */
    { "blog", 1001000 * 1000LL + 1, "safe", "/", "", MAINT_NOTICE,
      "blog-later" },
    { "docs", T * 1000LL, "safe", "/", "", MAINT_READ_ONLY_PASS,
      "all-ro" },
    { "docs", 1003600 * 1000LL - 1, "safe", "/", "", MAINT_PASS, NULL },
    { "docs", 1003600 * 1000LL, "safe", "/", "", MAINT_NOTICE, "docs-far" },
    /* started by state: a clock behind its start does not matter */
    { "tv", 1002001 * 1000LL - 45, "safe", "/", "", MAINT_MAINTENANCE,
      "tv-started" },
    { "tv", 1001500 * 1000LL, "safe", "/", "", MAINT_MAINTENANCE,
      "tv-started" },
    { "tv", 1002600 * 1000LL - 1, "safe", "/", "", MAINT_MAINTENANCE,
      "tv-started" },
    { "tv", 1002600 * 1000LL, "safe", "/", "", MAINT_PASS, NULL },
    { "radio", 1001500 * 1000LL, "safe", "/", "", MAINT_MAINTENANCE,
      "radio-held" },
    { "radio", 1009000 * 1000LL, "safe", "/", "", MAINT_MAINTENANCE,
      "radio-held" },
    /* without it (an older writer), the clock decides as before */
    { "game", 1002001 * 1000LL - 45, "safe", "/", "", MAINT_NOTICE,
      "game-sched" },
    { "game", 1002001 * 1000LL, "safe", "/", "", MAINT_MAINTENANCE,
      "game-sched" },
    /* ended, and held */
    { "wiki", 1001000 * 1000LL, "safe", "/", "", MAINT_PASS, NULL },
    { "mail", 1001000 * 1000LL, "safe", "/", "", MAINT_MAINTENANCE,
      "mail-held" },
    /* an unknown app after the read-only window: nothing */
    { "none", 1001000 * 1000LL, "unsafe", "/", "", MAINT_PASS, NULL },
};


UNIT_SNAPSHOT_FIXTURE(snapshot_json)


static void
test_vectors(void **state)
{
    size_t                 i;
    unsigned char          a[16];
    maint_request_t        req;
    maint_decision_e       d;
    const vector_t        *v;
    const maint_window_t  *w;

    for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
        v = &vectors[i];

        memset(&req, 0, sizeof(req));
        req.app = v->app;
        req.app_len = strlen(v->app);
        req.now_ms = v->now_ms;
        req.safe_method = strcmp(v->method_safe, "safe") == 0;
        req.path = v->path;
        req.path_len = strlen(v->path);

        if (inet_pton(AF_INET, v->addr, a) == 1) {
            req.family = AF_INET;
            req.addr = a;

        } else if (inet_pton(AF_INET6, v->addr, a) == 1) {
            req.family = AF_INET6;
            req.addr = a;
        }

        d = maint_evaluate(snap, &req, &w);

        if (d != v->decision
            || (v->window == NULL) != (w == NULL)
            || (w && !str_is(&w->id, v->window)))
        {
            fail_msg("vector %zu (%s %s %s at %lld): got %d %.*s, want %d %s",
                     i, v->app, v->method_safe, v->path,
                     (long long) v->now_ms, d, w ? (int) w->id.len : 4,
                     w ? w->id.data : "none", v->decision,
                     v->window ? v->window : "none");
        }
    }
}


static void
test_no_snapshot_passes(void **state)
{
    maint_request_t        req = { .app = "x", .app_len = 1 };
    const maint_window_t  *w;

    assert_int_equal(maint_evaluate(NULL, &req, &w), MAINT_PASS);
    assert_null(w);
}


static void
test_retry_after(void **state)
{
    const maint_window_t  *w = &snap->windows[0];       /* ends 1003600 */

    assert_int_equal(maint_retry_after(w, 1003600 * 1000LL - 1), 1);
    assert_int_equal(maint_retry_after(w, 1003599 * 1000LL), 1);
    assert_int_equal(maint_retry_after(w, 1003598 * 1000LL + 1), 2);
    assert_int_equal(maint_retry_after(w, T * 1000LL), 3600);
    assert_int_equal(maint_retry_after(w, 1003600 * 1000LL),
                     MAINT_RETRY_AFTER_OVERRUN);
    assert_int_equal(maint_retry_after(w, 2000000 * 1000LL),
                     MAINT_RETRY_AFTER_OVERRUN);
}


/*
 * maint_steady_until(): between now and the instant it names, every
 * request of the app (any path, method, address) is evaluated and every
 * session judged as at now.  Checked at instants around every boundary of
 * the fixture's windows and of a second snapshot that ends sessions to
 * the millisecond.
 */

static const char  *steady_json =
    "{\"schema\":1,\"windows\":["
    /* a window to come that ends sessions from a mid-second start */
    "{\"id\":\"pay-cut\",\"apps\":[\"pay\"],\"start\":1000100,"
    " \"start_ms\":1000100250,\"end\":1000200,\"notify_before_minutes\":1,"
    " \"terminate_sessions\":true},"
    /* every app: read-only later, with exemptions */
    "{\"id\":\"all-ro\",\"apps\":[\"*\"],\"start\":1000500,\"end\":1000600,"
    " \"mode\":\"read_only\",\"notify_before_minutes\":10,"
    " \"allow\":{\"paths\":[\"/health\"]}}"
    "]}";


typedef struct {
    maint_decision_e          d[4];     /* four kinds of request */
    const maint_window_t     *w[4];
    maint_session_verdict_e   v[3];     /* three sessions */
} steady_answers_t;


static void
steady_answers(const maint_snapshot_t *s, const char *app, int64_t now,
    steady_answers_t *a)
{
    static const char            *paths[] = { "/", "/health", "/x", "/" };
    static const unsigned char    addr[4] = { 10, 1, 2, 3 };
    size_t                         i;
    maint_request_t                req;
    maint_session_facts_t          f;

    memset(a, 0, sizeof(*a));

    for (i = 0; i < 4; i++) {
        memset(&req, 0, sizeof(req));
        req.app = app;
        req.app_len = strlen(app);
        req.now_ms = now;
        req.safe_method = i != 2;
        req.path = paths[i];
        req.path_len = strlen(paths[i]);

        if (i == 3) {
            req.family = AF_INET;
            req.addr = addr;
        }

        a->d[i] = maint_evaluate(s, &req, &a->w[i]);
    }

    /* sessions first seen long before, just before and after the cut */

    for (i = 0; i < 3; i++) {
        memset(&f, 0, sizeof(f));
        f.first_seen = i == 0 ? 1000 : 1000100250 + (int64_t) i * 2 - 3;
        f.kept_at = -1;
        a->v[i] = maint_session_verdict(s, app, strlen(app), now, &f);
    }
}


static void
steady_check(const maint_snapshot_t *s, const char *app, int64_t now)
{
    size_t            i, j;
    int64_t           until, t[4];
    steady_answers_t  at_now, at_t;

    until = maint_steady_until(s, app, strlen(app), now);

    assert_true(until >= now);

    if (until == now) {
        /* a window in force: nothing may be kept */
        steady_answers(s, app, now, &at_now);
        assert_true(at_now.w[0] != NULL);
        return;
    }

    /* instants in [now, until) */
    t[0] = now;
    t[1] = until - now > 1 ? now + 1 : now;
    t[2] = until == INT64_MAX ? now + 86400000 : now + (until - now) / 2;
    t[3] = until == INT64_MAX ? now + 365 * 86400000LL : until - 1;

    steady_answers(s, app, now, &at_now);

    for (i = 0; i < 4; i++) {
        steady_answers(s, app, t[i], &at_t);

        for (j = 0; j < 4; j++) {
            if (at_t.d[j] != at_now.d[j] || at_t.w[j] != at_now.w[j]) {
                fail_msg("%s: steady from %lld until %lld, but request %zu "
                         "differs at %lld", app, (long long) now,
                         (long long) until, j, (long long) t[i]);
            }
        }

        for (j = 0; j < 3; j++) {
            if (at_t.v[j] != at_now.v[j]) {
                fail_msg("%s: steady from %lld until %lld, but session %zu "
                         "differs at %lld", app, (long long) now,
                         (long long) until, j, (long long) t[i]);
            }
        }
    }
}


static void
test_steady_until(void **state)
{
    static const char  *apps[] = { "shop", "crm", "blog", "wiki", "mail",
                                   "docs", "news", "tv", "radio", "game",
                                   "pay", "none" };
    static const int64_t  near[] = { -1001, -1000, -999, -251, -250, -1, 0,
                                     1, 249, 250, 251, 999, 1000, 1001 };
    size_t              i, j, k, n;
    int64_t             b;
    maint_snapshot_t   *steady;
    const maint_snapshot_t  *sn[2];

    steady = unit_snapshot(steady_json);
    assert_non_null(steady);

    sn[0] = snap;
    sn[1] = steady;

    /* around every start, start_ms, end and notice of both snapshots */

    for (n = 0; n < 2; n++) {
        for (k = 0; k < sn[n]->nwindows; k++) {
            const maint_window_t  *w = &sn[n]->windows[k];
            int64_t                edges[4];

            edges[0] = w->start * 1000;
            edges[1] = w->start_ms;
            edges[2] = w->end * 1000;
            edges[3] = (w->start - w->notify_before) * 1000;

            for (b = 0; b < 4; b++) {
                for (j = 0; j < sizeof(near) / sizeof(near[0]); j++) {
                    for (i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
                        steady_check(sn[0], apps[i], edges[b] + near[j]);
                        steady_check(sn[1], apps[i], edges[b] + near[j]);
                    }
                }
            }
        }
    }

    /* exact figures (all-ro, in force for every app, is over at U) */

#define U  (1001000 * 1000LL)

    assert_int_equal(maint_steady_until(snap, S("crm"), T * 1000LL),
                     T * 1000LL);                       /* all-ro */
    assert_int_equal(maint_steady_until(snap, S("blog"), U),
                     1001200 * 1000LL);                 /* its start */
    assert_int_equal(maint_steady_until(snap, S("docs"), U),
                     (1007200 - 3600) * 1000LL);        /* its notice */
    assert_int_equal(maint_steady_until(snap, S("news"), U),
                     1001500 * 1000LL);                 /* news-a first */
    assert_true(maint_steady_until(snap, S("wiki"), U) == INT64_MAX);
    assert_true(maint_steady_until(snap, S("crm"), U) == INT64_MAX);
    assert_int_equal(maint_steady_until(snap, S("tv"), U), U);
    assert_int_equal(maint_steady_until(snap, S("shop"), U), U);
    assert_int_equal(maint_steady_until(steady, S("pay"), 1000099999),
                     1000100000);                       /* its start */
    assert_int_equal(maint_steady_until(steady, S("pay"), 1000100000),
                     1000100000);                       /* in force */
    assert_int_equal(maint_steady_until(steady, S("shop"), 999000000),
                     (1000500 - 600) * 1000LL);         /* all-ro notice */
    assert_int_equal(maint_steady_until(steady, S("shop"), 1000100250),
                     1000500 * 1000LL);                 /* its start */
    assert_true(maint_steady_until(NULL, S("x"), 0) == INT64_MAX);

    maint_snapshot_free(steady);
}


static void
test_path_allowed(void **state)
{
    maint_str_t  api = { S("/api") }, slash = { S("/static/") },
                 root = { S("/") };

    assert_true(maint_path_allowed(&api, S("/api")));
    assert_true(maint_path_allowed(&api, S("/api/")));
    assert_true(maint_path_allowed(&api, S("/api/v1/x")));
    assert_false(maint_path_allowed(&api, S("/apix")));
    assert_false(maint_path_allowed(&api, S("/ap")));
    assert_false(maint_path_allowed(&api, S("/API")));
    assert_true(maint_path_allowed(&slash, S("/static/a")));
    assert_false(maint_path_allowed(&slash, S("/static")));
    assert_true(maint_path_allowed(&root, S("/anything")));
}


static void
test_accept(void **state)
{
    static const struct {
        const char  *accept;
        int          json;
    } v[] = {
        { "", 0 },
        { "*/*", 0 },
        { "application/json", 1 },
        { "Application/JSON", 1 },
        { "application/problem+json", 1 },
        { "application/vnd.api+json; charset=utf-8", 1 },
        { "application/json, text/plain, */*", 1 },
        { "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
          0 },
        { "text/html, application/json", 0 },
        { "application/json, text/html", 1 },
        { "application/json;q=0.5, text/html", 0 },
        { "text/html;q=0.4, application/json;q=0.9", 1 },
        { "application/json;q=0", 0 },
        { "application/json; q=0.000", 0 },
        { "application/json; charset=utf-8; q=0.1", 1 },
        { "text/plain, application/jsonx", 0 },
        { "+json", 0 },
        { "json", 0 },
        { ",,, ;;; q=", 0 },
        { "application/json;q=1.5", 1 },
        { "application/json;q=abc", 0 },
    };
    size_t  i;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        if (maint_accept_wants_json(v[i].accept, strlen(v[i].accept))
            != v[i].json)
        {
            fail_msg("Accept \"%s\": want %s", v[i].accept,
                     v[i].json ? "JSON" : "HTML");
        }
    }
}


static void
test_lang_pick(void **state)
{
    static const maint_translation_t  t[] = {
        { { "fr", 2 }, { 0 }, { 0 }, { 0 } },
        { { "de-CH", 5 }, { 0 }, { 0 }, { 0 } },
        { { "pt-BR", 5 }, { 0 }, { 0 }, { 0 } },
        { { "pt", 2 }, { 0 }, { 0 }, { 0 } },
    };
    static const struct {
        const char  *header;
        const char  *want;          /* NULL: the default (English) */
    } v[] = {
        { "", NULL },
        { "*", NULL },
        { "fr", "fr" },
        { "FR", "fr" },
        { "fr-CA", "fr" },
        { "fr-CA,fr;q=0.9,en;q=0.8", "fr" },
        { "en-US,en;q=0.9,fr;q=0.8", NULL },
        { "en;q=0.5, fr", "fr" },
        { "fr;q=0.5, en", NULL },
        { "fr;q=0, *", NULL },
        { "fr;q=0", NULL },
        { "es, fr;q=0.3", "fr" },
        { "de", "de-CH" },
        { "de-DE", NULL },
        { "de-ch", "de-CH" },
        { "pt", "pt" },
        { "pt-BR", "pt-BR" },
        { "pt-PT", "pt" },
        { "ja, zh;q=0.9", NULL },
        { "  fr  ;  q=0.7 , de;q=0.8", "de-CH" },
        { "fr;q=0.8, de;q=0.8", "fr" },
        { ",,,;;;q=,", NULL },
        { "f", NULL },
        { "frx", NULL },
        { "fr;q=abc", NULL },
    };
    size_t                      i;
    const maint_translation_t  *got;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        got = maint_lang_pick(v[i].header, strlen(v[i].header), t, 4);

        if ((got == NULL) != (v[i].want == NULL)
            || (got && !str_is(&got->lang, v[i].want)))
        {
            fail_msg("Accept-Language \"%s\": want %s, got %.*s",
                     v[i].header, v[i].want ? v[i].want : "default",
                     got ? (int) got->lang.len : 7,
                     got ? got->lang.data : "default");
        }
    }

    assert_null(maint_lang_pick("fr", 2, t, 0));
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_no_snapshot_passes),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_steady_until),
        cmocka_unit_test(test_path_allowed),
        cmocka_unit_test(test_accept),
        cmocka_unit_test(test_lang_pick),
    };

    return cmocka_run_group_tests_name("eval", tests, setup, teardown);
}
