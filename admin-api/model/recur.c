/*
 * recur.c: recurrences, expanded with libical (Debian's libical3).  Only
 * this file calls libical, so that its next API (libical 4 passes rules
 * by pointer) changes one file.
 *
 * What is taken (docs/design.md, "Recurrences (groundwork)"): FREQ DAILY,
 * WEEKLY, MONTHLY or YEARLY; INTERVAL; BYDAY (with an ordinal, e.g. -1SU,
 * for MONTHLY and YEARLY); BYMONTHDAY (negative from the month's end; not
 * with WEEKLY); BYMONTH; WKST; COUNT or UNTIL.  Anything else is refused by
 * name, before libical sees it, and so is a rule that can never occur
 * (BYMONTH=2;BYMONTHDAY=30): libical would search centuries for it.
 *
 * Occurrences are made in local time by libical, from the start as
 * written, then put on UTC as RFC 5545 (3.3.5) puts a local time with a
 * TZID: a time that occurs twice (clocks going back) is its first
 * occurrence; a time that does not occur (clocks going forward) is taken
 * with the offset before the gap, so 02:30 becomes 03:30.  The duration is
 * elapsed time.  UNTIL is applied here, to the occurrence's UTC start (a
 * date-time in UTC, "...Z") or to its local date (a date), both inclusive;
 * libical is given the rule without it.  The first occurrence is the
 * first the rule makes at or after the start (a start the rule does not
 * make is not an occurrence: RFC 5545 leaves that case undefined).
 */

#include <ctype.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "model/recur.h"


/* occurrences looked at, from the start, before an expansion gives up */
#define ADM_RECUR_SCAN_MAX  100000

#define ADM_RECUR_YEAR_MIN  2000
#define ADM_RECUR_YEAR_MAX  2199

enum {
    ADM_UNTIL_NONE = 0,
    ADM_UNTIL_UTC,                      /* epoch seconds */
    ADM_UNTIL_DATE                      /* a local date: yyyymmdd */
};

struct adm_recur_s {
    char           rule[ADM_RECUR_RULE_MAX + 64];   /* normalised */
    char           ical[ADM_RECUR_RULE_MAX + 64];   /* for libical */
    struct icalrecurrencetype  recur;
    struct icaltimetype        start;               /* floating */
    icaltimezone  *zone;
    int64_t        duration;
    int            until_kind;
    int64_t        until;
};

/* the parts taken, in the order a normalised rule gives them */
static const char  *adm_recur_parts[] = {
    "FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "WKST", "COUNT",
    "UNTIL"
};

#define ADM_RECUR_NPARTS  (sizeof(adm_recur_parts) / sizeof(char *))

enum {
    P_FREQ = 0, P_INTERVAL, P_BYMONTH, P_BYMONTHDAY, P_BYDAY, P_WKST,
    P_COUNT, P_UNTIL
};

static int adm_recur_next(const adm_recur_t *r, icalrecur_iterator *it,
    adm_recur_occ_t *o);


static const char  *adm_recur_days[] = {
    "MO", "TU", "WE", "TH", "FR", "SA", "SU"
};


static int
adm_days_in_month(int y, int m)
{
    static const int  days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
                                 30, 31 };

    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        return 29;
    }

    return days[m - 1];
}


/* a date and time that exists, in the years taken */
static int
adm_recur_civil(int y, int mo, int d, int h, int mi, int s)
{
    return y >= ADM_RECUR_YEAR_MIN && y <= ADM_RECUR_YEAR_MAX
           && mo >= 1 && mo <= 12 && d >= 1 && d <= adm_days_in_month(y, mo)
           && h <= 23 && mi <= 59 && s <= 59;
}


/* days since 1970-01-01 of a proleptic Gregorian date */
static int64_t
adm_days_from_civil(int64_t y, int m, int d)
{
    int64_t  era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}


static int64_t
adm_local_seconds(const struct icaltimetype *t)
{
    return adm_days_from_civil(t->year, t->month, t->day) * 86400
           + t->hour * 3600 + t->minute * 60 + t->second;
}


/* the text has that form: '9' a digit, anything else itself */
static int
adm_recur_form(const char *s, const char *form)
{
    for ( ; *form; s++, form++) {
        if (*form == '9' ? !isdigit((unsigned char) *s) : *s != *form) {
            return 0;
        }
    }

    return *s == '\0';
}


