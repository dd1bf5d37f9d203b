/*
 * events.h: the notification events a change makes (model/events.c):
 * which happened, the body each carries, and the targets each goes to
 * (docs/notifications.md).  No I/O; the ids come from the caller.
 */

#ifndef ADM_MODEL_EVENTS_H
#define ADM_MODEL_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>


#define ADM_EVENTS_MAX  2               /* a window created in progress:
                                           scheduled, then started */

/*
 * The event types (short names) a window change makes, into types[],
 * in order; returns how many.  action: the audit action; before and
 * after: the stored records (NULL for a create, a delete).
 */
size_t adm_events_of(const char *action, json_t *before, json_t *after,
    const char *types[ADM_EVENTS_MAX]);

/* the fields whose change is a "changed" event, that differ */
json_t *adm_events_changed(json_t *before, json_t *after);

typedef struct {
    const char         *id;                 /* msg_..., the webhook-id */
    const char         *type;               /* short name */
    json_t             *window;             /* as the API shows it */
    const char         *actor;
    json_t             *changed;            /* for "changed", or NULL */
    const char         *public_url;         /* "" for no link */
    int64_t             now_ms;
} adm_event_t;

/* {"type": "maintenance.<type>", "timestamp", "data": {...}} */
json_t *adm_event_body(adm_event_t *e);

/* the names of the window's targets that want this type, in its order */
json_t *adm_event_targets(json_t *window, const char *type, json_t *targets);


#endif /* ADM_MODEL_EVENTS_H */
