/*
 * maint_window.c: one maintenance window of the snapshot, decoded and
 * checked (maint_window.h): its times, mode, apps, texts (with the
 * settings' defaults), allowed paths and networks and translations.
 */

#include <stdio.h>
#include <string.h>

#include "maint_json.h"
#include "maint_names.h"
#include "maint_window.h"


static int maint_window_times(maint_decoder_t *d, json_t *w,
    maint_window_t *win, const char *path);
static int maint_window_mode(maint_decoder_t *d, json_t *w,
    maint_window_t *win, const char *path);
static int maint_window_apps(maint_decoder_t *d, json_t *w,
    maint_window_t *win, const char *path);
static int maint_window_texts(maint_decoder_t *d,
    const maint_window_defaults_t *def, json_t *w, maint_window_t *win,
    const char *path, int *show);
static int maint_window_allow(maint_decoder_t *d, json_t *allow,
    maint_window_t *win, const char *path);
static int maint_window_translations(maint_decoder_t *d, json_t *tr,
    maint_window_t *win, int show, const char *path);


int
maint_window_decode(maint_decoder_t *d, const maint_window_defaults_t *def,
    json_t *w, maint_window_t *win, size_t idx)
{
    int      show;
    char     path[48], p[80];
    json_t  *allow, *v;

    snprintf(path, sizeof(path), "windows[%zu].", idx);

    if (!json_is_object(w)) {
        snprintf(p, sizeof(p), "windows[%zu]", idx);
        return maint_json_fail(d, p, "must be an object");
    }

    if (maint_json_string(d, w, "id", path, MAINT_MAX_ID_LEN, 0, &win->id)
        != 0)
    {
        return -1;
    }

    if (!maint_valid_name(win->id.data, win->id.len)) {
        snprintf(p, sizeof(p), "%sid", path);
        return maint_json_fail(d, p, "must be 1 to 64 characters of "
                               "A-Z a-z 0-9 . _ -");
    }

    if (maint_json_string(d, w, "title", path, MAINT_MAX_TEXT_LEN, 0,
                          &win->title)
        != 0)
    {
        return -1;
    }

    if (maint_window_times(d, w, win, path) != 0) {
        return -1;
    }

    /*
     * "started": the admin API started it (early, or "now"), an action it
     * acknowledged: in force from now on whatever this gateway's estimate
     * of Redis's clock says of start.  Absent (an older writer): false.
     */

    if (maint_json_bool(d, w, "hold", path, &win->hold) != 0
        || maint_json_bool(d, w, "started", path, &win->started) != 0
        || maint_json_bool(d, w, "terminate_sessions", path,
                           &win->terminate_sessions) != 0)
    {
        return -1;
    }

    if (maint_window_mode(d, w, win, path) != 0
        || maint_window_apps(d, w, win, path) != 0
        || maint_window_texts(d, def, w, win, path, &show) != 0)
    {
        return -1;
    }

    allow = json_object_get(w, "allow");
    if (allow != NULL && maint_window_allow(d, allow, win, path) != 0) {
        return -1;
    }

    v = json_object_get(w, "translations");
    if (v != NULL && maint_window_translations(d, v, win, show, path) != 0) {
        return -1;
    }

    maint_format_rfc3339(win->starts_at, win->start);
    maint_format_rfc3339(win->ends_at, win->end);

    return 0;
}


/* start (and start_ms, when the writer gave it) and end */

static int
maint_window_times(maint_decoder_t *d, json_t *w, maint_window_t *win,
    const char *path)
{
    int   rc;
    char  p[80];

    rc = maint_json_int(d, w, "start", path, 0, MAINT_MAX_EPOCH, &win->start);
    if (rc != 0) {
        snprintf(p, sizeof(p), "%sstart", path);
        return rc < 0 ? -1 : maint_json_fail(d, p, "is missing");
    }

    /*
     * A window started now begins at an instant, not on a second: sessions
     * created earlier in that second are before it (terminate_sessions).
     */
    win->start_ms = win->start * 1000;

    rc = maint_json_int(d, w, "start_ms", path, win->start * 1000,
                        win->start * 1000 + 999, &win->start_ms);
    if (rc < 0) {
        return -1;
    }

    rc = maint_json_int(d, w, "end", path, 0, MAINT_MAX_EPOCH, &win->end);
    if (rc != 0) {
        snprintf(p, sizeof(p), "%send", path);
        return rc < 0 ? -1 : maint_json_fail(d, p, "is missing");
    }

    if (win->end <= win->start) {
        snprintf(p, sizeof(p), "%send", path);
        return maint_json_fail(d, p, "must be after start");
    }

    return 0;
}


