/* The shared basics: RFC 3339 in both directions, names, the arena. */

#include "unit.h"
#include "maint_time.h"
#include "maint_names.h"
#include "maint_arena.h"


static void
test_format(void **state)
{
    char  buf[MAINT_RFC3339_LEN + 1];

    maint_format_rfc3339(buf, 0);
    assert_string_equal(buf, "1970-01-01T00:00:00Z");
    maint_format_rfc3339(buf, 951782400);
    assert_string_equal(buf, "2000-02-29T00:00:00Z");
    maint_format_rfc3339(buf, 1795273199);
    assert_string_equal(buf, "2026-11-21T14:59:59Z");
    maint_format_rfc3339(buf, 4107542400LL);
    assert_string_equal(buf, "2100-03-01T00:00:00Z");
    maint_format_rfc3339(buf, 253402300799LL);
    assert_string_equal(buf, "9999-12-31T23:59:59Z");
    maint_format_rfc3339(buf, -1);
    assert_string_equal(buf, "1969-12-31T23:59:59Z");
}


static void
test_parse(void **state)
{
    static const struct {
        const char  *in;
        int64_t      out;
    } good[] = {
        { "1970-01-01T00:00:00Z", 0 },
        { "2026-11-21T14:59:59Z", 1795273199 },
        { "2026-11-21T15:59:59+01:00", 1795273199 },
        { "2026-11-21T09:29:59-05:30", 1795273199 },
        { "2026-11-21t14:59:59z", 1795273199 },
        { "2026-11-21 14:59:59Z", 1795273199 },
        { "2026-11-21T14:59:59.999Z", 1795273199 },
        { "2026-11-21T14:59:59.1+00:00", 1795273199 },
        { "2000-02-29T00:00:00Z", 951782400 },
        { "9999-12-31T23:59:59Z", 253402300799LL },
        { "2016-12-31T23:59:60Z", 1483228800 },
    };
    static const char  *bad[] = {
        "", "2026-11-21", "2026-11-21T14:59:59", "2026-11-21T14:59:59+0100",
        "2026-11-21T14:59:59+01", "2026-11-21T14:59Z", "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T23:60:00Z",
        "2026-11-21T14:59:59.Z", "2026-11-21T14:59:59Zx", " 2026-11-21T14:59:59Z",
        "2026-11-21T14:59:59+24:00", "+2026-11-21T14:59:59Z", "now",
        "2026/11/21T14:59:59Z",
    };
    size_t   i;
    int64_t  t;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (maint_parse_rfc3339(good[i].in, strlen(good[i].in), &t) != 0
            || t != good[i].out)
        {
            fail_msg("\"%s\": want %lld", good[i].in, (long long) good[i].out);
        }
    }

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (maint_parse_rfc3339(bad[i], strlen(bad[i]), &t) == 0) {
            fail_msg("accepted \"%s\"", bad[i]);
        }
    }
}


static void
test_round_trip(void **state)
{
    char     buf[MAINT_RFC3339_LEN + 1];
    int64_t  t, back;

    for (t = -86400 * 366; t < 253402300799LL; t += 86400 * 37 + 3607) {
        maint_format_rfc3339(buf, t);
        assert_int_equal(maint_parse_rfc3339(buf, MAINT_RFC3339_LEN, &back), 0);
        assert_int_equal(back, t);
    }
}


static void
test_names(void **state)
{
    assert_true(maint_valid_name(S("shop")));
    assert_true(maint_valid_name(S("A-b_c.9")));
    assert_false(maint_valid_name(S("")));
    assert_false(maint_valid_name(S("a b")));
    assert_false(maint_valid_name(S("a:b")));
    assert_false(maint_valid_name(S("*")));
    assert_false(maint_valid_name(S("caf\xc3\xa9")));
    assert_true(maint_valid_name(S("0123456789012345678901234567890123456789"
                                   "012345678901234567890123")));
    assert_false(maint_valid_name(S("0123456789012345678901234567890123456789"
                                    "0123456789012345678901234")));
}


/*
 * One validator for every kind of name: the daemon's Redis key prefix
 * (":" allowed, as its adm_copy_name() and the module's
 * ngx_maint_valid_name() want), key and credential ids.
 */

