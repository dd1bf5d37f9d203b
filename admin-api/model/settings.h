/*
 * settings.h: the settings' defaults (model/settings.c).
 */

#ifndef ADM_MODEL_SETTINGS_H
#define ADM_MODEL_SETTINGS_H

#include <stdint.h>
#include <jansson.h>


json_t *adm_settings_defaults(void);
int64_t adm_setting(json_t *settings, const char *name);


#endif /* ADM_MODEL_SETTINGS_H */
