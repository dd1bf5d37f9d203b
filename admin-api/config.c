/*
 * config.c: maint-admind's configuration: defaults, the configuration file
 * (one "key value" per line, # comments) and command-line overrides, with
 * errors that name the line and the key.
 */

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maint_codec.h"
#include "maint_core.h"
#include "maint_duration.h"
#include "maint_names.h"
#include "admin.h"
#include "config.h"
#include "log.h"
#include "model/text.h"


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
    adm_conf.series_horizon = 14 * 86400;
    adm_conf.client_timeout = 10;
    adm_conf.max_connections = 256;
    adm_conf.max_connections_per_client = 16;
    adm_conf.log_level = ADM_LOG_INFO;
    snprintf(adm_conf.calendar_domain, sizeof(adm_conf.calendar_domain),
             "ngx-maint");
    adm_conf.notify.smtp_starttls = 1;
    adm_conf.notify.timeout_ms = 10000;
    adm_conf.notify.retry_for_ms = 24 * 3600000LL;
    adm_conf.notify.backoff_ms = 10000;
    adm_conf.notify.concurrency = 8;
}


const char *
adm_role_name(adm_role_e role)
{
    return role == ADM_ROLE_ADMIN ? "admin"
           : role == ADM_ROLE_VIEWER ? "viewer"
           : role == ADM_ROLE_FEED ? "feed" : "none";
}


/* a token's role as configured: admin, viewer or feed; 0, or -1 */

int
adm_role_parse(const char *s, adm_role_e *role)
{
    static const adm_role_e  roles[] = {
        ADM_ROLE_ADMIN, ADM_ROLE_VIEWER, ADM_ROLE_FEED
    };

    for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
        if (strcmp(s, adm_role_name(roles[i])) == 0) {
            *role = roles[i];
            return 0;
        }
    }

    return -1;
}


/*
 * "500ms", "2s", "7d", "30m", "1h", "1h30m", a bare number of seconds:
 * milliseconds, or -1 (core/maint_duration.h, the grammar maintctl uses)
 */

static int64_t
adm_parse_duration_ms(const char *s)
{
    int64_t  ms;

    if (maint_parse_duration_ms(s, strlen(s), MAINT_DURATION_BARE_SEC, &ms)
        != 0)
    {
        return -1;
    }

    return ms;
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
 * "unix:/path" (the port optional, as store/store.c reads them): a port given
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
    if (!maint_valid_ident(v, strlen(v), MAINT_MAX_NAME_LEN,
                           MAINT_PREFIX_CHARS))
    {
        snprintf(err, errlen, "\"%s\": 1 to 64 of A-Z a-z 0-9 . _ - :", key);
        return -1;
    }

    return adm_copy(dst, size, v, key, err, errlen);
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

    if (adm_role_parse(role, &t->role) != 0) {
        snprintf(err, errlen, "token \"%s\": role must be admin, viewer or "
                 "feed", name);
        return -1;
    }

    if (maint_hex_decode(hash, strlen(hash), t->hash, sizeof(t->hash))
        != 0)
    {
        snprintf(err, errlen, "token \"%s\": the hash must be 64 hex digits "
                 "(maint-admind hash-token)", name);
        return -1;
    }

    snprintf(t->name, sizeof(t->name), "%s", name);
    adm_conf.ntokens++;

    return 0;
}


/*
 * The settings, as NGINX's directive tables: each names the field it sets
 * (offset and size in adm_config_t), the function that parses it, the
 * bounds of a number or a time, and the error that names the bounds (a
 * format whose one %s is the key).
 */

typedef struct adm_setting_s  adm_setting_t;

typedef int (*adm_setting_pt)(const adm_setting_t *s, const char *v,
    void *field, char *err, size_t errlen);

struct adm_setting_s {
    const char         *key;
    adm_setting_pt      set;
    size_t              off;
    size_t              size;
    int64_t             min, max;           /* numbers; times in ms */
    const char         *error;
    int64_t             unit;               /* times: ms per unit stored */
    unsigned            whole;              /* times: a whole unit only */
};


