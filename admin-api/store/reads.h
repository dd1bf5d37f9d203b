/*
 * reads.h: reads of the daemon's own keys (store/reads.c).  Return values:
 * store/store.h.
 */

#ifndef ADM_STORE_READS_H
#define ADM_STORE_READS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


/*
 * What a change is computed from.  Who gets in, besides the windows, is
 * "access": {"superadmins": {name: record}, "bypass_keys": {kid: record},
 * "session_cutoffs": {app: epoch s}}.
 */
typedef struct {
    int64_t             version;            /* of the state */
    int64_t             now_ms;             /* Redis clock */
    json_t             *settings;           /* object */
    json_t             *live;               /* array of window records */
    json_t             *access;             /* object, as above */
    json_t             *targets;            /* notification targets,
                                               {name: record} */
    json_t             *series;             /* array of series records */
} adm_view_t;


int adm_store_view(adm_view_t *v);
void adm_view_free(adm_view_t *v);

int adm_store_window(const char *id, json_t **rec);
int adm_store_windows(json_t *ids, json_t **recs);
int adm_store_series(const char *id, json_t **rec);
int adm_store_list_ids(int64_t max_score, size_t offset, size_t count,
    json_t **ids);
int adm_store_audit_page(const char *before, size_t count, json_t **items,
    char *last, size_t lastlen);
int adm_store_snapshot(int64_t *version, char **json, size_t *len);


#endif /* ADM_STORE_READS_H */
