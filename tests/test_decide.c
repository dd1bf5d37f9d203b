/*
 * The decision for one request (maint_decide.c) as a table: the facts the
 * handler gathers -> the action, what is recorded, whether the request
 * goes on, and the governing window; every step of the order, and each
 * step against the ones before it.  Then the state decided on, and the
 * names.
 */

#include <arpa/inet.h>
#include <sys/socket.h>

#include "unit.h"
#include "maint_decide.h"


/* t = 1000000 s; windows are placed around it */
#define T  1000000

static const char  *snapshot_json =
    "{\"schema\":1,\"windows\":["
    "{\"id\":\"full\",\"apps\":[\"full\"],\"start\":999000,"
    " \"end\":1003600,\"allow\":{\"paths\":[\"/health\"],"
    " \"networks\":[\"10.0.0.0/8\"]}},"
    "{\"id\":\"ro\",\"apps\":[\"ro\"],\"start\":999000,\"end\":1000010,"
    " \"mode\":\"read_only\"},"
    "{\"id\":\"soon\",\"apps\":[\"soon\"],\"start\":1000300,"
    " \"end\":1000900,\"notify_before_minutes\":10}"
    "]}";


/* the facts */
#define NO_STATE      0x0001        /* no state to decide on */
#define UNSAFE        0x0002        /* POST, PUT, DELETE ... */
#define EXEMPT_PATH   0x0004        /* /health */
#define EXEMPT_NET    0x0008        /* from 10.0.0.0/8 */
#define RAW_DOTS      0x0010        /* /health, sent on as /x/%2e%2e/health */
#define OPEN          0x0020        /* maint_on_redis_error open */
#define REVOKED       0x0040        /* a session of it ended */
#define REVOKED_NOW   0x0080        /* ... found for this decision */
#define LOGOFF        0x0100        /* maint_session_revoked logoff */
#define LEAVE         0x0200
#define SIGNIN        0x0400        /* ?forceLogin=true */
#define POSTED        0x0800        /* the sign-in form */
#define SUPERADMIN    0x1000        /* known to be a superadmin's */
#define NOBODY        0x2000        /* known not to be */

/* the outcome's flags */
#define PASS          0x01
#define EXPIRE        0x02
#define LEAVING       0x04
#define ASK           0x08
#define READ_ONLY     0x10


typedef struct {
    const char      *app;
    unsigned         in;
    maint_action_e   action;
    maint_action_e   status;        /* MAINT_ACT_NONE: as action */
    unsigned         out;
    const char      *window;        /* NULL: none */
} row_t;


#define A(x)  MAINT_ACT_##x

