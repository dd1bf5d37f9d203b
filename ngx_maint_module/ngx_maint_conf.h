/*
 * ngx_maint_conf.h: what every part of the module shares, and nothing
 * else: the configuration, the per-request context, the refcounted state
 * a request is decided on, a decision kept per connection, the names of
 * its decisions, and how a part finds the configuration and context
 * without naming the ngx_module_t.
 *
 * The functions each part offers are in that part's own header; this one
 * is at the bottom of the graph, next to ngx_maint_conf.c (docs in
 * docs/architecture.md).  ngx_maint_module.c, which names every part's
 * hooks, is at the top.
 */

#ifndef NGX_MAINT_CONF_H
#define NGX_MAINT_CONF_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "maint_decide.h"
#include "maint_eval.h"
#include "maint_template.h"
#include "maint_cookie.h"


#define NGX_MAINT_VERSION  "0.1.0"


/* $maint_status values; also the "decision" label of the metrics */
typedef maint_action_e  ngx_maint_status_e;

#define NGX_MAINT_ST_NONE               MAINT_ACT_NONE
#define NGX_MAINT_ST_PASS               MAINT_ACT_PASS
#define NGX_MAINT_ST_NOTICE             MAINT_ACT_NOTICE
#define NGX_MAINT_ST_EXEMPT             MAINT_ACT_EXEMPT
#define NGX_MAINT_ST_MAINTENANCE        MAINT_ACT_MAINTENANCE
#define NGX_MAINT_ST_READ_ONLY_BLOCKED  MAINT_ACT_READ_ONLY_BLOCKED
#define NGX_MAINT_ST_ERROR              MAINT_ACT_ERROR
#define NGX_MAINT_ST_UNAVAILABLE        MAINT_ACT_UNAVAILABLE
#define NGX_MAINT_ST_REVOKED            MAINT_ACT_REVOKED
#define NGX_MAINT_ST_BYPASS             MAINT_ACT_BYPASS
#define NGX_MAINT_ST_SIGNIN             MAINT_ACT_SIGNIN
#define NGX_MAINT_ST_COUNT              MAINT_ACT_COUNT


/* what the decision was based on; $maint_source and a metrics label */
typedef maint_source_e  ngx_maint_source_e;

#define NGX_MAINT_SRC_FRESH             MAINT_SRC_FRESH
#define NGX_MAINT_SRC_RECENT            MAINT_SRC_RECENT
#define NGX_MAINT_SRC_STALE             MAINT_SRC_STALE
#define NGX_MAINT_SRC_NONE              MAINT_SRC_NONE
#define NGX_MAINT_SRC_COUNT             MAINT_SRC_COUNT


#define NGX_MAINT_ON_ERROR_OPEN    0
#define NGX_MAINT_ON_ERROR_CLOSED  1


typedef enum {
    NGX_MAINT_KIND_MAINTENANCE = 0,
    NGX_MAINT_KIND_READ_ONLY,
    NGX_MAINT_KIND_UNAVAILABLE,
    NGX_MAINT_KIND_SESSION_ENDED,
    NGX_MAINT_KIND_SIGNIN
} ngx_maint_kind_e;


/* why a session was logged off, for the notice after it */
typedef enum {
    NGX_MAINT_ENDED_NONE = 0,
    NGX_MAINT_ENDED_BY_ADMIN,           /* one by one, or "end all" */
    NGX_MAINT_ENDED_FOR_MAINTENANCE     /* a window's terminate_sessions */
} ngx_maint_ended_e;


/* which banner goes into an app's HTML page (ngx_maint_banner.c) */
typedef enum {
    NGX_MAINT_BANNER_NONE = 0,
    NGX_MAINT_BANNER_SUPERADMIN,
    NGX_MAINT_BANNER_UPCOMING,
    NGX_MAINT_BANNER_READ_ONLY
} ngx_maint_banner_e;


#define NGX_MAINT_REVOKED_LOGOFF    0
#define NGX_MAINT_REVOKED_401       1
#define NGX_MAINT_REVOKED_REDIRECT  2

#define NGX_MAINT_MAX_SESSIONS      8   /* values of the cookie per request */
#define NGX_MAINT_MAX_LOOKUPS       1   /* new values looked up per request */


/* a Redis or Sentinel address, resolved at configuration time */
typedef struct {
    ngx_str_t             text;             /* as written, for logs */
    ngx_str_t             name;             /* host as written, NUL-ended: */
                                            /* the TLS name by default */
    ngx_str_t             host;             /* numeric or path, NUL-ended */
    ngx_int_t             port;
    ngx_flag_t            unix_socket;
} ngx_maint_addr_t;


