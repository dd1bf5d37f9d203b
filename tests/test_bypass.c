/* The bypass cookie, the form token, credentials, the local redirect. */

#include "unit.h"
#include "maint_bypass.h"


static maint_snapshot_t  *snap;

/* key k1 (signing) = 32 x 'A', key k2 = 32 x 'B'; alice's credential is
 * "sa_test" (sha256 below) */
static const char  *snap_json =
    "{\"schema\":1,"
    "\"superadmins\":[{\"name\":\"alice\",\"credential\":"
    "\"9e4e0a50e86f0dda4f0a6c3893f073880c7305fe1d724b255581365de2a4dc43\"},"
    "{\"name\":\"bob\",\"credential\":"
    "\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
    "\"bypass_keys\":["
    "{\"kid\":\"k1\",\"secret\":\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\","
    "\"signing\":true},"
    "{\"kid\":\"k2\",\"secret\":\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\"}]}";


static int
setup(void **state)
{
    char  err[256];

    snap = maint_snapshot_parse(snap_json, strlen(snap_json), err,
                                sizeof(err));
    if (snap == NULL) {
        fprintf(stderr, "%s\n", err);
    }

    return snap ? 0 : -1;
}


static int
teardown(void **state)
{
    maint_snapshot_free(snap);
    return 0;
}


#define NOW  1795300000LL

static maint_bypass_e
verify(const char *c)
{
    char  name[65];

    return maint_bypass_verify(snap, c, strlen(c), NOW, MAINT_BYPASS_MAX_TTL,
                               name);
}


static void
test_round_trip(void **state)
{
    char    c[512], name[65];
    size_t  n;

    assert_non_null(snap->signing_key);
    assert_string_equal(snap->signing_key->kid, "k1");

    n = maint_bypass_sign(snap->signing_key, S("alice"), NOW, NOW + 3600, c,
                          sizeof(c));
    assert_true(n > 0);
    assert_int_equal(strlen(c), n);
    assert_memory_equal(c, "v1.k1.YWxpY2U.", 14);

    assert_int_equal(maint_bypass_verify(snap, c, n, NOW, MAINT_BYPASS_MAX_TTL,
                                         name), MAINT_BYPASS_OK);
    assert_string_equal(name, "alice");

    /* the other key still verifies */
    n = maint_bypass_sign(&snap->keys[1], S("bob"), NOW, NOW + 60, c,
                          sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_OK);
}


static void
test_rejects(void **state)
{
    char     good[512], c[600];
    size_t   n;
    int64_t  i;

    n = maint_bypass_sign(snap->signing_key, S("alice"), NOW, NOW + 3600,
                          good, sizeof(good));

    /* every single-character change is caught */
    for (i = 0; i < (int64_t) n; i++) {
        memcpy(c, good, n + 1);
        c[i] = c[i] == 'x' ? 'y' : 'x';
        if (verify(c) == MAINT_BYPASS_OK) {
            fail_msg("changed at %lld and still valid: %s", (long long) i, c);
        }
    }

    /* every truncation too */
    for (i = 0; i < (int64_t) n; i++) {
        memcpy(c, good, (size_t) i);
        c[i] = '\0';
        assert_int_not_equal(verify(c), MAINT_BYPASS_OK);
    }

    snprintf(c, sizeof(c), "%s.extra", good);
    assert_int_equal(verify(c), MAINT_BYPASS_MALFORMED);

    memcpy(c, good, n + 1);
    c[1] = '2';
    assert_int_equal(verify(c), MAINT_BYPASS_MALFORMED);

    n = maint_bypass_sign(snap->signing_key, S("alice"), NOW - 7200,
                          NOW - 1, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_EXPIRED);

    n = maint_bypass_sign(snap->signing_key, S("alice"), NOW + 3600,
                          NOW + 7200, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_FUTURE);

    n = maint_bypass_sign(snap->signing_key, S("alice"), NOW + 30,
                          NOW + 7200, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_OK);

    n = maint_bypass_sign(snap->signing_key, S("alice"), NOW - 60,
                          NOW + 13 * 3600, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_TOO_LONG);

    /* a lifetime that is not one: ends before, or when, it begins */
    n = maint_bypass_sign(snap->signing_key, S("alice"), NOW + 50,
                          NOW + 40, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_TOO_LONG);

    n = maint_bypass_sign(snap->signing_key, S("alice"), NOW + 50,
                          NOW + 50, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_TOO_LONG);

    n = maint_bypass_sign(snap->signing_key, S("carol"), NOW, NOW + 60, c,
                          sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_NOT_SUPERADMIN);

    {
        maint_key_t  other = snap->keys[0];

        memcpy(other.kid, "k9", 3);
        other.kid_len = 2;
        n = maint_bypass_sign(&other, S("alice"), NOW, NOW + 60, c,
                              sizeof(c));
        assert_int_equal(verify(c), MAINT_BYPASS_UNKNOWN_KEY);
    }

    assert_int_equal(verify(""), MAINT_BYPASS_MALFORMED);
    assert_int_equal(verify("....."), MAINT_BYPASS_MALFORMED);
    assert_int_equal(verify("v1.k1.%%%.1.2.===="), MAINT_BYPASS_MALFORMED);

    memset(c, 'a', 599);
    c[599] = '\0';
    assert_int_equal(verify(c), MAINT_BYPASS_MALFORMED);
}


