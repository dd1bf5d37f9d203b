/*
 * maint_tls.h: TLS to Redis, shared by the module and maint-admind.  Free
 * of NGINX and of the admin daemon; built only when hiredis >= 1.0 with
 * hiredis_ssl is present (the addon "config" script and the Makefile
 * probe for it).  The OpenSSL types are forward-declared, as hiredis_ssl.h
 * does, so this header is harmless in a build without TLS.
 *
 * hiredis's own redisCreateSSLContext() sets SNI but never checks that the
 * certificate names the server; the context and the per-connection SSL
 * objects are therefore made here, with the name checked, and handed to
 * hiredis with redisInitiateSSL().
 */

#ifndef MAINT_TLS_H
#define MAINT_TLS_H

#include <stddef.h>


struct ssl_ctx_st;
struct ssl_st;


/* which file maint_tls_ctx_create() failed on */
typedef enum {
    MAINT_TLS_OK = 0,
    MAINT_TLS_BAD_CA,
    MAINT_TLS_BAD_CERT,
    MAINT_TLS_BAD_KEY,
    MAINT_TLS_KEY_MISMATCH,     /* cert and key both load, do not match */
    MAINT_TLS_INTERNAL
} maint_tls_fail_e;


/*
 * The refusal when the build has no TLS: the caller puts the parameter's
 * name first and its own name in the middle ("this module", "this
 * maint-admind"); the hiredis version is the one the build compiled with.
 */
#define MAINT_TLS_UNAVAILABLE                                                \
    "needs hiredis 1.0 or newer built with TLS (hiredis_ssl); this %s was "  \
    "built against hiredis %d.%d.%d%s"

#define MAINT_TLS_UNAVAILABLE_ARGS(what)                                     \
    what, HIREDIS_MAJOR, HIREDIS_MINOR, HIREDIS_PATCH,                       \
    HIREDIS_MAJOR >= 1 ? " without hiredis_ssl" : ""


/*
 * A client context: TLS 1.2 or newer, the peer verified against ca (a PEM
 * file, or a directory hashed by `openssl rehash`; NULL: the system's
 * default store), cert and key (PEM, both or neither; an encrypted key is
 * refused, never prompted for).  NULL on failure, with *fail saying which
 * file and reason the cause (OpenSSL's words or strerror()).
 */
struct ssl_ctx_st *maint_tls_ctx_create(const char *ca, const char *cert,
    const char *key, maint_tls_fail_e *fail, char *reason, size_t len);

void maint_tls_ctx_free(struct ssl_ctx_st *ctx);

/*
 * One connection's SSL object: name is sent as SNI and checked against
 * the certificate's DNS names, or, for a numeric address, its IP
 * addresses.  NULL with reason set on failure.
 */
struct ssl_st *maint_tls_new(struct ssl_ctx_st *ctx, const char *name,
    char *reason, size_t len);

void maint_tls_free(struct ssl_st *ssl);

/* bytes decrypted and not yet read: the socket may be empty meanwhile */
int maint_tls_pending(struct ssl_st *ssl);

/* the handshake is over (it may have failed) */
int maint_tls_handshake_done(struct ssl_st *ssl);

/* empties this thread's OpenSSL error queue */
void maint_tls_clear_errors(void);

/*
 * Why a TLS connection failed, for a log line: the certificate check's
 * result if it failed ("certificate verification failed: hostname
 * mismatch"), else the last OpenSSL error ("TLS: tlsv13 alert certificate
 * required"), else NULL (not a TLS failure: the caller has its own
 * words).  Empties the error queue.
 */
const char *maint_tls_reason(struct ssl_st *ssl, char *buf, size_t len);

#endif /* MAINT_TLS_H */
