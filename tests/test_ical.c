/*
 * The RFC 5545 writer (admin-api/model/ical.c) and a window as an event
 * (model/window_ical.c): TEXT escaping, CRLF, folding at 75 octets that
 * never splits a UTF-8 character or an escape, UTC times, the calendar
 * around the events, and what a scheduled, a completed and a cancelled
 * window read as; which windows the feed lists.
 */

#include "unit.h"
#include <jansson.h>

#include "admin.h"
#include "config.h"
#include "model/ical.h"
#include "model/window.h"
#include "model/window_ical.h"


#define NOW  1795324000LL                   /* 2026-11-22T05:06:40Z */


/* the text written so far, taken (to be freed) */

static char *
take(adm_ical_t *ic)
{
    char    *s;
    size_t   len;

    s = adm_ical_take(ic, &len);
    assert_non_null(s);
    assert_int_equal(strlen(s), len);

    return s;
}


/* every line ends in CRLF, has no bare CR or LF, is at most 75 octets */

static void
assert_lines_ok(const char *s)
{
    const char  *p, *eol;

    for (p = s; *p; p = eol + 2) {
        eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= ADM_ICAL_LINE_MAX);
        assert_null(memchr(p, '\n', (size_t) (eol - p)));
        assert_null(memchr(p, '\r', (size_t) (eol - p)));
    }
}


/*
 * The value of the first property called name, unfolded (CRLF and one
 * space or tab removed) and, with text, unescaped; to be freed.
 */

static char *
value_of(const char *doc, const char *name, int text)
{
    char        *u, *out, *o, key[80];
    const char  *p, *start;
    size_t       i, n;

    n = strlen(doc);
    u = malloc(n + 1);
    assert_non_null(u);

    for (i = 0, o = u; i < n; i++) {
        if (doc[i] == '\r' && doc[i + 1] == '\n'
            && (doc[i + 2] == ' ' || doc[i + 2] == '\t'))
        {
            i += 2;
            continue;
        }
        *o++ = doc[i];
    }
    *o = '\0';

    snprintf(key, sizeof(key), "\r\n%s:", name);

    if (strncmp(u, key + 2, strlen(key) - 2) == 0) {
        start = u + strlen(key) - 2;

    } else {
        p = strstr(u, key);
        assert_non_null(p);
        start = p + strlen(key);
    }

    out = malloc(strlen(start) + 1);
    assert_non_null(out);

    for (p = start, o = out; *p && *p != '\r'; p++) {
        if (text && *p == '\\' && p[1]) {
            p++;
            *o++ = (*p == 'n' || *p == 'N') ? '\n' : *p;
            continue;
        }
        *o++ = *p;
    }
    *o = '\0';

    free(u);

    return out;
}


static void
test_escaping(void **state)
{
    char        *s;
    adm_ical_t   ic;

    (void) state;

    adm_ical_init(&ic);
    adm_ical_text(&ic, "SUMMARY", S("a,b;c\\d\ne:f\tg"));
    s = take(&ic);
    assert_string_equal(s, "SUMMARY:a\\,b\\;c\\\\d\\ne:f\tg\r\n");
    free(s);

    /* CRLF and CR are one line break each; other controls cannot be TEXT */
    adm_ical_init(&ic);
    adm_ical_text(&ic, "X", S("a\r\nb\rc\x01\x7f" "d\0e"));
    s = take(&ic);
    assert_string_equal(s, "X:a\\nb\\ncde\r\n");
    free(s);

    /* bytes that are not UTF-8 become U+FFFD; UTF-8 stays as it is */
    adm_ical_init(&ic);
    adm_ical_text(&ic, "X", S("\xc3\xa9\xff\xc3(\xed\xa0\x80\xf0\x9f\x9b\xa0"));
    s = take(&ic);
    assert_string_equal(s, "X:\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd("
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
                        "\xf0\x9f\x9b\xa0\r\n");
    free(s);

    /* a list: commas between the values, escaped inside them */
    adm_ical_init(&ic);
    {
        const char  *v[] = { "Maintenance", "a,b", "c" };
        adm_ical_text_list(&ic, "CATEGORIES", v, 3);
    }
    s = take(&ic);
    assert_string_equal(s, "CATEGORIES:Maintenance,a\\,b,c\r\n");
    free(s);
}


/*
 * SUMMARY of pad 'a's then tail, written: its lines checked, its value
 * read back; the text, to be freed
 */

