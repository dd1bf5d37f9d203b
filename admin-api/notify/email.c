/*
 * email.c: an event (NOTIFY.md's body) as the email sent to an email
 * target.  Headers: From, To, Subject ("[Maintenance] Started: <title>",
 * RFC 2047 encoded words when it is not plain ASCII), Date, Message-ID
 * (<event id>.<target>@<calendar_domain>: the same on every attempt),
 * MIME-Version, Auto-Submitted.  Addresses go into headers only when they
 * are plain local@domain (no CR, LF, controls, quotes or brackets); text
 * (the title) only encoded or with controls made spaces: nothing from a
 * window can start a header of its own.  The body: multipart/alternative
 * of text/plain, text/html (escaped) and text/calendar (method=REQUEST,
 * or CANCEL for a cancelled window) written by model/window_ical.c with
 * the feed's UID and SEQUENCE, so the invitation lands in people's
 * calendars and moves when the window moves.  Every part is base64: no
 * line limit, no byte of the text can look like the boundary ("=_" never
 * occurs in base64).  People's times are written in the given time zone
 * and as RFC 3339.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "maint_codec.h"
#include "model/ical.h"
#include "model/times.h"
#include "model/window_ical.h"
#include "notify/email.h"


#define ADM_EMAIL_TO_MAX  50


/* a body part's content, base64 in lines of 76 (57 bytes each) */

static void
adm_b64_lines(FILE *f, const char *s, size_t len)
{
    char    line[80];
    size_t  i, n;

    for (i = 0; i < len; i += n) {
        n = len - i < 57 ? len - i : 57;
        fwrite(line, 1, maint_base64((const unsigned char *) s + i, n, line),
               f);
        fputs("\r\n", f);
    }
}


/* the length of the UTF-8 character at s: 1 for a byte that starts none */

static size_t
adm_u8_len(const unsigned char *s, size_t n)
{
    size_t  len, i;

    len = s[0] < 0xc0 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3
          : s[0] < 0xf8 ? 4 : 1;

    if (len > n) {
        return 1;
    }

    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 1;
        }
    }

    return len;
}


/*
 * A header's text: controls (CR and LF among them) made spaces; plain
 * ASCII that fits written as it is, else encoded words of at most 45
 * bytes (75 characters; fewer on the name's line), never splitting a
 * UTF-8 character, one per folded line of at most 76 (RFC 2047, 2).
 */

void
adm_email_header_text(FILE *f, const char *name, const char *s)
{
    int          plain;
    char        *t, enc[64];
    size_t       i, len, word, c, max;

    len = strlen(s);
    t = malloc(len + 1);

    if (t == NULL) {
        fprintf(f, "%s: ?\r\n", name);
        return;
    }

    plain = strlen(name) + 2 + len <= 78 && strstr(s, "=?") == NULL;

    for (i = 0; i < len; i++) {
        t[i] = (unsigned char) s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
        plain &= (unsigned char) s[i] < 0x80;
    }

    t[len] = '\0';

    if (plain) {
        fprintf(f, "%s: %s\r\n", name, t);
        free(t);
        return;
    }

    fprintf(f, "%s:", name);

    /* the first word shares its line with the name: fewer bytes */
    max = strlen(name) < 40 ? (76 - strlen(name) - 2 - 12) / 4 * 3 : 12;

    for (i = 0; i < len || i == 0; i += word) {
        for (word = 0; i + word < len; word += c) {
            c = adm_u8_len((unsigned char *) t + i + word, len - i - word);

            if (word + c > (i ? 45 : max)) {
                break;
            }
        }

        fputs(i ? "\r\n =?UTF-8?B?" : " =?UTF-8?B?", f);
        fwrite(enc, 1, maint_base64((unsigned char *) t + i, word, enc), f);
        fputs("?=", f);

        if (word == 0) {
            break;
        }
    }

    fputs("\r\n", f);
    free(t);
}


static const char *
adm_get_str(json_t *o, const char *field)
{
    const char  *s;

    s = json_string_value(json_object_get(o, field));

    return s ? s : "";
}


/* a name that may become a filename, a TZ value: no "..", no "/" first */

static int
adm_tz_ok(const char *tz)
{
    char         path[300];
    const char  *p;

    if (*tz == '\0' || *tz == '/' || strstr(tz, "..") || strlen(tz) > 200) {
        return 0;
    }

    for (p = tz; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
              || (*p >= '0' && *p <= '9') || strchr("/_+-", *p)))
        {
            return 0;
        }
    }

    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", tz);

    return access(path, R_OK) == 0;
}


/*
 * "Sun 6 Dec 2026 21:00 CET (2026-12-06T20:00:00Z)": the time zone set
 * for the call (TZ and tzset(), then put back: the daemon has one thread)
 */

