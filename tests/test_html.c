/*
 * Where the banner goes (maint_html.c): only after a <body> start tag the
 * browser sees in the data state.  Every input is also fed split at every
 * byte position (in two pieces, in three for the short ones, and byte by
 * byte): the answer must not depend on how the page arrives.
 */

#include "unit.h"
#include "maint_html.h"


#define NONE  ((ssize_t) -1)


/* the offset just past the body tag in the whole page, or NONE */

static ssize_t
scan_pieces(const char *s, size_t len, size_t limit, const size_t *cuts,
    size_t ncuts)
{
    size_t        i, from, to;
    ssize_t       rc;
    maint_html_t  h;

    maint_html_init(&h, limit);
    from = 0;

    for (i = 0; i <= ncuts; i++) {
        to = (i < ncuts) ? cuts[i] : len;
        rc = maint_html_feed(&h, s + from, to - from);

        if (rc >= 0) {
            assert_true(rc >= 1 && (size_t) rc <= to - from);

            /* answered once: NEVER from then on */
            assert_int_equal(maint_html_feed(&h, s, len), MAINT_HTML_NEVER);

            return (ssize_t) from + rc;
        }

        if (rc == MAINT_HTML_NEVER) {
            assert_int_equal(maint_html_feed(&h, s, len), MAINT_HTML_NEVER);
            return NONE;
        }

        assert_int_equal(rc, MAINT_HTML_MORE);
        from = to;
    }

    return NONE;
}


static ssize_t
scan_all_ways(const char *s, size_t len, size_t limit)
{
    size_t   i, j, cuts[2], *bytes;
    ssize_t  want;

    want = scan_pieces(s, len, limit, NULL, 0);

    for (i = 0; i <= len; i++) {
        cuts[0] = i;
        assert_int_equal(scan_pieces(s, len, limit, cuts, 1), want);

        for (j = i; len <= 160 && j <= len; j++) {
            cuts[1] = j;
            assert_int_equal(scan_pieces(s, len, limit, cuts, 2), want);
        }
    }

    bytes = malloc((len + 1) * sizeof(size_t));
    assert_non_null(bytes);

    for (i = 0; i < len; i++) {
        bytes[i] = i + 1;
    }

    assert_int_equal(scan_pieces(s, len, limit, bytes, len ? len - 1 : 0),
                     want);
    free(bytes);

    return want;
}


/* "before" is the page up to where the banner goes; NULL: no banner */

static void
expect(const char *page, const char *before)
{
    ssize_t  got;

    got = scan_all_ways(page, strlen(page), 65536);

    if (before == NULL) {
        if (got != NONE) {
            fail_msg("%s: a banner after \"%.*s\"", page, (int) got, page);
        }

        return;
    }

    if (got == NONE || (size_t) got != strlen(before)
        || strncmp(page, before, got) != 0)
    {
        fail_msg("%s: wanted the banner after \"%s\", got %zd", page, before,
                 got);
    }
}


#define AT(before, after)  expect(before after, before)


static void
test_real_body(void **state)
{
    AT("<body>", "");
    AT("<body>", "<p>x</p>");
    AT("<!DOCTYPE html>\n<html><head><title>app</title></head>"
       "<body class=\"app\">", "\n<p>app</p></body></html>");
    AT("<BODY class=x>", "x");
    AT("<BoDy\n>", "");
    AT("<body\r\nclass=a\f>", "");
    AT("<body/>", "x");
    AT("<body class='a>b' data-x=\"1\">", "<p>");
    AT("<body a=\"x\"b='y'c=z d>", "");
    AT("<body a=\">\"/>", "");
    AT("<body a=b/>", "");
    AT("<body a = \"<body>\" >", "");
    AT("<body =x>", "");
    AT("<<body>", "");
    AT("< body><body>", "");
    AT("</><body>", "");
    AT("<p>text</p></body><body>", "");
    AT("<html\nlang=en><head><meta charset=utf-8></head>\n<body>", "");
}


/* the tag is only the tag after what hides it ends */

