/*
 * fuzz_admin_email.c: a notification as an email (admin-api/notify/
 * email.c).  Input: a control byte, then NUL-separated parts.  Bit 0 of
 * the control byte: the first part is the whole event body (any bytes);
 * else the parts are a window's title, login message, completion notes
 * and one recipient address, put into a well-formed event.  Bit 1: the
 * time zone Europe/Berlin, else UTC; bits 2-4: the event type.
 * Properties of every message built, checked by plain code of its own:
 *
 *   - every LF is part of a CRLF, no CR stands alone;
 *   - the header section is ASCII, and each of its lines is a header the
 *     builder writes (From, To, Subject, ...) or a continuation starting
 *     with a space: nothing from the input starts a header (injection);
 *   - every header line is at most 78 octets but the To list's
 *     addresses (one per line);
 *   - the boundary line occurs exactly three times, then once closed;
 *   - with a built event: the Subject, unfolded and decoded (RFC 2047),
 *     is "[Maintenance] <Verb>: " and the title with its control
 *     characters made spaces; an address a header cannot hold as it is
 *     makes no message.
 */

#include "fuzz.h"
#include "fuzz_admin.h"
#include "maint_codec.h"
#include "model/ical.h"
#include "notify/email.h"


static const char  *fuzz_types[8][2] = {
    { "scheduled", "Scheduled" }, { "changed", "Changed" },
    { "reminder", "Reminder" }, { "started", "Started" },
    { "completed", "Completed" }, { "cancelled", "Cancelled" },
    { "started", "Started" }, { "scheduled", "Scheduled" },
};


static void
fuzz_headers(const char *msg, size_t len, char *subject, size_t size)
{
    size_t       i, n, o;
    long         d;
    const char  *line, *end, *hend, *p, *q;
    static const char  *names[] = {
        "From: ", "To: ", "Subject:", "Date: ", "Message-ID: ",
        "MIME-Version: ", "Auto-Submitted: ", "X-Maint-Event: ",
        "Content-Type: "
    };

    hend = strstr(msg, "\r\n\r\n");
    FUZZ_CHECK(hend != NULL);

    for (i = 0; i < len; i++) {
        FUZZ_CHECK(msg[i] != '\n' || (i > 0 && msg[i - 1] == '\r'));
        FUZZ_CHECK(msg[i] != '\r' || (i + 1 < len && msg[i + 1] == '\n'));
    }

    o = 0;
    subject[0] = '\0';

    for (line = msg; line <= hend; line = end + 2) {
        end = strstr(line, "\r\n");

        for (p = line; p < end; p++) {
            FUZZ_CHECK((unsigned char) *p >= 0x20 && (unsigned char) *p < 0x7f);
        }

        if (*line == ' ') {
            FUZZ_CHECK(end - line <= 78 || o == (size_t) -1);
        } else {
            for (n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
                if (strncmp(line, names[n], strlen(names[n])) == 0) {
                    break;
                }
            }

            FUZZ_CHECK(n < sizeof(names) / sizeof(names[0]));
            FUZZ_CHECK(end - line <= 78 || n == 1);
            o = n == 1 ? (size_t) -1 : n == 2 ? 0 : (size_t) -2;
        }

        /* the Subject: plain text, or encoded words decoded */
        if (o != (size_t) -1 && o != (size_t) -2) {
            p = *line == ' ' ? line + 1 : line + 8;
            p += *p == ' ' && *line != ' ';

            if (strncmp(p, "=?UTF-8?B?", 10) != 0) {
                n = (size_t) (end - p);
                FUZZ_CHECK(o + n < size);
                memcpy(subject + o, p, n);
                o += n;

            } else {
                q = strstr(p, "?=");
                FUZZ_CHECK(q != NULL && q + 2 == end);
                d = maint_base64_decode(p + 10, (size_t) (q - p - 10),
                                        (unsigned char *) subject + o,
                                        size - o - 1);
                FUZZ_CHECK(d >= 0);
                o += (size_t) d;
            }

            subject[o] = '\0';
        }
    }
}


static void
fuzz_boundaries(const char *msg, const char *id)
{
    int          n;
    char         b[128];
    const char  *p;

    snprintf(b, sizeof(b), "\r\n--=_maint_%s", id);

    n = 0;
    for (p = msg; (p = strstr(p, b)) != NULL; p += strlen(b)) {
        FUZZ_CHECK(p[strlen(b)] == '\r' || (n == 3 && p[strlen(b)] == '-'));
        n++;
    }

    FUZZ_CHECK(n == 4);
}


/* the well-formed event around the parts; NULL when jansson refuses them */