static const row_t  rows[] = {
    /* the window's own verdict, nothing else said */
    { "calm", NOBODY, A(PASS), 0, PASS, NULL },
    { "soon", NOBODY, A(NOTICE), 0, PASS, "soon" },
    { "full", NOBODY, A(MAINTENANCE), 0, 0, "full" },
    { "full", NOBODY | UNSAFE, A(MAINTENANCE), 0, 0, "full" },
    { "full", NOBODY | EXEMPT_PATH, A(EXEMPT), 0, PASS, "full" },
    { "full", NOBODY | EXEMPT_NET | UNSAFE, A(EXEMPT), 0, PASS, "full" },
    { "full", NOBODY | EXEMPT_PATH | RAW_DOTS, A(MAINTENANCE), 0, 0,
      "full" },
    { "ro", NOBODY, A(PASS), 0, PASS | READ_ONLY, "ro" },
    { "ro", NOBODY | UNSAFE, A(READ_ONLY_BLOCKED), 0, 0, "ro" },

    /* a window in force asks who it is; nothing else does */
    { "full", 0, A(NONE), 0, ASK, "full" },
    { "ro", 0, A(NONE), 0, ASK, "ro" },
    { "ro", UNSAFE, A(NONE), 0, ASK, "ro" },
    { "calm", 0, A(PASS), 0, PASS, NULL },
    { "soon", 0, A(NOTICE), 0, PASS, "soon" },
    { "full", EXEMPT_PATH, A(EXEMPT), 0, PASS, "full" },
    { "full", NO_STATE, A(ERROR), 0, 0, NULL },

    /* a superadmin passes every window in force, and only those */
    { "full", SUPERADMIN, A(BYPASS), 0, PASS, "full" },
    { "full", SUPERADMIN | UNSAFE, A(BYPASS), 0, PASS, "full" },
    { "ro", SUPERADMIN, A(BYPASS), 0, PASS, "ro" },
    { "ro", SUPERADMIN | UNSAFE, A(BYPASS), 0, PASS, "ro" },
    { "full", SUPERADMIN | EXEMPT_PATH, A(EXEMPT), 0, PASS, "full" },
    { "soon", SUPERADMIN, A(NOTICE), 0, PASS, "soon" },
    { "calm", SUPERADMIN, A(PASS), 0, PASS, NULL },

    /* the sign-in: asked for in a window in force, after the bypass */
    { "full", NOBODY | SIGNIN, A(SIGNIN), 0, 0, "full" },
    { "ro", NOBODY | SIGNIN, A(SIGNIN), 0, 0, "ro" },
    { "full", SUPERADMIN | SIGNIN, A(BYPASS), 0, PASS, "full" },
    { "calm", NOBODY | SIGNIN, A(PASS), 0, PASS, NULL },
    { "full", NOBODY | SIGNIN | EXEMPT_PATH, A(EXEMPT), 0, PASS, "full" },

    /* ... and its form posted when no window is in force: the edge's */
    { "calm", NOBODY | SIGNIN | POSTED, A(SIGNIN), 0, 0, NULL },
    { "soon", NOBODY | SIGNIN | POSTED, A(SIGNIN), 0, 0, "soon" },
    { "full", NOBODY | SIGNIN | POSTED | EXEMPT_NET, A(SIGNIN), 0, 0,
      "full" },
    { "full", NOBODY | SIGNIN | POSTED, A(SIGNIN), 0, 0, "full" },

    /* no state: the fail mode, but a credential never goes on */
    { "full", NO_STATE, A(ERROR), 0, 0, NULL },
    { "full", NO_STATE | OPEN, A(ERROR), 0, PASS, NULL },
    { "calm", NO_STATE | OPEN | SUPERADMIN, A(ERROR), 0, PASS, NULL },
    { "full", NO_STATE | SIGNIN, A(ERROR), 0, 0, NULL },
    { "full", NO_STATE | OPEN | SIGNIN | POSTED, A(SIGNIN), 0, 0, NULL },
    { "full", NO_STATE | SIGNIN | POSTED, A(SIGNIN), 0, 0, NULL },

    /* the banner's "Leave": the edge's, before the state and the bypass */
    { "calm", NOBODY | LEAVE, A(SIGNIN), 0, LEAVING, NULL },
    { "full", SUPERADMIN | LEAVE, A(SIGNIN), 0, LEAVING, NULL },
    { "full", LEAVE | NO_STATE | OPEN, A(SIGNIN), 0, LEAVING, NULL },

    /* an ended session found now: answered first, unless logged off */
    { "calm", REVOKED | REVOKED_NOW, A(REVOKED), 0, EXPIRE, NULL },
    { "full", REVOKED | REVOKED_NOW | SUPERADMIN, A(REVOKED), 0, EXPIRE,
      NULL },
    { "full", REVOKED | REVOKED_NOW | LEAVE, A(REVOKED), 0, EXPIRE, NULL },
    { "full", REVOKED | REVOKED_NOW | NO_STATE | OPEN, A(REVOKED), 0,
      EXPIRE, NULL },

    /* ... logged off: decided on as if it had none, recorded "revoked" */
    { "calm", REVOKED | REVOKED_NOW | LOGOFF | NOBODY, A(PASS), A(REVOKED),
      PASS | EXPIRE, NULL },
    { "full", REVOKED | REVOKED_NOW | LOGOFF | NOBODY, A(MAINTENANCE),
      A(REVOKED), EXPIRE, "full" },
    { "full", REVOKED | REVOKED_NOW | LOGOFF | SUPERADMIN, A(BYPASS),
      A(REVOKED), PASS | EXPIRE, "full" },
    { "full", REVOKED | REVOKED_NOW | LOGOFF, A(NONE), 0, ASK | EXPIRE,
      "full" },
    { "calm", REVOKED | REVOKED_NOW | LOGOFF | LEAVE, A(SIGNIN), A(REVOKED),
      EXPIRE | LEAVING, NULL },
    { "full", REVOKED | REVOKED_NOW | LOGOFF | NO_STATE | OPEN, A(ERROR),
      A(REVOKED), PASS | EXPIRE, NULL },

    /* ... and found before (a redirect inside the request): not again */
    { "calm", REVOKED | NOBODY, A(PASS), A(REVOKED), PASS, NULL },
    { "full", REVOKED | NOBODY, A(MAINTENANCE), A(REVOKED), 0, "full" },
    { "ro", REVOKED | NOBODY | UNSAFE, A(READ_ONLY_BLOCKED), A(REVOKED), 0,
      "ro" },
};


