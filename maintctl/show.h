/*
 * show.h: the shapes of a command that prints what the API answers
 * (show.c): one answer, and a list read page by page.  With --json they
 * print the API's JSON instead of what the command's printer makes of it.
 */

#ifndef CTL_SHOW_H
#define CTL_SHOW_H

#include <jansson.h>

#include "maintctl.h"
#include "buf.h"


/* makes people's text of an answer's document, or of a list's items */
typedef void (*ctl_print_pt)(json_t *doc);

int ctl_show(const char *method, const char *path, json_t *body,
    ctl_print_pt print);
int ctl_show_command(ctl_args_t *a, const char *method, const char *path,
    ctl_print_pt print);
int ctl_show_list(ctl_buf_t *base, long limit, int all, ctl_print_pt table,
    const char *what);


#endif /* CTL_SHOW_H */
