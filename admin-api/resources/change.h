/*
 * change.h: the writes requests ask for (resources/change.c), run by the
 * write engine (resources/write.h), answered over HTTP.
 */

#ifndef ADM_CHANGE_H
#define ADM_CHANGE_H

#include <stdint.h>
#include <jansson.h>

#include "admin.h"
#include "resources/write.h"
#include "store/reads.h"


/*
 * A resource's change, computed from a fresh view: returns 0 to commit,
 * or stops having answered the request itself (adm_problem(), ...).
 */
typedef int (*adm_change_pt)(adm_req_t *r, adm_view_t *v, adm_change_t *c);

int adm_write(adm_req_t *r, const char *action, const char *target,
    adm_change_pt compute, void *data);
int adm_reject(adm_req_t *r, const char *action, const char *target,
    unsigned status);
json_t *adm_audit_entry(adm_req_t *r, const char *action, const char *target,
    const char *outcome, unsigned status, json_t *before, json_t *after,
    int64_t now_ms);
#define ADM_ETAG_LEN  32
int adm_etag_test(adm_req_t *r, json_t *rec, char etag[ADM_ETAG_LEN]);
int adm_if_match(adm_req_t *r, json_t *rec, const char *action);
int adm_conflict(adm_req_t *r, const char *action, const char *detail,
    json_t *extra);
int adm_redis_down(adm_req_t *r);

/*
 * The custom prechecks for these apps (a window's) started and the request
 * suspended until they are done (then run again, their results in
 * r->resumed): 1; 0 when no check is for these apps; -1 when they could not
 * be started.
 */
int adm_checks_suspend(adm_req_t *r, json_t *apps);

/* 503: checks apply to the window but could not be run; an action named
   (an early start) is audited as refused */
int adm_checks_missing(adm_req_t *r, const char *action);
int adm_reply_by_name(adm_req_t *r, json_t *records,
    json_t *(*view)(json_t *));


#endif /* ADM_CHANGE_H */
