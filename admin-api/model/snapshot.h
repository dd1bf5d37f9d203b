/*
 * snapshot.h: the snapshot the gateways read, built from the windows
 * (model/snapshot.c).
 */

#ifndef ADM_MODEL_SNAPSHOT_H
#define ADM_MODEL_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


char *adm_snapshot_build(json_t *live, json_t *settings, json_t *access,
    int64_t now);
json_t *adm_snapshot_redacted(const char *snapshot);
int adm_snapshot_check(const char *snapshot, char *err, size_t errlen);
const char *adm_signing_kid(json_t *keys);


#endif /* ADM_MODEL_SNAPSHOT_H */