/* "12" to 12 when the whole text is digits, within [min, max]; else -1 */
static int
adm_recur_number(const char *s, size_t len, int min, int max, int *n)
{
    size_t  i;
    int     v;

    if (len == 0 || len > 5) {
        return -1;
    }

    v = 0;

    for (i = 0; i < len; i++) {
        if (!isdigit((unsigned char) s[i])) {
            return -1;
        }

        v = v * 10 + (s[i] - '0');
    }

    if (v < min || v > max) {
        return -1;
    }

    *n = v;
    return 0;
}


/* a signed list item, "-1" or "+3" or "15": |value| in [1, max] */
static int
adm_recur_signed(const char *s, size_t len, int max, int *n)
{
    int  sign;

    sign = 1;

    if (len > 0 && (*s == '-' || *s == '+')) {
        sign = *s == '-' ? -1 : 1;
        s++;
        len--;
    }

    if (adm_recur_number(s, len, 1, max, n) != 0) {
        return -1;
    }

    *n *= sign;
    return 0;
}


static int
adm_recur_weekday(const char *s, size_t len)
{
    size_t  i;

    for (i = 0; i < 7; i++) {
        if (len == 2 && memcmp(s, adm_recur_days[i], 2) == 0) {
            return (int) i;
        }
    }

    return -1;
}


/*
 * Each item of a comma-separated list, checked by "item"; 0, or -1 with
 * why.  Items are at most 8 bytes.
 */
typedef int (*adm_recur_item_pt)(const char *s, size_t len, void *data);

static int
adm_recur_list(const char *v, adm_recur_item_pt item, void *data)
{
    const char  *p, *e;

    p = v;

    for ( ;; ) {
        e = strchr(p, ',');
        if (e == NULL) {
            e = p + strlen(p);
        }

        if (e == p || item(p, (size_t) (e - p), data) != 0) {
            return -1;
        }

        if (*e == '\0') {
            return 0;
        }

        p = e + 1;
    }
}


typedef struct {
    int  freq;                          /* icalrecurrencetype_frequency */
    int  months;                        /* bit m: BYMONTH has m (1..12) */
    int  monthdays[62];                 /* BYMONTHDAY values */
    int  nmonthdays;
} adm_recur_check_t;


static int
adm_recur_month_item(const char *s, size_t len, void *data)
{
    int                 m;
    adm_recur_check_t  *c = data;

    if (adm_recur_number(s, len, 1, 12, &m) != 0) {
        return -1;
    }

    c->months |= 1 << m;
    return 0;
}


static int
adm_recur_monthday_item(const char *s, size_t len, void *data)
{
    int                 d;
    adm_recur_check_t  *c = data;

    if (adm_recur_signed(s, len, 31, &d) != 0 || c->nmonthdays == 62) {
        return -1;
    }

    c->monthdays[c->nmonthdays++] = d;
    return 0;
}


static int
adm_recur_day_item(const char *s, size_t len, void *data)
{
    int                 n, max;
    adm_recur_check_t  *c = data;

    if (len < 2 || adm_recur_weekday(s + len - 2, 2) < 0) {
        return -1;
    }

    if (len == 2) {
        return 0;
    }

    /* an ordinal: the 2nd Monday of the month, the last Sunday (-1SU) */

    if (c->freq != ICAL_MONTHLY_RECURRENCE
        && c->freq != ICAL_YEARLY_RECURRENCE)
    {
        return -1;
    }

    /* in a month (MONTHLY, or YEARLY in the months of BYMONTH), or a year */
    max = c->freq == ICAL_MONTHLY_RECURRENCE || c->months ? 5 : 53;

    return adm_recur_signed(s, len - 2, max, &n);
}


/* can a BYMONTH and BYMONTHDAY pair ever occur (February 29 can)? */
static int
adm_recur_possible(const adm_recur_check_t *c)
{
    int  m, i, d, days;

    if (c->nmonthdays == 0) {
        return 1;
    }

    for (m = 1; m <= 12; m++) {
        if (c->months && !(c->months & (1 << m))) {
            continue;
        }

        days = m == 2 ? 29 : adm_days_in_month(2001, m);

        for (i = 0; i < c->nmonthdays; i++) {
            d = c->monthdays[i];

            if ((d > 0 ? d : -d) <= days) {
                return 1;
            }
        }
    }

    return 0;
}


