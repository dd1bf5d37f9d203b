/* The bypass cookie, the form token, credentials, the local redirect. */

#include "unit.h"
#include "maint_bypass.h"
#include "maint_http.h"


static maint_snapshot_t  *snap;

/* key k1 (signing) = 32 x 'A', key k2 = 32 x 'B'; alice's credential is
 * "sa_test" (sha256 below), issued as credential id "cidAlice1"; bob's
 * record is from before ids (its id is derived from its hash) */
#define ALICE_SHA \
    "9e4e0a50e86f0dda4f0a6c3893f073880c7305fe1d724b255581365de2a4dc43"
#define BOB_SHA \
    "0000000000000000000000000000000000000000000000000000000000000000"
#define KEYS \
    "\"bypass_keys\":[" \
    "{\"kid\":\"k1\",\"secret\":" \
    "\"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUE=\"," \
    "\"signing\":true}," \
    "{\"kid\":\"k2\",\"secret\":" \
    "\"QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI=\"}]"

static const char  *snap_json =
    "{\"schema\":1,"
    "\"superadmins\":[{\"name\":\"alice\",\"credential\":\"" ALICE_SHA "\","
    "\"credential_id\":\"cidAlice1\"},"
    "{\"name\":\"bob\",\"credential\":\"" BOB_SHA "\"}],"
    KEYS "}";


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
verify_on(const maint_snapshot_t *s, const char *c, int https)
{
    char  name[65];

    return maint_bypass_verify(s, c, strlen(c), https, NOW,
                               MAINT_BYPASS_MAX_TTL, name);
}


static maint_bypass_e
verify(const char *c)
{
    return verify_on(snap, c, 0);
}


/* a cookie for a superadmin of the snapshot, over http */
static size_t
sign(const maint_key_t *key, const char *name, int64_t iat, int64_t exp,
    char *out, size_t outlen)
{
    const maint_superadmin_t  *sa;

    sa = maint_snapshot_superadmin(snap, name, strlen(name));
    assert_non_null(sa);

    return maint_bypass_sign(key, sa, 0, iat, exp, out, outlen);
}


static maint_snapshot_t *
parse(const char *json)
{
    char               err[256];
    maint_snapshot_t  *s;

    s = maint_snapshot_parse(json, strlen(json), err, sizeof(err));
    if (s == NULL) {
        fail_msg("%s", err);
    }

    return s;
}


static void
test_round_trip(void **state)
{
    char    c[512], name[65];
    size_t  n;

    assert_non_null(snap->signing_key);
    assert_string_equal(snap->signing_key->kid, "k1");

    n = sign(snap->signing_key, "alice", NOW, NOW + 3600, c, sizeof(c));
    assert_true(n > 0);
    assert_int_equal(strlen(c), n);
    assert_memory_equal(c, "v2.k1.YWxpY2U.cidAlice1.http.", 29);

    assert_int_equal(maint_bypass_verify(snap, c, n, 0, NOW,
                                         MAINT_BYPASS_MAX_TTL, name),
                     MAINT_BYPASS_OK);
    assert_string_equal(name, "alice");

    /* the other key still verifies; bob's id is derived, 22 characters */
    n = sign(&snap->keys[1], "bob", NOW, NOW + 60, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_OK);
    assert_int_equal(maint_snapshot_superadmin(snap, S("bob"))->cid_len, 22);

    /* too small an output, or no credential id: nothing */
    assert_int_equal(maint_bypass_sign(snap->signing_key, snap->superadmins,
                                       0, NOW, NOW + 60, c, 100), 0);
}


/* a cookie is good on the scheme it was issued on, and no other */

