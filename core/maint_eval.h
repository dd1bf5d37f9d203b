/*
 * maint_eval.h: what the edge decides for one request, given a snapshot and
 * the fleet clock.  The admin API's /v1/status uses the same function so the
 * two can never disagree.
 */

#ifndef MAINT_EVAL_H
#define MAINT_EVAL_H

#include "maint_snapshot.h"
#include "maint_path.h"


typedef enum {
    MAINT_PASS = 0,             /* nothing applies */
    MAINT_NOTICE,               /* a window is upcoming: pass, with notice */
    MAINT_EXEMPT,               /* active window, but path/network allowed */
    MAINT_READ_ONLY_PASS,       /* read-only window, safe method */
    MAINT_MAINTENANCE,          /* active full window: maintenance page */
    MAINT_READ_ONLY_BLOCKED     /* read-only window, unsafe method */
} maint_decision_e;


typedef struct {
    const char           *app;
    size_t                app_len;
    int64_t               now_ms;       /* fleet (Redis) clock */
    int                   safe_method;  /* GET, HEAD, OPTIONS */
    const char           *path;         /* normalized URI path */
    size_t                path_len;

    /*
     * The path as the client sent it (no query), which an app behind
     * "proxy_pass" without a URI part receives; NULL: path is what the
     * app receives.  Allowed paths exempt a request only when the two
     * agree (maint_path_trusted()).
     */
    const char           *raw_path;
    size_t                raw_path_len;
    int                   path_rewritten;  /* path is not raw_path's */
    int                   family;       /* AF_INET, AF_INET6, 0: unknown */
    const unsigned char  *addr;         /* 4 or 16 bytes */
} maint_request_t;


/*
 * Picks the window that governs the request: among the active windows of
 * the app the most restrictive (full over read-only, then the latest end);
 * failing that the upcoming window that starts first, if its notice period
 * has begun.  *window is set for every decision but MAINT_PASS.
 */
maint_decision_e maint_evaluate(const maint_snapshot_t *s,
    const maint_request_t *req, const maint_window_t **window);

int maint_window_applies(const maint_window_t *w, const char *app,
    size_t app_len);
int maint_window_active(const maint_window_t *w, int64_t now_ms);

/*
 * Until when every request of the app is answered on this snapshot as at
 * now_ms (maint_evaluate(), whatever its path, method or address, and
 * maint_session_verdict(), whatever the session): the first instant
 * after now_ms at which a window of the app begins its notice, starts, or
 * ends sessions; INT64_MAX if none will.  now_ms itself while a window of
 * the app is in force: then the request decides.  For a decision kept
 * while nothing else changes (ngx_maint_kept.c); earlier instants than
 * now_ms are not covered.
 */
int64_t maint_steady_until(const maint_snapshot_t *s, const char *app,
    size_t app_len, int64_t now_ms);

/* Seconds until the window's expected end, at least 1; 60 once overrun. */
int64_t maint_retry_after(const maint_window_t *w, int64_t now_ms);

/*
 * Path prefix match on segment boundaries: "/api" matches "/api/x".  The
 * path must be normalised: maint_evaluate() checks that first.
 */
int maint_path_allowed(const maint_str_t *prefix, const char *path,
    size_t len);


#define MAINT_RETRY_AFTER_OVERRUN  60


#endif /* MAINT_EVAL_H */
