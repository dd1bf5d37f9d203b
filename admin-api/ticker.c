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
#include "metrics.h"
#include "ticker.h"
#include "model/times.h"
#include "model/window.h"
#include "resources/write.h"
#include "store/reads.h"
#include "store/store.h"


/*
 * One transition per change: the first live window whose stored status is
 * not what the clock says.  A window with terminate_sessions that starts
 * here ends its sessions in the same change (resources/write.c).
 */

static int
adm_tick_compute(void *ctx, adm_view_t *v, adm_change_t *c)
{
    size_t         i;
    json_t        *rec, *next;
    int64_t        now;
    adm_status_e   st;

    now = v->now_ms / 1000;

    json_array_foreach(v->live, i, rec) {
        st = adm_window_effective(rec, now);

        if (st == adm_window_status(rec)) {
            continue;
        }

        next = adm_window_view(rec, now);
        json_object_set_new(next, "updated_at", adm_time_json(now));
        json_object_set_new(next, "updated_by", json_string("system"));
        json_object_set_new(next, "revision", json_integer(
            json_integer_value(json_object_get(rec, "revision")) + 1));

        c->action = st == ADM_ST_IN_PROGRESS ? "window.auto_start"
                                             : "window.auto_complete";
        c->target = json_string_value(json_object_get(next, "id"));
        c->before = json_incref(rec);
        c->after = next;
        c->op = "put";

        *(adm_status_e *) ctx = st;

        return ADM_OK;
    }

    return ADM_NOTHING;
}


/* one change with actor "system": 1 made, 0 none to make, -1 failed */

static int
adm_tick_one(void)
{
    int           rc;
    adm_status_e  st;
    adm_write_t   w;

    memset(&w, 0, sizeof(adm_write_t));
    w.action = "window.auto";
    w.compute = adm_tick_compute;
    w.ctx = &st;
    w.actor = "system";
    w.role = "system";
    w.request_id = "";

    rc = adm_write_run(&w);
    adm_write_free(&w);

    if (rc == ADM_OK) {
        adm_count(st == ADM_ST_IN_PROGRESS ? ADM_METRIC_AUTO_START
                                           : ADM_METRIC_AUTO_COMPLETE);
        return 1;
    }

    return rc == ADM_NOTHING ? 0 : -1;
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
