/*
 * ngx_maint_current.c: the state a worker holds.  A decoded snapshot is
 * refcounted: requests keep a reference for as long as they may use it,
 * so a newer state replaces it at any time.  Parts that cache something
 * with a state (rendered answers, ngx_maint_response.c) register a hook
 * that frees it with the state.  Also the version Redis has that did not
 * decode, so that it is not fetched again.
 */

#include "ngx_maint_current.h"

#include "maint_snapshot.h"


#define NGX_MAINT_RELEASE_HOOKS  2


static ngx_maint_state_t           *ngx_maint_current;
static ngx_maint_state_release_pt   ngx_maint_release_hooks[
                                        NGX_MAINT_RELEASE_HOOKS];
static ngx_uint_t                   ngx_maint_nrelease_hooks;

/* a version Redis has that did not decode: logged, not decoded again */
static int64_t                      ngx_maint_bad_version = -1;

/* states held so far: which one a kept decision was made on */
static ngx_uint_t                   ngx_maint_generation;


/* the state held now, with a reference for the caller; NULL: none yet */

ngx_maint_state_t *
ngx_maint_state_current(void)
{
    ngx_maint_state_t  *st;

    st = ngx_maint_current;

    if (st) {
        st->refs++;
    }

    return st;
}


void
ngx_maint_state_release(ngx_maint_state_t *st)
{
    ngx_uint_t  i;

    if (--st->refs > 0) {
        return;
    }

    for (i = 0; i < ngx_maint_nrelease_hooks; i++) {
        ngx_maint_release_hooks[i](st);
    }

    maint_snapshot_free(st->snap);
    ngx_free(st);
}


ngx_int_t
ngx_maint_state_on_release(ngx_maint_state_release_pt handler)
{
    ngx_uint_t  i;

    for (i = 0; i < ngx_maint_nrelease_hooks; i++) {
        if (ngx_maint_release_hooks[i] == handler) {
            return NGX_OK;
        }
    }

    if (ngx_maint_nrelease_hooks == NGX_MAINT_RELEASE_HOOKS) {
        return NGX_ERROR;
    }

    ngx_maint_release_hooks[ngx_maint_nrelease_hooks++] = handler;

    return NGX_OK;
}


/* the version is held, or known not to decode: nothing to fetch */

ngx_flag_t
ngx_maint_state_known(int64_t version)
{
    return version == ngx_maint_state_version()
           || version == ngx_maint_bad_version;
}


void
ngx_maint_state_refuse(int64_t version)
{
    ngx_maint_bad_version = version;
}


ngx_flag_t
ngx_maint_state_refused(int64_t version)
{
    return version == ngx_maint_bad_version;
}


/* Redis has a newer version than the one held, and it did not decode */

ngx_flag_t
ngx_maint_state_lagging(void)
{
    return ngx_maint_bad_version > 0
           && ngx_maint_state_version() < ngx_maint_bad_version;
}


ngx_flag_t
ngx_maint_state_held(void)
{
    return ngx_maint_current != NULL;
}


/* changes whenever another state is held, or none */

ngx_uint_t
ngx_maint_state_generation(void)
{
    return ngx_maint_generation;
}


int64_t
ngx_maint_state_version(void)
{
    return ngx_maint_current ? ngx_maint_current->version : -1;
}


/*
 * Decodes a snapshot and holds it instead of the one held.  NGX_DECLINED:
 * it is invalid (why in err); NGX_ERROR: out of memory.
 */

ngx_int_t
ngx_maint_state_install(int64_t version, const char *json, size_t len,
    ngx_log_t *log, char *err, size_t errlen)
{
    maint_snapshot_t   *snap;
    ngx_maint_state_t  *st;

    snap = maint_snapshot_parse(json, len, err, errlen);

    if (snap == NULL) {
        return NGX_DECLINED;
    }

    st = ngx_calloc(sizeof(ngx_maint_state_t), log);
    if (st == NULL) {
        maint_snapshot_free(snap);
        return NGX_ERROR;
    }

    snap->version = version;

    st->refs = 1;
    st->snap = snap;
    st->version = version;

    if (ngx_maint_current) {
        ngx_maint_state_release(ngx_maint_current);
    }

    ngx_maint_current = st;
    ngx_maint_generation++;

    ngx_log_error(NGX_LOG_INFO, log, 0,
                  "maint: state version %L loaded, %uz windows",
                  version, snap->nwindows);

    return NGX_OK;
}


/* the worker exits: the state goes once the last request lets it go */

void
ngx_maint_state_drop(void)
{
    if (ngx_maint_current) {
        ngx_maint_state_release(ngx_maint_current);
        ngx_maint_current = NULL;
        ngx_maint_generation++;
    }

    ngx_maint_bad_version = -1;
}
