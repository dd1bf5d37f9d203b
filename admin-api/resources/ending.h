/*
 * ending.h: what a change does to sessions (resources/ending.c).  Return
 * values: store/store.h.
 */

#ifndef ADM_ENDING_H
#define ADM_ENDING_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "store/commit.h"
#include "store/reads.h"


int64_t adm_registry_ms(json_t *rec, const char *field);

/*
 * Into a change: *access (a copy of the view's, made if NULL), its
 * settings (NULL: the view's) and what it does to sessions (*s).
 */
int adm_sessions_end_all(adm_view_t *v, json_t **access, json_t *settings,
    adm_sessions_op_t *s, const char *app, int64_t cutoff, int64_t exact_ms,
    json_t *except, int except_superadmins, size_t *kept);
int adm_sessions_window_hook(adm_view_t *v, json_t *before, json_t *after,
    json_t **access, json_t *settings, adm_sessions_op_t *s);


#endif /* ADM_ENDING_H */
