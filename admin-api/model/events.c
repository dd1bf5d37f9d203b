/*
 * events.c: what a window change tells people (docs/notifications.md).
 * The write engine asks, for every change it commits, which events it
 * makes; each event's body is written once, in the commit, and sent to
 * every target byte for byte the same, on every retry.
 */

#include <stdio.h>
#include <string.h>

#include "model/events.h"
#include "model/notify.h"
#include "model/times.h"
#include "model/window.h"


/* a "changed" event: what people plan around (not notes, not flags) */

static const char  *adm_event_fields[] = {
    "title", "apps", "starts_at", "ends_at", "mode", "login_message",
    "notify_message", "translations", NULL
};


json_t *
adm_events_changed(json_t *before, json_t *after)
{
    size_t   i;
    json_t  *out, *b, *a;

    out = json_array();

    for (i = 0; adm_event_fields[i]; i++) {
        b = json_object_get(before, adm_event_fields[i]);
        a = json_object_get(after, adm_event_fields[i]);

        /* json_equal() holds two absent fields unequal */
        if ((a != NULL || b != NULL) && !json_equal(a, b)) {
            json_array_append_new(out, json_string(adm_event_fields[i]));
        }
    }

    return out;
}


static int
adm_live(json_t *rec)
{
    adm_status_e  st;

    st = adm_window_status(rec);

    return st == ADM_ST_SCHEDULED || st == ADM_ST_IN_PROGRESS;
}


size_t
adm_events_of(const char *action, json_t *before, json_t *after,
    const char *types[ADM_EVENTS_MAX])
{
    size_t   n;
    json_t  *changed;

    n = 0;

    if (strncmp(action, "window.", 7) != 0) {
        return 0;
    }

    action += 7;

    if (strcmp(action, "create") == 0 && after) {
        types[n++] = "scheduled";

        if (adm_window_status(after) == ADM_ST_IN_PROGRESS) {
            types[n++] = "started";
        }

    } else if (strcmp(action, "update") == 0 && before && after) {
        changed = adm_events_changed(before, after);

        if (json_array_size(changed)) {
            types[n++] = "changed";
        }

        json_decref(changed);

    } else if (strcmp(action, "start") == 0
               || strcmp(action, "auto_start") == 0)
    {
        types[n++] = "started";

    } else if (strcmp(action, "complete") == 0
               || strcmp(action, "auto_complete") == 0)
    {
        types[n++] = "completed";

    } else if (strcmp(action, "cancel") == 0
               || (strcmp(action, "delete") == 0 && before && adm_live(before)))
    {
        types[n++] = "cancelled";

    } else if (strcmp(action, "reminder") == 0) {
        types[n++] = "reminder";
    }

    return n;
}


json_t *
adm_event_body(adm_event_t *e)
{
    char     type[64], link[2300];
    json_t  *data;

    snprintf(type, sizeof(type), "maintenance.%s", e->type);

    data = json_pack("{s:s, s:O, s:s}",
                     "event_id", e->id,
                     "window", e->window,
                     "actor", e->actor);

    if (data == NULL) {
        return NULL;
    }

    if (e->changed) {
        json_object_set(data, "changed", e->changed);
    }

    if (e->public_url[0]) {
        snprintf(link, sizeof(link), "%s/#/windows/%s", e->public_url,
                 json_string_value(json_object_get(e->window, "id")));
        json_object_set_new(data, "link", json_string(link));

    } else {
        json_object_set_new(data, "link", json_null());
    }

    return json_pack("{s:s, s:o, s:o}",
                     "type", type,
                     "timestamp", adm_time_json(e->now_ms / 1000),
                     "data", data);
}


json_t *
adm_event_targets(json_t *window, const char *type, json_t *targets)
{
    size_t       i;
    json_t      *out, *name, *t;

    out = json_array();

    json_array_foreach(json_object_get(window, "notify"), i, name) {
        t = json_object_get(targets, json_string_value(name));

        if (t && adm_notify_wants(t, type)) {
            json_array_append(out, name);
        }
    }

    return out;
}
