/*
 * main.c: maint-admind's command line, startup, main loop and shutdown.
 *
 * One thread: libmicrohttpd and the outbound transfers (libcurl multi:
 * notifications, custom prechecks) are driven from the loop, one wait
 * over both (adm_turn()), and the ticker runs between its turns, so
 * handlers, the sender, the prechecks and the ticker never run at the
 * same time.  SIGTERM/SIGINT: stop accepting, finish what is in progress
 * (at most 5 s; prechecks not done by then fail as such), exit 0.  SIGHUP: read the configuration file
 * again and apply what can change at run time (adm_reload()), between two
 * turns of the loop, so that no request sees half of it.
 */

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "maint_codec.h"
#include "maint_core.h"
#include "maint_names.h"
#include "admin.h"
#include "config.h"
#include "log.h"
#include "ticker.h"
#include "http/auth.h"
#include "http/http.h"
#include "http/routes.h"
#include "http/tls.h"
#include "http/web.h"
#include "notify/sender.h"
#include "outbound/multi.h"
#include "outbound/probe.h"
#include "resources/write.h"
#include "store/commit.h"
#include "store/store.h"


static volatile sig_atomic_t  adm_stop;
static volatile sig_atomic_t  adm_hup;

/* the configuration file, and the flags that override it, for a reload */
static const char            *adm_config_file;
static char                 **adm_argv;
static int                    adm_argc;


static void
adm_on_signal(int sig)
{
    if (sig == SIGHUP) {
        adm_hup = 1;
        return;
    }

    adm_stop = sig;
}


static void
adm_usage(FILE *f)
{
    fprintf(f,
        "usage: maint-admind [--config FILE] [--listen ADDR] [--redis ADDR]\n"
        "                    [--redis-db N] [--redis-prefix P]"
        " [--log-level L]\n"
        "                    [--redis-master-name NAME"
        " --redis-sentinels H:P,H:P...]\n"
        "                    [--tls-cert FILE --tls-key FILE]\n"
        "       maint-admind -t [--config FILE]    check the configuration\n"
        "       maint-admind gen-token NAME ROLE   new token"
        " (admin|viewer|feed)\n"
        "       maint-admind hash-token            SHA-256 of a token on "
        "stdin\n"
        "       maint-admind --version\n");
}


static int
adm_gen_token(const char *name, const char *role)
{
    char           tok[64], hex[65];
    unsigned char  h[32];
    adm_role_e     r;

    if (!maint_valid_name(name, strlen(name))
        || adm_role_parse(role, &r) != 0)
    {
        fprintf(stderr, "maint-admind: gen-token NAME ROLE: NAME is 1 to 64 "
                "of A-Z a-z 0-9 . _ -, ROLE is admin, viewer or feed\n");
        return 1;
    }

    if (adm_token_generate(tok, sizeof(tok)) != 0) {
        fprintf(stderr, "maint-admind: no randomness\n");
        return 1;
    }

    adm_token_hash(tok, strlen(tok), h);
    maint_hex(h, sizeof(h), hex);

    printf("token:  %s\nconfig: token %s %s %s\n", tok, name, role, hex);

    return 0;
}


static int
adm_hash_token(void)
{
    char           line[1024], hex[65];
    size_t         len;
    unsigned char  h[32];

    if (fgets(line, sizeof(line), stdin) == NULL) {
        fprintf(stderr, "maint-admind: no token on stdin\n");
        return 1;
    }

    len = strcspn(line, "\r\n");
    adm_token_hash(line, len, h);
    maint_hex(h, sizeof(h), hex);
    printf("%s\n", hex);

    return 0;
}


/* "--redis-db" -> "redis_db", for the flags that override the file */

