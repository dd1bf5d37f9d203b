/*
 * prechecks.c: what a dry run checks before a window is scheduled or
 * started: that Redis will keep what is written (a primary, not evicting
 * the state, nor the blacklist of ended sessions), that the window
 * overlaps nothing, and that live gateways (per their heartbeats) serve
 * each of its apps.  Dry runs of other changes check Redis only.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "model/window.h"
#include "resources/prechecks.h"
#include "store/reads.h"
#include "store/registry.h"
#include "store/store.h"


static json_t *
adm_check(const char *name, const char *status, const char *detail)
{
    return json_pack("{s:s, s:s, s:s}", "name", name, "status", status,
                     "detail", detail);
}


/* shared with /healthz */

json_t *
adm_check_redis(void)
{
    char         detail[256], role[32], policy[64];
    int64_t      maxmemory;
    const char  *status, *p, *why;
    redisReply  *rr;

    rr = adm_redisf("INFO replication");

    if (rr == NULL || rr->type != REDIS_REPLY_STRING) {
        freeReplyObject(rr);
        snprintf(detail, sizeof(detail), "Redis unavailable: %s",
                 adm_store_error());
        return adm_check("redis_writable", "fail", detail);
    }

    p = strstr(rr->str, "role:");
    snprintf(role, sizeof(role), "%.*s", p ? (int) strcspn(p + 5, "\r\n")
                                           : 7, p ? p + 5 : "unknown");
    freeReplyObject(rr);

    if (strcmp(role, "master") != 0) {
        snprintf(detail, sizeof(detail), "Redis is a %s: writes would fail",
                 role);
        return adm_check("redis_writable", "fail", detail);
    }

    /*
     * INFO, not CONFIG GET: the admin's Redis user needs no CONFIG at all
     * (CONFIG GET shows every setting, masterauth included; see
     * docs/redis-acl.conf), and INFO memory carries both values.
     */

    rr = adm_redisf("INFO memory");

    if (rr == NULL || rr->type != REDIS_REPLY_STRING
        || (p = strstr(rr->str, "maxmemory_policy:")) == NULL)
    {
        snprintf(detail, sizeof(detail), "primary; maxmemory-policy "
                 "unknown (%s)", rr && rr->type == REDIS_REPLY_ERROR
                                 ? rr->str : "INFO memory has no policy");
        freeReplyObject(rr);
        return adm_check("redis_writable", "warn", detail);
    }

    p += sizeof("maxmemory_policy:") - 1;
    snprintf(policy, sizeof(policy), "%.*s", (int) strcspn(p, "\r\n"), p);

    /* "maxmemory:" at a line start: not "used_memory..." nor "_human" */

    maxmemory = 0;
    p = strstr(rr->str, "\nmaxmemory:");

    if (p) {
        maxmemory = strtoll(p + sizeof("\nmaxmemory:") - 1, NULL, 10);
    }

    freeReplyObject(rr);

    /*
     * Without a memory limit nothing is evicted.  With one, allkeys-*
     * policies may evict the state itself (it has no TTL), volatile-* ones
     * the blacklist of ended sessions (its entries expire).
     */

    if (maxmemory == 0 || strcmp(policy, "noeviction") == 0) {
        status = "ok";
        why = "";

    } else if (strncmp(policy, "allkeys-", 8) == 0) {
        status = "fail";
        why = ": the state could be evicted";

    } else {
        status = "warn";
        why = ": ended sessions (blacklist entries, which expire) could be "
              "evicted and come back";
    }

    snprintf(detail, sizeof(detail), "primary, maxmemory %lld, "
             "maxmemory-policy %s%s", (long long) maxmemory, policy, why);

    return adm_check("redis_writable", status, detail);
}


json_t *
adm_prechecks(json_t *rec, adm_view_t *v, int *ok)
{
    char         detail[512];
    size_t       i, j, k, n;
    json_t      *checks, *c, *gws, *g, *app, *gapp, *other;
    const char  *name;
    int          missing;

    checks = json_array();

    json_array_append_new(checks, adm_check_redis());

    other = adm_window_conflict(rec, v->live, v->now_ms / 1000);

    if (other) {
        snprintf(detail, sizeof(detail), "overlaps window %s (\"%.100s\")",
                 json_string_value(json_object_get(other, "id")),
                 json_string_value(json_object_get(other, "title")));
        json_array_append_new(checks, adm_check("overlaps", "fail", detail));

    } else {
        json_array_append_new(checks, adm_check("overlaps", "ok",
                                                "no overlapping window"));
    }

    if (adm_store_gateways(v->now_ms, &gws) != 0) {
        json_array_append_new(checks, adm_check("gateways", "warn",
                                                "cannot read heartbeats"));

    } else {
        detail[0] = '\0';
        missing = 0;

        json_array_foreach(json_object_get(rec, "apps"), i, app) {
            name = json_string_value(app);
            n = 0;

            json_array_foreach(gws, j, g) {
                char *apps = strdup(json_string_value(json_object_get(g,
                                    "apps")) ? json_string_value(
                                    json_object_get(g, "apps")) : "");
                char *tok, *save;

                gapp = NULL;

                for (tok = strtok_r(apps, ",", &save); tok;
                     tok = strtok_r(NULL, ",", &save))
                {
                    if (strcmp(name, "*") == 0 || strcmp(tok, name) == 0) {
                        gapp = app;
                    }
                }

                free(apps);
                n += gapp != NULL;
            }

            k = strlen(detail);

            if (n == 0) {
                missing = 1;
                snprintf(detail + k, sizeof(detail) - k,
                         "%sno live gateway serves app %s", k ? "; " : "",
                         name);
            } else {
                snprintf(detail + k, sizeof(detail) - k,
                         "%sapp %s: %zu gateway worker%s", k ? "; " : "",
                         name, n, n == 1 ? "" : "s");
            }
        }

        json_decref(gws);
        json_array_append_new(checks, adm_check("gateways",
                                                missing ? "warn" : "ok",
                                                detail));
    }

    *ok = 1;

    json_array_foreach(checks, i, c) {
        if (strcmp(json_string_value(json_object_get(c, "status")), "fail")
            == 0)
        {
            *ok = 0;
        }
    }

    return checks;
}
