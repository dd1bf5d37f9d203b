/*
 * usage.h: the help texts and usage errors (usage.c).
 */

#ifndef CTL_USAGE_H
#define CTL_USAGE_H

#include "maintctl.h"


/* cmd NULL: the top level's help, with every command and global option */
void ctl_help(const ctl_cmd_t *cmd);

/* prints "maintctl: " fmt and the synopsis of a; returns CTL_EXIT_USAGE */
int ctl_usage_error(ctl_args_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));


#endif /* CTL_USAGE_H */
