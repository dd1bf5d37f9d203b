/*
 * ngx_maint_module.h: what the parts of the module share: configuration,
 * the per-request context, the refcounted state a request is decided on,
 * and the functions each part offers the others.
 *
 *   ngx_maint_module.c     directives, configuration, module hooks
 *   ngx_maint_redis.c      hiredis async adapter on an ngx_connection_t
 *   ngx_maint_state.c      coalesced fresh reads, snapshot, fleet clock
 *   ngx_maint_handler.c    the precontent phase handler: park, decide
 *   ngx_maint_response.c   maintenance page and problem+json answers
 *   ngx_maint_filter.c     automatic activation on upstream failure
 *   ngx_maint_variables.c  $maint_* variables
 *   ngx_maint_metrics.c    shared-memory counters and the Prometheus handler
 *   ngx_maint_heartbeat.c  the gateway heartbeat written to Redis
 *   ngx_maint_session.c    session cookies: verdict cache, lookups, logoff,
 *                          the registry
 *   ngx_maint_signin.c     ?forceLogin=true: the sign-in page and form,
 *                          the bypass cookie, the rate limit
 *   ngx_maint_banner.c     the banners in the app's HTML pages: the
 *                          superadmin's, an upcoming window's notice
 */

#ifndef NGX_MAINT_MODULE_H
#define NGX_MAINT_MODULE_H

#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include <hiredis/async.h>

#include "maint_eval.h"
#include "maint_template.h"
#include "maint_session.h"
#include "maint_bypass.h"
#include "maint_tls.h"


#define NGX_MAINT_VERSION  "0.1.0"


/* $maint_status values; also the "decision" label of the metrics */
typedef enum {
    NGX_MAINT_ST_NONE = 0,
    NGX_MAINT_ST_PASS,
    NGX_MAINT_ST_NOTICE,
    NGX_MAINT_ST_EXEMPT,
    NGX_MAINT_ST_MAINTENANCE,
    NGX_MAINT_ST_READ_ONLY_BLOCKED,
    NGX_MAINT_ST_ERROR,
    NGX_MAINT_ST_UNAVAILABLE,
    NGX_MAINT_ST_REVOKED,
    NGX_MAINT_ST_BYPASS,
    NGX_MAINT_ST_SIGNIN,
    NGX_MAINT_ST_COUNT
} ngx_maint_status_e;


/* what the decision was based on; $maint_source and a metrics label */
typedef enum {
    NGX_MAINT_SRC_FRESH = 0,    /* a read sent after the request arrived */
    NGX_MAINT_SRC_RECENT,       /* within maint_max_staleness */
    NGX_MAINT_SRC_STALE,        /* Redis failed: last known state */
    NGX_MAINT_SRC_NONE,         /* Redis failed, no usable state */
    NGX_MAINT_SRC_COUNT
} ngx_maint_source_e;


#define NGX_MAINT_ON_ERROR_OPEN    0
#define NGX_MAINT_ON_ERROR_CLOSED  1


typedef enum {
    NGX_MAINT_KIND_MAINTENANCE = 0,
    NGX_MAINT_KIND_READ_ONLY,
    NGX_MAINT_KIND_UNAVAILABLE,
    NGX_MAINT_KIND_SESSION_ENDED,
    NGX_MAINT_KIND_SIGNIN
} ngx_maint_kind_e;


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
    maint_template_t     *default_page;
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
    unsigned                strip:1;        /* not checked: never sent on */
} ngx_maint_sref_t;


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
    ngx_uint_t              nsessions;
    ngx_maint_sref_t       *sessions;       /* &session, or more: pool */
    ngx_maint_sref_t        session;        /* the usual one */
    ngx_msec_t              deadline;       /* of the whole wait */

    u_char                  superadmin[65]; /* of a bypassed request */
    ngx_str_t               bypass_cookie;  /* the value that bypassed, in
                                               the request's headers */
    struct maint_html_s    *banner_html;    /* the scan for <body> */
} ngx_maint_ctx_t;


extern ngx_module_t  ngx_maint_module;

/*
 * Timers and posted events that belong to no connection point their data
 * here: NGINX's debug log reads ev->data as a connection (ngx_event_ident).
 */
extern ngx_connection_t  ngx_maint_event_owner;