static void
test_csrf(void **state)
{
    char    t[128], u[128];
    size_t  n;

    n = maint_csrf_make(snap->signing_key, t, sizeof(t));
    assert_int_equal(n, MAINT_CSRF_LEN);
    assert_true(maint_csrf_check(snap, t, n, t, n));

    /* cookie and field must be the same token */
    maint_csrf_make(snap->signing_key, u, sizeof(u));
    assert_false(maint_csrf_check(snap, t, n, u, n));

    /* made by another key still known: fine; forged: not */
    maint_csrf_make(&snap->keys[1], u, sizeof(u));
    assert_true(maint_csrf_check(snap, u, n, u, n));

    u[30] = u[30] == 'x' ? 'y' : 'x';
    assert_false(maint_csrf_check(snap, u, n, u, n));
    assert_false(maint_csrf_check(snap, "", 0, "", 0));
    assert_false(maint_csrf_check(snap, t, n - 1, t, n - 1));
}


static void
test_credential(void **state)
{
    const maint_superadmin_t  *sa;

    sa = maint_credential_check(snap, S("alice"), S("sa_test"));
    assert_non_null(sa);
    assert_true(str_is(&sa->name, "alice"));

    assert_null(maint_credential_check(snap, S("alice"), S("sa_tesT")));
    assert_null(maint_credential_check(snap, S("bob"), S("sa_test")));
    assert_null(maint_credential_check(snap, S("carol"), S("sa_test")));
    assert_null(maint_credential_check(snap, S("alice"), S("")));
}


static void
test_redirect(void **state)
{
    char    out[256];
    size_t  i;

    static const struct {
        const char  *path, *args, *want;
    } v[] = {
        { "/app/page", "x=1&forceLogin=true&y=2", "/app/page?x=1&y=2" },
        { "/app/page", "forceLogin=true", "/app/page" },
        { "/", "forceLogin", "/" },
        { "/a b", "", "/a%20b" },
        { "/caf\xc3\xa9", "", "/caf%C3%A9" },
        { "//evil.example/x", "forceLogin=true", "/" },
        { "/\\evil.example", "", "/" },
        { "/\t/evil.example", "", "/" },
        { "/a\\b", "", "/" },
        { "/a\x01", "", "/" },
        { "https:evil", "", "/" },
        { "", "", "/" },
        { "/ok", "a=%0d%0a", "/ok?a=%0d%0a" },
        { "/ok", "a=\r\n", "/ok" },
        { "/x?", "q=1", "/x%3F?q=1" },
    };

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        maint_local_redirect(v[i].path, strlen(v[i].path), v[i].args,
                             strlen(v[i].args), S("forceLogin"), out,
                             sizeof(out));
        if (strcmp(out, v[i].want) != 0) {
            fail_msg("path \"%s\" args \"%s\": got \"%s\", want \"%s\"",
                     v[i].path, v[i].args, out, v[i].want);
        }
    }
}


static void
test_form_and_args(void **state)
{
    char         out[64];
    size_t       vl;
    const char  *body, *v;

    body = "name=alice&credential=sa_a%2Bb%3D&csrf=tok&empty=&plus=a+b";

    assert_int_equal(maint_form_field(body, strlen(body), "name", out,
                                      sizeof(out)), 5);
    assert_string_equal(out, "alice");
    maint_form_field(body, strlen(body), "credential", out, sizeof(out));
    assert_string_equal(out, "sa_a+b=");
    assert_int_equal(maint_form_field(body, strlen(body), "empty", out,
                                      sizeof(out)), 0);
    maint_form_field(body, strlen(body), "plus", out, sizeof(out));
    assert_string_equal(out, "a b");
    assert_int_equal(maint_form_field(body, strlen(body), "nope", out,
                                      sizeof(out)), -1);
    assert_int_equal(maint_form_field(S("x=%zz"), "x", out, sizeof(out)), -1);
    assert_int_equal(maint_form_field(S("x=%4"), "x", out, sizeof(out)), -1);
    assert_int_equal(maint_form_field(S("x=abcdef"), "x", out, 4), -1);

    v = maint_arg(S("a=1&forceLogin=true&b"), S("forceLogin"), &vl);
    assert_non_null(v);
    assert_int_equal(vl, 4);
    assert_memory_equal(v, "true", 4);
    v = maint_arg(S("a=1&b"), S("b"), &vl);
    assert_non_null(v);
    assert_int_equal(vl, 0);
    assert_null(maint_arg(S("xforceLogin=true"), S("forceLogin"), &vl));
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_credential),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_form_and_args),
    };

    return cmocka_run_group_tests_name("bypass", tests, setup, teardown);
}