UNIT_SNAPSHOT_FIXTURE(snapshot_json)


static void
facts(const row_t *row, maint_decide_in_t *in, unsigned char *addr)
{
    unsigned  f = row->in;

    memset(in, 0, sizeof(maint_decide_in_t));

    in->snap = (f & NO_STATE) ? NULL : snap;
    in->req.app = row->app;
    in->req.app_len = strlen(row->app);
    in->req.now_ms = T * 1000LL;
    in->req.safe_method = !(f & UNSAFE);
    in->req.path = (f & EXEMPT_PATH) ? "/health" : "/";
    in->req.path_len = strlen(in->req.path);

    if (f & RAW_DOTS) {
        in->req.raw_path = "/x/%2e%2e/health";
        in->req.raw_path_len = strlen(in->req.raw_path);
    }

    (void) inet_pton(AF_INET, (f & EXEMPT_NET) ? "10.1.2.3" : "192.0.2.1",
                     addr);
    in->req.family = AF_INET;
    in->req.addr = addr;

    in->fail_open = (f & OPEN) != 0;
    in->revoked = (f & REVOKED) != 0;
    in->revoked_now = (f & REVOKED_NOW) != 0;
    in->revoked_logoff = (f & LOGOFF) != 0;
    in->leave = (f & LEAVE) != 0;
    in->signin = (f & SIGNIN) != 0;
    in->signin_posted = (f & POSTED) != 0;
    in->superadmin = (f & SUPERADMIN) ? 1 : (f & NOBODY) ? 0 : MAINT_UNKNOWN;
}


static void
test_rows(void **state)
{
    size_t               i;
    unsigned             got;
    unsigned char        addr[4];
    const row_t         *row;
    maint_action_e       status;
    maint_decide_in_t    in;
    maint_decide_out_t   out;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        row = &rows[i];

        facts(row, &in, addr);
        maint_decide(&in, &out);

        status = row->status ? row->status : row->action;
        got = (out.pass ? PASS : 0) | (out.expire_cookie ? EXPIRE : 0)
              | (out.leaving ? LEAVING : 0) | (out.ask_superadmin ? ASK : 0)
              | (out.read_only ? READ_ONLY : 0);

        if (out.action != row->action
            || (row->action != A(NONE) && out.status != status)
            || got != row->out
            || (row->window == NULL) != (out.window == NULL)
            || (out.window && !str_is(&out.window->id, row->window)))
        {
            fail_msg("row %zu (%s, facts 0x%04x): got %s/%s 0x%x %.*s, "
                     "want %s/%s 0x%x %s", i, row->app, row->in,
                     maint_action_name(out.action),
                     maint_action_name(out.status), got,
                     out.window ? (int) out.window->id.len : 4,
                     out.window ? out.window->id.data : "none",
                     maint_action_name(row->action),
                     maint_action_name(status), row->out,
                     row->window ? row->window : "none");
        }
    }
}


/* the active window's Retry-After comes with its verdict, and only its */

static void
test_retry_after(void **state)
{
    unsigned char        addr[4];
    maint_decide_in_t    in;
    maint_decide_out_t   out;
    static const row_t   full = { "full", NOBODY, 0, 0, 0, NULL },
                         exempt = { "full", NOBODY | EXEMPT_PATH, 0, 0, 0,
                                    NULL },
                         ro = { "ro", SUPERADMIN, 0, 0, 0, NULL },
                         soon = { "soon", NOBODY, 0, 0, 0, NULL },
                         none = { "full", NO_STATE, 0, 0, 0, NULL };

    facts(&full, &in, addr);
    maint_decide(&in, &out);
    assert_int_equal(out.retry_after, 3600);

    facts(&exempt, &in, addr);
    maint_decide(&in, &out);
    assert_int_equal(out.retry_after, 3600);

    /* overrun */
    facts(&ro, &in, addr);
    in.req.now_ms = 1000010 * 1000LL - 1;
    maint_decide(&in, &out);
    assert_int_equal(out.action, MAINT_ACT_BYPASS);
    assert_int_equal(out.retry_after, 1);

    facts(&soon, &in, addr);
    maint_decide(&in, &out);
    assert_int_equal(out.retry_after, 0);

    facts(&none, &in, addr);
    maint_decide(&in, &out);
    assert_int_equal(out.retry_after, 0);
}


