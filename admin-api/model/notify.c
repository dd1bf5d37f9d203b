/*
 * notify.c: the notification target model (docs/notifications.md).  A
 * target is an email list or a webhook endpoint, with the events it
 * wants.  Its secrets and its extra headers' values (an API key, say) are
 * stored for the sender and never shown again: the view leaves them out.
 */

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "maint_names.h"
#include "model/notify.h"
#include "model/text.h"
#include "model/webhook_sign.h"
#include "model/window.h"


#define ADM_EMAIL_MAX    254                /* RFC 5321's path, less <> */
#define ADM_URL_MAX      2048
#define ADM_HEADER_VALUE_MAX  1024


const char  *adm_notify_events[] = {
    "scheduled", "changed", "reminder", "started", "completed", "cancelled",
    NULL
};


int
adm_notify_event_known(const char *type)
{
    size_t  i;

    for (i = 0; adm_notify_events[i]; i++) {
        if (strcmp(adm_notify_events[i], type) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * An address as SMTP takes it in MAIL/RCPT without quoting: printable
 * ASCII, one '@', a dot-atom local part and a host name.  Anything a
 * header or an SMTP command could be split with (space, CR, LF, '<', '>',
 * ',', ';', quotes) is refused, not escaped.
 */

static int
adm_email_ok(const char *s, size_t len)
{
    size_t       i, at;
    const char  *specials = "()<>[]:;@\\,\" ";

    if (len < 3 || len > ADM_EMAIL_MAX) {
        return 0;
    }

    at = len;

    for (i = 0; i < len; i++) {
        if (s[i] == '@') {
            if (at != len) {
                return 0;
            }

            at = i;
            continue;
        }

        if ((unsigned char) s[i] <= 0x20 || (unsigned char) s[i] >= 0x7f
            || strchr(specials, s[i]) != NULL)
        {
            return 0;
        }

        /* the domain: letters, digits, '-' and '.' */
        if (at != len && !maint_valid_ident(&s[i], 1, 1, ".-")) {
            return 0;
        }
    }

    return at > 0 && at < len - 1 && s[at + 1] != '.' && s[len - 1] != '.'
           && s[0] != '.' && s[at - 1] != '.';
}


static void
adm_check_to(json_t *v, json_t *out, json_t *errors)
{
    size_t   i;
    json_t  *a;

    if (!json_is_array(v) || json_array_size(v) == 0
        || json_array_size(v) > ADM_NOTIFY_TO_MAX)
    {
        adm_refuse(errors, "to", "must be a list of 1 to 50 email addresses");
        return;
    }

    json_array_foreach(v, i, a) {
        if (!json_is_string(a)
            || !adm_email_ok(json_string_value(a), json_string_length(a)))
        {
            adm_refuse(errors, "to", "must hold only email addresses like "
                    "ops@example.com (ASCII, no spaces, no display name)");
            return;
        }
    }

    json_object_set(out, "to", v);
}


/* http:// or https://, a host, nothing a request line could be split on */

static void
adm_check_url(json_t *v, json_t *out, json_t *errors)
{
    size_t       i, len, skip;
    const char  *s;

    s = json_string_value(v);
    len = json_string_length(v);

    skip = s && strncasecmp(s, "https://", 8) == 0 ? 8
           : s && strncasecmp(s, "http://", 7) == 0 ? 7 : 0;

    if (skip == 0 || len > ADM_URL_MAX || len == skip
        || strchr("/?#@:", s[skip]) != NULL)
    {
        adm_refuse(errors, "url", "must be an http:// or https:// URL with "
                "a host, at most 2048 characters");
        return;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] <= 0x20 || (unsigned char) s[i] >= 0x7f) {
            adm_refuse(errors, "url", "must not contain spaces, control "
                    "characters or non-ASCII bytes (percent-encode them)");
            return;
        }
    }

    json_object_set(out, "url", v);
}


static void
adm_check_headers(json_t *v, json_t *out, json_t *errors)
{
    size_t       i, len;
    json_t      *val;
    const char  *k, *s;

    if (!json_is_object(v) || json_object_size(v) > ADM_NOTIFY_HEADERS_MAX) {
        adm_refuse(errors, "headers", "must be an object of at most 10 "
                "header names and their values");
        return;
    }

    json_object_foreach(v, k, val) {
        if (!maint_valid_ident(k, strlen(k), ADM_HEADER_NAME_MAX,
                               ADM_TOKEN_EXTRA))
        {
            adm_refuse(errors, "headers", "header names are 1 to 64 "
                    "characters of an HTTP token (A-Z a-z 0-9 and "
                    "!#$%&'*+-.^_`|~)");
            return;
        }

        if (adm_header_reserved(k, strlen(k))) {
            adm_refuse(errors, "headers", "Host, Content-Type, "
                    "Content-Length, Transfer-Encoding, Connection, "
                    "User-Agent, Expect, TE, Upgrade and webhook-* are set "
                    "by the sender");
            return;
        }

        s = json_string_value(val);
        len = json_string_length(val);

        if (s == NULL || len > ADM_HEADER_VALUE_MAX) {
            adm_refuse(errors, "headers", "header values are strings of at "
                    "most 1024 characters");
            return;
        }

        for (i = 0; i < len; i++) {
            if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] >= 0x7f) {
                adm_refuse(errors, "headers", "header values must be "
                        "printable ASCII: no CR, LF or other control "
                        "characters");
                return;
            }
        }
    }

    json_object_set(out, "headers", v);
}