static int
adm_flag_key(const char *flag, char *key, size_t size)
{
    char  *p;
    size_t  i;

    static const char  *keys[] = {
        "listen", "redis", "redis_db", "redis_prefix", "redis_master_name",
        "redis_sentinels", "log_level", "tls_cert", "tls_key"
    };

    if (strncmp(flag, "--", 2) != 0 || strlen(flag) >= size) {
        return 0;
    }

    snprintf(key, size, "%s", flag + 2);

    for (p = key; *p; p++) {
        if (*p == '-') {
            *p = '_';
        }
    }

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        if (strcmp(key, keys[i]) == 0) {
            return 1;
        }
    }

    return 0;
}


/* what no single setting can check: settings that go together */

static int
adm_config_check(char *err, size_t errlen)
{
    if ((adm_conf.redis_master_name[0] == '\0')
        != (adm_conf.redis_sentinels[0] == '\0'))
    {
        snprintf(err, errlen, "\"redis_master_name\" and "
                 "\"redis_sentinels\" go together (Sentinel mode)");
        return -1;
    }

    return 0;
}


/*
 * The settings a reload cannot apply: the listening socket and the HTTP
 * server's limits (fixed when libmicrohttpd starts), the Redis connection
 * (its address, credentials, TLS context and namespace: a half-switched
 * store is worse than none), and HTTPS on or off.  A change to one of them
 * is logged as needing a restart and the running value is kept.  Any
 * other difference in the structure that is not applied below is caught
 * by the final comparison in adm_reload() (a setting added later without
 * a decision here), and reported the same way.
 */

#define ADM_FIELD(f, k)                                                       \
    { k, offsetof(adm_config_t, f), sizeof(((adm_config_t *) 0)->f) }

static const struct {
    const char  *key;
    size_t       off, size;
} adm_restart_fields[] = {
    ADM_FIELD(listen, "listen"),
    ADM_FIELD(client_timeout, "client_timeout"),
    ADM_FIELD(max_connections, "max_connections"),
    ADM_FIELD(max_connections_per_client, "max_connections_per_client"),
    ADM_FIELD(redis, "redis"),
    ADM_FIELD(redis_db, "redis_db"),
    ADM_FIELD(redis_user, "redis_user"),
    ADM_FIELD(redis_password, "redis_password"),
    ADM_FIELD(prefix, "redis_prefix"),
    ADM_FIELD(redis_timeout_ms, "redis_timeout"),
    ADM_FIELD(redis_master_name, "redis_master_name"),
    ADM_FIELD(redis_sentinels, "redis_sentinels"),
    ADM_FIELD(redis_sentinel_user, "redis_sentinel_user"),
    ADM_FIELD(redis_sentinel_password, "redis_sentinel_password"),
    ADM_FIELD(redis_tls, "redis_tls"),
    ADM_FIELD(redis_tls_ca, "redis_tls_ca"),
    ADM_FIELD(redis_tls_cert, "redis_tls_cert"),
    ADM_FIELD(redis_tls_key, "redis_tls_key"),
    ADM_FIELD(redis_tls_server_name, "redis_tls_server_name"),
    ADM_FIELD(tls_priorities, "tls_priorities"),
};

#undef ADM_FIELD


/*
 * A reload, first step: the configuration file read again into adm_conf,
 * from the defaults, and the flags applied over it as at the start.
 */

static int
adm_reload_read(char *err, size_t errlen)
{
    size_t  i;
    char    key[64];

    adm_config_defaults();

    if (adm_config_file
        && adm_config_load(adm_config_file, err, errlen) != 0)
    {
        return -1;
    }

    for (i = 1; i < (size_t) adm_argc; i++) {
        if (strcmp(adm_argv[i], "--config") == 0) {
            i++;

        } else if (adm_flag_key(adm_argv[i], key, sizeof(key))
                   && i + 1 < (size_t) adm_argc)
        {
            if (adm_config_set(key, adm_argv[++i], err, errlen) != 0) {
                return -1;
            }
        }
    }

    return adm_config_check(err, errlen);
}


