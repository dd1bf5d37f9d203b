/*
 * superadmins.c: the /v1/superadmins and /v1/bypass-keys resources
 * (docs/admin-api.md#superadmins).  Both live in the access part of the
 * state and reach the gateways through the snapshot: a superadmin as a
 * name, the SHA-256 of the credential and the id of its issuance, a key
 * as its secret.  A
 * credential is made here, answered once, and never stored, logged or
 * audited; neither are the hashes and the secrets.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "maint_bypass.h"
#include "maint_session.h"
#include "admin.h"
#include "http/http.h"
#include "model/bodies.h"
#include "model/snapshot.h"
#include "model/times.h"
#include "resources/change.h"
#include "resources/superadmins.h"
#include "resources/write.h"
#include "store/reads.h"

static json_t *adm_bypass_key_new(const char *actor, int64_t now_ms);
#include "maint_codec.h"
#include "maint_hash.h"


#define ADM_CREDENTIAL_LEN  (3 + 43)        /* "sa_" + 32 bytes, base64url */
#define ADM_CREDENTIAL_ID_LEN  22           /* 16 bytes, base64url */
#define ADM_MAX_KEYS        16


/* --- shared -------------------------------------------------------------- */

static json_t *
adm_access_part(adm_view_t *v, adm_change_t *c, const char *part)
{
    if (c->access == NULL) {
        c->access = json_deep_copy(v->access);
    }

    return json_object_get(c->access, part);
}


/*
 * A credential, its SHA-256 in hex, and the id of this issuance: random,
 * never reused, so the edge ends the bypass cookies issued for an earlier
 * credential (a rotation, or a removal and a new superadmin of the same
 * name) on the next request.  0 on success.
 */

static int
adm_credential(char cred[ADM_CREDENTIAL_LEN + 1], char hash[65],
    char cid[ADM_CREDENTIAL_ID_LEN + 1])
{
    unsigned char  raw[32], h[32];

    if (RAND_bytes(raw, 16) != 1) {
        return -1;
    }

    maint_b64url(raw, 16, cid);
    cid[ADM_CREDENTIAL_ID_LEN] = '\0';

    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        return -1;
    }

    memcpy(cred, "sa_", 3);
    maint_b64url(raw, sizeof(raw), cred + 3);
    cred[ADM_CREDENTIAL_LEN] = '\0';

    maint_sha256(cred, ADM_CREDENTIAL_LEN, h);
    maint_hex(h, sizeof(h), hash);

    OPENSSL_cleanse(raw, sizeof(raw));

    return 0;
}


/* what may be shown of a superadmin: everything but the hash */

static json_t *
adm_superadmin_view(json_t *rec)
{
    return json_pack("{s:O, s:O, s:O, s:O}",
                     "name", json_object_get(rec, "name"),
                     "created_at", json_object_get(rec, "created_at"),
                     "created_by", json_object_get(rec, "created_by"),
                     "rotated_at", json_object_get(rec, "rotated_at"));
}


static json_t *
adm_key_view(json_t *rec, const char *signing)
{
    const char  *kid;

    kid = json_string_value(json_object_get(rec, "kid"));

    return json_pack("{s:O, s:O, s:O, s:b}",
                     "kid", json_object_get(rec, "kid"),
                     "created_at", json_object_get(rec, "created_at"),
                     "created_by", json_object_get(rec, "created_by"),
                     "signing", signing && kid && strcmp(kid, signing) == 0);
}


/* --- superadmins ---------------------------------------------------------- */

int
adm_superadmins_list(adm_req_t *r)
{
    int          rc;
    adm_view_t   v;

    if (adm_store_view(&v) != 0) {
        return adm_redis_down(r);
    }

    rc = adm_reply_by_name(r, json_object_get(v.access, "superadmins"),
                           adm_superadmin_view);
    adm_view_free(&v);

    return rc;
}


