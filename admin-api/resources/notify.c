/*
 * notify.c: the /v1/notify/targets resource (docs/admin-api.md#notify):
 * who is told about windows, by email or by webhook.  Targets are written
 * through the write engine like every other change, so they are audited
 * and reach the outbox's events in the same atomic step.  A webhook's
 * secret is made here (or given once by the client), answered once, and
 * never shown, logged or audited after.
 */

#include <stdio.h>
#include <string.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "maint_codec.h"
#include "admin.h"
#include "http/http.h"
#include "model/notify.h"
#include "model/times.h"
#include "resources/change.h"
#include "resources/notify.h"
#include "resources/write.h"
#include "store/reads.h"


#define ADM_TARGETS_MAX     256
#define ADM_SECRET_BYTES    32
#define ADM_SECRET_LEN      (6 + 44)        /* "whsec_" + base64 of 32 */


static json_t *
adm_targets_part(adm_view_t *v, adm_change_t *c)
{
    if (c->targets == NULL) {
        c->targets = json_deep_copy(v->targets);
    }

    return c->targets;
}


static int
adm_new_secret(char out[ADM_SECRET_LEN + 1])
{
    unsigned char  raw[ADM_SECRET_BYTES];

    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        return -1;
    }

    memcpy(out, "whsec_", 6);
    out[6 + maint_base64(raw, sizeof(raw), out + 6)] = '\0';
    OPENSSL_cleanse(raw, sizeof(raw));

    return 0;
}


int
adm_notify_targets_list(adm_req_t *r)
{
    int          rc;
    adm_view_t   v;

    if (adm_store_view(&v) != 0) {
        return adm_redis_down(r);
    }

    rc = adm_reply_by_name(r, v.targets, adm_notify_target_view);
    adm_view_free(&v);

    return rc;
}


int
adm_notify_target_get(adm_req_t *r)
{
    json_t      *rec;
    adm_view_t   v;

    if (adm_store_view(&v) != 0) {
        return adm_redis_down(r);
    }

    rec = json_object_get(v.targets, r->id);

    if (rec == NULL) {
        adm_view_free(&v);
        return adm_not_found(r);
    }

    rec = adm_notify_target_view(rec);
    adm_view_free(&v);

    return adm_reply_json(r, 200, rec);
}


static int
adm_invalid_target(adm_req_t *r, json_t *errors)
{
    return adm_problem(r, 422, ADM_P_VALIDATION, "Invalid target", NULL,
                       errors, NULL);
}


/* --- create --------------------------------------------------------------- */

static int
adm_target_create_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    char         secret[ADM_SECRET_LEN + 1];
    json_t      *all, *rec, *fields = c->data;
    const char  *name;

    all = adm_targets_part(v, c);
    name = json_string_value(json_object_get(fields, "name"));

    if (json_object_get(all, name)) {
        adm_reject(r, c->action, name, 409);
        return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict",
                           "a target with that name exists; edit it, or "
                           "remove it first", NULL, NULL);
    }

    if (json_object_size(all) >= ADM_TARGETS_MAX) {
        adm_reject(r, c->action, name, 409);
        return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict",
                           "there are 256 targets already", NULL, NULL);
    }

    rec = json_deep_copy(fields);
    secret[0] = '\0';

    if (strcmp(json_string_value(json_object_get(rec, "kind")), "webhook")
        == 0 && json_object_get(rec, "secrets") == NULL)
    {
        if (adm_new_secret(secret) != 0) {
            json_decref(rec);
            return adm_problem(r, 500, "internal", "Internal error",
                               "no random bytes", NULL, NULL);
        }

        json_object_set_new(rec, "secrets", json_pack("[s]", secret));
    }

    if (json_object_get(rec, "events") == NULL) {
        json_object_set_new(rec, "events", json_pack("[s, s, s, s, s, s]",
            "scheduled", "changed", "reminder", "started", "completed",
            "cancelled"));
    }

    if (json_object_get(rec, "enabled") == NULL) {
        json_object_set_new(rec, "enabled", json_true());
    }

    json_object_set_new(rec, "disabled_reason", json_null());
    json_object_set_new(rec, "created_at", adm_time_json(v->now_ms / 1000));
    json_object_set_new(rec, "created_by", json_string(r->token->name));
    json_object_set(rec, "updated_at", json_object_get(rec, "created_at"));
    json_object_set_new(rec, "updated_by", json_string(r->token->name));

    json_object_set_new(all, name, rec);

    c->audit_after = adm_notify_target_view(rec);
    c->reply = adm_notify_target_view(rec);

    /* shown this once: a generated secret, never a client's own */
    if (secret[0]) {
        json_object_set_new(c->reply, "secret",
                            json_string(c->dry_run ? "<redacted>" : secret));
        OPENSSL_cleanse(secret, sizeof(secret));
    }

    c->ok_status = 201;

    return 0;
}