static char *
fuzz_event(const char *type, const char *title, size_t tlen,
    const char *login, size_t llen, const char *notes, size_t nlen)
{
    char    *s, t[64];
    json_t  *w, *ev;

    snprintf(t, sizeof(t), "maintenance.%s", type);

    w = json_pack("{s:s, s:s%, s:[s,s], s:s, s:s, s:s, s:s, s:s%, s:s%, s:i,"
                  " s:s, s:s, s:b}",
                  "id", "w_fuzz", "title", title, tlen,
                  "apps", "shop", "*",
                  "starts_at", "2026-12-06T20:00:00Z",
                  "ends_at", "2026-12-06T22:00:00Z",
                  "mode", "full", "status", "completed_with_errors",
                  "login_message", login, llen,
                  "completion_notes", notes, nlen, "revision", 7,
                  "created_at", "2026-12-01T10:00:00Z",
                  "updated_at", "2026-12-06T20:00:00Z", "enabled", 1);
    if (w == NULL) {
        return NULL;
    }

    ev = json_pack("{s:s, s:s, s:{s:s, s:o, s:s, s:s}}",
                   "type", t, "timestamp", "2026-12-06T20:00:00Z",
                   "data", "event_id", "msg_p5jXN8AQM9LWM0D4loKWxJek",
                   "window", w, "actor", "system",
                   "link", "https://admin.example/#/windows/w_fuzz");
    if (ev == NULL) {
        return NULL;
    }

    s = json_dumps(ev, JSON_COMPACT);
    json_decref(ev);

    return s;
}


static void
fuzz_built(const adm_email_in_t *in, const char *body, const char *verb,
    const char *title, size_t tlen)
{
    char    err[256], *msg, *want, subject[4096];
    size_t  i, len;

    msg = adm_email_build(in, body, strlen(body), &len, err, sizeof(err));

    if (!adm_ical_address_ok(in->to[0]) || strlen(in->to[0]) > 254) {
        FUZZ_CHECK(msg == NULL);
        return;
    }

    if (msg == NULL) {
        fprintf(stderr, "email: %s\n", err);
    }

    FUZZ_CHECK(msg != NULL);
    FUZZ_CHECK(strlen(msg) == len);

    fuzz_headers(msg, len, subject, sizeof(subject));
    fuzz_boundaries(msg, "msg_p5jXN8AQM9LWM0D4loKWxJek");

    want = malloc(tlen + 64);
    i = (size_t) sprintf(want, "[Maintenance] %s: ", verb);
    memcpy(want + i, title, tlen);
    want[i + tlen] = '\0';

    for (i = 0; want[i]; i++) {
        if ((unsigned char) want[i] < 0x20 || want[i] == 0x7f) {
            want[i] = ' ';
        }
    }

    if (tlen + 32 < sizeof(subject)) {
        FUZZ_CHECK(strcmp(subject, want) == 0);
    }

    free(want);
    free(msg);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char            *a, *b, *c, *d, *body, subject[8192];
    size_t           alen, blen, clen, dlen, len;
    const char      *to[1], *verb;
    fuzz_in_t        fin;
    adm_email_in_t   in;
    unsigned char    ctl;

    if (size < 1) {
        return 0;
    }

    ctl = data[0];
    fin.p = (const char *) data + 1;
    fin.left = size - 1;

    memset(&in, 0, sizeof(in));
    in.from = "maint@example.com";
    in.to = to;
    in.nto = 1;
    in.target = "fuzz-target";
    in.domain = "example.test";
    in.time_zone = ctl & 2 ? "Europe/Berlin" : "UTC";
    in.now = FUZZ_NOW;
    to[0] = "ops@example.com";

    if (ctl & 1) {
        /* any bytes as the body: no crash; a message holds the
           properties of its headers */
        body = malloc(fin.left + 1);
        memcpy(body, fin.p, fin.left);
        body[fin.left] = '\0';

        a = adm_email_build(&in, body, fin.left, &len, subject,
                            sizeof(subject));
        if (a != NULL) {
            fuzz_headers(a, len, subject, sizeof(subject));
            free(a);
        }

        free(body);
        return 0;
    }

    a = fuzz_part(&fin, &alen);
    b = fuzz_part(&fin, &blen);
    c = fuzz_part(&fin, &clen);
    d = fuzz_part(&fin, &dlen);

    verb = fuzz_types[ctl >> 2 & 7][1];
    body = fuzz_event(fuzz_types[ctl >> 2 & 7][0], a, alen, b, blen, c, clen);

    if (body != NULL && memchr(a, '\0', alen) == NULL) {
        if (dlen > 0) {
            d = realloc(d, dlen + 1);
            d[dlen] = '\0';
            to[0] = d;
        }

        if (strcmp(verb, "Completed") == 0) {
            verb = "Completed with errors";
        }

        fuzz_built(&in, body, verb, a, alen);
    }

    free(body);
    free(a);
    free(b);
    free(c);
    free(d);

    return 0;
}
