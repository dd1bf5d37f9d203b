/*
 * maint_time.h: epoch seconds to and from text: RFC 3339 in UTC, and the
 * HTTP-date of cookies.  No time zone or locale is ever consulted.
 */

#ifndef MAINT_TIME_H
#define MAINT_TIME_H

#include <stddef.h>
#include <stdint.h>


/* RFC 3339 in UTC, "2026-11-21T14:00:00Z": 20 bytes plus NUL. */
#define MAINT_RFC3339_LEN  20

size_t maint_format_rfc3339(char *buf, int64_t epoch_sec);

/*
 * "2026-11-21T22:00:00Z", "...T23:00:00.250+01:00", with "t"/"z" and a space
 * for "T" accepted; fractions are dropped.  An offset is required.  Returns
 * 0 and the epoch seconds (UTC), or -1.  Years 0000 to 9999.
 */
int maint_parse_rfc3339(const char *s, size_t len, int64_t *epoch_sec);

/*
 * "Thu, 01 Jan 1970 00:00:00 GMT" (IMF-fixdate) or "Thu, 01-Jan-1970
 * 00:00:00 GMT" (the old Netscape form): epoch seconds, or -1.
 */
int64_t maint_parse_http_date(const char *s, size_t len);


#endif /* MAINT_TIME_H */