/* ngx_maint_module.c */
ngx_maint_ctx_t *ngx_maint_get_ctx(ngx_http_request_t *r);
ngx_maint_ctx_t *ngx_maint_create_ctx(ngx_http_request_t *r);

/* ngx_maint_handler.c */
ngx_int_t ngx_maint_handler(ngx_http_request_t *r);

/* ngx_maint_filter.c */
ngx_int_t ngx_maint_filter_init(ngx_conf_t *cf);
void ngx_maint_drop_headers(ngx_http_request_t *r, ngx_uint_t retry_after);

/* ngx_maint_signin.c */
ngx_int_t ngx_maint_signin_init_conf(ngx_conf_t *cf,
    ngx_maint_main_conf_t *mcf);
ngx_flag_t ngx_maint_bypassed(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_wants_signin(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_signin_posted(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
ngx_int_t ngx_maint_signin(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_maint_loc_conf_t *lcf);
ngx_flag_t ngx_maint_wants_leave(ngx_http_request_t *r,
    ngx_maint_loc_conf_t *lcf);
ngx_int_t ngx_maint_leave_form(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_str_t *out);
ngx_flag_t ngx_maint_edge_cookie(const char *name, size_t len);

/* ngx_maint_banner.c */
ngx_int_t ngx_maint_banner_header(ngx_http_request_t *r, ngx_maint_ctx_t *ctx);
ngx_int_t ngx_maint_banner_body(ngx_http_request_t *r, ngx_maint_ctx_t *ctx,
    ngx_chain_t *in, ngx_chain_t **out);

/* ngx_maint_variables.c */
ngx_int_t ngx_maint_add_variables(ngx_conf_t *cf);
extern ngx_str_t  ngx_maint_status_names[];
extern ngx_str_t  ngx_maint_source_names[];

/* ngx_maint_metrics.c */
ngx_int_t ngx_maint_metrics_init_conf(ngx_conf_t *cf,
    ngx_maint_main_conf_t *mcf);
void ngx_maint_metrics_init_worker(ngx_maint_main_conf_t *mcf);
char *ngx_maint_metrics_directive(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf);
void ngx_maint_metric_decision(ngx_uint_t status, ngx_uint_t source);
void ngx_maint_metric_read(ngx_uint_t usec);

typedef enum {
    NGX_MAINT_M_READS = 0,          /* reads sent (batches) */
    NGX_MAINT_M_REPLIES,
    NGX_MAINT_M_ERRORS,
    NGX_MAINT_M_TIMEOUTS,
    NGX_MAINT_M_RECONNECTS,
    NGX_MAINT_M_CONNECT_FAILURES,
    NGX_MAINT_M_SNAPSHOT_FETCHES,
    NGX_MAINT_M_SNAPSHOT_LOADS,
    NGX_MAINT_M_SNAPSHOT_ERRORS,
    NGX_MAINT_M_WAITED,             /* requests that waited for a read */
    NGX_MAINT_M_LEASED,             /* decided on a read under its lease */
    NGX_MAINT_M_WAIT_TIMEOUTS,      /* requests whose wait timed out */
    NGX_MAINT_M_HEARTBEATS,
    NGX_MAINT_M_UPSTREAM_REPLACED,  /* upstream 502/504 answered by us */
    NGX_MAINT_M_SESSION_LOOKUPS,
    NGX_MAINT_M_SESSIONS_REGISTERED,
    NGX_MAINT_M_SIGNIN_OK,
    NGX_MAINT_M_SIGNIN_FAILED,
    NGX_MAINT_M_SIGNIN_LIMITED,
    NGX_MAINT_M_SENTINEL_LOOKUPS,   /* primary addresses asked for */
    NGX_MAINT_M_SENTINEL_FAILURES,  /* sentinels that did not answer */
    NGX_MAINT_M_FAILOVERS,          /* primary moved, and we followed */
    NGX_MAINT_M_NOT_PRIMARY,        /* node said it is a replica */
    NGX_MAINT_M_COUNT
} ngx_maint_metric_e;

void ngx_maint_metric_inc(ngx_maint_metric_e m);
void ngx_maint_metric_worker_state(int64_t version, ngx_msec_t ok_wall_ms,
    ngx_flag_t connected, ngx_flag_t degraded, ngx_flag_t behind);



#endif /* NGX_MAINT_MODULE_H */
