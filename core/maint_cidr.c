/*
 * maint_cidr.c: networks as the snapshot names them ("10.0.0.0/8",
 * "2001:db8::/32", a single address) and the match of a client address
 * against one (maint_cidr.h).  Addresses are parsed by inet_pton only.
 */

#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "maint_cidr.h"


int
maint_cidr_parse(const char *s, size_t len, maint_cidr_t *out)
{
    char           buf[64];
    long           bits;
    size_t         alen, i, max;
    const char    *slash;
    char          *end;

    memset(out, 0, sizeof(maint_cidr_t));

    if (len == 0 || len >= sizeof(buf)) {
        return -1;
    }

    slash = memchr(s, '/', len);
    alen = slash ? (size_t) (slash - s) : len;

    memcpy(buf, s, alen);
    buf[alen] = '\0';

    if (inet_pton(AF_INET, buf, out->addr) == 1) {
        out->family = AF_INET;
        max = 32;

    } else if (inet_pton(AF_INET6, buf, out->addr) == 1) {
        out->family = AF_INET6;
        max = 128;

    } else {
        return -1;
    }

    bits = (long) max;

    if (slash) {
        size_t blen = len - alen - 1;

        if (blen == 0 || blen > 3) {
            return -1;
        }

        memcpy(buf, slash + 1, blen);
        buf[blen] = '\0';

        for (i = 0; i < blen; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                return -1;
            }
        }

        bits = strtol(buf, &end, 10);

        if (bits < 0 || bits > (long) max) {
            return -1;
        }
    }

    for (i = 0; i < max / 8; i++) {
        if (bits >= 8) {
            out->mask[i] = 0xff;
            bits -= 8;

        } else {
            out->mask[i] = (unsigned char) (0xff << (8 - bits));
            bits = 0;
        }

        out->addr[i] &= out->mask[i];
    }

    return 0;
}


int
maint_cidr_match(const maint_cidr_t *c, int family, const unsigned char *addr)
{
    size_t  i, n;

    if (c->family != family) {
        return 0;
    }

    n = family == AF_INET ? 4 : 16;

    for (i = 0; i < n; i++) {
        if ((addr[i] & c->mask[i]) != c->addr[i]) {
            return 0;
        }
    }

    return 1;
}