static int
adm_recur_fail(char *why, size_t len, const char *fmt, const char *arg)
{
    snprintf(why, len, fmt, arg);
    return -1;
}


/* UNTIL: "20271231T230000Z" (UTC) or "20271231" (a local date) */
static int
adm_recur_until(adm_recur_t *r, const char *v)
{
    int  y, mo, d, h, mi, s;

    h = mi = s = 0;

    if (adm_recur_form(v, "99999999")) {
        sscanf(v, "%4d%2d%2d", &y, &mo, &d);
        r->until_kind = ADM_UNTIL_DATE;

    } else if (adm_recur_form(v, "99999999T999999Z")) {
        sscanf(v, "%4d%2d%2dT%2d%2d%2d", &y, &mo, &d, &h, &mi, &s);
        r->until_kind = ADM_UNTIL_UTC;

    } else {
        return -1;
    }

    if (!adm_recur_civil(y, mo, d, h, mi, s)) {
        return -1;
    }

    r->until = r->until_kind == ADM_UNTIL_DATE
               ? (int64_t) y * 10000 + mo * 100 + d
               : adm_days_from_civil(y, mo, d) * 86400 + h * 3600
                 + mi * 60 + s;

    return 0;
}


/*
 * The rule's NAME=VALUE parts, upper case, into buf and by name into val
 * (in the order of adm_recur_parts).  0, or -1 with why.
 */
static int
adm_recur_split(const char *rule, char *buf, const char **val, char *why,
    size_t why_len)
{
    char    *part, *eq, *next;
    size_t   i, k, len;

    if (strncasecmp(rule, "RRULE:", 6) == 0) {
        rule += 6;
    }

    len = strlen(rule);

    if (len == 0 || len > ADM_RECUR_RULE_MAX) {
        snprintf(why, why_len, "an RRULE of 1 to %d characters",
                 ADM_RECUR_RULE_MAX);
        return -1;
    }

    for (i = 0; i < len; i++) {
        if (!isalnum((unsigned char) rule[i])
            && strchr("=;,+-", rule[i]) == NULL)
        {
            snprintf(why, why_len, "character %zu is not part of an RRULE "
                     "(letters, digits and = ; , + -)", i + 1);
            return -1;
        }

        buf[i] = (char) toupper((unsigned char) rule[i]);
    }

    buf[len] = '\0';

    for (part = buf; part; part = next) {
        next = strchr(part, ';');
        if (next) {
            *next++ = '\0';
        }

        eq = strchr(part, '=');
        if (eq == NULL || eq == part || eq[1] == '\0') {
            return adm_recur_fail(why, why_len, "\"%s\" is not NAME=VALUE",
                                  part);
        }

        *eq = '\0';

        for (k = 0; k < ADM_RECUR_NPARTS; k++) {
            if (strcmp(part, adm_recur_parts[k]) == 0) {
                break;
            }
        }

        if (k == ADM_RECUR_NPARTS) {
            return adm_recur_fail(why, why_len, "%s is not supported (FREQ, "
                                  "INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, "
                                  "WKST, COUNT, UNTIL)", part);
        }

        if (val[k]) {
            return adm_recur_fail(why, why_len, "%s is given twice", part);
        }

        val[k] = eq + 1;
    }

    return 0;
}


