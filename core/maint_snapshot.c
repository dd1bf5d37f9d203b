/*
 * maint_snapshot.c: decodes the state snapshot JSON (schema 1) into a
 * maint_snapshot_t living in one arena.  Every value is checked for type and
 * range; the first problem found is reported with the path of the field.
 * Fields this version does not know are ignored, so that the writer can add
 * fields without breaking gateways that run an older module.
 */

#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <jansson.h>

#include "maint_snapshot.h"


#define MAINT_MAX_EPOCH      253402300799LL     /* 9999-12-31T23:59:59Z */
#define MAINT_MAX_NOTIFY_MIN (366 * 24 * 60)


typedef struct {
    maint_arena_t  *arena;
    char           *err;
    size_t          errlen;

    maint_str_t     default_message;
    maint_str_t     default_notify;
    int64_t         default_notify_min;
    int64_t         idle_min;
} maint_decoder_t;


static int maint_fail(maint_decoder_t *d, const char *path, const char *why);
static int maint_get_string(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, size_t max, int lines, maint_str_t *out);
static int maint_get_int(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, int64_t min, int64_t max, int64_t *out);
static int maint_get_bool(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, int *out);
static int maint_decode_settings(maint_decoder_t *d, json_t *settings);
static int maint_decode_window(maint_decoder_t *d, json_t *w,
    maint_window_t *win, size_t idx);
static int maint_decode_allow(maint_decoder_t *d, json_t *allow,
    maint_window_t *win, const char *path);
static int maint_decode_translations(maint_decoder_t *d, json_t *tr,
    maint_window_t *win, int show, const char *path);
static int maint_decode_superadmins(maint_decoder_t *d, json_t *v,
    maint_snapshot_t *s);
static int maint_decode_keys(maint_decoder_t *d, json_t *v,
    maint_snapshot_t *s);
static int maint_decode_cutoffs(maint_decoder_t *d, json_t *v,
    maint_snapshot_t *s);


static int
maint_fail(maint_decoder_t *d, const char *path, const char *why)
{
    if (d->errlen) {
        snprintf(d->err, d->errlen, "%s: %s", path, why);
    }

    return -1;
}


/*
 * Control characters never pass: they would end up in response headers
 * through the variables.  Messages may span lines ("lines" set), so tab and
 * newline are allowed there and flattened by whoever puts them in a header.
 */

static int
maint_get_string(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, size_t max, int lines, maint_str_t *out)
{
    char        p[128];
    size_t      i, len;
    json_t     *v;
    const char *s;

    v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    snprintf(p, sizeof(p), "%s%s", path, key);

    if (!json_is_string(v)) {
        return maint_fail(d, p, "must be a string");
    }

    s = json_string_value(v);
    len = json_string_length(v);

    if (len > max) {
        return maint_fail(d, p, "is too long");
    }

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c < 0x20 || c == 0x7f) {
            if (lines && (c == '\n' || c == '\t')) {
                continue;
            }

            return maint_fail(d, p, "contains a control character");
        }
    }

    out->data = maint_arena_strdup(d->arena, s, len);
    if (out->data == NULL) {
        return maint_fail(d, p, "out of memory");
    }

    out->len = len;

    return 0;
}


static int
maint_get_int(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, int64_t min, int64_t max, int64_t *out)
{
    char        p[128];
    json_int_t  n;
    json_t     *v;

    v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return 1;
    }

    snprintf(p, sizeof(p), "%s%s", path, key);

    if (!json_is_integer(v)) {
        return maint_fail(d, p, "must be an integer");
    }

    n = json_integer_value(v);

    if (n < min || n > max) {
        return maint_fail(d, p, "is out of range");
    }

    *out = n;

    return 0;
}


static int
maint_get_bool(maint_decoder_t *d, json_t *obj, const char *key,
    const char *path, int *out)
{
    char     p[128];
    json_t  *v;

    v = json_object_get(obj, key);
    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    if (!json_is_boolean(v)) {
        snprintf(p, sizeof(p), "%s%s", path, key);
        return maint_fail(d, p, "must be true or false");
    }

    *out = json_is_true(v);

    return 0;
}