int
adm_notify_targets_create(adm_req_t *r)
{
    int          rc;
    json_t      *fields, *errors;
    const char  *name;

    if (adm_body(r, 0) != 0) {
        return 0;
    }

    fields = json_object();
    errors = json_array();

    if (adm_notify_target_fields(r->json, 1, NULL, fields, errors) != 0) {
        json_decref(fields);
        return adm_invalid_target(r, errors);
    }

    json_decref(errors);

    name = json_string_value(json_object_get(fields, "name"));
    rc = adm_write(r, "notify.target.create", name,
                   adm_target_create_compute, fields);
    json_decref(fields);

    return rc;
}


/* --- edit, remove, rotate -------------------------------------------------- */

static int
adm_target_patch_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    json_t      *rec, *fields, *errors;
    const char  *kind;

    rec = json_object_get(adm_targets_part(v, c), r->id);

    if (rec == NULL) {
        return adm_not_found(r);
    }

    kind = json_string_value(json_object_get(rec, "kind"));
    fields = json_object();
    errors = json_array();

    if (adm_notify_target_fields(r->json, 0, kind, fields, errors) != 0) {
        json_decref(fields);
        return adm_invalid_target(r, errors);
    }

    json_decref(errors);

    c->audit_before = adm_notify_target_view(rec);

    json_object_update(rec, fields);
    json_decref(fields);

    /* enabled again by hand: whatever disabled it is the past */
    if (json_is_true(json_object_get(r->json, "enabled"))) {
        json_object_set_new(rec, "disabled_reason", json_null());
    }

    json_object_set_new(rec, "updated_at", adm_time_json(v->now_ms / 1000));
    json_object_set_new(rec, "updated_by", json_string(r->token->name));

    c->audit_after = adm_notify_target_view(rec);
    c->reply = adm_notify_target_view(rec);

    return 0;
}


int
adm_notify_target_patch(adm_req_t *r)
{
    if (adm_body(r, 0) != 0) {
        return 0;
    }

    return adm_write(r, "notify.target.update", r->id,
                     adm_target_patch_compute, NULL);
}


static int
adm_target_delete_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    json_t  *all, *rec;

    all = adm_targets_part(v, c);
    rec = json_object_get(all, r->id);

    if (rec == NULL) {
        return adm_not_found(r);
    }

    c->audit_before = adm_notify_target_view(rec);
    c->ok_status = 204;
    json_object_del(all, r->id);

    return 0;
}


int
adm_notify_target_delete(adm_req_t *r)
{
    return adm_write(r, "notify.target.delete", r->id,
                     adm_target_delete_compute, NULL);
}


/*
 * A new secret signs first; the old one keeps signing too (receivers that
 * still hold it accept) until the next rotation, or at once with
 * {"keep_old": false}.
 */

static int
adm_target_rotate_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    char     secret[ADM_SECRET_LEN + 1];
    json_t  *rec, *secrets, *keep;

    rec = json_object_get(adm_targets_part(v, c), r->id);

    if (rec == NULL) {
        return adm_not_found(r);
    }

    if (strcmp(json_string_value(json_object_get(rec, "kind")), "webhook")
        != 0)
    {
        adm_reject(r, c->action, r->id, 409);
        return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict",
                           "only webhook targets have a secret", NULL, NULL);
    }

    keep = r->json ? json_object_get(r->json, "keep_old") : NULL;

    if (keep && !json_is_boolean(keep)) {
        return adm_invalid_target(r, json_pack("[{s:s, s:s}]", "field",
                                               "keep_old", "reason",
                                               "must be true or false"));
    }

    if (adm_new_secret(secret) != 0) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "no random bytes", NULL, NULL);
    }

    c->audit_before = adm_notify_target_view(rec);

    secrets = json_object_get(rec, "secrets");
    json_array_insert_new(secrets, 0, json_string(secret));

    while (json_array_size(secrets) > (json_is_false(keep) ? 1
                                       : ADM_NOTIFY_SECRETS_MAX))
    {
        json_array_remove(secrets, json_array_size(secrets) - 1);
    }

    json_object_set_new(rec, "updated_at", adm_time_json(v->now_ms / 1000));
    json_object_set_new(rec, "updated_by", json_string(r->token->name));

    c->audit_after = adm_notify_target_view(rec);
    c->reply = json_pack("{s:s, s:s, s:I}",
                         "name", r->id,
                         "secret", c->dry_run ? "<redacted>" : secret,
                         "secret_count",
                         (json_int_t) json_array_size(secrets));

    OPENSSL_cleanse(secret, sizeof(secret));

    return 0;
}


int
adm_notify_target_rotate(adm_req_t *r)
{
    if (adm_body(r, 1) != 0) {
        return 0;
    }

    return adm_write(r, "notify.target.rotate", r->id,
                     adm_target_rotate_compute, NULL);
}
