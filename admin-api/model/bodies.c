/*
 * bodies.c: what the request bodies other than a window's may hold: the
 * settings, a new superadmin, "end all sessions", and a window's
 * /complete and /cancel; and the NUL check every body passes first.
 * Pure (no HTTP, no Redis), so the unit tests and the fuzzer
 * (tests/fuzz/fuzz_admin_bodies.c) reach exactly what the daemon runs.
 *
 * Each *_fields() function reads a parsed JSON object, appends one
 * {"field", "reason"} to errors for every field it refuses, and returns 0
 * only if it refused none.
 */

#include <stdio.h>
#include <string.h>

#include "maint_names.h"
#include "admin.h"
#include "model/bodies.h"
#include "model/window.h"


static int adm_time_zone_name_ok(json_t *v);


/* the path ("allow.paths") of the first string holding a NUL, if any */

static int
adm_nul_at(json_t *v, char *path, size_t len, const char *at)
{
    char         sub[128];
    size_t       i;
    json_t      *x;
    const char  *key;

    if (json_is_string(v)) {
        if (memchr(json_string_value(v), '\0', json_string_length(v))) {
            snprintf(path, len, "%s", at);
            return 1;
        }

        return 0;
    }

    if (json_is_object(v)) {
        json_object_foreach(v, key, x) {
            snprintf(sub, sizeof(sub), "%s%s%s", at, *at ? "." : "", key);
            adm_utf8_trim(sub);

            if (adm_nul_at(x, path, len, sub)) {
                return 1;
            }
        }
    }

    if (json_is_array(v)) {
        json_array_foreach(v, i, x) {
            if (adm_nul_at(x, path, len, at)) {
                return 1;
            }
        }
    }

    return 0;
}


int
adm_json_nul(json_t *v, char *path, size_t len)
{
    return adm_nul_at(v, path, len, "");
}


