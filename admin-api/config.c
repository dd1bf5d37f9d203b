/*
 * config.c: maint-admind's configuration: defaults, the configuration file
 * (one "key value" per line, # comments) and command-line overrides, with
 * errors that name the line and the key.
 */

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "maint_names.h"


adm_config_t  adm_conf;


void
adm_config_defaults(void)
{
    memset(&adm_conf, 0, sizeof(adm_conf));

    snprintf(adm_conf.listen, sizeof(adm_conf.listen), "127.0.0.1:8090");
    snprintf(adm_conf.redis, sizeof(adm_conf.redis), "127.0.0.1:6379");
    snprintf(adm_conf.prefix, sizeof(adm_conf.prefix), "maint:");
    adm_conf.redis_timeout_ms = 500;
    adm_conf.redis_min_replicas = -1;
    adm_conf.redis_failover_timeout_ms = 5000;
    adm_conf.lease_ms = 20;
    adm_conf.max_duration = 7 * 86400;
    adm_conf.client_timeout = 10;
    adm_conf.max_connections = 256;
    adm_conf.max_connections_per_client = 16;
    adm_conf.log_level = ADM_LOG_INFO;
}


const char *
adm_role_name(adm_role_e role)
{
    return role == ADM_ROLE_ADMIN ? "admin"
           : role == ADM_ROLE_VIEWER ? "viewer" : "none";
}


/* "500ms", "2s", "7d", "30m", "1h": milliseconds, or -1 */

static int64_t
adm_parse_duration_ms(const char *s)
{
    char     *end;
    int64_t   n;

    errno = 0;
    n = strtoll(s, &end, 10);

    if (errno || end == s || n < 0) {
        return -1;
    }

    if (strcmp(end, "ms") == 0) {
        return n;
    }

    if (strcmp(end, "s") == 0 || *end == '\0') {
        return n * 1000;
    }

    if (strcmp(end, "m") == 0) {
        return n * 60000;
    }

    if (strcmp(end, "h") == 0) {
        return n * 3600000;
    }

    if (strcmp(end, "d") == 0) {
        return n * 86400000;
    }

    return -1;
}


static int
adm_copy(char *dst, size_t size, const char *v, const char *key, char *err,
    size_t errlen)
{
    if (strlen(v) >= size) {
        snprintf(err, errlen, "\"%s\" is too long", key);
        return -1;
    }

    memcpy(dst, v, strlen(v) + 1);

    return 0;
}


/*
 * An address "host:port", "[v6]:port" or ":port" (listen; port required),
 * or for Redis and Sentinels "host", "host:port", "[v6]", "[v6]:port",
 * "unix:/path" (the port optional, as store.c reads them): a port given
 * must be a number from 1 to 65535.  A port out of range would otherwise
 * be truncated, or 0, a port the system picks.
 */

static int
adm_check_addr(const char *v, size_t len, int listen, const char *key,
    char *err, size_t errlen)
{
    size_t       i, colons;
    long         port;
    const char  *p, *end, *colon;

    end = v + len;

    if (!listen && len >= 5 && strncmp(v, "unix:", 5) == 0) {
        return 0;
    }

    colon = NULL;
    colons = 0;

    for (p = v; p < end; p++) {
        if (*p == ':') {
            colon = p;
            colons++;
        }
    }

    if (v[0] == '[') {
        p = memchr(v, ']', len);

        if (p == NULL || (p + 1 < end && p[1] != ':')) {
            snprintf(err, errlen, "\"%s\" \"%.*s\": an IPv6 address goes in "
                     "brackets, then :port", key, (int) len, v);
            return -1;
        }

        colon = p + 1 < end ? p + 1 : NULL;

    } else if (!listen && colons > 1) {
        colon = NULL;                   /* a bare IPv6 address, no port */
    }

    if (colon == NULL) {
        if (listen) {
            snprintf(err, errlen, "\"%s\" \"%.*s\": expected host:port",
                     key, (int) len, v);
            return -1;
        }

        return 0;
    }

    port = 0;

    for (i = 1; colon + i < end; i++) {
        if (colon[i] < '0' || colon[i] > '9' || port > 65535) {
            port = -1;
            break;
        }

        port = port * 10 + (colon[i] - '0');
    }

    if (i == 1 || port < 1 || port > 65535) {
        snprintf(err, errlen, "\"%s\" \"%.*s\": the port must be a number "
                 "from 1 to 65535", key, (int) len, v);
        return -1;
    }

    return 0;
}


