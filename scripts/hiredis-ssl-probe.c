/*
 * The Makefile's probe for TLS to Redis: compiles and links only with
 * hiredis 1.0 or newer and its hiredis_ssl library (the NGINX addon
 * "config" script makes the same check with NGINX's auto/feature).
 */

#include <hiredis/hiredis.h>
#include <hiredis/hiredis_ssl.h>

#if (HIREDIS_MAJOR < 1)
#error hiredis 0.x has no TLS
#endif

int
main(void)
{
    return redisInitOpenSSL() == REDIS_OK ? 0 : 1;
}