/* Each part's value, checked; UNTIL into r.  0, or -1 with why. */
static int
adm_recur_check(adm_recur_t *r, const char **val, char *why, size_t why_len)
{
    int                n;
    adm_recur_check_t  c;

    memset(&c, 0, sizeof(c));

    if (val[P_FREQ] == NULL) {
        snprintf(why, why_len, "FREQ is required");
        return -1;
    }

    if (strcmp(val[P_FREQ], "DAILY") == 0) {
        c.freq = ICAL_DAILY_RECURRENCE;
    } else if (strcmp(val[P_FREQ], "WEEKLY") == 0) {
        c.freq = ICAL_WEEKLY_RECURRENCE;
    } else if (strcmp(val[P_FREQ], "MONTHLY") == 0) {
        c.freq = ICAL_MONTHLY_RECURRENCE;
    } else if (strcmp(val[P_FREQ], "YEARLY") == 0) {
        c.freq = ICAL_YEARLY_RECURRENCE;
    } else {
        return adm_recur_fail(why, why_len, "FREQ=%s: DAILY, WEEKLY, "
                              "MONTHLY or YEARLY", val[P_FREQ]);
    }

    if (val[P_INTERVAL]
        && adm_recur_number(val[P_INTERVAL], strlen(val[P_INTERVAL]), 1,
                            ADM_RECUR_INTERVAL_MAX, &n) != 0)
    {
        snprintf(why, why_len, "INTERVAL: a number from 1 to %d",
                 ADM_RECUR_INTERVAL_MAX);
        return -1;
    }

    if (val[P_COUNT]
        && adm_recur_number(val[P_COUNT], strlen(val[P_COUNT]), 1,
                            ADM_RECUR_COUNT_MAX, &n) != 0)
    {
        snprintf(why, why_len, "COUNT: a number from 1 to %d",
                 ADM_RECUR_COUNT_MAX);
        return -1;
    }

    if (val[P_COUNT] && val[P_UNTIL]) {
        snprintf(why, why_len, "COUNT and UNTIL exclude each other");
        return -1;
    }

    if (val[P_UNTIL] && adm_recur_until(r, val[P_UNTIL]) != 0) {
        snprintf(why, why_len, "UNTIL: a UTC date-time (20271231T230000Z) "
                 "or a date (20271231), years %d to %d",
                 ADM_RECUR_YEAR_MIN, ADM_RECUR_YEAR_MAX);
        return -1;
    }

    if (val[P_WKST] && adm_recur_weekday(val[P_WKST], strlen(val[P_WKST]))
                       < 0)
    {
        snprintf(why, why_len, "WKST: MO, TU, WE, TH, FR, SA or SU");
        return -1;
    }

    if (val[P_BYMONTH]
        && adm_recur_list(val[P_BYMONTH], adm_recur_month_item, &c) != 0)
    {
        snprintf(why, why_len, "BYMONTH: months from 1 to 12, "
                 "comma-separated");
        return -1;
    }

    if (val[P_BYMONTHDAY]
        && (c.freq == ICAL_WEEKLY_RECURRENCE
            || adm_recur_list(val[P_BYMONTHDAY], adm_recur_monthday_item,
                              &c) != 0))
    {
        snprintf(why, why_len, "BYMONTHDAY: days from 1 to 31 or -31 to -1 "
                 "(from the month's end), comma-separated; not with "
                 "FREQ=WEEKLY");
        return -1;
    }

    if (val[P_BYDAY]
        && adm_recur_list(val[P_BYDAY], adm_recur_day_item, &c) != 0)
    {
        snprintf(why, why_len, "BYDAY: days MO to SU, comma-separated; "
                 "with an ordinal (1MO, -1SU) only for FREQ=MONTHLY "
                 "(1 to 5) or YEARLY (1 to 53, 1 to 5 with BYMONTH)");
        return -1;
    }

    if (!adm_recur_possible(&c)) {
        snprintf(why, why_len, "BYMONTH and BYMONTHDAY never meet: no "
                 "occurrence");
        return -1;
    }

    return 0;
}


/*
 * The rule's parts, checked and put in order: r->rule (all of them) and
 * r->ical (without UNTIL), and libical's reading of r->ical.  0, or -1
 * with why.
 */
static int
adm_recur_rule_parse(adm_recur_t *r, const char *rule, char *why,
    size_t why_len)
{
    char         buf[ADM_RECUR_RULE_MAX + 1], *p;
    size_t       k;
    const char  *val[ADM_RECUR_NPARTS];

    memset(val, 0, sizeof(val));

    if (adm_recur_split(rule, buf, val, why, why_len) != 0
        || adm_recur_check(r, val, why, why_len) != 0)
    {
        return -1;
    }

    /* the normalised rule, and libical's (no UNTIL: applied here) */

    r->rule[0] = '\0';
    r->ical[0] = '\0';

    for (k = 0; k < ADM_RECUR_NPARTS; k++) {
        if (val[k] == NULL) {
            continue;
        }

        p = r->rule + strlen(r->rule);
        snprintf(p, sizeof(r->rule) - (size_t) (p - r->rule), "%s%s=%s",
                 r->rule[0] ? ";" : "", adm_recur_parts[k], val[k]);

        if (k != P_UNTIL) {
            p = r->ical + strlen(r->ical);
            snprintf(p, sizeof(r->ical) - (size_t) (p - r->ical), "%s%s=%s",
                     r->ical[0] ? ";" : "", adm_recur_parts[k], val[k]);
        }
    }

    icalerror_clear_errno();
    r->recur = icalrecurrencetype_from_string(r->ical);

    if (r->recur.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR) {
        icalerror_clear_errno();
        snprintf(why, why_len, "not an RRULE libical takes");
        return -1;
    }

    return 0;
}


