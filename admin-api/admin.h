/*
 * admin.h: what the parts of maint-admind share.
 *
 *   main.c       startup, subcommands, the main loop, shutdown
 *   config.c     configuration file and flags
 *   log.c        structured logs (JSON lines)
 *   http.c       the thin HTTP layer on libmicrohttpd: requests, routing,
 *                authentication, JSON and problem+json answers
 *   routes.def   the route table (also checked against openapi.json)
 *   auth.c       bearer tokens, hashed, compared in constant time
 *   bodies.c     what the other request bodies may hold (settings,
 *                superadmins, sessions, /complete and /cancel)
 *   store.c      the Redis schema and every Redis command the daemon sends
 *   window.c     the window model: validation, lifecycle, overlaps
 *   snapshot.c   the snapshot the gateways read, built from the windows
 *   windows.c    /v1/windows resource
 *   sessions.c   /v1/sessions resource, and ending sessions when a window
 *                with terminate_sessions starts
 *   superadmins.c  /v1/superadmins and /v1/bypass-keys resources
 *   settings.c   /v1/settings resource
 *   audit.c      /v1/audit resource
 *   status.c     /v1/status: what an edge decides now
 *   gateways.c   /v1/gateways, from the gateways' heartbeats
 *   prechecks.c  the dry-run prechecks
 *   service.c    /healthz, /metrics, /openapi.json, counters
 *   web.c        the admin page's static files ("/", "/ui/...")
 *   tls.c        HTTPS: the certificate and key, reloaded on SIGHUP
 *   ticker.c     automatic starts and ends, recorded once a second
 */

#ifndef ADMIN_H
#define ADMIN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <microhttpd.h>
#include <hiredis/hiredis.h>

#include "maint_core.h"


#define ADM_VERSION          "0.1.0"
#define ADM_MAX_BODY         (64 * 1024)
#define ADM_MAX_TOKENS       256

/* lists: page sizes, and how many ids a filtered list reads at a time */
#define ADM_PAGE_DEFAULT     50
#define ADM_PAGE_MAX         500
#define ADM_SCAN_BATCH       200


/* --- configuration ------------------------------------------------------ */

typedef enum {
    ADM_ROLE_NONE = 0,
    ADM_ROLE_VIEWER,
    ADM_ROLE_ADMIN
} adm_role_e;

typedef struct {
    char                name[65];
    adm_role_e          role;
    unsigned char       hash[32];           /* SHA-256 of the token */
} adm_token_t;

typedef struct {
    char                listen[128];
    char                redis[256];         /* host:port or unix:/path */
    int                 redis_db;
    char                redis_user[128];
    char                redis_password[256];
    char                prefix[65];
    int                 redis_timeout_ms;
    /* Sentinel mode when redis_master_name is set (docs/reliability.md) */
    char                redis_master_name[65];
    char                redis_sentinels[512];   /* host:port,host:port */
    char                redis_sentinel_user[128];
    char                redis_sentinel_password[256];
    /*
     * TLS to Redis and the sentinels alike (docs/reliability.md, "TLS to
     * Redis"); needs a build with hiredis_ssl (adm_store_tls_init())
     */
    int                 redis_tls;
    char                redis_tls_ca[1024];     /* file or directory */
    char                redis_tls_cert[1024];
    char                redis_tls_key[1024];
    char                redis_tls_server_name[256];
    int                 redis_min_replicas;     /* WAIT; -1: 1 if Sentinel */
    int                 redis_failover_timeout_ms;
    int                 lease_ms;           /* gateways' lease: the delay
                                               before a change is answered */
    int64_t             max_duration;       /* seconds */
    int                 client_timeout;     /* seconds a client may be
                                               quiet (slow headers, idle) */
    int                 max_connections;
    int                 max_connections_per_client; /* per address */
    int                 log_level;
    /* HTTPS (tls.c): the listener serves only HTTPS when tls_cert is set */
    char                tls_cert[1024];     /* PEM chain, server's first */
    char                tls_key[1024];      /* unencrypted PEM */
    char                tls_priorities[512];    /* "": ADM_TLS_PRIORITIES */
    adm_token_t         tokens[ADM_MAX_TOKENS];
    size_t              ntokens;
} adm_config_t;

extern adm_config_t  adm_conf;

void adm_config_defaults(void);
int adm_config_load(const char *file, char *err, size_t errlen);
int adm_unhex(const char *hex, unsigned char *out, size_t n);
int adm_config_set(const char *key, const char *value, char *err,
    size_t errlen);
const char *adm_role_name(adm_role_e role);


/* --- logs --------------------------------------------------------------- */

enum { ADM_LOG_DEBUG = 0, ADM_LOG_INFO, ADM_LOG_WARN, ADM_LOG_ERROR };