/* a name Redis keys are made of: 1 to 64 of A-Z a-z 0-9 . _ - : */

static int
adm_copy_name(char *dst, size_t size, const char *v, const char *key,
    char *err, size_t errlen)
{
    size_t  i, len = strlen(v);

    for (i = 0; i < len; i++) {
        if (!(isalnum((unsigned char) v[i]) || strchr("._-:", v[i]))) {
            break;
        }
    }

    if (len == 0 || len > 64 || i != len) {
        snprintf(err, errlen, "\"%s\": 1 to 64 of A-Z a-z 0-9 . _ - :", key);
        return -1;
    }

    return adm_copy(dst, size, v, key, err, errlen);
}


int
adm_unhex(const char *hex, unsigned char *out, size_t n)
{
    size_t  i;

    if (hex == NULL || strlen(hex) != n * 2) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        unsigned  hi, lo;
        char      c;

        c = (char) tolower((unsigned char) hex[2 * i]);
        hi = isdigit((unsigned char) c) ? (unsigned) (c - '0')
             : (c >= 'a' && c <= 'f') ? (unsigned) (c - 'a' + 10) : 16;
        c = (char) tolower((unsigned char) hex[2 * i + 1]);
        lo = isdigit((unsigned char) c) ? (unsigned) (c - '0')
             : (c >= 'a' && c <= 'f') ? (unsigned) (c - 'a' + 10) : 16;

        if (hi > 15 || lo > 15) {
            return -1;
        }

        out[i] = (unsigned char) (hi << 4 | lo);
    }

    return 0;
}


/* "token NAME ROLE SHA256HEX" */

static int
adm_config_token(const char *v, char *err, size_t errlen)
{
    char          name[128], role[32], hash[128];
    adm_token_t  *t;

    if (sscanf(v, "%127s %31s %127s", name, role, hash) != 3) {
        snprintf(err, errlen, "\"token\" needs NAME ROLE SHA256");
        return -1;
    }

    if (!maint_valid_name(name, strlen(name))) {
        snprintf(err, errlen, "token name \"%s\": 1 to 64 of A-Z a-z 0-9 . _ -",
                 name);
        return -1;
    }

    if (adm_conf.ntokens == ADM_MAX_TOKENS) {
        snprintf(err, errlen, "too many tokens");
        return -1;
    }

    t = &adm_conf.tokens[adm_conf.ntokens];

    if (strcmp(role, "admin") == 0) {
        t->role = ADM_ROLE_ADMIN;

    } else if (strcmp(role, "viewer") == 0) {
        t->role = ADM_ROLE_VIEWER;

    } else {
        snprintf(err, errlen, "token \"%s\": role must be admin or viewer",
                 name);
        return -1;
    }

    if (adm_unhex(hash, t->hash, sizeof(t->hash)) != 0) {
        snprintf(err, errlen, "token \"%s\": the hash must be 64 hex digits "
                 "(maint-admind hash-token)", name);
        return -1;
    }

    snprintf(t->name, sizeof(t->name), "%s", name);
    adm_conf.ntokens++;

    return 0;
}


/* the settings that are a time in milliseconds, and their bounds */

static const struct {
    const char  *key;
    int         *ms;
    int64_t      min, max;
    const char  *range;
} adm_times[] = {
    { "redis_timeout", &adm_conf.redis_timeout_ms, 1, 60000,
      "1ms and 60s" },
    { "redis_failover_timeout", &adm_conf.redis_failover_timeout_ms, 0,
      60000, "0ms and 60s" },
    { "lease", &adm_conf.lease_ms, 0, 1000, "0ms and 1s" },
};


