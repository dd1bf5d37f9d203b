/*
 * window.c: the window model.  A window record is the JSON object the API
 * shows (times as RFC 3339 UTC strings); this file validates what clients
 * send into it, fills defaults, applies the lifecycle (effective status on
 * Redis's clock), and finds overlaps.  No I/O here.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/rand.h>

#include "maint_names.h"
#include "maint_snapshot.h"
#include "admin.h"
#include "config.h"
#include "model/times.h"
#include "model/window.h"


#define ADM_TITLE_MAX      200
#define ADM_MESSAGE_MAX    2000
#define ADM_NOTES_MAX      10000
#define ADM_LIST_MAX       64
#define ADM_PATH_MAX       512
#define ADM_NOTIFY_MAX     10080
#define ADM_TRANSLATIONS_MAX  MAINT_MAX_TRANSLATIONS


static const char  *adm_status_names[] = {
    "scheduled", "in_progress", "completed", "completed_with_errors",
    "failed", "cancelled"
};


/* what a client may write, and what only the daemon writes */

static const char  *adm_writable[] = {
    "title", "apps", "starts_at", "ends_at", "mode", "login_message",
    "show_login_message", "notify_message", "notify_before_minutes",
    "enabled", "terminate_sessions", "hold_until_completed", "allow", "notes",
    "translations", "notify", NULL
};

static const char  *adm_readonly[] = {
    "id", "status", "actual_start", "actual_end", "completion_notes",
    "created_at", "created_by", "updated_at", "updated_by", "revision",
    "reminded_for", "series", "occurrence", "prechecks", NULL
};


const char *
adm_status_name(adm_status_e st)
{
    return adm_status_names[st];
}


int
adm_status_parse(const char *s, adm_status_e *st)
{
    int  i;

    for (i = 0; i <= ADM_ST_CANCELLED; i++) {
        if (strcmp(s, adm_status_names[i]) == 0) {
            *st = (adm_status_e) i;
            return 0;
        }
    }

    return -1;
}


int
adm_status_finished(adm_status_e st)
{
    return st >= ADM_ST_COMPLETED;
}


static int
adm_in(const char *key, const char **list)
{
    for ( /* void */ ; *list; list++) {
        if (strcmp(key, *list) == 0) {
            return 1;
        }
    }

    return 0;
}


/* a list of notification target names (a window's, the default list) */

int
adm_notify_names_bad(json_t *v)
{
    size_t   i, j;
    json_t  *a;

    if (!json_is_array(v) || json_array_size(v) > ADM_NOTIFY_NAMES_MAX) {
        return 1;
    }

    json_array_foreach(v, i, a) {
        if (!json_is_string(a)
            || !maint_valid_name(json_string_value(a), json_string_length(a)))
        {
            return 1;
        }

        for (j = 0; j < i; j++) {
            if (json_equal(json_array_get(v, j), a)) {
                return 1;
            }
        }
    }

    return 0;
}


/* one {"field", "reason"} for a 422's errors; -1, for callers to return */

int
adm_refuse(json_t *errors, const char *field, const char *reason)
{
    json_array_append_new(errors, json_pack("{s:s, s:s}", "field", field,
                                            "reason", reason));
    return -1;
}


/*
 * "translations": {"fr": {"title": ..., "login_message": ...,
 * "notify_message": ...}}: the window's texts in more languages, each
 * under the rules of the field it translates.  Tags compare without case,
 * so "fr" and "FR" cannot both be there.
 */

static void adm_check_text(json_t *v, const char *field, size_t max,
    int lines, int required, json_t *out, json_t *errors);