/* asking, then deciding: the second answer is the one the facts give */

static void
test_ask_then_decide(void **state)
{
    unsigned char        addr[4];
    maint_decide_in_t    in;
    maint_decide_out_t   out, again;
    static const row_t   ro = { "ro", UNSAFE | SIGNIN, 0, 0, 0, NULL };

    facts(&ro, &in, addr);
    maint_decide(&in, &out);
    assert_true(out.ask_superadmin);
    assert_int_equal(out.action, MAINT_ACT_NONE);
    assert_false(out.pass);

    in.superadmin = 0;
    maint_decide(&in, &again);
    assert_false(again.ask_superadmin);
    assert_int_equal(again.action, MAINT_ACT_SIGNIN);
    assert_ptr_equal(again.window, out.window);

    in.superadmin = 1;
    maint_decide(&in, &again);
    assert_int_equal(again.action, MAINT_ACT_BYPASS);
    assert_true(again.pass);
}


static void
test_source(void **state)
{
    static const struct {
        unsigned         read_ok, recent, behind, usable;
        maint_source_e   want;
    } v[] = {
        { 1, 0, 0, 0, MAINT_SRC_FRESH },
        { 1, 0, 0, 1, MAINT_SRC_FRESH },
        { 1, 1, 0, 0, MAINT_SRC_RECENT },
        { 1, 1, 0, 1, MAINT_SRC_RECENT },
        /* a version this reader cannot decode: the last one it could */
        { 1, 0, 1, 0, MAINT_SRC_STALE },
        { 1, 1, 1, 1, MAINT_SRC_STALE },
        { 0, 0, 0, 1, MAINT_SRC_STALE },
        { 0, 0, 1, 1, MAINT_SRC_STALE },
        { 0, 0, 0, 0, MAINT_SRC_NONE },
        { 0, 1, 1, 0, MAINT_SRC_NONE },
    };
    size_t             i;
    maint_freshness_t  f;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        f.read_ok = v[i].read_ok;
        f.recent = v[i].recent;
        f.behind = v[i].behind;
        f.usable = v[i].usable;

        if (maint_decide_source(&f) != v[i].want) {
            fail_msg("freshness %zu: got %s, want %s", i,
                     maint_source_name(maint_decide_source(&f)),
                     maint_source_name(v[i].want));
        }
    }
}


/* the names $maint_status, the metrics and /v1/status have always used */

static void
test_names(void **state)
{
    assert_string_equal(maint_action_name(MAINT_ACT_NONE), "");
    assert_string_equal(maint_action_name(MAINT_ACT_PASS), "pass");
    assert_string_equal(maint_action_name(MAINT_ACT_NOTICE), "notice");
    assert_string_equal(maint_action_name(MAINT_ACT_EXEMPT), "exempt");
    assert_string_equal(maint_action_name(MAINT_ACT_MAINTENANCE),
                        "maintenance");
    assert_string_equal(maint_action_name(MAINT_ACT_READ_ONLY_BLOCKED),
                        "read_only_blocked");
    assert_string_equal(maint_action_name(MAINT_ACT_ERROR), "error");
    assert_string_equal(maint_action_name(MAINT_ACT_UNAVAILABLE),
                        "unavailable");
    assert_string_equal(maint_action_name(MAINT_ACT_REVOKED), "revoked");
    assert_string_equal(maint_action_name(MAINT_ACT_BYPASS), "bypass");
    assert_string_equal(maint_action_name(MAINT_ACT_SIGNIN), "signin");
    assert_string_equal(maint_action_name(MAINT_ACT_COUNT), "");
    assert_string_equal(maint_action_name((maint_action_e) -1), "");

    assert_string_equal(maint_source_name(MAINT_SRC_FRESH), "fresh");
    assert_string_equal(maint_source_name(MAINT_SRC_RECENT), "recent");
    assert_string_equal(maint_source_name(MAINT_SRC_STALE), "stale");
    assert_string_equal(maint_source_name(MAINT_SRC_NONE), "none");
    assert_string_equal(maint_source_name(MAINT_SRC_COUNT), "");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_ask_then_decide),
        cmocka_unit_test(test_source),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests_name("decide", tests, setup, teardown);
}