int
adm_config_set(const char *key, const char *value, char *err, size_t errlen)
{
    char     *end;
    long      n;
    int64_t   ms;

    for (n = 0; n < (long) (sizeof(adm_times) / sizeof(adm_times[0])); n++) {
        if (strcmp(key, adm_times[n].key) != 0) {
            continue;
        }

        ms = adm_parse_duration_ms(value);

        if (ms < adm_times[n].min || ms > adm_times[n].max) {
            snprintf(err, errlen, "\"%s\" must be a time between %s", key,
                     adm_times[n].range);
            return -1;
        }

        *adm_times[n].ms = (int) ms;
        return 0;
    }

    if (strcmp(key, "listen") == 0) {
        if (adm_check_addr(value, strlen(value), 1, key, err, errlen) != 0) {
            return -1;
        }

        return adm_copy(adm_conf.listen, sizeof(adm_conf.listen), value, key,
                        err, errlen);
    }

    if (strcmp(key, "redis") == 0) {
        if (adm_check_addr(value, strlen(value), 0, key, err, errlen) != 0) {
            return -1;
        }

        return adm_copy(adm_conf.redis, sizeof(adm_conf.redis), value, key,
                        err, errlen);
    }

    if (strcmp(key, "client_timeout") == 0) {
        ms = adm_parse_duration_ms(value);

        if (ms < 1000 || ms > 3600000 || ms % 1000) {
            snprintf(err, errlen, "\"client_timeout\" must be whole seconds "
                     "between 1s and 1h");
            return -1;
        }

        adm_conf.client_timeout = (int) (ms / 1000);
        return 0;
    }

    if (strcmp(key, "max_connections") == 0
        || strcmp(key, "max_connections_per_client") == 0)
    {
        n = strtol(value, &end, 10);

        /* select(): the loop watches at most FD_SETSIZE (1024) sockets */
        if (*value == '\0' || *end != '\0' || n < 1 || n > 1000) {
            snprintf(err, errlen, "\"%s\" must be a number from 1 to 1000",
                     key);
            return -1;
        }

        if (strcmp(key, "max_connections") == 0) {
            adm_conf.max_connections = (int) n;

        } else {
            adm_conf.max_connections_per_client = (int) n;
        }

        return 0;
    }

    if (strcmp(key, "redis_user") == 0) {
        return adm_copy(adm_conf.redis_user, sizeof(adm_conf.redis_user),
                        value, key, err, errlen);
    }

    if (strcmp(key, "redis_password") == 0) {
        return adm_copy(adm_conf.redis_password,
                        sizeof(adm_conf.redis_password), value, key, err,
                        errlen);
    }

    if (strcmp(key, "redis_prefix") == 0) {
        return adm_copy_name(adm_conf.prefix, sizeof(adm_conf.prefix), value,
                             key, err, errlen);
    }

    if (strcmp(key, "redis_db") == 0) {
        n = strtol(value, &end, 10);

        if (*value == '\0' || *end != '\0' || n < 0 || n > 1000000) {
            snprintf(err, errlen, "\"redis_db\" must be a number");
            return -1;
        }

        adm_conf.redis_db = (int) n;
        return 0;
    }

    if (strcmp(key, "redis_master_name") == 0) {
        return adm_copy_name(adm_conf.redis_master_name,
                             sizeof(adm_conf.redis_master_name), value, key,
                             err, errlen);
    }

    if (strcmp(key, "redis_sentinels") == 0) {
        const char  *p;
        size_t       count = 1;

        for (p = value; *p; p++) {
            count += (*p == ',');

            if (isspace((unsigned char) *p)
                || (*p == ',' && (p == value || p[1] == ',' || p[1] == '\0')))
            {
                break;
            }
        }

        if (*value == '\0' || *p != '\0' || count > 16) {
            snprintf(err, errlen, "\"redis_sentinels\" must be 1 to 16 "
                     "host:port addresses separated by commas");
            return -1;
        }

        for (p = value; ; p++) {
            count = strcspn(p, ",");

            if (adm_check_addr(p, count, 0, key, err, errlen) != 0) {
                return -1;
            }

            p += count;

            if (*p == '\0') {
                break;
            }
        }

        return adm_copy(adm_conf.redis_sentinels,
                        sizeof(adm_conf.redis_sentinels), value, key, err,
                        errlen);
    }

    if (strcmp(key, "redis_sentinel_user") == 0) {
        return adm_copy(adm_conf.redis_sentinel_user,
                        sizeof(adm_conf.redis_sentinel_user), value, key,
                        err, errlen);
    }

    if (strcmp(key, "redis_sentinel_password") == 0) {
        return adm_copy(adm_conf.redis_sentinel_password,
                        sizeof(adm_conf.redis_sentinel_password), value, key,
                        err, errlen);
    }

    /* TLS: the files are read by adm_store_tls_init(), at -t and start */

    if (strcmp(key, "redis_tls") == 0) {
        if (strcmp(value, "on") != 0 && strcmp(value, "off") != 0) {
            snprintf(err, errlen, "\"redis_tls\" must be on or off");
            return -1;
        }

        adm_conf.redis_tls = strcmp(value, "on") == 0;
        return 0;
    }

    if (strcmp(key, "redis_tls_ca") == 0) {
        return adm_copy(adm_conf.redis_tls_ca, sizeof(adm_conf.redis_tls_ca),
                        value, key, err, errlen);
    }

    if (strcmp(key, "redis_tls_cert") == 0) {
        return adm_copy(adm_conf.redis_tls_cert,
                        sizeof(adm_conf.redis_tls_cert), value, key, err,
                        errlen);
    }

    if (strcmp(key, "redis_tls_key") == 0) {
        return adm_copy(adm_conf.redis_tls_key,
                        sizeof(adm_conf.redis_tls_key), value, key, err,
                        errlen);
    }

    if (strcmp(key, "redis_tls_server_name") == 0) {
        if (strpbrk(value, "/ \t") != NULL) {
            snprintf(err, errlen, "\"redis_tls_server_name\" must be a "
                     "host name or an address");
            return -1;
        }

        return adm_copy(adm_conf.redis_tls_server_name,
                        sizeof(adm_conf.redis_tls_server_name), value, key,
                        err, errlen);
    }

    if (strcmp(key, "redis_min_replicas") == 0) {
        n = strtol(value, &end, 10);

        if (*value == '\0' || *end != '\0' || n < 0 || n > 16) {
            snprintf(err, errlen, "\"redis_min_replicas\" must be a number "
                     "from 0 to 16");
            return -1;
        }

        adm_conf.redis_min_replicas = (int) n;
        return 0;
    }

    if (strcmp(key, "max_window_duration") == 0) {
        ms = adm_parse_duration_ms(value);

        if (ms < 60000 || ms > 366 * 86400000LL) {
            snprintf(err, errlen, "\"max_window_duration\" must be between "
                     "1m and 366d");
            return -1;
        }

        adm_conf.max_duration = ms / 1000;
        return 0;
    }

    if (strcmp(key, "log_level") == 0) {
        n = adm_log_level(value);

        if (n < 0) {
            snprintf(err, errlen, "\"log_level\" must be debug, info, warn "
                     "or error");
            return -1;
        }

        adm_conf.log_level = (int) n;
        return 0;
    }

    /* HTTPS: the files are read by adm_tls_check(), at -t, start, SIGHUP */

    if (strcmp(key, "tls_cert") == 0) {
        return adm_copy(adm_conf.tls_cert, sizeof(adm_conf.tls_cert), value,
                        key, err, errlen);
    }

    if (strcmp(key, "tls_key") == 0) {
        return adm_copy(adm_conf.tls_key, sizeof(adm_conf.tls_key), value,
                        key, err, errlen);
    }

    if (strcmp(key, "tls_priorities") == 0) {
        return adm_copy(adm_conf.tls_priorities,
                        sizeof(adm_conf.tls_priorities), value, key, err,
                        errlen);
    }

    if (strcmp(key, "token") == 0) {
        return adm_config_token(value, err, errlen);
    }

    snprintf(err, errlen, "unknown setting \"%s\"", key);

    return -1;
}


