/*
 * maint_session.c: the session behind a cookie value (see
 * maint_session.h): its id, the ids of every form an app may read it in,
 * and its verdict against the snapshot.  Values are hostile bytes:
 * everything is length-bounded and nothing assumes NUL termination.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "maint_codec.h"
#include "maint_cookie.h"
#include "maint_hash.h"
#include "maint_http.h"
#include "maint_session.h"


/*
 * The canonical form of a value: without one leading and one trailing
 * double quote, percent-decoded until nothing changes; -1 when it does not
 * settle.
 */

static ssize_t
maint_session_canon(const char *value, size_t len, char *out)
{
    if (len && value[0] == '"') {
        value++;
        len--;
    }

    if (len && value[len - 1] == '"') {
        len--;
    }

    memcpy(out, value, len);

    return maint_pct_settle(out, len);
}


int
maint_session_id(const char *value, size_t len,
    char out[MAINT_SESSION_ID_HEX + 1])
{
    char           buf[MAINT_COOKIE_MAX];
    ssize_t        n;
    unsigned char  h[32];

    out[0] = '\0';

    if (len > MAINT_COOKIE_MAX) {
        return 0;
    }

    n = maint_session_canon(value, len, buf);
    if (n < 0) {
        return 0;
    }

    maint_sha256(buf, n, h);
    maint_hex(h, sizeof(h), out);

    return 1;
}


typedef struct {
    unsigned char  (*ids)[32];
    int              n;
    int              max;
    size_t           work;              /* bytes hashed so far */
    char             canon[MAINT_COOKIE_MAX];
} maint_forms_t;


/* adds the id of one form, unless known; 0 when there are too many */

static int
maint_forms_add(maint_forms_t *f, const char *s, size_t len)
{
    int            i;
    ssize_t        n;
    unsigned char  h[32];

    n = maint_session_canon(s, len, f->canon);
    if (n < 0) {
        return 0;
    }

    f->work += n;
    if (f->work > MAINT_FORMS_WORK) {
        return 0;
    }

    maint_sha256(f->canon, n, h);

    for (i = 0; i < f->n; i++) {
        if (memcmp(f->ids[i], h, 32) == 0) {
            return 1;
        }
    }

    if (f->n == f->max) {
        return 0;
    }

    memcpy(f->ids[f->n++], h, 32);

    return 1;
}


static int
maint_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}


/*
 * A string and its cuts before each of its first MAINT_FORMS_CUTS bytes
 * that are not letters or digits.  An app that stops early stops at the
 * first byte outside its ids' alphabet: ids with more punctuation than
 * that come from apps that read (and sign) the whole value, or from sites
 * that should say what their ids look like (pattern=).
 */

static int
maint_forms_cuts(maint_forms_t *f, const char *s, size_t len)
{
    size_t  i, cuts;

    if (len == 0) {
        return 1;
    }

    if (!maint_forms_add(f, s, len)) {
        return 0;
    }

    for (i = 1, cuts = 0; i < len && cuts < MAINT_FORMS_CUTS; i++) {
        if (!maint_alnum((unsigned char) s[i])) {
            cuts++;

            if (!maint_forms_add(f, s, i)) {
                return 0;
            }
        }
    }

    return 1;
}


/* one base and its percent-decodings, each also with "+" as a space */

static int
maint_forms_decodings(maint_forms_t *f, char *s, size_t len, char *tmp)
{
    int     round;
    size_t  i, l;

    for (round = 0; ; round++) {
        if (!maint_forms_cuts(f, s, len)) {
            return 0;
        }

        if (memchr(s, '+', len)) {
            for (i = 0; i < len; i++) {
                tmp[i] = s[i] == '+' ? ' ' : s[i];
            }

            if (!maint_forms_cuts(f, tmp, len)) {
                return 0;
            }
        }

        l = maint_pct_decode(s, len, s);

        if (l == len) {
            return 1;
        }

        if (round == MAINT_DECODE_ROUNDS) {
            return 0;
        }

        len = l;
    }
}


/* RFC 2109 quoted-string escapes, and Python's octal ones ("\\054") */

static size_t
maint_unescape(const char *in, size_t len, char *out)
{
    size_t  i, o;

    for (i = 0, o = 0; i < len; i++) {
        if (in[i] != '\\' || i + 1 == len) {
            out[o++] = in[i];
            continue;
        }

        if (i + 3 < len && in[i + 1] >= '0' && in[i + 1] <= '3'
            && in[i + 2] >= '0' && in[i + 2] <= '7'
            && in[i + 3] >= '0' && in[i + 3] <= '7')
        {
            out[o++] = (char) ((in[i + 1] - '0') << 6 | (in[i + 2] - '0') << 3
                               | (in[i + 3] - '0'));
            i += 3;
            continue;
        }

        out[o++] = in[++i];
    }

    return o;
}


