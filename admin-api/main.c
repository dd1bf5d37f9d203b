/*
 * main.c: maint-admind's command line, startup, main loop and shutdown.
 *
 * One thread: libmicrohttpd is driven from the loop (MHD_run_wait), and the
 * ticker runs between its turns, so handlers and the ticker never run at
 * the same time.  SIGTERM/SIGINT: stop accepting, finish what is in
 * progress (at most 5 s), exit 0.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "admin.h"


static volatile sig_atomic_t  adm_stop;


static void
adm_on_signal(int sig)
{
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
        "       maint-admind -t [--config FILE]    check the configuration\n"
        "       maint-admind gen-token NAME ROLE   new token (admin|viewer)\n"
        "       maint-admind hash-token            SHA-256 of a token on "
        "stdin\n"
        "       maint-admind --version\n");
}


static void
adm_hex(const unsigned char *h, size_t n, char *out)
{
    size_t  i;

    static const char  hex[] = "0123456789abcdef";

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }

    out[2 * n] = '\0';
}


static int
adm_gen_token(const char *name, const char *role)
{
    char           tok[64], hex[65];
    unsigned char  h[32];

    if (!maint_valid_name(name, strlen(name))
        || (strcmp(role, "admin") != 0 && strcmp(role, "viewer") != 0))
    {
        fprintf(stderr, "maint-admind: gen-token NAME ROLE: NAME is 1 to 64 "
                "of A-Z a-z 0-9 . _ -, ROLE is admin or viewer\n");
        return 1;
    }

    if (adm_token_generate(tok, sizeof(tok)) != 0) {
        fprintf(stderr, "maint-admind: no randomness\n");
        return 1;
    }

    adm_token_hash(tok, strlen(tok), h);
    adm_hex(h, sizeof(h), hex);

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
    adm_hex(h, sizeof(h), hex);
    printf("%s\n", hex);

    return 0;
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
    signal(SIGPIPE, SIG_IGN);

    d = adm_http_start(adm_conf.listen, err, sizeof(err));
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

    adm_log(ADM_LOG_INFO, "listening", "{s:s, s:s, s:s, s:i}",
            "listen", adm_conf.listen, "redis", adm_conf.redis,
            "prefix", adm_conf.prefix, "tokens", (int) adm_conf.ntokens);

    last_tick = 0;

    while (!adm_stop) {
        MHD_run_wait(d, 250);

        if (adm_clock() - last_tick >= 1.0) {
            last_tick = adm_clock();
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

    while (adm_http_active() > 0 && adm_clock() < deadline) {
        MHD_run_wait(d, 100);
    }

    MHD_stop_daemon(d);
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

        if (strncmp(flag, "--", 2) == 0 && i + 1 < argc
            && strlen(flag) < sizeof(key))
        {
            /* --redis-db -> redis_db */
            snprintf(key, sizeof(key), "%s", flag + 2);
            for (char *p = key; *p; p++) {
                if (*p == '-') {
                    *p = '_';
                }
            }

            if (strcmp(key, "listen") == 0 || strcmp(key, "redis") == 0
                || strcmp(key, "redis_db") == 0
                || strcmp(key, "redis_prefix") == 0
                || strcmp(key, "redis_master_name") == 0
                || strcmp(key, "redis_sentinels") == 0
                || strcmp(key, "log_level") == 0)
            {
                if (adm_config_set(key, argv[++i], err, sizeof(err)) != 0) {
                    fprintf(stderr, "maint-admind: %s: %s\n", flag, err);
                    return 1;
                }

                continue;
            }
        }

        fprintf(stderr, "maint-admind: unknown option \"%s\"\n", flag);
        adm_usage(stderr);
        return 1;
    }

    if ((adm_conf.redis_master_name[0] == '\0')
        != (adm_conf.redis_sentinels[0] == '\0'))
    {
        fprintf(stderr, "maint-admind: \"redis_master_name\" and "
                "\"redis_sentinels\" go together (Sentinel mode)\n");
        return 1;
    }

    if (adm_store_tls_init(err, sizeof(err)) != 0) {
        fprintf(stderr, "maint-admind: %s%s%s\n", config ? config : "",
                config ? ": " : "", err);
        return 1;
    }

    if (test) {
        printf("maint-admind: configuration %s is ok (%zu tokens)\n",
               config ? config : "(defaults)", adm_conf.ntokens);
        return 0;
    }

    (void) errno;

    return adm_run();
}
