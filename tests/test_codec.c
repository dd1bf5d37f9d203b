/*
 * test_codec.c: hex, base64 and base64url (core/maint_codec.c), and the
 * query and form helpers (core/maint_http.c): the one implementation of
 * each that the module, the daemon and maintctl share.
 */

#include "unit.h"
#include "maint_codec.h"
#include "maint_http.h"


static void
test_hex(void **state)
{
    char                 out[2 * 4 + 1];
    static const unsigned char  in[4] = { 0x00, 0x9f, 0xa0, 0xff };

    maint_hex(in, sizeof(in), out);
    assert_string_equal(out, "009fa0ff");

    maint_hex(in, 0, out);
    assert_string_equal(out, "");
}


static void
test_hex_digit(void **state)
{
    int  c;

    assert_int_equal(maint_hex_digit('0'), 0);
    assert_int_equal(maint_hex_digit('9'), 9);
    assert_int_equal(maint_hex_digit('a'), 10);
    assert_int_equal(maint_hex_digit('F'), 15);

    /* every other byte, as char (signed) or as unsigned char */
    for (c = -128; c < 256; c++) {
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
            || (c >= 'A' && c <= 'F'))
        {
            continue;
        }

        assert_int_equal(maint_hex_digit(c), -1);
    }
}


static void
test_hex_decode(void **state)
{
    unsigned char  out[4];

    assert_int_equal(maint_hex_decode(S("009FA0ff"), out, 4), 0);
    assert_int_equal(out[0], 0x00);
    assert_int_equal(out[1], 0x9f);
    assert_int_equal(out[2], 0xa0);
    assert_int_equal(out[3], 0xff);

    assert_int_equal(maint_hex_decode(S("009fa0f"), out, 4), -1);
    assert_int_equal(maint_hex_decode(S("009fa0fff0"), out, 4), -1);
    assert_int_equal(maint_hex_decode(S("009fa0fg"), out, 4), -1);
    assert_int_equal(maint_hex_decode(S("0x9fa0ff"), out, 4), -1);
    assert_int_equal(maint_hex_decode(NULL, 8, out, 4), -1);
    assert_int_equal(maint_hex_decode(S(""), out, 0), 0);
}


static void
test_base64(void **state)
{
    long           n;
    char           enc[64];
    size_t         len;
    unsigned char  out[32];

    static const unsigned char  raw[5] = { 0xfb, 0xff, 0x00, 0x61, 0x3e };

    len = maint_b64url(raw, sizeof(raw), enc);
    enc[len] = '\0';
    assert_string_equal(enc, "-_8AYT4");

    n = maint_b64url_decode(enc, len, out, sizeof(out));
    assert_int_equal(n, 5);
    assert_memory_equal(out, raw, 5);

    /* base64url only: no padding, no "+" or "/" */
    assert_int_equal(maint_b64url_decode(S("+/8AYT4"), out, sizeof(out)), -1);
    assert_int_equal(maint_b64url_decode(S("-_8AYT4="), out, sizeof(out)),
                     -1);

    /* the permissive decoder reads both alphabets and padding */
    assert_int_equal(maint_base64_decode(S("+/8AYT4="), out, sizeof(out)), 5);
    assert_memory_equal(out, raw, 5);
    assert_int_equal(maint_base64_decode(S("-_8AYT4"), out, sizeof(out)), 5);
    assert_int_equal(maint_base64_decode(S("+/8A=YT4"), out, sizeof(out)),
                     -1);
    assert_int_equal(maint_base64_decode(S("+/8AYT4="), out, 4), -1);
}


/* RFC 4648, section 10's vectors, then the two bytes base64url spells
   otherwise, and every length back through the decoder */

static void
test_base64_encode(void **state)
{
    long           n;
    char           enc[16];
    size_t         i, len;
    unsigned char  out[8];

    static const char  *const rfc[][2] = {
        { "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
        { "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" },
        { "foobar", "Zm9vYmFy" },
    };
    static const unsigned char  raw[5] = { 0xfb, 0xff, 0x00, 0x61, 0x3e };

    for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++) {
        len = maint_base64((const unsigned char *) rfc[i][0],
                           strlen(rfc[i][0]), enc);
        assert_int_equal(len, strlen(rfc[i][1]));
        enc[len] = '\0';
        assert_string_equal(enc, rfc[i][1]);
    }

    len = maint_base64(raw, sizeof(raw), enc);
    enc[len] = '\0';
    assert_string_equal(enc, "+/8AYT4=");

    for (i = 0; i <= sizeof(raw); i++) {
        len = maint_base64(raw, i, enc);
        assert_int_equal(len, 4 * ((i + 2) / 3));
        n = maint_base64_decode(enc, len, out, sizeof(out));
        assert_int_equal(n, i);
        assert_memory_equal(out, raw, i);
    }
}


static void
test_args(void **state)
{
    size_t       eq, end, vlen;
    char         out[16];
    const char  *v;

    end = maint_args_pair(S("a=1&bb&c=3"), 0, &eq);
    assert_int_equal(end, 3);
    assert_int_equal(eq, 1);

    end = maint_args_pair(S("a=1&bb&c=3"), 4, &eq);
    assert_int_equal(end, 6);
    assert_int_equal(eq, 6);

    v = maint_arg(S("a=1&bb&c=3"), S("c"), &vlen);
    assert_non_null(v);
    assert_int_equal(vlen, 1);
    assert_int_equal(v[0], '3');
    v = maint_arg(S("a=1&bb&c=3"), S("bb"), &vlen);
    assert_non_null(v);
    assert_int_equal(vlen, 0);
    assert_null(maint_arg(S("a=1&bb&c=3"), S("b"), &vlen));

    assert_int_equal(maint_form_field(S("x=a+b%21&y=2"), "x", out,
                                      sizeof(out)), 4);
    assert_string_equal(out, "a b!");
    assert_int_equal(maint_form_field(S("x=%2"), "x", out, sizeof(out)), -1);
    assert_int_equal(maint_form_field(S("x=1"), "y", out, sizeof(out)), -1);
}


static void
test_pct(void **state)
{
    char     buf[32];
    ssize_t  n;

    memcpy(buf, "a%2541%zz%4", 11);
    assert_int_equal(maint_pct_decode(buf, 11, buf), 9);
    assert_memory_equal(buf, "a%41%zz%4", 9);

    memcpy(buf, "a%252541", 8);
    n = maint_pct_settle(buf, 8);
    assert_int_equal(n, 2);
    assert_memory_equal(buf, "aA", 2);

    memcpy(buf, "%2525252525252541", 17);
    assert_int_equal(maint_pct_settle(buf, 17), -1);

    assert_true(maint_lower_eq(S("Max-Age"), "max-age"));
    assert_false(maint_lower_eq(S("Max-Ag"), "max-age"));
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_hex_digit),
        cmocka_unit_test(test_hex_decode),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_base64_encode),
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_pct),
    };

    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