static int
maint_window_mode(maint_decoder_t *d, json_t *w, maint_window_t *win,
    const char *path)
{
    char     p[80];
    json_t  *mode;

    mode = json_object_get(w, "mode");
    win->mode = MAINT_MODE_FULL;

    if (mode == NULL || json_is_null(mode)) {
        return 0;
    }

    if (json_is_string(mode) && strcmp(json_string_value(mode), "full") == 0)
    {
        win->mode = MAINT_MODE_FULL;

    } else if (json_is_string(mode)
               && strcmp(json_string_value(mode), "read_only") == 0)
    {
        win->mode = MAINT_MODE_READ_ONLY;

    } else {
        snprintf(p, sizeof(p), "%smode", path);
        return maint_json_fail(d, p, "must be \"full\" or \"read_only\"");
    }

    return 0;
}


/* the app names, or "*" for every app */

static int
maint_window_apps(maint_decoder_t *d, json_t *w, maint_window_t *win,
    const char *path)
{
    char         p[80];
    size_t       i, n;
    json_t      *apps, *v;
    maint_str_t  s;

    snprintf(p, sizeof(p), "%sapps", path);
    apps = json_object_get(w, "apps");

    if (apps == NULL || !json_is_array(apps) || json_array_size(apps) == 0) {
        return maint_json_fail(d, p, "must be a non-empty array of app "
                               "names");
    }

    n = json_array_size(apps);
    if (n > MAINT_MAX_LIST) {
        return maint_json_fail(d, p, "has too many entries");
    }

    win->apps = maint_arena_calloc(d->arena, n * sizeof(maint_str_t));
    if (win->apps == NULL) {
        return maint_json_fail(d, p, "out of memory");
    }

    for (i = 0; i < n; i++) {
        v = json_array_get(apps, i);

        if (!json_is_string(v)) {
            return maint_json_fail(d, p, "must contain only strings");
        }

        s.data = json_string_value(v);
        s.len = json_string_length(v);

        if (s.len == 1 && s.data[0] == '*') {
            win->all_apps = 1;
            continue;
        }

        if (!maint_valid_name(s.data, s.len)) {
            return maint_json_fail(d, p, "contains an invalid app name");
        }

        win->apps[win->napps].data = maint_arena_strdup(d->arena, s.data,
                                                        s.len);
        if (win->apps[win->napps].data == NULL) {
            return maint_json_fail(d, p, "out of memory");
        }

        win->apps[win->napps++].len = s.len;
    }

    return 0;
}


/* messages, with the settings' defaults for the empty ones */

static int
maint_window_texts(maint_decoder_t *d, const maint_window_defaults_t *def,
    json_t *w, maint_window_t *win, const char *path, int *show)
{
    int      rc;
    int64_t  notify_min;

    *show = 1;

    if (maint_json_bool(d, w, "show_login_message", path, show) != 0
        || maint_json_string(d, w, "login_message", path,
                             MAINT_MAX_TEXT_LEN, 1, &win->message)
           != 0
        || maint_json_string(d, w, "notify_message", path,
                             MAINT_MAX_TEXT_LEN, 1, &win->notify_message)
           != 0)
    {
        return -1;
    }

    if (win->message.len == 0) {
        win->message = def->message;
    }

    if (!*show) {
        win->message.data = "";
        win->message.len = 0;
    }

    if (win->notify_message.len == 0) {
        win->notify_message = def->notify_message;
    }

    notify_min = def->notify_min;

    rc = maint_json_int(d, w, "notify_before_minutes", path, 0,
                        MAINT_MAX_NOTIFY_MIN, &notify_min);
    if (rc < 0) {
        return -1;
    }

    win->notify_before = notify_min * 60;

    return 0;
}


/*
 * "translations": {"fr": {"title": ..., "login_message": ...,
 * "notify_message": ...}}.  Keys this version does not know are ignored,
 * like unknown fields elsewhere; a missing or empty text is the window's.
 */