static void
adm_check_translations(json_t *v, json_t *out, json_t *errors)
{
    char         field[96];
    size_t       n0;
    json_t      *texts, *t, *good, *all, *scratch;
    const char  *lang, *key, *other;

    n0 = json_array_size(errors);

    if (!json_is_object(v)) {
        adm_refuse(errors, "translations", "must be an object of language "
                "tags, like {\"fr\": {\"title\": \"...\"}}");
        return;
    }

    if (json_object_size(v) > ADM_TRANSLATIONS_MAX) {
        adm_refuse(errors, "translations", "must have at most 32 languages");
        return;
    }

    all = json_object();
    scratch = json_object();

    json_object_foreach(v, lang, texts) {
        snprintf(field, sizeof(field), "translations.%.40s", lang);

        if (!maint_valid_lang(lang, strlen(lang))) {
            adm_refuse(errors, field, "must be a language tag like \"fr\" or "
                    "\"pt-BR\"");
            continue;
        }

        json_object_foreach(v, other, t) {
            if (other == lang) {
                break;
            }

            if (strcasecmp(other, lang) == 0) {
                adm_refuse(errors, field, "is there twice (tags ignore case)");
                break;
            }
        }

        if (!json_is_object(texts)) {
            adm_refuse(errors, field, "must be an object with title, "
                    "login_message or notify_message");
            continue;
        }

        good = json_object();

        json_object_foreach(texts, key, t) {
            snprintf(field, sizeof(field), "translations.%.40s.%.40s", lang,
                     key);

            if (strcmp(key, "title") == 0) {
                adm_check_text(t, field, ADM_TITLE_MAX, 0, 0, scratch,
                               errors);

            } else if (strcmp(key, "login_message") == 0
                       || strcmp(key, "notify_message") == 0)
            {
                adm_check_text(t, field, ADM_MESSAGE_MAX, 1, 0, scratch,
                               errors);

            } else {
                adm_refuse(errors, field, "is not a known field (title, "
                        "login_message, notify_message)");
                continue;
            }

            if (json_object_get(scratch, field)) {
                json_object_set(good, key, t);
            }
        }

        json_object_set_new(all, lang, good);
    }

    if (json_array_size(errors) == n0) {
        json_object_set(out, "translations", all);
    }

    json_decref(all);
    json_decref(scratch);
}


/*
 * Valid UTF-8 (jansson guarantees it), at most max_chars code points, no
 * control characters but, where lines is set, newline and tab.
 */

int
adm_text_ok(const char *s, size_t len, size_t max_chars, int lines)
{
    size_t  i, chars;

    chars = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if ((c & 0xc0) != 0x80) {
            chars++;
        }

        if ((c < 0x20 && !(lines && (c == '\n' || c == '\t'))) || c == 0x7f) {
            return -1;
        }
    }

    return chars <= max_chars ? 0 : -2;
}


/*
 * Cuts what snprintf() left of a UTF-8 sequence at the end of s: text
 * built from a client's keys or from a decoder's message and then cut to
 * a buffer must stay valid UTF-8, or jansson refuses it in the answer.
 */

void
adm_utf8_trim(char *s)
{
    size_t  len, i, need;

    len = strlen(s);

    /* the last lead byte, at most 3 continuation bytes back */
    for (i = len; i > 0 && len - i < 4; i--) {
        unsigned char  c = (unsigned char) s[i - 1];

        if ((c & 0xc0) == 0x80) {
            continue;
        }

        need = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2
               : (c & 0xf0) == 0xe0 ? 3 : 4;

        if (len - (i - 1) < need) {
            s[i - 1] = '\0';
        }

        return;
    }
}


static void
adm_check_text(json_t *v, const char *field, size_t max, int lines,
    int required, json_t *out, json_t *errors)
{
    char  reason[96];
    int   rc;

    if (!json_is_string(v)) {
        adm_refuse(errors, field, "must be a string");
        return;
    }

    if (required && json_string_length(v) == 0) {
        adm_refuse(errors, field, "must not be empty");
        return;
    }

    rc = adm_text_ok(json_string_value(v), json_string_length(v), max, lines);

    if (rc == -1) {
        adm_refuse(errors, field, lines ? "must not contain control characters "
                "other than newline and tab"
                : "must not contain control characters");
        return;
    }

    if (rc == -2) {
        snprintf(reason, sizeof(reason), "must be at most %zu characters",
                 max);
        adm_refuse(errors, field, reason);
        return;
    }

    json_object_set(out, field, v);
}