int
adm_config_load(const char *file, char *err, size_t errlen)
{
    FILE      *f;
    char       line[1024], msg[512], *p, *key, *value, *end;
    unsigned   n;

    f = fopen(file, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", file, strerror(errno));
        return -1;
    }

    n = 0;

    while (fgets(line, sizeof(line), f)) {
        n++;

        if (strchr(line, '\n') == NULL && !feof(f)) {
            snprintf(err, errlen, "%s:%u: line too long", file, n);
            fclose(f);
            return -1;
        }

        /* a # starts a comment; values never contain one */
        p = strchr(line, '#');
        if (p) {
            *p = '\0';
        }

        for (key = line; isspace((unsigned char) *key); key++) { /* void */ }

        end = key + strlen(key);
        while (end > key && isspace((unsigned char) end[-1])) {
            *--end = '\0';
        }

        if (*key == '\0') {
            continue;
        }

        for (value = key; *value && !isspace((unsigned char) *value);
             value++)
        {
            /* void */
        }

        if (*value) {
            *value++ = '\0';
            while (isspace((unsigned char) *value)) {
                value++;
            }
        }

        if (*value == '\0') {
            snprintf(err, errlen, "%s:%u: \"%s\" needs a value", file, n,
                     key);
            fclose(f);
            return -1;
        }

        if (adm_config_set(key, value, msg, sizeof(msg)) != 0) {
            snprintf(err, errlen, "%s:%u: %s", file, n, msg);
            fclose(f);
            return -1;
        }
    }

    fclose(f);

    return 0;
}