static void
test_ident(void **state)
{
    assert_true(maint_valid_ident(S("shop"), 64, MAINT_NAME_CHARS));
    assert_false(maint_valid_ident(S("maint:prod"), 64, MAINT_NAME_CHARS));
    assert_true(maint_valid_ident(S("maint:prod"), 64, MAINT_PREFIX_CHARS));
    assert_true(maint_valid_ident(S("a.b_c-d:e"), 64, MAINT_PREFIX_CHARS));
    assert_false(maint_valid_ident(S("a/b"), 64, MAINT_PREFIX_CHARS));
    assert_false(maint_valid_ident(S(""), 64, MAINT_PREFIX_CHARS));
    assert_false(maint_valid_ident(S("a\0b"), 64, MAINT_PREFIX_CHARS));
    assert_true(maint_valid_ident(S("k-1_x"), MAINT_MAX_NAME_LEN,
                                  MAINT_KID_CHARS));
    assert_false(maint_valid_ident(S("k.1"), 64, MAINT_KID_CHARS));
    assert_true(maint_valid_ident(S("abcd"), 4, MAINT_KID_CHARS));
    assert_false(maint_valid_ident(S("abcde"), 4, MAINT_KID_CHARS));
    assert_false(maint_valid_ident(S("caf\xc3\xa9"), 64, MAINT_PREFIX_CHARS));
}


static void
test_http_date(void **state)
{
    assert_int_equal(maint_parse_http_date(S("Thu, 01 Jan 1970 00:00:00 GMT")),
                     0);
    assert_int_equal(maint_parse_http_date(S("Thu, 01-Jan-1970 00:00:10 GMT")),
                     10);
    assert_int_equal(maint_parse_http_date(S("Sat, 21 Nov 2026 22:00:00 GMT")),
                     1795298400);
    assert_int_equal(maint_parse_http_date(S("sat, 21 nov 2026 22:00:00 GMT")),
                     1795298400);
    assert_int_equal(maint_parse_http_date(S("Sat, 31 Nov 2026 22:00:00 GMT")),
                     -1);
    assert_int_equal(maint_parse_http_date(S("21 Nov 2026 22:00:00 GMT")), -1);
    assert_int_equal(maint_parse_http_date(S("garbage")), -1);
}


static void
test_arena(void **state)
{
    int             i;
    char           *p;
    maint_arena_t  *a;

    a = maint_arena_create(64);
    assert_non_null(a);

    for (i = 0; i < 100; i++) {
        p = maint_arena_calloc(a, 10);
        assert_non_null(p);
        assert_int_equal(p[9], 0);
        assert_int_equal((uintptr_t) p % 16, 0);
    }

    p = maint_arena_alloc(a, 10000);            /* bigger than a chunk */
    assert_non_null(p);
    memset(p, 'x', 10000);

    p = maint_arena_strdup(a, "abc", 3);
    assert_string_equal(p, "abc");
    assert_true(maint_arena_size(a) >= 10000);

    maint_arena_destroy(a);
    maint_arena_destroy(NULL);
}


static void
test_lang_tags(void **state)
{
    static const char  *good[] = {
        "fr", "FR", "fr-CA", "zh-Hant-TW", "es-419", "de-CH-1996",
        "ast", "sr-Latn"
    };
    static const char  *bad[] = {
        "", "f", "fr-", "-fr", "fr--CA", "f1", "12", "fr_CA", "fr CA",
        "fr-CAAAAAAAA", "abcdefghi", "fr-CA-toolong-aaaaaaaa-bbbbbbbb-cccc",
        "fr.CA", "*"
    };
    size_t  i;

    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (!maint_valid_lang(good[i], strlen(good[i]))) {
            fail_msg("refused \"%s\"", good[i]);
        }
    }

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (maint_valid_lang(bad[i], strlen(bad[i]))) {
            fail_msg("accepted \"%s\"", bad[i]);
        }
    }
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_ident),
        cmocka_unit_test(test_http_date),
        cmocka_unit_test(test_arena),
        cmocka_unit_test(test_lang_tags),
    };

    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
