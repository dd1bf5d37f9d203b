/*
 * The canonical raw path (maint_path.c): which request targets may be
 * granted a path exemption, and the decision maint_evaluate() takes for
 * the variants an attacker tries against a window allowing "/public/".
 */

#include "unit.h"
#include "maint_eval.h"


typedef struct {
    const char  *raw;
    int          canonical;
} canon_t;


static void
test_canonical(void **state)
{
    static const canon_t  v[] = {
        /* what an ordinary client sends */
        { "/", 1 },
        { "/public", 1 },
        { "/public/", 1 },
        { "/public/x", 1 },
        { "/public/x.css", 1 },
        { "/public/.well-known/x", 1 },
        { "/public/a..b/...x", 1 },
        { "/public/%41b", 1 },
        { "/public/a%20b", 1 },
        { "/public/caf%C3%A9", 1 },
        { "/public/caf\xc3\xa9", 1 },
        { "/public/%E2%82%AC", 1 },
        { "/public/%F0%9F%98%80", 1 },
        { "/public/a+b:c@d!$&'()*,=~_-", 1 },

        /* dot segments, literal or encoded in any case and mix */
        { "/public/../admin", 0 },
        { "/public/./x", 0 },
        { "/public/..", 0 },
        { "/public/.", 0 },
        { "/..", 0 },
        { "/admin/%2e%2e/public/x", 0 },
        { "/admin/%2E%2E/public/x", 0 },
        { "/admin/%2e%2E/public/x", 0 },
        { "/admin/.%2e/public/x", 0 },
        { "/admin/%2e./public/x", 0 },
        { "/admin/%2e/public/x", 0 },
        { "/public/x%2ecss", 0 },           /* any encoded dot */
        { "/public/.../x", 0 },             /* dots only: Windows */
        { "/public/.. /x", 0 },
        { "/public/..%20/x", 0 },
        { "/public/%20/x", 0 },

        /* separators an app may see that NGINX does not */
        { "/admin%2f..%2fpublic/x", 0 },
        { "/admin%2F..%2Fpublic/x", 0 },
        { "/public/..%5cadmin", 0 },
        { "/public/..%5Cadmin", 0 },
        { "/public/..\\admin", 0 },
        { "/public\\x", 0 },
        { "/public/..;/admin", 0 },
        { "/public;jsessionid=x/x", 0 },
        { "/public/x;a=b", 0 },
        { "/public/x%3bjsessionid", 0 },
        { "/public//../admin", 0 },
        { "//public/x", 0 },
        { "/public//x", 0 },
        { "/public/x#/../../admin", 0 },
        { "/public/x%23y", 0 },
        { "/public/x%3fy", 0 },
        { "/public/x?y", 0 },               /* the caller cuts the query */

        /* double encoding, every level */
        { "/public/%252e%252e/admin", 0 },
        { "/public/%25%32%65%25%32%65/admin", 0 },
        { "/public/%25252e/admin", 0 },
        { "/public/%25", 0 },

        /* malformed escapes and bytes */
        { "/public/%", 0 },
        { "/public/%2", 0 },
        { "/public/%zz", 0 },
        { "/public/%u002e%u002e/admin", 0 },
        { "/public/%00", 0 },
        { "/public/%0a", 0 },
        { "/public/%7f", 0 },
        { "/public/x\x01", 0 },
        { "/public/x\x7f", 0 },
        { "/public/x y", 0 },
        { "/public/\t", 0 },

        /* UTF-8 an app may fold into "." or "/" */
        { "/public/%c0%ae%c0%ae/admin", 0 },        /* overlong "." */
        { "/public/%c0%af", 0 },                    /* overlong "/" */
        { "/public/%e0%80%ae", 0 },
        { "/public/%f0%80%80%ae", 0 },
        { "/public/%ef%bc%8e%ef%bc%8e/admin", 0 },  /* fullwidth ".." */
        { "/public/\xef\xbc\x8f" "admin", 0 },      /* fullwidth "/" */
        { "/public/%ef%bc%bc", 0 },                 /* fullwidth "\" */
        { "/public/%e2%80%a5", 0 },                 /* two dot leader */
        { "/public/%ed%a0%80", 0 },                 /* a surrogate */
        { "/public/%f4%90%80%80", 0 },              /* past U+10FFFF */
        { "/public/%c3", 0 },                       /* truncated */
        { "/public/%c3/x", 0 },
        { "/public/%80", 0 },
        { "/public/\xff", 0 },

        /* not an origin-form path */
        { "", 0 },
        { "*", 0 },
        { "public/x", 0 },
        { "http://h/public/x", 0 },
    };
    size_t  i;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        if (maint_path_canonical(v[i].raw, strlen(v[i].raw))
            != v[i].canonical)
        {
            fail_msg("\"%s\": want %s", v[i].raw,
                     v[i].canonical ? "canonical" : "not canonical");
        }
    }

    /* a NUL inside is a control byte too */
    assert_false(maint_path_canonical(S("/public/\0x")));
}


static void
test_decodes_to(void **state)
{
    assert_true(maint_path_decodes_to(S("/public/x"), S("/public/x")));
    assert_true(maint_path_decodes_to(S("/public/%41%62"), S("/public/Ab")));
    assert_true(maint_path_decodes_to(S("/p/caf%c3%a9"), S("/p/caf\xc3\xa9")));
    assert_true(maint_path_decodes_to(S("/"), S("/")));

    assert_false(maint_path_decodes_to(S("/public/x"), S("/public/y")));
    assert_false(maint_path_decodes_to(S("/public/x"), S("/public/x/")));
    assert_false(maint_path_decodes_to(S("/public/x/"), S("/public/x")));
    assert_false(maint_path_decodes_to(S("/public/%41"), S("/public/%41")));
    assert_false(maint_path_decodes_to(S("/admin/%2e%2e/public/x"),
                                       S("/public/x")));
    assert_false(maint_path_decodes_to(S("/public/..;/admin"),
                                       S("/public/..;/admin")));
    assert_false(maint_path_decodes_to(S(""), S("")));
}


