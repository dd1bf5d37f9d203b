/*
 * fuzz_decide.c: the decision for one request (maint_decide.c) over every
 * mix of facts, against a state of up to four windows made from the
 * input.  The properties, each checked against the windows as written
 * here, not through maint_evaluate():
 *   - the action is one maint_decide() makes, named; "revoked" is only
 *     ever recorded for a request with an ended session;
 *   - a superadmin never gets the maintenance page nor the read-only
 *     answer, and passes every window in force unless leaving or logged
 *     off by policy;
 *   - an ended session is answered (401 or redirect) unless the policy
 *     logs it off; either way its cookie expires, and what goes on is
 *     recorded "revoked";
 *   - with no window in force and a state, a request passes (a notice at
 *     most) unless it is the edge's own form or an ended session's;
 *   - an unsafe method under a read-only window, or any under a full one,
 *     goes on only exempt or as a superadmin's;
 *   - with no state (maint_decide_source() says none) it goes by the fail
 *     mode;
 *   - the Retry-After is there exactly while the window is active, and
 *     asking who it is happens only in a window in force, the second
 *     answer being the one the facts give.
 * Input: bytes: facts (2), freshness (1), app (1), path (1), address (1),
 * clock (1), then per window: flags (1), start (1), length (1), notice (1).
 */

#include <sys/socket.h>

#include "fuzz.h"
#include "maint_decide.h"


#define NOW_S  1000000


typedef struct {
    const unsigned char  *p;
    size_t                left;
} bytes_t;


static unsigned
next(bytes_t *b)
{
    if (b->left == 0) {
        return 0;
    }

    b->left--;

    return *b->p++;
}


static maint_str_t  apps[] = { { "a", 1 }, { "b", 1 } };
static maint_str_t  allow_path = { "/ok", 3 };
static maint_cidr_t  allow_net;         /* 10.0.0.0/8 */

static const char  *paths[] = { "/", "/ok", "/ok/x", "/okx" };
static const char  *raws[] = { NULL, "", "/ok", "/z/%2e%2e/ok" };

static unsigned char  addrs[][4] = { { 10, 1, 2, 3 }, { 192, 0, 2, 1 } };


static void
window_from(bytes_t *b, maint_window_t *w, size_t i)
{
    unsigned  f;

    memset(w, 0, sizeof(maint_window_t));

    f = next(b);

    w->id.data = &"0123"[i];
    w->id.len = 1;
    w->mode = (f & 0x01) ? MAINT_MODE_READ_ONLY : MAINT_MODE_FULL;
    w->hold = (f & 0x02) != 0;
    w->all_apps = (f & 0x04) != 0;
    w->apps = &apps[(f >> 3) & 1];
    w->napps = 1;

    if (f & 0x10) {
        w->allow_paths = &allow_path;
        w->nallow_paths = 1;
    }

    if (f & 0x20) {
        w->allow_networks = &allow_net;
        w->nallow_networks = 1;
    }

    /* around now, to the minute: starts up to two hours either way */
    w->start = NOW_S + ((int) next(b) - 128) * 60;
    w->start_ms = w->start * 1000;
    w->end = w->start + (int64_t) next(b) * 60;
    w->notify_before = (int64_t) next(b) * 60;
}


static int
applies(const maint_window_t *w, const char *app)
{
    return w->all_apps || (w->apps[0].data[0] == app[0]);
}


static int
active(const maint_window_t *w, int64_t now_ms)
{
    return now_ms >= w->start * 1000 && (w->hold || now_ms < w->end * 1000);
}


/* the active window of the app with the strictest mode: 0 none */

static int
strictest(const maint_snapshot_t *s, const char *app, int64_t now_ms)
{
    size_t  i;
    int     mode;

    mode = 0;

    for (i = 0; s && i < s->nwindows; i++) {
        if (applies(&s->windows[i], app) && active(&s->windows[i], now_ms)) {
            if (s->windows[i].mode == MAINT_MODE_FULL) {
                return 2;
            }

            mode = 1;
        }
    }

    return mode;
}


