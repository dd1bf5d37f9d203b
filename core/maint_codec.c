/*
 * maint_codec.c: bytes as text and back (maint_codec.h): hex, base64 and
 * base64url, each written once for the whole project.  Decoders are
 * bounded by their input's length and by the output's size and never
 * read past either.
 */

#include <string.h>

#include "maint_codec.h"


static const char  maint_base64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char  maint_b64url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";


void
maint_hex(const unsigned char *in, size_t n, char *out)
{
    size_t  i;
    static const char  hex[] = "0123456789abcdef";

    for (i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }

    out[2 * n] = '\0';
}


int
maint_hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    c |= 0x20;

    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}


int
maint_hex_decode(const char *hex, size_t len, unsigned char *out, size_t n)
{
    int     hi, lo;
    size_t  i;

    if (hex == NULL || len != 2 * n) {
        return -1;
    }

    for (i = 0; i < n; i++) {
        hi = maint_hex_digit(hex[2 * i]);
        lo = maint_hex_digit(hex[2 * i + 1]);

        if (hi < 0 || lo < 0) {
            return -1;
        }

        out[i] = (unsigned char) (hi << 4 | lo);
    }

    return 0;
}


/* the one encoder: base64's or base64url's alphabet, padded or not */

static size_t
maint_b64_encode(const unsigned char *in, size_t len, char *out,
    const char *chars, int pad)
{
    size_t    i, n;
    unsigned  acc, bits;

    n = 0;
    acc = 0;
    bits = 0;

    for (i = 0; i < len; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;

        while (bits >= 6) {
            bits -= 6;
            out[n++] = chars[(acc >> bits) & 63];
        }

        acc &= (1u << bits) - 1;
    }

    if (bits) {
        out[n++] = chars[(acc << (6 - bits)) & 63];
    }

    while (pad && n % 4) {
        out[n++] = '=';
    }

    return n;
}


size_t
maint_base64(const unsigned char *in, size_t len, char *out)
{
    return maint_b64_encode(in, len, out, maint_base64_chars, 1);
}


size_t
maint_b64url(const unsigned char *in, size_t len, char *out)
{
    return maint_b64_encode(in, len, out, maint_b64url_chars, 0);
}


long
maint_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t outlen)
{
    int       v;
    size_t    i, n;
    unsigned  acc, bits;

    acc = 0;
    bits = 0;
    n = 0;

    for (i = 0; i < len; i++) {
        char c = in[i];

        if (c == '=') {
            break;
        }

        if (c >= 'A' && c <= 'Z') {
            v = c - 'A';
        } else if (c >= 'a' && c <= 'z') {
            v = c - 'a' + 26;
        } else if (c >= '0' && c <= '9') {
            v = c - '0' + 52;
        } else if (c == '+' || c == '-') {
            v = 62;
        } else if (c == '/' || c == '_') {
            v = 63;
        } else {
            return -1;
        }

        acc = (acc << 6) | (unsigned) v;
        bits += 6;

        if (bits >= 8) {
            bits -= 8;

            if (n == outlen) {
                return -1;
            }

            out[n++] = (unsigned char) (acc >> bits);
            acc &= (1u << bits) - 1;
        }
    }

    /* only padding may follow */
    for ( /* void */ ; i < len; i++) {
        if (in[i] != '=') {
            return -1;
        }
    }

    return (long) n;
}


long
maint_b64url_decode(const char *in, size_t len, unsigned char *out,
    size_t outlen)
{
    size_t  i;

    for (i = 0; i < len; i++) {
        if (strchr(maint_b64url_chars, in[i]) == NULL || in[i] == '\0') {
            return -1;
        }
    }

    return maint_base64_decode(in, len, out, outlen);
}
