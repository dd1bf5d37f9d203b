/*
 * ending.c: what a change does to sessions (docs/admin-api.md#sessions):
 * ending every session of an app or everywhere (a cutoff, with the
 * sessions to keep and, within the cutoff's second, the ones to put on
 * the blacklist), and the cutoff a finished window with terminate_sessions
 * leaves behind, in the change that finishes it.  Reads the session
 * registry; writes nothing: the change's commit does.
 */

#include <stdlib.h>
#include <string.h>

#include "maint_codec.h"
#include "maint_session.h"
#include "admin.h"
#include "config.h"
#include "model/settings.h"
#include "model/window.h"
#include "resources/ending.h"
#include "store/commit.h"
#include "store/reads.h"
#include "store/registry.h"
#include "store/store.h"


static void adm_cutoffs_prune(json_t *cutoffs, int64_t oldest);


/* a time the gateways wrote into the registry, ms; -1 if none */

int64_t
adm_registry_ms(json_t *rec, const char *field)
{
    const char  *s;

    s = json_string_value(json_object_get(rec, field));

    return s && *s ? strtoll(s, NULL, 10) : -1;
}


static int
adm_in_array(json_t *a, const char *s)
{
    size_t   i;
    json_t  *e;

    json_array_foreach(a, i, e) {
        if (strcmp(json_string_value(e), s) == 0) {
            return 1;
        }
    }

    return 0;
}


/*
 * The registry's sessions of an app ("*": any app), for an "end all" at
 * the whole second "cutoff" (epoch s):
 *
 * - with "superadmins", those the edge saw created on a superadmin's
 *   bypassed request (the registry's "superadmin"; never "user": that is
 *   the app's word, and an app user may be called like a superadmin) are
 *   appended to "keep";
 * - with "exact_ms" (-1: none), the instant a window began, later than the
 *   cutoff in the same second: those first seen before it (and not kept
 *   since) were ended by the window, and the cutoff alone would let them
 *   back: appended to "revoke", the blacklist.
 */

/*
 * A superadmin's session, as the gateways judge it (maint_session.c): the
 * registry's "superadmin" (what the edge established) is on the list, with
 * the credential id the session was created under ("superadmin_cid").
 */

static int
adm_superadmins_session(json_t *superadmins, json_t *rec)
{
    json_t              *sa, *cid;
    const char          *name, *want, *hex;
    maint_superadmin_t   derived;

    name = json_string_value(json_object_get(rec, "superadmin"));
    want = json_string_value(json_object_get(rec, "superadmin_cid"));

    if (name == NULL || want == NULL
        || (sa = json_object_get(superadmins, name)) == NULL)
    {
        return 0;
    }

    cid = json_object_get(sa, "credential_id");

    if (json_is_string(cid)) {
        return strcmp(json_string_value(cid), want) == 0;
    }

    /* a record from before credential ids: the id the gateways derive */

    hex = json_string_value(json_object_get(sa, "credential_sha256"));

    if (maint_hex_decode(hex, hex ? strlen(hex) : 0, derived.credential,
                         sizeof(derived.credential))
        != 0)
    {
        return 0;
    }

    maint_superadmin_derive_cid(&derived);

    return strcmp(derived.cid, want) == 0;
}


static int
adm_sessions_scan(json_t *access, const char *app, int64_t cutoff,
    int64_t exact_ms, int superadmins, json_t *keep, json_t *revoke)
{
    size_t        i, offset, n;
    json_t       *ids, *recs, *rec, *sa;
    int64_t       first, kept;
    const char   *id, *s;

    sa = superadmins ? json_object_get(access, "superadmins") : NULL;

    if (json_object_size(sa) == 0 && exact_ms <= cutoff * 1000) {
        return 0;
    }

    for (offset = 0; ; offset += n) {
        if (adm_store_session_ids(offset, ADM_SCAN_BATCH, &ids) != 0) {
            return -1;
        }

        if (adm_store_sessions(ids, &recs) != 0) {
            json_decref(ids);
            return -1;
        }

        n = json_array_size(ids);

        json_array_foreach(recs, i, rec) {
            id = json_string_value(json_array_get(ids, i));
            s = json_string_value(json_object_get(rec, "app"));

            if (json_is_null(rec)
                || (strcmp(app, "*") != 0
                    && (s == NULL || strcmp(s, app) != 0))
                || adm_in_array(keep, id))
            {
                continue;
            }

            if (adm_superadmins_session(sa, rec)) {
                json_array_append_new(keep, json_string(id));
                continue;
            }

            first = adm_registry_ms(rec, "first_seen");
            kept = adm_registry_ms(rec, "kept_at");

            if (first >= cutoff * 1000 && first < exact_ms
                && kept < exact_ms && !adm_in_array(revoke, id))
            {
                json_array_append_new(revoke, json_string(id));
            }
        }

        json_decref(ids);
        json_decref(recs);

        if (n < ADM_SCAN_BATCH) {
            return 0;
        }
    }
}