static char *
summary(size_t pad, const char *tail)
{
    char        in[200], *s, *v;
    adm_ical_t  ic;

    memset(in, 'a', pad);
    strcpy(in + pad, tail);

    adm_ical_init(&ic);
    adm_ical_text(&ic, "SUMMARY", in, strlen(in));
    s = take(&ic);
    assert_lines_ok(s);

    v = value_of(s, "SUMMARY", 1);
    assert_string_equal(v, in);
    free(v);

    return s;
}


static void
test_folding(void **state)
{
    char        *s, *v, in[1200];
    size_t       i;
    adm_ical_t   ic;

    (void) state;

    /* long ASCII: 75 octets, then a space and 74 more a line */
    memset(in, 'x', 300);
    in[300] = '\0';
    adm_ical_init(&ic);
    adm_ical_text(&ic, "DESCRIPTION", in, 300);
    s = take(&ic);
    assert_lines_ok(s);
    assert_int_equal(strstr(s, "\r\n") - s, 75);
    assert_memory_equal(s + 75, "\r\n x", 4);
    assert_int_equal(strstr(s + 77, "\r\n") - (s + 77), 75);
    v = value_of(s, "DESCRIPTION", 1);
    assert_string_equal(v, in);
    free(v);
    free(s);

    /* "SUMMARY:" and 66 octets: 74; a 4-octet character would cross 75 */
    s = summary(66, "\xf0\x9f\x9b\xa0z");
    assert_int_equal(strstr(s, "\r\n") - s, 74);
    assert_string_equal(s + 74, "\r\n \xf0\x9f\x9b\xa0z\r\n");
    free(s);

    /* nor is an escape split: "\," whole on the next line */
    s = summary(66, ",z");
    assert_string_equal(s + 74, "\r\n \\,z\r\n");
    free(s);

    /* one that fits exactly stays: 75 octets */
    s = summary(65, "\xc3\xa9");
    assert_string_equal(s + 73, "\xc3\xa9\r\n");
    free(s);

    /* every character width at every offset, with escapes between */
    for (i = 0; i < 1000; i += 7) {
        static const char  *units[] = {
            "a", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", ";", "\n",
            "\\", ","
        };
        size_t  k, len = 0;

        for (k = 0; len + 4 < i; k++) {
            strcpy(in + len, units[(k * 5 + i) % 8]);
            len += strlen(units[(k * 5 + i) % 8]);
        }
        in[len] = '\0';

        adm_ical_init(&ic);
        adm_ical_text(&ic, "DESCRIPTION", in, len);
        s = take(&ic);
        assert_lines_ok(s);
        v = value_of(s, "DESCRIPTION", 1);
        assert_string_equal(v, in);
        free(v);
        free(s);
    }
}


static void
test_times(void **state)
{
    char        buf[17], *s;
    adm_ical_t  ic;

    (void) state;

    adm_ical_format_utc(buf, NOW);
    assert_string_equal(buf, "20261122T050640Z");
    adm_ical_format_utc(buf, 0);
    assert_string_equal(buf, "19700101T000000Z");
    adm_ical_format_utc(buf, -5);
    assert_string_equal(buf, "19700101T000000Z");
    adm_ical_format_utc(buf, 253402300799LL);
    assert_string_equal(buf, "99991231T235959Z");
    adm_ical_format_utc(buf, 1LL << 40);
    assert_string_equal(buf, "99991231T235959Z");

    adm_ical_init(&ic);
    adm_ical_utc(&ic, "DTSTART", 951782400);        /* a leap day */
    adm_ical_int(&ic, "SEQUENCE", 12);
    s = take(&ic);
    assert_string_equal(s, "DTSTART:20000229T000000Z\r\nSEQUENCE:12\r\n");
    free(s);
}


