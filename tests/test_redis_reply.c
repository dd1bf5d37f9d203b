/*
 * hiredis replies made in one block (core/maint_redis_reply.c): every
 * reply the same, field by field, as hiredis's own functions make it from
 * the same bytes, fed whole and a byte at a time; long strings and large
 * arrays past the block; a reply given up (protocol error, reader freed
 * half-way) freed; the block kept for the next reply.  Leaks show under
 * the sanitizer and valgrind runs.
 */

#include "unit.h"
#include "maint_redis_reply.h"
#include "reply_same.h"


/* the replies the bytes make, read by both, fed in pieces of step bytes */

static int
same_replies(const char *resp, size_t len, size_t step, int *n)
{
    int           ok, ra, rb;
    void         *a, *b;
    size_t        at, k;
    redisReader  *ours, *theirs;

    ours = redisReaderCreate();
    theirs = redisReaderCreate();
    assert_non_null(ours);
    assert_non_null(theirs);
    maint_redis_reply_use(ours);

    ok = 1;
    *n = 0;

    for (at = 0; at < len && ok; at += k) {
        k = len - at < step ? len - at : step;
        assert_int_equal(redisReaderFeed(ours, resp + at, k), REDIS_OK);
        assert_int_equal(redisReaderFeed(theirs, resp + at, k), REDIS_OK);

        for ( ;; ) {
            a = NULL;
            b = NULL;
            ra = redisReaderGetReply(ours, &a);
            rb = redisReaderGetReply(theirs, &b);

            if (ra != rb || !reply_same(a, b)) {
                ok = 0;
            }

            if (a != NULL) {
                ours->fn->freeObject(a);
                (*n)++;
            }

            if (b != NULL) {
                freeReplyObject(b);
            }

            if (ra != REDIS_OK || a == NULL || !ok) {
                break;
            }
        }
    }

    redisReaderFree(ours);
    redisReaderFree(theirs);

    return ok;
}


static void
check(const char *resp, size_t len, int replies)
{
    int  n;

    assert_true(same_replies(resp, len, len, &n));
    assert_int_equal(n, replies);
    assert_true(same_replies(resp, len, 1, &n));
    assert_int_equal(n, replies);
    assert_true(same_replies(resp, len, 7, &n));
    assert_int_equal(n, replies);
}

#define CHECK(resp, replies)  check(resp, sizeof(resp) - 1, replies)


static void
test_resp2(void **state)
{
    CHECK("+OK\r\n", 1);
    CHECK("-ERR wrong number of arguments\r\n", 1);
    CHECK(":0\r\n:-9223372036854775808\r\n:9223372036854775807\r\n", 3);
    CHECK("$5\r\nhello\r\n$0\r\n\r\n$-1\r\n", 3);
    CHECK("$7\r\nx\r\n\0y\r\n\r\n", 1);
    CHECK("*-1\r\n*0\r\n", 2);

    /* an HMGET as the state read gets it: values and nils */
    CHECK("*4\r\n$2\r\n17\r\n$-1\r\n$2\r\n20\r\n$-1\r\n", 1);

    /* nested, and several replies in one read */
    CHECK("*3\r\n*2\r\n:1\r\n$1\r\na\r\n*0\r\n*1\r\n*1\r\n+deep\r\n"
          "+PONG\r\n*2\r\n$6\r\nmaster\r\n:0\r\n", 3);
}


#if (HIREDIS_MAJOR >= 1)

