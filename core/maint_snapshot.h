/*
 * maint_snapshot.h: the decoded form of the state snapshot the admin API
 * writes to Redis (docs/redis-schema.md, field "snapshot" of <prefix>state)
 * and the decoder that turns its JSON into it.  Its windows are
 * maint_window.h's.
 */

#ifndef MAINT_SNAPSHOT_H
#define MAINT_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "maint_core.h"
#include "maint_arena.h"
#include "maint_window.h"


#define MAINT_SCHEMA_VERSION       1

#define MAINT_MAX_SNAPSHOT         (1024 * 1024)
#define MAINT_MAX_WINDOWS          1024

#define MAINT_DEFAULT_NOTIFY_MIN   30
#define MAINT_DEFAULT_IDLE_MIN     1440
#define MAINT_MAX_SUPERADMINS      1024
#define MAINT_MAX_KEYS             16
#define MAINT_MAX_KID_LEN          32
#define MAINT_MAX_CID_LEN          64


/*
 * cid: the id of the credential's issuance ("credential_id", random, new
 * with every add and rotate); a bypass cookie is good only for the id it
 * was issued for.  A snapshot without one (an older admin API) gets one
 * derived from the credential's hash, so a rotation still changes it.
 */
typedef struct {
    maint_str_t     name;
    unsigned char   credential[32]; /* SHA-256 of the credential */
    char            cid[MAINT_MAX_CID_LEN + 1];
    size_t          cid_len;
} maint_superadmin_t;


typedef struct {
    char            kid[MAINT_MAX_KID_LEN + 1];
    size_t          kid_len;
    unsigned char   secret[32];
    int             signing;
} maint_key_t;


typedef struct {
    maint_str_t     app;            /* or "*" */
    int64_t         at;             /* epoch seconds */
} maint_cutoff_t;


typedef struct {
    int64_t              version;   /* set by the reader, not in the JSON */
    maint_window_t      *windows;
    size_t               nwindows;

    maint_superadmin_t  *superadmins;
    size_t               nsuperadmins;
    maint_key_t         *keys;
    size_t               nkeys;
    const maint_key_t   *signing_key;
    maint_cutoff_t      *cutoffs;
    size_t               ncutoffs;
    int64_t              session_idle;  /* seconds */

    maint_arena_t       *arena;
} maint_snapshot_t;


/*
 * Decodes a snapshot.  On failure returns NULL and writes a message naming
 * the offending field into err.  An empty input (len == 0) is the empty
 * state: no windows.
 */
maint_snapshot_t *maint_snapshot_parse(const char *json, size_t len,
    char *err, size_t errlen);
void maint_snapshot_free(maint_snapshot_t *s);

const maint_superadmin_t *maint_snapshot_superadmin(const maint_snapshot_t *s,
    const char *name, size_t len);

/* the cid of a superadmin whose record has none, from its credential */
void maint_superadmin_derive_cid(maint_superadmin_t *sa);
const maint_key_t *maint_snapshot_key(const maint_snapshot_t *s,
    const char *kid, size_t len);


#endif /* MAINT_SNAPSHOT_H */