static int
adm_superadmin_create_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    char         cred[ADM_CREDENTIAL_LEN + 1], hash[65];
    char         cid[ADM_CREDENTIAL_ID_LEN + 1];
    json_t      *all, *keys, *rec;
    const char  *name = c->data;

    all = adm_access_part(v, c, "superadmins");

    if (json_object_size(all) >= MAINT_MAX_SUPERADMINS) {
        adm_reject(r, c->action, name, 409);
        return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict",
                           "there are 1024 superadmins already", NULL, NULL);
    }

    if (json_object_get(all, name)) {
        adm_reject(r, c->action, name, 409);
        return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict",
                           "a superadmin with that name exists; rotate its "
                           "credential instead", NULL, NULL);
    }

    if (adm_credential(cred, hash, cid) != 0) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "no random bytes", NULL, NULL);
    }

    rec = json_pack("{s:s, s:s, s:s, s:o, s:s, s:n}",
                    "name", name,
                    "credential_sha256", hash,
                    "credential_id", cid,
                    "created_at", adm_time_json(v->now_ms / 1000),
                    "created_by", r->token->name,
                    "rotated_at");
    json_object_set_new(all, name, rec);

    /* the first superadmin needs a key to sign bypass cookies with */

    keys = json_object_get(c->access, "bypass_keys");

    if (json_object_size(keys) == 0) {
        rec = adm_bypass_key_new(r->token->name, v->now_ms);
        if (rec == NULL) {
            return adm_problem(r, 500, "internal", "Internal error",
                               "no random bytes", NULL, NULL);
        }

        json_object_set_new(keys, json_string_value(json_object_get(rec,
                                                                    "kid")),
                            rec);
    }

    c->audit_after = adm_superadmin_view(json_object_get(all, name));
    c->reply = adm_superadmin_view(json_object_get(all, name));
    json_object_set_new(c->reply, "credential",
                        json_string(c->dry_run ? "<redacted>" : cred));
    c->ok_status = 201;

    OPENSSL_cleanse(cred, sizeof(cred));

    return 0;
}


int
adm_superadmins_create(adm_req_t *r)
{
    json_t      *errors;
    const char  *name;

    if (adm_body(r, 0) != 0) {
        return 0;
    }

    errors = json_array();

    if (adm_superadmin_fields(r->json, &name, errors) != 0) {
        return adm_problem(r, 422, ADM_P_VALIDATION, "Invalid request", NULL,
                           errors, NULL);
    }

    json_decref(errors);

    return adm_write(r, "superadmin.create", name,
                     adm_superadmin_create_compute, (void *) name);
}


static int
adm_superadmin_delete_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    json_t  *all, *rec;

    all = adm_access_part(v, c, "superadmins");
    rec = json_object_get(all, r->id);

    if (rec == NULL) {
        return adm_not_found(r);
    }

    c->audit_before = adm_superadmin_view(rec);
    c->ok_status = 204;
    json_object_del(all, r->id);

    return 0;
}


int
adm_superadmin_delete(adm_req_t *r)
{
    return adm_write(r, "superadmin.delete", r->id,
                     adm_superadmin_delete_compute, NULL);
}


static int
adm_superadmin_rotate_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    char     cred[ADM_CREDENTIAL_LEN + 1], hash[65];
    char     cid[ADM_CREDENTIAL_ID_LEN + 1];
    json_t  *rec;

    rec = json_object_get(adm_access_part(v, c, "superadmins"), r->id);

    if (rec == NULL) {
        return adm_not_found(r);
    }

    if (adm_credential(cred, hash, cid) != 0) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "no random bytes", NULL, NULL);
    }

    c->audit_before = adm_superadmin_view(rec);

    json_object_set_new(rec, "credential_sha256", json_string(hash));
    json_object_set_new(rec, "credential_id", json_string(cid));
    json_object_set_new(rec, "rotated_at", adm_time_json(v->now_ms / 1000));

    c->audit_after = adm_superadmin_view(rec);
    c->reply = json_pack("{s:s, s:s, s:O}",
                         "name", r->id,
                         "credential", c->dry_run ? "<redacted>" : cred,
                         "rotated_at", json_object_get(rec, "rotated_at"));

    OPENSSL_cleanse(cred, sizeof(cred));

    return 0;
}


int
adm_superadmin_rotate(adm_req_t *r)
{
    return adm_write(r, "superadmin.rotate", r->id,
                     adm_superadmin_rotate_compute, NULL);
}


/* --- bypass keys ---------------------------------------------------------- */

/* a new key: "k" and 11 random characters, 32 random bytes of secret */

