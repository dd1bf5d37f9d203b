/* Template compilation, rendering, escaping; and the built-in page. */

#include "unit.h"
#include "maint_template.h"
#include "maint_default_page.h"


static char *
render(const char *src, maint_template_vars_t *vars)
{
    char               err[256], *out;
    size_t             len, n;
    maint_template_t  *t;

    t = maint_template_compile(src, strlen(src), err, sizeof(err));
    if (t == NULL) {
        fail_msg("compile \"%s\": %s", src, err);
    }

    len = maint_template_length(t, vars);
    out = malloc(len + 1);
    n = maint_template_render(t, vars, out);
    assert_int_equal(n, len);
    out[n] = '\0';

    maint_template_free(t);

    return out;
}


static void
expect_compile_error(const char *src, const char *message)
{
    char               err[256] = "";
    maint_template_t  *t;

    t = maint_template_compile(src, strlen(src), err, sizeof(err));
    if (t != NULL) {
        maint_template_free(t);
        fail_msg("accepted: %s", src);
    }

    if (strstr(err, message) == NULL) {
        fail_msg("for %s: want \"%s\", got \"%s\"", src, message, err);
    }
}


static void
test_render(void **state)
{
    char                  *out;
    maint_template_vars_t  vars;

    memset(&vars, 0, sizeof(vars));
    vars.v[MAINT_PH_TITLE].data = "A & B";
    vars.v[MAINT_PH_TITLE].len = 5;
    vars.v[MAINT_PH_MESSAGE].data = "<script>\"x\"</script>'";
    vars.v[MAINT_PH_MESSAGE].len = strlen(vars.v[MAINT_PH_MESSAGE].data);

    out = render("<h1>{{title}}</h1><p>{{ message }}</p>{{window_id}}.", &vars);
    assert_string_equal(out, "<h1>A &amp; B</h1><p>&lt;script&gt;&quot;x&quot;"
                        "&lt;/script&gt;&#39;</p>.");
    free(out);

    out = render("no placeholders at all", &vars);
    assert_string_equal(out, "no placeholders at all");
    free(out);

    out = render("", &vars);
    assert_string_equal(out, "");
    free(out);

    out = render("{{title}}{{title}}", &vars);
    assert_string_equal(out, "A &amp; BA &amp; B");
    free(out);

    /* a lone brace and a closing pair are literal */
    out = render("{ x } }} {{\ttitle\t}}", &vars);
    assert_string_equal(out, "{ x } }} A &amp; B");
    free(out);
}


static void
test_every_placeholder_compiles(void **state)
{
    int                ph;
    char               src[64], err[256];
    maint_template_t  *t;

    for (ph = 0; ph < MAINT_PH_COUNT; ph++) {
        snprintf(src, sizeof(src), "{{%s}}", maint_placeholder_name(ph));
        t = maint_template_compile(src, strlen(src), err, sizeof(err));
        assert_non_null(t);
        maint_template_free(t);
    }
}


static void
test_compile_errors(void **state)
{
    expect_compile_error("{{nope}}",
                         "unknown placeholder \"{{nope}}\" at line 1");
    expect_compile_error("a\nb\n{{ Title }}",
                         "unknown placeholder \"{{Title}}\" at line 3");
    expect_compile_error("{{title", "unterminated \"{{\" at line 1");
    expect_compile_error("{{title\n}}", "unterminated");
    expect_compile_error("{{}}", "unknown placeholder \"{{}}\"");
}


static void
test_html_escape(void **state)
{
    char    out[64];
    size_t  n;

    assert_int_equal(maint_html_escape(NULL, S("plain")), 5);
    n = maint_html_escape(out, S("<&>\"'"));
    assert_int_equal(n, strlen("&lt;&amp;&gt;&quot;&#39;"));
    assert_memory_equal(out, "&lt;&amp;&gt;&quot;&#39;", n);
}


static void
test_json_escape(void **state)
{
    char    out[128];
    size_t  n;

    n = maint_json_escape(out, S("a\"b\\c\nd\te\x01<f>&"));
    assert_int_equal(n, maint_json_escape(NULL, S("a\"b\\c\nd\te\x01<f>&")));
    out[n] = '\0';
    assert_string_equal(out, "a\\\"b\\\\c\\nd\\te\\u0001"
                        "\\u003cf\\u003e\\u0026");

    /* UTF-8 passes through untouched */
    n = maint_json_escape(out, S("Wartung \xc3\xa4"));
    out[n] = '\0';
    assert_string_equal(out, "Wartung \xc3\xa4");
}


