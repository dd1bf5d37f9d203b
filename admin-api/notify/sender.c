/*
 * sender.c: the notification sender.  Pending deliveries (NOTIFY.md) are
 * claimed from Redis (store/deliveries.c: moved past now + hold, so a
 * daemon killed mid-attempt leaves them due again) and sent with
 * libcurl's multi interface: a webhook is a POST of the event body, signed
 * (Standard Webhooks, model/webhook_sign.c) with every secret of the
 * target; an email is the message notify/email.c builds, over SMTP with
 * STARTTLS or implicit TLS.  Each attempt's outcome is recorded
 * (delivered, retry at the backoff's time, failed: notify/backoff.c); a
 * 410 also disables the target through the write engine.
 *
 * The transfers go through the daemon's one libcurl multi handle
 * (outbound/multi.c says how it is waited on with the HTTP server's
 * sockets): no attempt, however slow its receiver, delays a request.
 *
 * Redis is asked on the loop's thread, as every request does: a claim or
 * an outcome is one short script.  When Redis fails, claims pause for a
 * second; an outcome that could not be recorded leaves its delivery to be
 * sent again after the hold, with the same webhook-id.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "admin.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "model/text.h"
#include "model/webhook_sign.h"
#include "notify/backoff.h"
#include "notify/disable.h"
#include "notify/email.h"
#include "notify/sender.h"
#include "outbound/multi.h"
#include "store/deliveries.h"
#include "store/store.h"


#define ADM_SENDER_SLOTS     64         /* notify_concurrency's maximum */
#define ADM_SENDER_CLAIM_MS  250
#define ADM_SENDER_TRIM_MS   60000
#define ADM_SENDER_HOLD_MS   30000      /* + notify_timeout */
#define ADM_RESPONSE_MAX     1024       /* of a receiver's body, kept */
#define ADM_ERROR_MAX        300        /* last_error */
#define ADM_SECRETS_MAX      4


typedef struct {
    adm_transfer_t      t;              /* first: multi.c's view of it */
    char               *id;             /* the delivery's */
    char                target[72];
    int                 email;
    int64_t             created_at;
    int64_t             attempts;       /* before this one */
    int64_t             started;        /* ms, Redis's clock */
    char               *payload;        /* the body or the message */
    size_t              len, pos;
    struct curl_slist  *list;           /* headers or recipients */
    char                resp[ADM_RESPONSE_MAX + 1];
    size_t              resp_len;
    int64_t             retry_after;    /* ms, -1: none */
    char                url[256];       /* for logs: no query, no user */
    char                errbuf[CURL_ERROR_SIZE];
} adm_xfer_t;


static adm_xfer_t   *adm_xfers[ADM_SENDER_SLOTS];
static size_t        adm_nxfers;
static int64_t       adm_clock_offset;  /* Redis's clock - ours, ms */
static double        adm_next_claim, adm_next_trim;
static int           adm_woken;


static void adm_sender_finished(adm_transfer_t *t, CURLcode res);


static int64_t
adm_now_ms(void)
{
    return (int64_t) (adm_clock() * 1000) + adm_clock_offset;
}


size_t
adm_sender_active(void)
{
    return adm_nxfers;
}


void
adm_sender_wake(void)
{
    adm_woken = 1;
}


/* a URL for the logs: scheme and host (and path), no user, no query */

static void
adm_url_for_log(char *out, size_t size, const char *url)
{
    size_t       n;
    const char  *host, *at, *end;

    host = strstr(url, "://");
    host = host ? host + 3 : url;
    end = host + strcspn(host, "/?#");
    at = memchr(host, '@', (size_t) (end - host));

    n = (size_t) (host - url);
    snprintf(out, size, "%.*s%.*s", (int) n, url,
             (int) strcspn(at ? at + 1 : host, "?#"), at ? at + 1 : host);
}


static size_t
adm_on_body(char *p, size_t size, size_t n, void *data)
{
    size_t       len;
    adm_xfer_t  *x = data;

    len = size * n;

    if (x->resp_len < ADM_RESPONSE_MAX) {
        n = ADM_RESPONSE_MAX - x->resp_len < len
            ? ADM_RESPONSE_MAX - x->resp_len : len;
        memcpy(x->resp + x->resp_len, p, n);
        x->resp_len += n;
        x->resp[x->resp_len] = '\0';
    }

    return len;
}