static void
adm_check_events(json_t *v, json_t *out, json_t *errors)
{
    size_t   i, j;
    json_t  *a;

    if (!json_is_array(v) || json_array_size(v) == 0) {
        adm_refuse(errors, "events", "must be a non-empty list of scheduled, "
                "changed, reminder, started, completed, cancelled");
        return;
    }

    json_array_foreach(v, i, a) {
        if (!json_is_string(a) || !adm_notify_event_known(json_string_value(a)))
        {
            adm_refuse(errors, "events", "must hold only scheduled, changed, "
                    "reminder, started, completed, cancelled");
            return;
        }

        for (j = 0; j < i; j++) {
            if (json_equal(json_array_get(v, j), a)) {
                adm_refuse(errors, "events", "must not repeat an event");
                return;
            }
        }
    }

    json_object_set(out, "events", v);
}


static void
adm_check_secret(json_t *v, json_t *out, json_t *errors)
{
    char                reason[160];
    const char         *why;
    adm_webhook_key_t   key;

    if (!json_is_string(v)
        || adm_webhook_secret_parse(json_string_value(v),
                                    json_string_length(v), &key, &why) != 0)
    {
        /* why is static text about the form, never the secret */
        snprintf(reason, sizeof(reason), "must be a Standard Webhooks secret, "
                 "whsec_ and 24 to 64 bytes in base64: %s",
                 json_is_string(v) ? why : "not a string");
        adm_refuse(errors, "secret", reason);
        return;
    }

    memset(&key, 0, sizeof(key));
    json_object_set_new(out, "secrets", json_pack("[O]", v));
}


/* a field that exists for one kind only */

static int
adm_kind_field(const char *key, const char *kind, json_t *errors)
{
    int  webhook;

    webhook = strcmp(key, "url") == 0 || strcmp(key, "headers") == 0
              || strcmp(key, "secret") == 0;

    if (strcmp(key, "to") == 0 || webhook) {
        if (kind == NULL) {
            return 0;                       /* "kind" is refused already */
        }

        if ((strcmp(kind, "webhook") == 0) != webhook) {
            adm_refuse(errors, key, webhook ? "is for webhook targets only"
                                            : "is for email targets only");
            return 0;
        }
    }

    return 1;
}


