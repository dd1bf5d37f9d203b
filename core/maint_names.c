/*
 * maint_names.c: the names the core accepts from its writers (maint_names.h):
 * app names, window ids, key and credential ids, Redis key prefixes and
 * language tags, each a fixed alphabet and length checked byte by byte.
 */

#include <string.h>

#include "maint_names.h"


int
maint_valid_ident(const char *s, size_t len, size_t max, const char *extra)
{
    char    c;
    size_t  i;

    if (len == 0 || len > max) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        c = s[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || (c != '\0' && strchr(extra, c) != NULL)))
        {
            return 0;
        }
    }

    return 1;
}


int
maint_valid_name(const char *s, size_t len)
{
    return maint_valid_ident(s, len, MAINT_MAX_NAME_LEN, MAINT_NAME_CHARS);
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
