/*
 * maint_http.h: the small text formats of HTTP requests the core reads:
 * query strings and x-www-form-urlencoded bodies (pairs joined by "&"),
 * percent-decoding, and case-insensitive tokens.
 */

#ifndef MAINT_HTTP_H
#define MAINT_HTTP_H

#include <stddef.h>
#include <sys/types.h>


/*
 * The "name=value" pair of a query or a form body that begins at pos:
 * returns where it ends (its "&", or len); *eq is where its "=" is, or
 * that end when it has none.
 */
size_t maint_args_pair(const char *s, size_t len, size_t pos, size_t *eq);

/* the raw value of a query argument, or NULL */
const char *maint_arg(const char *args, size_t len, const char *name,
    size_t name_len, size_t *value_len);

/*
 * x-www-form-urlencoded: the decoded value ("+" a space, "%XX" a byte) of
 * a field into out, NUL-terminated; its length, or -1 when the field is
 * absent, badly encoded or longer than outlen - 1.
 */
long maint_form_field(const char *body, size_t len, const char *name,
    char *out, size_t outlen);

/*
 * One round of percent-decoding; an escape that is not "%" and two hex
 * digits stays as it is.  in may be out; returns the new length.
 */
size_t maint_pct_decode(const char *in, size_t len, char *out);

/*
 * Percent-decodes in place until nothing changes: the length, or -1 when
 * it does not settle within MAINT_DECODE_ROUNDS rounds (nobody encodes a
 * session id, or a cookie's name, five times over).
 */
#define MAINT_DECODE_ROUNDS  4

ssize_t maint_pct_settle(char *s, size_t len);

/* 1 when s, in any letter case, is the lowercase literal lit */
int maint_lower_eq(const char *s, size_t len, const char *lit);


#endif /* MAINT_HTTP_H */