static void
test_resp3(void **state)
{
    CHECK(",3.25\r\n,-inf\r\n,1e300\r\n", 3);
    CHECK("#t\r\n#f\r\n_\r\n", 3);
    CHECK("=15\r\ntxt:Some string\r\n", 1);
    CHECK("(3492890328409238509324850943850943825024385\r\n", 1);
    CHECK("%2\r\n+a\r\n:1\r\n+b\r\n_\r\n~2\r\n#t\r\n,0.5\r\n", 2);
    CHECK(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n", 1);
}

#endif


/* strings and arrays past a block, and around its end */

static void
test_large(void **state)
{
    int     n;
    char   *resp, *p;
    size_t  len, i, size;

    resp = malloc(200000);
    assert_non_null(resp);

    for (size = 1900; size < 2100; size += 3) {
        /* a root string, then the same as an array's last element */
        p = resp;
        p += sprintf(p, "$%zu\r\n", size);
        memset(p, 'x', size);
        p += size;
        p += sprintf(p, "\r\n*3\r\n:1\r\n$3\r\nabc\r\n$%zu\r\n", size);
        memset(p, 'y', size);
        p += size;
        p += sprintf(p, "\r\n");
        len = p - resp;

        assert_true(same_replies(resp, len, len, &n));
        assert_int_equal(n, 2);
    }

    /* a snapshot's size, and an array of 1000 strings of 100 bytes */
    p = resp;
    p += sprintf(p, "$%d\r\n", 90000);
    memset(p, '{', 90000);
    p += 90000;
    p += sprintf(p, "\r\n*1000\r\n");

    for (i = 0; i < 1000; i++) {
        p += sprintf(p, "$100\r\n");
        memset(p, 'a' + i % 26, 100);
        p += 100;
        p += sprintf(p, "\r\n");
    }

    len = p - resp;
    assert_true(same_replies(resp, len, len, &n));
    assert_int_equal(n, 2);
    assert_true(same_replies(resp, len, 4093, &n));
    assert_int_equal(n, 2);

    free(resp);
}


/* a reply given up half-way is freed, by the error and by the reader */

static void
test_given_up(void **state)
{
    void         *reply;
    redisReader  *r;
    const char   *bad = "*3\r\n$1\r\na\r\n*2\r\n:1\r\n?x\r\n";
    const char   *cut = "*3\r\n$1\r\na\r\n*2\r\n:1\r\n";

    r = redisReaderCreate();
    maint_redis_reply_use(r);
    assert_int_equal(redisReaderFeed(r, bad, strlen(bad)), REDIS_OK);
    reply = NULL;
    assert_int_equal(redisReaderGetReply(r, &reply), REDIS_ERR);
    assert_null(reply);
    redisReaderFree(r);

    r = redisReaderCreate();
    maint_redis_reply_use(r);
    assert_int_equal(redisReaderFeed(r, cut, strlen(cut)), REDIS_OK);
    assert_int_equal(redisReaderGetReply(r, &reply), REDIS_OK);
    assert_null(reply);
    redisReaderFree(r);
}


/* every object of a small reply in one block; the block kept */

static void
test_one_block(void **state)
{
    size_t        i;
    redisReply   *a, *b;
    redisReader  *r;
    const char   *resp = "*4\r\n$2\r\n17\r\n$-1\r\n:3\r\n*1\r\n+x\r\n";

    r = redisReaderCreate();
    maint_redis_reply_use(r);

    assert_int_equal(redisReaderFeed(r, resp, strlen(resp)), REDIS_OK);
    assert_int_equal(redisReaderGetReply(r, (void **) &a), REDIS_OK);
    assert_non_null(a);
    assert_int_equal(a->elements, 4);

    for (i = 0; i < a->elements; i++) {
        assert_true((char *) a->element[i] > (char *) a);
        assert_true((char *) a->element[i] < (char *) a + 2048);
    }

    assert_true((char *) a->element[3]->element[0] < (char *) a + 2048);
    assert_true(a->element[0]->str > (char *) a->element[0]);
    assert_true(a->element[0]->str < (char *) a + 2048);

    r->fn->freeObject(a);

    assert_int_equal(redisReaderFeed(r, resp, strlen(resp)), REDIS_OK);
    assert_int_equal(redisReaderGetReply(r, (void **) &b), REDIS_OK);
    assert_non_null(b);

#if !defined(__SANITIZE_ADDRESS__)
    assert_ptr_equal(a, b);             /* in the block the first one had */
#endif

    r->fn->freeObject(b);
    redisReaderFree(r);
    maint_redis_reply_release();
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resp2),
#if (HIREDIS_MAJOR >= 1)
        cmocka_unit_test(test_resp3),
#endif
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_given_up),
        cmocka_unit_test(test_one_block),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