static void
adm_restart_add(char *restart, size_t size, const char *what)
{
    size_t  len;

    len = strlen(restart);

    snprintf(restart + len, size - len, "%s%s", restart[0] ? ", " : "",
             what);
}


/*
 * A reload, the valid configuration read (in adm_conf): adm_conf becomes
 * the running one ("then") with what a reload applies taken from the new
 * one; what needs a restart is listed in "restart".  "now" is scratch.
 */

static void
adm_reload_keep(adm_config_t *then, adm_config_t *now, char *restart,
    size_t size)
{
    int     https_then, https_now;
    size_t  i;

    https_then = then->tls_cert[0] != '\0';
    https_now = adm_conf.tls_cert[0] != '\0';

    memcpy(now, &adm_conf, sizeof(adm_config_t));

    /* the running values of what needs a restart */

    restart[0] = '\0';

    for (i = 0; i < sizeof(adm_restart_fields) / sizeof(adm_restart_fields[0]);
         i++)
    {
        if (memcmp((char *) now + adm_restart_fields[i].off,
                   (char *) then + adm_restart_fields[i].off,
                   adm_restart_fields[i].size) != 0)
        {
            adm_restart_add(restart, size, adm_restart_fields[i].key);
        }

        memcpy((char *) &adm_conf + adm_restart_fields[i].off,
               (char *) then + adm_restart_fields[i].off,
               adm_restart_fields[i].size);
    }

    if (https_then != https_now) {
        adm_restart_add(restart, size, https_now ? "tls_cert (HTTPS on)"
                                                 : "tls_cert (HTTPS off)");
        memcpy(adm_conf.tls_cert, then->tls_cert, sizeof(adm_conf.tls_cert));
        memcpy(adm_conf.tls_key, then->tls_key, sizeof(adm_conf.tls_key));
    }

    /*
     * What is left must be exactly what was read: a difference is a
     * setting this function does not know how to apply; keep it as it ran.
     */
    memcpy(now, &adm_conf, sizeof(adm_config_t));
    memcpy(&adm_conf, then, sizeof(adm_config_t));

    memcpy(adm_conf.tokens, now->tokens, sizeof(adm_conf.tokens));
    adm_conf.ntokens = now->ntokens;
    adm_conf.log_level = now->log_level;
    adm_conf.lease_ms = now->lease_ms;
    adm_conf.max_duration = now->max_duration;
    adm_conf.series_horizon = now->series_horizon;
    adm_conf.redis_min_replicas = now->redis_min_replicas;
    adm_conf.redis_failover_timeout_ms = now->redis_failover_timeout_ms;
    adm_conf.notify = now->notify;
    memcpy(adm_conf.prechecks, now->prechecks, sizeof(adm_conf.prechecks));
    adm_conf.nprechecks = now->nprechecks;
    memcpy(adm_conf.precheck_ca_file, now->precheck_ca_file,
           sizeof(adm_conf.precheck_ca_file));
    memcpy(adm_conf.public_url, now->public_url, sizeof(adm_conf.public_url));
    memcpy(adm_conf.tls_cert, now->tls_cert, sizeof(adm_conf.tls_cert));
    memcpy(adm_conf.tls_key, now->tls_key, sizeof(adm_conf.tls_key));

    if (memcmp(&adm_conf, now, sizeof(adm_config_t)) != 0) {
        adm_restart_add(restart, size, "other settings");
    }
}


