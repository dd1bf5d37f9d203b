/*
 * maint_window.h: a maintenance window as the snapshot has it (docs/
 * redis-schema.md, "windows"), its translations, and its decoder, which
 * maint_snapshot.c calls for each entry of the snapshot's windows.
 */

#ifndef MAINT_WINDOW_H
#define MAINT_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "maint_core.h"
#include "maint_cidr.h"
#include "maint_time.h"


#define MAINT_MAX_LIST             256
#define MAINT_MAX_ID_LEN           64
#define MAINT_MAX_TEXT_LEN         8192    /* bytes: 2000 UTF-8 characters */
#define MAINT_MAX_TRANSLATIONS     32
#define MAINT_MAX_EPOCH            253402300799LL  /* 9999-12-31T23:59:59Z */
#define MAINT_MAX_NOTIFY_MIN       (366 * 24 * 60)


typedef enum {
    MAINT_MODE_FULL = 0,
    MAINT_MODE_READ_ONLY
} maint_mode_t;


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
    int             started;        /* "started": in force by state */
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


/* what an empty text or a missing notice period of a window takes */
typedef struct {
    maint_str_t     message;
    maint_str_t     notify_message;
    int64_t         notify_min;
} maint_window_defaults_t;


struct maint_decoder_s;
struct json_t;

/*
 * Decodes entry idx of the snapshot's "windows" into win (zeroed by the
 * caller); 0, or -1 with the decoder's error naming the field.
 */
int maint_window_decode(struct maint_decoder_s *d,
    const maint_window_defaults_t *def, struct json_t *w,
    maint_window_t *win, size_t idx);


#endif /* MAINT_WINDOW_H */
