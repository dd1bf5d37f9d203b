/*
 * maint_decide.h: the decision for one request, in the order of
 * docs/sessions.md (its session, the window's exemptions, a superadmin's
 * bypass, the sign-in, the window's answer), as a pure function of facts
 * the caller gathered; and the names of decisions and of the states they
 * are made on, as $maint_status, $maint_source, the metrics and
 * /v1/status spell them.
 */

#ifndef MAINT_DECIDE_H
#define MAINT_DECIDE_H

#include "maint_eval.h"


/* The decision, in the order of MAINT_ACTION_NAMES(). */
typedef enum {
    MAINT_ACT_NONE = 0,         /* not decided (yet) */
    MAINT_ACT_PASS,             /* to the app */
    MAINT_ACT_NOTICE,           /* to the app; a window is upcoming */
    MAINT_ACT_EXEMPT,           /* to the app; exempt from the window */
    MAINT_ACT_MAINTENANCE,      /* the maintenance page */
    MAINT_ACT_READ_ONLY_BLOCKED,/* the read-only answer, unsafe method */
    MAINT_ACT_ERROR,            /* no state: to the app when failing open,
                                   else the "unavailable" answer */
    MAINT_ACT_UNAVAILABLE,      /* an upstream failure answered by the
                                   edge (its filter, not maint_decide()) */
    MAINT_ACT_REVOKED,          /* its session ended: 401 or a redirect */
    MAINT_ACT_BYPASS,           /* a superadmin's: to the app */
    MAINT_ACT_SIGNIN,           /* the edge's sign-in page or form */
    MAINT_ACT_COUNT
} maint_action_e;

/*
 * The names, one list for every table of them: str() makes each entry
 * (a C string for maint_action_name(), NGINX's ngx_string for its
 * ngx_str_t tables).  "" for MAINT_ACT_NONE: no name.
 */
#define MAINT_ACTION_NAMES(str)                                              \
    str(""), str("pass"), str("notice"), str("exempt"), str("maintenance"),  \
    str("read_only_blocked"), str("error"), str("unavailable"),              \
    str("revoked"), str("bypass"), str("signin")


/* What a decision is made on, in the order of MAINT_SOURCE_NAMES(). */
typedef enum {
    MAINT_SRC_FRESH = 0,        /* a read sent after the request arrived */
    MAINT_SRC_RECENT,           /* a read within maint_max_staleness */
    MAINT_SRC_STALE,            /* Redis failed: the last known state */
    MAINT_SRC_NONE,             /* Redis failed, no usable state */
    MAINT_SRC_COUNT
} maint_source_e;

#define MAINT_SOURCE_NAMES(str)                                              \
    str("fresh"), str("recent"), str("stale"), str("none")


/* How the request's read went, for maint_decide_source(). */
typedef struct {
    unsigned                read_ok:1;      /* its read succeeded */
    unsigned                recent:1;       /* a read within
                                               maint_max_staleness
                                               answered it */
    unsigned                behind:1;       /* Redis holds a version this
                                               reader could not decode */
    unsigned                usable:1;       /* the last known state is
                                               within maint_stale */
} maint_freshness_t;


#define MAINT_UNKNOWN  (-1)

typedef struct {
    /* the state decided on (maint_decide_source()); NULL: none */
    const maint_snapshot_t *snap;
    maint_request_t         req;            /* app, clock, method, paths,
                                               client address */
    unsigned                fail_open:1;    /* maint_on_redis_error open */

    /* its session cookie (docs/sessions.md) */
    unsigned                revoked:1;      /* a value of it ended */
    unsigned                revoked_now:1;  /* ... found by the check made
                                               for this decision */
    unsigned                revoked_logoff:1; /* maint_session_revoked
                                               logoff: on without it */

    /* ?forceLogin= and the edge's forms */
    unsigned                leave:1;        /* the banner's "Leave" */
    unsigned                signin:1;       /* forceLogin=true, on a method
                                               the sign-in answers; read
                                               only once superadmin is
                                               known (a caller may gather
                                               both when asked) */
    unsigned                signin_posted:1; /* the sign-in form, posted */

    /*
     * The front's identity or a bypass cookie names a superadmin of snap:
     * 1, 0, or MAINT_UNKNOWN when not looked at yet (it costs a MAC, and
     * matters only while a window is in force).
     */
    int                     superadmin;
} maint_decide_in_t;


typedef struct {
    maint_action_e          action;         /* what the edge does */
    maint_action_e          status;         /* the decision as recorded:
                                               "revoked" for a logged-off
                                               session, whatever follows */
    unsigned                pass:1;         /* on to the app */
    unsigned                expire_cookie:1; /* the answer ends the session
                                               cookie */
    unsigned                leaving:1;      /* the sign-in is the "Leave" */
    unsigned                read_only:1;    /* a read passing a read-only
                                               window in force */

    /* MAINT_ACT_NONE: in->superadmin is needed; ask, call again */
    unsigned                ask_superadmin:1;

    const maint_window_t   *window;         /* the governing window, or
                                               NULL */
    int64_t                 retry_after;    /* seconds to the end of the
                                               active window (at least 1),
                                               0: none is active */
} maint_decide_out_t;


/* The state a request is decided on, from how its read went. */
maint_source_e maint_decide_source(const maint_freshness_t *f);

void maint_decide(const maint_decide_in_t *in, maint_decide_out_t *out);

/* "" for MAINT_ACT_NONE and for values out of range */
const char *maint_action_name(maint_action_e action);
const char *maint_source_name(maint_source_e source);


#endif /* MAINT_DECIDE_H */
