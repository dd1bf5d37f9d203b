/*
 * unit.h: what every C unit test includes.  The tests link the core
 * (build/libmaint_core.a); no NGINX is involved.
 */

#ifndef UNIT_H
#define UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "maint_core.h"
#include "maint_snapshot.h"

#define S(lit)  lit, sizeof(lit) - 1

static inline int
str_is(const maint_str_t *s, const char *want)
{
    return s->len == strlen(want) && memcmp(s->data, want, s->len) == 0;
}

/* a test's snapshot, decoded; NULL (and why, on stderr) if it is not one */
static inline maint_snapshot_t *
unit_snapshot(const char *json)
{
    char               err[256];
    maint_snapshot_t  *snap;

    snap = maint_snapshot_parse(json, strlen(json), err, sizeof(err));
    if (snap == NULL) {
        fprintf(stderr, "snapshot: %s\n", err);
    }

    return snap;
}

/* a group's fixture: "snap" decoded from json before, freed after */
#define UNIT_SNAPSHOT_FIXTURE(json)                                          \
    static maint_snapshot_t  *snap;                                          \
                                                                             \
    static int                                                               \
    setup(void **state)                                                      \
    {                                                                        \
        snap = unit_snapshot(json);                                          \
        return snap ? 0 : -1;                                                \
    }                                                                        \
                                                                             \
    static int                                                               \
    teardown(void **state)                                                   \
    {                                                                        \
        maint_snapshot_free(snap);                                           \
        return 0;                                                            \
    }

#endif