/*
 * SIGHUP: the file is read again, the flags applied over it as at the
 * start, and checked as -t checks it (the HTTPS certificate and key
 * included).  If anything is wrong, nothing changes and the error is
 * logged.  Otherwise the tokens, log_level, lease, max_window_duration,
 * series_horizon, the notification settings, the prechecks and their
 * CA file (a run in progress keeps the checks it started with),
 * redis_min_replicas, redis_failover_timeout and the HTTPS certificate and
 * key (read again even if the paths are the same: that is how a renewed
 * certificate is picked up) take effect for the next request; the rest
 * keep their running values (adm_restart_fields).  Called between two
 * turns of the loop: no handler runs, and no connection is touched.  A
 * request is checked (token, role) and answered in one turn, once its body
 * is complete, so each one sees either the old configuration or the new,
 * never a mix; one whose body was still arriving at the signal is
 * answered under the new one, an answer being sent is sent.  One that
 * waits for custom prechecks is checked and run again, whole, when they
 * are done: under the configuration then.
 */

/*
 * The gateways' lease from the first moment: written at the start and
 * after every reload, not only with a change, so that a fresh install
 * does not run without one (every request a read) until something
 * changes.  Tried again every tick until Redis takes it.
 */

static int  adm_lease_due = 1;


static void
adm_lease_publish(void)
{
    int64_t  replaced;

    if (!adm_lease_due) {
        return;
    }

    if (adm_store_lease(&replaced) != ADM_OK) {
        return;                 /* the next tick tries again */
    }

    adm_lease_due = 0;
    adm_write_lease_replaced(replaced);

    adm_log(ADM_LOG_INFO, "lease written", "{s:i, s:I}", "lease_ms",
            adm_conf.lease_ms, "replaced_ms", (json_int_t) replaced);
}


static void
adm_reload(void)
{
    char           err[512], restart[512];
    void          *cred;
    adm_config_t  *then, *now;

    then = malloc(sizeof(adm_config_t));
    now = malloc(sizeof(adm_config_t));

    if (then == NULL || now == NULL) {
        adm_log(ADM_LOG_ERROR, "configuration not reloaded", "{s:s}",
                "error", "out of memory");
        free(then);
        free(now);
        return;
    }

    memcpy(then, &adm_conf, sizeof(adm_config_t));
    cred = NULL;
    err[0] = '\0';

    if (adm_reload_read(err, sizeof(err)) != 0) {
        goto invalid;
    }

    if (then->tls_cert[0] != '\0' && adm_conf.tls_cert[0] != '\0') {
        /* tls_priorities is not applied, but must still be valid */
        cred = adm_tls_reload_load(err, sizeof(err));
        if (cred == NULL) {
            goto invalid;
        }

    } else if (adm_tls_check(err, sizeof(err)) != 0) {
        goto invalid;
    }

    adm_reload_keep(then, now, restart, sizeof(restart));

    adm_log_set_level(adm_conf.log_level);
    adm_tls_reload_apply(cred);

    /* the lease may have changed: the gateways hear of it now */
    adm_lease_due = 1;

    if (restart[0]) {
        adm_log(ADM_LOG_WARN, "configuration changes that need a restart "
                "were not applied", "{s:s, s:s}", "settings", restart,
                "action", "restart maint-admind to apply them");
    }

    adm_log(ADM_LOG_INFO, "configuration reloaded",
            "{s:s, s:i, s:i, s:s, s:s}",
            "config", adm_config_file ? adm_config_file : "(none)",
            "tokens", (int) adm_conf.ntokens,
            "tokens_before", (int) then->ntokens,
            "log_level", adm_log_level_name(adm_conf.log_level),
            "tls_not_after", adm_tls_not_after());

    if (adm_conf.ntokens == 0) {
        adm_log(ADM_LOG_WARN, "no tokens configured: every /v1 request will "
                "be refused", NULL);
    }

    goto done;

invalid:

    adm_tls_reload_discard(cred);
    memcpy(&adm_conf, then, sizeof(adm_config_t));

    adm_log(ADM_LOG_ERROR, "configuration not reloaded: the running "
            "configuration is kept", "{s:s}",
            "error", err);

done:

    memset(then, 0, sizeof(adm_config_t));
    memset(now, 0, sizeof(adm_config_t));
    free(then);
    free(now);
}


