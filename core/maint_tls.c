/*
 * maint_tls.c: the TLS contexts and connections to Redis (maint_tls.h).
 * Files are read only here, when a context is made: at configuration time
 * (nginx -t, a reload, maint-admind's start), never on a request.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "maint_tls.h"


/* an encrypted key would make OpenSSL prompt on the terminal: refuse it */

static int
maint_tls_no_passphrase(char *buf, int size, int rwflag, void *data)
{
    return 0;
}


/* OpenSSL's reason for the last error, or strerror() for an unreadable file */

static void
maint_tls_file_reason(const char *file, char *reason, size_t len)
{
    FILE          *f;
    unsigned long  e;
    const char    *s;

    f = fopen(file, "r");
    if (f == NULL) {
        snprintf(reason, len, "%s", strerror(errno));
        ERR_clear_error();
        return;
    }

    fclose(f);

    e = ERR_peek_last_error();
    s = e ? ERR_reason_error_string(e) : NULL;
    snprintf(reason, len, "%s", s ? s : "not usable");
    ERR_clear_error();
}


struct ssl_ctx_st *
maint_tls_ctx_create(const char *ca, const char *cert, const char *key,
    maint_tls_fail_e *fail, char *reason, size_t len)
{
    SSL_CTX      *ctx;
    struct stat   st;

    *fail = MAINT_TLS_OK;
    reason[0] = '\0';

    ERR_clear_error();

    ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        *fail = MAINT_TLS_INTERNAL;
        snprintf(reason, len, "SSL_CTX_new() failed");
        return NULL;
    }

    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_default_passwd_cb(ctx, maint_tls_no_passphrase);

    if (ca) {
        /* a directory is read when a certificate is checked: see it now */
        if (stat(ca, &st) != 0 || access(ca, R_OK) != 0) {
            snprintf(reason, len, "%s", strerror(errno));
            *fail = MAINT_TLS_BAD_CA;
            goto failed;
        }

        if (S_ISDIR(st.st_mode)
            ? SSL_CTX_load_verify_dir(ctx, ca) != 1
            : SSL_CTX_load_verify_file(ctx, ca) != 1)
        {
            maint_tls_file_reason(ca, reason, len);
            *fail = MAINT_TLS_BAD_CA;
            goto failed;
        }

        ERR_clear_error();

    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        maint_tls_file_reason("/", reason, len);
        *fail = MAINT_TLS_BAD_CA;
        goto failed;
    }

    if (cert) {
        if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
            maint_tls_file_reason(cert, reason, len);
            *fail = MAINT_TLS_BAD_CERT;
            goto failed;
        }

        if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
            maint_tls_file_reason(key, reason, len);
            *fail = MAINT_TLS_BAD_KEY;
            goto failed;
        }

        if (SSL_CTX_check_private_key(ctx) != 1) {
            snprintf(reason, len, "the key does not match the certificate");
            ERR_clear_error();
            *fail = MAINT_TLS_KEY_MISMATCH;
            goto failed;
        }
    }

    return ctx;

failed:

    SSL_CTX_free(ctx);
    return NULL;
}


void
maint_tls_ctx_free(struct ssl_ctx_st *ctx)
{
    SSL_CTX_free(ctx);
}


struct ssl_st *
maint_tls_new(struct ssl_ctx_st *ctx, const char *name, char *reason,
    size_t len)
{
    SSL            *ssl;
    unsigned char   a[16];

    ERR_clear_error();

    ssl = SSL_new(ctx);
    if (ssl == NULL) {
        snprintf(reason, len, "SSL_new() failed");
        return NULL;
    }

    if (inet_pton(AF_INET, name, a) == 1 || inet_pton(AF_INET6, name, a) == 1)
    {
        /* no SNI for an address (RFC 6066); the certificate's IP names */

        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) != 1) {
            goto failed;
        }

    } else {
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);

        if (SSL_set_tlsext_host_name(ssl, name) != 1
            || SSL_set1_host(ssl, name) != 1)
        {
            goto failed;
        }
    }

    return ssl;

failed:

    snprintf(reason, len, "cannot use the server name \"%s\"", name);
    ERR_clear_error();
    SSL_free(ssl);
    return NULL;
}


void
maint_tls_free(struct ssl_st *ssl)
{
    SSL_free(ssl);
}


int
maint_tls_pending(struct ssl_st *ssl)
{
    return SSL_pending(ssl);
}


int
maint_tls_handshake_done(struct ssl_st *ssl)
{
    return SSL_is_init_finished(ssl);
}


void
maint_tls_clear_errors(void)
{
    ERR_clear_error();
}


const char *
maint_tls_reason(struct ssl_st *ssl, char *buf, size_t len)
{
    long           v;
    unsigned long  e;
    const char    *s;

    v = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;
    e = ERR_peek_last_error();
    ERR_clear_error();

    if (v != X509_V_OK) {
        snprintf(buf, len, "certificate verification failed: %s",
                 X509_verify_cert_error_string(v));
        return buf;
    }

    if (e == 0) {
        return NULL;
    }

    s = ERR_reason_error_string(e);
    snprintf(buf, len, "TLS handshake failed: %s",
             s ? s : "unknown OpenSSL error");

    return buf;
}
