/*
 * fuzz_admin.h: what the admin API's harnesses that judge bodies share:
 * the daemon's configuration defaults, loaded once; a refusal names every
 * field it refuses and says why; what the API accepts makes a snapshot the
 * gateways' decoder accepts (the contract between the two).
 */

#ifndef FUZZ_ADMIN_H
#define FUZZ_ADMIN_H

#include "fuzz.h"
#include "admin.h"
#include "config.h"
#include "maint_snapshot.h"
#include "model/settings.h"
#include "model/snapshot.h"


#define FUZZ_NOW  1795300000LL              /* 2026-11-21T22:26:40Z */


/* the daemon's configuration defaults (max_window_duration, ...) */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc;
    (void) argv;

    adm_config_defaults();

    return 0;
}


static inline void
fuzz_errors_named(json_t *errors)
{
    size_t   i;
    json_t  *e;

    FUZZ_CHECK(json_array_size(errors) > 0);

    json_array_foreach(errors, i, e) {
        FUZZ_CHECK(json_is_string(json_object_get(e, "field")));
        FUZZ_CHECK(json_string_length(json_object_get(e, "reason")) > 0
                   || json_string_length(json_object_get(e, "message")) > 0);
    }
}


static inline void
fuzz_snapshot_ok(json_t *live, json_t *settings, json_t *access)
{
    char              *snap, err[256];
    maint_snapshot_t  *s;

    snap = adm_snapshot_build(live, settings, access, FUZZ_NOW);
    FUZZ_CHECK(snap != NULL);

    s = maint_snapshot_parse(snap, strlen(snap), err, sizeof(err));
    if (s == NULL) {
        fprintf(stderr, "refused: %s\n%s\n", err, snap);
    }
    FUZZ_CHECK(s != NULL);

    maint_snapshot_free(s);
    free(snap);
}


/* windows alone (the default settings, no access part) make a snapshot
   the gateways accept: what the admin writes, the gateways read */

static inline void
fuzz_windows_ok(json_t *live)
{
    json_t  *settings, *access;

    settings = adm_settings_defaults();
    access = json_object();

    fuzz_snapshot_ok(live, settings, access);

    json_decref(settings);
    json_decref(access);
}


#endif /* FUZZ_ADMIN_H */
