/*
 * maint_reply.h: reading hiredis replies the module and maint-admind both
 * get: integers (INTEGER replies, or numbers Redis keeps as strings), the
 * ROLE reply, and SENTINEL get-master-addr-by-name.  Free of NGINX and of
 * the daemon; no I/O, only the redisReply tree hiredis built.
 */

#ifndef MAINT_REPLY_H
#define MAINT_REPLY_H

#include <stdint.h>
#include <hiredis/hiredis.h>

#include "maint_core.h"


#define MAINT_REPLY_OK          0
#define MAINT_REPLY_UNKNOWN    -1   /* not [host, port]: the name unknown */
#define MAINT_REPLY_BAD_ADDR   -2   /* [host, port], but unusable */


/*
 * An INTEGER reply, or a STRING of 1 to 18 decimal digits (HGET of a
 * counter, TIME's parts): 0 and *v; -1 for anything else (nil, an error,
 * a sign, a fraction, too long to be sure it fits).
 */
int maint_reply_int(const redisReply *rr, int64_t *v);

/* whether a ROLE reply says "master" */
int maint_reply_is_master(const redisReply *rr);

/*
 * SENTINEL get-master-addr-by-name: [host, port], both strings.
 * MAINT_REPLY_OK with host and the port (1 to 65535); MAINT_REPLY_UNKNOWN
 * for any other shape (nil: the name is unknown; an error reply);
 * MAINT_REPLY_BAD_ADDR for an empty host or a port that is not 1 to 65535,
 * with host and *port as far as they were read (*port -1 if not a number).
 * host points into the reply.
 */
int maint_reply_master_addr(const redisReply *rr, maint_str_t *host,
    int *port);


#endif /* MAINT_REPLY_H */