int
maint_session_forms(const char *value, size_t len, unsigned char (*ids)[32],
    int max)
{
    int             ok;
    char           *base, *tmp;
    size_t          i, l;
    maint_forms_t  *f;

    if (len == 0 || len > MAINT_COOKIE_MAX || max < 1) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        if ((unsigned char) value[i] < 0x20
            || (unsigned char) value[i] >= 0x7f)
        {
            return 0;
        }
    }

    f = malloc(sizeof(maint_forms_t) + 2 * MAINT_COOKIE_MAX);
    if (f == NULL) {
        return 0;
    }

    base = (char *) (f + 1);
    tmp = base + MAINT_COOKIE_MAX;

    f->ids = ids;
    f->n = 0;
    f->max = max;
    f->work = 0;

    /* the session's own id first */

    ok = maint_forms_add(f, value, len);

    /* the value as sent, then without a leading quote */

    if (ok) {
        memcpy(base, value, len);
        ok = maint_forms_decodings(f, base, len, tmp);
    }

    if (ok && value[0] == '"' && len > 1) {
        memcpy(base, value + 1, len - 1);
        ok = maint_forms_decodings(f, base, len - 1, tmp);
    }

    if (ok && memchr(value, '\\', len)) {
        l = value[0] == '"' ? 1 : 0;
        l = maint_unescape(value + l, len - l, base);
        ok = maint_forms_decodings(f, base, l, tmp);
    }

    l = ok ? (size_t) f->n : 0;
    free(f);

    return (int) l;
}


/*
 * A superadmin's session is one the edge itself saw created on a bypassed
 * request (the registry's "superadmin"), whose superadmin is still on the
 * list.  Never "user": that is whatever the app (maint_session_user) says,
 * and an ordinary user may well be called like a superadmin.
 */

static int
maint_is_superadmin(const maint_snapshot_t *s, const maint_session_facts_t *f)
{
    const maint_superadmin_t  *sa;

    if (f->superadmin.len == 0) {
        return 0;
    }

    /*
     * Still on the list with the credential the session was created
     * under: after a rotation, or a removal and a new add, the sessions
     * of before are no superadmin's any more
     */

    sa = maint_snapshot_superadmin(s, f->superadmin.data, f->superadmin.len);

    return sa != NULL && f->superadmin_cid.len == sa->cid_len
           && memcmp(f->superadmin_cid.data, sa->cid, sa->cid_len) == 0;
}


/* seen created, or kept, at or after the cutoff (ms) */

static int
maint_survives(const maint_session_facts_t *f, int64_t cutoff_ms)
{
    return (f->first_seen >= 0 && f->first_seen >= cutoff_ms)
           || (f->kept_at >= 0 && f->kept_at >= cutoff_ms);
}


int
maint_session_ends_unregistered(const maint_snapshot_t *s)
{
    size_t  i;

    if (s == NULL) {
        return 0;
    }

    if (s->ncutoffs) {
        return 1;
    }

    for (i = 0; i < s->nwindows; i++) {
        if (s->windows[i].terminate_sessions) {
            return 1;
        }
    }

    return 0;
}


maint_session_verdict_e
maint_session_verdict(const maint_snapshot_t *s, const char *app,
    size_t app_len, int64_t now_ms, const maint_session_facts_t *f)
{
    size_t                 i;
    int64_t                explicit, window;
    const maint_window_t  *w;

    if (f->revoked) {
        return MAINT_SESSION_REVOKED;
    }

    if (s == NULL) {
        return MAINT_SESSION_ACTIVE;
    }

    explicit = 0;

    for (i = 0; i < s->ncutoffs; i++) {
        if ((s->cutoffs[i].app.len == 1 && s->cutoffs[i].app.data[0] == '*')
            || maint_str_eq(&s->cutoffs[i].app, app, app_len))
        {
            if (s->cutoffs[i].at > explicit) {
                explicit = s->cutoffs[i].at;
            }
        }
    }

    /* seconds to ms, saturating: a cutoff past year 292e6 is "never" */

    if (explicit
        && !maint_survives(f, explicit > INT64_MAX / 1000
                              ? INT64_MAX : explicit * 1000))
    {
        return MAINT_SESSION_CUTOFF;
    }

    window = 0;

    for (i = 0; i < s->nwindows; i++) {
        w = &s->windows[i];

        /*
         * to the millisecond: a window started now begins mid-second;
         * a started one is in force whatever this clock says (eval.c)
         */
        if (w->terminate_sessions && (w->start_ms <= now_ms || w->started)
            && w->start_ms > window)
        {
            /* the window covers the app (or every app) */
            size_t  j;
            int     covers = w->all_apps;

            for (j = 0; !covers && j < w->napps; j++) {
                covers = maint_str_eq(&w->apps[j], app, app_len);
            }

            if (covers) {
                window = w->start_ms;
            }
        }
    }

    if (window && !maint_is_superadmin(s, f) && !maint_survives(f, window)) {
        return MAINT_SESSION_WINDOW;
    }

    return MAINT_SESSION_ACTIVE;
}

