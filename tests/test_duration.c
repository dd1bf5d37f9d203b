/*
 * The one duration grammar (maint_duration.c) against the two it replaced:
 * maint-admind's configuration ("500ms", "7d": strtoll() and one unit) and
 * maintctl's --for ("1h30m": units largest first, in whole seconds).  The
 * old parsers are kept here, verbatim, as oracles: every input either
 * accepted must give the same value, and what is new is listed.
 */

#include <errno.h>

#include "unit.h"
#include "maint_duration.h"


#define CENTURY_SEC  ((int64_t) 100 * 366 * 86400)


/* admin-api/config.c before: milliseconds, or -1 */

static int64_t
old_daemon(const char *s)
{
    char     *end;
    int64_t   n;

    errno = 0;
    n = strtoll(s, &end, 10);

    if (errno || end == s || n < 0) {
        return -1;
    }

    /* the old code multiplied regardless: overflow was undefined */
    if (n > INT64_MAX / 86400000) {
        return -2;
    }

    if (strcmp(end, "ms") == 0) {
        return n;
    }

    if (strcmp(end, "s") == 0 || *end == '\0') {
        return n * 1000;
    }

    if (strcmp(end, "m") == 0) {
        return n * 60000;
    }

    if (strcmp(end, "h") == 0) {
        return n * 3600000;
    }

    if (strcmp(end, "d") == 0) {
        return n * 86400000;
    }

    return -1;
}


/* maintctl/args.c before: seconds, or -1 */

static int64_t
old_ctl(const char *s)
{
    int                  last, u, digits;
    int64_t              n, total;
    const char          *p;
    static const char    units[] = "dhms";
    static const int64_t mult[] = { 86400, 3600, 60, 1 };

    total = 0;
    last = -1;
    p = s;

    if (*p == '\0') {
        return -1;
    }

    while (*p) {
        n = 0;
        digits = 0;

        while (*p >= '0' && *p <= '9') {
            if (++digits > 10) {
                return -1;
            }

            n = n * 10 + (*p++ - '0');
        }

        if (digits == 0 || *p == '\0' || strchr(units, *p) == NULL) {
            return -1;
        }

        u = (int) (strchr(units, *p++) - units);

        if (u <= last) {
            return -1;
        }

        last = u;
        total += n * mult[u];
    }

    if (total <= 0 || total > CENTURY_SEC) {
        return -1;
    }

    return total;
}


/* the new grammar as each side uses it */

static int64_t
new_daemon(const char *s)
{
    int64_t  ms;

    if (maint_parse_duration_ms(s, strlen(s), MAINT_DURATION_BARE_SEC, &ms)
        != 0)
    {
        return -1;
    }

    return ms;
}


/* maintctl's ctl_parse_duration(): whole seconds, 1 s to a century */

static int64_t
new_ctl(const char *s)
{
    int64_t  ms;

    if (maint_parse_duration_ms(s, strlen(s), 0, &ms) != 0
        || ms % 1000 != 0 || ms <= 0 || ms / 1000 > CENTURY_SEC)
    {
        return -1;
    }

    return ms / 1000;
}


typedef struct {
    const char  *in;
    int64_t      ms;            /* -1: refused */
} case_t;


static void
check(const case_t *c, size_t n, int flags)
{
    size_t   i;
    int      rc;
    int64_t  ms;

    for (i = 0; i < n; i++) {
        ms = -12345;
        rc = maint_parse_duration_ms(c[i].in, strlen(c[i].in), flags, &ms);

        if (c[i].ms < 0 ? rc == 0 : (rc != 0 || ms != c[i].ms)) {
            fail_msg("\"%s\" (flags %d): rc %d, %lld ms, want %lld",
                     c[i].in, flags, rc, (long long) ms,
                     (long long) c[i].ms);
        }

        if (rc != 0 && ms != -12345) {
            fail_msg("\"%s\": refused but wrote the result", c[i].in);
        }
    }
}


/* what the daemon's configuration has always accepted, and refused */

