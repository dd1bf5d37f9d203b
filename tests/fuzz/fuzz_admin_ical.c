/*
 * fuzz_admin_ical.c: the RFC 5545 writer (admin-api/model/ical.c) and a
 * window as an event (model/window_ical.c).  Input: a byte that sets the
 * length of the property name (so folds fall at every column), then two
 * texts separated by a NUL.  Properties, checked by plain code of its own:
 *
 *   - every line ends in CRLF, and no CR or LF stands anywhere else;
 *   - every physical line is at most 75 octets, and each continuation
 *     starts with one space;
 *   - every physical line on its own is valid UTF-8 (no fold splits a
 *     character) and ends outside an escape (no fold splits "\,");
 *   - the whole text is valid UTF-8;
 *   - unfolding, then unescaping a TEXT value gives back the input, with
 *     what TEXT cannot hold replaced as documented: CRLF and CR as LF,
 *     other control characters (but tab) dropped, bytes that are not
 *     UTF-8 as U+FFFD; no ',' or ';' stands unescaped in the value.
 *
 * A text that is valid UTF-8 without NUL (what jansson holds) also goes in
 * as a window's title, login message and completion notes: SUMMARY comes
 * back exactly, and the event's lines hold the same properties.
 */

#include "fuzz.h"
#include "fuzz_admin.h"
#include "model/ical.h"
#include "model/window_ical.h"


/* RFC 3629's well-formed sequences, by their byte ranges: the length, 0 */

static size_t
fuzz_utf8(const unsigned char *s, size_t n)
{
    unsigned char  lo = 0x80, hi = 0xbf;
    size_t         len, i;

    if (s[0] < 0x80) {
        return 1;
    }

    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        lo = s[0] == 0xe0 ? 0xa0 : 0x80;
        hi = s[0] == 0xed ? 0x9f : 0xbf;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        lo = s[0] == 0xf0 ? 0x90 : 0x80;
        hi = s[0] == 0xf4 ? 0x8f : 0xbf;
    } else {
        return 0;
    }

    if (n < len || s[1] < lo || s[1] > hi) {
        return 0;
    }

    for (i = 2; i < len; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf) {
            return 0;
        }
    }

    return len;
}


static int
fuzz_valid_utf8(const char *s, size_t n)
{
    size_t  i, k;

    for (i = 0; i < n; i += k) {
        k = fuzz_utf8((const unsigned char *) s + i, n - i);
        if (k == 0) {
            return 0;
        }
    }

    return 1;
}


/* what a TEXT value of in must read as, to be freed */

