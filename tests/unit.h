/*
 * unit.h: what every C unit test includes.  The tests link the pure-logic
 * sources of core/ directly; no NGINX is involved.
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

#define S(lit)  lit, sizeof(lit) - 1

static inline int
str_is(const maint_str_t *s, const char *want)
{
    return s->len == strlen(want) && memcmp(s->data, want, s->len) == 0;
}

#endif
