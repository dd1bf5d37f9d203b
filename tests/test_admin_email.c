/*
 * test_admin_email.c: a notification as an email (admin-api/notify/
 * email.c): the headers, the MIME structure (multipart/alternative of
 * text, HTML and the invitation, each base64), the invitation being
 * exactly what model/window_ical.c writes for the window (METHOD REQUEST
 * or CANCEL, UID, SEQUENCE, ORGANIZER, ATTENDEEs), subjects encoded when
 * not ASCII, CR/LF and controls kept out of every header, addresses that
 * a header cannot hold refused, people's times in the time zone given.
 */

#include "unit.h"
#include "maint_codec.h"
#include "model/ical.h"
#include "model/window_ical.h"
#include "notify/email.h"


#define WINDOW(title, status, notes)                                          \
    "{\"id\":\"w_1\",\"title\":\"" title "\",\"apps\":[\"shop\",\"*\"],"      \
    "\"starts_at\":\"2026-12-06T20:00:00Z\","                                 \
    "\"ends_at\":\"2026-12-06T22:00:00Z\",\"mode\":\"full\","                 \
    "\"status\":\"" status "\",\"login_message\":\"Back <soon>\","             \
    "\"notify_message\":\"\",\"revision\":4,\"enabled\":true,"                \
    "\"created_at\":\"2026-12-01T10:00:00Z\","                                \
    "\"updated_at\":\"2026-12-06T20:00:00Z\","                                \
    "\"completion_notes\":\"" notes "\"}"

#define EVENT(type, window)                                                   \
    "{\"type\":\"maintenance." type "\","                                     \
    "\"timestamp\":\"2026-12-06T20:00:00Z\",\"data\":{"                       \
    "\"event_id\":\"msg_p5jXN8AQM9LWM0D4loKWxJek\",\"window\":" window ","    \
    "\"actor\":\"alice\",\"link\":\"https://admin.example/#/windows/w_1\"}}"

static const char  *to2[] = { "a@example.com", "b@example.org" };


static adm_email_in_t
in_default(void)
{
    adm_email_in_t  in;

    memset(&in, 0, sizeof(in));
    in.from = "maint@example.com";
    in.to = to2;
    in.nto = 2;
    in.target = "ops-mail";
    in.domain = "example.test";
    in.time_zone = "UTC";
    in.now = 1796587200;        /* 2026-12-06T20:00:00Z */

    return in;
}


static char *
build(const adm_email_in_t *in, const char *body)
{
    char    err[256], *msg;
    size_t  len;

    err[0] = '\0';
    msg = adm_email_build(in, body, strlen(body), &len, err, sizeof(err));

    if (msg == NULL) {
        fprintf(stderr, "email: %s\n", err);
        return NULL;
    }

    assert_int_equal(strlen(msg), len);

    return msg;
}


/* the header section: up to the first empty line */

static char *
headers_of(const char *msg)
{
    const char  *end;

    end = strstr(msg, "\r\n\r\n");
    assert_non_null(end);

    return strndup(msg, (size_t) (end - msg) + 2);
}


/* the decoded content of the part with this Content-Type start */

static char *
part(const char *msg, const char *type)
{
    char           *out;
    const char     *p, *body, *end;
    size_t          i, n;
    char           *b64;
    long            len;

    p = strstr(msg, type);
    if (p == NULL) {
        return NULL;
    }

    body = strstr(p, "\r\n\r\n");
    assert_non_null(body);
    body += 4;
    end = strstr(body, "\r\n--=_maint_");
    assert_non_null(end);

    b64 = malloc((size_t) (end - body) + 1);
    for (i = 0, n = 0; body + i < end; i++) {
        if (body[i] != '\r' && body[i] != '\n') {
            b64[n++] = body[i];
        }
    }

    out = malloc(n + 1);
    len = maint_base64_decode(b64, n, (unsigned char *) out, n);
    assert_true(len >= 0);
    out[len] = '\0';
    free(b64);

    return out;
}