static void
test_daemon_grammar(void **state)
{
    static const case_t  v[] = {
        { "500ms", 500 }, { "0ms", 0 }, { "1ms", 1 },
        { "2s", 2000 }, { "30m", 1800000 }, { "1h", 3600000 },
        { "7d", 604800000 }, { "366d", 31622400000LL },
        { "0", 0 }, { "30", 30000 }, { "007s", 7000 },
        { "000000000000000000000000005s", 5000 },

        /* strtoll()'s leniencies, kept */
        { " 5s", 5000 }, { "\t5s", 5000 }, { "\n\v\f\r 1m", 60000 },
        { "+5s", 5000 }, { " +1h", 3600000 },
        { "-0", 0 }, { "-0s", 0 }, { "-00ms", 0 },

        /* refused */
        { "", -1 }, { " ", -1 }, { "+", -1 }, { "-", -1 }, { "ms", -1 },
        { "s", -1 }, { "-5s", -1 }, { "-1", -1 }, { "5 s", -1 },
        { "5s ", -1 }, { "5S", -1 }, { "5MS", -1 }, { "5sec", -1 },
        { "5w", -1 }, { "5y", -1 }, { "1.5s", -1 }, { "0x10", -1 },
        { "+-5", -1 }, { "--5", -1 }, { "+ 5", -1 }, { "5ms5", -1 },
        { "1e3", -1 }, { "5us", -1 }, { "\xc2\xa0" "5s", -1 },

        /* overflow: refused, not wrapped around */
        { "9223372036854775807ms", INT64_MAX },
        { "9223372036854775808ms", -1 },
        { "99999999999999999999", -1 },
        { "9223372036854775807s", -1 },
        { "9223372036854776s", -1 },
        { "9223372036854775s", 9223372036854775000LL },
        { "2305843009213693953s", -1 },    /* 1 s, wrapped, before */
        { "106751991168d", -1 },
        { "106751991167d", 106751991167LL * 86400000 },
    };

    check(v, sizeof(v) / sizeof(v[0]), MAINT_DURATION_BARE_SEC);
}


/* what maintctl has always accepted, and refused (without its range) */

static void
test_ctl_grammar(void **state)
{
    static const case_t  v[] = {
        { "90s", 90000 }, { "20m", 1200000 }, { "2h", 7200000 },
        { "1d", 86400000 }, { "1h30m", 5400000 },
        { "1d2h3m4s", 93784000 }, { "1d4s", 86404000 },
        { "0h30m", 1800000 }, { "1h0m", 3600000 },
        { "9999999999s", 9999999999000LL },

        /* a unit is required: minutes and seconds are both plausible */
        { "90", -1 }, { "0", -1 }, { "1h30", -1 },

        /* units largest first, each once */
        { "30m1h", -1 }, { "1m1m", -1 }, { "1s1m", -1 }, { "1h1h", -1 },
        { "1h30m2h", -1 }, { "1ms1s", -1 },

        /* refused */
        { "", -1 }, { "h", -1 }, { "1h30mm", -1 }, { "1 h", -1 },
        { "1h 30m", -1 }, { "1h30m ", -1 }, { "soon", -1 }, { "1H", -1 },
        { "-1h", -1 }, { "1h-30m", -1 }, { "1h+30m", -1 },

        /* new to maintctl, from the daemon's grammar */
        { "500ms", 500 }, { "1s500ms", 1500 }, { "+1h", 3600000 },
        { " 1h", 3600000 }, { "-0s", 0 },

        /* new to the daemon, from maintctl's */
        { "1m30s", 90000 },
    };

    check(v, sizeof(v) / sizeof(v[0]), 0);
}


/*
 * Every string of up to 5 characters over the grammar's alphabet: where
 * an old parser accepted, the new one gives the same value; where it
 * accepts what neither did, that is one of the documented additions.
 */

static const char  alphabet[] = "019 +-dhms";


static int
digit_runs(const char *s)
{
    int  n;

    for (n = 0; *s; s++) {
        n += (*s >= '0' && *s <= '9') && !(s[1] >= '0' && s[1] <= '9');
    }

    return n;
}

