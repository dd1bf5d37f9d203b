/*
 * ngx_maint_signin_limit.c: maint_signin_limit: the sign-in attempts an
 * address may make, counted in a zone the workers share.
 */

#include "ngx_maint_conf.h"
#include "ngx_maint_signin_limit.h"


#define NGX_MAINT_SIGNIN_ZONE      (1024 * 1024)
#define NGX_MAINT_LIMIT_UNIT       60000    /* an attempt, in 1/min units */


typedef struct {
    ngx_str_node_t          sn;             /* key: crc32 of the address */
    ngx_queue_t             queue;          /* most recent first */
    ngx_msec_t              last;
    uint64_t                excess;         /* attempts x 60000, leaking */
    u_char                  addr[16];
} ngx_maint_limit_node_t;


typedef struct {
    ngx_rbtree_t            rbtree;
    ngx_rbtree_node_t       sentinel;
    ngx_queue_t             queue;
} ngx_maint_limit_sh_t;


static ngx_int_t ngx_maint_signin_init_zone(ngx_shm_zone_t *zone,
    void *data);


ngx_int_t
ngx_maint_signin_limit_init(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf)
{
    ngx_str_t  name = ngx_string("ngx_maint_signin");

    if (mcf->signin_limit == 0) {
        return NGX_OK;
    }

    mcf->signin_zone = ngx_shared_memory_add(cf, &name,
                                             NGX_MAINT_SIGNIN_ZONE,
                                             NGX_MAINT_ZONE_TAG);
    if (mcf->signin_zone == NULL) {
        return NGX_ERROR;
    }

    mcf->signin_zone->init = ngx_maint_signin_init_zone;

    return NGX_OK;
}


static ngx_int_t
ngx_maint_signin_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_slab_pool_t       *shpool;
    ngx_maint_limit_sh_t  *sh;

    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (data) {
        /* a reload: the counts go on */
        zone->data = data;
        return NGX_OK;
    }

    if (zone->shm.exists) {
        zone->data = shpool->data;
        return NGX_OK;
    }

    sh = ngx_slab_alloc(shpool, sizeof(ngx_maint_limit_sh_t));
    if (sh == NULL) {
        return NGX_ERROR;
    }

    ngx_rbtree_init(&sh->rbtree, &sh->sentinel, ngx_str_rbtree_insert_value);
    ngx_queue_init(&sh->queue);

    shpool->data = sh;
    zone->data = sh;

    shpool->log_nomem = 0;

    return NGX_OK;
}


/*
 * The attempts an address may make: maint_signin_limit a minute, with as
 * many at once.  A leaky bucket in the shared zone, one node per address;
 * the least recently used make room when the zone is full.  Returns 0 when
 * the attempt may go on, else the ms until one may.
 */

ngx_msec_t
ngx_maint_signin_limited(ngx_http_request_t *r)
{
    u_char                  *addr;
    size_t                   len;
    uint32_t                 hash;
    uint64_t                 excess, leak, burst;
    ngx_str_t                key;
    ngx_msec_t               now, wait;
    ngx_uint_t               i;
    ngx_msec_int_t           elapsed;
    ngx_queue_t             *q;
    ngx_slab_pool_t         *shpool;
    struct sockaddr         *sa;
    ngx_maint_limit_sh_t    *sh;
    ngx_maint_limit_node_t  *node;
    ngx_maint_main_conf_t   *mcf;

    mcf = ngx_maint_get_main_conf(r);
    sa = r->connection->sockaddr;

    switch (sa->sa_family) {

    case AF_INET:
        addr = (u_char *) &((struct sockaddr_in *) sa)->sin_addr;
        len = 4;
        break;

#if (NGX_HAVE_INET6)
    case AF_INET6:
        addr = ((struct sockaddr_in6 *) sa)->sin6_addr.s6_addr;
        len = 16;
        break;
#endif

    default:
        /* a unix socket: every client is the same one */
        addr = (u_char *) "unix";
        len = 4;
    }

    key.data = addr;
    key.len = len;
    hash = ngx_crc32_short(addr, len);

    shpool = (ngx_slab_pool_t *) mcf->signin_zone->shm.addr;
    sh = mcf->signin_zone->data;

    now = ngx_current_msec;
    burst = (uint64_t) mcf->signin_limit * NGX_MAINT_LIMIT_UNIT;
    wait = 0;

    ngx_shmtx_lock(&shpool->mutex);

    node = (ngx_maint_limit_node_t *) ngx_str_rbtree_lookup(&sh->rbtree,
                                                           &key, hash);

    if (node) {
        /* another worker's clock may be a little behind this one's */
        elapsed = (ngx_msec_int_t) (now - node->last);
        leak = elapsed > 0 ? (uint64_t) elapsed * mcf->signin_limit : 0;
        excess = node->excess > leak ? node->excess - leak : 0;
        excess += NGX_MAINT_LIMIT_UNIT;

        if (excess > burst) {
            wait = (excess - burst + mcf->signin_limit - 1)
                   / mcf->signin_limit;

        } else {
            node->excess = excess;
            node->last = now;
            ngx_queue_remove(&node->queue);
            ngx_queue_insert_head(&sh->queue, &node->queue);
        }

        ngx_shmtx_unlock(&shpool->mutex);
        return wait;
    }

    for (i = 0; i < 3; i++) {
        node = ngx_slab_alloc_locked(shpool, sizeof(ngx_maint_limit_node_t));

        if (node || ngx_queue_empty(&sh->queue)) {
            break;
        }

        /* full: the address seen longest ago makes room */

        q = ngx_queue_last(&sh->queue);
        ngx_queue_remove(q);
        node = ngx_queue_data(q, ngx_maint_limit_node_t, queue);
        ngx_rbtree_delete(&sh->rbtree, &node->sn.node);
        ngx_slab_free_locked(shpool, node);
        node = NULL;
    }

    if (node) {
        ngx_memcpy(node->addr, addr, len);
        node->sn.str.data = node->addr;
        node->sn.str.len = len;
        node->sn.node.key = hash;
        node->last = now;
        node->excess = NGX_MAINT_LIMIT_UNIT;

        ngx_rbtree_insert(&sh->rbtree, &node->sn.node);
        ngx_queue_insert_head(&sh->queue, &node->queue);
    }

    ngx_shmtx_unlock(&shpool->mutex);

    return 0;
}