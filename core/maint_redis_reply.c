/*
 * maint_redis_reply.c: hiredis's reply objects, made without an allocation
 * per object.
 *
 * hiredis's own functions allocate every object of a reply, and every
 * string in it, on its own (an HMGET of four fields: nine allocations,
 * nine frees), and a reply is freed right after its callback.  On a read
 * per request (no lease) that was a third of what the NGINX module added
 * to a request, and the many small frees made glibc consolidate its heap
 * at the request's next pool allocation.  Here every object of one reply
 * goes into one block: the reply's root takes a block and writes the
 * block's address just in front of itself; the objects below it find the
 * root through their read task's parents and take memory from its block,
 * or from a block chained to it when that is full (a long string: one of
 * its own size).  Freeing the root frees the chained blocks and keeps the
 * first for the next reply.
 *
 * The objects are the ones hiredis's own functions make, field by field
 * (tests/test_redis_reply.c and tests/fuzz/fuzz_redis_reply.c compare
 * both).  hiredis calls freeObject on a reply's root only: after its
 * callback, or for a reply it gives up reading (a protocol error, the
 * reader freed).  A reply must not be kept past its callback, as with
 * hiredis's own functions.  Replies of two readers may be under way at
 * once: each has its blocks; the one kept block is shared, so one thread
 * per process.  A sanitizer build keeps no block, so that a reply used
 * after its callback shows.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maint_redis_reply.h"


#define MAINT_REPLY_BLOCK  2048     /* an HMGET of 20 short fields */
#define MAINT_REPLY_ALIGN  8        /* a redisReply's: long long, double */

#if defined(__SANITIZE_ADDRESS__)
#define MAINT_REPLY_KEEP   0
#else
#define MAINT_REPLY_KEEP   1
#endif

#define maint_reply_align(n)                                                  \
    (((n) + MAINT_REPLY_ALIGN - 1) & ~((size_t) MAINT_REPLY_ALIGN - 1))

/* an object's own bytes; a string or an element vector follows them */
#define MAINT_REPLY_OBJECT  maint_reply_align(sizeof(redisReply))


typedef struct maint_reply_block_s  maint_reply_block_t;

struct maint_reply_block_s {
    maint_reply_block_t  *next;
    unsigned char        *last;
    unsigned char        *end;
};

#define MAINT_REPLY_HEADER  maint_reply_align(sizeof(maint_reply_block_t))

/* the block of a reply's root, written just in front of the root */
#define maint_reply_root_block(root)                                          \
    (((maint_reply_block_t **) (root))[-1])


#if (HIREDIS_MAJOR >= 1)
typedef size_t  maint_reply_elements_t;
#else
typedef int     maint_reply_elements_t;
#endif


static void *maint_reply_string(const redisReadTask *task, char *str,
    size_t len);
static void *maint_reply_array(const redisReadTask *task,
    maint_reply_elements_t elements);
static void *maint_reply_integer(const redisReadTask *task, long long value);
static void *maint_reply_nil(const redisReadTask *task);
#if (HIREDIS_MAJOR >= 1)
static void *maint_reply_double(const redisReadTask *task, double value,
    char *str, size_t len);
static void *maint_reply_bool(const redisReadTask *task, int value);
#endif
static void maint_reply_free(void *obj);


static redisReplyObjectFunctions  maint_reply_functions = {
    .createString = maint_reply_string,
    .createArray = maint_reply_array,
    .createInteger = maint_reply_integer,
    .createNil = maint_reply_nil,
#if (HIREDIS_MAJOR >= 1)
    .createDouble = maint_reply_double,
    .createBool = maint_reply_bool,
#endif
    .freeObject = maint_reply_free
};

static maint_reply_block_t  *maint_reply_spare;


void
maint_redis_reply_use(redisReader *r)
{
    r->fn = &maint_reply_functions;
}


void
maint_redis_reply_release(void)
{
    free(maint_reply_spare);
    maint_reply_spare = NULL;
}


static maint_reply_block_t *
maint_reply_block(size_t size)
{
    maint_reply_block_t  *b;

    if (size > SIZE_MAX - MAINT_REPLY_HEADER) {
        return NULL;
    }

    b = malloc(MAINT_REPLY_HEADER + size);
    if (b == NULL) {
        return NULL;
    }

    b->next = NULL;
    b->last = (unsigned char *) b + MAINT_REPLY_HEADER;
    b->end = b->last + size;

    return b;
}


/* n bytes (aligned) from the reply's first block or one chained to it */

static void *
maint_reply_alloc(maint_reply_block_t *first, size_t n)
{
    unsigned char        *p;
    maint_reply_block_t  *b;

    b = first;

    if ((size_t) (b->end - b->last) < n) {
        b = first->next;

        if (b == NULL || (size_t) (b->end - b->last) < n) {
            b = maint_reply_block(n > MAINT_REPLY_BLOCK ? n
                                                        : MAINT_REPLY_BLOCK);
            if (b == NULL) {
                return NULL;
            }

            b->next = first->next;
            first->next = b;
        }
    }

    p = b->last;
    b->last += n;

    return p;
}


