/*
 * bodies.h: what request bodies other than a window's may hold
 * (model/bodies.c).  Validating functions return 0 (ADM_OK) or -1
 * (ADM_ERROR, with what is wrong in their errors array); no I/O.
 */

#ifndef ADM_MODEL_BODIES_H
#define ADM_MODEL_BODIES_H

#include <stddef.h>
#include <jansson.h>

#include "model/window.h"


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
int adm_start_fields(json_t *in, int *force, json_t *errors);
int adm_finish_fields(json_t *in, int complete, adm_status_e *outcome,
    json_t **notes, json_t *errors);


#endif /* ADM_MODEL_BODIES_H */