int
adm_session_id_ok(const char *id)
{
    size_t  i;

    for (i = 0; i < ADM_SESSION_ID_LEN; i++) {
        if (!((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f')))
        {
            return 0;
        }
    }

    return id[i] == '\0';
}


/* PUT /v1/settings: valid fields are set on settings */

int
adm_settings_fields(json_t *in, json_t *settings, json_t *errors)
{
    int          rc;
    json_t      *val;
    const char  *key;
    json_int_t   n;

    rc = 0;

    json_object_foreach(in, key, val) {
        n = json_is_integer(val) ? json_integer_value(val) : -1;

        if (strcmp(key, "notify_before_minutes") == 0) {
            if (n < 0 || n > 10080) {
                rc = adm_refuse(errors, key,
                                "must be an integer from 0 to 10080");
                continue;
            }

        } else if (strcmp(key, "session_idle_minutes") == 0) {
            if (n < 1 || n > 527040) {
                rc = adm_refuse(errors, key,
                                "must be an integer from 1 to 527040");
                continue;
            }

        } else if (strcmp(key, "session_lifetime_days") == 0) {
            if (n < 1 || n > 3650) {
                rc = adm_refuse(errors, key,
                                "must be an integer from 1 to 3650");
                continue;
            }

        } else if (strcmp(key, "login_message") == 0
                   || strcmp(key, "notify_message") == 0)
        {
            if (!json_is_string(val)
                || adm_text_ok(json_string_value(val), json_string_length(val),
                               2000, 1) != 0)
            {
                rc = adm_refuse(errors, key, "must be a string of at most "
                                "2000 characters, without control characters "
                                "other than newline and tab");
                continue;
            }

        } else if (strcmp(key, "notify_default_targets") == 0) {
            if (adm_notify_names_bad(val)) {
                rc = adm_refuse(errors, key, ADM_NOTIFY_NAMES_REASON);
                continue;
            }

        } else if (strcmp(key, "notify_time_zone") == 0) {
            if (!adm_time_zone_name_ok(val)) {
                rc = adm_refuse(errors, key, "must be an IANA time zone name "
                                "like Europe/Berlin, or UTC");
                continue;
            }

        } else if (strcmp(key, "revision") == 0
                   || strcmp(key, "updated_at") == 0
                   || strcmp(key, "updated_by") == 0)
        {
            rc = adm_refuse(errors, key, "is read-only");
            continue;

        } else {
            rc = adm_refuse(errors, key, "is not a known field");
            continue;
        }

        json_object_set(settings, key, val);
    }

    return rc;
}


/*
 * The shape of an IANA zone name (Area/Location, letters, digits, "_",
 * "-", "+"; no "." so no path can climb out of the zone database).  That
 * the zone exists is resources/settings.c's question: it reads the disk.
 */

static int
adm_time_zone_name_ok(json_t *v)
{
    size_t       i, len;
    const char  *s;

    s = json_string_value(v);
    len = json_string_length(v);

    if (s == NULL || len == 0 || len > 64 || s[0] == '/' || s[len - 1] == '/')
    {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if (!maint_valid_ident(&s[i], 1, 1, "/_-+") || (s[i] == '/'
                                                      && s[i + 1] == '/'))
        {
            return 0;
        }
    }

    return 1;
}


/* POST /v1/superadmins */

int
adm_superadmin_fields(json_t *in, const char **name, json_t *errors)
{
    json_t      *val;
    const char  *key;

    *name = NULL;

    json_object_foreach(in, key, val) {
        if (strcmp(key, "name") != 0) {
            return adm_refuse(errors, key, "is not a known field");
        }
    }

    val = json_object_get(in, "name");

    if (!json_is_string(val)
        || !maint_valid_name(json_string_value(val), json_string_length(val)))
    {
        return adm_refuse(errors, "name", "must be 1 to 64 of A-Za-z0-9._-");
    }

    *name = json_string_value(val);

    return 0;
}


/* POST /v1/sessions/terminate (an absent body: every session) */

int
adm_terminate_fields(json_t *in, adm_terminate_t *t, json_t *errors)
{
    int          rc;
    size_t       i;
    json_t      *val, *e;
    const char  *key, *id;

    memset(t, 0, sizeof(*t));
    rc = 0;

    json_object_foreach(in, key, val) {
        if (strcmp(key, "app") == 0) {
            if (json_is_null(val)) {
                continue;
            }

            if (!json_is_string(val)
                || !maint_valid_name(json_string_value(val),
                                     json_string_length(val)))
            {
                rc = adm_refuse(errors, key, "must be an app name (1 to 64 "
                                "of A-Za-z0-9._-), or absent for every app");
                continue;
            }

            t->app = json_string_value(val);

        } else if (strcmp(key, "except") == 0) {
            if (!json_is_array(val) || json_array_size(val) > ADM_EXCEPT_MAX)
            {
                rc = adm_refuse(errors, key, "must be an array of at most "
                                "1000 session ids");
                continue;
            }

            json_array_foreach(val, i, e) {
                id = json_string_value(e);

                if (id == NULL || !adm_session_id_ok(id)) {
                    rc = adm_refuse(errors, key, "must hold session ids: 64 "
                                    "lowercase hex digits");
                    break;
                }
            }

            t->except = val;

        } else if (strcmp(key, "except_superadmins") == 0) {
            if (!json_is_boolean(val)) {
                rc = adm_refuse(errors, key, "must be true or false");
                continue;
            }

            t->except_superadmins = json_is_true(val);

        } else {
            rc = adm_refuse(errors, key, "is not a known field");
        }
    }

    return rc;
}


/* POST /v1/windows/{id}/start: optional, {"force": bool} */

int
adm_start_fields(json_t *in, int *force, json_t *errors)
{
    int          rc;
    json_t      *v;
    const char  *key;

    *force = 0;
    rc = 0;

    json_object_foreach(in, key, v) {
        if (strcmp(key, "force") != 0) {
            rc = adm_refuse(errors, key, "is not a known field");

        } else if (!json_is_boolean(v)) {
            rc = adm_refuse(errors, key, "must be true or false (true: "
                            "start even if a custom precheck fails)");

        } else {
            *force = json_is_true(v);
        }
    }

    return rc;
}


/* POST /v1/windows/{id}/complete (complete) and /cancel: both optional */

int
adm_finish_fields(json_t *in, int complete, adm_status_e *outcome,
    json_t **notes, json_t *errors)
{
    int          rc;
    json_t      *v;
    const char  *key;

    *outcome = complete ? ADM_ST_COMPLETED : ADM_ST_CANCELLED;
    *notes = NULL;
    rc = 0;

    json_object_foreach(in, key, v) {
        if (complete && strcmp(key, "outcome") == 0) {
            if (!json_is_string(v)
                || adm_status_parse(json_string_value(v), outcome) != 0
                || *outcome < ADM_ST_COMPLETED || *outcome > ADM_ST_FAILED)
            {
                *outcome = ADM_ST_COMPLETED;
                rc = adm_refuse(errors, key, "must be completed, "
                                "completed_with_errors or failed");
            }

        } else if (strcmp(key, "notes") == 0) {
            if (!json_is_string(v)
                || adm_text_ok(json_string_value(v), json_string_length(v),
                               10000, 1) != 0)
            {
                rc = adm_refuse(errors, key, "must be a string of at most "
                                "10000 characters");
            } else {
                *notes = v;
            }

        } else {
            rc = adm_refuse(errors, key, "is not a known field");
        }
    }

    return rc;
}
