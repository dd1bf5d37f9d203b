/*
 * ical.c: the RFC 5545 writer.  Every value goes out in units that are
 * never split: an escape ("\;", "\n") or one UTF-8 character.  A unit
 * that would take the physical line past 75 octets starts a new one
 * (CRLF and a space, RFC 5545 3.1), so a reader that unfolds and then
 * unescapes gets back exactly what was written.  TEXT (3.3.11): backslash,
 * semicolon and comma escaped, a line break (LF, CRLF or CR) as "\n", tab
 * kept, other control characters dropped (TEXT cannot hold them), bytes
 * that are not UTF-8 written as U+FFFD.  DATE-TIME in UTC ("Z" form,
 * 3.3.5), so no VTIMEZONE is needed.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "model/ical.h"
#include "model/text.h"


void
adm_ical_init(adm_ical_t *ic)
{
    memset(ic, 0, sizeof(adm_ical_t));
}


void
adm_ical_free(adm_ical_t *ic)
{
    free(ic->data);
    adm_ical_init(ic);
}


/* the text written, NUL-terminated, to be freed; NULL if anything failed */

char *
adm_ical_take(adm_ical_t *ic, size_t *len)
{
    char  *s;

    if (ic->failed || ic->data == NULL) {
        adm_ical_free(ic);
        return NULL;
    }

    s = ic->data;
    *len = ic->len;
    ic->data = NULL;
    adm_ical_free(ic);

    return s;
}


static void
adm_ical_put(adm_ical_t *ic, const char *p, size_t n)
{
    char    *d;
    size_t   cap;

    if (ic->failed) {
        return;
    }

    if (ic->len + n + 1 > ic->cap) {
        cap = ic->cap ? ic->cap : 4096;

        while (ic->len + n + 1 > cap) {
            cap *= 2;
        }

        d = realloc(ic->data, cap);
        if (d == NULL) {
            ic->failed = 1;
            return;
        }

        ic->data = d;
        ic->cap = cap;
    }

    memcpy(ic->data + ic->len, p, n);
    ic->len += n;
    ic->data[ic->len] = '\0';
}


/* one unit (at most 4 octets), on a new physical line if it would not fit */

static void
adm_ical_unit(adm_ical_t *ic, const char *u, size_t n)
{
    if (ic->col + n > ADM_ICAL_LINE_MAX) {
        adm_ical_put(ic, "\r\n ", 3);
        ic->col = 1;
    }

    adm_ical_put(ic, u, n);
    ic->col += n;
}


/* ASCII as it is (names, parameters, values that need no escaping) */

static void
adm_ical_ascii(adm_ical_t *ic, const char *s)
{
    for ( ; *s; s++) {
        adm_ical_unit(ic, s, 1);
    }
}


static void
adm_ical_eol(adm_ical_t *ic)
{
    adm_ical_put(ic, "\r\n", 2);
    ic->col = 0;
}


/*
 * The length of the UTF-8 sequence at s (at most n bytes): 1 to 4, or 0
 * when it is not one (a stray continuation byte, a sequence cut short, an
 * overlong form, a surrogate, past U+10FFFF).
 */

static size_t
adm_utf8_len(const unsigned char *s, size_t n)
{
    size_t    len, i;
    uint32_t  cp, min;

    if (s[0] < 0x80) {
        return 1;
    }

    if ((s[0] & 0xe0) == 0xc0) {
        len = 2; cp = s[0] & 0x1f; min = 0x80;

    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3; cp = s[0] & 0x0f; min = 0x800;

    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4; cp = s[0] & 0x07; min = 0x10000;

    } else {
        return 0;
    }

    if (n < len) {
        return 0;
    }

    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }

        cp = cp << 6 | (s[i] & 0x3f);
    }

    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return 0;
    }

    return len;
}


/* a TEXT value's units (escaped), without the line around it */

static void
adm_ical_escaped(adm_ical_t *ic, const char *s, size_t len)
{
    char                 esc[2] = { '\\', 0 };
    size_t               i, n;
    const unsigned char *p = (const unsigned char *) s;

    for (i = 0; i < len; i += n) {
        n = 1;

        switch (p[i]) {

        case '\\':
        case ';':
        case ',':
            esc[1] = (char) p[i];
            adm_ical_unit(ic, esc, 2);
            continue;

        case '\r':
            /* CRLF is one line break */
            if (i + 1 < len && p[i + 1] == '\n') {
                n = 2;
            }
            /* fall through */

        case '\n':
            adm_ical_unit(ic, "\\n", 2);
            continue;

        case '\t':
            adm_ical_unit(ic, "\t", 1);
            continue;
        }

        if (p[i] < 0x20 || p[i] == 0x7f) {
            continue;
        }

        n = adm_utf8_len(p + i, len - i);

        if (n == 0) {
            adm_ical_unit(ic, "\xef\xbf\xbd", 3);
            n = 1;
            continue;
        }

        adm_ical_unit(ic, s + i, n);
    }
}


/* "NAME:" (the name with its parameters, if any) */

static void
adm_ical_name(adm_ical_t *ic, const char *name)
{
    adm_ical_ascii(ic, name);
    adm_ical_unit(ic, ":", 1);
}


void
adm_ical_raw(adm_ical_t *ic, const char *name, const char *value)
{
    adm_ical_name(ic, name);
    adm_ical_ascii(ic, value);
    adm_ical_eol(ic);
}


void
adm_ical_text(adm_ical_t *ic, const char *name, const char *s, size_t len)
{
    adm_ical_name(ic, name);
    adm_ical_escaped(ic, s, len);
    adm_ical_eol(ic);
}


/* a list of TEXT values ("CATEGORIES:a,b\,c"): commas between them */