static void
test_structure(void **state)
{
    char            *msg, *h, *text, *html;
    const char      *p;
    adm_email_in_t   in;

    in = in_default();
    msg = build(&in, EVENT("started", WINDOW("Disk swap", "in_progress",
                                             "")));
    assert_non_null(msg);

    h = headers_of(msg);
    assert_true(strncmp(h, "From: maint@example.com\r\n", 25) == 0);
    assert_non_null(strstr(h, "\r\nTo: a@example.com,\r\n b@example.org\r\n"));
    assert_non_null(strstr(h, "\r\nSubject: [Maintenance] Started: "
                           "Disk swap\r\n"));
    assert_non_null(strstr(h,
                           "\r\nDate: Sun, 06 Dec 2026 20:00:00 +0000\r\n"));
    assert_non_null(strstr(h, "\r\nMessage-ID: "
                           "<msg_p5jXN8AQM9LWM0D4loKWxJek.ops-mail"
                           "@example.test>\r\n"));
    assert_non_null(strstr(h, "\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(strstr(h, "\r\nContent-Type: multipart/alternative;\r\n"
                           " boundary=\"=_maint_msg_p5jXN8AQM9LWM0D4loKWxJek"
                           "\"\r\n"));
    free(h);

    /* three parts in order, the closing boundary last */
    p = strstr(msg, "\r\n--=_maint_msg_p5jXN8AQM9LWM0D4loKWxJek\r\n"
                    "Content-Type: text/plain; charset=UTF-8\r\n"
                    "Content-Transfer-Encoding: base64\r\n\r\n");
    assert_non_null(p);
    p = strstr(p, "\r\n--=_maint_msg_p5jXN8AQM9LWM0D4loKWxJek\r\n"
                  "Content-Type: text/html; charset=UTF-8\r\n");
    assert_non_null(p);
    p = strstr(p, "\r\n--=_maint_msg_p5jXN8AQM9LWM0D4loKWxJek\r\n"
                  "Content-Type: text/calendar; charset=UTF-8; "
                  "method=REQUEST\r\n");
    assert_non_null(p);
    p = strstr(p, "\r\n--=_maint_msg_p5jXN8AQM9LWM0D4loKWxJek--\r\n");
    assert_non_null(p);
    assert_string_equal(p + strlen("\r\n--=_maint_msg_p5jXN8AQM9LWM0D4lo"
                                   "KWxJek--\r\n"), "");

    /* no bare LF, no line over 78 */
    for (p = msg; *p; p++) {
        if (*p == '\n') {
            assert_true(p > msg && p[-1] == '\r');
        }
    }

    text = part(msg, "Content-Type: text/plain");
    assert_non_null(strstr(text, "The maintenance window started."));
    assert_non_null(strstr(text, "Apps: shop, all apps\n"));
    assert_non_null(strstr(text, "Starts: Sun 6 Dec 2026 20:00 UTC "
                           "(2026-12-06T20:00:00Z)\n"));
    assert_non_null(strstr(text, "Message: Back <soon>\n"));
    assert_non_null(strstr(text, "Link: https://admin.example/#/windows/"
                           "w_1\n"));
    assert_null(strstr(text, "Completion notes"));

    html = part(msg, "Content-Type: text/html");
    assert_non_null(strstr(html, "Back &lt;soon&gt;"));
    assert_null(strstr(html, "<soon>"));

    free(text);
    free(html);
    free(msg);
}


/* the invitation is exactly what the window's iCalendar writer makes */

static void
test_invitation(void **state)
{
    char                 *msg, *ics, *want;
    size_t                len;
    json_t               *w;
    adm_ical_t            ic;
    adm_ical_cal_t        cal;
    adm_email_in_t        in;
    adm_window_invite_t   inv;

    in = in_default();
    msg = build(&in, EVENT("scheduled", WINDOW("Disk swap", "scheduled",
                                               "")));
    ics = part(msg, "Content-Type: text/calendar");
    assert_non_null(ics);

    w = json_loads(WINDOW("Disk swap", "scheduled", ""), 0, NULL);
    memset(&cal, 0, sizeof(cal));
    cal.method = "REQUEST";
    inv.organizer = in.from;
    inv.attendees = to2;
    inv.nattendees = 2;
    inv.cancel = 0;
    adm_ical_init(&ic);
    adm_ical_begin(&ic, &cal);
    assert_int_equal(adm_window_ical_invite(&ic, w, "example.test", &inv), 0);
    adm_ical_end(&ic);
    want = adm_ical_take(&ic, &len);

    assert_string_equal(ics, want);
    assert_non_null(strstr(ics, "\r\nMETHOD:REQUEST\r\n"));
    assert_non_null(strstr(ics, "\r\nUID:w_1@example.test\r\n"));
    assert_non_null(strstr(ics, "\r\nSEQUENCE:4\r\n"));
    assert_non_null(strstr(ics, "\r\nORGANIZER:mailto:maint@example.com\r\n"));
    assert_non_null(strstr(ics, "RSVP=FALSE:mailto:a@exa"));
    assert_non_null(strstr(ics, "\r\nSTATUS:CONFIRMED\r\n"));

    json_decref(w);
    free(want);
    free(ics);
    free(msg);

    /* the feed's event has neither organizer nor attendees */
    w = json_loads(WINDOW("Disk swap", "scheduled", ""), 0, NULL);
    adm_ical_init(&ic);
    assert_int_equal(adm_window_ical(&ic, w, "example.test"), 0);
    want = adm_ical_take(&ic, &len);
    assert_null(strstr(want, "ORGANIZER"));
    assert_null(strstr(want, "ATTENDEE"));
    free(want);
    json_decref(w);
}