static int
adm_set_string(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    return adm_copy(field, s->size, v, s->key, err, errlen);
}


static int
adm_set_name(const adm_setting_t *s, const char *v, void *field, char *err,
    size_t errlen)
{
    return adm_copy_name(field, s->size, v, s->key, err, errlen);
}


/* listen: a port is required */

static int
adm_set_listen(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    if (adm_check_addr(v, strlen(v), 1, s->key, err, errlen) != 0) {
        return -1;
    }

    return adm_copy(field, s->size, v, s->key, err, errlen);
}


static int
adm_set_addr(const adm_setting_t *s, const char *v, void *field, char *err,
    size_t errlen)
{
    if (adm_check_addr(v, strlen(v), 0, s->key, err, errlen) != 0) {
        return -1;
    }

    return adm_copy(field, s->size, v, s->key, err, errlen);
}


/* "host:port,host:port": 1 to 16 of them, no spaces, no empty one */

static int
adm_set_sentinels(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    const char  *p;
    size_t       count = 1;

    for (p = v; *p; p++) {
        count += (*p == ',');

        if (isspace((unsigned char) *p)
            || (*p == ',' && (p == v || p[1] == ',' || p[1] == '\0')))
        {
            break;
        }
    }

    if (*v == '\0' || *p != '\0' || count > 16) {
        snprintf(err, errlen, s->error, s->key);
        return -1;
    }

    for (p = v; ; p++) {
        count = strcspn(p, ",");

        if (adm_check_addr(p, count, 0, s->key, err, errlen) != 0) {
            return -1;
        }

        p += count;

        if (*p == '\0') {
            break;
        }
    }

    return adm_copy(field, s->size, v, s->key, err, errlen);
}


static int
adm_set_server_name(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    if (strpbrk(v, "/ \t") != NULL) {
        snprintf(err, errlen, s->error, s->key);
        return -1;
    }

    return adm_copy(field, s->size, v, s->key, err, errlen);
}


/* an int from min to max */

static int
adm_set_number(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    long   n;
    char  *end;

    n = strtol(v, &end, 10);

    if (*v == '\0' || *end != '\0' || n < s->min || n > s->max) {
        snprintf(err, errlen, s->error, s->key);
        return -1;
    }

    *(int *) field = (int) n;

    return 0;
}


/*
 * A time: bounds in ms, stored in units of s->unit ms (1: ms, 1000:
 * seconds), rounded down unless s->whole, in an int or an int64_t field.
 */

static int
adm_set_time(const adm_setting_t *s, const char *v, void *field, char *err,
    size_t errlen)
{
    int64_t  ms;

    ms = adm_parse_duration_ms(v);

    if (ms < s->min || ms > s->max || (s->whole && ms % s->unit)) {
        snprintf(err, errlen, s->error, s->key);
        return -1;
    }

    if (s->size == sizeof(int64_t)) {
        *(int64_t *) field = ms / s->unit;

    } else {
        *(int *) field = (int) (ms / s->unit);
    }

    return 0;
}


static int
adm_set_flag(const adm_setting_t *s, const char *v, void *field, char *err,
    size_t errlen)
{
    if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0) {
        snprintf(err, errlen, s->error, s->key);
        return -1;
    }

    *(int *) field = strcmp(v, "on") == 0;

    return 0;
}


/*
 * A URL: one of the schemes in s->error's list ("http://", ...), then a
 * host, and no byte a URL cannot hold as it is (space, control, quote,
 * angle bracket, backslash, non-ASCII): it goes into links in mail and
 * into libcurl as it is.
 */