void
adm_ical_text_list(adm_ical_t *ic, const char *name, const char *const *v,
    size_t n)
{
    size_t  i;

    adm_ical_name(ic, name);

    for (i = 0; i < n; i++) {
        if (i) {
            adm_ical_unit(ic, ",", 1);
        }

        adm_ical_escaped(ic, v[i], strlen(v[i]));
    }

    adm_ical_eol(ic);
}


/* years 1970 to 9999, as the API takes them */

void
adm_ical_format_utc(char *out, int64_t t)
{
    time_t     tt;
    struct tm  tm;

    tt = (time_t) (t < 0 ? 0 : t > 253402300799LL ? 253402300799LL : t);
    gmtime_r(&tt, &tm);

    if (strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 0) {
        memcpy(out, "19700101T000000Z", 17);
    }
}


void
adm_ical_utc(adm_ical_t *ic, const char *name, int64_t t)
{
    char  buf[17];

    adm_ical_format_utc(buf, t);
    adm_ical_raw(ic, name, buf);
}


void
adm_ical_int(adm_ical_t *ic, const char *name, int64_t n)
{
    char  buf[24];

    snprintf(buf, sizeof(buf), "%lld", (long long) n);
    adm_ical_raw(ic, name, buf);
}


void
adm_ical_begin(adm_ical_t *ic, const adm_ical_cal_t *cal)
{
    char  ttl[24];

    adm_ical_raw(ic, "BEGIN", "VCALENDAR");
    adm_ical_raw(ic, "VERSION", "2.0");
    adm_ical_raw(ic, "PRODID", "-//ngx_maint//maint-admind " ADM_VERSION
                 "//EN");
    adm_ical_raw(ic, "CALSCALE", "GREGORIAN");

    if (cal->method) {
        adm_ical_raw(ic, "METHOD", cal->method);
    }

    if (cal->name) {
        adm_ical_text(ic, "X-WR-CALNAME", cal->name, strlen(cal->name));
    }

    if (cal->description) {
        adm_ical_text(ic, "X-WR-CALDESC", cal->description,
                      strlen(cal->description));
    }

    /* how often subscribers should fetch again: RFC 7986, and Outlook's */
    if (cal->refresh_minutes) {
        snprintf(ttl, sizeof(ttl), "PT%uM", cal->refresh_minutes);
        adm_ical_raw(ic, "REFRESH-INTERVAL;VALUE=DURATION", ttl);
        adm_ical_raw(ic, "X-PUBLISHED-TTL", ttl);
    }
}


/*
 * An address for a CAL-ADDRESS (a URI, not TEXT: no escaping exists for
 * it): printable ASCII without the characters that end a value or a
 * parameter, or need quoting in a URI.  Others are left out, not mangled.
 */

int
adm_ical_address_ok(const char *addr)
{
    return *addr != '\0' && strchr(addr, '@') != NULL
           && adm_text_visible(addr, ADM_ADDRESS_EXCEPT);
}


/* ORGANIZER and one ATTENDEE per address, for an invitation */

static void
adm_ical_people(adm_ical_t *ic, const adm_ical_event_t *ev)
{
    char    buf[300];
    size_t  i;

    if (ev->organizer && adm_ical_address_ok(ev->organizer)
        && strlen(ev->organizer) < sizeof(buf) - 8)
    {
        snprintf(buf, sizeof(buf), "mailto:%s", ev->organizer);
        adm_ical_raw(ic, "ORGANIZER", buf);
    }

    for (i = 0; i < ev->nattendees; i++) {
        if (!adm_ical_address_ok(ev->attendees[i])
            || strlen(ev->attendees[i]) >= sizeof(buf) - 8)
        {
            continue;
        }

        snprintf(buf, sizeof(buf), "mailto:%s", ev->attendees[i]);
        adm_ical_raw(ic, "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION"
                     ";RSVP=FALSE", buf);
    }
}


void
adm_ical_event(adm_ical_t *ic, const adm_ical_event_t *ev)
{
    size_t              i;
    static const char  *status[] = { "CONFIRMED", "TENTATIVE", "CANCELLED" };

    adm_ical_raw(ic, "BEGIN", "VEVENT");
    adm_ical_text(ic, "UID", ev->uid, strlen(ev->uid));
    adm_ical_utc(ic, "DTSTAMP", ev->dtstamp);
    adm_ical_utc(ic, "DTSTART", ev->start);
    adm_ical_utc(ic, "DTEND", ev->end);

    if (ev->created >= 0) {
        adm_ical_utc(ic, "CREATED", ev->created);
    }

    if (ev->last_modified >= 0) {
        adm_ical_utc(ic, "LAST-MODIFIED", ev->last_modified);
    }

    adm_ical_int(ic, "SEQUENCE", ev->sequence < 0 ? 0 : ev->sequence);
    adm_ical_raw(ic, "STATUS", status[ev->status]);
    adm_ical_text(ic, "SUMMARY", ev->summary, strlen(ev->summary));

    if (ev->description) {
        adm_ical_text(ic, "DESCRIPTION", ev->description,
                      strlen(ev->description));
    }

    if (ev->ncategories) {
        adm_ical_text_list(ic, "CATEGORIES", ev->categories,
                           ev->ncategories);
    }

    adm_ical_raw(ic, "TRANSP", ev->transparent ? "TRANSPARENT" : "OPAQUE");

    for (i = 0; i < ev->nx; i++) {
        adm_ical_text(ic, ev->x[i].name, ev->x[i].value,
                      strlen(ev->x[i].value));
    }

    adm_ical_people(ic, ev);

    adm_ical_raw(ic, "END", "VEVENT");
}


void
adm_ical_end(adm_ical_t *ic)
{
    adm_ical_raw(ic, "END", "VCALENDAR");
}