static size_t
adm_on_header(char *p, size_t size, size_t n, void *data)
{
    size_t       len;
    int64_t      at;
    adm_xfer_t  *x = data;

    len = size * n;

    if (len > 12 && strncasecmp(p, "Retry-After:", 12) == 0) {
        n = len - 12;

        while (n > 0 && (p[12 + n - 1] == '\r' || p[12 + n - 1] == '\n')) {
            n--;
        }

        if (adm_retry_after_parse(p + 12, n, adm_now_ms(), &at) == 0) {
            x->retry_after = at;
        }
    }

    return len;
}


static size_t
adm_on_read(char *p, size_t size, size_t n, void *data)
{
    size_t       len;
    adm_xfer_t  *x = data;

    len = size * n;

    if (len > x->len - x->pos) {
        len = x->len - x->pos;
    }

    memcpy(p, x->payload + x->pos, len);
    x->pos += len;

    return len;
}


static void
adm_xfer_free(adm_xfer_t *x)
{
    if (x == NULL) {
        return;
    }

    if (x->t.h) {
        adm_multi_remove(&x->t);
        curl_easy_cleanup(x->t.h);
    }

    curl_slist_free_all(x->list);
    free(x->payload);
    free(x->id);
    free(x);
}


/* what every transfer has: no signals, the attempt's timeout, no
   redirects, our error buffer */