static void
test_calendar(void **state)
{
    char             *s;
    adm_ical_t        ic;
    adm_ical_cal_t    cal = { "PUBLISH", "Maintenance: crm", NULL, 15 };
    adm_ical_event_t  ev;

    (void) state;

    memset(&ev, 0, sizeof(ev));
    ev.uid = "w_1@example.org";
    ev.dtstamp = NOW;
    ev.start = NOW + 60;
    ev.end = NOW + 3600;
    ev.created = -1;
    ev.last_modified = -1;
    ev.sequence = 3;
    ev.summary = "Upgrade";

    adm_ical_init(&ic);
    adm_ical_begin(&ic, &cal);
    adm_ical_event(&ic, &ev);
    adm_ical_end(&ic);
    s = take(&ic);
    assert_lines_ok(s);

    assert_string_equal(s,
        "BEGIN:VCALENDAR\r\n"
        "VERSION:2.0\r\n"
        "PRODID:-//ngx_maint//maint-admind " ADM_VERSION "//EN\r\n"
        "CALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\n"
        "X-WR-CALNAME:Maintenance: crm\r\n"
        "REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n"
        "X-PUBLISHED-TTL:PT15M\r\n"
        "BEGIN:VEVENT\r\n"
        "UID:w_1@example.org\r\n"
        "DTSTAMP:20261122T050640Z\r\n"
        "DTSTART:20261122T050740Z\r\n"
        "DTEND:20261122T060640Z\r\n"
        "SEQUENCE:3\r\n"
        "STATUS:CONFIRMED\r\n"
        "SUMMARY:Upgrade\r\n"
        "TRANSP:OPAQUE\r\n"
        "END:VEVENT\r\n"
        "END:VCALENDAR\r\n");
    free(s);
}


static json_t *
window(const char *extra)
{
    char     buf[2048];
    json_t  *rec, *more;

    rec = json_loads("{\"id\": \"w_abcdefghij\", \"title\": \"Upgrade, DB; "
                     "\\u00e9t\\u00e9 \\ud83d\\udee0\", \"apps\": [\"crm\", "
                     "\"shop\"], \"starts_at\": \"2026-11-22T06:00:00Z\", "
                     "\"ends_at\": \"2026-11-22T07:00:00Z\", \"mode\": "
                     "\"read_only\", \"login_message\": \"Back soon.\\nCall "
                     "us\", \"enabled\": true, \"status\": \"scheduled\", "
                     "\"actual_start\": null, \"actual_end\": null, "
                     "\"completion_notes\": null, \"notes\": \"internal\", "
                     "\"created_at\": \"2026-11-20T10:00:00Z\", "
                     "\"updated_at\": \"2026-11-21T10:00:00Z\", "
                     "\"revision\": 4}", 0, NULL);
    assert_non_null(rec);

    if (extra) {
        snprintf(buf, sizeof(buf), "%s", extra);
        more = json_loads(buf, 0, NULL);
        assert_non_null(more);
        json_object_update(rec, more);
        json_decref(more);
    }

    return rec;
}


static char *
event(json_t *rec)
{
    adm_ical_t  ic;

    adm_ical_init(&ic);
    assert_int_equal(adm_window_ical(&ic, rec, "maint.example.org"), 0);

    return take(&ic);
}


static void
assert_value(const char *doc, const char *name, const char *want)
{
    char  *v;

    v = value_of(doc, name, 1);
    if (strcmp(v, want) != 0) {
        fail_msg("%s: \"%s\", not \"%s\"", name, v, want);
    }
    free(v);
}


static void
test_window_scheduled(void **state)
{
    char    *s;
    json_t  *rec;

    (void) state;

    rec = window(NULL);
    s = event(rec);
    assert_lines_ok(s);

    assert_value(s, "UID", "w_abcdefghij@maint.example.org");
    assert_value(s, "DTSTAMP", "20261121T100000Z");
    assert_value(s, "LAST-MODIFIED", "20261121T100000Z");
    assert_value(s, "CREATED", "20261120T100000Z");
    assert_value(s, "DTSTART", "20261122T060000Z");
    assert_value(s, "DTEND", "20261122T070000Z");
    assert_value(s, "SEQUENCE", "4");
    assert_value(s, "STATUS", "CONFIRMED");
    assert_value(s, "TRANSP", "TRANSPARENT");
    assert_value(s, "SUMMARY", "Upgrade, DB; \xc3\xa9t\xc3\xa9 "
                 "\xf0\x9f\x9b\xa0");
    assert_value(s, "DESCRIPTION", "Back soon.\nCall us\n\n"
                 "Apps: crm, shop\n"
                 "Mode: read-only (reads keep working, changes are "
                 "refused)\n"
                 "Status: scheduled");
    assert_value(s, "CATEGORIES", "Maintenance,crm,shop");
    assert_value(s, "X-NGX-MAINT-STATUS", "scheduled");
    assert_value(s, "X-NGX-MAINT-MODE", "read_only");
    assert_value(s, "X-NGX-MAINT-APPS", "crm,shop");
    assert_null(strstr(s, "internal"));         /* the team's notes */
    assert_memory_equal(s, "BEGIN:VEVENT\r\n", 14);

    free(s);
    json_decref(rec);
}


