/*
 * maint_core.h: the one type every part of the core shares, a string as
 * a pointer and a length (NGINX's ngx_str_t without NGINX).  Nothing in
 * the core depends on NGINX, so the same code is linked into the module,
 * the admin daemon, maintctl, the C unit tests and the fuzzers.
 *
 * The core, one job a file:
 *   maint_arena     the bump allocator a snapshot lives in
 *   maint_codec     hex and base64 / base64url
 *   maint_hash      SHA-256 and SipHash
 *   maint_time      RFC 3339 and HTTP-date
 *   maint_duration  durations as people write them ("500ms", "1h30m")
 *   maint_names     app, window, key and prefix names; language tags
 *   maint_cidr      networks: parsing and matching
 *   maint_http      query arguments, form fields, percent-decoding
 *   maint_negotiate Accept and Accept-Language
 *   maint_json      the snapshot decoder's typed field readers
 *   maint_window    a window: its type and its decoder
 *   maint_snapshot  the state snapshot: its type and its decoder
 *   maint_path      request paths: canonical form and trust
 *   maint_eval      which window governs a request
 *   maint_decide    the decision for one request, from gathered facts
 *   maint_cookie    Cookie and Set-Cookie headers
 *   maint_session   session ids of a cookie value, and their verdict
 *   maint_bypass    the superadmin bypass cookie, form token, redirect
 *   maint_template  {{placeholder}} templates and escaping
 *   maint_default_page  the built-in pages and their texts
 *   maint_html      where a banner may go into an HTML page
 *   maint_reply     hiredis replies: numbers, ROLE, the Sentinel's answer
 *   maint_tls       TLS to Redis through hiredis_ssl (optional)
 */

#ifndef MAINT_CORE_H
#define MAINT_CORE_H

#include <stddef.h>
#include <string.h>


typedef struct {
    const char  *data;
    size_t       len;
} maint_str_t;


#define maint_str_eq(s, p, n)                                                \
    ((s)->len == (n) && ((n) == 0 || memcmp((s)->data, (p), (n)) == 0))


#endif /* MAINT_CORE_H */