static void
adm_check_apps(json_t *v, json_t *out, json_t *errors)
{
    size_t   i;
    json_t  *a;

    if (!json_is_array(v) || json_array_size(v) == 0
        || json_array_size(v) > ADM_LIST_MAX)
    {
        adm_refuse(errors, "apps", "must be an array of 1 to 64 app names, or "
                "[\"*\"]");
        return;
    }

    json_array_foreach(v, i, a) {
        if (!json_is_string(a)) {
            adm_refuse(errors, "apps", "must contain only strings");
            return;
        }

        if (strcmp(json_string_value(a), "*") == 0) {
            if (json_array_size(v) != 1) {
                adm_refuse(errors, "apps", "\"*\" (every app) must stand "
                        "alone");
                return;
            }

            continue;
        }

        if (!maint_valid_name(json_string_value(a), json_string_length(a))) {
            adm_refuse(errors, "apps", "app names are 1 to 64 characters of "
                    "A-Z a-z 0-9 . _ -");
            return;
        }
    }

    json_object_set(out, "apps", v);
}


static void
adm_check_allow(json_t *v, json_t *out, json_t *errors)
{
    size_t        i;
    json_t       *paths, *nets, *a, *clean;
    const char   *key, *s;
    maint_cidr_t  cidr;
    int           bad;

    if (!json_is_object(v)) {
        adm_refuse(errors, "allow", "must be an object with \"paths\" and "
                "\"networks\"");
        return;
    }

    bad = 0;

    json_object_foreach(v, key, a) {
        if (strcmp(key, "paths") != 0 && strcmp(key, "networks") != 0) {
            char field[96];

            snprintf(field, sizeof(field), "allow.%.64s", key);
            adm_refuse(errors, field, "is not a known field");
            bad = 1;
        }
    }

    paths = json_object_get(v, "paths");
    nets = json_object_get(v, "networks");
    clean = json_pack("{s:[], s:[]}", "paths", "networks");

    if (paths) {
        if (!json_is_array(paths) || json_array_size(paths) > ADM_LIST_MAX) {
            adm_refuse(errors, "allow.paths", "must be an array of at most 64 "
                    "paths");
            bad = 1;

        } else {
            json_array_foreach(paths, i, a) {
                s = json_string_value(a);

                if (s == NULL || s[0] != '/'
                    || json_string_length(a) > ADM_PATH_MAX
                    || strpbrk(s, " \t\r\n") != NULL
                    || adm_text_ok(s, json_string_length(a), ADM_PATH_MAX, 0)
                       != 0)
                {
                    adm_refuse(errors, "allow.paths", "must contain paths that "
                            "start with \"/\", without spaces");
                    bad = 1;
                    break;
                }

                json_array_append(json_object_get(clean, "paths"), a);
            }
        }
    }

    if (nets) {
        if (!json_is_array(nets) || json_array_size(nets) > ADM_LIST_MAX) {
            adm_refuse(errors, "allow.networks",
                       "must be an array of at most 64 networks");
            bad = 1;

        } else {
            json_array_foreach(nets, i, a) {
                if (!json_is_string(a)
                    || maint_cidr_parse(json_string_value(a),
                                        json_string_length(a), &cidr) != 0)
                {
                    adm_refuse(errors, "allow.networks", "must contain "
                               "networks like 10.0.0.0/8 or 2001:db8::/32");
                    bad = 1;
                    break;
                }

                json_array_append(json_object_get(clean, "networks"), a);
            }
        }
    }

    if (!bad) {
        json_object_set(out, "allow", clean);
    }

    json_decref(clean);
}


