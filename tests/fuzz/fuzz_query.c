/*
 * fuzz_query.c: the small parsers of request bytes (maint_bypass.c,
 * maint_http.c, maint_negotiate.c, maint_time.c, maint_cidr.c,
 * maint_codec.c, maint_names.c): form fields, query
 * arguments, the redirect after sign-in (never off-site), Accept, and the
 * time, CIDR and base64 forms.  Input: a path, NUL, the query string, NUL,
 * a form body, NUL, an Accept header.
 */

#include "fuzz.h"
#include "maint_bypass.h"
#include "maint_eval.h"
#include "maint_codec.h"
#include "maint_names.h"
#include "maint_http.h"
#include "maint_negotiate.h"


#define FUZZ_LOCATION_MAX  4096         /* NGX_MAINT_LOCATION_MAX */


static void
fuzz_redirect(const char *path, size_t path_len, const char *args,
    size_t args_len)
{
    int                  q;
    char                *out;
    size_t               n, i, k, outlen;
    static const size_t  sizes[] = { 0, 1, 2, 3, 17, FUZZ_LOCATION_MAX };

    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        outlen = sizes[k];
        out = malloc(outlen ? outlen : 1);
        if (out == NULL) {
            abort();
        }

        n = maint_local_redirect(path, path_len, args, args_len, "login",
                                 sizeof("login") - 1, out, outlen);
        FUZZ_CHECK(n <= outlen);

        if (n) {
            /*
             * Local: one slash, nothing a browser trims, and no backslash
             * in the path (browsers read it as a slash there; in the query
             * it is only a character).
             */
            FUZZ_CHECK(out[0] == '/');
            FUZZ_CHECK(n == 1 || (out[1] != '/' && out[1] != '\\'));

            for (i = 0, q = 0; i < n; i++) {
                q |= out[i] == '?';
                FUZZ_CHECK((unsigned char) out[i] > 0x20
                           && (unsigned char) out[i] < 0x7f
                           && (q || out[i] != '\\'));
            }
        }

        free(out);
    }
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char            *path, *args, *form, *accept, field[512];
    size_t           path_len, args_len, form_len, accept_len, vlen, i;
    long             n;
    int64_t          t;
    const char      *v;
    maint_cidr_t     cidr;
    unsigned char    addr[16] = { 0 }, raw[64];
    fuzz_in_t        in = { (const char *) data, size };
    static const char  *names[] = { "name", "credential", "csrf", "login" };

    path = fuzz_part(&in, &path_len);
    args = fuzz_part(&in, &args_len);
    form = fuzz_part(&in, &form_len);
    accept = fuzz_part(&in, &accept_len);

    fuzz_redirect(path, path_len, args, args_len);

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        n = maint_form_field(form, form_len, names[i], field, sizeof(field));
        FUZZ_CHECK(n < (long) sizeof(field));

        n = maint_form_field(form, form_len, names[i], field, 4);
        FUZZ_CHECK(n < 4);

        v = maint_arg(args, args_len, names[i], strlen(names[i]), &vlen);
        if (v) {
            FUZZ_CHECK(v >= args && v + vlen <= args + args_len);
        }
    }

    (void) maint_accept_wants_json(accept, accept_len);

    /* the same bytes as the other small forms the state carries */

    if (maint_parse_rfc3339(accept, accept_len, &t) == 0) {
        FUZZ_CHECK(t >= -62167219200LL && t <= 253402300799LL + 86400);
    }

    if (maint_cidr_parse(accept, accept_len, &cidr) == 0) {
        FUZZ_CHECK(cidr.family == 2 || cidr.family == 10);
        (void) maint_cidr_match(&cidr, cidr.family, addr);
    }

    n = maint_base64_decode(accept, accept_len, raw, sizeof(raw));
    FUZZ_CHECK(n <= (long) sizeof(raw));

    (void) maint_valid_name(accept, accept_len);

    free(path);
    free(args);
    free(form);
    free(accept);

    return 0;
}
