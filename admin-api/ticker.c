/*
 * ticker.c: once a second, records the automatic transitions the clock
 * already made: scheduled windows whose starts_at passed are in progress,
 * in-progress windows whose ends_at passed (unless held) are completed.
 * Reads show these at once anyway, and the gateways enforce starts_at and
 * ends_at from the snapshot on their own; this makes the stored records,
 * the snapshot and the audit trail say so too, with actor "system".
 */

#include <stdlib.h>
#include <string.h>

#include "admin.h"


/* one transition per commit: each commit changes the version */

static int
adm_tick_one(void)
{
    int            rc, done;
    char          *snapshot;
    size_t         i, j;
    json_t        *rec, *next, *audit, *live, *w;
    int64_t        now, version;
    const char    *action, *id;
    adm_view_t     v;
    adm_status_e   stored, st;
    adm_commit_t   c;

    if (adm_store_view(&v) != 0) {
        return -1;
    }

    now = v.now_ms / 1000;
    done = 0;

    json_array_foreach(v.live, i, rec) {
        stored = adm_window_status(rec);
        st = adm_window_effective(rec, now);

        if (st == stored) {
            continue;
        }

        id = json_string_value(json_object_get(rec, "id"));
        next = adm_window_view(rec, now);
        json_object_set_new(next, "updated_at", adm_time_json(now));
        json_object_set_new(next, "updated_by", json_string("system"));
        json_object_set_new(next, "revision", json_integer(
            json_integer_value(json_object_get(rec, "revision")) + 1));

        action = st == ADM_ST_IN_PROGRESS ? "window.auto_start"
                                          : "window.auto_complete";

        live = json_array();

        json_array_foreach(v.live, j, w) {
            if (strcmp(json_string_value(json_object_get(w, "id")), id)
                != 0)
            {
                json_array_append(live, w);
            }
        }

        if (st == ADM_ST_IN_PROGRESS) {
            json_array_append(live, next);
        }

        snapshot = adm_snapshot_build(live, v.settings, now);
        json_decref(live);

        audit = adm_audit_entry(NULL, action, id, "ok", 200,
                                json_array_get(v.live, i), next, v.now_ms);

        memset(&c, 0, sizeof(c));
        c.expect_version = v.version;
        c.op = "put";
        c.id = id;
        c.window = next;
        c.live = st == ADM_ST_IN_PROGRESS;
        c.snapshot = snapshot ? snapshot : "";
        c.audit = audit;

        rc = snapshot ? adm_store_commit(&c, &version) : ADM_ERROR;

        if (rc == ADM_OK) {
            adm_count(st == ADM_ST_IN_PROGRESS ? "auto_start"
                                               : "auto_complete");
            adm_log(ADM_LOG_INFO, "change", "{s:s, s:s, s:s, s:I}",
                    "action", action, "target", id, "actor", "system",
                    "state_version", (json_int_t) version);
            done = 1;
        }

        free(snapshot);
        json_decref(audit);
        json_decref(next);
        break;
    }

    adm_view_free(&v);

    return done;
}


void
adm_tick(void)
{
    int            n, rc;
    static int     skip;

    /* Redis failing: try every fifth tick only, not to stall requests */
    if (skip > 0) {
        skip--;
        return;
    }

    /* a few per tick at most; the next tick continues */
    for (n = 0; n < 16; n++) {
        rc = adm_tick_one();

        if (rc < 0) {
            skip = 4;
        }

        if (rc != 1) {
            break;
        }
    }
}
