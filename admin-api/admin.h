/*
 * admin.h: what the resources, the model and the storage of maint-admind
 * share.  The process and the HTTP layer have headers of their own:
 *
 *   main.c       startup, subcommands, the main loop, shutdown (no header)
 *   config.h     configuration file and flags (config.c)
 *   log.h        structured logs (JSON lines) (log.c)
 *   http/        the HTTP layer: http.h (http.c, routes.def), routes.h,
 *                auth.h, tls.h, metrics.h, service.h, web.h
 *
 *   bodies.c     what the other request bodies may hold (settings,
 *                superadmins, sessions, /complete and /cancel)
 *   store.c      the Redis schema and every Redis command the daemon sends
 *   window.c     the window model: validation, lifecycle, overlaps
 *   snapshot.c   the snapshot the gateways read, built from the windows
 *   windows.c    /v1/windows resource
 *   sessions.c   /v1/sessions resource, and ending sessions when a window
 *                with terminate_sessions starts
 *   superadmins.c  /v1/superadmins and /v1/bypass-keys resources
 *   settings.c   /v1/settings resource
 *   audit.c      /v1/audit resource
 *   status.c     /v1/status: what an edge decides now
 *   gateways.c   /v1/gateways, from the gateways' heartbeats
 *   prechecks.c  the dry-run prechecks
 *   ticker.c     automatic starts and ends, recorded once a second
 */

#ifndef ADMIN_H
#define ADMIN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <hiredis/hiredis.h>

#include "maint_core.h"


/* the request of the HTTP layer (http/http.h), which handlers are given */
typedef struct adm_req_s  adm_req_t;

/* lists: page sizes, and how many ids a filtered list reads at a time */
#define ADM_PAGE_DEFAULT     50
#define ADM_PAGE_MAX         500
#define ADM_SCAN_BATCH       200


/* --- Redis -------------------------------------------------------------- */

/*
 * Who gets in, besides the windows: {"superadmins": {name: record},
 * "bypass_keys": {kid: record}, "session_cutoffs": {app: epoch s}}.
 */
typedef struct {
    int64_t             version;            /* of the state */
    int64_t             now_ms;             /* Redis clock */
    json_t             *settings;           /* object */
    json_t             *live;               /* array of window records */
    json_t             *access;             /* object, as above */
} adm_view_t;

/* what a change does to sessions, besides the snapshot */
typedef struct {
    json_t             *revoke;             /* ids to put on the blacklist */
    json_t             *keep;               /* ids whose kept_at is set */
    int64_t             keep_at;            /* ms */
    int                 bump;               /* bump Pstate revocations */
    int64_t             now_ms;
    int64_t             ttl_ms;             /* of a blacklist entry */
    int64_t             idle_ms;            /* of a registry entry */
} adm_sessions_op_t;

typedef struct {
    int64_t             expect_version;
    const char         *op;                 /* "put", "del" or "none" */
    const char         *id;
    json_t             *window;             /* record, for "put" */
    int                 live;               /* keep in the live set */
    json_t             *settings;           /* to store, or NULL */
    json_t             *access;             /* to store, or NULL */
    adm_sessions_op_t  *sessions;           /* or NULL */
    const char         *actor;
    const char         *snapshot;
    json_t             *audit;              /* audit entry fields */
} adm_commit_t;

enum { ADM_OK = 0, ADM_ERROR = -1, ADM_RETRY = 1, ADM_NOTHING = 2 };

int adm_store_tls_init(char *err, size_t errlen);
int adm_store_connect(void);
void adm_store_close(void);
redisReply *adm_redis(int argc, const char **argv, const size_t *lens);
redisReply *adm_redisf(const char *fmt, ...);
const char *adm_store_error(void);
int adm_store_now(int64_t *ms);
int adm_store_view(adm_view_t *v);
void adm_view_free(adm_view_t *v);
int adm_store_window(const char *id, json_t **rec);
int adm_store_commit(adm_commit_t *c, int64_t *new_version,
    int64_t *lease_ms);
int adm_store_unconfirmed(void);
int adm_store_unsure(void);
int adm_store_audit(json_t *entry);
int adm_store_list_ids(int64_t max_score, size_t offset, size_t count,
    json_t **ids);
int adm_store_windows(json_t *ids, json_t **recs);
int adm_store_audit_page(const char *before, size_t count, json_t **items,
    char *last, size_t lastlen);
int adm_store_gateways(int64_t now_ms, json_t **items);
int adm_store_snapshot(int64_t *version, char **json, size_t *len);
int adm_store_session_ids(size_t offset, size_t count, json_t **ids);
int adm_store_sessions(json_t *ids, json_t **recs);
int adm_store_session_clean(int64_t before_ms);
void adm_key(char *buf, size_t len, const char *name, const char *id);
json_t *adm_settings_defaults(void);
int64_t adm_setting(json_t *settings, const char *name);


/* --- windows ------------------------------------------------------------ */

typedef enum {
    ADM_ST_SCHEDULED = 0,
    ADM_ST_IN_PROGRESS,
    ADM_ST_COMPLETED,
    ADM_ST_COMPLETED_WITH_ERRORS,
    ADM_ST_FAILED,
    ADM_ST_CANCELLED
} adm_status_e;

const char *adm_status_name(adm_status_e st);
int adm_status_parse(const char *s, adm_status_e *st);
int adm_status_finished(adm_status_e st);

int adm_window_fields(json_t *in, int creating, int64_t now, json_t *out,
    json_t *errors);
json_t *adm_window_new(const char *id, json_t *fields, const char *actor,
    int64_t now);
void adm_window_merge(json_t *rec, json_t *fields);
int adm_window_check(json_t *rec, int creating, int64_t now,
    json_t *errors);
