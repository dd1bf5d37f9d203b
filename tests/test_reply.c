/*
 * Reading hiredis replies (maint_reply.c): integers as Redis sends them,
 * ROLE, and SENTINEL get-master-addr-by-name, on reply trees built by
 * hand as hiredis would.
 */

#include "unit.h"
#include "maint_reply.h"


static redisReply *
str(int type, const char *s)
{
    static redisReply  r[16];
    static size_t      next;
    redisReply        *rr;

    rr = &r[next++ % 16];
    memset(rr, 0, sizeof(*rr));
    rr->type = type;
    rr->str = (char *) s;
    rr->len = s ? strlen(s) : 0;

    return rr;
}


static redisReply *
array(redisReply *out, redisReply **elements, size_t n)
{
    memset(out, 0, sizeof(*out));
    out->type = REDIS_REPLY_ARRAY;
    out->element = elements;
    out->elements = n;

    return out;
}


static void
test_int(void **state)
{
    int64_t     v;
    redisReply  i;

    memset(&i, 0, sizeof(i));
    i.type = REDIS_REPLY_INTEGER;
    i.integer = -7;

    assert_int_equal(maint_reply_int(&i, &v), 0);
    assert_int_equal(v, -7);

    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STRING, "0"), &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STRING, "1700000000"),
                                     &v), 0);
    assert_int_equal(v, 1700000000);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STRING,
                                         "999999999999999999"), &v), 0);
    assert_int_equal(v, 999999999999999999LL);

    v = 42;
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STRING, ""), &v), -1);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STRING, "-1"), &v), -1);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STRING, "12a"), &v), -1);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STRING, "1.5"), &v), -1);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STRING,
                                         "1000000000000000000"), &v), -1);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_STATUS, "1"), &v), -1);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_ERROR, "ERR"), &v), -1);
    assert_int_equal(maint_reply_int(str(REDIS_REPLY_NIL, NULL), &v), -1);
    assert_int_equal(maint_reply_int(NULL, &v), -1);
    assert_int_equal(v, 42);
}


static void
test_is_master(void **state)
{
    redisReply   a, *e[3];

    e[0] = str(REDIS_REPLY_STRING, "master");
    e[1] = str(REDIS_REPLY_INTEGER, NULL);
    e[2] = str(REDIS_REPLY_ARRAY, NULL);
    assert_true(maint_reply_is_master(array(&a, e, 3)));

    e[0] = str(REDIS_REPLY_STRING, "slave");
    assert_false(maint_reply_is_master(array(&a, e, 3)));

    e[0] = str(REDIS_REPLY_STRING, "masters");
    assert_false(maint_reply_is_master(array(&a, e, 3)));

    e[0] = str(REDIS_REPLY_STATUS, "master");
    assert_false(maint_reply_is_master(array(&a, e, 3)));

    assert_false(maint_reply_is_master(array(&a, e, 0)));
    assert_false(maint_reply_is_master(str(REDIS_REPLY_STRING, "master")));
    assert_false(maint_reply_is_master(str(REDIS_REPLY_ERROR, "ERR")));
    assert_false(maint_reply_is_master(NULL));
}


static void
test_master_addr(void **state)
{
    int          port;
    redisReply   a, *e[3];
    maint_str_t  host;

    e[0] = str(REDIS_REPLY_STRING, "10.0.0.1");
    e[1] = str(REDIS_REPLY_STRING, "6380");
    assert_int_equal(maint_reply_master_addr(array(&a, e, 2), &host, &port),
                     MAINT_REPLY_OK);
    assert_true(str_is(&host, "10.0.0.1"));
    assert_int_equal(port, 6380);

    e[0] = str(REDIS_REPLY_STRING, "::1");
    e[1] = str(REDIS_REPLY_STRING, "65535");
    assert_int_equal(maint_reply_master_addr(array(&a, e, 2), &host, &port),
                     MAINT_REPLY_OK);
    assert_true(str_is(&host, "::1"));
    assert_int_equal(port, 65535);

    /* the name unknown: nil; or an error; or not two strings */
    assert_int_equal(maint_reply_master_addr(str(REDIS_REPLY_NIL, NULL),
                                             &host, &port),
                     MAINT_REPLY_UNKNOWN);
    assert_int_equal(maint_reply_master_addr(str(REDIS_REPLY_ERROR,
                                                 "ERR No such master"),
                                             &host, &port),
                     MAINT_REPLY_UNKNOWN);
    assert_int_equal(maint_reply_master_addr(NULL, &host, &port),
                     MAINT_REPLY_UNKNOWN);
    assert_int_equal(maint_reply_master_addr(array(&a, e, 1), &host, &port),
                     MAINT_REPLY_UNKNOWN);
    e[2] = str(REDIS_REPLY_STRING, "x");
    assert_int_equal(maint_reply_master_addr(array(&a, e, 3), &host, &port),
                     MAINT_REPLY_UNKNOWN);
    e[1] = str(REDIS_REPLY_INTEGER, NULL);
    assert_int_equal(maint_reply_master_addr(array(&a, e, 2), &host, &port),
                     MAINT_REPLY_UNKNOWN);

    /* two strings, not an address */
    e[0] = str(REDIS_REPLY_STRING, "10.0.0.1");
    e[1] = str(REDIS_REPLY_STRING, "0");
    assert_int_equal(maint_reply_master_addr(array(&a, e, 2), &host, &port),
                     MAINT_REPLY_BAD_ADDR);
    e[1] = str(REDIS_REPLY_STRING, "65536");
    assert_int_equal(maint_reply_master_addr(array(&a, e, 2), &host, &port),
                     MAINT_REPLY_BAD_ADDR);
    e[1] = str(REDIS_REPLY_STRING, "63x");
    assert_int_equal(maint_reply_master_addr(array(&a, e, 2), &host, &port),
                     MAINT_REPLY_BAD_ADDR);
    assert_int_equal(port, -1);
    e[0] = str(REDIS_REPLY_STRING, "");
    e[1] = str(REDIS_REPLY_STRING, "6379");
    assert_int_equal(maint_reply_master_addr(array(&a, e, 2), &host, &port),
                     MAINT_REPLY_BAD_ADDR);
    assert_true(str_is(&host, ""));
    assert_int_equal(port, 6379);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_is_master),
        cmocka_unit_test(test_master_addr),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
