/*
 * maint_core.h: types shared by the pure-logic parts of ngx_maint (snapshot
 * decoding, window evaluation, templates, header parsing).  Nothing here
 * depends on NGINX, so the same code is linked into the module, the C unit
 * tests and the admin API.
 */

#ifndef MAINT_CORE_H
#define MAINT_CORE_H

#include <stddef.h>
#include <stdint.h>


typedef struct {
    const char  *data;
    size_t       len;
} maint_str_t;


#define maint_str_eq(s, p, n)                                                \
    ((s)->len == (n) && ((n) == 0 || memcmp((s)->data, (p), (n)) == 0))


/*
 * A bump allocator: everything decoded from one state snapshot lives in one
 * arena and is released at once when the snapshot is replaced.
 */

typedef struct maint_arena_s  maint_arena_t;

maint_arena_t *maint_arena_create(size_t chunk_size);
void *maint_arena_alloc(maint_arena_t *a, size_t size);
void *maint_arena_calloc(maint_arena_t *a, size_t size);
char *maint_arena_strdup(maint_arena_t *a, const char *s, size_t len);
size_t maint_arena_size(const maint_arena_t *a);
void maint_arena_destroy(maint_arena_t *a);


/* RFC 3339 in UTC, "2026-11-21T14:00:00Z": 20 bytes plus NUL. */
#define MAINT_RFC3339_LEN  20

size_t maint_format_rfc3339(char *buf, int64_t epoch_sec);

/*
 * "2026-11-21T22:00:00Z", "...T23:00:00.250+01:00", with "t"/"z" and a space
 * for "T" accepted; fractions are dropped.  An offset is required.  Returns
 * 0 and the epoch seconds (UTC), or -1.  Years 0000 to 9999.
 */
int maint_parse_rfc3339(const char *s, size_t len, int64_t *epoch_sec);

/* App names and window ids: 1 to 64 of A-Z a-z 0-9 . _ - */
int maint_valid_name(const char *s, size_t len);

/*
 * Language tags of window translations: a primary subtag of 2 to 8
 * letters, then subtags of 1 to 8 letters and digits, joined by "-"; at
 * most MAINT_MAX_LANG_LEN bytes ("fr", "fr-CA", "zh-Hant-TW").
 */
#define MAINT_MAX_LANG_LEN  35

int maint_valid_lang(const char *s, size_t len);

/*
 * SHA-256 of a short input (session ids, credentials, tokens): the digest
 * is fetched once and its context kept, so the hot path neither looks the
 * algorithm up nor allocates.  One thread per process, as NGINX's workers
 * and the daemon are.
 */
void maint_sha256(const void *in, size_t len, unsigned char out[32]);
void maint_sha256_free(void);


#endif /* MAINT_CORE_H */