static void
test_cancel_and_completed(void **state)
{
    char            *msg, *ics, *text;
    adm_email_in_t   in;

    in = in_default();
    msg = build(&in, EVENT("cancelled", WINDOW("Disk swap", "scheduled",
                                               "")));
    assert_non_null(strstr(msg, "\r\nSubject: [Maintenance] Cancelled: "
                           "Disk swap\r\n"));
    assert_non_null(strstr(msg, "text/calendar; charset=UTF-8; "
                           "method=CANCEL\r\n"));
    ics = part(msg, "Content-Type: text/calendar");
    assert_non_null(strstr(ics, "\r\nMETHOD:CANCEL\r\n"));
    assert_non_null(strstr(ics, "\r\nSTATUS:CANCELLED\r\n"));
    assert_non_null(strstr(ics, "\r\nUID:w_1@example.test\r\n"));
    free(ics);
    free(msg);

    msg = build(&in, EVENT("completed", WINDOW("Disk swap",
                                               "completed_with_errors",
                                               "Disk 3 <failed>")));
    assert_non_null(strstr(msg, "\r\nSubject: [Maintenance] Completed with "
                           "errors: Disk swap\r\n"));
    text = part(msg, "Content-Type: text/plain");
    assert_non_null(strstr(text, "ended: completed with errors."));
    assert_non_null(strstr(text, "Outcome: completed_with_errors\n"));
    assert_non_null(strstr(text, "Completion notes: Disk 3 <failed>\n"));
    free(text);
    text = part(msg, "Content-Type: text/html");
    assert_non_null(strstr(text, "Disk 3 &lt;failed&gt;"));
    free(text);
    free(msg);
}


/* encoded words decoded back: the subject's text */

static void
decode_words(const char *h, char *out, size_t size)
{
    char        b64[128];
    long        n;
    size_t      len, o;
    const char  *p, *q;

    o = 0;

    for (p = h; (p = strstr(p, "=?UTF-8?B?")) != NULL; p = q + 2) {
        p += 10;
        q = strstr(p, "?=");
        assert_non_null(q);
        len = (size_t) (q - p);
        assert_true(len < sizeof(b64));
        memcpy(b64, p, len);
        n = maint_base64_decode(b64, len, (unsigned char *) out + o,
                                size - o - 1);
        assert_true(n >= 0);
        o += (size_t) n;
    }

    out[o] = '\0';
}


static void
test_subject_encoded(void **state)
{
    char            *msg, *h, *s, text[512];
    const char      *p, *line;
    adm_email_in_t   in;

    in = in_default();
    msg = build(&in, EVENT("started", WINDOW(
        "Datenbank-Wartung \\u00e4\\u00f6\\u00fc \\u20ac "
        "und noch viel mehr Text, der lang genug ist, um gefaltet zu werden",
        "in_progress", "")));
    h = headers_of(msg);

    s = strstr(h, "\r\nSubject:");
    assert_non_null(s);
    assert_non_null(strstr(s, "=?UTF-8?B?"));

    /* folded: every physical line at most 78 */
    for (line = h; *line; line = p + 2) {
        p = strstr(line, "\r\n");
        assert_non_null(p);
        assert_true(p - line <= 78);
    }

    decode_words(s, text, sizeof(text));
    assert_string_equal(text, "[Maintenance] Started: Datenbank-Wartung "
                        "\xc3\xa4\xc3\xb6\xc3\xbc \xe2\x82\xac und noch viel "
                        "mehr Text, der lang genug ist, um gefaltet zu "
                        "werden");
    free(h);
    free(msg);
}