/*
 * Checks every field of a client's object, one by one: unknown, read-only,
 * wrong type or value.  Good values go to "out" in canonical form (times in
 * UTC); problems to "errors".  On creation the required fields must be
 * there.  Returns the number of problems.
 */

int
adm_window_fields(json_t *in, int creating, int64_t now, json_t *out,
    json_t *errors)
{
    size_t       n0;
    int64_t      t, minutes;
    json_t      *v;
    const char  *key;

    static const char  *required[] = {
        "title", "apps", "starts_at", "ends_at", NULL
    };

    n0 = json_array_size(errors);

    json_object_foreach(in, key, v) {

        if (adm_in(key, adm_readonly)) {
            adm_refuse(errors, key, "is read-only");
            continue;
        }

        if (!adm_in(key, adm_writable)) {
            adm_refuse(errors, key, "is not a known field");
            continue;
        }

        if (strcmp(key, "title") == 0) {
            adm_check_text(v, key, ADM_TITLE_MAX, 0, 1, out, errors);

        } else if (strcmp(key, "apps") == 0) {
            adm_check_apps(v, out, errors);

        } else if (strcmp(key, "starts_at") == 0
                   || strcmp(key, "ends_at") == 0)
        {
            if (adm_parse_time(v, now, &t) != 0) {
                adm_refuse(errors, key, "must be an RFC 3339 time with an "
                        "offset, like 2026-11-21T22:00:00Z, from 1970 to 9999, "
                        "or \"now\"");
            } else {
                json_object_set_new(out, key, adm_time_json(t));
            }

        } else if (strcmp(key, "mode") == 0) {
            if (!json_is_string(v)
                || (strcmp(json_string_value(v), "full") != 0
                    && strcmp(json_string_value(v), "read_only") != 0))
            {
                adm_refuse(errors, key, "must be \"full\" or \"read_only\"");
            } else {
                json_object_set(out, key, v);
            }

        } else if (strcmp(key, "login_message") == 0
                   || strcmp(key, "notify_message") == 0)
        {
            adm_check_text(v, key, ADM_MESSAGE_MAX, 1, 0, out, errors);

        } else if (strcmp(key, "notes") == 0) {
            adm_check_text(v, key, ADM_NOTES_MAX, 1, 0, out, errors);

        } else if (strcmp(key, "notify_before_minutes") == 0) {
            if (json_is_null(v)) {
                json_object_set(out, key, v);
                continue;
            }

            minutes = json_is_integer(v) ? json_integer_value(v) : -1;

            if (!json_is_integer(v) || minutes < 0
                || minutes > ADM_NOTIFY_MAX)
            {
                adm_refuse(errors, key, "must be null or an integer from 0 to "
                        "10080");
            } else {
                json_object_set(out, key, v);
            }

        } else if (strcmp(key, "allow") == 0) {
            adm_check_allow(v, out, errors);

        } else if (strcmp(key, "translations") == 0) {
            adm_check_translations(v, out, errors);

        } else if (strcmp(key, "notify") == 0) {
            if (adm_notify_names_bad(v)) {
                adm_refuse(errors, key, ADM_NOTIFY_NAMES_REASON);
            } else {
                json_object_set(out, key, v);
            }

        } else {
            /* the booleans */
            if (!json_is_boolean(v)) {
                adm_refuse(errors, key, "must be true or false");
            } else {
                json_object_set(out, key, v);
            }
        }
    }

    if (creating) {
        const char **r;

        for (r = required; *r; r++) {
            if (json_object_get(in, *r) == NULL) {
                adm_refuse(errors, *r, "is required");
            }
        }
    }

    return (int) (json_array_size(errors) - n0);
}