static int
adm_set_url(const adm_setting_t *s, const char *v, void *field, char *err,
    size_t errlen)
{
    size_t        n;
    const char   *host;
    static const char  *schemes[][2] = {
        { "public_url", "http://" }, { "public_url", "https://" },
        { "smtp_url", "smtp://" }, { "smtp_url", "smtps://" },
    };

    host = NULL;

    for (n = 0; n < sizeof(schemes) / sizeof(schemes[0]); n++) {
        if (strcmp(s->key, schemes[n][0]) == 0
            && strncmp(v, schemes[n][1], strlen(schemes[n][1])) == 0)
        {
            host = v + strlen(schemes[n][1]);
        }
    }

    if (!adm_text_visible(v, ADM_URL_EXCEPT)) {
        host = NULL;
    }

    if (host == NULL || *host == '\0' || *host == '/') {
        snprintf(err, errlen, s->error, s->key);
        return -1;
    }

    if (adm_copy(field, s->size, v, s->key, err, errlen) != 0) {
        return -1;
    }

    /* links are public_url + "/#/windows/<id>": no slash doubled */
    for (n = strlen(field); n > 0 && ((char *) field)[n - 1] == '/'; n--) {
        ((char *) field)[n - 1] = '\0';
    }

    return 0;
}


/*
 * An address as it goes into a header and an SMTP envelope: local@domain,
 * printable ASCII without spaces, quotes, brackets, commas or semicolons
 * (no display name, no quoted local part).
 */

int
adm_config_valid_address(const char *v)
{
    const char  *at;

    at = strchr(v, '@');

    if (at == NULL || at == v || at[1] == '\0' || strchr(at + 1, '@')
        || strlen(v) > 254)
    {
        return 0;
    }

    return adm_text_visible(v, ADM_ADDRESS_EXCEPT);
}


static int
adm_set_address(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    if (!adm_config_valid_address(v)) {
        snprintf(err, errlen, s->error, s->key);
        return -1;
    }

    return adm_copy(field, s->size, v, s->key, err, errlen);
}


/*
 * smtp_password_file: read now (at the start, -t and every reload), its
 * first line the password; the password is never in an error.
 */

static int
adm_set_password_file(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    FILE    *f;
    char     line[sizeof(adm_conf.notify.smtp_password) + 2];
    size_t   len;

    f = fopen(v, "r");
    if (f == NULL) {
        snprintf(err, errlen, "\"%s\" %s: %s", s->key, v, strerror(errno));
        return -1;
    }

    if (fgets(line, sizeof(line), f) == NULL) {
        line[0] = '\0';
    }

    fclose(f);

    len = strcspn(line, "\r\n");

    if (len == 0 || len >= sizeof(adm_conf.notify.smtp_password)) {
        explicit_bzero(line, sizeof(line));
        snprintf(err, errlen, "\"%s\" %s: the first line must hold the "
                 "password, 1 to %zu bytes", s->key, v,
                 sizeof(adm_conf.notify.smtp_password) - 1);
        return -1;
    }

    memcpy(adm_conf.notify.smtp_password, line, len);
    adm_conf.notify.smtp_password[len] = '\0';
    explicit_bzero(line, sizeof(line));

    return adm_copy(field, s->size, v, s->key, err, errlen);
}


/*
 * A file of CA certificates (PEM) that libcurl reads at each transfer:
 * read once here, so that -t and a reload name a path that cannot be read
 * or holds no certificate, not every transfer afterwards.
 */

static int
adm_set_ca_file(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    int      found;
    FILE    *f;
    char     buf[65536];
    size_t   n;

    f = fopen(v, "r");
    if (f == NULL) {
        snprintf(err, errlen, "\"%s\" %s: %s", s->key, v, strerror(errno));
        return -1;
    }

    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    found = ferror(f) == 0
            && strstr(buf, "-----BEGIN CERTIFICATE-----") != NULL;
    fclose(f);

    if (!found) {
        snprintf(err, errlen, "\"%s\" %s: no PEM certificate (\"-----BEGIN "
                 "CERTIFICATE-----\") in its first 64 KiB", s->key, v);
        return -1;
    }

    return adm_copy(field, s->size, v, s->key, err, errlen);
}


static int
adm_set_log_level(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    int  n;

    n = adm_log_level(v);

    if (n < 0) {
        snprintf(err, errlen, s->error, s->key);
        return -1;
    }

    *(int *) field = n;

    return 0;
}


/* "precheck NAME URL [options]": model/precheck.c; names unique */

