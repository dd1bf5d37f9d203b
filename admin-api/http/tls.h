/*
 * tls.h: the admin API over HTTPS.
 *
 *   tls.c        the certificate chain and key, read at -t, the start and
 *                each SIGHUP, handed to every handshake by a callback
 */

#ifndef ADM_TLS_H
#define ADM_TLS_H

#include <stddef.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <microhttpd.h>


/*
 * TLS 1.2 and 1.3 only; forward-secret key exchange, AEAD ciphers: what
 * every current browser, curl and libcurl speak (docs/admin-api.md).
 */
#define ADM_TLS_PRIORITIES                                                   \
    "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:-CIPHER-ALL:+AES-256-GCM:"   \
    "+AES-128-GCM:+CHACHA20-POLY1305:-MAC-ALL:+AEAD:-KX-ALL:+ECDHE-ECDSA:"   \
    "+ECDHE-RSA"

int adm_tls_check(char *err, size_t errlen);
int adm_tls_init(char *err, size_t errlen);
const char *adm_tls_priorities(void);
const char *adm_tls_not_after(void);
void *adm_tls_reload_load(char *err, size_t errlen);
void adm_tls_reload_apply(void *cred);
void adm_tls_reload_discard(void *cred);
void adm_tls_done(void);

/* MHD_OPTION_NOTIFY_CONNECTION, MHD_OPTION_HTTPS_CERT_CALLBACK */
void adm_tls_connection(void *cls, struct MHD_Connection *conn, void **ctx,
    enum MHD_ConnectionNotificationCode toe);
int adm_tls_cert_cb(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
    int nreqs, const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
    gnutls_pcert_st **pcert, unsigned int *pcert_length,
    gnutls_privkey_t *privkey);


#endif /* ADM_TLS_H */
