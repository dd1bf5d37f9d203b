/*
 * maint_cidr.h: an IPv4 or IPv6 network, and whether an address is in it.
 */

#ifndef MAINT_CIDR_H
#define MAINT_CIDR_H

#include <stddef.h>


typedef struct {
    int             family;         /* AF_INET or AF_INET6 */
    unsigned char   addr[16];
    unsigned char   mask[16];
} maint_cidr_t;


/* "10.0.0.0/8", "2001:db8::/32", "192.0.2.7"; returns 0 on success. */
int maint_cidr_parse(const char *s, size_t len, maint_cidr_t *out);

/* 1 when addr (4 or 16 bytes, as family says) is in the network */
int maint_cidr_match(const maint_cidr_t *c, int family,
    const unsigned char *addr);


#endif /* MAINT_CIDR_H */
