/*
 * snapshot.c: the snapshot the gateways read (docs/redis-schema.md), built
 * from the live window records and the settings.  Only windows that can
 * still be enforced go in: enabled, scheduled or in progress by the clock.
 * A window started early starts at its actual start.  Also the settings'
 * defaults, used until the settings are first written.
 */

#include <stdlib.h>
#include <string.h>

#include "admin.h"


json_t *
adm_settings_defaults(void)
{
    return json_pack("{s:i, s:s, s:s, s:i, s:n, s:n}",
                     "notify_before_minutes", 30,
                     "login_message", "",
                     "notify_message", "",
                     "revision", 0,
                     "updated_at", "updated_by");
}


static json_t *
adm_snapshot_window(json_t *rec)
{
    json_t  *w, *v;

    w = json_pack("{s:O, s:O, s:O, s:I, s:I, s:b, s:O, s:O, s:O, s:O,"
                  " s:{s:O, s:O}}",
                  "id", json_object_get(rec, "id"),
                  "title", json_object_get(rec, "title"),
                  "apps", json_object_get(rec, "apps"),
                  "start", (json_int_t) adm_window_begin(rec),
                  "end", (json_int_t) adm_window_time(rec, "ends_at"),
                  "hold", json_is_true(json_object_get(rec,
                                                  "hold_until_completed")),
                  "mode", json_object_get(rec, "mode"),
                  "login_message", json_object_get(rec, "login_message"),
                  "show_login_message",
                  json_object_get(rec, "show_login_message"),
                  "notify_message", json_object_get(rec, "notify_message"),
                  "allow",
                  "paths", json_object_get(json_object_get(rec, "allow"),
                                           "paths"),
                  "networks", json_object_get(json_object_get(rec, "allow"),
                                              "networks"));
    if (w == NULL) {
        return NULL;
    }

    v = json_object_get(rec, "notify_before_minutes");
    if (json_is_integer(v)) {
        json_object_set(w, "notify_before_minutes", v);
    }

    return w;
}


char *
adm_snapshot_build(json_t *live, json_t *settings, int64_t now)
{
    char          *out;
    size_t         i;
    json_t        *snap, *windows, *rec, *w;
    adm_status_e   st;

    windows = json_array();

    json_array_foreach(live, i, rec) {
        if (!json_is_true(json_object_get(rec, "enabled"))) {
            continue;
        }

        st = adm_window_effective(rec, now);

        if (st != ADM_ST_SCHEDULED && st != ADM_ST_IN_PROGRESS) {
            continue;
        }

        w = adm_snapshot_window(rec);
        if (w == NULL) {
            json_decref(windows);
            return NULL;
        }

        json_array_append_new(windows, w);
    }

    snap = json_pack("{s:i, s:{s:O, s:O, s:O}, s:o}",
                     "schema", 1,
                     "settings",
                     "notify_before_minutes",
                     json_object_get(settings, "notify_before_minutes"),
                     "login_message", json_object_get(settings,
                                                      "login_message"),
                     "notify_message", json_object_get(settings,
                                                       "notify_message"),
                     "windows", windows);
    if (snap == NULL) {
        return NULL;
    }

    out = json_dumps(snap, JSON_COMPACT);
    json_decref(snap);

    return out;
}