static void
compare(const char *s, size_t *counts)
{
    int64_t  od, oc, nd, nc;

    od = old_daemon(s);
    oc = old_ctl(s);
    nd = new_daemon(s);
    nc = new_ctl(s);

    if (od >= 0 && nd != od) {
        fail_msg("daemon \"%s\": %lld ms before, %lld now", s,
                 (long long) od, (long long) nd);
    }

    if (oc >= 0 && nc != oc) {
        fail_msg("maintctl \"%s\": %lld s before, %lld now", s,
                 (long long) oc, (long long) nc);
    }

    /* maintctl's reading is the daemon's, in seconds */
    if (nc >= 0 && nd != nc * 1000) {
        fail_msg("\"%s\": maintctl %lld s, daemon %lld ms", s,
                 (long long) nc, (long long) nd);
    }

    /* the daemon's additions: maintctl's combinations of units */
    if (od < 0 && nd >= 0 && digit_runs(s) < 2) {
        fail_msg("daemon \"%s\": new, and not a combination", s);
    }

    /* maintctl's: the daemon's "ms", white space and sign before */
    if (oc < 0 && nc >= 0 && strstr(s, "ms") == NULL && s[0] != ' '
        && s[0] != '+' && s[0] != '-')
    {
        fail_msg("maintctl \"%s\": new, and not from the daemon", s);
    }

    counts[0] += od >= 0;
    counts[1] += oc >= 0;
    counts[2] += nd >= 0 && od < 0;
    counts[3] += nc >= 0 && oc < 0;
}


static void
test_exhaustive(void **state)
{
    char    s[6];
    size_t  len, i, k, idx[5], counts[4], n;

    n = sizeof(alphabet) - 1;
    memset(counts, 0, sizeof(counts));

    for (len = 0; len <= 5; len++) {
        memset(idx, 0, sizeof(idx));

        for ( ;; ) {
            for (i = 0; i < len; i++) {
                s[i] = alphabet[idx[i]];
            }

            s[len] = '\0';
            compare(s, counts);

            for (k = 0; k < len && ++idx[k] == n; k++) {
                idx[k] = 0;
            }

            if (k == len) {
                break;
            }
        }
    }

    print_message("accepted: daemon %zu, maintctl %zu; new: %zu, %zu\n",
                  counts[0], counts[1], counts[2], counts[3]);

    /* the loop saw all of both old grammars' short forms */
    assert_true(counts[0] > 100);
    assert_true(counts[1] > 100);
    assert_true(counts[2] > 0);
    assert_true(counts[3] > 0);
}


/* maintctl's range: whole seconds, more than 0, at most a century */

static void
test_ctl_range(void **state)
{
    assert_int_equal(new_ctl("0s"), -1);
    assert_int_equal(new_ctl("0h0m"), -1);
    assert_int_equal(new_ctl("1500ms"), -1);
    assert_int_equal(new_ctl("999ms"), -1);
    assert_int_equal(new_ctl("1000ms"), 1);
    assert_int_equal(new_ctl("36600d"), CENTURY_SEC);
    assert_int_equal(new_ctl("36600d1s"), -1);
    assert_int_equal(new_ctl("9999999999d"), -1);
    assert_int_equal(old_ctl("36600d"), CENTURY_SEC);
    assert_int_equal(old_ctl("36600d1s"), -1);
    assert_int_equal(old_ctl("99999999999s"), -1);
    assert_int_equal(new_ctl("00000000001h"), 3600);
}


/* the length is the input's: no reading past it, no NUL needed */

static void
test_length(void **state)
{
    int64_t  ms;

    assert_int_equal(maint_parse_duration_ms("5s9", 2, 0, &ms), 0);
    assert_int_equal(ms, 5000);
    assert_int_equal(maint_parse_duration_ms("1m", 1, 0, &ms), -1);
    assert_int_equal(maint_parse_duration_ms("5m", 2, 0, &ms), 0);
    assert_int_equal(ms, 300000);
    assert_int_equal(maint_parse_duration_ms("5s\0", 3, 0, &ms), -1);
    assert_int_equal(maint_parse_duration_ms("", 0, 1, &ms), -1);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_daemon_grammar),
        cmocka_unit_test(test_ctl_grammar),
        cmocka_unit_test(test_exhaustive),
        cmocka_unit_test(test_ctl_range),
        cmocka_unit_test(test_length),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
