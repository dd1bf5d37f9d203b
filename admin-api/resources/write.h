/*
 * write.h: the write engine (resources/write.c): a change computed from a
 * fresh view, checked, committed, and computed again when another writer
 * committed in between.  No HTTP here: resources/change.c runs it for a
 * request, ticker.c for the clock.  Return values: store/store.h.
 */

#ifndef ADM_WRITE_H
#define ADM_WRITE_H

#include <stdint.h>
#include <jansson.h>

#include "store/commit.h"
#include "store/reads.h"


typedef struct adm_change_s  adm_change_t;

/*
 * Computes a change from a fresh view: ADM_OK to commit it, ADM_NOTHING to
 * stop (nothing to do, or the caller answered), ADM_ERROR on failure.
 */
typedef int (*adm_compute_pt)(void *ctx, adm_view_t *v, adm_change_t *c);

struct adm_change_s {
    const char         *action;             /* audit action */
    const char         *target;
    json_t             *before;             /* stored window, or NULL */
    json_t             *after;              /* new window, or NULL */
    const char         *op;                 /* "put", "del", "none" */
    json_t             *settings;           /* new settings, or NULL */
    json_t             *access;             /* new access, or NULL */
    json_t             *targets;            /* new notification targets,
                                               or NULL */
    adm_sessions_op_t   sessions;
    json_t             *series;             /* series records to put, or
                                               NULL */
    const char         *series_del;         /* a series to delete */
    json_t             *more;               /* a series' other windows:
                                               [{"action", "before",
                                               "after"}], or NULL */
    json_t             *audit_before;       /* for other resources: what */
    json_t             *audit_after;        /*   the audit shows */
    json_t             *reply;              /* their answer, or NULL: 204 */
    int64_t             reply_revision;     /* its ETag, or 0: none */
    char                location[96];       /* with 201, or "" */
    int                 dry_run;
    unsigned            ok_status;
    void               *data;
};

typedef struct {
    /* what to do, and for whom */
    const char         *action;
    const char         *target;
    adm_compute_pt      compute;
    void               *ctx;                /* compute's first argument */
    void               *data;               /* the change's data */
    const char         *actor;              /* a token's name, "system" */
    const char         *role;
    const char         *request_id;         /* "" without a request */
    int                 dry_run;
    int                 waits;              /* somebody waits: the lease */

    /* what came of it, until adm_write_free() */
    adm_view_t          view;
    adm_change_t        change;
    char               *snapshot;           /* a dry run's */
    int64_t             now;                /* the view's clock, s */
    int64_t             version;            /* committed */
    char                err[256];           /* ADM_REFUSED, ADM_ERROR */
} adm_write_t;


/*
 * ADM_OK: committed, or a dry run computed; ADM_NOTHING: the compute
 * function stopped; ADM_REFUSED: the change makes a state the gateways
 * could not read (err); ADM_BUSY: it kept conflicting; ADM_ERROR: Redis
 * failed, or with err set, the snapshot could not be built.  Whatever it
 * returns, adm_write_free() then.
 */
int adm_write_run(adm_write_t *w);

/* a change the daemon makes on its own (actor and role "system"): run as
   adm_write_run(), freed; its result */
int adm_write_system(const char *action, const char *target,
    adm_compute_pt compute, void *ctx);

/*
 * Called after every committed change (a request's, the ticker's): main.c
 * registers the sender's wake-up, so that the deliveries a change wrote
 * are claimed in the same turn of the loop, not at the next poll.
 */
void adm_write_on_commit(void (*handler)(void));
void adm_write_free(adm_write_t *w);

json_t *adm_audit_record(const char *actor, const char *role,
    const char *action, const char *target, const char *outcome,
    unsigned status, json_t *before, json_t *after, const char *request_id,
    int64_t now_ms);


/* the lease written alone replaced before_ms (main.c) */
void adm_write_lease_replaced(int64_t before_ms);


#endif /* ADM_WRITE_H */
