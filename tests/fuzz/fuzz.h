/*
 * fuzz.h: what every libFuzzer harness in tests/fuzz/ shares: cutting one
 * input into the several strings a parser takes, and a check that stops
 * the run (abort: libFuzzer keeps the input) when a property breaks.
 */

#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
    const char  *p;
    size_t       left;
} fuzz_in_t;


/*
 * The next part of the input, up to a NUL byte (or the end): a NUL is rare
 * in HTTP, so the parts are what the parser really sees and the fuzzer can
 * still grow each one.  The part is copied into a buffer of its own exact
 * size, so reading past its end is an ASan report, not a silent read of
 * the next part.
 */

static inline char *
fuzz_part(fuzz_in_t *in, size_t *len)
{
    char        *out;
    const char  *nul;
    size_t       n;

    nul = memchr(in->p, '\0', in->left);
    n = nul ? (size_t) (nul - in->p) : in->left;

    out = malloc(n ? n : 1);
    if (out == NULL) {
        abort();
    }

    if (n) {
        memcpy(out, in->p, n);
    }

    *len = n;
    in->p += n + (nul != NULL);
    in->left -= n + (nul != NULL);

    return out;
}


#define FUZZ_CHECK(cond)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__,        \
                    __LINE__, #cond);                                        \
            abort();                                                         \
        }                                                                    \
    } while (0)


#endif /* FUZZ_H */
