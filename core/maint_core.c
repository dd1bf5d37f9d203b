/*
 * maint_core.c: the arena allocator, UTC time formatting and SHA-256 used
 * by the pure-logic parts.  Time formatting is done by hand
 * (days-from-civil) so that it never consults the local time zone or
 * locale files.
 */

#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>

#include "maint_core.h"


static EVP_MD       *maint_sha256_md;
static EVP_MD_CTX   *maint_sha256_ctx;


/*
 * Called by a worker as it exits (NGINX unloads the module before the
 * process ends: the kept context would be lost memory in every leak
 * report).  Not a destructor: in the admin daemon it would run after
 * OpenSSL's own cleanup at exit.
 */

void
maint_sha256_free(void)
{
    EVP_MD_CTX_free(maint_sha256_ctx);
    EVP_MD_free(maint_sha256_md);
    maint_sha256_ctx = NULL;
    maint_sha256_md = NULL;
}


void
maint_sha256(const void *in, size_t len, unsigned char out[32])
{
    unsigned int   n;
    EVP_MD        *md;
    EVP_MD_CTX    *ctx;

    if (maint_sha256_md == NULL) {
        maint_sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
        maint_sha256_ctx = EVP_MD_CTX_new();
    }

    md = maint_sha256_md;
    ctx = maint_sha256_ctx;

    n = 32;

    if (md == NULL || ctx == NULL
        || EVP_DigestInit_ex(ctx, md, NULL) != 1
        || EVP_DigestUpdate(ctx, in, len) != 1
        || EVP_DigestFinal_ex(ctx, out, &n) != 1)
    {
        (void) EVP_Digest(in, len, out, &n, EVP_sha256(), NULL);
    }
}


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


/*
 * Civil date from days since 1970-01-01 (H. Hinnant's algorithm), valid for
 * the whole int64 range we accept (years 0 to 9999 are checked by callers).
 */

static void
maint_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    int64_t   era, yy;
    unsigned  doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned) (z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    yy = (int64_t) yoe + era * 400;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int) (yy + (*m <= 2));
}


static void
maint_put_digits(char *p, unsigned v, int n)
{
    while (n--) {
        p[n] = (char) ('0' + v % 10);
        v /= 10;
    }
}


size_t
maint_format_rfc3339(char *buf, int64_t epoch_sec)
{
    int       y;
    int64_t   days, secs;
    unsigned  m, d;

    days = epoch_sec / 86400;
    secs = epoch_sec % 86400;

    if (secs < 0) {
        secs += 86400;
        days--;
    }

    maint_civil_from_days(days, &y, &m, &d);

    if (y < 0 || y > 9999) {
        y = y < 0 ? 0 : 9999;
    }

    maint_put_digits(buf, (unsigned) y, 4);
    buf[4] = '-';
    maint_put_digits(buf + 5, m, 2);
    buf[7] = '-';
    maint_put_digits(buf + 8, d, 2);
    buf[10] = 'T';
    maint_put_digits(buf + 11, (unsigned) (secs / 3600), 2);
    buf[13] = ':';
    maint_put_digits(buf + 14, (unsigned) (secs / 60 % 60), 2);
    buf[16] = ':';
    maint_put_digits(buf + 17, (unsigned) (secs % 60), 2);
    buf[19] = 'Z';
    buf[20] = '\0';

    return MAINT_RFC3339_LEN;
}


static int64_t
maint_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t   era;
    unsigned  yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + (int64_t) doe - 719468;
}


static int
maint_digits(const char *p, int n, unsigned *v)
{
    int  i;

    *v = 0;

    for (i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }

        *v = *v * 10 + (unsigned) (p[i] - '0');
    }

    return 0;
}


int
maint_parse_rfc3339(const char *s, size_t len, int64_t *epoch_sec)
{
    size_t    i;
    unsigned  y, mo, d, h, mi, sec, oh, om, mdays;
    int64_t   t;
    int       sign;

    static const unsigned  days_in[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    /* 2026-11-21T22:00:00Z is the shortest form */

    if (len < 20
        || maint_digits(s, 4, &y) || s[4] != '-'
        || maint_digits(s + 5, 2, &mo) || s[7] != '-'
        || maint_digits(s + 8, 2, &d)
        || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        || maint_digits(s + 11, 2, &h) || s[13] != ':'
        || maint_digits(s + 14, 2, &mi) || s[16] != ':'
        || maint_digits(s + 17, 2, &sec))
    {
        return -1;
    }

    if (mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 60) {
        return -1;
    }

    mdays = days_in[mo - 1];

    if (mo == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) {
        mdays = 29;
    }

    if (d < 1 || d > mdays) {
        return -1;
    }

    i = 19;

    if (i < len && s[i] == '.') {
        i++;

        if (i >= len || s[i] < '0' || s[i] > '9') {
            return -1;
        }

        while (i < len && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    }

    if (i >= len) {
        return -1;
    }

    if (s[i] == 'Z' || s[i] == 'z') {
        oh = om = 0;
        sign = 1;
        i++;

    } else if (s[i] == '+' || s[i] == '-') {
        sign = s[i] == '-' ? -1 : 1;

        if (len - i != 6 || maint_digits(s + i + 1, 2, &oh)
            || s[i + 3] != ':' || maint_digits(s + i + 4, 2, &om)
            || oh > 23 || om > 59)
        {
            return -1;
        }

        i += 6;

    } else {
        return -1;
    }

    if (i != len) {
        return -1;
    }

    /* a leap second is read as the second after it */

    t = maint_days_from_civil(y, mo, d) * 86400
        + (int64_t) h * 3600 + (int64_t) mi * 60 + sec;

    *epoch_sec = t - sign * ((int64_t) oh * 3600 + (int64_t) om * 60);

    return 0;
}


int
maint_valid_name(const char *s, size_t len)
{
    size_t  i;

    if (len == 0 || len > 64) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        char c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-'))
        {
            return 0;
        }
    }

    return 1;
}


int
maint_valid_lang(const char *s, size_t len)
{
    char    c;
    size_t  i, sub;
    int     first;

    if (len < 2 || len > MAINT_MAX_LANG_LEN) {
        return 0;
    }

    sub = 0;
    first = 1;

    for (i = 0; i <= len; i++) {
        c = i < len ? s[i] : '-';

        if (c == '-') {
            if (sub == 0 || (first && sub < 2)) {
                return 0;           /* empty subtag, or a 1-letter primary */
            }

            sub = 0;
            first = 0;
            continue;
        }

        if (++sub > 8) {
            return 0;
        }

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            continue;
        }

        if (first || c < '0' || c > '9') {
            return 0;
        }
    }

    return 1;
}