typedef struct {
    ngx_flag_t            configured;       /* maint_redis was given */
    ngx_str_t             addr_text;        /* as written, for logs */
    ngx_str_t             name;             /* host as written, NUL-ended */
    ngx_str_t             host;             /* numeric address or path */
    ngx_int_t             port;
    ngx_flag_t            unix_socket;
    ngx_int_t             db;
    ngx_str_t             username;
    ngx_str_t             password;

    /* Sentinel mode (docs/reliability.md) when master_name is set */
    ngx_str_t             master_name;
    ngx_array_t          *sentinels;        /* ngx_maint_addr_t */
    ngx_str_t             sentinel_username;
    ngx_str_t             sentinel_password;
    ngx_msec_t            role_check;       /* ROLE probe period */

    /*
     * TLS (docs/reliability.md, "TLS to Redis"): to the data node and to
     * the sentinels alike; the context is made at configuration time
     */
    ngx_flag_t            tls;
    ngx_str_t             tls_ca;           /* file or directory, full */
    ngx_str_t             tls_cert;         /* path, NUL-ended */
    ngx_str_t             tls_key;
    ngx_str_t             tls_server_name;
    void                 *tls_ctx;          /* SSL_CTX */

    ngx_msec_t            connect_timeout;
    ngx_msec_t            timeout;
    ngx_msec_t            backoff_min;
    ngx_msec_t            backoff_max;
    ngx_msec_t            heartbeat;        /* 0: off */
    ngx_str_t             prefix;
    ngx_str_t             key_state;        /* <prefix>state */
    ngx_str_t             key_gateways;     /* <prefix>gateways */
    ngx_str_t             key_gateway;      /* <prefix>gateway: */

    ngx_array_t           apps;             /* ngx_str_t, for heartbeats */
    ngx_shm_zone_t       *metrics_zone;
    ngx_shm_zone_t       *share_zone;       /* the newest read, shared */
    maint_template_t     *default_page;
    maint_template_t     *refusal_page;     /* built-in, read-only refusal */
    maint_template_t     *signin_page;

    ngx_uint_t            signin_limit;     /* attempts a minute, 0: off */
    ngx_shm_zone_t       *signin_zone;
    ngx_str_t             signin_csp;       /* the sign-in page's CSP */
    ngx_str_t             key_session;      /* <prefix>session: */
    ngx_str_t             key_sessions;     /* <prefix>sessions */
    ngx_str_t             key_revoked;      /* <prefix>revoked: */
} ngx_maint_main_conf_t;


typedef struct {
    ngx_flag_t            enable;
    ngx_flag_t            off_guard;        /* "maint off" inside "on" */

    /* this location's "proxy_pass" sends the raw URI on: where it is */
    ngx_str_t             proxy_raw_file;
    ngx_uint_t            proxy_raw_line;
    ngx_str_t             app;
    ngx_flag_t            api;
    ngx_uint_t            status_code;
    maint_template_t     *page;
    ngx_uint_t            on_error;
    ngx_msec_t            stale;            /* max age of last known state */
    ngx_msec_t            max_staleness;    /* freshness relaxation */
    ngx_flag_t            upstream_error;

    /* "unavailable" answers, rendered at configuration time */
    ngx_str_t             unavailable_html;
    ngx_str_t             unavailable_json;

    /* sessions and superadmins (docs/sessions.md) */
    ngx_str_t             session_cookie;
    maint_cookie_names_t  cookie_names;     /* it, then the edge's own */
    ngx_str_t             session_path;
    ngx_str_t             session_domain;
#if (NGX_PCRE)
    ngx_regex_t          *session_pattern;  /* what the app's ids look like */
#endif
    ngx_uint_t            session_revoked;
    ngx_str_t             session_redirect;
    ngx_http_complex_value_t  *session_user;
    ngx_str_t             force_login_arg;
    ngx_http_complex_value_t  *superadmin_identity;
    ngx_int_t             identity_verify;  /* $ssl_client_verify index, or
                                               -1: the identity is not a
                                               client certificate's */
    time_t                bypass_ttl;
    ngx_flag_t            bypass_banner;
    ngx_flag_t            banner;           /* upcoming windows' notice */
    ngx_flag_t            read_only_banner; /* reads in a read-only window */
    ngx_flag_t            end_notice;       /* after a logoff */
} ngx_maint_loc_conf_t;


/*
 * A decoded snapshot as a worker holds it.  Requests keep a reference for
 * as long as they may use it (variables are read at the log phase, page
 * buffers are sent after the handler returns), so a newer state can replace
 * it at any time.  Rendered answers for its windows are cached with it.
 */

typedef struct ngx_maint_rendered_s  ngx_maint_rendered_t;

typedef struct {
    ngx_uint_t              refs;
    maint_snapshot_t       *snap;
    int64_t                 version;
    ngx_maint_rendered_t   *rendered;
    ngx_uint_t              nrendered;
} ngx_maint_state_t;


/* a value of the session cookie, by the worker's own name for it */
typedef struct {
    u_char                  key[16];        /* SipHash, the worker's key */
    u_char                 *value;          /* in the request's headers */
    size_t                  len;
    void                   *entry;          /* its cache entry, found */
    ngx_uint_t              entry_frees;    /* ... while none was freed */
    unsigned                strip:1;        /* not checked: never sent on */
} ngx_maint_sref_t;


/*
 * A request's decision kept with its connection's Cookie header (in the
 * header's memo, ngx_maint_session_cookie.c) for the connection's next
 * requests: ngx_maint_kept.c.
 */
