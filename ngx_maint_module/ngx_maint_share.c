/*
 * ngx_maint_share.c: the workers of one NGINX share their newest state
 * read.  Every read's HMGET reply is published in a small shared zone:
 * when it was sent (CLOCK_MONOTONIC, the same clock in every process of a
 * host), and the version, revocations counter and lease_ms it saw.  A
 * worker whose own lease runs low takes over a newer one from there when
 * that read saw exactly the state it holds (ngx_maint_reader.c), so that
 * a busy NGINX reads about twice per lease, not twice per lease and
 * worker (docs/design.md, "One read for all workers").
 *
 * Nothing here blocks: the slot is a seqlock (a writer that finds another
 * writing gives up, a reader that finds a write under way takes nothing),
 * and the background read is claimed with a compare-and-set that expires.
 */

#include "ngx_maint_share.h"
#include "ngx_maint_current.h"


#define NGX_MAINT_SHARE_ZONE  (8 * ngx_pagesize)


typedef struct {
    ngx_atomic_t            seq;            /* odd: a write is under way */
    ngx_atomic_t            inflight;       /* us the claim lasts; 0: none */
    ngx_atomic_t            generations;    /* configurations loaded */

    /* under seq */
    volatile uint64_t       generation;     /* of the writer's config */
    volatile uint64_t       sent_us;
    volatile uint64_t       lease_us;
    volatile int64_t        version;
    volatile uint64_t       revocations;
} ngx_maint_share_sh_t;


/*
 * One per configuration (in its pool, inherited by its workers): reads
 * are shared only between workers of one configuration, so that a reload
 * that points the module at another Redis or prefix shares nothing with
 * the workers it replaces.
 */

typedef struct {
    ngx_maint_share_sh_t   *sh;
    uint64_t                generation;
} ngx_maint_share_conf_t;


static ngx_int_t ngx_maint_share_init_zone(ngx_shm_zone_t *zone,
    void *data);


static ngx_maint_share_sh_t  *ngx_maint_share;
static uint64_t               ngx_maint_share_gen;
static uint64_t               ngx_maint_share_revocations;
static ngx_atomic_uint_t      ngx_maint_share_claimed;


ngx_int_t
ngx_maint_share_init_conf(ngx_conf_t *cf, ngx_maint_main_conf_t *mcf)
{
    ngx_str_t                name = ngx_string("ngx_maint_share");
    ngx_maint_share_conf_t  *scf;

    scf = ngx_pcalloc(cf->pool, sizeof(ngx_maint_share_conf_t));
    if (scf == NULL) {
        return NGX_ERROR;
    }

    mcf->share_zone = ngx_shared_memory_add(cf, &name, NGX_MAINT_SHARE_ZONE,
                                            NGX_MAINT_ZONE_TAG);
    if (mcf->share_zone == NULL) {
        return NGX_ERROR;
    }

    mcf->share_zone->init = ngx_maint_share_init_zone;
    mcf->share_zone->data = scf;

    return NGX_OK;
}


/* in the master, for every configuration loaded: a new generation */

static ngx_int_t
ngx_maint_share_init_zone(ngx_shm_zone_t *zone, void *data)
{
    ngx_slab_pool_t         *shpool;
    ngx_maint_share_conf_t  *scf, *old;

    scf = zone->data;
    old = data;
    shpool = (ngx_slab_pool_t *) zone->shm.addr;

    if (old) {
        scf->sh = old->sh;

    } else if (zone->shm.exists) {
        scf->sh = shpool->data;

    } else {
        scf->sh = ngx_slab_calloc(shpool, sizeof(ngx_maint_share_sh_t));
        if (scf->sh == NULL) {
            return NGX_ERROR;
        }

        shpool->data = scf->sh;
    }

    scf->generation = ngx_atomic_fetch_add(&scf->sh->generations, 1) + 1;

    return NGX_OK;
}


void
ngx_maint_share_init_worker(ngx_maint_main_conf_t *mcf)
{
    ngx_maint_share_conf_t  *scf;

    scf = mcf->share_zone ? mcf->share_zone->data : NULL;

    ngx_maint_share = scf ? scf->sh : NULL;
    ngx_maint_share_gen = scf ? scf->generation : 0;
    ngx_maint_share_revocations = 0;
    ngx_maint_share_claimed = 0;
}