/* fields: a json_pack() format for an object, then its arguments, or NULL */
void adm_log(int level, const char *msg, const char *fields, ...);
int adm_log_level(const char *name);
double adm_clock(void);


/* --- auth --------------------------------------------------------------- */

const adm_token_t *adm_auth(const char *authorization);
void adm_token_hash(const char *token, size_t len, unsigned char out[32]);
int adm_token_generate(char *out, size_t len);


/* --- HTTP --------------------------------------------------------------- */

typedef struct adm_req_s  adm_req_t;
typedef int (*adm_handler_pt)(adm_req_t *r);

typedef struct {
    const char         *method;
    const char         *pattern;
    adm_handler_pt      handler;
    adm_role_e          role;
} adm_route_t;

struct adm_req_s {
    struct MHD_Connection  *conn;
    const char             *method;
    const char             *url;
    const adm_route_t      *route;
    char                    id[65];         /* {id} in the path */

    char                   *body;
    size_t                  body_len;
    unsigned                too_large:1;
    unsigned                answered:1;

    json_t                 *json;           /* the parsed body */
    const adm_token_t      *token;
    char                    request_id[17];
    double                  started;

    unsigned                status;
    struct MHD_Response    *response;
};

extern const adm_route_t  adm_routes[];
extern const size_t       adm_nroutes;

struct MHD_Daemon *adm_http_start(const char *listen, char *err,
    size_t errlen);
unsigned adm_http_active(void);

int adm_reply_json(adm_req_t *r, unsigned status, json_t *body);
int adm_reply_text(adm_req_t *r, unsigned status, const char *type,
    const char *body, size_t len);
int adm_reply_empty(adm_req_t *r, unsigned status);
int adm_problem(adm_req_t *r, unsigned status, const char *type,
    const char *title, const char *detail, json_t *errors, json_t *extra);
void adm_header(adm_req_t *r, const char *name, const char *value);
void adm_etag(adm_req_t *r, int64_t revision);
const char *adm_query(adm_req_t *r, const char *name);
int adm_query_uint(adm_req_t *r, const char *name, long min, long max,
    long *out);
int adm_bad_query(adm_req_t *r, const char *name, const char *reason);
int adm_not_found(adm_req_t *r);
const char *adm_header_in(adm_req_t *r, const char *name);
int adm_body(adm_req_t *r, int optional);
int adm_redis_down(adm_req_t *r);

/* problem types (suffixes of urn:ngx-maint:problem:) */
#define ADM_P_BAD_REQUEST   "bad-request"
#define ADM_P_VALIDATION    "validation"
#define ADM_P_NOT_FOUND     "not-found"
#define ADM_P_CONFLICT      "conflict"
#define ADM_P_PRECONDITION  "precondition-failed"
#define ADM_P_REQUIRED      "precondition-required"


/* --- Redis -------------------------------------------------------------- */

/*
 * Who gets in, besides the windows: {"superadmins": {name: record},
 * "bypass_keys": {kid: record}, "session_cutoffs": {app: epoch s}}.
 */
typedef struct {
    int64_t             version;            /* of the state */
    int64_t             now_ms;             /* Redis clock */
    json_t             *settings;           /* object */
    json_t             *live;               /* array of window records */
    json_t             *access;             /* object, as above */
} adm_view_t;

/* what a change does to sessions, besides the snapshot */
typedef struct {
    json_t             *revoke;             /* ids to put on the blacklist */
    json_t             *keep;               /* ids whose kept_at is set */
    int64_t             keep_at;            /* ms */
    int                 bump;               /* bump Pstate revocations */
    int64_t             now_ms;
    int64_t             ttl_ms;             /* of a blacklist entry */
    int64_t             idle_ms;            /* of a registry entry */
} adm_sessions_op_t;

typedef struct {
    int64_t             expect_version;
    const char         *op;                 /* "put", "del" or "none" */
    const char         *id;
    json_t             *window;             /* record, for "put" */
    int                 live;               /* keep in the live set */
    json_t             *settings;           /* to store, or NULL */
    json_t             *access;             /* to store, or NULL */
    adm_sessions_op_t  *sessions;           /* or NULL */
    const char         *actor;
    const char         *snapshot;
    json_t             *audit;              /* audit entry fields */
} adm_commit_t;

enum { ADM_OK = 0, ADM_ERROR = -1, ADM_RETRY = 1, ADM_NOTHING = 2 };

int adm_store_tls_init(char *err, size_t errlen);
int adm_store_connect(void);
void adm_store_close(void);
redisReply *adm_redis(int argc, const char **argv, const size_t *lens);
redisReply *adm_redisf(const char *fmt, ...);
const char *adm_store_error(void);
int adm_store_now(int64_t *ms);
int adm_store_view(adm_view_t *v);
void adm_view_free(adm_view_t *v);
int adm_store_window(const char *id, json_t **rec);
int adm_store_commit(adm_commit_t *c, int64_t *new_version,
    int64_t *lease_ms);
