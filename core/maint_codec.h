/*
 * maint_codec.h: hex, base64 and base64url: the one implementation of
 * each for the module, the daemon and maintctl.
 */

#ifndef MAINT_CODEC_H
#define MAINT_CODEC_H

#include <stddef.h>


/* n bytes as 2n lowercase hex digits and a NUL: out holds 2n + 1 */
void maint_hex(const unsigned char *in, size_t n, char *out);

/* the value of one hex digit, either case; -1 for any other byte */
int maint_hex_digit(int c);

/*
 * Exactly 2n hex digits (either case, len == 2n) into n bytes; 0, or -1
 * when hex is NULL, of another length or holds a byte that is no digit
 * (out may then be partly written).
 */
int maint_hex_decode(const char *hex, size_t len, unsigned char *out,
    size_t n);

/*
 * Base64 (RFC 4648, section 4: "+" and "/"), padded with "=" to a multiple
 * of 4; returns the length written (no NUL), 4 * ((len + 2) / 3)
 */
size_t maint_base64(const unsigned char *in, size_t len, char *out);

/* base64url without padding; returns the length written (no NUL) */
size_t maint_b64url(const unsigned char *in, size_t len, char *out);

/*
 * Base64 with or without padding; both alphabets are read ("+" and "-",
 * "/" and "_").  Returns the decoded length, or -1 (a byte of neither
 * alphabet, anything but "=" after the first "=", more than outlen).
 */
long maint_base64_decode(const char *in, size_t len, unsigned char *out,
    size_t outlen);

/* base64url without padding, only its own alphabet; as above */
long maint_b64url_decode(const char *in, size_t len, unsigned char *out,
    size_t outlen);


#endif /* MAINT_CODEC_H */