static json_t *
adm_bypass_key_new(const char *actor, int64_t now_ms)
{
    char           kid[1 + 11 + 1], secret[45];
    json_t        *rec;
    unsigned char  raw[32];

    if (RAND_bytes(raw, 8) != 1) {
        return NULL;
    }

    kid[0] = 'k';
    maint_b64url(raw, 8, kid + 1);
    kid[12] = '\0';

    if (RAND_bytes(raw, sizeof(raw)) != 1) {
        return NULL;
    }

    EVP_EncodeBlock((unsigned char *) secret, raw, sizeof(raw));
    OPENSSL_cleanse(raw, sizeof(raw));

    rec = json_pack("{s:s, s:s, s:o, s:I, s:s}",
                    "kid", kid,
                    "secret", secret,
                    "created_at", adm_time_json(now_ms / 1000),
                    "created_ms", (json_int_t) now_ms,
                    "created_by", actor);

    OPENSSL_cleanse(secret, sizeof(secret));

    return rec;
}


static int
adm_by_created(const void *a, const void *b)
{
    int64_t  x, y;

    x = json_integer_value(json_object_get(*(json_t **) a, "created_ms"));
    y = json_integer_value(json_object_get(*(json_t **) b, "created_ms"));

    return x < y ? 1 : x > y ? -1 : 0;
}


int
adm_bypass_keys_list(adm_req_t *r)
{
    size_t        i, n;
    json_t       *items, *keys, *rec, *sorted[ADM_MAX_KEYS * 2];
    const char   *kid, *signing;
    adm_view_t    v;

    if (adm_store_view(&v) != 0) {
        return adm_redis_down(r);
    }

    keys = json_object_get(v.access, "bypass_keys");
    signing = adm_signing_kid(keys);
    n = 0;

    json_object_foreach(keys, kid, rec) {
        if (n < sizeof(sorted) / sizeof(sorted[0])) {
            sorted[n++] = rec;
        }
    }

    qsort(sorted, n, sizeof(json_t *), adm_by_created);

    items = json_array();

    for (i = 0; i < n; i++) {
        json_array_append_new(items, adm_key_view(sorted[i], signing));
    }

    adm_reply_json(r, 200, json_pack("{s:o}", "items", items));
    adm_view_free(&v);

    return 0;
}


static int
adm_bypass_key_create_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    json_t      *keys, *rec;
    int64_t      last;
    const char  *prev;

    keys = adm_access_part(v, c, "bypass_keys");

    if (json_object_size(keys) >= ADM_MAX_KEYS) {
        adm_reject(r, c->action, "", 409);
        return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict",
                           "there are 16 keys already; remove an old one "
                           "first", NULL, NULL);
    }

    rec = adm_bypass_key_new(r->token->name, v->now_ms);
    if (rec == NULL) {
        return adm_problem(r, 500, "internal", "Internal error",
                           "no random bytes", NULL, NULL);
    }

    /* the newest signs, even within the same millisecond */

    prev = adm_signing_kid(keys);
    last = prev ? json_integer_value(json_object_get(json_object_get(keys,
                                                                     prev),
                                                     "created_ms"))
                : -1;

    if (last >= v->now_ms) {
        json_object_set_new(rec, "created_ms", json_integer(last + 1));
    }

    json_object_set_new(keys, json_string_value(json_object_get(rec, "kid")),
                        rec);

    c->target = json_string_value(json_object_get(rec, "kid"));
    c->reply = adm_key_view(rec, c->target);
    c->audit_after = adm_key_view(rec, c->target);
    c->ok_status = 201;

    return 0;
}


int
adm_bypass_keys_create(adm_req_t *r)
{
    return adm_write(r, "bypass_key.create", NULL,
                     adm_bypass_key_create_compute, NULL);
}


static int
adm_bypass_key_delete_compute(adm_req_t *r, adm_view_t *v, adm_change_t *c)
{
    json_t  *keys, *rec;

    keys = adm_access_part(v, c, "bypass_keys");
    rec = json_object_get(keys, r->id);

    if (rec == NULL) {
        return adm_not_found(r);
    }

    if (json_object_size(keys) == 1
        && json_object_size(json_object_get(c->access, "superadmins")) > 0)
    {
        adm_reject(r, c->action, r->id, 409);
        return adm_problem(r, 409, ADM_P_CONFLICT, "Conflict",
                           "the last key cannot be removed while there are "
                           "superadmins: nobody could sign in; create a new "
                           "key first", NULL, NULL);
    }

    c->audit_before = adm_key_view(rec, adm_signing_kid(keys));
    c->ok_status = 204;
    json_object_del(keys, r->id);

    return 0;
}


int
adm_bypass_key_delete(adm_req_t *r)
{
    return adm_write(r, "bypass_key.delete", r->id,
                     adm_bypass_key_delete_compute, NULL);
}