/* "2027-03-21T02:30" or "2027-03-21T02:30:00", local, no offset */
static int
adm_recur_start(adm_recur_t *r, const char *s)
{
    int  y, mo, d, h, mi, sec;

    sec = 0;

    if (adm_recur_form(s, "9999-99-99T99:99")) {
        sscanf(s, "%4d-%2d-%2dT%2d:%2d", &y, &mo, &d, &h, &mi);

    } else if (adm_recur_form(s, "9999-99-99T99:99:99")) {
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec);

    } else {
        return -1;
    }

    if (!adm_recur_civil(y, mo, d, h, mi, sec)) {
        return -1;
    }

    r->start = icaltime_null_time();
    r->start.year = y;
    r->start.month = mo;
    r->start.day = d;
    r->start.hour = h;
    r->start.minute = mi;
    r->start.second = sec;

    return 0;
}


static icaltimezone *
adm_recur_zone(const char *tz)
{
    const char  *p;

    if (strcmp(tz, "UTC") == 0) {
        return icaltimezone_get_utc_timezone();
    }

    /* a name of the zone database's shape: no path of our choosing */

    if (*tz == '\0' || *tz == '/' || strlen(tz) > 64 || strstr(tz, "..")) {
        return NULL;
    }

    for (p = tz; *p; p++) {
        if (!isalnum((unsigned char) *p) && strchr("/_-+", *p) == NULL) {
            return NULL;
        }
    }

    return icaltimezone_get_builtin_timezone(tz);
}


adm_recur_t *
adm_recur_new(const char *rule, const char *start, const char *tz,
    int64_t duration, const char **field, char *why, size_t why_len)
{
    int                  first;
    adm_recur_t         *r;
    adm_recur_occ_t      o;
    icalrecur_iterator  *it;

    r = calloc(1, sizeof(adm_recur_t));
    if (r == NULL) {
        *field = "rule";
        snprintf(why, why_len, "out of memory");
        return NULL;
    }

    if (adm_recur_rule_parse(r, rule, why, why_len) != 0) {
        *field = "rule";
        goto failed;
    }

    if (adm_recur_start(r, start) != 0) {
        *field = "start";
        snprintf(why, why_len, "a local date and time, "
                 "\"2027-03-21T02:30\", years %d to %d",
                 ADM_RECUR_YEAR_MIN, ADM_RECUR_YEAR_MAX);
        goto failed;
    }

    r->zone = adm_recur_zone(tz);

    if (r->zone == NULL) {
        *field = "time_zone";
        snprintf(why, why_len, "not a time zone of the zone database "
                 "(an IANA name, \"Europe/Berlin\", or \"UTC\")");
        goto failed;
    }

    if (duration < ADM_RECUR_DURATION_MIN
        || duration > ADM_RECUR_DURATION_MAX)
    {
        *field = "duration";
        snprintf(why, why_len, "from %d seconds to %d days",
                 ADM_RECUR_DURATION_MIN, ADM_RECUR_DURATION_MAX / 86400);
        goto failed;
    }

    r->duration = duration;

    /*
     * What libical would not expand is refused now, and so is a rule
     * without a first occurrence (an UNTIL before it; a rule that cannot
     * meet, which libical looks for until the year 2582: once, here).
     */

    it = icalrecur_iterator_new(r->recur, r->start);
    if (it == NULL) {
        icalerror_clear_errno();
        *field = "rule";
        snprintf(why, why_len, "libical cannot expand this rule");
        goto failed;
    }

    first = adm_recur_next(r, it, &o);
    icalrecur_iterator_free(it);

    if (!first) {
        *field = "rule";
        snprintf(why, why_len, "no occurrence from the start to the year "
                 "%d", ADM_RECUR_YEAR_MAX);
        goto failed;
    }

    return r;

failed:

    free(r);
    return NULL;
}