static void
test_scheme(void **state)
{
    char                       c[512], name[65];
    size_t                     n;
    const maint_superadmin_t  *sa;

    sa = maint_snapshot_superadmin(snap, S("alice"));

    n = maint_bypass_sign(snap->signing_key, sa, 1, NOW, NOW + 60, c,
                          sizeof(c));
    assert_true(n > 0);
    assert_non_null(strstr(c, ".cidAlice1.https."));
    assert_int_equal(verify_on(snap, c, 1), MAINT_BYPASS_OK);
    assert_int_equal(maint_bypass_verify(snap, c, n, 0, NOW,
                                         MAINT_BYPASS_MAX_TTL, name),
                     MAINT_BYPASS_WRONG_SCHEME);
    assert_string_equal(name, "");

    n = maint_bypass_sign(snap->signing_key, sa, 0, NOW, NOW + 60, c,
                          sizeof(c));
    assert_int_equal(verify_on(snap, c, 0), MAINT_BYPASS_OK);
    assert_int_equal(verify_on(snap, c, 1), MAINT_BYPASS_WRONG_SCHEME);
}


/*
 * A cookie is bound to the credential it was issued for: a rotation (new
 * id), a removal and a re-add (new id, even with the same credential),
 * and, for a record from before ids, a new credential hash, all end it.
 */

static void
test_credential_binding(void **state)
{
    char               alice[512], bob[512];
    maint_snapshot_t  *s;

    sign(snap->signing_key, "alice", NOW, NOW + 3600, alice, sizeof(alice));
    sign(snap->signing_key, "bob", NOW, NOW + 3600, bob, sizeof(bob));

    /* the same snapshot again: still good */
    s = parse(snap_json);
    assert_int_equal(verify_on(s, alice, 0), MAINT_BYPASS_OK);
    assert_int_equal(verify_on(s, bob, 0), MAINT_BYPASS_OK);
    maint_snapshot_free(s);

    /* rotated: another id (and hash) */
    s = parse("{\"schema\":1,\"superadmins\":[{\"name\":\"alice\","
              "\"credential\":\"" BOB_SHA "\",\"credential_id\":\"cid2\"}],"
              KEYS "}");
    assert_int_equal(verify_on(s, alice, 0), MAINT_BYPASS_REVOKED);
    maint_snapshot_free(s);

    /* removed, then added again with the very same credential */
    s = parse("{\"schema\":1,\"superadmins\":[{\"name\":\"alice\","
              "\"credential\":\"" ALICE_SHA "\",\"credential_id\":"
              "\"cidAlice2\"}]," KEYS "}");
    assert_int_equal(verify_on(s, alice, 0), MAINT_BYPASS_REVOKED);
    maint_snapshot_free(s);

    /* an id that only starts like the old one, or extends it */
    s = parse("{\"schema\":1,\"superadmins\":[{\"name\":\"alice\","
              "\"credential\":\"" ALICE_SHA "\",\"credential_id\":"
              "\"cidAlice\"}]," KEYS "}");
    assert_int_equal(verify_on(s, alice, 0), MAINT_BYPASS_REVOKED);
    maint_snapshot_free(s);

    s = parse("{\"schema\":1,\"superadmins\":[{\"name\":\"alice\","
              "\"credential\":\"" ALICE_SHA "\",\"credential_id\":"
              "\"cidAlice11\"}]," KEYS "}");
    assert_int_equal(verify_on(s, alice, 0), MAINT_BYPASS_REVOKED);
    maint_snapshot_free(s);

    /* the id alone counts when there is one (the hash is the same) */
    s = parse("{\"schema\":1,\"superadmins\":[{\"name\":\"alice\","
              "\"credential\":\"" BOB_SHA "\",\"credential_id\":"
              "\"cidAlice1\"}]," KEYS "}");
    assert_int_equal(verify_on(s, alice, 0), MAINT_BYPASS_OK);
    maint_snapshot_free(s);

    /* a record from before ids: rotated by an older admin API */
    s = parse("{\"schema\":1,\"superadmins\":[{\"name\":\"bob\","
              "\"credential\":\"" ALICE_SHA "\"}]," KEYS "}");
    assert_int_equal(verify_on(s, bob, 0), MAINT_BYPASS_REVOKED);
    maint_snapshot_free(s);

    /* ... and given an id by a newer one */
    s = parse("{\"schema\":1,\"superadmins\":[{\"name\":\"bob\","
              "\"credential\":\"" BOB_SHA "\",\"credential_id\":\"x\"}],"
              KEYS "}");
    assert_int_equal(verify_on(s, bob, 0), MAINT_BYPASS_REVOKED);
    maint_snapshot_free(s);

    /* ids the snapshot refuses */
    {
        char         err[256], json[1024];
        size_t       i;
        const char  *bad[] = { "\"\"", "\"a.b\"", "\"a b\"", "1", "null",
            "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"" };

        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            snprintf(json, sizeof(json), "{\"schema\":1,\"superadmins\":"
                     "[{\"name\":\"a\",\"credential\":\"" ALICE_SHA "\","
                     "\"credential_id\":%s}]}", bad[i]);
            s = maint_snapshot_parse(json, strlen(json), err, sizeof(err));
            if (s != NULL) {
                fail_msg("credential_id %s accepted", bad[i]);
            }
            assert_non_null(strstr(err, "credential_id"));
        }
    }
}