typedef struct {
    ngx_maint_loc_conf_t     *lcf;
    ngx_maint_state_t        *state;        /* compared, not referenced */
    ngx_uint_t                generation;   /* ... and so still held */
    uint64_t                  revocations;
    uintptr_t                 session;      /* ngx_maint_kept_session() */
    int64_t                   from_ms;      /* fleet clock */
    int64_t                   until_ms;
    ngx_uint_t                source;
    maint_decide_out_t        out;
    unsigned                  valid:1;
} ngx_maint_kept_t;


typedef struct {
    ngx_http_request_t     *request;
    ngx_queue_t             queue;          /* in the reader's wait lists */

    ngx_maint_state_t      *state;          /* referenced */
    const maint_window_t   *window;
    int64_t                 now_ms;         /* fleet clock at decision */

    ngx_uint_t              status;         /* ngx_maint_status_e */
    ngx_uint_t              source;         /* ngx_maint_source_e */

    unsigned                waiting:1;
    unsigned                have_read:1;    /* may decide now */
    unsigned                read_ok:1;      /* the read succeeded */
    unsigned                decided:1;
    unsigned                counted:1;
    unsigned                replace_body:1; /* filter: upstream failure */
    unsigned                body_sent:1;

    /* the session cookie's values, by id */
    unsigned                sessions_read:1;
    unsigned                revoked:1;      /* one of them is ended */
    unsigned                too_many:1;     /* more values than we check */
    unsigned                foreign:1;      /* an alias or an edge cookie */
    unsigned                expire_cookie:1;/* filter: Set-Cookie expiry */
    unsigned                bypassed:1;     /* a superadmin's request */
    unsigned                reading_body:1; /* the sign-in form's */
    unsigned                banner:1;       /* filter: inject a banner */
    unsigned                sessions_checked:1;
    unsigned                parked:1;       /* deadline is set */
    unsigned                leaving:1;      /* the banner's "Leave" form */
    unsigned                passed:1;       /* on to the app */
    unsigned                read_only:1;    /* a read in a read-only window */
    unsigned                ended:2;        /* ngx_maint_ended_e: why this
                                               request's session ended */
    unsigned                ended_before:2; /* the notice cookie's, from a
                                               logoff before */
    unsigned                banner_kind:2;  /* ngx_maint_banner_e */
    unsigned                banner_ended:1; /* and why the session ended */
    ngx_uint_t              nsessions;
    ngx_maint_sref_t       *sessions;       /* &session, or more: pool */
    ngx_maint_sref_t        session;        /* the usual one */
    ngx_maint_kept_t       *kept;           /* its connection's, or NULL */
    ngx_msec_t              deadline;       /* of the whole wait */

    u_char                  superadmin[65]; /* of a bypassed request */
    ngx_str_t               bypass_cookie;  /* the value that bypassed, in
                                               the request's headers */
    struct maint_html_s    *banner_html;    /* the scan for <body> */
    ngx_str_t               signin_name;    /* typed in a failed sign-in */
    void                   *next_free;      /* given back: the next one */
} ngx_maint_ctx_t;


/*
 * The module's index among the HTTP modules, copied from ngx_maint_module
 * when the http block's configuration is created: the parts find their
 * configuration and the request's context by it, so that they do not link
 * the ngx_module_t, whose file names every part's hooks (a cycle).
 */
extern ngx_uint_t  ngx_maint_conf_index;

#define ngx_maint_get_main_conf(r)                                           \
    ((ngx_maint_main_conf_t *) (r)->main_conf[ngx_maint_conf_index])
#define ngx_maint_get_loc_conf(r)                                            \
    ((ngx_maint_loc_conf_t *) (r)->loc_conf[ngx_maint_conf_index])
#define ngx_maint_conf_get_main_conf(cf)                                     \
    ((ngx_maint_main_conf_t *)                                               \
         ((ngx_http_conf_ctx_t *) (cf)->ctx)->main_conf[ngx_maint_conf_index])
#define ngx_maint_conf_get_loc_conf(cf)                                      \
    ((ngx_maint_loc_conf_t *)                                                \
         ((ngx_http_conf_ctx_t *) (cf)->ctx)->loc_conf[ngx_maint_conf_index])
#define ngx_maint_get_module_ctx(r)                                          \
    ((ngx_maint_ctx_t *) (r)->ctx[ngx_maint_conf_index])
#define ngx_maint_set_module_ctx(r, c)                                       \
    (r)->ctx[ngx_maint_conf_index] = (c)

/* the tag of the module's shared zones: the same across reloads */
#define NGX_MAINT_ZONE_TAG  ((void *) &ngx_maint_conf_index)

/* only ngx_maint_module.c, at the top of the graph, names it */
extern ngx_module_t  ngx_maint_module;

/*
 * Timers and posted events that belong to no connection point their data
 * here: NGINX's debug log reads ev->data as a connection (ngx_event_ident).
 */
extern ngx_connection_t  ngx_maint_event_owner;

/* the names of ngx_maint_status_e and ngx_maint_source_e values, in order */
extern ngx_str_t  ngx_maint_status_names[];
extern ngx_str_t  ngx_maint_source_names[];


#endif /* NGX_MAINT_CONF_H */
