/*
 * maint_redis_reply.h: hiredis reply objects without an allocation per
 * object: every object of one reply in one block of memory, the block
 * kept for the next reply (maint_redis_reply.c).
 */

#ifndef MAINT_REDIS_REPLY_H
#define MAINT_REDIS_REPLY_H

#include <hiredis/hiredis.h>


/* the reader makes its replies here (one thread per process) */
void maint_redis_reply_use(redisReader *r);

/* the kept block freed, once the readers are */
void maint_redis_reply_release(void);


#endif /* MAINT_REDIS_REPLY_H */
