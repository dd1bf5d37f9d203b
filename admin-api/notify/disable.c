/*
 * disable.c: a webhook target that answered 410 Gone is disabled: a
 * change through the write engine (resources/write.c), audited with
 * action "notify.target.disable" and actor "system", that sets enabled
 * false and disabled_reason on the stored target (NOTIFY.md).
 */

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin.h"
#include "log.h"
#include "model/times.h"
#include "notify/disable.h"
#include "resources/write.h"
#include "store/store.h"


typedef struct {
    const char         *name;
    char                reason[128];
} adm_disable_t;


static int
adm_disable_compute(void *ctx, adm_view_t *v, adm_change_t *c)
{
    json_t         *targets, *rec;
    adm_disable_t  *d = ctx;

    rec = json_object_get(v->targets, d->name);

    if (!json_is_object(rec) || !json_is_true(json_object_get(rec,
                                                               "enabled")))
    {
        return ADM_NOTHING;
    }

    targets = json_deep_copy(v->targets);
    rec = json_object_get(targets, d->name);

    json_object_set_new(rec, "enabled", json_false());
    json_object_set_new(rec, "disabled_reason", json_string(d->reason));
    json_object_set_new(rec, "updated_at", adm_time_json(v->now_ms / 1000));
    json_object_set_new(rec, "updated_by", json_string("system"));

    c->action = "notify.target.disable";
    c->target = d->name;
    c->op = "none";
    c->targets = targets;
    c->audit_before = json_pack("{s:b}", "enabled", 1);
    c->audit_after = json_pack("{s:b, s:s}", "enabled", 0,
                               "disabled_reason", d->reason);

    return ADM_OK;
}


void
adm_disable_target(const char *name, int64_t now_ms)
{
    int            rc;
    time_t         t;
    struct tm      tm;
    adm_disable_t  d;

    d.name = name;
    t = (time_t) (now_ms / 1000);
    gmtime_r(&t, &tm);
    strftime(d.reason, sizeof(d.reason),
             "410 Gone from the receiver at %Y-%m-%dT%H:%M:%SZ", &tm);

    rc = adm_write_system("notify.target.disable", name, adm_disable_compute,
                          &d);

    adm_log(rc == ADM_OK || rc == ADM_NOTHING ? ADM_LOG_WARN : ADM_LOG_ERROR,
            rc == ADM_OK ? "notification target disabled: the receiver "
                           "answered 410 Gone"
            : rc == ADM_NOTHING ? "notification target already disabled"
            : "notification target could not be disabled",
            "{s:s, s:s}", "target", name, "error",
            rc == ADM_OK || rc == ADM_NOTHING ? "" : adm_store_error());
}
