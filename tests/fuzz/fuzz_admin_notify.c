/*
 * fuzz_admin_notify.c: a notification target's body (POST and PATCH
 * /v1/notify/targets, admin-api/model/notify.c), parsed as the daemon
 * parses bodies.  Input: one byte choosing creating (0), editing an email
 * target (1) or a webhook target (2), then the body.
 *
 * Properties: a refusal names every field it refuses and says why; what
 * is accepted can split no SMTP command, mail header or HTTP header (no
 * byte under 0x20 nor 0x7f and up anywhere, no space, comma or angle
 * bracket in an address), a URL is http(s) with a host, and the view of
 * an accepted target shows no secret and no header value.
 */

#include <strings.h>

#include "fuzz_admin.h"
#include "model/notify.h"


static int
fuzz_printable(const char *s, size_t len, int space)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] >= 0x7f
            || (!space && s[i] == ' '))
        {
            return 0;
        }
    }

    return 1;
}


static void
fuzz_accepted(json_t *out, const char *kind)
{
    size_t       i;
    json_t      *v, *rec, *view;
    const char  *k, *url;

    json_array_foreach(json_object_get(out, "to"), i, v) {
        FUZZ_CHECK(fuzz_printable(json_string_value(v), json_string_length(v),
                                  0));
        FUZZ_CHECK(strpbrk(json_string_value(v), ",<>;\"") == NULL);
        FUZZ_CHECK(strchr(json_string_value(v), '@') != NULL);
    }

    url = json_string_value(json_object_get(out, "url"));

    if (url) {
        FUZZ_CHECK(fuzz_printable(url, strlen(url), 0));
        FUZZ_CHECK(strncasecmp(url, "http://", 7) == 0
                   || strncasecmp(url, "https://", 8) == 0);
    }

    json_object_foreach(json_object_get(out, "headers"), k, v) {
        FUZZ_CHECK(fuzz_printable(k, strlen(k), 0));
        FUZZ_CHECK(fuzz_printable(json_string_value(v), json_string_length(v),
                                  1));
    }

    /* the view: the secret never comes out, header values are hidden */
    rec = json_deep_copy(out);
    if (kind) {
        json_object_set_new(rec, "kind", json_string(kind));
    }

    json_object_set_new(rec, "secrets", json_pack("[s]", "whsec_\x01FUZZ"));

    view = adm_notify_target_view(rec);
    FUZZ_CHECK(json_object_get(view, "secrets") == NULL);

    json_object_foreach(view, k, v) {
        FUZZ_CHECK(!json_is_string(v)
                   || strcmp(json_string_value(v), "whsec_\x01FUZZ") != 0);
    }

    json_object_foreach(json_object_get(view, "headers"), k, v) {
        FUZZ_CHECK(strcmp(json_string_value(v), "(hidden)") == 0);
    }

    json_decref(view);
    json_decref(rec);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t       *in, *out, *errors;
    const char   *kinds[] = { NULL, "email", "webhook" };
    unsigned      which;

    if (size < 1) {
        return 0;
    }

    which = data[0] % 3;

    in = json_loadb((const char *) data + 1, size - 1,
                    JSON_REJECT_DUPLICATES, NULL);
    if (in == NULL) {
        return 0;
    }

    out = json_object();
    errors = json_array();

    if (adm_notify_target_fields(in, which == 0, kinds[which], out, errors)
        != 0)
    {
        fuzz_errors_named(errors);

    } else {
        fuzz_accepted(out, kinds[which]);
    }

    json_decref(errors);
    json_decref(out);
    json_decref(in);

    return 0;
}