maint_snapshot_t *
maint_snapshot_parse(const char *json, size_t len, char *err, size_t errlen)
{
    size_t             i, n;
    int64_t            schema;
    json_t            *root, *windows, *settings;
    json_error_t       jerr;
    maint_arena_t     *arena;
    maint_decoder_t    d;
    maint_snapshot_t  *s;

    if (errlen) {
        err[0] = '\0';
    }

    arena = maint_arena_create(8192);
    if (arena == NULL) {
        return NULL;
    }

    s = maint_arena_calloc(arena, sizeof(maint_snapshot_t));
    if (s == NULL) {
        maint_arena_destroy(arena);
        return NULL;
    }

    s->arena = arena;

    if (len == 0) {
        return s;
    }

    memset(&d, 0, sizeof(d));
    d.arena = arena;
    d.err = err;
    d.errlen = errlen;
    d.default_notify_min = MAINT_DEFAULT_NOTIFY_MIN;
    d.idle_min = MAINT_DEFAULT_IDLE_MIN;
    s->session_idle = MAINT_DEFAULT_IDLE_MIN * 60;

    root = NULL;

    if (len > MAINT_MAX_SNAPSHOT) {
        maint_fail(&d, "snapshot", "is larger than 1 MiB");
        goto failed;
    }

    root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        if (errlen) {
            snprintf(err, errlen, "snapshot: invalid JSON at line %d: %s",
                     jerr.line, jerr.text);
        }

        goto failed;
    }

    if (!json_is_object(root)) {
        maint_fail(&d, "snapshot", "must be an object");
        goto failed;
    }

    schema = 0;

    if (maint_get_int(&d, root, "schema", "", 0, INT32_MAX, &schema) != 0) {
        if (errlen && err[0] == '\0') {
            maint_fail(&d, "schema", "is missing");
        }

        goto failed;
    }

    if (schema != MAINT_SCHEMA_VERSION) {
        maint_fail(&d, "schema", "is not supported by this module (want 1)");
        goto failed;
    }

    settings = json_object_get(root, "settings");
    if (settings != NULL && maint_decode_settings(&d, settings) != 0) {
        goto failed;
    }

    windows = json_object_get(root, "windows");

    if (windows != NULL && !json_is_null(windows)) {
        if (!json_is_array(windows)) {
            maint_fail(&d, "windows", "must be an array");
            goto failed;
        }

        n = json_array_size(windows);

        if (n > MAINT_MAX_WINDOWS) {
            maint_fail(&d, "windows", "has too many entries");
            goto failed;
        }

        s->windows = maint_arena_calloc(arena, n * sizeof(maint_window_t));
        if (s->windows == NULL) {
            goto failed;
        }

        for (i = 0; i < n; i++) {
            if (maint_decode_window(&d, json_array_get(windows, i),
                                    &s->windows[i], i)
                != 0)
            {
                goto failed;
            }
        }

        s->nwindows = n;
    }

    if (maint_decode_superadmins(&d, json_object_get(root, "superadmins"), s)
        != 0
        || maint_decode_keys(&d, json_object_get(root, "bypass_keys"), s)
           != 0
        || maint_decode_cutoffs(&d, json_object_get(root, "session_cutoffs"),
                                s)
           != 0)
    {
        goto failed;
    }

    s->session_idle = d.idle_min * 60;

    json_decref(root);

    return s;

failed:

    if (root) {
        json_decref(root);
    }

    maint_arena_destroy(arena);

    return NULL;
}


void
maint_snapshot_free(maint_snapshot_t *s)
{
    if (s) {
        maint_arena_destroy(s->arena);
    }
}


static int
maint_decode_settings(maint_decoder_t *d, json_t *settings)
{
    int rc;

    if (json_is_null(settings)) {
        return 0;
    }

    if (!json_is_object(settings)) {
        return maint_fail(d, "settings", "must be an object");
    }

    rc = maint_get_int(d, settings, "notify_before_minutes", "settings.",
                       0, MAINT_MAX_NOTIFY_MIN, &d->default_notify_min);
    if (rc < 0) {
        return -1;
    }

    rc = maint_get_int(d, settings, "session_idle_minutes", "settings.",
                       1, MAINT_MAX_NOTIFY_MIN, &d->idle_min);
    if (rc < 0) {
        return -1;
    }

    if (maint_get_string(d, settings, "login_message", "settings.",
                         MAINT_MAX_TEXT_LEN, 1, &d->default_message)
        != 0
        || maint_get_string(d, settings, "notify_message", "settings.",
                            MAINT_MAX_TEXT_LEN, 1, &d->default_notify)
           != 0)
    {
        return -1;
    }

    return 0;
}