static int
adm_set_precheck(const adm_setting_t *s, const char *v, void *field,
    char *err, size_t errlen)
{
    size_t           i;
    adm_precheck_t  *pc;

    if (adm_conf.nprechecks == ADM_MAX_PRECHECKS) {
        snprintf(err, errlen, "too many prechecks (at most %d)",
                 ADM_MAX_PRECHECKS);
        return -1;
    }

    pc = &adm_conf.prechecks[adm_conf.nprechecks];

    if (adm_precheck_parse(v, pc, err, errlen) != 0) {
        return -1;
    }

    for (i = 0; i < adm_conf.nprechecks; i++) {
        if (strcmp(adm_conf.prechecks[i].name, pc->name) == 0) {
            snprintf(err, errlen, "precheck \"%s\" is named twice",
                     pc->name);
            return -1;
        }
    }

    adm_conf.nprechecks++;

    return 0;
}


static int
adm_set_token(const adm_setting_t *s, const char *v, void *field, char *err,
    size_t errlen)
{
    return adm_config_token(v, err, errlen);
}


#define ADM_SET(key, set, f, min, max, error)                                 \
    { key, set, offsetof(adm_config_t, f),                                    \
      sizeof(((adm_config_t *) 0)->f), min, max, error, 1, 0 }

#define ADM_SET_TIME(key, f, unit, whole, min, max, error)                    \
    { key, adm_set_time, offsetof(adm_config_t, f),                           \
      sizeof(((adm_config_t *) 0)->f), min, max, error, unit, whole }

