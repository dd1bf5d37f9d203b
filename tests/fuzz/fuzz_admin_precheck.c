/*
 * fuzz_admin_precheck.c: a custom precheck (admin-api/model/precheck.c):
 * a configuration line, then the answer a checked site gives.  Input:
 * NUL-separated parts: the line, the body, the error words (empty: an
 * answer came), then two bytes of status code.  Properties, checked by
 * plain code:
 *
 *   - a line is refused with words that say so, or taken with a valid
 *     name, an http or https URL of printable ASCII, a known method,
 *     1 to 8 status ranges within 100 to 599, a timeout within 100 ms to
 *     60 s, at most 4 headers, each "Name: value" with a token for a name
 *     (not one the request sets) and a value of printable ASCII;
 *   - a result is ok exactly when an answer came, its code is within a
 *     range, and the body holds the text (if any); its detail is
 *     printable ASCII; it says which check it is.
 */

#include "fuzz.h"
#include "fuzz_admin.h"
#include "maint_names.h"
#include "model/precheck.h"
#include "model/text.h"


static int
fuzz_printable(const char *s)
{
    for ( /* void */ ; *s; s++) {
        if ((unsigned char) *s < 0x20 || (unsigned char) *s >= 0x7f) {
            return 0;
        }
    }

    return 1;
}


static void
fuzz_taken(const adm_precheck_t *pc)
{
    size_t    n;
    unsigned  i;

    FUZZ_CHECK(maint_valid_name(pc->name, strlen(pc->name)));
    FUZZ_CHECK(strncmp(pc->url, "http://", 7) == 0
               || strncmp(pc->url, "https://", 8) == 0);
    FUZZ_CHECK(fuzz_printable(pc->url) && strchr(pc->url, ' ') == NULL);
    FUZZ_CHECK(strcmp(pc->method, "GET") == 0
               || strcmp(pc->method, "HEAD") == 0
               || strcmp(pc->method, "POST") == 0);
    FUZZ_CHECK(pc->nstatus >= 1 && pc->nstatus <= ADM_PRECHECK_STATUS_MAX);

    for (i = 0; i < pc->nstatus; i++) {
        FUZZ_CHECK(pc->lo[i] >= 100 && pc->lo[i] <= pc->hi[i]
                   && pc->hi[i] <= 599);
    }

    FUZZ_CHECK(pc->timeout_ms >= 100 && pc->timeout_ms <= 60000);
    FUZZ_CHECK(pc->nheaders <= ADM_PRECHECK_HEADERS_MAX);

    for (i = 0; i < pc->nheaders; i++) {
        n = strcspn(pc->headers[i], ":");
        FUZZ_CHECK(pc->headers[i][n] == ':'
                   && maint_valid_ident(pc->headers[i], n,
                                        ADM_HEADER_NAME_MAX, ADM_TOKEN_EXTRA)
                   && !adm_header_reserved(pc->headers[i], n)
                   && fuzz_printable(pc->headers[i]));
        n += strspn(pc->headers[i] + n + 1, " ") + 1;
        FUZZ_CHECK(pc->headers[i][n] != '\0');
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int              in_range;
    char            *line, *body, *error, *code_part, err[256];
    size_t           len, blen, elen, clen;
    long             code;
    unsigned         i;
    json_t          *r;
    fuzz_in_t        in;
    adm_precheck_t   pc;
    const char      *detail;

    in.p = (const char *) data;
    in.left = size;

    line = fuzz_part(&in, &len);
    body = fuzz_part(&in, &blen);
    error = fuzz_part(&in, &elen);
    code_part = fuzz_part(&in, &clen);

    code = clen >= 2 ? ((unsigned char) code_part[0] << 8
                        | (unsigned char) code_part[1]) % 700 : 200;

    line = realloc(line, len + 1);
    error = realloc(error, elen + 1);
    if (line == NULL || error == NULL) {
        abort();
    }

    line[len] = '\0';
    error[elen] = '\0';
    err[0] = '\0';

    if (adm_precheck_parse(line, &pc, err, sizeof(err)) != 0) {
        FUZZ_CHECK(strstr(err, "precheck") != NULL);
        goto done;
    }

    fuzz_taken(&pc);

    r = adm_precheck_result(&pc, elen ? error : NULL, 0, code, body, blen,
                            7);
    FUZZ_CHECK(r != NULL);

    detail = json_string_value(json_object_get(r, "detail"));
    FUZZ_CHECK(detail != NULL && fuzz_printable(detail));
    FUZZ_CHECK(strcmp(json_string_value(json_object_get(r, "name")),
                      pc.name) == 0);

    in_range = 0;

    for (i = 0; i < pc.nstatus; i++) {
        in_range |= code >= pc.lo[i] && code <= pc.hi[i];
    }

    FUZZ_CHECK(strcmp(json_string_value(json_object_get(r, "status")), "ok")
               == 0
               ? elen == 0 && in_range
                 && (pc.body[0] == '\0'
                     || memmem(body, blen, pc.body, strlen(pc.body)))
               : elen != 0 || !in_range
                 || (pc.body[0] != '\0'
                     && !memmem(body, blen, pc.body, strlen(pc.body))));

    json_decref(r);

done:

    free(line);
    free(body);
    free(error);
    free(code_part);

    return 0;
}
