/*
 * deliveries.c: the /v1/notify/deliveries resource (docs/admin-api.md#
 * notify): each event's delivery to each target, pending, delivered or
 * failed with the last error, and a redelivery by hand.  The sender
 * (notify/sender.c) makes the attempts; this only shows and requeues.
 */

#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "http/http.h"
#include "http/query.h"
#include "model/times.h"
#include "resources/change.h"
#include "resources/deliveries.h"
#include "store/deliveries.h"
#include "store/store.h"


/* a time in ms as the API shows times, null for none (0 or absent) */

static json_t *
adm_ms_json(json_t *v)
{
    int64_t  ms;

    ms = json_is_integer(v) ? json_integer_value(v) : 0;

    return ms > 0 ? adm_time_json(ms / 1000) : json_null();
}


static json_t *
adm_delivery_view(json_t *rec)
{
    size_t       i;
    json_t      *view;
    const char  *times[] = {
        "created_at", "next_at", "last_attempt_at", "delivered_at", NULL
    };

    view = json_deep_copy(rec);

    for (i = 0; times[i]; i++) {
        json_object_set_new(view, times[i],
                            adm_ms_json(json_object_get(rec, times[i])));
    }

    /* a finished delivery has no next attempt */
    if (strcmp(json_string_value(json_object_get(rec, "state")) ?: "",
               "pending") != 0)
    {
        json_object_set_new(view, "next_at", json_null());
    }

    return view;
}


int
adm_notify_deliveries_list(adm_req_t *r)
{
    int          rc;
    long         limit, offset;
    char         cursor[32];
    size_t       i;
    json_t      *items, *rec, *out;
    const char  *state;

    rc = adm_query_page(r, &limit, &offset);
    if (rc != 0) {
        return rc;
    }

    state = adm_query(r, "state");

    if (state && strcmp(state, "pending") != 0
        && strcmp(state, "delivered") != 0 && strcmp(state, "failed") != 0)
    {
        return adm_bad_query(r, "state", "must be pending, delivered or "
                             "failed");
    }

    if (adm_deliveries_list(adm_query(r, "window"), state,
                            adm_query(r, "target"), (size_t) offset,
                            (size_t) limit, &items)
        != ADM_OK)
    {
        return adm_redis_down(r);
    }

    out = json_array();

    json_array_foreach(items, i, rec) {
        json_array_append_new(out, adm_delivery_view(rec));
    }

    json_decref(items);

    if (json_array_size(out) == (size_t) limit) {
        snprintf(cursor, sizeof(cursor), "%ld", offset + limit);
        return adm_reply_json(r, 200, json_pack("{s:o, s:s}", "items", out,
                                                "next_cursor", cursor));
    }

    return adm_reply_json(r, 200, json_pack("{s:o, s:n}", "items", out,
                                            "next_cursor"));
}


int
adm_notify_delivery_get(adm_req_t *r)
{
    int      rc;
    json_t  *rec, *view;

    rc = adm_delivery_get(r->id, &rec);

    if (rc == ADM_NOTHING) {
        return adm_not_found(r);
    }

    if (rc != ADM_OK) {
        return adm_redis_down(r);
    }

    view = adm_delivery_view(rec);
    json_decref(rec);

    return adm_reply_json(r, 200, view);
}


/*
 * Pending again and due now, for a new notify_retry_for: what a failed
 * delivery needs once its receiver is fixed.  Audited, as every write by
 * a token is; it changes no state the gateways read, so it does not go
 * through the write engine.
 */

int
adm_notify_redeliver(adm_req_t *r)
{
    int      rc;
    int64_t  now_ms;
    json_t  *entry;

    if (adm_store_now(&now_ms) != 0) {
        return adm_redis_down(r);
    }

    rc = adm_delivery_redeliver(r->id, now_ms);

    if (rc == ADM_NOTHING) {
        adm_reject(r, "notify.redeliver", r->id, 404);
        return adm_not_found(r);
    }

    if (rc != ADM_OK) {
        return adm_redis_down(r);
    }

    entry = adm_audit_entry(r, "notify.redeliver", r->id, "ok", 202, NULL,
                            NULL, now_ms);
    (void) adm_store_audit(entry);
    json_decref(entry);

    return adm_reply_json(r, 202, json_pack("{s:s, s:s}", "id", r->id,
                                            "state", "pending"));
}