/*
 * Every HMGET reply of this worker comes here.  It goes in the slot when
 * it was sent later than what is there; a write by another worker under
 * way wins (it is as fresh, give or take a round trip).
 */

void
ngx_maint_share_publish(ngx_uint_t sent_us, int64_t version,
    uint64_t revocations, ngx_uint_t lease_us)
{
    ngx_atomic_uint_t      seq;
    ngx_maint_share_sh_t  *sh = ngx_maint_share;

    /* the counter this worker's cached session verdicts go by */
    ngx_maint_share_revocations = revocations;

    if (sh == NULL) {
        return;
    }

    seq = sh->seq;

    if ((seq & 1)
        || (sh->generation == ngx_maint_share_gen
            && (int64_t) (sent_us - sh->sent_us) <= 0))
    {
        return;
    }

    if (!ngx_atomic_cmp_set(&sh->seq, seq, seq + 1)) {
        return;
    }

    if (sh->generation != ngx_maint_share_gen
        || (int64_t) (sent_us - sh->sent_us) > 0)
    {
        sh->generation = ngx_maint_share_gen;
        sh->sent_us = sent_us;
        sh->lease_us = lease_us;
        sh->version = version;
        sh->revocations = revocations;
    }

    ngx_memory_barrier();

    sh->seq = seq + 2;
}


ngx_int_t
ngx_maint_share_adopt(ngx_uint_t now, ngx_uint_t *until,
    ngx_uint_t *lease_us, ngx_uint_t *sent_us)
{
    int64_t                version;
    uint64_t               sent, lease, revocations, generation;
    ngx_atomic_uint_t      seq;
    ngx_maint_share_sh_t  *sh = ngx_maint_share;

    if (sh == NULL) {
        return NGX_DECLINED;
    }

    seq = sh->seq;

    if (seq & 1) {
        return NGX_DECLINED;
    }

    ngx_memory_barrier();

    generation = sh->generation;
    sent = sh->sent_us;
    lease = sh->lease_us;
    version = sh->version;
    revocations = sh->revocations;

    ngx_memory_barrier();

    if (sh->seq != seq || generation != ngx_maint_share_gen || lease == 0) {
        return NGX_DECLINED;
    }

    /* not newer than this worker's own */

    if (*until && (int64_t) (sent + lease - *until) <= 0) {
        return NGX_DECLINED;
    }

    /*
     * It saw another state (a new version, or sessions revoked): not a
     * read of what this worker holds.
     */

    if (version != ngx_maint_state_version()
        || revocations != ngx_maint_share_revocations)
    {
        return NGX_BUSY;
    }

    /* the same test as for a read of its own (ngx_maint_leased()) */

    if (now >= sent + lease) {
        return NGX_DECLINED;
    }

    *until = sent + lease;
    *lease_us = lease;
    *sent_us = sent;

    return NGX_OK;
}


/*
 * The background read once half a lease is gone: one worker sends it,
 * the others keep their leases meanwhile and take the new one over when
 * it is in.  A claim lasts "timeout" at most, in case its read never ends.
 */

ngx_flag_t
ngx_maint_share_claim(ngx_uint_t now, ngx_msec_t timeout)
{
    ngx_atomic_uint_t      v, until;
    ngx_maint_share_sh_t  *sh = ngx_maint_share;

    if (sh == NULL) {
        return 1;
    }

    v = sh->inflight;

    if (v != 0 && (ngx_atomic_int_t) (v - now) > 0) {
        return 0;
    }

    until = (ngx_atomic_uint_t) (now + timeout * 1000) | 1;

    if (!ngx_atomic_cmp_set(&sh->inflight, v, until)) {
        return 0;
    }

    ngx_maint_share_claimed = until;

    return 1;
}


/* a read of this worker is over: its claim, if it had one, too */

void
ngx_maint_share_release(void)
{
    if (ngx_maint_share_claimed) {
        (void) ngx_atomic_cmp_set(&ngx_maint_share->inflight,
                                  ngx_maint_share_claimed, 0);
        ngx_maint_share_claimed = 0;
    }
}
