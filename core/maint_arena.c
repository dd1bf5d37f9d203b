/*
 * maint_arena.c: the bump allocator everything decoded from one snapshot
 * lives in (maint_arena.h): chunks from malloc, released all at once.
 */

#include <stdlib.h>
#include <string.h>

#include "maint_arena.h"


typedef struct maint_chunk_s  maint_chunk_t;

struct maint_chunk_s {
    maint_chunk_t  *next;
    size_t          size;
    size_t          used;
    /* data follows, aligned */
};

struct maint_arena_s {
    maint_chunk_t  *head;
    size_t          chunk_size;
    size_t          total;
};

#define MAINT_ALIGN(n)  (((n) + 15) & ~(size_t) 15)
#define MAINT_CHUNK_HDR MAINT_ALIGN(sizeof(maint_chunk_t))


maint_arena_t *
maint_arena_create(size_t chunk_size)
{
    maint_arena_t  *a;

    a = calloc(1, sizeof(maint_arena_t));
    if (a == NULL) {
        return NULL;
    }

    a->chunk_size = chunk_size ? chunk_size : 4096;

    return a;
}


void *
maint_arena_alloc(maint_arena_t *a, size_t size)
{
    size_t          want;
    unsigned char  *p;
    maint_chunk_t  *c;

    size = MAINT_ALIGN(size ? size : 1);
    c = a->head;

    if (c == NULL || c->size - c->used < size) {
        want = size > a->chunk_size ? size : a->chunk_size;

        c = malloc(MAINT_CHUNK_HDR + want);
        if (c == NULL) {
            return NULL;
        }

        c->size = want;
        c->used = 0;

        /*
         * An allocation bigger than a chunk gets a chunk of its own, put
         * behind the current one so the current one keeps serving small
         * allocations.
         */
        if (a->head != NULL && size > a->chunk_size) {
            c->next = a->head->next;
            a->head->next = c;

        } else {
            c->next = a->head;
            a->head = c;
        }

        a->total += MAINT_CHUNK_HDR + want;
    }

    p = (unsigned char *) c + MAINT_CHUNK_HDR + c->used;
    c->used += size;

    return p;
}


void *
maint_arena_calloc(maint_arena_t *a, size_t size)
{
    void  *p;

    p = maint_arena_alloc(a, size);
    if (p != NULL) {
        memset(p, 0, size);
    }

    return p;
}


char *
maint_arena_strdup(maint_arena_t *a, const char *s, size_t len)
{
    char  *p;

    p = maint_arena_alloc(a, len + 1);
    if (p == NULL) {
        return NULL;
    }

    if (len) {
        memcpy(p, s, len);
    }

    p[len] = '\0';

    return p;
}


size_t
maint_arena_size(const maint_arena_t *a)
{
    return a->total;
}


void
maint_arena_destroy(maint_arena_t *a)
{
    maint_chunk_t  *c, *next;

    if (a == NULL) {
        return;
    }

    for (c = a->head; c; c = next) {
        next = c->next;
        free(c);
    }

    free(a);
}
