/*
 * maint_snapshot.h: the decoded form of the state snapshot the admin API
 * writes to Redis (docs/redis-schema.md, field "snapshot" of <prefix>state)
 * and the decoder that turns its JSON into it.
 */

#ifndef MAINT_SNAPSHOT_H
#define MAINT_SNAPSHOT_H

#include "maint_core.h"


#define MAINT_SCHEMA_VERSION       1

#define MAINT_MAX_SNAPSHOT         (1024 * 1024)
#define MAINT_MAX_WINDOWS          1024
#define MAINT_MAX_LIST             256
#define MAINT_MAX_ID_LEN           64
#define MAINT_MAX_TEXT_LEN         8192    /* bytes: 2000 characters of UTF-8 */

#define MAINT_DEFAULT_NOTIFY_MIN   30
#define MAINT_DEFAULT_IDLE_MIN     1440
#define MAINT_MAX_SUPERADMINS      1024
#define MAINT_MAX_KEYS             16
#define MAINT_MAX_KID_LEN          32
#define MAINT_MAX_CID_LEN          64
#define MAINT_MAX_TRANSLATIONS     32


typedef enum {
    MAINT_MODE_FULL = 0,
    MAINT_MODE_READ_ONLY
} maint_mode_t;


typedef struct {
    int             family;         /* AF_INET or AF_INET6 */
    unsigned char   addr[16];
    unsigned char   mask[16];
} maint_cidr_t;


/*
 * A window's texts in one more language; an empty text in the snapshot
 * falls back to the window's own, so every field here is usable as is.
 */
typedef struct {
    maint_str_t     lang;           /* a tag, "fr" or "fr-CA" */
    maint_str_t     title;
    maint_str_t     message;        /* "" when the window hides it */
    maint_str_t     notify_message;
} maint_translation_t;


typedef struct {
    maint_str_t     id;
    maint_str_t     title;
    maint_str_t     message;        /* login message, "" when not shown */
    maint_str_t     notify_message;

    maint_str_t    *apps;
    size_t          napps;
    int             all_apps;       /* apps: ["*"] */

    int64_t         start;          /* epoch seconds, effective start */
    int64_t         start_ms;       /* the same instant in ms, exact when
                                       the writer gave "start_ms" */
    int64_t         end;            /* epoch seconds, expected end */
    int64_t         notify_before;  /* seconds */
    int             hold;           /* stays active after end */
    int             terminate_sessions;
    maint_mode_t    mode;

    maint_str_t    *allow_paths;
    size_t          nallow_paths;
    maint_cidr_t   *allow_networks;
    size_t          nallow_networks;

    maint_translation_t  *translations;
    size_t                ntranslations;

    char            starts_at[MAINT_RFC3339_LEN + 1];
    char            ends_at[MAINT_RFC3339_LEN + 1];
} maint_window_t;


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

/* standard base64 with padding; returns the decoded length or -1 */
long maint_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t outlen);

/* "10.0.0.0/8", "2001:db8::/32", "192.0.2.7"; returns 0 on success. */
int maint_cidr_parse(const char *s, size_t len, maint_cidr_t *out);
int maint_cidr_match(const maint_cidr_t *c, int family,
    const unsigned char *addr);


#endif /* MAINT_SNAPSHOT_H */
