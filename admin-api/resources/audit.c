/*
 * audit.c: the /v1/audit resource: the append-only history, newest first,
 * paged by stream id, filtered by target, actor or action.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "http/http.h"
#include "http/query.h"
#include "resources/audit.h"
#include "resources/change.h"
#include "store/reads.h"


#define ADM_AUDIT_SCAN_MAX  10000


static int
adm_field_is(json_t *item, const char *field, const char *want)
{
    const char  *v;

    if (want == NULL) {
        return 1;
    }

    v = json_string_value(json_object_get(item, field));

    return v != NULL && strcmp(v, want) == 0;
}


static int
adm_stream_id_ok(const char *s)
{
    const char  *dash;

    dash = strchr(s, '-');

    return dash != NULL && dash != s && dash[1] != '\0'
           && strspn(s, "0123456789") == (size_t) (dash - s)
           && strspn(dash + 1, "0123456789") == strlen(dash + 1);
}


int
adm_audit_list(adm_req_t *r)
{
    char         *end, last[64], before[64];
    long          limit;
    int           more;
    size_t        i, scanned, got;
    json_t       *items, *page, *item;
    const char   *s, *target, *actor, *action;

    limit = 50;
    s = adm_query(r, "limit");

    if (s) {
        limit = strtol(s, &end, 10);

        if (*s == '\0' || *end != '\0' || limit < 1 || limit > 500) {
            return adm_problem(r, 400, ADM_P_BAD_REQUEST,
                               "Bad query parameter",
                               "limit: must be 1 to 500", NULL, NULL);
        }
    }

    s = adm_query(r, "before");
    before[0] = '\0';

    if (s) {
        if (strlen(s) >= sizeof(before) || !adm_stream_id_ok(s)) {
            return adm_problem(r, 400, ADM_P_BAD_REQUEST,
                               "Bad query parameter",
                               "before: must be a value from next_before",
                               NULL, NULL);
        }

        snprintf(before, sizeof(before), "%s", s);
    }

    target = adm_query(r, "target");
    actor = adm_query(r, "actor");
    action = adm_query(r, "action");

    items = json_array();
    scanned = 0;
    more = 0;

    /*
     * Scan back from "before" in pages until the answer is full, the
     * stream is exhausted, or enough was scanned for one request; the
     * cursor is the id of the last entry looked at.
     */

    for ( ;; ) {
        if (adm_store_audit_page(before, 200, &page, last, sizeof(last))
            != 0)
        {
            json_decref(items);
            return adm_redis_down(r);
        }

        got = json_array_size(page);

        for (i = 0; i < got && json_array_size(items) < (size_t) limit;
             i++)
        {
            item = json_array_get(page, i);
            scanned++;
            snprintf(before, sizeof(before), "%s",
                     json_string_value(json_object_get(item, "id")));

            if (adm_field_is(item, "target", target)
                && adm_field_is(item, "actor", actor)
                && adm_field_is(item, "action", action))
            {
                json_array_append(items, item);
            }
        }

        json_decref(page);

        /* entries remain after the cursor unless this page ran out */
        more = i < got || got == 200;

        if (!more || json_array_size(items) == (size_t) limit
            || scanned >= ADM_AUDIT_SCAN_MAX)
        {
            break;
        }
    }

    return adm_reply_json(r, 200, json_pack("{s:o, s:o}", "items", items,
                                            "next_before",
                                            more && before[0]
                                            ? json_string(before)
                                            : json_null()));
}
