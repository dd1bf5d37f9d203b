/*
 * admin.h: what the resources, the model and the storage of maint-admind
 * share.  The layers, each file with a header of its own where others use
 * it; a layer calls only the ones below it (HTTP -> resources -> write
 * engine -> store, model):
 *
 *   main.c       startup, subcommands, the main loop, shutdown (no header)
 *   config.c     configuration file and flags (config.h)
 *   log.c        structured logs, JSON lines (log.h)
 *   metrics.c    counters for /metrics, by enum (metrics.h)
 *   ticker.c     automatic starts and ends, recorded once a second
 *
 *   http/http.c      the thin HTTP layer on libmicrohttpd: requests,
 *                    routing, authentication, JSON and problem+json answers
 *   http/query.c     query parameters and headers; the 400 naming one
 *   http/routes.def  the route table (also checked against openapi.json)
 *   http/auth.c      bearer tokens, hashed, compared in constant time;
 *                    what a route lets each role (admin, viewer, feed) do
 *   http/routes.c    the route table's handlers, given to the HTTP layer
 *   http/service.c   /healthz, /metrics, /openapi.json
 *   http/web.c       the admin page's static files ("/", "/ui/...")
 *   http/tls.c       HTTPS: the certificate and key, reloaded on SIGHUP
 *
 *   resources/windows.c      /v1/windows resource
 *   resources/sessions.c     /v1/sessions resource
 *   resources/superadmins.c  /v1/superadmins and /v1/bypass-keys resources
 *   resources/settings.c     /v1/settings resource
 *   resources/audit.c        /v1/audit resource
 *   resources/status.c       /v1/status: what an edge decides now
 *   resources/calendar.c     /v1/calendar.ics: the windows as iCalendar
 *   resources/gateways.c     /v1/gateways, from the gateways' heartbeats
 *   resources/prechecks.c    the dry-run prechecks
 *   resources/change.c       the writes requests ask for: run by the
 *                            engine, answered; rejected attempts, If-Match
 *   resources/write.c        the write engine: compute from a fresh view,
 *                            check, commit, retry; no HTTP (the ticker's too)
 *   resources/ending.c       what a change does to sessions: "end all"
 *                            cutoffs, a finished window's terminate_sessions
 *
 *   model/window.c    the window model: validation, lifecycle, overlaps
 *   model/times.c     times in records and the API (RFC 3339, "now")
 *   model/snapshot.c  the snapshot the gateways read, built from windows
 *   model/settings.c  the settings' defaults
 *   model/bodies.c    what the other request bodies may hold (settings,
 *                     superadmins, sessions, /complete and /cancel)
 *   model/ical.c      an RFC 5545 writer: lines, escaping, folding, UTC
 *   model/window_ical.c  a window as an iCalendar event
 *   model/webhook_sign.c  the Standard Webhooks signature: whsec_ secrets,
 *                     v1 HMAC-SHA256, a receiver's check, msg_ ids
 *
 *   store/store.c     the return convention (adm_rc_e), key names, the one
 *                     connection (Sentinel, TLS, failover), commands
 *   store/commit.c    every change, as one script (store/commit.lua)
 *   store/reads.c     the daemon's own keys: view, windows, audit, snapshot
 *   store/registry.c  what gateways write: heartbeats, session registry
 */

#ifndef ADMIN_H
#define ADMIN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <hiredis/hiredis.h>

#include "maint_core.h"


/* the request of the HTTP layer (http/http.h), which handlers are given */
typedef struct adm_req_s  adm_req_t;

/* lists: page sizes, and how many ids a filtered list reads at a time */
#define ADM_PAGE_DEFAULT     50
#define ADM_PAGE_MAX         500
#define ADM_SCAN_BATCH       200


#endif /* ADMIN_H */