static const adm_setting_t  adm_settings[] = {
    ADM_SET("listen", adm_set_listen, listen, 0, 0, NULL),
    ADM_SET("redis", adm_set_addr, redis, 0, 0, NULL),
    ADM_SET_TIME("redis_timeout", redis_timeout_ms, 1, 0, 1, 60000,
                 "\"%s\" must be a time between 1ms and 60s"),
    ADM_SET_TIME("redis_failover_timeout", redis_failover_timeout_ms, 1, 0,
                 0, 60000, "\"%s\" must be a time between 0ms and 60s"),
    ADM_SET_TIME("lease", lease_ms, 1, 0, 0, 1000,
                 "\"%s\" must be a time between 0ms and 1s"),
    ADM_SET_TIME("client_timeout", client_timeout, 1000, 1, 1000, 3600000,
                 "\"%s\" must be whole seconds between 1s and 1h"),
    /* select(): the loop watches at most FD_SETSIZE (1024) sockets */
    ADM_SET("max_connections", adm_set_number, max_connections, 1, 1000,
            "\"%s\" must be a number from 1 to 1000"),
    ADM_SET("max_connections_per_client", adm_set_number,
            max_connections_per_client, 1, 1000,
            "\"%s\" must be a number from 1 to 1000"),
    ADM_SET("redis_user", adm_set_string, redis_user, 0, 0, NULL),
    ADM_SET("redis_password", adm_set_string, redis_password, 0, 0, NULL),
    ADM_SET("redis_prefix", adm_set_name, prefix, 0, 0, NULL),
    ADM_SET("redis_db", adm_set_number, redis_db, 0, 1000000,
            "\"%s\" must be a number"),
    ADM_SET("redis_master_name", adm_set_name, redis_master_name, 0, 0,
            NULL),
    ADM_SET("redis_sentinels", adm_set_sentinels, redis_sentinels, 0, 0,
            "\"%s\" must be 1 to 16 host:port addresses separated by "
            "commas"),
    ADM_SET("redis_sentinel_user", adm_set_string, redis_sentinel_user, 0,
            0, NULL),
    ADM_SET("redis_sentinel_password", adm_set_string,
            redis_sentinel_password, 0, 0, NULL),

    /* TLS: the files are read by adm_store_tls_init(), at -t and start */
    ADM_SET("redis_tls", adm_set_flag, redis_tls, 0, 0,
            "\"%s\" must be on or off"),
    ADM_SET("redis_tls_ca", adm_set_string, redis_tls_ca, 0, 0, NULL),
    ADM_SET("redis_tls_cert", adm_set_string, redis_tls_cert, 0, 0, NULL),
    ADM_SET("redis_tls_key", adm_set_string, redis_tls_key, 0, 0, NULL),
    ADM_SET("redis_tls_server_name", adm_set_server_name,
            redis_tls_server_name, 0, 0,
            "\"%s\" must be a host name or an address"),
    ADM_SET("redis_min_replicas", adm_set_number, redis_min_replicas, 0, 16,
            "\"%s\" must be a number from 0 to 16"),
    ADM_SET_TIME("max_window_duration", max_duration, 1000, 0, 60000,
                 366 * 86400000LL, "\"%s\" must be between 1m and 366d"),
    ADM_SET_TIME("series_horizon", series_horizon, 1000, 0, 10000,
                 366 * 86400000LL, "\"%s\" must be between 10s and 366d"),
    ADM_SET("log_level", adm_set_log_level, log_level, 0, 0,
            "\"%s\" must be debug, info, warn or error"),

    /* HTTPS: the files are read by adm_tls_check(), at -t, start, SIGHUP */
    ADM_SET("tls_cert", adm_set_string, tls_cert, 0, 0, NULL),
    ADM_SET("tls_key", adm_set_string, tls_key, 0, 0, NULL),
    ADM_SET("tls_priorities", adm_set_string, tls_priorities, 0, 0, NULL),
    ADM_SET("calendar_domain", adm_set_name, calendar_domain, 0, 0, NULL),

    /* notifications (notify/sender.c; docs/notifications.md) */
    ADM_SET("public_url", adm_set_url, public_url, 0, 0,
            "\"%s\" must be an http:// or https:// URL"),
    ADM_SET("smtp_url", adm_set_url, notify.smtp_url, 0, 0,
            "\"%s\" must be smtp://host[:port] or smtps://host[:port]"),
    ADM_SET("smtp_starttls", adm_set_flag, notify.smtp_starttls, 0, 0,
            "\"%s\" must be on or off"),
    ADM_SET("smtp_user", adm_set_string, notify.smtp_user, 0, 0, NULL),
    ADM_SET("smtp_password_file", adm_set_password_file,
            notify.smtp_password_file, 0, 0, NULL),
    ADM_SET("smtp_from", adm_set_address, notify.smtp_from, 0, 0,
            "\"%s\" must be an address, local@domain"),
    ADM_SET("smtp_ca_file", adm_set_ca_file, notify.smtp_ca_file, 0, 0,
            NULL),
    ADM_SET("notify_ca_file", adm_set_ca_file, notify.notify_ca_file, 0, 0,
            NULL),
    ADM_SET_TIME("notify_timeout", notify.timeout_ms, 1, 0, 100, 600000,
                 "\"%s\" must be a time between 100ms and 10m"),
    ADM_SET_TIME("notify_retry_for", notify.retry_for_ms, 1, 0, 60000,
                 30 * 86400000LL,
                 "\"%s\" must be a time between 1m and 30d"),
    ADM_SET_TIME("notify_backoff", notify.backoff_ms, 1, 0, 100, 3600000,
                 "\"%s\" must be a time between 100ms and 1h"),
    ADM_SET("notify_concurrency", adm_set_number, notify.concurrency, 1, 64,
            "\"%s\" must be a number from 1 to 64"),
    ADM_SET("precheck", adm_set_precheck, nprechecks, 0, 0, NULL),
    ADM_SET("precheck_ca_file", adm_set_ca_file, precheck_ca_file, 0, 0,
            NULL),
    ADM_SET("token", adm_set_token, ntokens, 0, 0, NULL),
};

#undef ADM_SET
#undef ADM_SET_TIME


int
adm_config_set(const char *key, const char *value, char *err, size_t errlen)
{
    size_t                i;
    const adm_setting_t  *s;

    for (i = 0; i < sizeof(adm_settings) / sizeof(adm_settings[0]); i++) {
        s = &adm_settings[i];

        if (strcmp(key, s->key) == 0) {
            return s->set(s, value, (char *) &adm_conf + s->off, err,
                          errlen);
        }
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
