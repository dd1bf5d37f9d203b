/*
 * maint_path.h: whether the path an app receives is the path the edge
 * judged.  NGINX matches locations and the module judges allowed paths on
 * the normalised, percent-decoded URI, while "proxy_pass" without a URI
 * part forwards the request target as the client wrote it.  Any way the
 * two can differ (dot segments, literal or encoded; encoded slashes;
 * backslashes; ";" parameters; double encoding; empty segments; bytes an
 * app may decode or fold into one of these) lets a request be judged on
 * one path and routed on another.  A path exemption is therefore only
 * granted to a raw path in a canonical form, where they cannot differ.
 */

#ifndef MAINT_PATH_H
#define MAINT_PATH_H

#include <stddef.h>


/* The length of the path of a request target: up to its first "?". */
size_t maint_path_len(const char *target, size_t len);

/*
 * 1 when the raw path (no query) is canonical: it starts with "/";
 * percent-decoding it once yields a path with no "." or ".." segment (nor
 * one of dots and spaces only), no empty segment, no "\", ";", "#", "?",
 * "%" or control byte, and valid UTF-8 (no overlong forms) with no
 * character whose compatibility form holds one of ". / \ ; % ? #"; and
 * no "/", "\", ".", "%", ";", "?" or "#" is percent-encoded.  Decoding
 * it again, or removing dot segments, merging slashes, turning "\" into
 * "/" or cutting ";" parameters, changes nothing.
 */
int maint_path_canonical(const char *raw, size_t len);

/* 1 when the raw path is canonical and decodes once to exactly path. */
int maint_path_decodes_to(const char *raw, size_t raw_len, const char *path,
    size_t path_len);

/*
 * Whether a path exemption may be granted: the judged path is what the
 * app receives.  raw is the request target's path as the client sent it
 * (NULL: the judged path is itself what is sent on).  rewritten: the
 * judged path may not come from raw (a rewrite or an internal redirect
 * changed it): then it is enough that both are canonical.  Otherwise raw
 * must decode to the judged path.
 */
int maint_path_trusted(const char *raw, size_t raw_len, const char *path,
    size_t path_len, int rewritten);


#endif /* MAINT_PATH_H */
