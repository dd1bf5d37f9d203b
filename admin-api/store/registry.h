/*
 * registry.h: reads of what the gateways write (store/registry.c).  Return
 * values: store/store.h.
 */

#ifndef ADM_STORE_REGISTRY_H
#define ADM_STORE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


int adm_store_gateways(int64_t now_ms, json_t **items);
int adm_store_session_ids(size_t offset, size_t count, json_t **ids);
int adm_store_sessions(json_t *ids, json_t **recs);
int adm_store_session_clean(int64_t before_ms);


#endif /* ADM_STORE_REGISTRY_H */
