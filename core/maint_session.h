/*
 * maint_session.h: the session behind a value of the app's session
 * cookie: its id (the hash the registry knows it by), the ids of every
 * form an app may read the value in, and the verdict (docs/redis-schema.md)
 * shared with the admin API.  Finding the values in headers is
 * maint_cookie.h's.
 */

#ifndef MAINT_SESSION_H
#define MAINT_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "maint_core.h"
#include "maint_snapshot.h"


#define MAINT_SESSION_ID_HEX  64
#define MAINT_SESSION_FORMS   64        /* more forms: the value is stripped */
#define MAINT_FORMS_CUTS      8         /* cuts of one form (see below) */
#define MAINT_FORMS_WORK      (128 * 1024)  /* bytes hashed, at most */


/*
 * The ids of every form of a session cookie's value an app may read: the
 * value unquoted, backslash-unescaped, percent-decoded (once, twice...,
 * "+" as a space), and each of these cut before each of its first
 * MAINT_FORMS_CUTS bytes that are not letters or digits (apps that stop
 * there read "X" from "X-", "X,", "X\"...).  ids[0] is the session's own
 * id (maint_session_id).  Returns how many distinct ids, or 0 when the
 * value cannot be checked: longer than MAINT_COOKIE_MAX, bytes outside
 * printable ASCII, encoded more than four times over, more than "max"
 * forms, or more than MAINT_FORMS_WORK bytes to hash.  Such a value is
 * stripped.
 */
int maint_session_forms(const char *value, size_t len,
    unsigned char (*ids)[32], int max);

/*
 * The session id: SHA-256 of the value's canonical form (without
 * surrounding double quotes, percent-decoded until nothing is left to
 * decode), in hex; returns 0 (and an empty id) when there is no such form.
 */
int maint_session_id(const char *value, size_t len,
    char out[MAINT_SESSION_ID_HEX + 1]);


typedef struct {
    int64_t         first_seen;     /* ms; -1: never seen being created */
    int64_t         kept_at;        /* ms; -1: none */
    int             revoked;        /* on the blacklist */
    maint_str_t     superadmin;     /* as the registry says, may be empty */
    maint_str_t     superadmin_cid; /* the credential it signed in with */
    maint_str_t     user;           /* the app's word: shown, never trusted */
} maint_session_facts_t;


typedef enum {
    MAINT_SESSION_ACTIVE = 0,
    MAINT_SESSION_REVOKED,          /* ended one by one */
    MAINT_SESSION_CUTOFF,           /* by an "end all" */
    MAINT_SESSION_WINDOW            /* by a window with terminate_sessions */
} maint_session_verdict_e;


maint_session_verdict_e maint_session_verdict(const maint_snapshot_t *s,
    const char *app, size_t app_len, int64_t now_ms,
    const maint_session_facts_t *f);

/*
 * Whether the snapshot ends sessions never seen created: an "end all"
 * cutoff, or a window with terminate_sessions (started or not).
 */
int maint_session_ends_unregistered(const maint_snapshot_t *s);


#endif /* MAINT_SESSION_H */
