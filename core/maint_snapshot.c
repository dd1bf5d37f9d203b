/*
 * maint_snapshot.c: decodes the state snapshot JSON (schema 1) into a
 * maint_snapshot_t living in one arena: its settings, superadmins, bypass
 * keys and session cutoffs here, each window in maint_window.c.  Every
 * value is checked for type and range; the first problem found is
 * reported with the path of the field.  Fields this version does not know
 * are ignored, so that the writer can add fields without breaking
 * gateways that run an older module.
 */

#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "maint_codec.h"
#include "maint_hash.h"
#include "maint_json.h"
#include "maint_names.h"
#include "maint_snapshot.h"


typedef struct {
    maint_decoder_t          d;
    maint_window_defaults_t  def;
    int64_t                  idle_min;
} maint_snapshot_decoder_t;


static int maint_decode_settings(maint_snapshot_decoder_t *sd,
    json_t *settings);
static int maint_decode_windows(maint_snapshot_decoder_t *sd, json_t *root,
    maint_snapshot_t *s);
static int maint_decode_superadmins(maint_decoder_t *d, json_t *v,
    maint_snapshot_t *s);
static int maint_decode_keys(maint_decoder_t *d, json_t *v,
    maint_snapshot_t *s);
static int maint_decode_cutoffs(maint_decoder_t *d, json_t *v,
    maint_snapshot_t *s);


maint_snapshot_t *
maint_snapshot_parse(const char *json, size_t len, char *err, size_t errlen)
{
    int64_t                    schema;
    json_t                    *root, *settings;
    json_error_t               jerr;
    maint_arena_t             *arena;
    maint_decoder_t           *d;
    maint_snapshot_t          *s;
    maint_snapshot_decoder_t   sd;

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

    memset(&sd, 0, sizeof(sd));
    d = &sd.d;
    d->arena = arena;
    d->err = err;
    d->errlen = errlen;
    sd.def.notify_min = MAINT_DEFAULT_NOTIFY_MIN;
    sd.idle_min = MAINT_DEFAULT_IDLE_MIN;
    s->session_idle = MAINT_DEFAULT_IDLE_MIN * 60;

    root = NULL;

    if (len > MAINT_MAX_SNAPSHOT) {
        maint_json_fail(d, "snapshot", "is larger than 1 MiB");
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
        maint_json_fail(d, "snapshot", "must be an object");
        goto failed;
    }

    schema = 0;

    if (maint_json_int(d, root, "schema", "", 0, INT32_MAX, &schema) != 0) {
        if (errlen && err[0] == '\0') {
            maint_json_fail(d, "schema", "is missing");
        }

        goto failed;
    }

    if (schema != MAINT_SCHEMA_VERSION) {
        maint_json_fail(d, "schema",
                        "is not supported by this module (want 1)");
        goto failed;
    }

    settings = json_object_get(root, "settings");
    if (settings != NULL && maint_decode_settings(&sd, settings) != 0) {
        goto failed;
    }

    if (maint_decode_windows(&sd, json_object_get(root, "windows"), s) != 0
        || maint_decode_superadmins(d, json_object_get(root, "superadmins"),
                                    s)
           != 0
        || maint_decode_keys(d, json_object_get(root, "bypass_keys"), s)
           != 0
        || maint_decode_cutoffs(d, json_object_get(root, "session_cutoffs"),
                                s)
           != 0)
    {
        goto failed;
    }

    s->session_idle = sd.idle_min * 60;

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
maint_decode_settings(maint_snapshot_decoder_t *sd, json_t *settings)
{
    int               rc;
    maint_decoder_t  *d;

    d = &sd->d;

    if (json_is_null(settings)) {
        return 0;
    }

    if (!json_is_object(settings)) {
        return maint_json_fail(d, "settings", "must be an object");
    }

    rc = maint_json_int(d, settings, "notify_before_minutes", "settings.",
                        0, MAINT_MAX_NOTIFY_MIN, &sd->def.notify_min);
    if (rc < 0) {
        return -1;
    }

    rc = maint_json_int(d, settings, "session_idle_minutes", "settings.",
                        1, MAINT_MAX_NOTIFY_MIN, &sd->idle_min);
    if (rc < 0) {
        return -1;
    }

    if (maint_json_string(d, settings, "login_message", "settings.",
                          MAINT_MAX_TEXT_LEN, 1, &sd->def.message)
        != 0
        || maint_json_string(d, settings, "notify_message", "settings.",
                             MAINT_MAX_TEXT_LEN, 1, &sd->def.notify_message)
           != 0)
    {
        return -1;
    }

    return 0;
}


static int
maint_decode_windows(maint_snapshot_decoder_t *sd, json_t *windows,
    maint_snapshot_t *s)
{
    size_t  i, n;

    if (windows == NULL || json_is_null(windows)) {
        return 0;
    }

    if (!json_is_array(windows)) {
        return maint_json_fail(&sd->d, "windows", "must be an array");
    }

    n = json_array_size(windows);

    if (n > MAINT_MAX_WINDOWS) {
        return maint_json_fail(&sd->d, "windows", "has too many entries");
    }

    s->windows = maint_arena_calloc(sd->d.arena, n * sizeof(maint_window_t));
    if (s->windows == NULL) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        if (maint_window_decode(&sd->d, &sd->def, json_array_get(windows, i),
                                &s->windows[i], i)
            != 0)
        {
            return -1;
        }
    }

    s->nwindows = n;

    return 0;
}


