/*
 * probe.h: custom prechecks run (outbound/probe.c): the configured checks
 * for a window's apps, as transfers of the daemon's one libcurl multi
 * handle, so that nothing waits for them; their results are handed to the
 * function the caller registered.
 */

#ifndef ADM_OUTBOUND_PROBE_H
#define ADM_OUTBOUND_PROBE_H

#include <stddef.h>
#include <jansson.h>


/* the results, an array in the configured order: the callee's to keep */
typedef void (*adm_probe_done_pt)(void *data, json_t *results);

/* whether a check is configured now for these apps (a window's "apps") */
int adm_probe_applies(json_t *apps);

/*
 * Starts the checks for these apps as configured now: 1, done() called
 * later by adm_probe_run() (never from here); 0 when no check is for
 * these apps, -1 when they could not be started (out of memory, or
 * after adm_probe_stop()); done() is not called then.
 */
int adm_probe_start(json_t *apps, adm_probe_done_pt done, void *data);

/* the loop's turn, after adm_multi_run(): finished runs handed over;
   how many */
size_t adm_probe_run(void);

/* runs in progress */
size_t adm_probe_active(void);

/* every run in progress ended now, the checks not finished failed as such
   ("the daemon is stopping"), each run's done() called; no transfer is
   started from now on */
void adm_probe_stop(void);


#endif /* ADM_OUTBOUND_PROBE_H */