static void
test_injection(void **state)
{
    char            *msg, *h, err[256];
    size_t           len;
    const char      *bad_to[] = { "a@example.com\r\nBcc: x@evil" };
    const char      *sp_to[] = { "a b@example.com" };
    adm_email_in_t   in;
    const char      *body = EVENT("started", WINDOW(
        "x\\r\\nBcc: victim@evil.example\\r\\n\\r\\nhi", "in_progress", ""));

    /* a title's CR LF never starts a header */
    in = in_default();
    msg = build(&in, body);
    h = headers_of(msg);
    assert_null(strstr(h, "\r\nBcc:"));
    assert_null(strstr(h, "\nBcc:"));
    free(h);
    free(msg);

    /* addresses a header cannot hold as they are: refused */
    in.to = bad_to;
    in.nto = 1;
    assert_null(adm_email_build(&in, body, strlen(body), &len, err,
                                sizeof(err)));
    assert_non_null(strstr(err, "address 1"));

    in.to = sp_to;
    assert_null(adm_email_build(&in, body, strlen(body), &len, err,
                                sizeof(err)));

    in = in_default();
    in.from = "maint@example.com\nBcc: x@evil";
    assert_null(adm_email_build(&in, body, strlen(body), &len, err,
                                sizeof(err)));

    in = in_default();
    in.nto = 0;
    assert_null(adm_email_build(&in, body, strlen(body), &len, err,
                                sizeof(err)));

    /* an ASCII title that looks like an encoded word is encoded itself */
    in = in_default();
    msg = build(&in, EVENT("started", WINDOW("=?UTF-8?B?QUFB?=",
                                             "in_progress", "")));
    h = headers_of(msg);
    assert_null(strstr(h, "Started: =?UTF-8?B?QUFB?="));
    free(h);
    free(msg);
}


static void
test_time_zone(void **state)
{
    char            *msg, *text;
    adm_email_in_t   in;

    in = in_default();
    in.time_zone = "Europe/Berlin";
    msg = build(&in, EVENT("reminder", WINDOW("Disk swap", "scheduled",
                                              "")));
    text = part(msg, "Content-Type: text/plain");
    assert_non_null(strstr(text, "Starts: Sun 6 Dec 2026 21:00 CET "
                           "(2026-12-06T20:00:00Z)\n"));
    assert_non_null(strstr(text, "The maintenance window starts soon."));
    free(text);
    free(msg);

    /* not a zone name: UTC */
    in.time_zone = "../../../etc/passwd";
    msg = build(&in, EVENT("reminder", WINDOW("Disk swap", "scheduled",
                                              "")));
    text = part(msg, "Content-Type: text/plain");
    assert_non_null(strstr(text, "Starts: Sun 6 Dec 2026 20:00 UTC"));
    free(text);
    free(msg);

    /* the process's own zone is left as it was */
    assert_null(getenv("TZ"));
}


static void
test_not_an_event(void **state)
{
    char            err[256];
    size_t          len;
    adm_email_in_t  in;

    in = in_default();

    assert_null(adm_email_build(&in, S("not json"), &len, err, sizeof(err)));
    assert_null(adm_email_build(&in, S("{\"type\":\"x\"}"), &len, err,
                                sizeof(err)));
    assert_null(adm_email_build(&in, S(EVENT("exploded", WINDOW("t", "s",
                                                                ""))),
                                &len, err, sizeof(err)));
    assert_string_equal(err, "unknown event type");
}


/*
 * The longest event id taken (58) keeps every header line within 78
 * octets, the boundary's too; a longer one is refused (found by
 * fuzz_admin_email: 62 made the boundary's line 82 octets).
 */

/* a started event whose id is n characters: "msg_" and x's */

static void
event_with_id(char *body, size_t size, char *id, size_t n)
{
    memset(id, 'x', n);
    memcpy(id, "msg_", 4);
    id[n] = '\0';

    snprintf(body, size, "{\"type\":\"maintenance.started\","
             "\"timestamp\":\"2026-12-06T20:00:00Z\",\"data\":{"
             "\"event_id\":\"%s\",\"window\":%s,\"actor\":\"alice\","
             "\"link\":null}}", id, WINDOW("Disk swap", "in_progress", ""));
}


static void
test_long_event_id(void **state)
{
    char            err[256], body[1024], id[64];
    char           *msg, *h, *p, *eol;
    size_t          len;
    adm_email_in_t  in;

    in = in_default();

    event_with_id(body, sizeof(body), id, 58);

    msg = build(&in, body);
    assert_non_null(msg);
    h = headers_of(msg);

    for (p = h; *p; p = eol + 2) {
        eol = strstr(p, "\r\n");
        assert_non_null(eol);
        /* Message-ID alone may not be folded (RFC 5322's 998) */
        assert_true(eol - p <= 78 || strncmp(p, "Message-ID: ", 12) == 0);
    }

    assert_non_null(strstr(h, id));
    free(h);
    free(msg);

    event_with_id(body, sizeof(body), id, 59);

    assert_null(adm_email_build(&in, body, strlen(body), &len, err,
                                sizeof(err)));
    assert_string_equal(err, "not an event body");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_invitation),
        cmocka_unit_test(test_cancel_and_completed),
        cmocka_unit_test(test_subject_encoded),
        cmocka_unit_test(test_injection),
        cmocka_unit_test(test_time_zone),
        cmocka_unit_test(test_not_an_event),
        cmocka_unit_test(test_long_event_id),
    };

    unsetenv("TZ");

    return cmocka_run_group_tests_name("admin_email", tests, NULL, NULL);
}