adm_status_e adm_window_status(json_t *rec);
adm_status_e adm_window_effective(json_t *rec, int64_t now);
json_t *adm_window_view(json_t *rec, int64_t now);
json_t *adm_window_conflict(json_t *rec, json_t *live, int64_t now);
int64_t adm_window_time(json_t *rec, const char *field);
int64_t adm_window_time_ms(json_t *rec, const char *field);
int64_t adm_window_begin(json_t *rec);
int64_t adm_window_begin_ms(json_t *rec);
void adm_window_now_ms(json_t *in, json_t *fields, int64_t now_ms);
void adm_window_set_time(json_t *rec, const char *field, int64_t t);
void adm_window_touch(json_t *rec, const char *actor, int64_t now);
int adm_window_id(char *out, size_t len);

json_t *adm_time_json(int64_t t);
json_t *adm_time_ms_json(int64_t ms);
int adm_parse_time(json_t *v, int64_t now, int64_t *t);
int adm_text_ok(const char *s, size_t len, size_t max_chars, int lines);
int adm_refuse(json_t *errors, const char *field, const char *reason);
void adm_utf8_trim(char *s);


/* --- snapshot ----------------------------------------------------------- */

char *adm_snapshot_build(json_t *live, json_t *settings, json_t *access,
    int64_t now);
json_t *adm_snapshot_redacted(const char *snapshot);
int adm_snapshot_check(const char *snapshot, char *err, size_t errlen);
const char *adm_signing_kid(json_t *keys);




/* --- writes: the shared load, check, commit loop -------------------------- */

typedef struct adm_change_s  adm_change_t;

/*
 * A change is computed from a fresh view; returns 0 to commit, or the
 * HTTP answer it queued (non-zero) to stop.
 */
typedef int (*adm_change_pt)(adm_req_t *r, adm_view_t *v, adm_change_t *c);

struct adm_change_s {
    const char         *action;             /* audit action */
    const char         *target;
    json_t             *before;             /* stored window, or NULL */
    json_t             *after;              /* new window, or NULL */
    const char         *op;                 /* "put", "del", "none" */
    json_t             *settings;           /* new settings, or NULL */
    json_t             *access;             /* new access, or NULL */
    adm_sessions_op_t   sessions;
    json_t             *audit_before;       /* for other resources: what */
    json_t             *audit_after;        /*   the audit shows */
    json_t             *reply;              /* their answer, or NULL: 204 */
    int                 dry_run;
    unsigned            ok_status;
    void               *data;
};

int adm_write(adm_req_t *r, const char *action, const char *target,
    adm_change_pt compute, void *data);
int adm_reject(adm_req_t *r, const char *action, const char *target,
    unsigned status);
json_t *adm_audit_entry(adm_req_t *r, const char *action, const char *target,
    const char *outcome, unsigned status, json_t *before, json_t *after,
    int64_t now_ms);
int adm_if_match(adm_req_t *r, json_t *rec, const char *action);


/* --- request bodies other than a window's (bodies.c) --------------------- */

#define ADM_SESSION_ID_LEN  64
#define ADM_EXCEPT_MAX      1000            /* "except": session ids */

typedef struct {
    const char         *app;                /* NULL: every app */
    json_t             *except;             /* session ids to keep, or NULL */
    int                 except_superadmins;
} adm_terminate_t;

int adm_json_nul(json_t *v, char *path, size_t len);
int adm_session_id_ok(const char *id);
int adm_settings_fields(json_t *in, json_t *settings, json_t *errors);
int adm_superadmin_fields(json_t *in, const char **name, json_t *errors);
int adm_terminate_fields(json_t *in, adm_terminate_t *t, json_t *errors);
int adm_finish_fields(json_t *in, int complete, adm_status_e *outcome,
    json_t **notes, json_t *errors);


/* --- sessions ----------------------------------------------------------- */

int adm_sessions_end_all(adm_view_t *v, adm_change_t *c, const char *app,
    int64_t cutoff, int64_t from_ms, json_t *except, int except_superadmins,
    size_t *kept);
int adm_sessions_window_hook(adm_view_t *v, adm_change_t *c);


/* --- resources ------------------------------------------------------------ */

int adm_windows_list(adm_req_t *r);
int adm_windows_create(adm_req_t *r);
int adm_window_get(adm_req_t *r);
int adm_window_patch(adm_req_t *r);
int adm_window_delete(adm_req_t *r);
int adm_window_start(adm_req_t *r);
int adm_window_complete(adm_req_t *r);
int adm_window_cancel(adm_req_t *r);
int adm_status(adm_req_t *r);
int adm_settings_get(adm_req_t *r);
int adm_settings_put(adm_req_t *r);
int adm_audit_list(adm_req_t *r);
int adm_gateways_list(adm_req_t *r);
int adm_sessions_list(adm_req_t *r);
int adm_session_get(adm_req_t *r);
int adm_session_end(adm_req_t *r);
int adm_sessions_terminate(adm_req_t *r);
int adm_superadmins_list(adm_req_t *r);
int adm_superadmins_create(adm_req_t *r);
int adm_superadmin_delete(adm_req_t *r);
int adm_superadmin_rotate(adm_req_t *r);
int adm_bypass_keys_list(adm_req_t *r);
int adm_bypass_keys_create(adm_req_t *r);
int adm_bypass_key_delete(adm_req_t *r);
json_t *adm_bypass_key_new(const char *actor, int64_t now_ms);

json_t *adm_prechecks(json_t *rec, adm_view_t *v, int *ok);
json_t *adm_check_redis(void);

void adm_tick(void);


#endif /* ADMIN_H */