/*
 * A zeroed object of the type with extra bytes after it, linked into its
 * parent; a root takes a block (the kept one if it fits).  The type is
 * not always the task's: a nil bulk string's task is a string's.
 */

static redisReply *
maint_reply_new(const redisReadTask *task, int type, size_t extra)
{
    size_t                 size;
    redisReply            *r, *parent;
    const redisReadTask   *t;
    maint_reply_block_t   *first;

    if (extra > SIZE_MAX / 2) {
        return NULL;
    }

    size = MAINT_REPLY_OBJECT + maint_reply_align(extra);

    if (task->parent == NULL) {
        first = maint_reply_spare;

        if (first != NULL && size + MAINT_REPLY_ALIGN <= MAINT_REPLY_BLOCK) {
            maint_reply_spare = NULL;

        } else {
            first = maint_reply_block(size + MAINT_REPLY_ALIGN
                                      > MAINT_REPLY_BLOCK
                                      ? size + MAINT_REPLY_ALIGN
                                      : MAINT_REPLY_BLOCK);
            if (first == NULL) {
                return NULL;
            }
        }

        /* room for the block's address, then the root: both fit */
        first->last += MAINT_REPLY_ALIGN;

        r = maint_reply_alloc(first, size);
        maint_reply_root_block(r) = first;

    } else {
        for (t = task->parent; t->parent != NULL; t = t->parent) {
            /* void */
        }

        first = maint_reply_root_block(t->obj);

        r = maint_reply_alloc(first, size);
        if (r == NULL) {
            return NULL;
        }

        parent = task->parent->obj;
        parent->element[task->idx] = r;
    }

    memset(r, 0, sizeof(redisReply));
    r->type = type;

    return r;
}


static void *
maint_reply_string(const redisReadTask *task, char *str, size_t len)
{
    char        *buf;
    redisReply  *r;

    r = maint_reply_new(task, task->type, len + 1);
    if (r == NULL) {
        return NULL;
    }

    buf = (char *) r + MAINT_REPLY_OBJECT;

#if (HIREDIS_MAJOR >= 1)
    if (task->type == REDIS_REPLY_VERB) {
        /* "txt:" first: hiredis has checked that the four bytes are there */
        memcpy(r->vtype, str, 3);
        r->vtype[3] = '\0';
        str += 4;
        len -= 4;
    }
#endif

    memcpy(buf, str, len);
    buf[len] = '\0';

    r->str = buf;
    r->len = len;

    return r;
}


static void *
maint_reply_array(const redisReadTask *task, maint_reply_elements_t elements)
{
    size_t       n;
    redisReply  *r;

#if (HIREDIS_MAJOR < 1)
    if (elements < 0) {
        return NULL;
    }
#endif

    n = (size_t) elements;

    if (n > SIZE_MAX / 4 / sizeof(redisReply *)) {
        return NULL;
    }

    r = maint_reply_new(task, task->type, n * sizeof(redisReply *));
    if (r == NULL) {
        return NULL;
    }

    if (n > 0) {
        r->element = (redisReply **) ((char *) r + MAINT_REPLY_OBJECT);
        memset(r->element, 0, n * sizeof(redisReply *));
    }

    r->elements = n;

    return r;
}


static void *
maint_reply_integer(const redisReadTask *task, long long value)
{
    redisReply  *r;

    r = maint_reply_new(task, REDIS_REPLY_INTEGER, 0);
    if (r == NULL) {
        return NULL;
    }

    r->integer = value;

    return r;
}


static void *
maint_reply_nil(const redisReadTask *task)
{
    return maint_reply_new(task, REDIS_REPLY_NIL, 0);
}


#if (HIREDIS_MAJOR >= 1)

static void *
maint_reply_double(const redisReadTask *task, double value, char *str,
    size_t len)
{
    redisReply  *r;

    r = maint_reply_string(task, str, len);
    if (r == NULL) {
        return NULL;
    }

    r->type = REDIS_REPLY_DOUBLE;
    r->dval = value;

    return r;
}


static void *
maint_reply_bool(const redisReadTask *task, int value)
{
    redisReply  *r;

    r = maint_reply_new(task, REDIS_REPLY_BOOL, 0);
    if (r == NULL) {
        return NULL;
    }

    r->integer = (value != 0);

    return r;
}

#endif


/* a reply's root: its blocks go, the first kept if none is */

static void
maint_reply_free(void *obj)
{
    maint_reply_block_t  *first, *b, *next;

    first = maint_reply_root_block(obj);

    for (b = first->next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }

    if (MAINT_REPLY_KEEP
        && maint_reply_spare == NULL
        && first->end - ((unsigned char *) first + MAINT_REPLY_HEADER)
           == MAINT_REPLY_BLOCK)
    {
        first->next = NULL;
        first->last = (unsigned char *) first + MAINT_REPLY_HEADER;
        maint_reply_spare = first;
        return;
    }

    free(first);
}