static void
test_rejects(void **state)
{
    char     good[512], c[600];
    size_t   n;
    int64_t  i;

    n = sign(snap->signing_key, "alice", NOW, NOW + 3600, good,
             sizeof(good));

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

    /* another version, e.g. the v1 of before credential ids */
    memcpy(c, good, n + 1);
    c[1] = '1';
    assert_int_equal(verify(c), MAINT_BYPASS_MALFORMED);
    assert_int_equal(verify("v1.k1.YWxpY2U.1795300000.1795303600."
                            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                     MAINT_BYPASS_MALFORMED);

    sign(snap->signing_key, "alice", NOW - 7200, NOW - 1, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_EXPIRED);

    sign(snap->signing_key, "alice", NOW + 3600, NOW + 7200, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_FUTURE);

    sign(snap->signing_key, "alice", NOW + 30, NOW + 7200, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_OK);

    sign(snap->signing_key, "alice", NOW - 60, NOW + 13 * 3600, c,
         sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_TOO_LONG);

    /* a lifetime that is not one: ends before, or when, it begins */
    sign(snap->signing_key, "alice", NOW + 50, NOW + 40, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_TOO_LONG);

    sign(snap->signing_key, "alice", NOW + 50, NOW + 50, c, sizeof(c));
    assert_int_equal(verify(c), MAINT_BYPASS_TOO_LONG);

    {
        maint_superadmin_t  carol = *snap->superadmins;

        carol.name.data = "carol";
        carol.name.len = 5;
        n = maint_bypass_sign(snap->signing_key, &carol, 0, NOW, NOW + 60,
                              c, sizeof(c));
        assert_int_equal(verify(c), MAINT_BYPASS_NOT_SUPERADMIN);
    }

    {
        maint_key_t  other = snap->keys[0];

        memcpy(other.kid, "k9", 3);
        other.kid_len = 2;
        sign(&other, "alice", NOW, NOW + 60, c, sizeof(c));
        assert_int_equal(verify(c), MAINT_BYPASS_UNKNOWN_KEY);
    }

    assert_int_equal(verify(""), MAINT_BYPASS_MALFORMED);
    assert_int_equal(verify("......."), MAINT_BYPASS_MALFORMED);
    assert_int_equal(verify("v2.k1.%%%.c.http.1.2.===="),
                     MAINT_BYPASS_MALFORMED);

    memset(c, 'a', 599);
    c[599] = '\0';
    assert_int_equal(verify(c), MAINT_BYPASS_MALFORMED);
}


static void
test_leave_token(void **state)
{
    char  a[512], b[512], t[MAINT_LEAVE_TOKEN_LEN + 1],
          u[MAINT_LEAVE_TOKEN_LEN + 1];

    sign(snap->signing_key, "alice", NOW, NOW + 3600, a, sizeof(a));
    sign(snap->signing_key, "alice", NOW + 1, NOW + 3600, b, sizeof(b));

    maint_bypass_leave_token(a, strlen(a), t);
    maint_bypass_leave_token(b, strlen(b), u);
    assert_int_equal(strlen(t), MAINT_LEAVE_TOKEN_LEN);
    assert_string_not_equal(t, u);

    assert_true(maint_bypass_leave_check(a, strlen(a), t, strlen(t)));
    assert_false(maint_bypass_leave_check(b, strlen(b), t, strlen(t)));
    assert_false(maint_bypass_leave_check(a, strlen(a), t, strlen(t) - 1));
    assert_false(maint_bypass_leave_check(a, strlen(a), "", 0));
    assert_false(maint_bypass_leave_check("", 0, t, strlen(t)));

    t[0] = t[0] == 'x' ? 'y' : 'x';
    assert_false(maint_bypass_leave_check(a, strlen(a), t, strlen(t)));
}


static int
csrf_ok(int https, int64_t now, const char *t, size_t n)
{
    return maint_csrf_check(snap, https, now, t, n, t, n);
}


static void
test_csrf(void **state)
{
    char    t[128], u[128];
    size_t  n, m;

    n = maint_csrf_make(snap->signing_key, 0, NOW, t, sizeof(t));
    assert_true(n > 0 && n <= MAINT_CSRF_MAX_LEN);
    assert_true(csrf_ok(0, NOW, t, n));

    /* cookie and field must be the same token */
    m = maint_csrf_make(snap->signing_key, 0, NOW, u, sizeof(u));
    assert_int_equal(m, n);
    assert_false(maint_csrf_check(snap, 0, NOW, t, n, u, m));

    /* made by another key still known: fine; forged: not */
    m = maint_csrf_make(&snap->keys[1], 0, NOW, u, sizeof(u));
    assert_true(csrf_ok(0, NOW, u, m));

    u[30] = u[30] == 'x' ? 'y' : 'x';
    assert_false(csrf_ok(0, NOW, u, m));
    assert_false(csrf_ok(0, NOW, "", 0));
    assert_false(csrf_ok(0, NOW, t, n - 1));

    /* an hour, not a second more; not from the future beyond the skew */
    assert_true(csrf_ok(0, NOW + MAINT_CSRF_TTL, t, n));
    assert_false(csrf_ok(0, NOW + MAINT_CSRF_TTL + 1, t, n));
    assert_false(csrf_ok(0, NOW + 86400 * 365, t, n));
    assert_true(csrf_ok(0, NOW - MAINT_BYPASS_SKEW, t, n));
    assert_false(csrf_ok(0, NOW - MAINT_BYPASS_SKEW - 1, t, n));

    /* the scheme it was made for only */
    assert_false(csrf_ok(1, NOW, t, n));
    m = maint_csrf_make(snap->signing_key, 1, NOW, u, sizeof(u));
    assert_true(csrf_ok(1, NOW, u, m));
    assert_false(csrf_ok(0, NOW, u, m));

    /* the issue time is signed: moved forward, it does not verify */
    {
        char    v[128];
        size_t  k;

        memcpy(v, t, n + 1);
        k = 23 + 9;                 /* the last digit of the time */
        v[k] = v[k] == '9' ? '8' : (char) (v[k] + 1);
        assert_false(csrf_ok(0, NOW, v, n));
    }

    /* a token of before (no issue time) is no token */
    assert_false(csrf_ok(0, NOW, "AAAAAAAAAAAAAAAAAAAAAA."
                         "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                         66));

    /* no key, no token */
    assert_int_equal(maint_csrf_make(NULL, 0, NOW, u, sizeof(u)), 0);
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
        cmocka_unit_test(test_scheme),
        cmocka_unit_test(test_credential_binding),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_leave_token),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_credential),
        cmocka_unit_test(test_redirect),
        cmocka_unit_test(test_form_and_args),
    };

    return cmocka_run_group_tests_name("bypass", tests, setup, teardown);
}