void
maint_superadmin_derive_cid(maint_superadmin_t *sa)
{
    unsigned char  in[sizeof("maint-cid.") - 1 + 32], h[32];

    memcpy(in, "maint-cid.", sizeof("maint-cid.") - 1);
    memcpy(in + sizeof("maint-cid.") - 1, sa->credential, 32);
    maint_sha256(in, sizeof(in), h);

    maint_hex(h, 11, sa->cid);
    sa->cid_len = 22;
}


static int
maint_decode_superadmins(maint_decoder_t *d, json_t *v, maint_snapshot_t *s)
{
    char                 p[64];
    size_t               i, n;
    json_t              *e, *cid;
    maint_str_t          name;
    const char          *hex;
    maint_superadmin_t  *sa;

    if (v == NULL || json_is_null(v)) {
        return 0;
    }

    if (!json_is_array(v) || json_array_size(v) > MAINT_MAX_SUPERADMINS) {
        return maint_json_fail(d, "superadmins", "must be an array of at "
                               "most 1024 superadmins");
    }

    n = json_array_size(v);
    s->superadmins = maint_arena_calloc(d->arena,
                                        (n ? n : 1) * sizeof(*s->superadmins));
    if (s->superadmins == NULL) {
        return maint_json_fail(d, "superadmins", "out of memory");
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
            return maint_json_fail(d, p, "needs a valid \"name\"");
        }

        if (maint_hex_decode(hex, hex ? strlen(hex) : 0,
                             s->superadmins[i].credential, 32)
            != 0)
        {
            return maint_json_fail(d, p, "\"credential\" must be 64 hex "
                                   "digits");
        }

        cid = json_object_get(e, "credential_id");

        if (cid != NULL) {
            if (!json_is_string(cid)
                || !maint_valid_ident(json_string_value(cid),
                                      json_string_length(cid),
                                      MAINT_MAX_CID_LEN, MAINT_KID_CHARS))
            {
                return maint_json_fail(d, p, "\"credential_id\" must be 1 "
                                       "to 64 of A-Z a-z 0-9 _ -");
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
        return maint_json_fail(d, "bypass_keys", "must be an array of at "
                               "most 16 keys");
    }

    n = json_array_size(v);
    s->keys = maint_arena_calloc(d->arena, (n ? n : 1) * sizeof(maint_key_t));
    if (s->keys == NULL) {
        return maint_json_fail(d, "bypass_keys", "out of memory");
    }

    json_array_foreach(v, i, e) {
        snprintf(p, sizeof(p), "bypass_keys[%zu]", i);
        k = &s->keys[i];

        kid = json_string_value(json_object_get(e, "kid"));
        secret = json_string_value(json_object_get(e, "secret"));

        if (kid == NULL
            || !maint_valid_ident(kid, strlen(kid), MAINT_MAX_KID_LEN,
                                  MAINT_KID_CHARS))
        {
            return maint_json_fail(d, p, "\"kid\" must be 1 to 32 of "
                                   "A-Z a-z 0-9 _ -");
        }

        if (secret == NULL
            || maint_base64_decode(secret, strlen(secret), k->secret,
                                   sizeof(k->secret)) != 32)
        {
            return maint_json_fail(d, p, "\"secret\" must be the base64 of 32 "
                                   "bytes");
        }

        memcpy(k->kid, kid, strlen(kid) + 1);
        k->kid_len = strlen(kid);
        k->signing = json_is_true(json_object_get(e, "signing"));

        if (k->signing) {
            if (s->signing_key) {
                return maint_json_fail(d, p, "only one key may be signing");
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
        return maint_json_fail(d, "session_cutoffs", "must be an object "
                               "of app names to epoch seconds");
    }

    s->cutoffs = maint_arena_calloc(d->arena, (json_object_size(v) + 1)
                                              * sizeof(maint_cutoff_t));
    if (s->cutoffs == NULL) {
        return maint_json_fail(d, "session_cutoffs", "out of memory");
    }

    i = 0;

    json_object_foreach(v, app, at) {
        if ((strcmp(app, "*") != 0 && !maint_valid_name(app, strlen(app)))
            || !json_is_integer(at) || json_integer_value(at) < 0)
        {
            return maint_json_fail(d, "session_cutoffs", "must map app "
                                   "names (or \"*\") to epoch seconds");
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
