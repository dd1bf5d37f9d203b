/*
 * settings.c: the settings' defaults (docs/admin-api.md#settings), used
 * until the settings are first written, and for settings written before
 * a setting existed.  No I/O here.
 */

#include <string.h>

#include "model/settings.h"


static const struct {
    const char  *name;
    int64_t      value;
} adm_setting_defaults[] = {
    { "notify_before_minutes", 30 },
    { "session_idle_minutes", 1440 },
    { "session_lifetime_days", 30 },
    { NULL, 0 }
};


json_t *
adm_settings_defaults(void)
{
    return json_pack("{s:i, s:s, s:s, s:i, s:i, s:[], s:s, s:i, s:n, s:n}",
                     "notify_before_minutes", 30,
                     "login_message", "",
                     "notify_message", "",
                     "session_idle_minutes", 1440,
                     "session_lifetime_days", 30,
                     "notify_default_targets",
                     "notify_time_zone", "UTC",
                     "revision", 0,
                     "updated_at", "updated_by");
}


/* an integer setting; settings written before it existed get its default */

int64_t
adm_setting(json_t *settings, const char *name)
{
    size_t   i;
    json_t  *v;

    v = json_object_get(settings, name);

    if (json_is_integer(v)) {
        return json_integer_value(v);
    }

    for (i = 0; adm_setting_defaults[i].name; i++) {
        if (strcmp(adm_setting_defaults[i].name, name) == 0) {
            return adm_setting_defaults[i].value;
        }
    }

    return 0;
}
