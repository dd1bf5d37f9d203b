/*
 * fuzz_admin_series.c: the admin API's validation of a series sent by a
 * client (admin-api/model/series.c), on any JSON body the daemon would
 * accept.  Input: a request body.  Properties of what is taken:
 *
 *   - a refusal names every field it refuses and says why;
 *   - the stored recurrence is taken again (the series can be read back);
 *   - the occurrences due within a 60-day horizon: at most the maximum
 *     asked for, starting after now, in strictly increasing order, none
 *     skipped; once made (made_through), none of them is due again;
 *   - each one's window has the id <series>-<local start>, its times, and
 *     makes, with the others, a snapshot the gateways' decoder accepts.
 */

#include "fuzz_admin.h"
#include "model/series.h"
#include "model/times.h"
#include "model/window.h"


#define FUZZ_HORIZON_MS  (60LL * 86400 * 1000)
#define FUZZ_DUE         16


static void
fuzz_windows(json_t *s, adm_recur_occ_t *occ, int n)
{
    int      i;
    char     id[ADM_SERIES_WINDOW_ID_LEN + 1];
    json_t  *live, *w;

    live = json_array();

    for (i = 0; i < n; i++) {
        w = adm_series_window(s, &occ[i], "fuzzer", FUZZ_NOW);
        FUZZ_CHECK(w != NULL);

        adm_series_window_id(s, occ[i].local, id, sizeof(id));
        FUZZ_CHECK(strcmp(json_string_value(json_object_get(w, "id")), id)
                   == 0);
        FUZZ_CHECK(adm_window_time(w, "starts_at") == occ[i].start_ms / 1000);
        FUZZ_CHECK(adm_window_time(w, "ends_at") == occ[i].end_ms / 1000);

        json_array_append_new(live, w);
    }

    fuzz_windows_ok(live);

    json_decref(live);
}


static void
fuzz_accepted(json_t *fields)
{
    int               i, n;
    char              why[256];
    json_t           *s;
    int64_t           last;
    adm_recur_t      *r;
    adm_recur_occ_t   occ[FUZZ_DUE];

    s = adm_series_new("s_fuzzfuzzf", fields, "fuzzer", FUZZ_NOW);
    FUZZ_CHECK(s != NULL);

    r = adm_series_recur(s, why, sizeof(why));
    FUZZ_CHECK(r != NULL);
    adm_recur_free(r);

    n = adm_series_due(s, FUZZ_NOW * 1000, FUZZ_HORIZON_MS, occ, FUZZ_DUE,
                       why, sizeof(why));
    FUZZ_CHECK(n >= 0 && n <= FUZZ_DUE);

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(occ[i].start_ms > FUZZ_NOW * 1000);
        FUZZ_CHECK(occ[i].start_ms < FUZZ_NOW * 1000 + FUZZ_HORIZON_MS);
        FUZZ_CHECK(i == 0 || occ[i].start_ms > occ[i - 1].start_ms);
        FUZZ_CHECK(adm_series_skipped(s, occ[i].local) == NULL);
    }

    fuzz_windows(s, occ, n);

    if (n > 0) {
        /* skipped, then made through the last: none due again */
        adm_series_skip(s, occ[0].local, "fuzzer", "fuzzed", FUZZ_NOW);
        FUZZ_CHECK(adm_series_skipped(s, occ[0].local) != NULL);
        adm_series_made(s, &occ[n - 1]);
        last = occ[n - 1].start_ms / 1000 * 1000;

        i = adm_series_due(s, FUZZ_NOW * 1000, FUZZ_HORIZON_MS, occ,
                           FUZZ_DUE, why, sizeof(why));
        FUZZ_CHECK(i >= 0);
        FUZZ_CHECK(i == 0 || occ[0].start_ms > last);
    }

    json_decref(s);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_t        *in, *out, *errors;
    json_error_t   e;

    in = json_loadb((const char *) data, size,
                    JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);

    if (in == NULL || !json_is_object(in)) {
        json_decref(in);
        return 0;
    }

    errors = json_array();

    if (adm_series_fields(in, FUZZ_NOW, &out, errors) == 0) {
        FUZZ_CHECK(json_array_size(errors) == 0);
        fuzz_accepted(out);
        json_decref(out);

    } else {
        FUZZ_CHECK(out == NULL);
        fuzz_errors_named(errors);
    }

    json_decref(errors);
    json_decref(in);

    return 0;
}
