/*
 * buf.h: memory that cannot fail (maintctl exits when it runs out) and
 * strings that grow, for URLs, headers and messages.
 */

#ifndef CTL_BUF_H
#define CTL_BUF_H

#include <stddef.h>


typedef struct {
    char        *data;
    size_t       len;
    size_t       cap;
} ctl_buf_t;


void *ctl_alloc(size_t size);
void *ctl_realloc(void *p, size_t size);
char *ctl_strdup(const char *s);

void ctl_buf_add(ctl_buf_t *b, const char *s, size_t len);
void ctl_buf_str(ctl_buf_t *b, const char *s);
void ctl_buf_escaped(ctl_buf_t *b, const char *s);
void ctl_buf_query(ctl_buf_t *b, const char *name, const char *value);


#endif /* CTL_BUF_H */