static char *
fuzz_expected(const char *in, size_t n, size_t *outlen)
{
    char                *out, *o;
    size_t               i, k;
    const unsigned char *p = (const unsigned char *) in;

    out = malloc(3 * n + 1);
    if (out == NULL) {
        abort();
    }

    for (i = 0, o = out; i < n; i += k) {
        k = 1;

        if (p[i] == '\r') {
            *o++ = '\n';
            k = (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;

        } else if (p[i] == '\n' || p[i] == '\t') {
            *o++ = (char) p[i];

        } else if (p[i] < 0x20 || p[i] == 0x7f) {
            /* dropped */

        } else if ((k = fuzz_utf8(p + i, n - i)) == 0) {
            memcpy(o, "\xef\xbf\xbd", 3);
            o += 3;
            k = 1;

        } else {
            memcpy(o, in + i, k);
            o += k;
        }
    }

    *outlen = (size_t) (o - out);

    return out;
}


/* the lines of doc, physical and logical; doc unfolded into *unfolded */

static void
fuzz_lines(const char *doc, size_t n, char **unfolded, size_t *ulen)
{
    char        *u;
    size_t       i, len, bs;
    const char  *p, *eol, *end;

    end = doc + n;
    FUZZ_CHECK(n >= 2 && memcmp(end - 2, "\r\n", 2) == 0);
    FUZZ_CHECK(fuzz_valid_utf8(doc, n));

    u = malloc(n + 1);
    if (u == NULL) {
        abort();
    }
    *ulen = 0;

    for (p = doc; p < end; p = eol + 2) {
        eol = memmem(p, (size_t) (end - p), "\r\n", 2);
        FUZZ_CHECK(eol != NULL);
        len = (size_t) (eol - p);

        FUZZ_CHECK(len <= ADM_ICAL_LINE_MAX);
        FUZZ_CHECK(memchr(p, '\r', len) == NULL);
        FUZZ_CHECK(memchr(p, '\n', len) == NULL);

        /* a fold splits neither a character nor an escape */
        FUZZ_CHECK(fuzz_valid_utf8(p, len));

        for (bs = 0, i = len; i > 0 && p[i - 1] == '\\'; i--) {
            bs++;
        }

        if (eol + 2 < end && eol[2] == ' ') {
            FUZZ_CHECK(bs % 2 == 0);
        }

        if (p != doc && *p == ' ') {
            memcpy(u + *ulen, p + 1, len - 1);      /* a continuation */
            *ulen += len - 1;

        } else {
            if (p != doc) {
                u[(*ulen)++] = '\n';                /* a new line */
            }

            memcpy(u + *ulen, p, len);
            *ulen += len;
        }
    }

    u[*ulen] = '\0';
    *unfolded = u;
}


/* the value of the line "NAME:..." in the unfolded text, unescaped */

static char *
fuzz_value(const char *u, const char *name, size_t *vlen)
{
    char        key[64], *out, *o;
    const char  *p, *q;

    snprintf(key, sizeof(key), "%s:", name);

    for (p = u; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        if (strncmp(p, key, strlen(key)) == 0) {
            break;
        }
    }

    FUZZ_CHECK(p != NULL);
    p += strlen(key);

    out = malloc(strlen(p) + 1);
    if (out == NULL) {
        abort();
    }

    for (q = p, o = out; *q && *q != '\n'; q++) {
        FUZZ_CHECK(*q != ',' && *q != ';');

        if (*q == '\\') {
            q++;
            FUZZ_CHECK(*q == '\\' || *q == ',' || *q == ';' || *q == 'n');
            *o++ = *q == 'n' ? '\n' : *q;
            continue;
        }

        *o++ = *q;
    }

    *vlen = (size_t) (o - out);

    return out;
}


static void
fuzz_text(const char *name, const char *in, size_t n)
{
    char        *doc, *u, *v, *want;
    size_t       len, ulen, vlen, wlen;
    adm_ical_t   ic;

    adm_ical_init(&ic);
    adm_ical_text(&ic, name, in, n);
    doc = adm_ical_take(&ic, &len);
    FUZZ_CHECK(doc != NULL);
    FUZZ_CHECK(strlen(doc) == len);

    fuzz_lines(doc, len, &u, &ulen);
    FUZZ_CHECK(strchr(u, '\n') == NULL);        /* one logical line */

    v = fuzz_value(u, name, &vlen);
    want = fuzz_expected(in, n, &wlen);
    FUZZ_CHECK(vlen == wlen && memcmp(v, want, vlen) == 0);

    free(want);
    free(v);
    free(u);
    free(doc);
}


/* the texts as a window's: the event's SUMMARY is the title, exactly */

static void
fuzz_window(const char *title, size_t tlen, const char *msg, size_t mlen)
{
    char        *doc, *u, *v, *want;
    size_t       len, ulen, vlen, wlen;
    json_t      *rec;
    adm_ical_t   ic;

    rec = json_pack("{s:s, s:s%, s:[s, s], s:s, s:s, s:s, s:s%, s:b, s:s,"
                    " s:n, s:s, s:s%, s:s, s:s, s:i}",
                    "id", "w_fuzz000000", "title", title, tlen,
                    "apps", "crm", "*", "starts_at", "2026-11-22T06:00:00Z",
                    "ends_at", "2026-11-22T07:00:00Z", "mode", "full",
                    "login_message", msg, mlen, "enabled", 1,
                    "status", "completed", "actual_start",
                    "actual_end", "2026-11-22T06:30:00Z",
                    "completion_notes", msg, mlen,
                    "created_at", "2026-11-20T10:00:00Z",
                    "updated_at", "2026-11-21T10:00:00Z", "revision", 3);
    if (rec == NULL) {
        return;                     /* not UTF-8: jansson never holds it */
    }

    adm_ical_init(&ic);
    FUZZ_CHECK(adm_window_ical(&ic, rec, "ngx-maint") == 0);
    doc = adm_ical_take(&ic, &len);
    FUZZ_CHECK(doc != NULL);

    fuzz_lines(doc, len, &u, &ulen);

    v = fuzz_value(u, "SUMMARY", &vlen);
    want = fuzz_expected(title, tlen, &wlen);
    FUZZ_CHECK(vlen == wlen && memcmp(v, want, vlen) == 0);
    free(want);
    FUZZ_CHECK(strstr(u, "\nUID:w_fuzz000000@ngx-maint\n") != NULL);
    FUZZ_CHECK(strstr(u, "\nDTEND:20261122T063000Z\n") != NULL);
    free(v);
    free(u);
    free(doc);
    json_decref(rec);
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char       name[48], *a, *b;
    size_t     alen, blen, k;
    fuzz_in_t  in;

    if (size == 0) {
        return 0;
    }

    /* "X-" and 0 to 39 letters: the value starts at every column */
    k = data[0] % 40;
    memcpy(name, "X-", 2);
    memset(name + 2, 'A', k);
    name[2 + k] = '\0';
    if (k == 0) {
        memcpy(name, "X", 2);
    }

    in.p = (const char *) data + 1;
    in.left = size - 1;
    a = fuzz_part(&in, &alen);
    b = fuzz_part(&in, &blen);

    fuzz_text(name, a, alen);
    fuzz_text(name, (const char *) data + 1, size - 1);     /* NULs too */

    /* what the API holds: UTF-8, no NUL, no controls but tab and LF */
    if (fuzz_valid_utf8(a, alen) && fuzz_valid_utf8(b, blen)) {
        fuzz_window(a, alen, b, blen);
    }

    free(a);
    free(b);

    return 0;
}
