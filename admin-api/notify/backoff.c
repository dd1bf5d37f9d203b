/*
 * backoff.c: the retry rules of the notification sender (NOTIFY.md):
 * exponential backoff with full jitter (so that many deliveries failing
 * together do not come back together), Retry-After honoured but never
 * past the retry window, and the HTTP status read as delivered, gone or
 * try again.  No I/O, no clock, no randomness of its own.
 */

#include <string.h>
#include <time.h>

#include "notify/backoff.h"


int64_t
adm_backoff_delay(int64_t first_ms, int64_t attempts, uint32_t rnd)
{
    int64_t  d, half;

    d = first_ms > 0 ? first_ms : 1;

    while (--attempts > 0 && d < ADM_BACKOFF_CAP_MS) {
        d *= 2;
    }

    if (d > ADM_BACKOFF_CAP_MS) {
        d = ADM_BACKOFF_CAP_MS;
    }

    half = d / 2;

    return d - half + (int64_t) ((double) half * rnd / UINT32_MAX);
}


static int
adm_digits(const char *s, size_t n, int *out)
{
    size_t  i;

    *out = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }

        *out = *out * 10 + (s[i] - '0');
    }

    return 0;
}


/* "Sun, 06 Nov 1994 08:49:37 GMT": exactly 29 bytes */

static int
adm_imf_fixdate(const char *s, size_t len, int64_t *t)
{
    int          i, day, year, hh, mm, ss, mon;
    struct tm    tm;
    static const char  *months = "JanFebMarAprMayJunJulAugSepOctNovDec";
    static const char  *days = "MonTueWedThuFriSatSun";

    if (len != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' '
        || s[11] != ' ' || s[16] != ' ' || s[19] != ':' || s[22] != ':'
        || s[25] != ' ' || memcmp(s + 26, "GMT", 3) != 0)
    {
        return -1;
    }

    for (i = 0; i < 7; i++) {
        if (memcmp(s, days + 3 * i, 3) == 0) {
            break;
        }
    }

    for (mon = 0; mon < 12; mon++) {
        if (memcmp(s + 8, months + 3 * mon, 3) == 0) {
            break;
        }
    }

    if (i == 7 || mon == 12
        || adm_digits(s + 5, 2, &day) || adm_digits(s + 12, 4, &year)
        || adm_digits(s + 17, 2, &hh) || adm_digits(s + 20, 2, &mm)
        || adm_digits(s + 23, 2, &ss)
        || day < 1 || day > 31 || year < 1970 || hh > 23 || mm > 59
        || ss > 60)
    {
        return -1;
    }

    memset(&tm, 0, sizeof(tm));
    tm.tm_year = year - 1900;
    tm.tm_mon = mon;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;

    *t = (int64_t) timegm(&tm);

    return 0;
}


int
adm_retry_after_parse(const char *s, size_t len, int64_t now_ms,
    int64_t *at_ms)
{
    size_t   i;
    int64_t  n, t;

    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t')) {
        len--;
    }

    while (len > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        len--;
    }

    if (len == 0) {
        return -1;
    }

    if (s[0] >= '0' && s[0] <= '9') {
        n = 0;

        for (i = 0; i < len; i++) {
            if (s[i] < '0' || s[i] > '9') {
                return -1;
            }

            /* anything past a year is as good as a year: capped later */
            if (n < 366 * 86400) {
                n = n * 10 + (s[i] - '0');
            }
        }

        *at_ms = now_ms + n * 1000;
        return 0;
    }

    if (adm_imf_fixdate(s, len, &t) != 0) {
        return -1;
    }

    *at_ms = t * 1000 > now_ms ? t * 1000 : now_ms;

    return 0;
}


adm_outcome_e
adm_backoff_next(int64_t now_ms, int64_t created_ms, int64_t retry_for_ms,
    int64_t first_ms, int64_t attempts, int64_t retry_after_ms,
    uint32_t rnd, int64_t *next_ms)
{
    int64_t  end, next;

    end = created_ms + retry_for_ms;

    if (now_ms >= end) {
        return ADM_OUTCOME_FAILED;
    }

    next = now_ms + adm_backoff_delay(first_ms, attempts, rnd);

    if (retry_after_ms > next) {
        next = retry_after_ms;
    }

    /* one last attempt at the window's end */
    *next_ms = next < end ? next : end;

    return ADM_OUTCOME_RETRY;
}


adm_outcome_e
adm_backoff_classify(long status)
{
    if (status >= 200 && status <= 299) {
        return ADM_OUTCOME_DELIVERED;
    }

    return status == 410 ? ADM_OUTCOME_GONE : ADM_OUTCOME_RETRY;
}
