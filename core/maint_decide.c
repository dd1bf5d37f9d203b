/*
 * maint_decide.c: the decision for one request, from the facts gathered
 * by its caller (the NGINX handler, /v1/status, the tests): no I/O, no
 * clock, no allocation.  The window's own verdict is maint_evaluate()'s.
 */

#include <string.h>

#include "maint_decide.h"


#define MAINT_NAME(s)  s

static const char  *maint_action_names[] = { MAINT_ACTION_NAMES(MAINT_NAME) };
static const char  *maint_source_names[] = { MAINT_SOURCE_NAMES(MAINT_NAME) };

/* a list and its enum that part ways do not compile */
typedef char maint_action_names_match[
    sizeof(maint_action_names) / sizeof(char *) == MAINT_ACT_COUNT ? 1 : -1];
typedef char maint_source_names_match[
    sizeof(maint_source_names) / sizeof(char *) == MAINT_SRC_COUNT ? 1 : -1];


static void maint_decided(const maint_decide_in_t *in,
    maint_decide_out_t *out, maint_action_e action, int pass);


/* the window's verdict, when nothing before it decided */

static const struct {
    maint_action_e  action;
    int             pass;
} maint_window_answers[] = {
    [MAINT_PASS] =              { MAINT_ACT_PASS, 1 },
    [MAINT_NOTICE] =            { MAINT_ACT_NOTICE, 1 },
    [MAINT_EXEMPT] =            { MAINT_ACT_EXEMPT, 1 },
    [MAINT_READ_ONLY_PASS] =    { MAINT_ACT_PASS, 1 },
    [MAINT_MAINTENANCE] =       { MAINT_ACT_MAINTENANCE, 0 },
    [MAINT_READ_ONLY_BLOCKED] = { MAINT_ACT_READ_ONLY_BLOCKED, 0 }
};


/*
 * A successful read decides on what it read, unless Redis holds a version
 * this reader could not decode: then on the last one it could, as when
 * Redis fails and the last known state is recent enough.
 */

maint_source_e
maint_decide_source(const maint_freshness_t *f)
{
    if (f->read_ok) {
        if (f->behind) {
            return MAINT_SRC_STALE;
        }

        return f->recent ? MAINT_SRC_RECENT : MAINT_SRC_FRESH;
    }

    return f->usable ? MAINT_SRC_STALE : MAINT_SRC_NONE;
}


void
maint_decide(const maint_decide_in_t *in, maint_decide_out_t *out)
{
    maint_decision_e       d;
    const maint_window_t  *w;

    memset(out, 0, sizeof(maint_decide_out_t));

    /*
     * An ended session: whatever the answer, it expires the cookie; the
     * edge answers now, or the request goes on without the session.
     */

    if (in->revoked_now) {
        out->expire_cookie = 1;

        if (!in->revoked_logoff) {
            maint_decided(in, out, MAINT_ACT_REVOKED, 0);
            return;
        }
    }

    /*
     * The banner's "Leave": the edge's own form, whatever the state (it
     * needs none), and never the app's, even for a superadmin.
     */

    if (in->leave) {
        out->leaving = 1;
        maint_decided(in, out, MAINT_ACT_SIGNIN, 0);
        return;
    }

    if (in->snap == NULL) {
        /* a credential is never passed on, whatever the fail mode */
        maint_decided(in, out,
                      in->signin_posted ? MAINT_ACT_SIGNIN : MAINT_ACT_ERROR,
                      !in->signin_posted && in->fail_open);
        return;
    }

    d = maint_evaluate(in->snap, &in->req, &w);

    out->window = w;

    if (w != NULL && d != MAINT_NOTICE) {
        out->retry_after = maint_retry_after(w, in->req.now_ms);
    }

    /* a window in force (not exempt): superadmins pass, or may sign in */

    if (d == MAINT_MAINTENANCE || d == MAINT_READ_ONLY_BLOCKED
        || d == MAINT_READ_ONLY_PASS)
    {
        if (in->superadmin == MAINT_UNKNOWN) {
            out->ask_superadmin = 1;
            return;
        }

        if (in->superadmin) {
            maint_decided(in, out, MAINT_ACT_BYPASS, 1);
            return;
        }

        if (in->signin) {
            maint_decided(in, out, MAINT_ACT_SIGNIN, 0);
            return;
        }

    } else if (in->signin_posted) {
        /* the form posted after the window ended: still the edge's */
        maint_decided(in, out, MAINT_ACT_SIGNIN, 0);
        return;
    }

    out->read_only = d == MAINT_READ_ONLY_PASS;

    maint_decided(in, out, maint_window_answers[d].action,
                  maint_window_answers[d].pass);
}


/*
 * A logged-off session is recorded as "revoked" whatever came next
 * (docs/sessions.md): that is what an admin looks for in logs.
 */

static void
maint_decided(const maint_decide_in_t *in, maint_decide_out_t *out,
    maint_action_e action, int pass)
{
    out->action = action;
    out->status = in->revoked ? MAINT_ACT_REVOKED : action;
    out->pass = pass != 0;
}


const char *
maint_action_name(maint_action_e action)
{
    if ((unsigned) action >= MAINT_ACT_COUNT) {
        return "";
    }

    return maint_action_names[action];
}


const char *
maint_source_name(maint_source_e source)
{
    if ((unsigned) source >= MAINT_SRC_COUNT) {
        return "";
    }

    return maint_source_names[source];
}
