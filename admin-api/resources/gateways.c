/*
 * gateways.c: /v1/gateways, the live gateway workers as their heartbeats
 * describe them (docs/redis-schema.md), and the state version in force.
 */

#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "http/http.h"
#include "model/times.h"
#include "resources/change.h"
#include "resources/gateways.h"
#include "store/reads.h"
#include "store/registry.h"


static json_t *
adm_int_field(json_t *g, const char *field)
{
    const char  *s;

    s = json_string_value(json_object_get(g, field));

    return json_integer(s ? strtoll(s, NULL, 10) : 0);
}


/* the heartbeats' strings, as the API's types */

static json_t *
adm_gateway_view(json_t *g)
{
    char        *apps, *tok, *save;
    json_t      *list;
    const char  *s;

    list = json_array();
    s = json_string_value(json_object_get(g, "apps"));

    if (s && *s) {
        apps = strdup(s);

        for (tok = strtok_r(apps, ",", &save); tok;
             tok = strtok_r(NULL, ",", &save))
        {
            json_array_append_new(list, json_string(tok));
        }

        free(apps);
    }

    s = json_string_value(json_object_get(g, "seen_at"));

    return json_pack("{s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:o}",
                     "host", json_string_value(json_object_get(g, "host"))
                             ? json_string_value(json_object_get(g, "host"))
                             : "",
                     "pid", adm_int_field(g, "pid"),
                     "master", adm_int_field(g, "master"),
                     "module", json_string_value(json_object_get(g, "module"))
                               ? json_string_value(json_object_get(g,
                                                                   "module"))
                               : "",
                     "apps", list,
                     "state_version", adm_int_field(g, "state_version"),
                     "seen_at", adm_time_json(s ? strtoll(s, NULL, 10) / 1000
                                                : -1),
                     "interval_ms", adm_int_field(g, "interval"));
}


int
adm_gateways_list(adm_req_t *r)
{
    size_t       i;
    json_t      *raw, *items, *g;
    adm_view_t   v;

    if (adm_store_view(&v) != 0) {
        return adm_redis_down(r);
    }

    if (adm_store_gateways(v.now_ms, &raw) != 0) {
        adm_view_free(&v);
        return adm_redis_down(r);
    }

    items = json_array();

    json_array_foreach(raw, i, g) {
        json_array_append_new(items, adm_gateway_view(g));
    }

    json_decref(raw);

    adm_reply_json(r, 200, json_pack("{s:o, s:I}", "items", items,
                                     "state_version",
                                     (json_int_t) v.version));
    adm_view_free(&v);

    return 0;
}
