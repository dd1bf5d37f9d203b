/*
 * disable.h: a notification target disabled after a 410 Gone
 * (notify/disable.c), by the write engine, as actor "system".
 */

#ifndef ADM_NOTIFY_DISABLE_H
#define ADM_NOTIFY_DISABLE_H

#include <stdint.h>


/* logged whatever comes of it; now_ms: the time in disabled_reason */
void adm_disable_target(const char *name, int64_t now_ms);


#endif /* ADM_NOTIFY_DISABLE_H */