int adm_store_unconfirmed(void);
int adm_store_unsure(void);
int adm_store_audit(json_t *entry);
int adm_store_list_ids(int64_t max_score, size_t offset, size_t count,
    json_t **ids);
int adm_store_windows(json_t *ids, json_t **recs);
int adm_store_audit_page(const char *before, size_t count, json_t **items,
    char *last, size_t lastlen);
int adm_store_gateways(int64_t now_ms, json_t **items);
int adm_store_snapshot(int64_t *version, char **json, size_t *len);
int adm_store_session_ids(size_t offset, size_t count, json_t **ids);
int adm_store_sessions(json_t *ids, json_t **recs);
int adm_store_session_clean(int64_t before_ms);
void adm_key(char *buf, size_t len, const char *name, const char *id);
json_t *adm_settings_defaults(void);
int64_t adm_setting(json_t *settings, const char *name);


/* --- windows ------------------------------------------------------------ */

typedef enum {
    ADM_ST_SCHEDULED = 0,
    ADM_ST_IN_PROGRESS,
    ADM_ST_COMPLETED,
    ADM_ST_COMPLETED_WITH_ERRORS,
    ADM_ST_FAILED,
    ADM_ST_CANCELLED
} adm_status_e;

const char *adm_status_name(adm_status_e st);
int adm_status_parse(const char *s, adm_status_e *st);
int adm_status_finished(adm_status_e st);

int adm_window_fields(json_t *in, int creating, int64_t now, json_t *out,
    json_t *errors);
json_t *adm_window_new(const char *id, json_t *fields, const char *actor,
    int64_t now);
void adm_window_merge(json_t *rec, json_t *fields);
int adm_window_check(json_t *rec, int creating, int64_t now,
    json_t *errors);
adm_status_e adm_window_status(json_t *rec);
adm_status_e adm_window_effective(json_t *rec, int64_t now);
json_t *adm_window_view(json_t *rec, int64_t now);
json_t *adm_window_conflict(json_t *rec, json_t *live, int64_t now);
int64_t adm_window_time(json_t *rec, const char *field);
int64_t adm_window_time_ms(json_t *rec, const char *field);
int64_t adm_window_begin(json_t *rec);
int64_t adm_window_begin_ms(json_t *rec);
void adm_window_now_ms(json_t *in, json_t *fields, int64_t now_ms);
void adm_window_set_time(json_t *rec, const char *field, int64_t t);
void adm_window_touch(json_t *rec, const char *actor, int64_t now);
int adm_window_id(char *out, size_t len);

json_t *adm_time_json(int64_t t);
json_t *adm_time_ms_json(int64_t ms);
int adm_parse_time(json_t *v, int64_t now, int64_t *t);
int adm_text_ok(const char *s, size_t len, size_t max_chars, int lines);
int adm_refuse(json_t *errors, const char *field, const char *reason);
void adm_utf8_trim(char *s);


/* --- snapshot ----------------------------------------------------------- */

char *adm_snapshot_build(json_t *live, json_t *settings, json_t *access,
    int64_t now);
json_t *adm_snapshot_redacted(const char *snapshot);
int adm_snapshot_check(const char *snapshot, char *err, size_t errlen);
const char *adm_signing_kid(json_t *keys);




/* --- writes: the shared load, check, commit loop -------------------------- */

typedef struct adm_change_s  adm_change_t;

/*
 * A change is computed from a fresh view; returns 0 to commit, or the
 * HTTP answer it queued (non-zero) to stop.
 */
typedef int (*adm_change_pt)(adm_req_t *r, adm_view_t *v, adm_change_t *c);

struct adm_change_s {
    const char         *action;             /* audit action */
    const char         *target;
    json_t             *before;             /* stored window, or NULL */
    json_t             *after;              /* new window, or NULL */
    const char         *op;                 /* "put", "del", "none" */
    json_t             *settings;           /* new settings, or NULL */
    json_t             *access;             /* new access, or NULL */
    adm_sessions_op_t   sessions;
    json_t             *audit_before;       /* for other resources: what */
    json_t             *audit_after;        /*   the audit shows */
    json_t             *reply;              /* their answer, or NULL: 204 */
    int                 dry_run;
    unsigned            ok_status;
    void               *data;
};

int adm_write(adm_req_t *r, const char *action, const char *target,
    adm_change_pt compute, void *data);
int adm_reject(adm_req_t *r, const char *action, const char *target,
    unsigned status);