static void
adm_human_time(FILE *f, int64_t t, const char *tz)
{
    char        buf[80], *old;
    time_t      tt;
    struct tm   tm;

    old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

    setenv("TZ", adm_tz_ok(tz) ? tz : "UTC", 1);
    tzset();

    tt = (time_t) t;

    if (localtime_r(&tt, &tm) == NULL
        || strftime(buf, sizeof(buf), "%a %-d %b %Y %H:%M %Z", &tm) == 0)
    {
        buf[0] = '\0';
    }

    if (old) {
        setenv("TZ", old, 1);
        free(old);

    } else {
        unsetenv("TZ");
    }

    tzset();

    gmtime_r(&tt, &tm);
    fprintf(f, "%s (%04d-%02d-%02dT%02d:%02d:%02dZ)", buf,
            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
            tm.tm_min, tm.tm_sec);
}


/* the text without controls but line breaks and tabs; escaped for HTML */

static void
adm_put_text(FILE *f, const char *s, int html)
{
    for ( ; *s; s++) {
        if (html) {
            switch (*s) {
            case '&': fputs("&amp;", f); continue;
            case '<': fputs("&lt;", f); continue;
            case '>': fputs("&gt;", f); continue;
            case '"': fputs("&quot;", f); continue;
            case '\'': fputs("&#39;", f); continue;
            case '\n': fputs("<br>\n", f); continue;
            }
        }

        if ((unsigned char) *s >= 0x20 && *s != 0x7f) {
            fputc(*s, f);

        } else if (*s == '\n' || *s == '\t') {
            fputc(*s, f);
        }
    }
}


typedef struct {
    const char         *type;           /* short: "started" */
    const char         *verb;           /* "Started" */
    json_t             *data;
    json_t             *window;
    const char         *tz;
} adm_email_ev_t;


/* a line of the body: "Label: value", value escaped for HTML */

static void
adm_line(FILE *f, int html, const char *label, const char *value)
{
    if (*value == '\0') {
        return;
    }

    fputs(html ? "<tr><th align=\"left\" valign=\"top\">" : "", f);
    fprintf(f, "%s:%s", label, html ? "</th><td>" : " ");
    adm_put_text(f, value, html);
    fputs(html ? "</td></tr>\n" : "\n", f);
}


static void
adm_time_line(FILE *f, int html, const char *label, json_t *w,
    const char *field, const char *tz)
{
    int64_t  t;

    t = adm_window_time(w, field);

    if (t < 0) {
        return;
    }

    fprintf(f, html ? "<tr><th align=\"left\">%s:</th><td>" : "%s: ",
            label);
    adm_human_time(f, t, tz);
    fputs(html ? "</td></tr>\n" : "\n", f);
}


/* what happened, in a sentence */

static void
adm_what(FILE *f, const adm_email_ev_t *e, int html)
{
    size_t       i;
    json_t      *c;
    const char  *st;

    st = adm_get_str(e->window, "status");

    if (strcmp(e->type, "completed") == 0) {
        fprintf(f, "The maintenance window ended: %s.",
                strcmp(st, "completed_with_errors") == 0
                ? "completed with errors"
                : strcmp(st, "failed") == 0 ? "failed" : "completed");

    } else if (strcmp(e->type, "changed") == 0) {
        fputs("The maintenance window was changed", f);

        json_array_foreach(json_object_get(e->data, "changed"), i, c) {
            fputs(i ? ", " : ": ", f);
            adm_put_text(f, json_is_string(c) ? json_string_value(c) : "?",
                         html);
        }

        fputs(".", f);

    } else {
        fprintf(f, "The maintenance window %s.",
                strcmp(e->type, "scheduled") == 0 ? "was scheduled"
                : strcmp(e->type, "reminder") == 0 ? "starts soon"
                : strcmp(e->type, "started") == 0 ? "started"
                : strcmp(e->type, "cancelled") == 0 ? "was cancelled"
                : "changed");
    }
}


/* the text part (html 0) or the HTML part's content */