static int
maint_decode_window(maint_decoder_t *d, json_t *w, maint_window_t *win,
    size_t idx)
{
    int          rc, show;
    char         path[48], p[80];
    size_t       i, n;
    json_t      *apps, *allow, *mode, *v;
    int64_t      notify_min;
    maint_str_t  s;

    snprintf(path, sizeof(path), "windows[%zu].", idx);

    if (!json_is_object(w)) {
        snprintf(p, sizeof(p), "windows[%zu]", idx);
        return maint_fail(d, p, "must be an object");
    }

    if (maint_get_string(d, w, "id", path, MAINT_MAX_ID_LEN, 0, &win->id)
        != 0)
    {
        return -1;
    }

    if (!maint_valid_name(win->id.data, win->id.len)) {
        snprintf(p, sizeof(p), "%sid", path);
        return maint_fail(d, p, "must be 1 to 64 characters of "
                          "A-Z a-z 0-9 . _ -");
    }

    if (maint_get_string(d, w, "title", path, MAINT_MAX_TEXT_LEN, 0,
                         &win->title)
        != 0)
    {
        return -1;
    }

    rc = maint_get_int(d, w, "start", path, 0, MAINT_MAX_EPOCH, &win->start);
    if (rc != 0) {
        snprintf(p, sizeof(p), "%sstart", path);
        return rc < 0 ? -1 : maint_fail(d, p, "is missing");
    }

    /*
     * A window started now begins at an instant, not on a second: sessions
     * created earlier in that second are before it (terminate_sessions).
     */
    win->start_ms = win->start * 1000;

    rc = maint_get_int(d, w, "start_ms", path, win->start * 1000,
                       win->start * 1000 + 999, &win->start_ms);
    if (rc < 0) {
        return -1;
    }

    rc = maint_get_int(d, w, "end", path, 0, MAINT_MAX_EPOCH, &win->end);
    if (rc != 0) {
        snprintf(p, sizeof(p), "%send", path);
        return rc < 0 ? -1 : maint_fail(d, p, "is missing");
    }

    if (win->end <= win->start) {
        snprintf(p, sizeof(p), "%send", path);
        return maint_fail(d, p, "must be after start");
    }

    if (maint_get_bool(d, w, "hold", path, &win->hold) != 0
        || maint_get_bool(d, w, "terminate_sessions", path,
                          &win->terminate_sessions) != 0)
    {
        return -1;
    }

    mode = json_object_get(w, "mode");
    win->mode = MAINT_MODE_FULL;

    if (mode != NULL && !json_is_null(mode)) {
        if (json_is_string(mode)
            && strcmp(json_string_value(mode), "full") == 0)
        {
            win->mode = MAINT_MODE_FULL;

        } else if (json_is_string(mode)
                   && strcmp(json_string_value(mode), "read_only") == 0)
        {
            win->mode = MAINT_MODE_READ_ONLY;

        } else {
            snprintf(p, sizeof(p), "%smode", path);
            return maint_fail(d, p, "must be \"full\" or \"read_only\"");
        }
    }

    /* apps */

    snprintf(p, sizeof(p), "%sapps", path);
    apps = json_object_get(w, "apps");

    if (apps == NULL || !json_is_array(apps) || json_array_size(apps) == 0) {
        return maint_fail(d, p, "must be a non-empty array of app names");
    }

    n = json_array_size(apps);
    if (n > MAINT_MAX_LIST) {
        return maint_fail(d, p, "has too many entries");
    }

    win->apps = maint_arena_calloc(d->arena, n * sizeof(maint_str_t));
    if (win->apps == NULL) {
        return maint_fail(d, p, "out of memory");
    }

    for (i = 0; i < n; i++) {
        v = json_array_get(apps, i);

        if (!json_is_string(v)) {
            return maint_fail(d, p, "must contain only strings");
        }

        s.data = json_string_value(v);
        s.len = json_string_length(v);

        if (s.len == 1 && s.data[0] == '*') {
            win->all_apps = 1;
            continue;
        }

        if (!maint_valid_name(s.data, s.len)) {
            return maint_fail(d, p, "contains an invalid app name");
        }

        win->apps[win->napps].data = maint_arena_strdup(d->arena, s.data,
                                                        s.len);
        if (win->apps[win->napps].data == NULL) {
            return maint_fail(d, p, "out of memory");
        }

        win->apps[win->napps++].len = s.len;
    }

    /* messages, with the settings' defaults for the empty ones */

    show = 1;

    if (maint_get_bool(d, w, "show_login_message", path, &show) != 0
        || maint_get_string(d, w, "login_message", path, MAINT_MAX_TEXT_LEN,
                            1, &win->message)
           != 0
        || maint_get_string(d, w, "notify_message", path, MAINT_MAX_TEXT_LEN,
                            1, &win->notify_message)
           != 0)
    {
        return -1;
    }

    if (win->message.len == 0) {
        win->message = d->default_message;
    }

    if (!show) {
        win->message.data = "";
        win->message.len = 0;
    }

    if (win->notify_message.len == 0) {
        win->notify_message = d->default_notify;
    }

    notify_min = d->default_notify_min;

    rc = maint_get_int(d, w, "notify_before_minutes", path, 0,
                       MAINT_MAX_NOTIFY_MIN, &notify_min);
    if (rc < 0) {
        return -1;
    }

    win->notify_before = notify_min * 60;

    allow = json_object_get(w, "allow");
    if (allow != NULL && maint_decode_allow(d, allow, win, path) != 0) {
        return -1;
    }

    v = json_object_get(w, "translations");
    if (v != NULL && maint_decode_translations(d, v, win, show, path) != 0) {
        return -1;
    }

    maint_format_rfc3339(win->starts_at, win->start);
    maint_format_rfc3339(win->ends_at, win->end);

    return 0;
}


