/*
 * config.h: maint-admind's version and configuration, the settings every
 * part reads (adm_conf).
 *
 *   config.c     defaults, the configuration file and the flags over it,
 *                with errors that name the line and the key
 */

#ifndef ADM_CONFIG_H
#define ADM_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "model/precheck.h"


#define ADM_VERSION          "0.1.0"
#define ADM_MAX_TOKENS       256


/*
 * A route's role is the least a token needs; a token's is what it may.
 * FEED: a token that may read the calendar feed and nothing else (it may
 * also come in the feed's URL); a route of role FEED takes any token.
 */
typedef enum {
    ADM_ROLE_NONE = 0,
    ADM_ROLE_VIEWER,
    ADM_ROLE_ADMIN,
    ADM_ROLE_FEED
} adm_role_e;

typedef struct {
    char                name[65];
    adm_role_e          role;
    unsigned char       hash[32];           /* SHA-256 of the token */
} adm_token_t;

/*
 * The sender of notifications (notify/sender.c): all of it applied by a
 * reload (SIGHUP), the SMTP password read again from its file then.
 */
typedef struct {
    char                smtp_url[512];      /* smtp:// or smtps://, "" */
    int                 smtp_starttls;      /* on: TLS required */
    char                smtp_user[256];
    char                smtp_password_file[1024];
    char                smtp_password[256]; /* the file's first line */
    char                smtp_from[256];
    char                smtp_ca_file[1024];
    char                notify_ca_file[1024];   /* "": the system's */
    int                 timeout_ms;         /* notify_timeout */
    int64_t             retry_for_ms;       /* notify_retry_for */
    int                 backoff_ms;         /* notify_backoff */
    int                 concurrency;        /* notify_concurrency */
} adm_notify_conf_t;

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
    int64_t             series_horizon;     /* seconds: how far ahead a
                                               series' occurrences are
                                               windows */
    int                 client_timeout;     /* seconds a client may be
                                               quiet (slow headers, idle) */
    int                 max_connections;
    int                 max_connections_per_client; /* per address */
    int                 log_level;          /* applied by adm_log_set_level */
    /* HTTPS (tls.c): the listener serves only HTTPS when tls_cert is set */
    char                tls_cert[1024];     /* PEM chain, server's first */
    char                tls_key[1024];      /* unencrypted PEM */
    char                tls_priorities[512];    /* "": ADM_TLS_PRIORITIES */
    char                calendar_domain[65];    /* the feed's UIDs: id@it */
    char                public_url[1024];   /* the admin page, for links in
                                               notifications; "": none */
    adm_notify_conf_t   notify;
    /* custom prechecks (outbound/probe.c): applied by a reload */
    adm_precheck_t      prechecks[ADM_MAX_PRECHECKS];
    size_t              nprechecks;
    char                precheck_ca_file[1024]; /* "": the system's */
    adm_token_t         tokens[ADM_MAX_TOKENS];
    size_t              ntokens;
} adm_config_t;

extern adm_config_t  adm_conf;

void adm_config_defaults(void);
int adm_config_load(const char *file, char *err, size_t errlen);
int adm_config_set(const char *key, const char *value, char *err,
    size_t errlen);
int adm_config_valid_address(const char *v);
const char *adm_role_name(adm_role_e role);
int adm_role_parse(const char *s, adm_role_e *role);


#endif /* ADM_CONFIG_H */
