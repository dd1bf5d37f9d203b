/*
 * maint_time.c: times as text, in the two forms the project reads and
 * writes: RFC 3339 (the snapshot, the API, the pages) and the HTTP-date
 * of a Set-Cookie's Expires.  Done by hand (days-from-civil) so that it
 * never consults the local time zone or locale files.
 */

#include <string.h>

#include "maint_time.h"


/*
 * Civil date from days since 1970-01-01 (H. Hinnant's algorithm), valid for
 * the whole int64 range we accept (years 0 to 9999 are checked by callers).
 */

static void
maint_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    int64_t   era, yy;
    unsigned  doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned) (z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t) yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int) (yy + (*m <= 2));
}


static void
maint_put_digits(char *p, unsigned v, int n)
{
    while (n--) {
        p[n] = (char) ('0' + v % 10);
        v /= 10;
    }
}


size_t
maint_format_rfc3339(char *buf, int64_t epoch_sec)
{
    int       y;
    int64_t   days, secs;
    unsigned  m, d;

    days = epoch_sec / 86400;
    secs = epoch_sec % 86400;

    if (secs < 0) {
        secs += 86400;
        days--;
    }

    maint_civil_from_days(days, &y, &m, &d);

    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999;
    }

    maint_put_digits(buf, (unsigned) y, 4);
    buf[4] = '-';
    maint_put_digits(buf + 5, m, 2);
    buf[7] = '-';
    maint_put_digits(buf + 8, d, 2);
    buf[10] = 'T';
    maint_put_digits(buf + 11, (unsigned) (secs / 3600), 2);
    buf[13] = ':';
    maint_put_digits(buf + 14, (unsigned) (secs / 60 % 60), 2);
    buf[16] = ':';
    maint_put_digits(buf + 17, (unsigned) (secs % 60), 2);
    buf[19] = 'Z';
    buf[20] = '\0';

    return MAINT_RFC3339_LEN;
}


static int64_t
maint_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t   era;
    unsigned  yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (int64_t) doe - 719468;
}


static int
maint_digits(const char *p, int n, unsigned *v)
{
    int  i;

    *v = 0;

    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }

        *v = *v * 10 + (unsigned) (p[i] - '0');
    }

    return 0;
}


int
maint_parse_rfc3339(const char *s, size_t len, int64_t *epoch_sec)
{
    size_t    i;
    unsigned  y, mo, d, h, mi, sec, oh, om, mdays;
    int64_t   t;
    int       sign;

    static const unsigned  days_in[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    /* 2026-11-21T22:00:00Z is the shortest form */

    if (len < 20
        || maint_digits(s, 4, &y) || s[4] != '-'
        || maint_digits(s + 5, 2, &mo) || s[7] != '-'
        || maint_digits(s + 8, 2, &d)
        || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        || maint_digits(s + 11, 2, &h) || s[13] != ':'
        || maint_digits(s + 14, 2, &mi) || s[16] != ':'
        || maint_digits(s + 17, 2, &sec))
    {
        return -1;
    }

    if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 60) {
        return -1;
    }

    mdays = days_in[mo - 1];

    if (mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) {
        mdays = 29;
    }

    if (d < 1 || d > mdays) {
        return -1;
    }

    i = 19;

    if (i < len && s[i] == '.') {
        i++;

        if (i >= len || s[i] < '0' || s[i] > '9') {
            return -1;
        }

        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    }

    if (i >= len) {
        return -1;
    }

    if (s[i] == 'Z' || s[i] == 'z') {
        oh = om = 0;
        sign = 1;
        i++;

    } else if (s[i] == '+' || s[i] == '-') {
        sign = s[i] == '-' ? -1 : 1;

        if (len - i != 6 || maint_digits(s + i + 1, 2, &oh)
            || s[i + 3] != ':' || maint_digits(s + i + 4, 2, &om)
            || oh > 23 || om > 59)
        {
            return -1;
        }

        i += 6;

    } else {
        return -1;
    }

    if (i != len) {
        return -1;
    }

    /* a leap second is read as the second after it */

    t = maint_days_from_civil(y, mo, d) * 86400
        + (int64_t) h * 3600 + (int64_t) mi * 60 + sec;

    *epoch_sec = t - sign * ((int64_t) oh * 3600 + (int64_t) om * 60);

    return 0;
}


/*
 * "Thu, 01 Jan 1970 00:00:00 GMT" (IMF-fixdate) or "Thu, 01-Jan-1970
 * 00:00:00 GMT" (the old Netscape form): epoch seconds, or -1.
 */

int64_t
maint_parse_http_date(const char *s, size_t len)
{
    char          buf[40];
    const char   *p;
    int64_t       t;
    unsigned      d, y, i;
    static const char  months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

    if (len < 24 || len > 35) {
        return -1;
    }

    p = memchr(s, ',', len);
    if (p == NULL) {
        return -1;
    }

    p++;
    while (p < s + len && *p == ' ') {
        p++;
    }

    /* "01 Jan 1970 00:00:00 GMT", with spaces or dashes in the date */
    if ((size_t) (s + len - p) < 24) {
        return -1;
    }

    memcpy(buf, p, 24);
    buf[24] = '\0';

    if (buf[2] == '-') {
        buf[2] = ' ';
    }

    if (buf[6] == '-') {
        buf[6] = ' ';
    }

    if (buf[2] != ' ' || buf[6] != ' ' || buf[11] != ' '
        || buf[0] < '0' || buf[0] > '9' || buf[1] < '0' || buf[1] > '9')
    {
        return -1;
    }

    d = (unsigned) ((buf[0] - '0') * 10 + buf[1] - '0');

    for (i = 0; i < 3; i++) {
        if (buf[3 + i] >= 'A' && buf[3 + i] <= 'Z') {
            buf[3 + i] = (char) (buf[3 + i] - 'A' + 'a');
        }
    }

    for (i = 0; i < 12; i++) {
        if (memcmp(buf + 3, months + 3 * i, 3) == 0) {
            break;
        }
    }

    if (i == 12) {
        return -1;
    }

    y = 0;
    for (p = buf + 7; p < buf + 11; p++) {
        if (*p < '0' || *p > '9') {
            return -1;
        }

        y = y * 10 + (unsigned) (*p - '0');
    }

    /* reuse the RFC 3339 parser for the arithmetic */
    {
        char  iso[21];

        iso[0] = (char) ('0' + y / 1000);
        iso[1] = (char) ('0' + y / 100 % 10);
        iso[2] = (char) ('0' + y / 10 % 10);
        iso[3] = (char) ('0' + y % 10);
        iso[4] = '-';
        iso[5] = (char) ('0' + (i + 1) / 10);
        iso[6] = (char) ('0' + (i + 1) % 10);
        iso[7] = '-';
        iso[8] = (char) ('0' + d / 10);
        iso[9] = (char) ('0' + d % 10);
        iso[10] = 'T';
        memcpy(iso + 11, buf + 12, 8);
        iso[19] = 'Z';
        iso[20] = '\0';

        if (maint_parse_rfc3339(iso, 20, &t) != 0) {
            return -1;
        }
    }

    return t;
}
