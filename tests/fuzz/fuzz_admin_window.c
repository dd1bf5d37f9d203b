/*
 * fuzz_admin_window.c: the admin API's validation of a window sent by a
 * client (admin-api/model/window.c), on any JSON body the daemon would accept,
 * both as a creation and as a change; a window it accepts must make a
 * snapshot (admin-api/model/snapshot.c) that the module's decoder accepts too.
 * Also the dry run's redaction of any snapshot text.  Input: a request
 * body.
 */

#include "fuzz_admin.h"
#include "model/snapshot.h"
#include "model/window.h"



static void
fuzz_accepted(json_t *fields)
{
    json_t  *rec, *errors, *live, *view;

    rec = adm_window_new("w_fuzz", fields, "fuzzer", FUZZ_NOW);
    FUZZ_CHECK(rec != NULL);

    errors = json_array();

    if (adm_window_check(rec, 1, FUZZ_NOW, errors) == 0) {
        view = adm_window_view(rec, FUZZ_NOW);
        json_decref(view);
        (void) adm_window_effective(rec, FUZZ_NOW + 86400);

        live = json_array();
        json_array_append(live, rec);
        fuzz_windows_ok(live);
        json_decref(live);

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