/*
 * One turn of the loop: one wait over the HTTP server's sockets and the
 * outbound transfers' (outbound/multi.c says how), then both served:
 * requests, finished transfers (deliveries recorded, prechecks judged and
 * their runs handed back, resuming the requests that wait for them), new
 * deliveries claimed.  The wait is at most 250 ms, less when the HTTP
 * server, the sender or the next tick (a second after the last) want a
 * turn sooner.
 */

/* libcurl started: notifications are sent */
static int  adm_outbound;


static void
adm_turn(struct MHD_Daemon *d, double last_tick)
{
    int                     maxfd;
    long                    timeout, t;
    fd_set                  r, w, e;
    MHD_UNSIGNED_LONG_LONG  mhd;

    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    maxfd = -1;

    timeout = adm_sender_timeout();

    if (MHD_get_timeout(d, &mhd) == MHD_YES && (long) mhd < timeout) {
        timeout = (long) mhd;
    }

    t = (long) ((last_tick + 1.0 - adm_clock()) * 1000) + 1;
    timeout = t < timeout ? (t < 0 ? 0 : t) : timeout;

    if (MHD_get_fdset2(d, &r, &w, &e, &maxfd, FD_SETSIZE) != MHD_YES
        || adm_multi_wait(&r, &w, &e, maxfd, timeout) != 0)
    {
        /* no libcurl (or a socket past FD_SETSIZE): MHD waits alone */
        MHD_run_wait(d, timeout);

    } else {
        MHD_run_from_select(d, &r, &w, &e);
    }

    adm_multi_run();

    /* requests resumed: served now, not after the next wait */
    if (adm_probe_run() > 0) {
        MHD_run(d);
    }

    if (adm_outbound) {
        adm_sender_run();
    }
}


static int
adm_run(void)
{
    char                err[256];
    double              last_tick, deadline;
    struct sigaction    sa;
    struct MHD_Daemon  *d;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = adm_on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    d = adm_http_start(adm_conf.listen, adm_routes, adm_nroutes, adm_web,
                       err, sizeof(err));
    if (d == NULL) {
        adm_log(ADM_LOG_ERROR, "cannot start", "{s:s}", "error", err);
        return 1;
    }

    if (adm_conf.ntokens == 0) {
        adm_log(ADM_LOG_WARN, "no tokens configured: every /v1 request will "
                "be refused", NULL);
    }

    if (adm_store_connect() != 0) {
        adm_log(ADM_LOG_WARN, "Redis not reachable yet", "{s:s}", "error",
                adm_store_error());
    }

    adm_log(ADM_LOG_INFO, "listening", "{s:s, s:s, s:s, s:s, s:i, s:s}",
            "listen", adm_conf.listen,
            "scheme", adm_conf.tls_cert[0] ? "https" : "http",
            "redis", adm_conf.redis, "prefix", adm_conf.prefix,
            "tokens", (int) adm_conf.ntokens,
            "tls_not_after", adm_tls_not_after());

    adm_outbound = adm_multi_init() == 0;

    if (!adm_outbound) {
        adm_log(ADM_LOG_ERROR, "libcurl did not start: no notifications "
                "will be sent, custom prechecks fail", NULL);
    }

    adm_write_on_commit(adm_sender_wake);
    adm_lease_publish();

    last_tick = 0;

    while (!adm_stop) {
        adm_turn(d, last_tick);

        if (adm_hup) {
            adm_hup = 0;
            adm_reload();
        }

        if (adm_clock() - last_tick >= 1.0) {
            last_tick = adm_clock();
            adm_lease_publish();
            adm_tick();
        }
    }

    adm_log(ADM_LOG_INFO, "shutting down", "{s:i}", "signal", (int) adm_stop);

    /* no new connections; the ones open may finish */
    MHD_socket s = MHD_quiesce_daemon(d);
    if (s != MHD_INVALID_SOCKET) {
        close(s);
    }

    /* requests in progress may finish; idle keep-alive connections need
     * not be waited for, MHD_stop_daemon() closes them */

    deadline = adm_clock() + 5;
    adm_outbound = 0;           /* no new deliveries claimed */

    while ((adm_http_active() > 0 || adm_probe_active() > 0)
           && adm_clock() < deadline)
    {
        adm_turn(d, adm_clock());
    }

    /*
     * Requests still waiting for prechecks get them, failed as such, and
     * are answered; one that asks for them from now on (on a connection
     * kept alive) is not suspended but refused: MHD cannot stop with a
     * connection suspended.
     */
    adm_probe_stop();
    deadline = adm_clock() + 1;

    while (adm_http_active() > 0 && adm_clock() < deadline) {
        MHD_run_wait(d, 100);
    }

    MHD_stop_daemon(d);
    adm_sender_done();
    adm_multi_done();
    adm_tls_done();
    adm_store_close();

    adm_log(ADM_LOG_INFO, "stopped", NULL);

    return 0;
}


