/*
 * The byte classes of admin-api/model/text.c: every byte from 0 to 255 in
 * and out of each class, the sets refused in URLs and addresses, and text
 * from another site made printable (bounded, controls, NUL and non-ASCII
 * bytes each a space).
 */

#include "unit.h"

#include "model/text.h"


static void
test_classes(void **state)
{
    int   c;
    char  s[4];

    (void) state;

    assert_true(adm_text_printable(""));
    assert_true(adm_text_visible("", ""));

    for (c = 1; c < 256; c++) {
        s[0] = 'a';
        s[1] = (char) c;
        s[2] = 'b';
        s[3] = '\0';

        assert_int_equal(adm_text_printable(s), c >= 0x20 && c < 0x7f);
        assert_int_equal(adm_text_visible(s, ""), c > 0x20 && c < 0x7f);
    }

    assert_true(adm_text_printable("backups: enabled"));
    assert_false(adm_text_visible("a b", ""));
    assert_true(adm_text_visible("https://u:p@h.example:8443/x?y=1#z",
                                 ADM_URL_EXCEPT));

    for (c = 0; ADM_URL_EXCEPT[c]; c++) {
        snprintf(s, sizeof(s), "h%c", ADM_URL_EXCEPT[c]);
        assert_false(adm_text_visible(s, ADM_URL_EXCEPT));
    }

    assert_true(adm_text_visible("ops+maint@example.com",
                                 ADM_ADDRESS_EXCEPT));
    assert_false(adm_text_visible("Ops <ops@example.com>",
                                  ADM_ADDRESS_EXCEPT));
    assert_false(adm_text_visible("a@b.c,d@e.f", ADM_ADDRESS_EXCEPT));
    assert_false(adm_text_visible("\"a\"@b.c", ADM_ADDRESS_EXCEPT));
}


static void
test_clean(void **state)
{
    char  out[8];

    (void) state;

    adm_text_clean(out, sizeof(out), "ok\r\n\x1b[1m", 8);
    assert_string_equal(out, "ok   [1");

    adm_text_clean(out, sizeof(out), "a\0b\xc3\xa9", 5);
    assert_string_equal(out, "a b  ");

    adm_text_clean(out, sizeof(out), "abc", 0);
    assert_string_equal(out, "");

    adm_text_clean(out, 1, "abc", 3);
    assert_string_equal(out, "");
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_clean),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