static const char *
adm_target_kind(json_t *in, const char *kind, int creating, json_t *out,
    json_t *errors)
{
    json_t      *v;
    const char  *name;

    if (!creating) {
        return kind;
    }

    v = json_object_get(in, "name");
    name = json_string_value(v);

    if (name == NULL || !maint_valid_name(name, json_string_length(v))) {
        adm_refuse(errors, "name", "is required: 1 to 64 characters of "
                "A-Z a-z 0-9 . _ -");
    } else {
        json_object_set(out, "name", v);
    }

    kind = json_string_value(json_object_get(in, "kind"));

    if (kind == NULL
        || (strcmp(kind, "email") != 0 && strcmp(kind, "webhook") != 0))
    {
        adm_refuse(errors, "kind", "is required: \"email\" or \"webhook\"");
        return NULL;
    }

    json_object_set_new(out, "kind", json_string(kind));

    if (json_object_get(in, strcmp(kind, "email") == 0 ? "to" : "url")
        == NULL)
    {
        adm_refuse(errors, strcmp(kind, "email") == 0 ? "to" : "url",
                   "is required");
    }

    return json_string_value(json_object_get(out, "kind"));
}


int
adm_notify_target_fields(json_t *in, int creating, const char *kind,
    json_t *out, json_t *errors)
{
    size_t       n0;
    json_t      *v;
    const char  *key;

    n0 = json_array_size(errors);

    if (!json_is_object(in)) {
        adm_refuse(errors, "", "must be a JSON object");
        return 1;
    }

    kind = adm_target_kind(in, kind, creating, out, errors);

    json_object_foreach(in, key, v) {

        if (strcmp(key, "name") == 0 || strcmp(key, "kind") == 0) {
            if (!creating) {
                adm_refuse(errors, key, "cannot change: remove the target "
                        "and add it again");
            }

        } else if (!adm_kind_field(key, kind, errors)) {
            continue;

        } else if (strcmp(key, "to") == 0) {
            adm_check_to(v, out, errors);

        } else if (strcmp(key, "url") == 0) {
            adm_check_url(v, out, errors);

        } else if (strcmp(key, "headers") == 0) {
            adm_check_headers(v, out, errors);

        } else if (strcmp(key, "secret") == 0) {
            if (!creating) {
                adm_refuse(errors, key, "cannot be set: rotate it (POST "
                        ".../rotate)");
            } else {
                adm_check_secret(v, out, errors);
            }

        } else if (strcmp(key, "events") == 0) {
            adm_check_events(v, out, errors);

        } else if (strcmp(key, "enabled") == 0) {
            if (!json_is_boolean(v)) {
                adm_refuse(errors, key, "must be true or false");
            } else {
                json_object_set(out, key, v);
            }

        } else {
            adm_refuse(errors, key, "is not a known field");
        }
    }

    return (int) (json_array_size(errors) - n0);
}


json_t *
adm_notify_target_view(json_t *rec)
{
    json_t      *view, *headers, *v;
    const char  *k;

    view = json_deep_copy(rec);

    json_object_set_new(view, "secret_count", json_integer(
        json_array_size(json_object_get(rec, "secrets"))));
    json_object_del(view, "secrets");

    if (strcmp(json_string_value(json_object_get(rec, "kind")), "webhook")
        != 0)
    {
        json_object_del(view, "secret_count");
        return view;
    }

    headers = json_object();

    json_object_foreach(json_object_get(rec, "headers"), k, v) {
        json_object_set_new(headers, k, json_string("(hidden)"));
    }

    json_object_set_new(view, "headers", headers);

    return view;
}


int
adm_notify_wants(json_t *target, const char *type)
{
    size_t   i;
    json_t  *e;

    if (!json_is_true(json_object_get(target, "enabled"))) {
        return 0;
    }

    json_array_foreach(json_object_get(target, "events"), i, e) {
        if (strcmp(json_string_value(e), type) == 0) {
            return 1;
        }
    }

    return 0;
}