static void
adm_email_body(FILE *f, const adm_email_ev_t *e, int html)
{
    size_t       i;
    json_t      *a, *w;
    const char  *link;

    w = e->window;

    if (html) {
        fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
              "</head><body>\n<h2>", f);
        adm_put_text(f, adm_get_str(w, "title"), 1);
        fputs("</h2>\n<p>", f);
        adm_what(f, e, 1);
        fputs("</p>\n<table>\n", f);

    } else {
        adm_what(f, e, 0);
        fputs("\n\n", f);
    }

    adm_line(f, html, "Window", adm_get_str(w, "title"));
    adm_line(f, html, "Id", adm_get_str(w, "id"));

    fputs(html ? "<tr><th align=\"left\">Apps:</th><td>" : "Apps: ", f);

    json_array_foreach(json_object_get(w, "apps"), i, a) {
        fputs(i ? ", " : "", f);
        adm_put_text(f, !json_is_string(a) ? "?"
                        : strcmp(json_string_value(a), "*") == 0
                        ? "all apps" : json_string_value(a), html);
    }

    fputs(html ? "</td></tr>\n" : "\n", f);

    adm_time_line(f, html, "Starts", w, "starts_at", e->tz);
    adm_time_line(f, html, "Ends", w, "ends_at", e->tz);
    adm_time_line(f, html, "Started", w, "actual_start", e->tz);
    adm_time_line(f, html, "Ended", w, "actual_end", e->tz);
    adm_line(f, html, "Mode", adm_get_str(w, "mode"));
    adm_line(f, html, "Status", adm_get_str(w, "status"));
    adm_line(f, html, "Message", adm_get_str(w, "login_message"));
    adm_line(f, html, "Notice", adm_get_str(w, "notify_message"));

    if (strcmp(e->type, "completed") == 0) {
        adm_line(f, html, "Outcome", adm_get_str(w, "status"));
        adm_line(f, html, "Completion notes",
                 adm_get_str(w, "completion_notes"));
    }

    adm_line(f, html, "By", adm_get_str(e->data, "actor"));

    link = adm_get_str(e->data, "link");

    if (html) {
        fputs("</table>\n", f);

        if (*link) {
            fputs("<p><a href=\"", f);
            adm_put_text(f, link, 1);
            fputs("\">Open the window in the admin page</a></p>\n", f);
        }

        fputs("</body></html>\n", f);

    } else if (*link) {
        fprintf(f, "\nLink: ");
        adm_put_text(f, link, 0);
        fputs("\n", f);
    }
}


/* the part's content: text, HTML or the invitation; NULL on failure */

static char *
adm_part(const adm_email_in_t *in, const adm_email_ev_t *e, int which,
    size_t *len)
{
    FILE                 *f;
    char                 *text;
    adm_ical_t            ic;
    adm_ical_cal_t        cal;
    adm_window_invite_t   inv;

    if (which < 2) {
        f = open_memstream(&text, len);
        if (f == NULL) {
            return NULL;
        }

        adm_email_body(f, e, which);

        if (fclose(f) != 0) {
            free(text);
            return NULL;
        }

        return text;
    }

    memset(&cal, 0, sizeof(cal));
    cal.method = strcmp(e->type, "cancelled") == 0 ? "CANCEL" : "REQUEST";

    inv.organizer = in->from;
    inv.attendees = in->to;
    inv.nattendees = in->nto;
    inv.cancel = strcmp(e->type, "cancelled") == 0;

    adm_ical_init(&ic);
    adm_ical_begin(&ic, &cal);

    if (adm_window_ical_invite(&ic, e->window, in->domain, &inv) != 0) {
        adm_ical_free(&ic);
        return NULL;
    }

    adm_ical_end(&ic);

    return adm_ical_take(&ic, len);
}


/*
 * The longest event id taken: it goes into X-Maint-Event (15 + 58) and the
 * boundary (" boundary=\"=_maint_" + 58 + "\"" is 78 octets, the line
 * limit; RFC 2046 allows a boundary of 70).  The daemon's own ids have 28.
 */
#define ADM_EMAIL_ID_MAX  58


/* an event id, a target name: what may go into a Message-ID as it is */

static int
adm_atom_ok(const char *s, size_t max)
{
    const char  *p;

    if (*s == '\0' || strlen(s) > max) {
        return 0;
    }

    for (p = s; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')
              || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
        {
            return 0;
        }
    }

    return 1;
}


