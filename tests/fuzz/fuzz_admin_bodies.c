/*
 * fuzz_admin_bodies.c: the admin API's request bodies other than a
 * window's (admin-api/model/bodies.c), parsed as the daemon parses them
 * (adm_body(): duplicate keys refused, NUL characters found by path).
 * Input: one byte choosing the resource, then the body:
 *
 *   0  PUT /v1/settings          3  POST /v1/windows/{id}/complete
 *   1  POST /v1/superadmins      4  POST /v1/windows/{id}/cancel
 *   2  POST /v1/sessions/terminate
 *
 * Properties: a refusal names every field it refuses and says why; what
 * is accepted is in range (checked here, the plain way), and settings, a
 * superadmin or an app's session cutoff that are accepted make a snapshot
 * the gateways' decoder accepts.
 */

#include "fuzz_admin.h"
#include "model/bodies.h"
#include "model/settings.h"
#include "model/window.h"
#include "maint_names.h"



/* what is accepted, alone in an otherwise empty state */

static void
fuzz_state_ok(json_t *settings, json_t *access)
{
    json_t  *live;

    live = json_array();
    fuzz_snapshot_ok(live, settings, access);
    json_decref(live);
}


static int
fuzz_int_in(json_t *o, const char *key, json_int_t min, json_int_t max)
{
    json_t  *v = json_object_get(o, key);

    return json_is_integer(v) && json_integer_value(v) >= min
           && json_integer_value(v) <= max;
}


/* at most 2000 characters, no control characters but newline and tab */

static int
fuzz_text_ok(json_t *o, const char *key)
{
    size_t          i, len, chars;
    const char     *s;
    unsigned char   c;

    s = json_string_value(json_object_get(o, key));
    if (s == NULL) {
        return 0;
    }

    len = json_string_length(json_object_get(o, key));
    chars = 0;

    for (i = 0; i < len; i++) {
        c = (unsigned char) s[i];
        chars += (c & 0xc0) != 0x80;

        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            return 0;
        }
    }

    return chars <= 2000;
}


static void
fuzz_settings(json_t *in, json_t *errors)
{
    json_t  *next, *access, *defaults;

    defaults = adm_settings_defaults();
    next = json_deep_copy(defaults);

    if (adm_settings_fields(in, next, errors) != 0) {
        fuzz_errors_named(errors);
        json_decref(next);
        json_decref(defaults);
        return;
    }

    /* nothing but the known fields, each still there and in range */
    FUZZ_CHECK(json_array_size(errors) == 0);
    FUZZ_CHECK(json_object_size(next) == json_object_size(defaults));
    json_decref(defaults);

    FUZZ_CHECK(fuzz_int_in(next, "notify_before_minutes", 0, 10080));
    FUZZ_CHECK(fuzz_int_in(next, "session_idle_minutes", 1, 527040));
    FUZZ_CHECK(fuzz_int_in(next, "session_lifetime_days", 1, 3650));
    FUZZ_CHECK(fuzz_text_ok(next, "login_message"));
    FUZZ_CHECK(fuzz_text_ok(next, "notify_message"));

    access = json_object();
    fuzz_state_ok(next, access);
    json_decref(access);
    json_decref(next);
}


static void
fuzz_superadmin(json_t *in, json_t *errors)
{
    json_t      *settings, *access;
    const char  *name;

    if (adm_superadmin_fields(in, &name, errors) != 0) {
        fuzz_errors_named(errors);
        FUZZ_CHECK(name == NULL);
        return;
    }

    FUZZ_CHECK(name != NULL && maint_valid_name(name, strlen(name)));

    settings = adm_settings_defaults();
    access = json_pack("{s:{s:{s:s, s:s}}}", "superadmins", name,
                       "name", name, "credential_sha256",
                       "0000000000000000000000000000000000000000000000000000"
                       "000000000000");
    FUZZ_CHECK(access != NULL);

    fuzz_state_ok(settings, access);
    json_decref(access);
    json_decref(settings);
}


static void
fuzz_terminate(json_t *in, json_t *errors)
{
    size_t            i;
    json_t           *e, *settings, *access;
    adm_terminate_t   t;

    if (adm_terminate_fields(in, &t, errors) != 0) {
        fuzz_errors_named(errors);
        return;
    }

    FUZZ_CHECK(t.app == NULL || maint_valid_name(t.app, strlen(t.app)));
    FUZZ_CHECK(t.except == NULL
               || json_array_size(t.except) <= ADM_EXCEPT_MAX);

    json_array_foreach(t.except, i, e) {
        FUZZ_CHECK(adm_session_id_ok(json_string_value(e)));
    }

    settings = adm_settings_defaults();
    access = json_pack("{s:{s:I}}", "session_cutoffs", t.app ? t.app : "*",
                       (json_int_t) FUZZ_NOW);
    FUZZ_CHECK(access != NULL);

    fuzz_state_ok(settings, access);
    json_decref(access);
    json_decref(settings);
}


static void
fuzz_finish(json_t *in, int complete, json_t *errors)
{
    json_t        *notes;
    adm_status_e   outcome;

    if (adm_finish_fields(in, complete, &outcome, &notes, errors) != 0) {
        fuzz_errors_named(errors);
        return;
    }

    FUZZ_CHECK(complete ? outcome >= ADM_ST_COMPLETED
                          && outcome <= ADM_ST_FAILED
                        : outcome == ADM_ST_CANCELLED);
    FUZZ_CHECK(notes == NULL || json_string_length(notes) <= 4 * 10000);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char          path[128];
    json_t       *in, *errors;
    json_error_t  e;

    if (size < 1) {
        return 0;
    }

    in = json_loadb((const char *) data + 1, size - 1,
                    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);

    if (in == NULL || !json_is_object(in)
        || adm_json_nul(in, path, sizeof(path)))
    {
        json_decref(in);
        return 0;
    }

    errors = json_array();

    switch (data[0] % 5) {
    case 0:
        fuzz_settings(in, errors);
        break;
    case 1:
        fuzz_superadmin(in, errors);
        break;
    case 2:
        fuzz_terminate(in, errors);
        break;
    default:
        fuzz_finish(in, data[0] % 5 == 3, errors);
        break;
    }

    json_decref(errors);
    json_decref(in);

    return 0;
}