/*
 * Ends every session of "app" (NULL: everywhere) not seen created since
 * "cutoff" (epoch s): the cutoff goes into the access part, the sessions
 * to keep get kept_at = cutoff, and the gateways' verdicts are dropped.
 * "exact_ms" (-1: none): the instant, in the cutoff's second, that the
 * cutoff stands for (adm_sessions_scan()).
 */

int
adm_sessions_end_all(adm_view_t *v, json_t **access, json_t *settings,
    adm_sessions_op_t *s, const char *app, int64_t cutoff, int64_t exact_ms,
    json_t *except, int except_superadmins, size_t *kept)
{
    size_t   i;
    json_t  *cutoffs, *e;

    if (app == NULL) {
        app = "*";
    }

    if (*access == NULL) {
        *access = json_deep_copy(v->access);
    }

    cutoffs = json_object_get(*access, "session_cutoffs");

    if (json_integer_value(json_object_get(cutoffs, app)) < cutoff) {
        json_object_set_new(cutoffs, app, json_integer(cutoff));
    }

    adm_cutoffs_prune(cutoffs, v->now_ms / 1000
                               - adm_setting(settings ? settings : v->settings,
                                             "session_lifetime_days")
                                 * 86400);

    if (s->keep == NULL) {
        s->keep = json_array();
    }

    if (s->revoke == NULL) {
        s->revoke = json_array();
    }

    json_array_foreach(except, i, e) {
        if (!adm_in_array(s->keep, json_string_value(e))) {
            json_array_append(s->keep, e);
        }
    }

    if (adm_sessions_scan(*access, app, cutoff, exact_ms,
                          except_superadmins, s->keep, s->revoke)
        != ADM_OK)
    {
        return ADM_ERROR;
    }

    s->keep_at = cutoff * 1000;
    s->bump = 1;

    if (kept) {
        *kept = json_array_size(s->keep);
    }

    return 0;
}


/*
 * Cutoffs that can no longer end anything go: older than the longest a
 * session lives (session_lifetime_days), or an app's that the "*" one
 * passed.  The gateways take at most MAINT_MAX_LIST of them.
 */

static void
adm_cutoffs_prune(json_t *cutoffs, int64_t oldest)
{
    void        *tmp;
    json_t      *at;
    int64_t      all;
    const char  *app;

    all = json_integer_value(json_object_get(cutoffs, "*"));

    json_object_foreach_safe(cutoffs, tmp, app, at) {
        if (json_integer_value(at) < oldest
            || (strcmp(app, "*") != 0 && json_integer_value(at) <= all))
        {
            json_object_del(cutoffs, app);
        }
    }
}


/*
 * Called for every change: a window with terminate_sessions that had
 * started and that this change finishes (completes, cancels, deletes) or
 * turns terminate_sessions off for leaves its start behind as a cutoff for
 * its apps, and kept_at for the sessions of its superadmins known by then,
 * so the sessions it ended stay ended.  While it runs the gateways apply
 * it from the snapshot, and it stays in the snapshot until this change
 * (snapshot.c).
 */

int
adm_sessions_window_hook(adm_view_t *v, json_t *before, json_t *after,
    json_t **access, json_t *settings, adm_sessions_op_t *s)
{
    size_t        i;
    json_t       *app;
    int64_t       begin, cutoff;
    adm_status_e  st;

    if (before == NULL
        || !json_is_true(json_object_get(before, "terminate_sessions")))
    {
        return 0;
    }

    st = adm_window_status(before);
    begin = adm_window_begin_ms(before);

    if ((st != ADM_ST_SCHEDULED && st != ADM_ST_IN_PROGRESS)
        || begin < 0 || begin > v->now_ms
        || (after && !adm_status_finished(adm_window_status(after))
            && json_is_true(json_object_get(after, "terminate_sessions"))))
    {
        return 0;
    }

    /*
     * Cutoffs are whole seconds: the second it began.  What the window
     * ended earlier in that second, before its exact start, is ended one
     * by one, so that it stays ended; what came later is not touched.
     */
    cutoff = begin / 1000;

    json_array_foreach(json_object_get(before, "apps"), i, app) {
        if (adm_sessions_end_all(v, access, settings, s,
                                 json_string_value(app), cutoff, begin, NULL,
                                 1, NULL)
            != ADM_OK)
        {
            return ADM_ERROR;
        }
    }

    return 0;
}