static void
test_builtin_page(void **state)
{
    char                  *out;
    maint_template_vars_t  vars;

    memset(&vars, 0, sizeof(vars));
    vars.v[MAINT_PH_HEADLINE].data = "Scheduled maintenance";
    vars.v[MAINT_PH_HEADLINE].len = strlen(vars.v[MAINT_PH_HEADLINE].data);
    vars.v[MAINT_PH_MESSAGE].data = "<b>hi</b>";
    vars.v[MAINT_PH_MESSAGE].len = 9;
    vars.v[MAINT_PH_PAGE_LANG].data = "en";
    vars.v[MAINT_PH_PAGE_LANG].len = 2;

    out = render(maint_default_page, &vars);

    assert_non_null(strstr(out, "<!DOCTYPE html>"));
    assert_non_null(strstr(out, "<html lang=\"en\">"));
    assert_non_null(strstr(out, "<title>Scheduled maintenance</title>"));
    assert_non_null(strstr(out, "&lt;b&gt;hi&lt;/b&gt;"));
    assert_null(strstr(out, "<b>hi</b>"));
    assert_null(strstr(out, "http://"));
    assert_null(strstr(out, "https://"));
    assert_non_null(strstr(out, "prefers-color-scheme:dark"));
    assert_non_null(strstr(out, "http-equiv=\"refresh\""));

    free(out);

    /*
     * The read-only refusal page never reloads (it would GET the form
     * again and lose the edit): no meta refresh, no script reload; it
     * goes back in history, never to a URL from the request.
     */
    vars.v[MAINT_PH_WINDOW_TITLE].data = "A & <B>";
    vars.v[MAINT_PH_WINDOW_TITLE].len = 7;
    out = render(maint_refusal_page, &vars);

    assert_null(strstr(out, "http-equiv"));
    assert_null(strstr(out, "location.reload"));
    assert_null(strstr(out, "location.replace"));
    assert_null(strstr(out, "location.assign"));
    assert_null(strstr(out, "location.href"));
    assert_null(strstr(out, "href"));
    assert_non_null(strstr(out, "history.back()"));
    assert_non_null(strstr(out, "&lt;b&gt;hi&lt;/b&gt;"));
    assert_non_null(strstr(out, ">A &amp; &lt;B&gt;</p>"));
    assert_non_null(strstr(out, "main{max-width:36rem"));
    free(out);

    /* the sign-in page has the same look: the same stylesheet */
    assert_non_null(strstr(maint_signin_page, "prefers-color-scheme:dark"));
    assert_non_null(strstr(maint_signin_page, "main{max-width:36rem"));
    assert_non_null(strstr(maint_signin_page, "width=device-width"));
    assert_null(strstr(maint_signin_page, "http://"));
    assert_null(strstr(maint_signin_page, "https://"));
}


static void
test_page_texts(void **state)
{
    size_t                     i, k;
    const maint_page_texts_t  *en, *t;

    static const char  *langs[] = { "en", "fr", "de", "es" };

    en = maint_page_texts(NULL, 0);
    assert_string_equal(en->lang, "en");
    assert_ptr_equal(maint_page_texts("xx", 2), en);
    assert_ptr_equal(maint_page_texts("", 0), en);
    assert_ptr_equal(maint_page_texts("f", 1), en);
    assert_ptr_equal(maint_page_texts("fra", 3), en);
    assert_string_equal(maint_page_texts("fr-CA", 5)->lang, "fr");
    assert_string_equal(maint_page_texts("DE", 2)->lang, "de");
    assert_string_equal(maint_page_texts("es-419", 6)->lang, "es");

    for (i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
        t = maint_page_texts(langs[i], 2);
        assert_string_equal(t->lang, langs[i]);

        /* every kind a window's answer can be; the sign-in is English */
        for (k = 0; k < 4; k++) {
            assert_non_null(t->headline[k]);
            assert_non_null(t->detail[k]);
        }

        assert_non_null(t->started);
        assert_non_null(t->expected);
        assert_non_null(t->refresh_note);
        assert_non_null(strstr(t->countdown, "%s"));
        assert_null(strstr(strstr(t->countdown, "%s") + 2, "%"));
        assert_non_null(t->countdown_soon);
        assert_non_null(t->notice_starts);
        assert_non_null(t->notice_default);
        assert_non_null(t->dismiss);
        assert_non_null(t->refreshes);
        assert_non_null(t->reference);
        assert_non_null(t->back_hint);
        assert_non_null(t->back_label);
        assert_true(strlen(t->reference) < 32);     /* the module's buffer */
    }

    assert_non_null(en->headline[4]);
    assert_non_null(en->detail[4]);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_every_placeholder_compiles),
        cmocka_unit_test(test_compile_errors),
        cmocka_unit_test(test_html_escape),
        cmocka_unit_test(test_json_escape),
        cmocka_unit_test(test_builtin_page),
        cmocka_unit_test(test_page_texts),
    };

    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