static void
test_trusted(void **state)
{
    /* no raw path: the judged path is sent on as it is */
    assert_true(maint_path_trusted(NULL, 0, S("/public/x"), 0));
    assert_false(maint_path_trusted(NULL, 0, S("/public/../admin"), 0));

    /* the URI as received */
    assert_true(maint_path_trusted(S("/public/x"), S("/public/x"), 0));
    assert_false(maint_path_trusted(S("/admin/%2e%2e/public/x"),
                                    S("/public/x"), 0));

    /* rewritten: both must be canonical, they need not agree */
    assert_true(maint_path_trusted(S("/old/x"), S("/public/x"), 1));
    assert_false(maint_path_trusted(S("/old/%2e%2e/x"), S("/public/x"), 1));
    assert_false(maint_path_trusted(S("/old/x"), S("/public//x"), 1));

    /* "set $args" only: the URI is still raw's, spaces and all */
    assert_true(maint_path_trusted(S("/public/a%20b"), S("/public/a b"), 1));
    assert_true(maint_path_trusted(S("/public/a%20b"), S("/public/a b"), 0));
}


static void
test_path_len(void **state)
{
    assert_int_equal(maint_path_len(S("/a/b?c=d?e")), 4);
    assert_int_equal(maint_path_len(S("/a/b")), 4);
    assert_int_equal(maint_path_len(S("?x")), 0);
    assert_int_equal(maint_path_len(S("")), 0);
}


/* the decision: a full window over "shop" allowing "/public/" */

static void
test_evaluate(void **state)
{
    static const char  json[] =
        "{\"schema\":1,\"windows\":[{\"id\":\"w\",\"apps\":[\"shop\"],"
        "\"start\":1000,\"end\":2000,"
        "\"allow\":{\"paths\":[\"/public/\",\"/healthz\"]}}]}";
    static const struct {
        const char  *raw, *judged;
        int          rewritten;
        int          decision;
    } v[] = {
        { "/public/x", "/public/x", 0, MAINT_EXEMPT },
        { "/healthz", "/healthz", 0, MAINT_EXEMPT },
        { "/public/%78", "/public/x", 0, MAINT_EXEMPT },
        { "/admin/%2e%2e/public/x", "/public/x", 0, MAINT_MAINTENANCE },
        { "/admin/.%2e/public/x", "/public/x", 0, MAINT_MAINTENANCE },
        { "/admin/%2E%2E/public/x", "/public/x", 0, MAINT_MAINTENANCE },
        { "/admin%2f..%2fpublic/x", "/public/x", 0, MAINT_MAINTENANCE },
        { "/public/..;/admin", "/public/..;/admin", 0, MAINT_MAINTENANCE },
        { "/public/..%5cadmin", "/public/..\\admin", 0, MAINT_MAINTENANCE },
        { "/public/%252e%252e/admin", "/public/%2e%2e/admin", 0,
          MAINT_MAINTENANCE },
        { "/public//../admin", "/public/admin", 0, MAINT_MAINTENANCE },
        { "/admin/%2e%2e/healthz", "/healthz", 0, MAINT_MAINTENANCE },
        { "/x", "/public/x", 1, MAINT_EXEMPT },
        { "/x/%2e%2e/y", "/public/x", 1, MAINT_MAINTENANCE },
        { "/admin", "/admin", 0, MAINT_MAINTENANCE },
    };
    char                   err[256];
    size_t                 i;
    maint_request_t        req;
    maint_decision_e       d;
    maint_snapshot_t      *snap;
    const maint_window_t  *w;

    snap = maint_snapshot_parse(json, sizeof(json) - 1, err, sizeof(err));
    if (snap == NULL) {
        fail_msg("snapshot: %s", err);
    }

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        memset(&req, 0, sizeof(req));
        req.app = "shop";
        req.app_len = 4;
        req.now_ms = 1500 * 1000LL;
        req.safe_method = 1;
        req.path = v[i].judged;
        req.path_len = strlen(v[i].judged);
        req.raw_path = v[i].raw;
        req.raw_path_len = strlen(v[i].raw);
        req.path_rewritten = v[i].rewritten;

        d = maint_evaluate(snap, &req, &w);

        if (d != (maint_decision_e) v[i].decision) {
            fail_msg("raw \"%s\" judged \"%s\": got %d, want %d", v[i].raw,
                     v[i].judged, d, v[i].decision);
        }
    }

    /* without a raw path the judged one must be canonical itself */
    memset(&req, 0, sizeof(req));
    req.app = "shop";
    req.app_len = 4;
    req.now_ms = 1500 * 1000LL;
    req.path = "/public/x";
    req.path_len = 9;
    assert_int_equal(maint_evaluate(snap, &req, &w), MAINT_EXEMPT);
    req.path = "/public/../x";
    req.path_len = 12;
    assert_int_equal(maint_evaluate(snap, &req, &w), MAINT_MAINTENANCE);

    maint_snapshot_free(snap);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_canonical),
        cmocka_unit_test(test_decodes_to),
        cmocka_unit_test(test_trusted),
        cmocka_unit_test(test_path_len),
        cmocka_unit_test(test_evaluate),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