static int
maint_window_translations(maint_decoder_t *d, json_t *tr, maint_window_t *win,
    int show, const char *path)
{
    char                  p[160];
    size_t                n;
    json_t               *texts;
    const char           *lang;
    maint_translation_t  *t;

    if (json_is_null(tr)) {
        return 0;
    }

    snprintf(p, sizeof(p), "%stranslations", path);

    if (!json_is_object(tr)) {
        return maint_json_fail(d, p, "must be an object");
    }

    n = json_object_size(tr);
    if (n > MAINT_MAX_TRANSLATIONS) {
        return maint_json_fail(d, p, "has too many entries");
    }

    if (n == 0) {
        return 0;
    }

    win->translations = maint_arena_calloc(d->arena,
                                           n * sizeof(maint_translation_t));
    if (win->translations == NULL) {
        return maint_json_fail(d, p, "out of memory");
    }

    json_object_foreach(tr, lang, texts) {
        snprintf(p, sizeof(p), "%stranslations.%.*s.", path,
                 MAINT_MAX_LANG_LEN, lang);

        if (!maint_valid_lang(lang, strlen(lang))) {
            p[strlen(p) - 1] = '\0';
            return maint_json_fail(d, p, "is not a language tag");
        }

        if (!json_is_object(texts)) {
            p[strlen(p) - 1] = '\0';
            return maint_json_fail(d, p, "must be an object");
        }

        t = &win->translations[win->ntranslations++];

        t->lang.data = maint_arena_strdup(d->arena, lang, strlen(lang));
        if (t->lang.data == NULL) {
            return maint_json_fail(d, p, "out of memory");
        }

        t->lang.len = strlen(lang);

        if (maint_json_string(d, texts, "title", p, MAINT_MAX_TEXT_LEN, 0,
                              &t->title)
            != 0
            || maint_json_string(d, texts, "login_message", p,
                                 MAINT_MAX_TEXT_LEN, 1, &t->message)
               != 0
            || maint_json_string(d, texts, "notify_message", p,
                                 MAINT_MAX_TEXT_LEN, 1, &t->notify_message)
               != 0)
        {
            return -1;
        }

        if (t->title.len == 0) {
            t->title = win->title;
        }

        if (t->message.len == 0 || !show) {
            t->message = win->message;
        }

        if (t->notify_message.len == 0) {
            t->notify_message = win->notify_message;
        }
    }

    return 0;
}


/*
 * The array "key" of allow (its path in p), with room for its n entries
 * of size bytes: 0, 1 when there is none, or -1.
 */

static int
maint_window_list(maint_decoder_t *d, json_t *allow, const char *key,
    const char *p, size_t size, json_t **a, void **out, size_t *n)
{
    *a = json_object_get(allow, key);

    if (*a == NULL || json_is_null(*a)) {
        return 1;
    }

    if (!json_is_array(*a)) {
        return maint_json_fail(d, p, "must be an array");
    }

    *n = json_array_size(*a);
    if (*n > MAINT_MAX_LIST) {
        return maint_json_fail(d, p, "has too many entries");
    }

    *out = maint_arena_calloc(d->arena, *n * size);
    if (*out == NULL && *n) {
        return maint_json_fail(d, p, "out of memory");
    }

    return 0;
}


static int
maint_window_allow(maint_decoder_t *d, json_t *allow, maint_window_t *win,
    const char *path)
{
    int      rc;
    char     p[80];
    void    *out;
    size_t   i, n, len;
    json_t  *a, *v;

    if (json_is_null(allow)) {
        return 0;
    }

    snprintf(p, sizeof(p), "%sallow", path);

    if (!json_is_object(allow)) {
        return maint_json_fail(d, p, "must be an object");
    }

    snprintf(p, sizeof(p), "%sallow.paths", path);

    rc = maint_window_list(d, allow, "paths", p, sizeof(maint_str_t), &a,
                           &out, &n);
    if (rc < 0) {
        return -1;
    }

    if (rc == 0) {
        win->allow_paths = out;
        win->nallow_paths = n;
    }

    for (i = 0; rc == 0 && i < n; i++) {
        v = json_array_get(a, i);

        if (!json_is_string(v) || json_string_length(v) == 0
            || json_string_value(v)[0] != '/'
            || json_string_length(v) > MAINT_MAX_TEXT_LEN)
        {
            return maint_json_fail(d, p, "must contain paths starting "
                                   "with \"/\"");
        }

        len = json_string_length(v);

        if (memchr(json_string_value(v), '\0', len) != NULL) {
            return maint_json_fail(d, p, "contains a NUL byte");
        }

        win->allow_paths[i].data = maint_arena_strdup(d->arena,
                                                  json_string_value(v), len);
        if (win->allow_paths[i].data == NULL) {
            return maint_json_fail(d, p, "out of memory");
        }

        win->allow_paths[i].len = len;
    }

    snprintf(p, sizeof(p), "%sallow.networks", path);

    rc = maint_window_list(d, allow, "networks", p, sizeof(maint_cidr_t), &a,
                           &out, &n);
    if (rc < 0) {
        return -1;
    }

    if (rc == 0) {
        win->allow_networks = out;
        win->nallow_networks = n;
    }

    for (i = 0; rc == 0 && i < n; i++) {
        v = json_array_get(a, i);

        if (!json_is_string(v)
            || maint_cidr_parse(json_string_value(v), json_string_length(v),
                                &win->allow_networks[i])
               != 0)
        {
            return maint_json_fail(d, p, "must contain networks like "
                                   "\"10.0.0.0/8\" or \"2001:db8::/32\"");
        }
    }

    return 0;
}
