/*
 * window.h: what the window commands share (window.c), used by
 * window_edit.c, lifecycle.c and run.c.
 */

#ifndef CTL_WINDOW_H
#define CTL_WINDOW_H

#include <jansson.h>

#include "maintctl.h"


/* the window ID, the one positional argument: a usage error if repeated */
int ctl_window_id_arg(ctl_args_t *a, const char **id, const char *val);

/* GETs a window for a write: r->etag is what If-Match must carry */
int ctl_window_get(const char *id, ctl_resp_t *r);

/* "/v1/windows/ID[/action][?dry_run=true]"; to be freed */
char *ctl_window_path(const char *id, const char *action, int dry_run);

/* a window as "field: value" lines, order first, then its prechecks */
void ctl_window_print(json_t *w, const char *const *order);

/* prints the window a write answered, or the prechecks of a dry run */
int ctl_window_answer(const ctl_resp_t *r, int dry_run);


#endif /* CTL_WINDOW_H */