int
adm_window_id(char *out, size_t len)
{
    size_t         i;
    unsigned char  raw[10];

    static const char  alphabet[] = "abcdefghijkmnpqrstuvwxyz23456789";

    if (len < 13 || RAND_bytes(raw, sizeof(raw)) != 1) {
        return -1;
    }

    out[0] = 'w';
    out[1] = '_';

    for (i = 0; i < sizeof(raw); i++) {
        out[2 + i] = alphabet[raw[i] % 32];
    }

    out[12] = '\0';

    return 0;
}


json_t *
adm_window_new(const char *id, json_t *fields, const char *actor,
    int64_t now)
{
    json_t  *rec;

    rec = json_pack("{s:s, s:s, s:[], s:n, s:n, s:s, s:s, s:b, s:s, s:n,"
                    " s:b, s:b, s:b, s:{s:[], s:[]}, s:s, s:s, s:n, s:n,"
                    " s:n, s:o, s:s, s:o, s:s, s:i, s:{}, s:[]}",
                    "id", id,
                    "title", "",
                    "apps",
                    "starts_at",
                    "ends_at",
                    "mode", "full",
                    "login_message", "",
                    "show_login_message", 1,
                    "notify_message", "",
                    "notify_before_minutes",
                    "enabled", 1,
                    "terminate_sessions", 0,
                    "hold_until_completed", 0,
                    "allow", "paths", "networks",
                    "notes", "",
                    "status", "scheduled",
                    "actual_start",
                    "actual_end",
                    "completion_notes",
                    "created_at", adm_time_json(now),
                    "created_by", actor,
                    "updated_at", adm_time_json(now),
                    "updated_by", actor,
                    "revision", 1,
                    "translations",
                    "notify");

    if (rec) {
        json_object_update_existing(rec, fields);
    }

    return rec;
}


void
adm_window_merge(json_t *rec, json_t *fields)
{
    json_object_update_existing(rec, fields);

    /* records written before translations existed do not have the key */
    if (json_object_get(fields, "translations")) {
        json_object_set(rec, "translations",
                        json_object_get(fields, "translations"));
    }
}


void
adm_window_touch(json_t *rec, const char *actor, int64_t now)
{
    json_object_set_new(rec, "updated_at", adm_time_json(now));
    json_object_set_new(rec, "updated_by", json_string(actor));
    json_object_set_new(rec, "revision", json_integer(
        json_integer_value(json_object_get(rec, "revision")) + 1));
}


/*
 * When a window really begins, in ms: its actual start if it was started
 * early.
 */

int64_t
adm_window_begin_ms(json_t *rec)
{
    int64_t  start, actual;

    start = adm_window_time_ms(rec, "starts_at");
    actual = adm_window_time_ms(rec, "actual_start");

    return actual >= 0 && actual < start ? actual : start;
}


/* the same in whole seconds (rounded down): when the window is in force */

int64_t
adm_window_begin(json_t *rec)
{
    int64_t  ms;

    ms = adm_window_begin_ms(rec);

    return ms < 0 ? -1 : ms / 1000;
}


/* the rules that involve several fields, on the merged record */

int
adm_window_check(json_t *rec, int creating, int64_t now, json_t *errors)
{
    char     reason[128];
    size_t   n0;
    int64_t  start, end;

    n0 = json_array_size(errors);

    start = adm_window_time(rec, "starts_at");
    end = adm_window_time(rec, "ends_at");

    if (start < 0 || end < 0) {
        return 0;               /* reported by adm_window_fields() */
    }

    /* a window started early runs from its actual start */
    start = adm_window_begin(rec);

    if (end <= start) {
        adm_refuse(errors, "ends_at", "must be after starts_at");

    } else if (end - start > adm_conf.max_duration) {
        snprintf(reason, sizeof(reason), "must be at most %lld minutes after "
                 "starts_at (max_window_duration)",
                 (long long) (adm_conf.max_duration / 60));
        adm_refuse(errors, "ends_at", reason);
    }

    if (creating && end <= now) {
        adm_refuse(errors, "ends_at", "must be in the future");
    }

    return (int) (json_array_size(errors) - n0);
}