static int
adm_email_check(const adm_email_in_t *in, adm_email_ev_t *e, json_t *ev,
    char *err, size_t errlen)
{
    size_t       i;
    const char  *type, *id;

    type = json_string_value(json_object_get(ev, "type"));
    e->data = json_object_get(ev, "data");
    e->window = json_object_get(e->data, "window");
    id = adm_get_str(e->data, "event_id");

    if (type == NULL || strlen(type) < 12
        || memcmp(type, "maintenance.", 12) != 0 || !json_is_object(e->window)
        || !adm_atom_ok(id, ADM_EMAIL_ID_MAX))
    {
        snprintf(err, errlen, "not an event body");
        return -1;
    }

    e->type = type + 12;

    static const char  *verbs[][2] = {
        { "scheduled", "Scheduled" }, { "changed", "Changed" },
        { "reminder", "Reminder" }, { "started", "Started" },
        { "completed", "Completed" }, { "cancelled", "Cancelled" },
    };

    e->verb = NULL;

    for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (strcmp(e->type, verbs[i][0]) == 0) {
            e->verb = verbs[i][1];
        }
    }

    if (e->verb == NULL) {
        snprintf(err, errlen, "unknown event type");
        return -1;
    }

    if (strcmp(e->type, "completed") == 0) {
        id = adm_get_str(e->window, "status");
        e->verb = strcmp(id, "failed") == 0 ? "Failed"
                  : strcmp(id, "completed_with_errors") == 0
                  ? "Completed with errors" : "Completed";
    }

    if (!adm_ical_address_ok(in->from)) {
        snprintf(err, errlen, "smtp_from is not an address");
        return -1;
    }

    if (in->nto == 0 || in->nto > ADM_EMAIL_TO_MAX) {
        snprintf(err, errlen, "1 to %d addresses", ADM_EMAIL_TO_MAX);
        return -1;
    }

    for (i = 0; i < in->nto; i++) {
        if (!adm_ical_address_ok(in->to[i]) || strlen(in->to[i]) > 254) {
            snprintf(err, errlen, "address %zu is not one a header can "
                     "hold", i + 1);
            return -1;
        }
    }

    return 0;
}


/* a name in a Message-ID: what a dot-atom cannot hold becomes "-" */

static void
adm_put_atom(FILE *f, const char *s)
{
    for ( ; *s; s++) {
        fputc((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')
              || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'
              ? *s : '-', f);
    }
}


static void
adm_email_headers(FILE *f, const adm_email_in_t *in, const adm_email_ev_t *e,
    const char *id)
{
    char        date[64], *subject;
    size_t      i, n;
    time_t      tt;
    struct tm   tm;

    fprintf(f, "From: %s\r\nTo: ", in->from);

    for (i = 0; i < in->nto; i++) {
        fprintf(f, "%s%s", i ? ",\r\n " : "", in->to[i]);
    }

    n = strlen(e->verb) + strlen(adm_get_str(e->window, "title")) + 32;
    subject = malloc(n);

    if (subject) {
        snprintf(subject, n, "[Maintenance] %s: %s", e->verb,
                 adm_get_str(e->window, "title"));
    }

    fputs("\r\n", f);
    adm_email_header_text(f, "Subject", subject ? subject : "[Maintenance]");
    free(subject);

    tt = (time_t) in->now;
    gmtime_r(&tt, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);

    fprintf(f, "Date: %s\r\nMessage-ID: <%s.", date, id);
    adm_put_atom(f, in->target);
    fputc('@', f);
    adm_put_atom(f, in->domain);
    fprintf(f, ">\r\nMIME-Version: 1.0\r\n"
            "Auto-Submitted: auto-generated\r\n"
            "X-Maint-Event: %s\r\n"
            "Content-Type: multipart/alternative;\r\n"
            " boundary=\"=_maint_%s\"\r\n\r\n"
            "This is a MIME message.\r\n", id, id);
}


char *
adm_email_build(const adm_email_in_t *in, const char *body, size_t body_len,
    size_t *len, char *err, size_t errlen)
{
    int              i;
    FILE            *f;
    char            *msg, *part;
    json_t          *ev;
    size_t           plen;
    const char      *id;
    adm_email_ev_t   e;
    static const char  *types[] = {
        "text/plain; charset=UTF-8", "text/html; charset=UTF-8",
        "text/calendar; charset=UTF-8; method="
    };

    ev = json_loadb(body, body_len, 0, NULL);

    memset(&e, 0, sizeof(e));
    e.tz = in->time_zone ? in->time_zone : "UTC";

    if (ev == NULL || adm_email_check(in, &e, ev, err, errlen) != 0) {
        if (ev == NULL) {
            snprintf(err, errlen, "not an event body");
        }

        json_decref(ev);
        return NULL;
    }

    id = adm_get_str(e.data, "event_id");

    f = open_memstream(&msg, len);
    if (f == NULL) {
        json_decref(ev);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }

    adm_email_headers(f, in, &e, id);

    for (i = 0; i < 3; i++) {
        part = adm_part(in, &e, i, &plen);

        if (part == NULL) {
            break;
        }

        fprintf(f, "\r\n--=_maint_%s\r\nContent-Type: %s%s\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n", id, types[i],
                i < 2 ? "" : strcmp(e.type, "cancelled") == 0 ? "CANCEL"
                                                             : "REQUEST");
        adm_b64_lines(f, part, plen);
        free(part);
    }

    fprintf(f, "\r\n--=_maint_%s--\r\n", id);

    json_decref(ev);

    if (fclose(f) != 0 || i < 3) {
        free(msg);
        snprintf(err, errlen, i < 3 ? "the window could not be written"
                                    : "out of memory");
        return NULL;
    }

    return msg;
}