static void
check_shape(const maint_decide_in_t *in, const maint_decide_out_t *out)
{
    FUZZ_CHECK((unsigned) out->action < MAINT_ACT_COUNT);
    FUZZ_CHECK((unsigned) out->status < MAINT_ACT_COUNT);
    FUZZ_CHECK(out->action != MAINT_ACT_UNAVAILABLE);

    if (out->ask_superadmin) {
        FUZZ_CHECK(in->superadmin == MAINT_UNKNOWN);
        FUZZ_CHECK(out->action == MAINT_ACT_NONE && !out->pass);
        FUZZ_CHECK(out->window != NULL);
        return;
    }

    FUZZ_CHECK(out->action != MAINT_ACT_NONE);
    FUZZ_CHECK(maint_action_name(out->action)[0] != '\0');
    FUZZ_CHECK(out->status == out->action
               || (in->revoked && out->status == MAINT_ACT_REVOKED));
    FUZZ_CHECK(!in->revoked || out->status == MAINT_ACT_REVOKED);

    /* what goes on to the app, and what the edge answers */
    FUZZ_CHECK(out->pass == (out->action == MAINT_ACT_PASS
                             || out->action == MAINT_ACT_NOTICE
                             || out->action == MAINT_ACT_EXEMPT
                             || out->action == MAINT_ACT_BYPASS
                             || (out->action == MAINT_ACT_ERROR
                                 && in->fail_open)));
    FUZZ_CHECK(out->leaving == (out->action == MAINT_ACT_SIGNIN
                                && in->leave));
}