adm_status_e
adm_window_status(json_t *rec)
{
    adm_status_e  st;

    if (adm_status_parse(json_string_value(json_object_get(rec, "status"))
                         ? json_string_value(json_object_get(rec, "status"))
                         : "", &st) != 0)
    {
        return ADM_ST_CANCELLED;
    }

    return st;
}


/*
 * The status time gives a window, on Redis's clock: an enabled scheduled
 * window is in progress from starts_at; one in progress is completed at
 * ends_at unless held.  The stored status catches up within a second.
 */

adm_status_e
adm_window_effective(json_t *rec, int64_t now)
{
    adm_status_e  st;

    st = adm_window_status(rec);

    if (!json_is_true(json_object_get(rec, "enabled"))) {
        return st;
    }

    if (st == ADM_ST_SCHEDULED && now >= adm_window_time(rec, "starts_at")) {
        st = ADM_ST_IN_PROGRESS;
    }

    if (st == ADM_ST_IN_PROGRESS
        && !json_is_true(json_object_get(rec, "hold_until_completed"))
        && now >= adm_window_time(rec, "ends_at"))
    {
        st = ADM_ST_COMPLETED;
    }

    return st;
}


/* the record as clients see it now: effective status and times */

json_t *
adm_window_view(json_t *rec, int64_t now)
{
    json_t        *v;
    adm_status_e   stored, st;

    v = json_deep_copy(rec);
    stored = adm_window_status(rec);
    st = adm_window_effective(rec, now);

    if (st == stored) {
        return v;
    }

    json_object_set_new(v, "status", json_string(adm_status_name(st)));

    if (stored == ADM_ST_SCHEDULED) {
        json_object_set(v, "actual_start", json_object_get(v, "starts_at"));
    }

    if (st == ADM_ST_COMPLETED) {
        json_object_set(v, "actual_end", json_object_get(v, "ends_at"));
    }

    return v;
}


static int
adm_apps_share(json_t *a, json_t *b)
{
    size_t   i, j;
    json_t  *x, *y;

    json_array_foreach(a, i, x) {
        if (strcmp(json_string_value(x), "*") == 0) {
            return 1;
        }

        json_array_foreach(b, j, y) {
            if (strcmp(json_string_value(y), "*") == 0
                || strcmp(json_string_value(x), json_string_value(y)) == 0)
            {
                return 1;
            }
        }
    }

    return 0;
}


/*
 * The first enabled, unfinished window among "live" that shares an app
 * with rec and overlaps it in time; NULL if none.  Windows that are over
 * by the clock do not count, nor does rec itself.
 */

json_t *
adm_window_conflict(json_t *rec, json_t *live, int64_t now)
{
    size_t        i;
    json_t       *w;
    int64_t       s1, e1, s2, e2;
    adm_status_e  st;
    const char   *id;

    if (!json_is_true(json_object_get(rec, "enabled"))) {
        return NULL;
    }

    id = json_string_value(json_object_get(rec, "id"));
    s1 = adm_window_begin(rec);
    e1 = adm_window_time(rec, "ends_at");

    json_array_foreach(live, i, w) {
        if (strcmp(json_string_value(json_object_get(w, "id")), id) == 0
            || !json_is_true(json_object_get(w, "enabled")))
        {
            continue;
        }

        st = adm_window_effective(w, now);

        if (adm_status_finished(st)) {
            continue;
        }

        s2 = adm_window_begin(w);
        e2 = adm_window_time(w, "ends_at");

        /* a held window is in force until it is completed */
        if (json_is_true(json_object_get(w, "hold_until_completed"))
            && st == ADM_ST_IN_PROGRESS && e2 <= now)
        {
            e2 = now + 1;
        }

        if (s1 < e2 && s2 < e1
            && adm_apps_share(json_object_get(rec, "apps"),
                              json_object_get(w, "apps")))
        {
            return w;
        }
    }

    return NULL;
}
