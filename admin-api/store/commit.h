/*
 * commit.h: every change to the state, in one atomic script
 * (store/commit.c, store/commit.lua), and the audit entry of an attempt
 * that changed nothing.  Return values: store/store.h.
 */

#ifndef ADM_STORE_COMMIT_H
#define ADM_STORE_COMMIT_H

#include <stdint.h>
#include <jansson.h>


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
    int64_t             score;              /* its starts_at (Pwindows) */
    int                 live;               /* keep in the live set */
    json_t             *settings;           /* to store, or NULL */
    json_t             *access;             /* to store, or NULL */
    json_t             *targets;            /* notification targets, or
                                               NULL: unchanged */
    json_t             *events;             /* the outbox's new events
                                               (resources/write.c), or NULL */
    adm_sessions_op_t  *sessions;           /* or NULL */
    json_t             *series;             /* series records to put, or
                                               NULL */
    const char         *series_del;         /* a series to delete, or
                                               NULL */
    json_t             *more;               /* more windows to put (a
                                               series' occurrences):
                                               [{"record", "score",
                                               "live"}], or NULL */
    const char         *actor;
    const char         *snapshot;
    json_t             *audit;              /* audit entry fields */
} adm_commit_t;


int adm_store_commit(adm_commit_t *c, int64_t *new_version,
    int64_t *lease_ms);

/* why the last commit failed, asked once by its answer */
int adm_store_unconfirmed(void);
int adm_store_unsure(void);

int adm_store_audit(json_t *entry);

/* the lease alone (at the start, after a reload); *replaced: the one before */
int adm_store_lease(int64_t *replaced);


#endif /* ADM_STORE_COMMIT_H */
