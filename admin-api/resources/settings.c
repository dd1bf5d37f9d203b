/*
 * settings.c: the /v1/settings resource: the defaults windows fall back
 * to (notice period, login and notice texts) and the sessions' lifetimes
 * (in the registry, on the blacklist).  They are part of the snapshot, so
 * a change goes through adm_write() like a window's.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "http/http.h"
#include "model/bodies.h"
#include "model/settings.h"
#include "model/times.h"
#include "model/window.h"
#include "resources/change.h"
#include "resources/settings.h"
#include "resources/write.h"
#include "store/reads.h"


/* the stored settings, with the defaults of fields written before they
   existed */

static json_t *
adm_settings_stored(adm_view_t *v)
{
    json_t      *s, *d, *val;
    const char  *key;

    s = json_deep_copy(v->settings);
    d = adm_settings_defaults();

    json_object_foreach(d, key, val) {
        if (json_object_get(s, key) == NULL) {
            json_object_set(s, key, val);
        }
    }

    json_decref(d);

    return s;
}


int
adm_settings_get(adm_req_t *r)
{
    json_t      *s;
    int64_t      revision;
    adm_view_t   v;

    if (adm_store_view(&v) != 0) {
        return adm_redis_down(r);
    }

    s = adm_settings_stored(&v);
    adm_view_free(&v);

    /* the answer takes the reference: read the revision first */
    revision = json_integer_value(json_object_get(s, "revision"));

    adm_reply_json(r, 200, s);
    adm_etag(r, revision);

    return 0;
}


/*
 * The time zone the emails' times are written in must be one this
 * machine's zone database has (package tzdata): a name of the right shape
 * that is not there would silently give UTC.
 */

static int
adm_zone_missing(adm_req_t *r, json_t *settings, json_t *errors)
{
    char         path[128];
    const char  *tz;

    tz = json_string_value(json_object_get(settings, "notify_time_zone"));

    if (tz == NULL || strcmp(tz, "UTC") == 0) {
        return 0;
    }

    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);

    if (access(path, R_OK) == 0) {
        return 0;
    }

    adm_refuse(errors, "notify_time_zone", "is not in this machine's time "
               "zone database (/usr/share/zoneinfo, package tzdata)");
    adm_problem(r, 422, ADM_P_VALIDATION, "Invalid settings", NULL, errors,
                NULL);

    return 1;
}


/*
 * The default targets given must be targets (a window naming them would
 * be refused); a default whose target was removed since is passed over,
 * as a window's is, and does not block other settings.
 */

static int
adm_targets_missing(adm_req_t *r, adm_view_t *v, json_t *errors)
{
    size_t   i;
    char     reason[160];
    json_t  *name;

    json_array_foreach(json_object_get(r->json, "notify_default_targets"),
                       i, name)
    {
        if (json_object_get(v->targets, json_string_value(name)) == NULL) {
            snprintf(reason, sizeof(reason), "names \"%s\", which is not a "
                     "notification target (GET /v1/notify/targets)",
                     json_string_value(name));
            adm_refuse(errors, "notify_default_targets", reason);
            adm_problem(r, 422, ADM_P_VALIDATION, "Invalid settings", NULL,
                        errors, NULL);
            return 1;
        }
    }

    return 0;
}


static int
adm_settings_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    char     etag[ADM_ETAG_LEN];
    json_t  *errors, *next;

    /* If-Match is optional here: settings are one record, not a list */

    if (adm_etag_test(r, v->settings, etag) > 0) {
        adm_reject(r, "settings.update", "settings", 412);
        return adm_problem(r, 412, ADM_P_PRECONDITION, "Precondition failed",
                           "the settings changed since that ETag", NULL,
                           json_pack("{s:s}", "current_etag", etag));
    }

    errors = json_array();
    next = adm_settings_stored(v);

    if (adm_settings_fields(r->json, next, errors) != 0) {
        json_decref(next);
        return adm_problem(r, 422, ADM_P_VALIDATION, "Invalid settings",
                           NULL, errors, NULL);
    }

    if (adm_zone_missing(r, next, errors)
        || adm_targets_missing(r, v, errors))
    {
        json_decref(next);
        return -1;
    }

    json_decref(errors);

    json_object_set_new(next, "revision", json_integer(
        json_integer_value(json_object_get(next, "revision")) + 1));
    json_object_set_new(next, "updated_at",
                        adm_time_json(v->now_ms / 1000));
    json_object_set_new(next, "updated_by", json_string(r->token->name));

    c->before = adm_settings_stored(v);
    c->settings = next;

    return 0;
}


int
adm_settings_put(adm_req_t *r)
{
    if (adm_body(r, 0) != 0) {
        return 0;
    }

    return adm_write(r, "settings.update", "settings", adm_settings_compute,
                     NULL);
}
