/*
 * maint_names.h: validators of the names that reach the core from its
 * writers: app names and window ids, bypass key and credential ids,
 * Redis key prefixes, and language tags.
 */

#ifndef MAINT_NAMES_H
#define MAINT_NAMES_H

#include <stddef.h>


#define MAINT_MAX_NAME_LEN  64

/* the bytes besides A-Z a-z 0-9 that each kind of name may hold */
#define MAINT_NAME_CHARS    "._-"       /* apps, window ids, superadmins */
#define MAINT_PREFIX_CHARS  "._-:"      /* what Redis keys are made of */
#define MAINT_KID_CHARS     "_-"        /* bypass key and credential ids */

/*
 * 1 to max bytes of A-Z a-z 0-9 and the bytes of extra (one of the sets
 * above); 1 when s is such a name.  A NUL byte is never one.
 */
int maint_valid_ident(const char *s, size_t len, size_t max,
    const char *extra);

/* App names and window ids: 1 to 64 of A-Z a-z 0-9 . _ - */
int maint_valid_name(const char *s, size_t len);

/*
 * Language tags of window translations: a primary subtag of 2 to 8
 * letters, then subtags of 1 to 8 letters and digits, joined by "-"; at
 * most MAINT_MAX_LANG_LEN bytes ("fr", "fr-CA", "zh-Hant-TW").
 */
#define MAINT_MAX_LANG_LEN  35

int maint_valid_lang(const char *s, size_t len);


#endif /* MAINT_NAMES_H */