static void
test_after_hidden(void **state)
{
    AT("<!DOCTYPE html><body>", "");
    AT("<!doctype html public \"x\" \"y\"><body>", "");
    AT("<!-- <body> --><body>", "");
    AT("<!----><body>", "");
    AT("<!---><body>", "");
    AT("<!--><body>", "");
    AT("<!-- a --!><body>", "");
    AT("<!-- a -- b - --><body>", "");
    AT("<!-- <!-- --><body>", "");
    AT("<!x <body> ><body id=2>", "");
    AT("<!- <body> ><body id=2>", "");
    AT("<? pi <body> ?><body id=2>", "");
    AT("</ <body><body id=2>", "");
    AT("</3 <body><body id=2>", "");
    AT("<script>a</script><body>", "");
    AT("<script>var s = \"<body>\";</script><body>", "");
    AT("<script>a</SCRIPT ><body>", "");
    AT("<script>a</script/><body>", "");
    AT("<script>a</script\t\n><body>", "");
    AT("<script>a</script foo=\">\"><body>", "");
    AT("<script></script x=\"<body>\"><body id=2>", "");
    AT("<script/>x</script><body>", "");
    AT("<script><!--</script><body>", "");
    AT("<script><!--<script>--><body></script><body id=2>", "");
    AT("<script><!--<script></script><body></script><body id=2>", "");
    AT("<script><!--<scripts></script><body>", "");
    AT("<script><!--<script>-</script></script><body>", "");
    AT("<script><!--<script>--</script></script><body>", "");
    AT("<style>body{}</style ><body>", "");
    AT("<style><!-- </style> --><body>", "");
    AT("<title><body></title><body id=real>", "");
    AT("<TEXTAREA><body></TeXtArEa><body id=2>", "");
    AT("<template><body></template><body id=2>", "");
    AT("<template><template></template><body></template><body id=2>", "");
    AT("</template></template><body>", "");
    AT("<template><script></template><body></script></template><body>", "");
    AT("<noscript><body></noscript><body>", "");
    AT("<xmp><body></xmp><body>", "");
    AT("<iframe><body></iframe><body>", "");
    AT("<noembed><body></noembed><body>", "");
    AT("<noframes><body></noframes><body>", "");
    AT("<title>x</title\n><body>", "");
    AT("<title>x</titles></title><body>", "");
    AT("<div title=\"<body>\"><body>", "");
    AT("<div title=<body>><body>", "");
}


static void
test_no_body(void **state)
{
    /* the page: user data, escaped for JavaScript, in a script */
    expect("<html><head><script>var s = \"...<body><img src=x "
           "onerror=alert(1)>...\";</script></head><p>x</p>", NULL);

    expect("", NULL);
    expect("<p>no body tag</p>", NULL);
    expect("<body", NULL);
    expect("<body class=\"a>", NULL);
    expect("<body class='a>", NULL);
    expect("<!-- <body> -->", NULL);
    expect("<!-- <body> --", NULL);
    expect("<!-- --!-><body>", NULL);
    expect("<!--<body>-->", NULL);
    expect("<!-- -- > <body>", NULL);
    expect("<div title=\"<body>\">", NULL);
    expect("<div title='<body>'>", NULL);
    expect("<div title=<body>>", NULL);
    expect("<div a=\"x>\" <body>", NULL);
    expect("<p <body>", NULL);
    expect("<a href=x <body>>", NULL);
    expect("<bodyx>", NULL);
    expect("<body-x>", NULL);
    expect("<body:x>", NULL);
    expect("<bodybody>", NULL);
    expect("<xbody>", NULL);
    expect("</body>", NULL);
    expect("</body><body", NULL);
    expect("<script><body></script", NULL);
    expect("<script>x</scriptx><body>", NULL);
    expect("<script>x</scrip><body>", NULL);
    expect("<script>x</ script><body>", NULL);
    expect("<script>\"</script\"><body>", NULL);
    expect("<script><!--<script></script><body>", NULL);
    expect("<script><!--<script></SCRIPT ><body>--></script>", NULL);
    expect("<script><!--<script>--</script><body>", NULL);
    expect("<style><body>", NULL);
    expect("<style></style<body>", NULL);
    expect("<title><body>", NULL);
    expect("<textarea><body>", NULL);
    expect("<textarea><body></textarea", NULL);
    expect("<template><body>", NULL);
    expect("<template><template></template><body>", NULL);
    expect("<noscript><body>", NULL);
    expect("<xmp><body>", NULL);
    expect("<iframe><body>", NULL);
    expect("<noembed><body>", NULL);
    expect("<noframes><body>", NULL);
    expect("<!DOCTYPE x \"<body>\">", NULL);
    expect("<? <body>", NULL);
    expect("<!x <body>", NULL);
}


