/*
 * snapshot.c: the snapshot the gateways read (docs/redis-schema.md), built
 * from the live window records, the settings and the access part
 * (superadmins, bypass keys, session cutoffs).  Only windows that can
 * still be enforced go in: enabled, scheduled or in progress by the clock.
 * A window started early starts at its actual start; one whose stored
 * status is in progress is marked "started", in force by state.  Also the redacted
 * copy a dry run shows.
 */

#include <stdlib.h>
#include <string.h>

#include "maint_snapshot.h"
#include "admin.h"
#include "model/settings.h"
#include "model/snapshot.h"
#include "model/times.h"
#include "model/window.h"


#define ADM_REDACTED  "<redacted>"


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

    /* a window started now begins mid-second: its exact start, for
     * terminate_sessions (only then: other snapshots stay as they were) */
    if (adm_window_begin_ms(rec) % 1000) {
        json_object_set_new(w, "start_ms",
                            json_integer(adm_window_begin_ms(rec)));
    }

    /*
     * Started (early, "now", or by the ticker at its start): in force on
     * every gateway by state, not by each one's estimate of Redis's clock
     * (docs/design.md, "One clock for the fleet").  Only then: an older
     * module ignores the field, and other windows stay as they were.
     */
    if (adm_window_status(rec) == ADM_ST_IN_PROGRESS) {
        json_object_set_new(w, "started", json_true());
    }

    v = json_object_get(rec, "notify_before_minutes");
    if (json_is_integer(v)) {
        json_object_set(w, "notify_before_minutes", v);
    }

    if (json_is_true(json_object_get(rec, "terminate_sessions"))) {
        json_object_set_new(w, "terminate_sessions", json_true());
    }

    /* only when there are some: snapshots stay as small as they were */
    v = json_object_get(rec, "translations");
    if (json_object_size(v) > 0) {
        json_object_set(w, "translations", v);
    }

    return w;
}


/*
 * superadmins as the gateways need them: name, credential hash, and the
 * id of the credential's issuance the bypass cookies are bound to (a
 * record from before ids has none: the gateways derive one from the hash)
 */

static json_t *
adm_snapshot_superadmins(json_t *access)
{
    json_t      *out, *rec, *e, *cid;
    const char  *name;

    out = json_array();

    json_object_foreach(json_object_get(access, "superadmins"), name, rec) {
        e = json_pack("{s:s, s:O}", "name", name, "credential",
                      json_object_get(rec, "credential_sha256"));

        cid = json_object_get(rec, "credential_id");
        if (e != NULL && json_is_string(cid)) {
            json_object_set(e, "credential_id", cid);
        }

        json_array_append_new(out, e);
    }

    return out;
}


/* the kid that signs: the newest (by creation, then by kid), or NULL */

const char *
adm_signing_kid(json_t *keys)
{
    json_t      *rec;
    int64_t      at, best;
    const char  *kid, *found;

    best = -1;
    found = NULL;

    json_object_foreach(keys, kid, rec) {
        at = json_integer_value(json_object_get(rec, "created_ms"));

        if (found == NULL || at > best
            || (at == best && strcmp(kid, found) > 0))
        {
            best = at;
            found = kid;
        }
    }

    return found;
}


static json_t *
adm_snapshot_keys(json_t *access)
{
    json_t      *out, *keys, *rec;
    const char  *kid, *signing;

    out = json_array();
    keys = json_object_get(access, "bypass_keys");
    signing = adm_signing_kid(keys);

    json_object_foreach(keys, kid, rec) {
        json_array_append_new(out, json_pack("{s:s, s:O, s:b}", "kid", kid,
                              "secret", json_object_get(rec, "secret"),
                              "signing", strcmp(kid, signing) == 0));
    }

    return out;
}


/*
 * Whether every gateway can read a snapshot: the module's own decoder has
 * the last word.  The API's limits are in characters, the decoder's in
 * bytes and in the size of the whole; a change whose state it would refuse
 * must not be written, or every gateway stays on the version before.
 */

int
adm_snapshot_check(const char *snapshot, char *err, size_t errlen)
{
    maint_snapshot_t  *s;

    s = maint_snapshot_parse(snapshot, strlen(snapshot), err, errlen);
    if (s == NULL) {
        return -1;
    }

    maint_snapshot_free(s);

    return 0;
}


char *
adm_snapshot_build(json_t *live, json_t *settings, json_t *access,
    int64_t now)
{
    char          *out;
    size_t         i;
    json_t        *snap, *windows, *rec, *w, *cutoffs;
    adm_status_e   st;

    windows = json_array();

    json_array_foreach(live, i, rec) {
        if (!json_is_true(json_object_get(rec, "enabled"))) {
            continue;
        }

        st = adm_window_effective(rec, now);

        /*
         * A window that ends sessions stays until its end is recorded:
         * that change makes its cutoff last (sessions.c).  Past its end
         * the gateways let requests through all the same.  One completed
         * or cancelled is over by state: never in, whatever its end.
         */

        if (st != ADM_ST_SCHEDULED && st != ADM_ST_IN_PROGRESS
            && !(json_is_true(json_object_get(rec, "terminate_sessions"))
                 && adm_window_begin(rec) <= now
                 && !adm_status_finished(adm_window_status(rec))))
        {
            continue;
        }

        w = adm_snapshot_window(rec);
        if (w == NULL) {
            json_decref(windows);
            return NULL;
        }

        json_array_append_new(windows, w);
    }

    cutoffs = json_object_get(access, "session_cutoffs");

    snap = json_pack("{s:i, s:{s:O, s:O, s:O, s:I}, s:o, s:o, s:o, s:o}",
                     "schema", 1,
                     "settings",
                     "notify_before_minutes",
                     json_object_get(settings, "notify_before_minutes"),
                     "login_message", json_object_get(settings,
                                                      "login_message"),
                     "notify_message", json_object_get(settings,
                                                       "notify_message"),
                     "session_idle_minutes",
                     (json_int_t) adm_setting(settings,
                                              "session_idle_minutes"),
                     "windows", windows,
                     "superadmins", adm_snapshot_superadmins(access),
                     "bypass_keys", adm_snapshot_keys(access),
                     "session_cutoffs",
                     cutoffs ? json_incref(cutoffs) : json_object());
    if (snap == NULL) {
        return NULL;
    }

    out = json_dumps(snap, JSON_COMPACT);
    json_decref(snap);

    return out;
}


/* what a dry run shows: no credential hash, no key secret */

json_t *
adm_snapshot_redacted(const char *snapshot)
{
    size_t   i;
    json_t  *snap, *e;

    snap = json_loads(snapshot, 0, NULL);

    json_array_foreach(json_object_get(snap, "superadmins"), i, e) {
        json_object_set_new(e, "credential", json_string(ADM_REDACTED));
    }

    json_array_foreach(json_object_get(snap, "bypass_keys"), i, e) {
        json_object_set_new(e, "secret", json_string(ADM_REDACTED));
    }

    return snap ? snap : json_null();
}
