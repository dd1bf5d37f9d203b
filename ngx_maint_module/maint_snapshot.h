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
#define MAINT_MAX_TEXT_LEN         4096

#define MAINT_DEFAULT_NOTIFY_MIN   30


typedef enum {
    MAINT_MODE_FULL = 0,
    MAINT_MODE_READ_ONLY
} maint_mode_t;


typedef struct {
    int             family;         /* AF_INET or AF_INET6 */
    unsigned char   addr[16];
    unsigned char   mask[16];
} maint_cidr_t;


typedef struct {
    maint_str_t     id;
    maint_str_t     title;
    maint_str_t     message;        /* login message, "" when not shown */
    maint_str_t     notify_message;

    maint_str_t    *apps;
    size_t          napps;
    int             all_apps;       /* apps: ["*"] */

    int64_t         start;          /* epoch seconds, effective start */
    int64_t         end;            /* epoch seconds, expected end */
    int64_t         notify_before;  /* seconds */
    int             hold;           /* stays active after end */
    maint_mode_t    mode;

    maint_str_t    *allow_paths;
    size_t          nallow_paths;
    maint_cidr_t   *allow_networks;
    size_t          nallow_networks;

    char            starts_at[MAINT_RFC3339_LEN + 1];
    char            ends_at[MAINT_RFC3339_LEN + 1];
} maint_window_t;


typedef struct {
    int64_t         version;        /* set by the reader, not in the JSON */
    maint_window_t *windows;
    size_t          nwindows;
    maint_arena_t  *arena;
} maint_snapshot_t;


/*
 * Decodes a snapshot.  On failure returns NULL and writes a message naming
 * the offending field into err.  An empty input (len == 0) is the empty
 * state: no windows.
 */
maint_snapshot_t *maint_snapshot_parse(const char *json, size_t len,
    char *err, size_t errlen);
void maint_snapshot_free(maint_snapshot_t *s);

/* "10.0.0.0/8", "2001:db8::/32", "192.0.2.7"; returns 0 on success. */
int maint_cidr_parse(const char *s, size_t len, maint_cidr_t *out);
int maint_cidr_match(const maint_cidr_t *c, int family,
    const unsigned char *addr);


#endif /* MAINT_SNAPSHOT_H */
