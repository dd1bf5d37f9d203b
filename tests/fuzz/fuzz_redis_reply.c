/*
 * fuzz_redis_reply.c: hiredis replies made in one block
 * (maint_redis_reply.c) against hiredis's own functions, on whatever a
 * server (or a relay in between) may send: the same bytes fed to two
 * readers in the same pieces give the same replies field by field, the
 * same errors, and every block is freed (ASan's leak check).  Input: the
 * first byte sets the piece size, the rest is what the connection reads.
 * An aggregate of a million elements or more is left out: both readers
 * would allocate its vector at once, past the fuzzer's memory limit.
 */

#include "fuzz.h"
#include "maint_redis_reply.h"
#include "../reply_same.h"


static int
fuzz_huge_aggregate(const uint8_t *p, size_t size)
{
    size_t  i, digits;

    for (i = 0; i + 1 < size; i++) {
        if (memchr("*%~>|", p[i], 5) == NULL) {
            continue;
        }

        for (digits = 0; i + 1 < size && p[i + 1] >= '0' && p[i + 1] <= '9';
             i++)
        {
            if (++digits > 6) {
                return 1;
            }
        }
    }

    return 0;
}


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int           ra, rb;
    void         *a, *b;
    size_t        step, at, k;
    redisReader  *ours, *theirs;

    if (size == 0) {
        return 0;
    }

    step = data[0] % 16 ? data[0] % 16 : size;
    data++;
    size--;

    if (fuzz_huge_aggregate(data, size)) {
        return 0;
    }

    ours = redisReaderCreate();
    theirs = redisReaderCreate();
    if (ours == NULL || theirs == NULL) {
        abort();
    }

    maint_redis_reply_use(ours);

    for (at = 0; at < size; at += k) {
        k = size - at < step ? size - at : step;
        ra = redisReaderFeed(ours, (const char *) data + at, k);
        rb = redisReaderFeed(theirs, (const char *) data + at, k);
        FUZZ_CHECK(ra == rb);

        do {
            a = NULL;
            b = NULL;
            ra = redisReaderGetReply(ours, &a);
            rb = redisReaderGetReply(theirs, &b);
            FUZZ_CHECK(ra == rb);
            FUZZ_CHECK(reply_same(a, b));

            if (a != NULL) {
                ours->fn->freeObject(a);
                freeReplyObject(b);
            }
        } while (ra == REDIS_OK && a != NULL);

        if (ra != REDIS_OK) {
            FUZZ_CHECK(strcmp(ours->errstr, theirs->errstr) == 0);
            break;
        }
    }

    redisReaderFree(ours);
    redisReaderFree(theirs);
    maint_redis_reply_release();

    return 0;
}