static void
check_order(const maint_decide_in_t *in, const maint_decide_out_t *out,
    int mode)
{
    int  answered;

    /* an ended session */

    FUZZ_CHECK(out->expire_cookie == in->revoked_now);

    answered = in->revoked_now && !in->revoked_logoff;

    if (answered) {
        FUZZ_CHECK(out->action == MAINT_ACT_REVOKED && !out->pass);
        FUZZ_CHECK(out->window == NULL);
        return;
    }

    FUZZ_CHECK(out->action != MAINT_ACT_REVOKED);

    if (in->leave) {
        FUZZ_CHECK(out->action == MAINT_ACT_SIGNIN && !out->pass);
        return;
    }

    if (out->ask_superadmin) {
        FUZZ_CHECK(mode != 0);
        return;
    }

    /* a superadmin */

    if (in->superadmin == 1) {
        FUZZ_CHECK(out->action != MAINT_ACT_MAINTENANCE
                   && out->action != MAINT_ACT_READ_ONLY_BLOCKED);
    }

    if (in->snap == NULL) {
        FUZZ_CHECK(out->window == NULL && out->retry_after == 0);
        FUZZ_CHECK(out->action == (in->signin_posted ? MAINT_ACT_SIGNIN
                                                     : MAINT_ACT_ERROR));
        FUZZ_CHECK(out->pass == (!in->signin_posted && in->fail_open));
        return;
    }

    if (mode == 0) {
        /* nothing in force: the app's, unless it is the edge's form */
        FUZZ_CHECK(out->pass == !in->signin_posted);
        FUZZ_CHECK(out->pass ? out->action == MAINT_ACT_PASS
                               || out->action == MAINT_ACT_NOTICE
                             : out->action == MAINT_ACT_SIGNIN);
        FUZZ_CHECK(out->retry_after == 0);
        return;
    }

    /* a window active: its id, and Retry-After */

    FUZZ_CHECK(out->window != NULL
               && applies(out->window, in->req.app)
               && active(out->window, in->req.now_ms));
    FUZZ_CHECK(out->retry_after >= 1);
    FUZZ_CHECK((mode == 2) == (out->window->mode == MAINT_MODE_FULL));

    if (out->pass && out->action != MAINT_ACT_EXEMPT
        && out->action != MAINT_ACT_BYPASS)
    {
        /* read-only lets safe methods through, nothing else */
        FUZZ_CHECK(mode == 1 && in->req.safe_method
                   && out->action == MAINT_ACT_PASS);
    }

    if (out->action == MAINT_ACT_EXEMPT) {
        FUZZ_CHECK(out->window->nallow_paths || out->window->nallow_networks);
    }

    /* not a superadmin: the sign-in when asked for, else the window's */

    if (in->superadmin == 0 && out->action != MAINT_ACT_EXEMPT) {
        FUZZ_CHECK(out->action == (in->signin ? MAINT_ACT_SIGNIN
                                   : mode == 2 ? MAINT_ACT_MAINTENANCE
                                   : in->req.safe_method ? MAINT_ACT_PASS
                                   : MAINT_ACT_READ_ONLY_BLOCKED));
    }

    /*
     * Not held by the window (exempt): a posted sign-in form is still the
     * edge's, a superadmin's too.
     */

    if (in->superadmin == 1) {
        FUZZ_CHECK(out->action == MAINT_ACT_BYPASS
                   || out->action == MAINT_ACT_EXEMPT
                   || (out->action == MAINT_ACT_SIGNIN
                       && in->signin_posted));
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 mode;
    size_t              i;
    unsigned            f, g, x;
    bytes_t             b;
    maint_source_e      src;
    maint_window_t      windows[4];
    maint_snapshot_t    snap;
    maint_freshness_t   fresh;
    maint_decide_in_t   in;
    maint_decide_out_t  out, again;

    if (allow_net.family == 0
        && maint_cidr_parse("10.0.0.0/8", 10, &allow_net) != 0)
    {
        abort();
    }

    b.p = data;
    b.left = size;

    f = next(&b);
    g = next(&b);

    /* the state: decided on when a source is found, by its freshness */

    x = next(&b);
    fresh.read_ok = x & 1;
    fresh.recent = (x >> 1) & 1;
    fresh.behind = (x >> 2) & 1;
    fresh.usable = (x >> 3) & 1;
    src = maint_decide_source(&fresh);

    FUZZ_CHECK((unsigned) src < MAINT_SRC_COUNT);
    FUZZ_CHECK((src == MAINT_SRC_NONE) == (!fresh.read_ok && !fresh.usable));
    FUZZ_CHECK(maint_source_name(src)[0] != '\0');

    memset(&in, 0, sizeof(maint_decide_in_t));

    in.req.app = (next(&b) & 1) ? "b" : "a";
    in.req.app_len = 1;

    x = next(&b);
    in.req.path = paths[x & 3];
    in.req.path_len = strlen(in.req.path);
    in.req.raw_path = raws[(x >> 2) & 3];
    in.req.raw_path_len = in.req.raw_path ? strlen(in.req.raw_path) : 0;
    in.req.path_rewritten = (x >> 4) & 1;

    x = next(&b);

    if (x & 2) {
        in.req.family = AF_INET;
        in.req.addr = addrs[x & 1];
    }

    /* to the second, either side of a minute */
    in.req.now_ms = NOW_S * 1000LL + ((int) next(&b) - 128) * 500;
    in.req.safe_method = f & 0x01;

    in.fail_open = (f >> 1) & 1;
    in.revoked_now = (f >> 2) & 1;
    in.revoked = in.revoked_now || ((f >> 3) & 1);
    in.revoked_logoff = (f >> 4) & 1;
    in.leave = (f >> 5) & 1;
    in.signin = (f >> 6) & 1;
    in.signin_posted = in.signin && ((f >> 7) & 1);
    in.superadmin = (g & 3) == 3 ? MAINT_UNKNOWN : (int) (g & 1);

    memset(&snap, 0, sizeof(maint_snapshot_t));
    snap.windows = windows;

    while (snap.nwindows < 4 && b.left >= 4) {
        window_from(&b, &windows[snap.nwindows], snap.nwindows);
        snap.nwindows++;
    }

    in.snap = src == MAINT_SRC_NONE ? NULL : &snap;
    mode = strictest(in.snap, in.req.app, in.req.now_ms);

    maint_decide(&in, &out);

    check_shape(&in, &out);
    check_order(&in, &out, mode);

    /* the same facts, the same answer */
    maint_decide(&in, &again);
    FUZZ_CHECK(memcmp(&out, &again, sizeof(maint_decide_out_t)) == 0);

    if (!out.ask_superadmin) {
        return 0;
    }

    /* the answers once asked: each a decision, a superadmin's passes */

    for (i = 0; i < 2; i++) {
        in.superadmin = (int) i;
        maint_decide(&in, &again);

        check_shape(&in, &again);
        check_order(&in, &again, mode);

        FUZZ_CHECK(!again.ask_superadmin && again.window == out.window);
        FUZZ_CHECK(i == 0 || again.action == MAINT_ACT_BYPASS);
        FUZZ_CHECK(i == 1 || again.action != MAINT_ACT_BYPASS);
    }

    return 0;
}
