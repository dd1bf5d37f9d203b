/*
 * maint_arena.h: a bump allocator: everything decoded from one state
 * snapshot lives in one arena and is released at once when the snapshot
 * is replaced.
 */

#ifndef MAINT_ARENA_H
#define MAINT_ARENA_H

#include <stddef.h>


typedef struct maint_arena_s  maint_arena_t;

maint_arena_t *maint_arena_create(size_t chunk_size);
void *maint_arena_alloc(maint_arena_t *a, size_t size);
void *maint_arena_calloc(maint_arena_t *a, size_t size);
char *maint_arena_strdup(maint_arena_t *a, const char *s, size_t len);
size_t maint_arena_size(const maint_arena_t *a);
void maint_arena_destroy(maint_arena_t *a);


#endif /* MAINT_ARENA_H */
