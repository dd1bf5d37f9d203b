/*
 * admin.h: what the parts of maint-admind share.  The layers, each file
 * with a header of its own where others use it; a layer calls only the
 * ones below it (HTTP -> resources -> write engine -> store, model):
 *
 *   main.c       startup, subcommands, the main loop, shutdown
 *   config.c     configuration file and flags
 *   log.c        structured logs (JSON lines)
 *   ticker.c     automatic starts and ends, recorded once a second
 *
 *   http/http.c      the thin HTTP layer on libmicrohttpd: requests,
 *                    routing, authentication, JSON and problem+json answers
 *   http/routes.def  the route table (also checked against openapi.json)
 *   http/auth.c      bearer tokens, hashed, compared in constant time
 *   http/service.c   /healthz, /metrics, /openapi.json, counters
 *   http/web.c       the admin page's static files ("/", "/ui/...")
 *   http/tls.c       HTTPS: the certificate and key, reloaded on SIGHUP
 *
 *   resources/windows.c      /v1/windows resource
 *   resources/sessions.c     /v1/sessions resource
 *   resources/superadmins.c  /v1/superadmins and /v1/bypass-keys resources
 *   resources/settings.c     /v1/settings resource
 *   resources/audit.c        /v1/audit resource
 *   resources/status.c       /v1/status: what an edge decides now
 *   resources/gateways.c     /v1/gateways, from the gateways' heartbeats
 *   resources/prechecks.c    the dry-run prechecks
 *   resources/change.c       the writes requests ask for: run by the
 *                            engine, answered; rejected attempts, If-Match
 *   resources/write.c        the write engine: compute from a fresh view,
 *                            check, commit, retry; no HTTP (the ticker's too)
 *   resources/ending.c       what a change does to sessions: "end all"
 *                            cutoffs, a finished window's terminate_sessions
 *
 *   model/window.c    the window model: validation, lifecycle, overlaps
 *   model/times.c     times in records and the API (RFC 3339, "now")
 *   model/snapshot.c  the snapshot the gateways read, built from windows
 *   model/settings.c  the settings' defaults
 *   model/bodies.c    what the other request bodies may hold (settings,
 *                     superadmins, sessions, /complete and /cancel)
 *
 *   store/store.c     the return convention (adm_rc_e), key names, the one
 *                     connection (Sentinel, TLS, failover), commands
 *   store/commit.c    every change, as one script (store/commit.lua)
 *   store/reads.c     the daemon's own keys: view, windows, audit, snapshot
 *   store/registry.c  what gateways write: heartbeats, session registry
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


/* --- service.c, web.c ---------------------------------------------------- */

int adm_healthz(adm_req_t *r);
int adm_metrics(adm_req_t *r);
int adm_openapi(adm_req_t *r);


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