json_t *adm_audit_entry(adm_req_t *r, const char *action, const char *target,
    const char *outcome, unsigned status, json_t *before, json_t *after,
    int64_t now_ms);
int adm_if_match(adm_req_t *r, json_t *rec, const char *action);


/* --- request bodies other than a window's (bodies.c) --------------------- */

#define ADM_SESSION_ID_LEN  64
#define ADM_EXCEPT_MAX      1000            /* "except": session ids */

typedef struct {
    const char         *app;                /* NULL: every app */
    json_t             *except;             /* session ids to keep, or NULL */
    int                 except_superadmins;
} adm_terminate_t;

int adm_json_nul(json_t *v, char *path, size_t len);
int adm_session_id_ok(const char *id);
int adm_settings_fields(json_t *in, json_t *settings, json_t *errors);
int adm_superadmin_fields(json_t *in, const char **name, json_t *errors);
int adm_terminate_fields(json_t *in, adm_terminate_t *t, json_t *errors);
int adm_finish_fields(json_t *in, int complete, adm_status_e *outcome,
    json_t **notes, json_t *errors);


/* --- sessions ----------------------------------------------------------- */

int adm_sessions_end_all(adm_view_t *v, adm_change_t *c, const char *app,
    int64_t cutoff, int64_t from_ms, json_t *except, int except_superadmins,
    size_t *kept);
int adm_sessions_window_hook(adm_view_t *v, adm_change_t *c);


/* --- resources ------------------------------------------------------------ */

int adm_healthz(adm_req_t *r);
int adm_metrics(adm_req_t *r);
int adm_openapi(adm_req_t *r);
int adm_windows_list(adm_req_t *r);
int adm_windows_create(adm_req_t *r);
int adm_window_get(adm_req_t *r);
int adm_window_patch(adm_req_t *r);
int adm_window_delete(adm_req_t *r);
int adm_window_start(adm_req_t *r);
int adm_window_complete(adm_req_t *r);
int adm_window_cancel(adm_req_t *r);
int adm_status(adm_req_t *r);
int adm_settings_get(adm_req_t *r);
int adm_settings_put(adm_req_t *r);
int adm_audit_list(adm_req_t *r);
int adm_gateways_list(adm_req_t *r);
int adm_sessions_list(adm_req_t *r);
int adm_session_get(adm_req_t *r);
int adm_session_end(adm_req_t *r);
int adm_sessions_terminate(adm_req_t *r);
int adm_superadmins_list(adm_req_t *r);
int adm_superadmins_create(adm_req_t *r);
int adm_superadmin_delete(adm_req_t *r);
int adm_superadmin_rotate(adm_req_t *r);
int adm_bypass_keys_list(adm_req_t *r);
int adm_bypass_keys_create(adm_req_t *r);
int adm_bypass_key_delete(adm_req_t *r);
json_t *adm_bypass_key_new(const char *actor, int64_t now_ms);

json_t *adm_prechecks(json_t *rec, adm_view_t *v, int *ok);
json_t *adm_check_redis(void);

void adm_tick(void);

/* counters for /metrics */
void adm_count_request(const adm_route_t *route, unsigned status);
void adm_count(const char *name);

extern const char  admin_openapi_json[];

/* the admin page (web.c), from admin-api/web/ (build/web_assets.c) */
typedef struct {
    const char         *name;               /* "app.js" */
    const char         *data;
    size_t              len;
} adm_asset_t;

extern const adm_asset_t  adm_web_assets[];
extern const size_t       adm_web_nassets;

int adm_web(adm_req_t *r);


/* --- HTTPS (tls.c) -------------------------------------------------------- */

/*
 * TLS 1.2 and 1.3 only; forward-secret key exchange, AEAD ciphers: what
 * every current browser, curl and libcurl speak (docs/admin-api.md).
 */
#define ADM_TLS_PRIORITIES                                                   \
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:"   \
    "+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:"   \
    "+ECDHE-RSA"

int adm_tls_check(char *err, size_t errlen);
int adm_tls_init(char *err, size_t errlen);
const char *adm_tls_priorities(void);
const char *adm_tls_not_after(void);
void *adm_tls_reload_load(char *err, size_t errlen);
void adm_tls_reload_apply(void *cred);
void adm_tls_reload_discard(void *cred);
void adm_tls_done(void);
void adm_tls_connection(void *cls, struct MHD_Connection *conn, void **ctx,
    enum MHD_ConnectionNotificationCode toe);

#ifdef GNUTLS_ABSTRACT_H
int adm_tls_cert_cb(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
    int nreqs, const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
    gnutls_pcert_st **pcert, unsigned int *pcert_length,
    gnutls_privkey_t *privkey);
#endif


#endif /* ADMIN_H */
