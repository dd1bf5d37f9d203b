/*
 * notify.h: the notification target model (model/notify.c): what a
 * target's fields may hold, what the API shows of one, and which events
 * it wants (docs/notifications.md).  No I/O.
 */

#ifndef ADM_MODEL_NOTIFY_H
#define ADM_MODEL_NOTIFY_H

#include <stddef.h>
#include <jansson.h>


#define ADM_NOTIFY_SECRETS_MAX   2          /* the new one and the old */
#define ADM_NOTIFY_HEADERS_MAX   10
#define ADM_NOTIFY_TO_MAX        50


/* the event types, in lifecycle order, NULL-terminated */
extern const char  *adm_notify_events[];

int adm_notify_event_known(const char *type);

/*
 * A client's target fields, checked one by one; good values go to "out".
 * Creating: name and kind are required, and the kind's own fields (to, or
 * url); "kind" is the stored target's kind when not creating.  Returns the
 * number of problems, each in errors.
 */
int adm_notify_target_fields(json_t *in, int creating, const char *kind,
    json_t *out, json_t *errors);

/* the target as the API shows it: no secret, no header value */
json_t *adm_notify_target_view(json_t *rec);

/* 1 if an event of this type goes to the target: enabled, and asked for */
int adm_notify_wants(json_t *target, const char *type);


#endif /* ADM_MODEL_NOTIFY_H */
