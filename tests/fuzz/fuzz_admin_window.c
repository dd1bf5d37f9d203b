/*
 * fuzz_admin_window.c: the admin API's validation of a window sent by a
 * client (admin-api/window.c), on any JSON body the daemon would accept,
 * both as a creation and as a change; a window it accepts must make a
 * snapshot (admin-api/snapshot.c) that the module's decoder accepts too.
 * Also the dry run's redaction of any snapshot text.  Input: a request
 * body.
 */

#include "fuzz.h"
#include "admin.h"
#include "maint_snapshot.h"


#define FUZZ_NOW  1795300000LL


/* the daemon's counters are not part of this */
void adm_count(const char *name) { (void) name; }


static void
fuzz_errors_named(json_t *errors)
{
    size_t   i;
    json_t  *e;

    /* every problem names its field and says why */
    json_array_foreach(errors, i, e) {
        FUZZ_CHECK(json_is_string(json_object_get(e, "field")));
        FUZZ_CHECK(json_is_string(json_object_get(e, "reason"))
                   || json_is_string(json_object_get(e, "message")));
    }
}


static void
fuzz_accepted(json_t *fields)
{
    char              *snap, err[256];
    json_t            *rec, *errors, *live, *settings, *access, *view;
    maint_snapshot_t  *s;

    rec = adm_window_new("w_fuzz", fields, "fuzzer", FUZZ_NOW);
    FUZZ_CHECK(rec != NULL);

    errors = json_array();

    if (adm_window_check(rec, 1, FUZZ_NOW, errors) == 0) {
        view = adm_window_view(rec, FUZZ_NOW);
        json_decref(view);
        (void) adm_window_effective(rec, FUZZ_NOW + 86400);

        live = json_array();
        json_array_append(live, rec);
        settings = adm_settings_defaults();
        access = json_object();

        snap = adm_snapshot_build(live, settings, access, FUZZ_NOW);
        FUZZ_CHECK(snap != NULL);

        /* the contract: what the admin writes, the gateways read */
        s = maint_snapshot_parse(snap, strlen(snap), err, sizeof(err));
        if (s == NULL) {
            fprintf(stderr, "refused: %s\n%s\n", err, snap);
        }
        FUZZ_CHECK(s != NULL);

        maint_snapshot_free(s);
        free(snap);
        json_decref(live);
        json_decref(settings);
        json_decref(access);

    } else {
        fuzz_errors_named(errors);
    }

    json_decref(errors);
    json_decref(rec);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int            creating;
    char          *text;
    json_t        *in, *fields, *errors, *red;
    json_error_t   e;

    in = json_loadb((const char *) data, size,
                    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);

    if (in != NULL && json_is_object(in)) {
        for (creating = 1; creating >= 0; creating--) {
            fields = json_object();
            errors = json_array();

            if (adm_window_fields(in, creating, FUZZ_NOW, fields, errors)
                == 0)
            {
                if (creating) {
                    fuzz_accepted(fields);
                }

            } else {
                fuzz_errors_named(errors);
            }

            json_decref(fields);
            json_decref(errors);
        }
    }

    json_decref(in);

    /* the redaction reads snapshot text from Redis */
    text = malloc(size + 1);
    if (text == NULL) {
        abort();
    }

    memcpy(text, data, size);
    text[size] = '\0';

    red = adm_snapshot_redacted(text);
    json_decref(red);
    free(text);

    return 0;
}