int
main(int argc, char **argv)
{
    int          i, test;
    char         err[512], key[64];
    const char  *config, *flag;

    adm_config_defaults();

    if (argc >= 2 && strcmp(argv[1], "gen-token") == 0) {
        if (argc != 4) {
            adm_usage(stderr);
            return 1;
        }

        return adm_gen_token(argv[2], argv[3]);
    }

    if (argc == 2 && strcmp(argv[1], "hash-token") == 0) {
        return adm_hash_token();
    }

    config = NULL;
    test = 0;

    /* the file first, then the flags over it */

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
            config = argv[++i];
        }
    }

    if (config && adm_config_load(config, err, sizeof(err)) != 0) {
        fprintf(stderr, "maint-admind: %s\n", err);
        return 1;
    }

    for (i = 1; i < argc; i++) {
        flag = argv[i];

        if (strcmp(flag, "--config") == 0) {
            i++;
            continue;
        }

        if (strcmp(flag, "-t") == 0) {
            test = 1;
            continue;
        }

        if (strcmp(flag, "--version") == 0) {
            printf("maint-admind %s\n", ADM_VERSION);
            return 0;
        }

        if (strcmp(flag, "--help") == 0 || strcmp(flag, "-h") == 0) {
            adm_usage(stdout);
            return 0;
        }

        if (adm_flag_key(flag, key, sizeof(key)) && i + 1 < argc) {
            if (adm_config_set(key, argv[++i], err, sizeof(err)) != 0) {
                fprintf(stderr, "maint-admind: %s: %s\n", flag, err);
                return 1;
            }

            continue;
        }

        fprintf(stderr, "maint-admind: unknown option \"%s\"\n", flag);
        adm_usage(stderr);
        return 1;
    }

    adm_log_set_level(adm_conf.log_level);

    if (adm_config_check(err, sizeof(err)) != 0) {
        fprintf(stderr, "maint-admind: %s\n", err);
        return 1;
    }

    if (adm_store_tls_init(err, sizeof(err)) != 0) {
        fprintf(stderr, "maint-admind: %s%s%s\n", config ? config : "",
                config ? ": " : "", err);
        return 1;
    }

    /* HTTPS: the files are read now, and checked to go together */
    if ((test ? adm_tls_check(err, sizeof(err))
              : adm_tls_init(err, sizeof(err))) != 0)
    {
        fprintf(stderr, "maint-admind: %s%s%s\n", config ? config : "",
                config ? ": " : "", err);
        return 1;
    }

    if (test) {
        printf("maint-admind: configuration %s is ok (%zu tokens%s)\n",
               config ? config : "(defaults)", adm_conf.ntokens,
               adm_conf.tls_cert[0] ? ", HTTPS" : "");
        return 0;
    }

    adm_config_file = config;
    adm_argc = argc;
    adm_argv = argv;

    return adm_run();
}