void
adm_recur_free(adm_recur_t *r)
{
    free(r);
}


const char *
adm_recur_rule(const adm_recur_t *r)
{
    return r->rule;
}


/* the zone's offset from UTC, in seconds, at that UTC time */
static int64_t
adm_recur_offset(icaltimezone *zone, int64_t utc)
{
    int                  dst;
    struct icaltimetype  tt;

    if (zone == icaltimezone_get_utc_timezone()) {
        return 0;
    }

    tt = icaltime_from_timet_with_zone((time_t) utc, 0,
                                       icaltimezone_get_utc_timezone());

    return icaltimezone_get_utc_offset_of_utc_time(zone, &tt, &dst);
}


/*
 * A local time (seconds as if it were UTC) on UTC, as RFC 5545 3.3.5 has
 * it: of two, the first; in a gap, with the offset before it.  A day
 * either side holds at most one change of offset in every zone.
 */
static int64_t
adm_recur_utc(icaltimezone *zone, int64_t local, int *shifted)
{
    int64_t  before, after, u1, u2;
    int      ok1, ok2;

    before = adm_recur_offset(zone, local - 86400);
    after = adm_recur_offset(zone, local + 86400);

    u1 = local - before;
    u2 = local - after;
    ok1 = adm_recur_offset(zone, u1) == before;
    ok2 = adm_recur_offset(zone, u2) == after;

    *shifted = 0;

    if (ok1 && ok2) {
        return u1 < u2 ? u1 : u2;
    }

    if (ok1 || ok2) {
        return ok1 ? u1 : u2;
    }

    *shifted = 1;
    return u1;
}


/*
 * The iterator's next occurrence into o: 1, or 0 when there is none
 * (libical's end, past UNTIL, past the years taken).
 */
static int
adm_recur_next(const adm_recur_t *r, icalrecur_iterator *it,
    adm_recur_occ_t *o)
{
    int64_t              utc;
    struct icaltimetype  t;

    t = icalrecur_iterator_next(it);

    if (icaltime_is_null_time(t) || t.year > ADM_RECUR_YEAR_MAX
        || (r->until_kind == ADM_UNTIL_DATE
            && (int64_t) t.year * 10000 + t.month * 100 + t.day > r->until))
    {
        return 0;
    }

    utc = adm_recur_utc(r->zone, adm_local_seconds(&t), &o->shifted);

    if (r->until_kind == ADM_UNTIL_UTC && utc > r->until) {
        return 0;
    }

    o->start_ms = utc * 1000;
    o->end_ms = o->start_ms + r->duration * 1000;
    /* the fields are in range (libical's); the modulos tell the compiler */
    snprintf(o->local, sizeof(o->local), "%04u%02u%02uT%02u%02u%02u",
             (unsigned) t.year % 10000, (unsigned) t.month % 100,
             (unsigned) t.day % 100, (unsigned) t.hour % 100,
             (unsigned) t.minute % 100, (unsigned) t.second % 100);

    return 1;
}


int
adm_recur_expand(const adm_recur_t *r, int64_t from_ms, int64_t to_ms,
    adm_recur_occ_t *occ, size_t max)
{
    size_t               n;
    int64_t              scanned;
    adm_recur_occ_t      o;
    icalrecur_iterator  *it;

    if (max == 0 || to_ms <= from_ms) {
        return 0;
    }

    it = icalrecur_iterator_new(r->recur, r->start);
    if (it == NULL) {
        icalerror_clear_errno();
        return -1;
    }

    n = 0;

    for (scanned = 0; scanned < ADM_RECUR_SCAN_MAX; scanned++) {
        if (!adm_recur_next(r, it, &o) || o.start_ms >= to_ms) {
            break;
        }

        if (o.end_ms > from_ms) {
            occ[n++] = o;

            if (n == max) {
                break;
            }
        }
    }

    icalrecur_iterator_free(it);

    return (int) n;
}


void
adm_recur_release(void)
{
    icaltimezone_free_builtin_timezones();
}
