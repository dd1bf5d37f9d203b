/*
 * maint_http.c: query arguments, form fields, percent-decoding and
 * case-insensitive tokens (maint_http.h).  Everything is bounded by the
 * length given; nothing assumes NUL termination of the input.
 */

#include <string.h>
#include <sys/types.h>

#include "maint_codec.h"
#include "maint_http.h"


size_t
maint_args_pair(const char *s, size_t len, size_t pos, size_t *eq)
{
    size_t  end;

    end = pos;
    while (end < len && s[end] != '&') {
        end++;
    }

    *eq = pos;
    while (*eq < end && s[*eq] != '=') {
        (*eq)++;
    }

    return end;
}


const char *
maint_arg(const char *args, size_t len, const char *name, size_t name_len,
    size_t *value_len)
{
    size_t  pos, end, eq;

    for (pos = 0; pos < len; pos = end + 1) {
        end = maint_args_pair(args, len, pos, &eq);

        if (eq - pos == name_len && memcmp(args + pos, name, name_len) == 0) {
            *value_len = eq < end ? end - eq - 1 : 0;
            return eq < end ? args + eq + 1 : args + end;
        }
    }

    return NULL;
}


long
maint_form_field(const char *body, size_t len, const char *name, char *out,
    size_t outlen)
{
    size_t  pos, end, eq, i, o, nlen;
    int     hi, lo;

    nlen = strlen(name);

    for (pos = 0; pos < len; pos = end + 1) {
        end = maint_args_pair(body, len, pos, &eq);

        if (eq - pos != nlen || memcmp(body + pos, name, nlen) != 0) {
            continue;
        }

        o = 0;

        for (i = eq + 1; i < end; i++) {
            char c = body[i];

            if (o + 1 >= outlen) {
                return -1;
            }

            if (c == '+') {
                c = ' ';

            } else if (c == '%') {
                if (i + 2 >= end
                    || (hi = maint_hex_digit(body[i + 1])) < 0
                    || (lo = maint_hex_digit(body[i + 2])) < 0)
                {
                    return -1;
                }

                c = (char) (hi << 4 | lo);
                i += 2;
            }

            out[o++] = c;
        }

        out[o] = '\0';

        return (long) o;
    }

    return -1;
}


size_t
maint_pct_decode(const char *in, size_t len, char *out)
{
    int     hi, lo;
    size_t  i, o;

    for (i = 0, o = 0; i < len; i++) {
        if (in[i] == '%' && i + 2 < len
            && (hi = maint_hex_digit((unsigned char) in[i + 1])) >= 0
            && (lo = maint_hex_digit((unsigned char) in[i + 2])) >= 0)
        {
            out[o++] = (char) (hi << 4 | lo);
            i += 2;
            continue;
        }

        out[o++] = in[i];
    }

    return o;
}


ssize_t
maint_pct_settle(char *s, size_t len)
{
    int     round;
    size_t  l;

    for (round = 0; ; round++) {
        l = maint_pct_decode(s, len, s);

        if (l == len) {
            return (ssize_t) len;
        }

        if (round == MAINT_DECODE_ROUNDS) {
            return -1;
        }

        len = l;
    }
}


int
maint_lower_eq(const char *s, size_t len, const char *lit)
{
    size_t  i;

    if (len != strlen(lit)) {
        return 0;
    }

    for (i = 0; i < len; i++) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z') {
            c = (char) (c - 'A' + 'a');
        }

        if (c != lit[i]) {
            return 0;
        }
    }

    return 1;
}
