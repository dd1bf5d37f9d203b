/*
 * buf.c: memory that cannot fail and strings that grow (buf.h).  Running
 * out of memory ends maintctl with the "unavailable" exit code: a command
 * line tool has nothing better to do, and its callers need no NULL checks.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maintctl.h"
#include "buf.h"


static void
ctl_out_of_memory(void)
{
    fputs("maintctl: out of memory\n", stderr);
    exit(CTL_EXIT_UNAVAILABLE);
}


void *
ctl_alloc(size_t size)
{
    void  *p;

    p = malloc(size ? size : 1);

    if (p == NULL) {
        ctl_out_of_memory();
    }

    return p;
}


void *
ctl_realloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);

    if (p == NULL) {
        ctl_out_of_memory();
    }

    return p;
}


char *
ctl_strdup(const char *s)
{
    size_t  len;
    char   *p;

    len = strlen(s) + 1;
    p = ctl_alloc(len);
    memcpy(p, s, len);

    return p;
}


void
ctl_buf_add(ctl_buf_t *b, const char *s, size_t len)
{
    size_t  cap;

    if (b->len + len + 1 > b->cap) {
        cap = b->cap ? b->cap : 256;

        while (cap < b->len + len + 1) {
            cap *= 2;
        }

        b->data = ctl_realloc(b->data, cap);
        b->cap = cap;
    }

    memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}


void
ctl_buf_str(ctl_buf_t *b, const char *s)
{
    ctl_buf_add(b, s, strlen(s));
}


/* percent-encodes everything but RFC 3986's unreserved characters */

void
ctl_buf_escaped(ctl_buf_t *b, const char *s)
{
    char                 enc[3];
    unsigned char        c;
    static const char    hex[] = "0123456789ABCDEF";

    for ( /* void */ ; *s; s++) {
        c = (unsigned char) *s;

        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            ctl_buf_add(b, s, 1);
            continue;
        }

        enc[0] = '%';
        enc[1] = hex[c >> 4];
        enc[2] = hex[c & 15];
        ctl_buf_add(b, enc, 3);
    }
}


/* appends "?name=value" or "&name=value"; NULL values are left out */

void
ctl_buf_query(ctl_buf_t *b, const char *name, const char *value)
{
    if (value == NULL) {
        return;
    }

    ctl_buf_str(b, (b->data && strchr(b->data, '?')) ? "&" : "?");
    ctl_buf_str(b, name);
    ctl_buf_str(b, "=");
    ctl_buf_escaped(b, value);
}
