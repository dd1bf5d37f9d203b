/*
 * notify.h: what the notify commands (notify.c, notify_deliveries.c)
 * share with each other and with the window and settings commands: the
 * lists of target names and of event types given on the command line,
 * and the known fields a target or a delivery is printed with.
 */

#ifndef CTL_NOTIFY_H
#define CTL_NOTIFY_H

#include <jansson.h>

#include "maintctl.h"


/*
 * --notify a,b (repeatable) or --notify none: the target names into *list
 * (an empty array for none); -1 after a usage error.
 */
int ctl_notify_targets_arg(ctl_args_t *a, const char *val, json_t **list);

/* --events scheduled,started,...: checked against the six event types */
int ctl_notify_events_arg(ctl_args_t *a, const char *val, json_t **list);

/* a target's or a delivery's known fields as "field: value" lines */
void ctl_notify_print_target(json_t *t);
void ctl_notify_print_delivery(json_t *d);


#endif /* CTL_NOTIFY_H */