static void
test_window_finished(void **state)
{
    char    *s;
    json_t  *rec;

    (void) state;

    /* completed: the times it really ran, the notes, every app */
    rec = window("{\"status\": \"completed_with_errors\", \"apps\": [\"*\"], "
                 "\"mode\": \"full\", \"login_message\": \"\", "
                 "\"actual_start\": \"2026-11-22T05:50:00.250Z\", "
                 "\"actual_end\": \"2026-11-22T06:40:00Z\", "
                 "\"completion_notes\": \"cache, rebuilt\", "
                 "\"revision\": 7}");
    s = event(rec);
    assert_value(s, "DTSTART", "20261122T055000Z");
    assert_value(s, "DTEND", "20261122T064000Z");
    assert_value(s, "SEQUENCE", "7");
    assert_value(s, "STATUS", "CONFIRMED");
    assert_value(s, "DESCRIPTION", "Apps: all apps\n"
                 "Mode: full (the apps show the maintenance page)\n"
                 "Status: completed with errors\n"
                 "Notes: cache, rebuilt");
    assert_value(s, "CATEGORIES", "Maintenance,all apps");
    assert_value(s, "X-NGX-MAINT-APPS", "*");
    free(s);
    json_decref(rec);

    /* cancelled: the planned times, STATUS:CANCELLED */
    rec = window("{\"status\": \"cancelled\", \"revision\": 5, "
                 "\"completion_notes\": \"not needed\"}");
    s = event(rec);
    assert_lines_ok(s);
    assert_value(s, "STATUS", "CANCELLED");
    assert_value(s, "SEQUENCE", "5");
    assert_value(s, "DTSTART", "20261122T060000Z");
    assert_value(s, "DTEND", "20261122T070000Z");
    assert_value(s, "X-NGX-MAINT-STATUS", "cancelled");
    {
        char  *d = value_of(s, "DESCRIPTION", 1);
        assert_non_null(strstr(d, "\nStatus: cancelled\nNotes: not needed"));
        free(d);
    }
    free(s);
    json_decref(rec);

    /* completed the second it started: still an event of a second */
    rec = window("{\"status\": \"completed\", "
                 "\"actual_start\": \"2026-11-22T05:50:00Z\", "
                 "\"actual_end\": \"2026-11-22T05:50:00Z\"}");
    s = event(rec);
    assert_value(s, "DTSTART", "20261122T055000Z");
    assert_value(s, "DTEND", "20261122T055001Z");
    free(s);
    json_decref(rec);
}


static void
test_window_listed(void **state)
{
    json_t  *rec;
    int64_t  end;

    (void) state;

    end = 1795330800LL;                         /* its ends_at */

    rec = window(NULL);
    assert_true(adm_window_ical_listed(rec, NOW));
    json_decref(rec);

    /* a disabled window will never be enforced */
    rec = window("{\"enabled\": false}");
    assert_false(adm_window_ical_listed(rec, NOW));
    json_decref(rec);

    rec = window("{\"status\": \"completed\", "
                 "\"actual_end\": \"2026-11-22T07:00:00Z\", "
                 "\"updated_at\": \"2026-11-22T07:00:00Z\"}");
    assert_true(adm_window_ical_listed(rec, end + ADM_ICAL_RECENT));
    assert_false(adm_window_ical_listed(rec, end + ADM_ICAL_RECENT + 1));
    json_decref(rec);

    /* a cancellation is a change: 30 days from it when it is the later */
    rec = window("{\"status\": \"cancelled\", \"enabled\": false, "
                 "\"updated_at\": \"2026-12-01T00:00:00Z\"}");
    assert_true(adm_window_ical_listed(rec, 1796083200LL + ADM_ICAL_RECENT));
    assert_false(adm_window_ical_listed(rec, 1796083200LL + ADM_ICAL_RECENT
                                        + 1));
    json_decref(rec);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_window_scheduled),
        cmocka_unit_test(test_window_finished),
        cmocka_unit_test(test_window_listed),
    };

    adm_config_defaults();

    return cmocka_run_group_tests(tests, NULL, NULL);
}