static void
adm_xfer_common(adm_xfer_t *x, const char *url)
{
    x->t.done = adm_sender_finished;
    curl_easy_setopt(x->t.h, CURLOPT_URL, url);
    curl_easy_setopt(x->t.h, CURLOPT_TIMEOUT_MS,
                     (long) adm_conf.notify.timeout_ms);
    curl_easy_setopt(x->t.h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(x->t.h, CURLOPT_ERRORBUFFER, x->errbuf);
    curl_easy_setopt(x->t.h, CURLOPT_WRITEFUNCTION, adm_on_body);
    curl_easy_setopt(x->t.h, CURLOPT_WRITEDATA, x);
    adm_url_for_log(x->url, sizeof(x->url), url);
}


/*
 * The setting notify_time_zone (PUT /v1/settings), for people's times in
 * email: read from the stored settings at most every 10 s; "UTC" until
 * then, or when Redis does not answer.
 */

static const char *
adm_sender_time_zone(void)
{
    char           key[160];
    json_t        *set;
    const char    *tz;
    redisReply    *rr;
    static char    zone[128] = "UTC";
    static double  next;

    if (adm_clock() < next) {
        return zone;
    }

    next = adm_clock() + 10;

    adm_key(key, sizeof(key), "settings", NULL);
    rr = adm_redisf_ok("GET %s", key);
    if (rr == NULL) {
        return zone;
    }

    set = adm_redis_json(rr);
    freeReplyObject(rr);

    tz = json_string_value(json_object_get(set, "notify_time_zone"));
    snprintf(zone, sizeof(zone), "%s", tz && *tz ? tz : "UTC");
    json_decref(set);

    return zone;
}


/* a target's extra header: a token for a name, no control in the value,
   and none of the headers the sender sets itself */

static int
adm_header_ok(const char *name, const char *value)
{
    const char  *p;
    static const char  *ours[] = {
        "content-type", "content-length", "webhook-id", "webhook-timestamp",
        "webhook-signature", "user-agent", "host", "expect",
        "transfer-encoding", "connection"
    };

    if (*name == '\0' || strlen(name) > 128 || strlen(value) > 4096) {
        return 0;
    }

    if (!adm_text_visible(name, "()<>@,;:\\\"/[]?={}")) {
        return 0;
    }

    for (p = value; *p; p++) {
        if (((unsigned char) *p < 0x20 && *p != '\t') || *p == 0x7f) {
            return 0;
        }
    }

    for (size_t i = 0; i < sizeof(ours) / sizeof(ours[0]); i++) {
        if (strcasecmp(name, ours[i]) == 0) {
            return 0;
        }
    }

    return 1;
}


/* the signed POST; 0, or -1 with why in err (a failed delivery) */

static int
adm_webhook_setup(adm_xfer_t *x, const char *event, json_t *target,
    char *err, size_t errlen)
{
    char                line[ADM_WEBHOOK_HEADER_SIZE(ADM_SECRETS_MAX) + 64];
    char                sig[ADM_WEBHOOK_HEADER_SIZE(ADM_SECRETS_MAX)];
    size_t              i, n;
    json_t             *s, *v;
    int64_t             ts;
    const char         *url, *why, *name;
    adm_webhook_key_t   keys[ADM_SECRETS_MAX];

    url = json_string_value(json_object_get(target, "url"));

    if (url == NULL || (strncmp(url, "http://", 7) != 0
                        && strncmp(url, "https://", 8) != 0))
    {
        snprintf(err, errlen, "the target has no http(s) URL");
        return -1;
    }

    n = 0;

    json_array_foreach(json_object_get(target, "secrets"), i, s) {
        if (n < ADM_SECRETS_MAX && json_is_string(s)
            && adm_webhook_secret_parse(json_string_value(s),
                                        json_string_length(s), &keys[n],
                                        &why) == 0)
        {
            n++;
        }
    }

    ts = (int64_t) adm_clock();

    if (n == 0 || adm_webhook_sign_header(keys, n, event, strlen(event), ts,
                                          x->payload, x->len, sig,
                                          sizeof(sig)) < 0)
    {
        OPENSSL_cleanse(keys, sizeof(keys));
        snprintf(err, errlen, "the target has no usable secret");
        return -1;
    }

    OPENSSL_cleanse(keys, sizeof(keys));

    x->list = curl_slist_append(x->list, "Content-Type: application/json");
    x->list = curl_slist_append(x->list, "Expect:");
    snprintf(line, sizeof(line), "webhook-id: %s", event);
    x->list = curl_slist_append(x->list, line);
    snprintf(line, sizeof(line), "webhook-timestamp: %lld", (long long) ts);
    x->list = curl_slist_append(x->list, line);
    snprintf(line, sizeof(line), "webhook-signature: %s", sig);
    x->list = curl_slist_append(x->list, line);

    json_object_foreach(json_object_get(target, "headers"), name, v) {
        if (json_is_string(v) && adm_header_ok(name, json_string_value(v))) {
            char  *h;

            if (asprintf(&h, "%s: %s", name, json_string_value(v)) >= 0) {
                x->list = curl_slist_append(x->list, h);
                OPENSSL_cleanse(h, strlen(h));
                free(h);
            }
        }
    }

    adm_xfer_common(x, url);

#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(x->t.h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    curl_easy_setopt(x->t.h, CURLOPT_PROTOCOLS,
                     (long) (CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    curl_easy_setopt(x->t.h, CURLOPT_HTTPHEADER, x->list);
    curl_easy_setopt(x->t.h, CURLOPT_POST, 1L);
    curl_easy_setopt(x->t.h, CURLOPT_POSTFIELDS, x->payload);
    curl_easy_setopt(x->t.h, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t) x->len);
    curl_easy_setopt(x->t.h, CURLOPT_USERAGENT, "maint-admind/" ADM_VERSION);
    curl_easy_setopt(x->t.h, CURLOPT_HEADERFUNCTION, adm_on_header);
    curl_easy_setopt(x->t.h, CURLOPT_HEADERDATA, x);

    if (adm_conf.notify.notify_ca_file[0]) {
        curl_easy_setopt(x->t.h, CURLOPT_CAINFO,
                         adm_conf.notify.notify_ca_file);
    }

    return 0;
}


/*
 * The message to the target's addresses.  -1 with err: a failed delivery
 * (the message cannot be built); 1: try again later (no smtp_url yet).
 */

static int
adm_email_setup(adm_xfer_t *x, json_t *target, char *err, size_t errlen)
{
    char             line[300], *msg;
    size_t           i, n, len;
    json_t          *a;
    const char      *to[50];
    adm_email_in_t   in;

    if (adm_conf.notify.smtp_url[0] == '\0') {
        snprintf(err, errlen, "smtp_url is not set");
        return 1;
    }

    n = 0;

    json_array_foreach(json_object_get(target, "to"), i, a) {
        if (json_is_string(a) && n < 50) {
            to[n++] = json_string_value(a);
        }
    }

    memset(&in, 0, sizeof(in));
    in.from = adm_conf.notify.smtp_from;
    in.to = to;
    in.nto = n;
    in.target = x->target;
    in.domain = adm_conf.calendar_domain;
    in.time_zone = adm_sender_time_zone();
    in.now = (int64_t) adm_clock();

    msg = adm_email_build(&in, x->payload, x->len, &len, err, errlen);
    if (msg == NULL) {
        return -1;
    }

    free(x->payload);
    x->payload = msg;
    x->len = len;
    x->email = 1;

    for (i = 0; i < n; i++) {
        snprintf(line, sizeof(line), "<%s>", to[i]);
        x->list = curl_slist_append(x->list, line);
    }

    snprintf(line, sizeof(line), "<%s>", adm_conf.notify.smtp_from);

    adm_xfer_common(x, adm_conf.notify.smtp_url);

#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(x->t.h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
    curl_easy_setopt(x->t.h, CURLOPT_PROTOCOLS,
                     (long) (CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
    curl_easy_setopt(x->t.h, CURLOPT_MAIL_FROM, line);
    curl_easy_setopt(x->t.h, CURLOPT_MAIL_RCPT, x->list);
    curl_easy_setopt(x->t.h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(x->t.h, CURLOPT_READFUNCTION, adm_on_read);
    curl_easy_setopt(x->t.h, CURLOPT_READDATA, x);
    curl_easy_setopt(x->t.h, CURLOPT_INFILESIZE_LARGE, (curl_off_t) x->len);
    curl_easy_setopt(x->t.h, CURLOPT_USE_SSL,
                     adm_conf.notify.smtp_starttls ? (long) CURLUSESSL_ALL
                                                   : (long) CURLUSESSL_NONE);

    if (adm_conf.notify.smtp_user[0]) {
        curl_easy_setopt(x->t.h, CURLOPT_USERNAME, adm_conf.notify.smtp_user);
        curl_easy_setopt(x->t.h, CURLOPT_PASSWORD,
                         adm_conf.notify.smtp_password);
    }

    if (adm_conf.notify.smtp_ca_file[0]) {
        curl_easy_setopt(x->t.h, CURLOPT_CAINFO, adm_conf.notify.smtp_ca_file);
    }

    return 0;
}


/* an outcome recorded, counted and logged */

static void
adm_record(const char *id, const char *target, adm_delivery_state_e st,
    int64_t attempted, int64_t next_at, long status, const char *error,
    int64_t attempts, const char *url)
{
    int            rc;
    adm_attempt_t  a;

    a.id = id;
    a.state = st;
    a.attempted_at = attempted;
    a.next_at = next_at;
    a.status = status;
    a.error = error;

    rc = adm_delivery_record(&a);

    adm_count(st == ADM_DELIVERY_DELIVERED ? ADM_METRIC_NOTIFY_DELIVERED
              : st == ADM_DELIVERY_RETRY ? ADM_METRIC_NOTIFY_RETRIED
              : ADM_METRIC_NOTIFY_FAILED);

    adm_log(st == ADM_DELIVERY_DELIVERED ? ADM_LOG_INFO : ADM_LOG_WARN,
            st == ADM_DELIVERY_DELIVERED ? "notification delivered"
            : st == ADM_DELIVERY_RETRY ? "notification attempt failed, "
                                         "will retry"
            : "notification failed",
            "{s:s, s:s, s:s, s:i, s:I, s:I, s:s, s:s}",
            "delivery", id, "target", target, "url", url,
            "status", (int) status, "attempts", (json_int_t) attempts,
            "next_at", (json_int_t) (st == ADM_DELIVERY_RETRY ? next_at : 0),
            "error", error,
            "recorded", rc == ADM_OK ? "yes"
                        : rc == ADM_NOTHING ? "no longer pending"
                        : adm_store_error());
}


static uint32_t
adm_random(void)
{
    uint32_t  r;

    if (RAND_bytes((unsigned char *) &r, sizeof(r)) != 1) {
        r = (uint32_t) random();
    }

    return r;
}


/* not delivered: retry at the backoff's time, or failed when it is over */

static void
adm_not_delivered(const char *id, const char *target, int64_t created,
    int64_t attempts, int64_t attempted, int64_t retry_after, long status,
    const char *error, const char *url)
{
    int64_t  now, next;

    now = adm_now_ms();

    if (adm_backoff_next(now, created, adm_conf.notify.retry_for_ms,
                         adm_conf.notify.backoff_ms, attempts + 1,
                         retry_after, adm_random(), &next)
        == ADM_OUTCOME_RETRY)
    {
        adm_record(id, target, ADM_DELIVERY_RETRY, attempted, next, status,
                   error, attempts + (attempted >= 0), url);
        return;
    }

    adm_record(id, target, ADM_DELIVERY_FAILED, attempted, 0, status, error,
               attempts + (attempted >= 0), url);
}


/* a finished transfer: what it came to */

static void
adm_finish(adm_xfer_t *x, CURLcode res)
{
    long           status;
    char           err[ADM_ERROR_MAX + 1], body[ADM_ERROR_MAX - 32];
    const char    *why;
    adm_outcome_e  o;

    status = 0;
    curl_easy_getinfo(x->t.h, CURLINFO_RESPONSE_CODE, &status);

    if (res != CURLE_OK) {
        why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(res);
        adm_text_clean(err, sizeof(err), why, strlen(why));
        o = ADM_OUTCOME_RETRY;

    } else if (x->email) {
        err[0] = '\0';
        o = ADM_OUTCOME_DELIVERED;

    } else {
        o = adm_backoff_classify(status);
        adm_text_clean(body, sizeof(body), x->resp, x->resp_len);
        snprintf(err, sizeof(err), o == ADM_OUTCOME_DELIVERED ? ""
                 : "HTTP %ld: %s", status, body);
    }

    if (o == ADM_OUTCOME_DELIVERED) {
        adm_record(x->id, x->target, ADM_DELIVERY_DELIVERED, x->started, 0,
                   status, "", x->attempts + 1, x->url);

    } else if (o == ADM_OUTCOME_GONE) {
        adm_record(x->id, x->target, ADM_DELIVERY_FAILED, x->started, 0,
                   status, err, x->attempts + 1, x->url);
        adm_disable_target(x->target, adm_now_ms());

    } else {
        adm_not_delivered(x->id, x->target, x->created_at, x->attempts,
                          x->started, x->retry_after, status, err, x->url);
    }
}


static const char *
adm_rec_str(json_t *rec, const char *field)
{
    const char  *s;

    s = json_string_value(json_object_get(rec, field));

    return s ? s : "";
}


/* a claimed delivery: its attempt started, or its outcome recorded */

static void
adm_start(adm_claim_t *c, int64_t now)
{
    int          rc;
    char         err[ADM_ERROR_MAX + 1];
    adm_xfer_t  *x;
    const char  *target, *event, *why;
    int64_t      created, attempts;

    target = adm_rec_str(c->rec, "target");
    event = adm_rec_str(c->rec, "event");
    created = strtoll(adm_rec_str(c->rec, "created_at"), NULL, 10);
    attempts = strtoll(adm_rec_str(c->rec, "attempts"), NULL, 10);

    why = c->target == NULL ? "the target no longer exists"
          : c->body == NULL ? "the event expired"
          : !json_is_true(json_object_get(c->target, "enabled"))
          ? "the target is disabled" : NULL;

    if (why != NULL) {
        adm_record(c->id, target, ADM_DELIVERY_FAILED, -1, 0, 0, why,
                   attempts, "");
        return;
    }

    x = calloc(1, sizeof(adm_xfer_t));
    if (x == NULL || (x->t.h = curl_easy_init()) == NULL) {
        free(x);
        return;                 /* due again after the hold */
    }

    x->id = c->id;
    c->id = NULL;
    x->payload = c->body;
    x->len = c->body_len;
    c->body = NULL;
    snprintf(x->target, sizeof(x->target), "%s", target);
    x->created_at = created;
    x->attempts = attempts;
    x->started = now;
    x->retry_after = -1;

    rc = strcmp(adm_rec_str(c->target, "kind"), "email") == 0
         ? adm_email_setup(x, c->target, err, sizeof(err))
         : adm_webhook_setup(x, event, c->target, err, sizeof(err));

    if (rc == 0 && adm_multi_add(&x->t) == 0) {
        adm_xfers[adm_nxfers++] = x;
        return;
    }

    if (rc < 0) {
        adm_record(x->id, target, ADM_DELIVERY_FAILED, -1, 0, 0, err,
                   attempts, "");

    } else if (rc > 0) {
        adm_not_delivered(x->id, target, created, attempts, -1, -1, 0, err,
                          "");
    }

    curl_easy_cleanup(x->t.h);
    x->t.h = NULL;
    adm_xfer_free(x);
}


/* due deliveries claimed for the free slots; -1 when Redis failed */

static int
adm_claim(void)
{
    int            rc;
    size_t         i, n, slots;
    int64_t        ms, now;
    adm_claim_t   *claims;
    static double  next_sync;

    slots = (size_t) adm_conf.notify.concurrency;
    slots = slots > ADM_SENDER_SLOTS ? ADM_SENDER_SLOTS : slots;

    if (adm_nxfers >= slots) {
        return 0;
    }

    /* Redis's clock, which stamps every delivery, every 10 s */
    if (adm_clock() >= next_sync) {
        if (adm_store_now(&ms) != ADM_OK) {
            return -1;
        }

        adm_clock_offset = ms - (int64_t) (adm_clock() * 1000);
        next_sync = adm_clock() + 10;
    }

    now = adm_now_ms();

    rc = adm_deliveries_claim(now, adm_conf.notify.timeout_ms
                                   + ADM_SENDER_HOLD_MS,
                              slots - adm_nxfers, &claims, &n);
    if (rc != ADM_OK) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        adm_start(&claims[i], now);
    }

    adm_claims_free(claims, n);

    return (int) n;
}


static void
adm_trim(void)
{
    size_t  n;

    if (adm_deliveries_trim(adm_now_ms(), &n) == ADM_OK && n > 0) {
        adm_log(ADM_LOG_INFO, "old notification deliveries removed",
                "{s:i}", "count", (int) n);
    }
}


/* a finished transfer (outbound/multi.c): recorded, freed */

static void
adm_sender_finished(adm_transfer_t *t, CURLcode res)
{
    size_t       i;
    adm_xfer_t  *x = (adm_xfer_t *) t;

    adm_finish(x, res);

    for (i = 0; i < adm_nxfers; i++) {
        if (adm_xfers[i] == x) {
            adm_xfers[i] = adm_xfers[--adm_nxfers];
            break;
        }
    }

    adm_xfer_free(x);
}


void
adm_sender_run(void)
{
    int                   n;
    double                now;

    now = adm_clock();

    if (adm_woken || now >= adm_next_claim) {
        adm_woken = 0;
        n = adm_claim();

        /* Redis failing: claims pause for a second, not to stall
           requests */
        adm_next_claim = now + (n < 0 ? 1.0 : ADM_SENDER_CLAIM_MS / 1000.0);

        if (n > 0) {
            adm_multi_run();
        }
    }

    if (now >= adm_next_trim) {
        adm_next_trim = now + ADM_SENDER_TRIM_MS / 1000.0;
        adm_trim();
    }
}


/* the time until the sender wants a turn, ms (the loop's wait at most) */

long
adm_sender_timeout(void)
{
    double  d;

    d = adm_woken ? 0 : (adm_next_claim - adm_clock()) * 1000;

    return d < 0 ? 0 : d > ADM_SENDER_CLAIM_MS ? ADM_SENDER_CLAIM_MS
                                               : (long) d + 1;
}


/* attempts in flight are dropped: their claims run out after the hold
   and they are sent again, with the same webhook-id */

void
adm_sender_done(void)
{
    size_t  i;

    for (i = 0; i < adm_nxfers; i++) {
        adm_xfer_free(adm_xfers[i]);
    }

    adm_nxfers = 0;
}