/*
 * "translations": {"fr": {"title": ..., "login_message": ...,
 * "notify_message": ...}}.  Keys this version does not know are ignored,
 * like unknown fields elsewhere; a missing or empty text is the window's.
 */

static int
maint_decode_translations(maint_decoder_t *d, json_t *tr, maint_window_t *win,
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
        return maint_fail(d, p, "must be an object");
    }

    n = json_object_size(tr);
    if (n > MAINT_MAX_TRANSLATIONS) {
        return maint_fail(d, p, "has too many entries");
    }

    if (n == 0) {
        return 0;
    }

    win->translations = maint_arena_calloc(d->arena,
                                           n * sizeof(maint_translation_t));
    if (win->translations == NULL) {
        return maint_fail(d, p, "out of memory");
    }

    json_object_foreach(tr, lang, texts) {
        snprintf(p, sizeof(p), "%stranslations.%.*s.", path,
                 MAINT_MAX_LANG_LEN, lang);

        if (!maint_valid_lang(lang, strlen(lang))) {
            p[strlen(p) - 1] = '\0';
            return maint_fail(d, p, "is not a language tag");
        }

        if (!json_is_object(texts)) {
            p[strlen(p) - 1] = '\0';
            return maint_fail(d, p, "must be an object");
        }

        t = &win->translations[win->ntranslations++];

        t->lang.data = maint_arena_strdup(d->arena, lang, strlen(lang));
        if (t->lang.data == NULL) {
            return maint_fail(d, p, "out of memory");
        }

        t->lang.len = strlen(lang);

        if (maint_get_string(d, texts, "title", p, MAINT_MAX_TEXT_LEN, 0,
                             &t->title)
            != 0
            || maint_get_string(d, texts, "login_message", p,
                                MAINT_MAX_TEXT_LEN, 1, &t->message)
               != 0
            || maint_get_string(d, texts, "notify_message", p,
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


static int
maint_decode_allow(maint_decoder_t *d, json_t *allow, maint_window_t *win,
    const char *path)
{
    char     p[80];
    size_t   i, n, len;
    json_t  *paths, *nets, *v;

    if (json_is_null(allow)) {
        return 0;
    }

    snprintf(p, sizeof(p), "%sallow", path);

    if (!json_is_object(allow)) {
        return maint_fail(d, p, "must be an object");
    }

    paths = json_object_get(allow, "paths");

    if (paths != NULL && !json_is_null(paths)) {
        snprintf(p, sizeof(p), "%sallow.paths", path);

        if (!json_is_array(paths)) {
            return maint_fail(d, p, "must be an array");
        }

        n = json_array_size(paths);
        if (n > MAINT_MAX_LIST) {
            return maint_fail(d, p, "has too many entries");
        }

        win->allow_paths = maint_arena_calloc(d->arena,
                                              n * sizeof(maint_str_t));
        if (win->allow_paths == NULL && n) {
            return maint_fail(d, p, "out of memory");
        }

        for (i = 0; i < n; i++) {
            v = json_array_get(paths, i);

            if (!json_is_string(v) || json_string_length(v) == 0
                || json_string_value(v)[0] != '/'
                || json_string_length(v) > MAINT_MAX_TEXT_LEN)
            {
                return maint_fail(d, p, "must contain paths starting "
                                  "with \"/\"");
            }

            len = json_string_length(v);

            if (memchr(json_string_value(v), '\0', len) != NULL) {
                return maint_fail(d, p, "contains a NUL byte");
            }

            win->allow_paths[i].data = maint_arena_strdup(d->arena,
                                                  json_string_value(v), len);
            if (win->allow_paths[i].data == NULL) {
                return maint_fail(d, p, "out of memory");
            }

            win->allow_paths[i].len = len;
        }

        win->nallow_paths = n;
    }

    nets = json_object_get(allow, "networks");

    if (nets != NULL && !json_is_null(nets)) {
        snprintf(p, sizeof(p), "%sallow.networks", path);

        if (!json_is_array(nets)) {
            return maint_fail(d, p, "must be an array");
        }

        n = json_array_size(nets);
        if (n > MAINT_MAX_LIST) {
            return maint_fail(d, p, "has too many entries");
        }

        win->allow_networks = maint_arena_calloc(d->arena,
                                                 n * sizeof(maint_cidr_t));
        if (win->allow_networks == NULL && n) {
            return maint_fail(d, p, "out of memory");
        }

        for (i = 0; i < n; i++) {
            v = json_array_get(nets, i);

            if (!json_is_string(v)
                || maint_cidr_parse(json_string_value(v),
                                    json_string_length(v),
                                    &win->allow_networks[i])
                   != 0)
            {
                return maint_fail(d, p, "must contain networks like "
                                  "\"10.0.0.0/8\" or \"2001:db8::/32\"");
            }
        }

        win->nallow_networks = n;
    }

    return 0;
}


static int
maint_hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


static int
maint_valid_kid_chars(const char *s, size_t len, size_t max)
{
    size_t  i;

    if (len == 0 || len > max) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-'))
        {
            return 0;
        }
    }

    return 1;
}


void
maint_superadmin_derive_cid(maint_superadmin_t *sa)
{
    unsigned char  in[sizeof("maint-cid.") - 1 + 32], h[32];
    static const char  hex[] = "0123456789abcdef";
    size_t         i;

    memcpy(in, "maint-cid.", sizeof("maint-cid.") - 1);
    memcpy(in + sizeof("maint-cid.") - 1, sa->credential, 32);
    maint_sha256(in, sizeof(in), h);

    for (i = 0; i < 11; i++) {
        sa->cid[2 * i] = hex[h[i] >> 4];
        sa->cid[2 * i + 1] = hex[h[i] & 15];
    }

    sa->cid_len = 22;
    sa->cid[22] = '\0';
}


static int
maint_decode_superadmins(maint_decoder_t *d, json_t *v, maint_snapshot_t *s)
{
    char                 p[64];
    size_t               i, j, n;
    json_t              *e, *cid;
    maint_str_t          name;
    const char          *hex;
    maint_superadmin_t  *sa;

    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    if (!json_is_array(v) || json_array_size(v) > MAINT_MAX_SUPERADMINS) {
        return maint_fail(d, "superadmins", "must be an array of at most "
                          "1024 superadmins");
    }

    n = json_array_size(v);
    s->superadmins = maint_arena_calloc(d->arena,
                                        (n ? n : 1) * sizeof(*s->superadmins));
    if (s->superadmins == NULL) {
        return maint_fail(d, "superadmins", "out of memory");
    }

    json_array_foreach(v, i, e) {
        snprintf(p, sizeof(p), "superadmins[%zu]", i);

        name.data = json_string_value(json_object_get(e, "name"));
        name.len = name.data ? json_string_length(json_object_get(e, "name"))
                             : 0;
        hex = json_string_value(json_object_get(e, "credential"));

        if (!json_is_object(e) || name.data == NULL
            || !maint_valid_name(name.data, name.len))
        {
            return maint_fail(d, p, "needs a valid \"name\"");
        }

        if (hex == NULL || strlen(hex) != 64) {
            return maint_fail(d, p, "\"credential\" must be 64 hex digits");
        }

        for (j = 0; j < 32; j++) {
            int hi = maint_hex_value(hex[2 * j]);
            int lo = maint_hex_value(hex[2 * j + 1]);

            if (hi < 0 || lo < 0) {
                return maint_fail(d, p, "\"credential\" must be 64 hex "
                                  "digits");
            }

            s->superadmins[i].credential[j] = (unsigned char) (hi << 4 | lo);
        }

        cid = json_object_get(e, "credential_id");

        if (cid != NULL) {
            if (!json_is_string(cid)
                || !maint_valid_kid_chars(json_string_value(cid),
                                          json_string_length(cid),
                                          MAINT_MAX_CID_LEN))
            {
                return maint_fail(d, p, "\"credential_id\" must be 1 to 64 "
                                  "of A-Z a-z 0-9 _ -");
            }

            sa = &s->superadmins[i];
            sa->cid_len = json_string_length(cid);
            memcpy(sa->cid, json_string_value(cid), sa->cid_len);

        } else {
            /* an older admin API: an id that changes with the credential */
            maint_superadmin_derive_cid(&s->superadmins[i]);
        }

        s->superadmins[i].name.data = maint_arena_strdup(d->arena, name.data,
                                                         name.len);
        s->superadmins[i].name.len = name.len;
    }

    s->nsuperadmins = n;

    return 0;
}


static int
maint_valid_kid(const char *s, size_t len)
{
    return maint_valid_kid_chars(s, len, MAINT_MAX_KID_LEN);
}


static int
maint_decode_keys(maint_decoder_t *d, json_t *v, maint_snapshot_t *s)
{
    char          p[64];
    size_t        i, n;
    json_t       *e;
    const char   *kid, *secret;
    maint_key_t  *k;

    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    if (!json_is_array(v) || json_array_size(v) > MAINT_MAX_KEYS) {
        return maint_fail(d, "bypass_keys", "must be an array of at most 16 "
                          "keys");
    }

    n = json_array_size(v);
    s->keys = maint_arena_calloc(d->arena, (n ? n : 1) * sizeof(maint_key_t));
    if (s->keys == NULL) {
        return maint_fail(d, "bypass_keys", "out of memory");
    }

    json_array_foreach(v, i, e) {
        snprintf(p, sizeof(p), "bypass_keys[%zu]", i);
        k = &s->keys[i];

        kid = json_string_value(json_object_get(e, "kid"));
        secret = json_string_value(json_object_get(e, "secret"));

        if (kid == NULL || !maint_valid_kid(kid, strlen(kid))) {
            return maint_fail(d, p, "\"kid\" must be 1 to 32 of "
                              "A-Z a-z 0-9 _ -");
        }

        if (secret == NULL
            || maint_base64_decode(secret, strlen(secret), k->secret,
                                   sizeof(k->secret)) != 32)
        {
            return maint_fail(d, p, "\"secret\" must be the base64 of 32 "
                              "bytes");
        }

        memcpy(k->kid, kid, strlen(kid) + 1);
        k->kid_len = strlen(kid);
        k->signing = json_is_true(json_object_get(e, "signing"));

        if (k->signing) {
            if (s->signing_key) {
                return maint_fail(d, p, "only one key may be signing");
            }

            s->signing_key = k;
        }
    }

    s->nkeys = n;

    return 0;
}


static int
maint_decode_cutoffs(maint_decoder_t *d, json_t *v, maint_snapshot_t *s)
{
    size_t       i;
    json_t      *at;
    const char  *app;

    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    if (!json_is_object(v) || json_object_size(v) > MAINT_MAX_LIST) {
        return maint_fail(d, "session_cutoffs", "must be an object of app "
                          "names to epoch seconds");
    }

    s->cutoffs = maint_arena_calloc(d->arena, (json_object_size(v) + 1)
                                              * sizeof(maint_cutoff_t));
    if (s->cutoffs == NULL) {
        return maint_fail(d, "session_cutoffs", "out of memory");
    }

    i = 0;

    json_object_foreach(v, app, at) {
        if ((strcmp(app, "*") != 0 && !maint_valid_name(app, strlen(app)))
            || !json_is_integer(at) || json_integer_value(at) < 0)
        {
            return maint_fail(d, "session_cutoffs", "must map app names (or "
                              "\"*\") to epoch seconds");
        }

        s->cutoffs[i].app.data = maint_arena_strdup(d->arena, app,
                                                    strlen(app));
        s->cutoffs[i].app.len = strlen(app);
        s->cutoffs[i].at = json_integer_value(at);
        i++;
    }

    s->ncutoffs = i;

    return 0;
}


const maint_superadmin_t *
maint_snapshot_superadmin(const maint_snapshot_t *s, const char *name,
    size_t len)
{
    size_t  i;

    for (i = 0; s && i < s->nsuperadmins; i++) {
        if (maint_str_eq(&s->superadmins[i].name, name, len)) {
            return &s->superadmins[i];
        }
    }

    return NULL;
}


const maint_key_t *
maint_snapshot_key(const maint_snapshot_t *s, const char *kid, size_t len)
{
    size_t  i;

    for (i = 0; s && i < s->nkeys; i++) {
        if (s->keys[i].kid_len == len
            && memcmp(s->keys[i].kid, kid, len) == 0)
        {
            return &s->keys[i];
        }
    }

    return NULL;
}


long
maint_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t outlen)
{
    int       v;
    size_t    i, n;
    unsigned  acc, bits;

    acc = 0;
    bits = 0;
    n = 0;

    for (i = 0; i < len; i++) {
        char c = in[i];

        if (c == '=') {
            break;
        }

        if (c >= 'A' && c <= 'Z') {
            v = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            v = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            v = c - '0' + 52;
        } else if (c == '+' || c == '-') {
            v = 62;
        } else if (c == '/' || c == '_') {
            v = 63;
        } else {
            return -1;
        }

        acc = (acc << 6) | (unsigned) v;
        bits += 6;

        if (bits >= 8) {
            bits -= 8;

            if (n == outlen) {
                return -1;
            }

            out[n++] = (unsigned char) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }

    /* only padding may follow */
    for ( /* void */ ; i < len; i++) {
        if (in[i] != '=') {
            return -1;
        }
    }

    return (long) n;
}


int
maint_cidr_parse(const char *s, size_t len, maint_cidr_t *out)
{
    char           buf[64];
    long           bits;
    size_t         alen, i, max;
    const char    *slash;
    char          *end;

    memset(out, 0, sizeof(maint_cidr_t));

    if (len == 0 || len >= sizeof(buf)) {
        return -1;
    }

    slash = memchr(s, '/', len);
    alen = slash ? (size_t) (slash - s) : len;

    memcpy(buf, s, alen);
    buf[alen] = '\0';

    if (inet_pton(AF_INET, buf, out->addr) == 1) {
        out->family = AF_INET;
        max = 32;

    } else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
        out->family = AF_INET6;
        max = 128;

    } else {
        return -1;
    }

    bits = (long) max;

    if (slash) {
        size_t blen = len - alen - 1;

        if (blen == 0 || blen > 3) {
            return -1;
        }

        memcpy(buf, slash + 1, blen);
        buf[blen] = '\0';

        for (i = 0; i < blen; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                return -1;
            }
        }

        bits = strtol(buf, &end, 10);

        if (bits < 0 || bits > (long) max) {
            return -1;
        }
    }

    for (i = 0; i < max / 8; i++) {
        if (bits >= 8) {
            out->mask[i] = 0xff;
            bits -= 8;

        } else {
            out->mask[i] = (unsigned char) (0xff << (8 - bits));
            bits = 0;
        }

        out->addr[i] &= out->mask[i];
    }

    return 0;
}


int
maint_cidr_match(const maint_cidr_t *c, int family, const unsigned char *addr)
{
    size_t  i, n;

    if (c->family != family) {
        return 0;
    }

    n = family == AF_INET ? 4 : 16;

    for (i = 0; i < n; i++) {
        if ((addr[i] & c->mask[i]) != c->addr[i]) {
            return 0;
        }
    }

    return 1;
}
