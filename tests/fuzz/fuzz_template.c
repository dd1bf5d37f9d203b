/*
 * fuzz_template.c: template compilation (the page a site configures) and
 * rendering with values from the state and the request (maint_template.c):
 * the length computed first must be the length written, and no value may
 * bring markup of its own.  Input: a template, NUL, a value given to
 * every placeholder.
 */

#include "fuzz.h"
#include "maint_template.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int                    ph;
    char                  *src, *value, *out, err[256];
    size_t                 src_len, value_len, len, n, i;
    maint_template_t      *t;
    maint_template_vars_t  vars;
    fuzz_in_t              in = { (const char *) data, size };

    src = fuzz_part(&in, &src_len);
    value = fuzz_part(&in, &value_len);

    /* the escapers: the dry run's length is the written length */

    out = malloc(value_len * 6 + 1);
    if (out == NULL) {
        abort();
    }

    n = maint_html_escape(out, value, value_len);
    FUZZ_CHECK(n == maint_html_escape(NULL, value, value_len));

    for (i = 0; i < n; i++) {
        FUZZ_CHECK(out[i] != '<' && out[i] != '>' && out[i] != '"'
                   && out[i] != '\'');
    }

    n = maint_json_escape(out, value, value_len);
    FUZZ_CHECK(n == maint_json_escape(NULL, value, value_len));
    free(out);

    err[0] = '\0';
    t = maint_template_compile(src, src_len, err, sizeof(err));

    if (t == NULL) {
        FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)));

    } else {
        for (ph = 0; ph < MAINT_PH_COUNT; ph++) {
            vars.v[ph].data = value;
            vars.v[ph].len = value_len;
        }

        len = maint_template_length(t, &vars);
        out = malloc(len ? len : 1);
        if (out == NULL) {
            abort();
        }

        n = maint_template_render(t, &vars, out);
        FUZZ_CHECK(n == len);

        free(out);
        maint_template_free(t);
    }

    free(src);
    free(value);

    return 0;
}
