/*
 * fuzz_cookie.c: the session cookie as the edge reads it from outside
 * bytes (maint_session.c): Cookie header walking, the value check, the
 * removal of the session cookie from a header, Set-Cookie reading, and the
 * hashes of a value.  Input: a Cookie header value, NUL, a Set-Cookie
 * header value.
 */

#include "fuzz.h"
#include "maint_session.h"


typedef struct {
    const char  *header;
    size_t       len;
    int          seen;
} fuzz_cookie_ctx_t;


static void
fuzz_cookie_value(void *data, const char *value, size_t len, int valid)
{
    char                 id[MAINT_SESSION_ID_HEX + 1];
    unsigned char        key[16] = { 1, 2, 3 }, mac[16];
    fuzz_cookie_ctx_t   *ctx = data;

    ctx->seen++;

    /* every value is a slice of the header */
    FUZZ_CHECK(value >= ctx->header
               && value + len <= ctx->header + ctx->len);
    FUZZ_CHECK(valid == maint_cookie_value_ok(value, len));

    if (valid) {
        maint_session_id(value, len, id);
        FUZZ_CHECK(strlen(id) == MAINT_SESSION_ID_HEX);
        maint_siphash(key, value, len, mac, 16);
        maint_siphash(key, value, len, mac, 8);
    }
}


static void
fuzz_cookie_none(void *data, const char *value, size_t len, int valid)
{
    (void) value;
    (void) len;
    (void) valid;

    ((fuzz_cookie_ctx_t *) data)->seen++;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                 n;
    char               *header, *set, *out;
    size_t              len, set_len, out_len, vlen;
    const char         *value;
    fuzz_cookie_ctx_t   ctx;
    fuzz_in_t           in = { (const char *) data, size };
    static const char  *names[] = { "sid", "__Host-sid", "a" };
    size_t              i;

    header = fuzz_part(&in, &len);
    set = fuzz_part(&in, &set_len);

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        ctx.header = header;
        ctx.len = len;
        ctx.seen = 0;

        n = maint_cookie_values(header, len, names[i], strlen(names[i]),
                                fuzz_cookie_value, &ctx);
        FUZZ_CHECK(n == ctx.seen);

        /* the module gives the rewrite a buffer as long as the header */
        out = malloc(len ? len : 1);
        if (out == NULL) {
            abort();
        }

        out_len = maint_cookie_remove(header, len, names[i],
                                      strlen(names[i]), out);
        FUZZ_CHECK(out_len <= len);

        /* what is left carries no pair of that name */
        ctx.seen = 0;
        FUZZ_CHECK(maint_cookie_values(out, out_len, names[i],
                                       strlen(names[i]), fuzz_cookie_none,
                                       &ctx) == 0);
        free(out);

        value = NULL;
        vlen = 0;

        if (maint_set_cookie(set, set_len, names[i], strlen(names[i]),
                             1795300000, &value, &vlen))
        {
            FUZZ_CHECK(vlen > 0 && value >= set
                       && value + vlen <= set + set_len);
        }
    }

    free(header);
    free(set);

    return 0;
}
