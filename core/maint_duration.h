/*
 * maint_duration.h: durations as people write them ("500ms", "90s",
 * "1h30m"): the one grammar of maint-admind's configuration and maintctl.
 * NGINX-free, no allocation.
 */

#ifndef MAINT_DURATION_H
#define MAINT_DURATION_H

#include <stddef.h>
#include <stdint.h>


/* a number without a unit is seconds ("30" is 30s); else it is refused */
#define MAINT_DURATION_BARE_SEC  0x1

/*
 * One or more <digits><unit>, units d, h, m, s, ms, each at most once and
 * largest first ("1h30m", "2s500ms"; not "30m1h", "1m1m"), so that a typo
 * cannot silently mean something else.  Before it: optional white space
 * and a sign, '+', or '-' for a zero duration only (what strtoll() let the
 * configuration have).  Nothing after it.  Returns 0 and the duration in
 * milliseconds, or -1, also when it would not fit in an int64_t.
 */
int maint_parse_duration_ms(const char *s, size_t len, int flags,
    int64_t *ms);

#endif /* MAINT_DURATION_H */
