/*
 * series.h: a series printed (maintctl/series.c), for the commands that
 * answer with one: series show and skip, window create --every.
 */

#ifndef CTL_SERIES_H
#define CTL_SERIES_H

#include <jansson.h>


void ctl_print_series(json_t *s);


#endif /* CTL_SERIES_H */