/* what the scan cannot follow ends it */

static void
test_gives_up(void **state)
{
    expect("<plaintext></plaintext><body>", NULL);
    expect("<svg><style></svg><body>", NULL);
    expect("<math></math><body>", NULL);
    expect("<select><xmp><script></xmp><body>", NULL);
    expect("<frameset></frameset><body>", NULL);
    expect("<![CDATA[ > ]]><body>", NULL);
    AT("<![cdata[ > ]]><body>", "");       /* only a bogus comment */
}


static void
test_nul(void **state)
{
    /* a NUL in a tag name is U+FFFD to the browser: not "body" */
    static const char  page[] = "<bo\0dy><body\0><body>";

    assert_int_equal(scan_all_ways(page, 16, 65536), NONE);
    assert_int_equal(scan_all_ways(page, sizeof(page) - 1, 65536),
                     sizeof(page) - 1);
    assert_int_equal(scan_all_ways("<b\0><body>", 10, 65536), 10);
}


/* what is not ASCII-compatible is not read */

static void
test_encodings(void **state)
{
    static const char  esc[] = "<p>\x1b$B</script><body>\x1b(B";
    static const char  le[] = "\xff\xfe<body>";
    static const char  be[] = "\xfe\xff<body>";

    assert_int_equal(scan_all_ways(esc, sizeof(esc) - 1, 65536), NONE);
    assert_int_equal(scan_all_ways(le, sizeof(le) - 1, 65536), NONE);
    assert_int_equal(scan_all_ways(be, sizeof(be) - 1, 65536), NONE);
    AT("\xef\xbb\xbf<body>", "");       /* UTF-8's byte order mark */
    AT("<p>\xfe\xff</p><body>", "");

    assert_true(maint_html_charset_ok(S("text/html")));
    assert_true(maint_html_charset_ok(S("text/html; charset=utf-8")));
    assert_true(maint_html_charset_ok(S("text/html;charset=Shift_JIS")));
    assert_true(maint_html_charset_ok(S("text/html; charset=iso-2022-jp")));
    assert_false(maint_html_charset_ok(S("text/html; charset=utf-16")));
    assert_false(maint_html_charset_ok(S("text/html; CHARSET=\"UTF-16LE\"")));
    assert_false(maint_html_charset_ok(S("text/html;charset='ucs-2'")));
    assert_false(maint_html_charset_ok(S("text/html; charset=unicodeFFFE")));
    assert_false(maint_html_charset_ok(S("text/html; charset=csUnicode")));
    assert_true(maint_html_encoding_ok(S("utf-8")));
    assert_true(maint_html_encoding_ok(S("")));
    assert_false(maint_html_encoding_ok(S("utf-16be")));
}


static void
test_limit(void **state)
{
    char    *big;
    size_t   n = 70000;

    static const char  page[] = "<p></p><body>x";

    /* the ">" is byte 13: it must be among the first "limit" bytes */
    assert_int_equal(scan_all_ways(page, sizeof(page) - 1, 12), NONE);
    assert_int_equal(scan_all_ways(page, sizeof(page) - 1, 13), 13);
    assert_int_equal(scan_all_ways(page, sizeof(page) - 1, 0), NONE);

    big = malloc(n + 7);
    assert_non_null(big);
    memset(big, 'x', n);
    memcpy(big + n, "<body>", 6);
    big[n + 6] = '\0';
    assert_int_equal(scan_pieces(big, n + 6, 65536, NULL, 0), NONE);
    assert_int_equal(scan_pieces(big, n + 6, n + 6, NULL, 0), (ssize_t) n + 6);
    free(big);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_body),
        cmocka_unit_test(test_after_hidden),
        cmocka_unit_test(test_no_body),
        cmocka_unit_test(test_gives_up),
        cmocka_unit_test(test_nul),
        cmocka_unit_test(test_encodings),
        cmocka_unit_test(test_limit),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
