/*
 * tls.c: the admin API over HTTPS (tls_cert, tls_key, tls_priorities).
 *
 * libmicrohttpd does TLS with GnuTLS.  The certificate chain and the key
 * are read here, with GnuTLS, at -t, at the start and on SIGHUP, and handed
 * to each handshake by a certificate callback: a reload swaps them without
 * a restart, and a handshake after the swap presents the new certificate.
 * Connections opened before a swap may still refer to the credentials they
 * were given, so the replaced ones are freed only once every connection
 * older than the swap has closed (counted through MHD's connection
 * notifications), or at exit.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "config.h"
#include "http/tls.h"


/* a chain longer than this is a mistake, not a chain */
#define ADM_TLS_MAX_CHAIN  8

typedef struct adm_cred_s  adm_cred_t;

struct adm_cred_s {
    gnutls_pcert_st     pcert[ADM_TLS_MAX_CHAIN];
    unsigned            npcert;
    gnutls_privkey_t    key;
    time_t              not_after;
    adm_cred_t         *next;               /* in the retired list */
};


static adm_cred_t  *adm_cred;               /* presented to new handshakes */
static adm_cred_t  *adm_retired;            /* replaced, maybe in use */
static uintptr_t    adm_epoch = 1;          /* bumped by each swap */
static unsigned     adm_open;               /* connections open */
static unsigned     adm_stale;              /* of them, opened before the
                                               last swap */


static void
adm_cred_free(adm_cred_t *c)
{
    unsigned  i;

    if (c == NULL) {
        return;
    }

    for (i = 0; i < c->npcert; i++) {
        gnutls_pcert_deinit(&c->pcert[i]);
    }

    if (c->key) {
        gnutls_privkey_deinit(c->key);
    }

    free(c);
}


static void
adm_retired_free(void)
{
    adm_cred_t  *c, *next;

    for (c = adm_retired; c; c = next) {
        next = c->next;
        adm_cred_free(c);
    }

    adm_retired = NULL;
}


/* the DER of a public key, for comparing a key with a certificate's */

static int
adm_pubkey_der(gnutls_pubkey_t pk, gnutls_datum_t *out)
{
    return gnutls_pubkey_export2(pk, GNUTLS_X509_FMT_DER, out);
}


/* the key is the one the certificate was issued for; errors name both */

static int
adm_cred_match(adm_cred_t *c, const char *cert, const char *key, char *err,
    size_t errlen)
{
    int              rc;
    gnutls_datum_t   a, b;
    gnutls_pubkey_t  pk;

    a.data = NULL;
    b.data = NULL;
    pk = NULL;

    rc = gnutls_pubkey_init(&pk);
    if (rc == 0) {
        rc = gnutls_pubkey_import_privkey(pk, c->key, 0, 0);
    }

    if (rc == 0) {
        rc = adm_pubkey_der(pk, &a);
    }

    if (rc == 0) {
        rc = adm_pubkey_der(c->pcert[0].pubkey, &b);
    }

    if (rc == 0 && (a.size != b.size || memcmp(a.data, b.data, a.size) != 0))
    {
        rc = GNUTLS_E_CERTIFICATE_KEY_MISMATCH;
    }

    gnutls_free(a.data);
    gnutls_free(b.data);

    if (pk) {
        gnutls_pubkey_deinit(pk);
    }

    if (rc < 0) {
        snprintf(err, errlen, "\"tls_key\" %s does not match the "
                 "certificate of \"tls_cert\" %s%s%s", key, cert,
                 rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH ? "" : ": ",
                 rc == GNUTLS_E_CERTIFICATE_KEY_MISMATCH
                 ? "" : gnutls_strerror(rc));
        return -1;
    }

    return 0;
}


/*
 * Reads the PEM chain (the server's certificate first) and the unencrypted
 * PEM key, and checks that the key is the certificate's.  Errors name the
 * setting and the file.
 */

static adm_cred_t *
adm_cred_load(const char *cert, const char *key, char *err, size_t errlen)
{
    int                rc;
    unsigned           n;
    adm_cred_t        *c;
    gnutls_datum_t     data;
    gnutls_x509_crt_t  crt;

    c = calloc(1, sizeof(adm_cred_t));
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }

    data.data = NULL;

    rc = gnutls_load_file(cert, &data);
    if (rc < 0) {
        snprintf(err, errlen, "\"tls_cert\" %s: cannot read the file "
                 "(missing, or not readable by this user)", cert);
        goto failed;
    }

    n = ADM_TLS_MAX_CHAIN;
    rc = gnutls_pcert_list_import_x509_raw(c->pcert, &n, &data,
                                           GNUTLS_X509_FMT_PEM,
                                           GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED);
    gnutls_free(data.data);
    data.data = NULL;

    if (rc < 0 || n == 0) {
        snprintf(err, errlen, "\"tls_cert\" %s: no PEM certificate chain "
                 "(the server's certificate first, then its issuers, at "
                 "most %d): %s", cert, ADM_TLS_MAX_CHAIN,
                 rc < 0 ? gnutls_strerror(rc) : "empty");
        goto failed;
    }

    c->npcert = n;

    rc = gnutls_load_file(key, &data);
    if (rc < 0) {
        snprintf(err, errlen, "\"tls_key\" %s: cannot read the file "
                 "(missing, or not readable by this user)", key);
        goto failed;
    }

    rc = gnutls_privkey_init(&c->key);
    if (rc == 0) {
        rc = gnutls_privkey_import_x509_raw(c->key, &data,
                                            GNUTLS_X509_FMT_PEM, NULL, 0);
    }

    gnutls_memset(data.data, 0, data.size);
    gnutls_free(data.data);
    data.data = NULL;

    if (rc < 0) {
        snprintf(err, errlen, "\"tls_key\" %s: no unencrypted PEM private "
                 "key: %s", key, gnutls_strerror(rc));
        goto failed;
    }

    /* the key must be the one the certificate was issued for */

    if (adm_cred_match(c, cert, key, err, errlen) != 0) {
        goto failed;
    }

    c->not_after = 0;

    if (gnutls_x509_crt_init(&crt) == 0) {
        if (gnutls_x509_crt_import(crt, &c->pcert[0].cert,
                                   GNUTLS_X509_FMT_DER) == 0)
        {
            c->not_after = gnutls_x509_crt_get_expiration_time(crt);
        }

        gnutls_x509_crt_deinit(crt);
    }

    return c;

failed:

    gnutls_free(data.data);
    adm_cred_free(c);

    return NULL;
}


static int
adm_tls_priorities_ok(const char *prio, char *err, size_t errlen)
{
    int                rc;
    const char        *pos;
    gnutls_priority_t  p;

    pos = NULL;
    rc = gnutls_priority_init(&p, prio, &pos);

    if (rc < 0) {
        snprintf(err, errlen, "\"tls_priorities\": not a GnuTLS priority "
                 "string (%s, at \"%.40s\")", gnutls_strerror(rc),
                 pos ? pos : prio);
        return -1;
    }

    gnutls_priority_deinit(p);

    return 0;
}


const char *
adm_tls_priorities(void)
{
    return adm_conf.tls_priorities[0] ? adm_conf.tls_priorities
                                      : ADM_TLS_PRIORITIES;
}


/*
 * -t, the start and a reload: with tls_cert, the build supports it, both
 * files are set, readable and match, and the priorities parse.  On success
 * *out is the credentials (when out is NULL, they are only checked).
 */

static int
adm_tls_prepare(adm_cred_t **out, char *err, size_t errlen)
{
    adm_cred_t  *c;

    if (adm_conf.tls_cert[0] == '\0' && adm_conf.tls_key[0] == '\0') {
        if (adm_conf.tls_priorities[0]) {
            snprintf(err, errlen, "\"tls_priorities\" needs \"tls_cert\" "
                     "and \"tls_key\"");
            return -1;
        }

        return 0;
    }

    if (adm_conf.tls_cert[0] == '\0' || adm_conf.tls_key[0] == '\0') {
        snprintf(err, errlen, "\"%s\" needs \"%s\" (HTTPS takes both)",
                 adm_conf.tls_cert[0] ? "tls_cert" : "tls_key",
                 adm_conf.tls_cert[0] ? "tls_key" : "tls_cert");
        return -1;
    }

    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES
        || MHD_is_feature_supported(MHD_FEATURE_HTTPS_CERT_CALLBACK)
           != MHD_YES)
    {
        snprintf(err, errlen, "\"tls_cert\": this libmicrohttpd was built "
                 "without TLS (GnuTLS); HTTPS is not available");
        return -1;
    }

    if (adm_tls_priorities_ok(adm_tls_priorities(), err, errlen) != 0) {
        return -1;
    }

    c = adm_cred_load(adm_conf.tls_cert, adm_conf.tls_key, err, errlen);
    if (c == NULL) {
        return -1;
    }

    if (out) {
        *out = c;

    } else {
        adm_cred_free(c);
    }

    return 0;
}


int
adm_tls_check(char *err, size_t errlen)
{
    return adm_tls_prepare(NULL, err, errlen);
}


int
adm_tls_init(char *err, size_t errlen)
{
    return adm_tls_prepare(&adm_cred, err, errlen);
}


/* for the logs: the certificate's expiry, or "" without HTTPS */

const char *
adm_tls_not_after(void)
{
    struct tm    tm;
    static char  buf[32];

    buf[0] = '\0';

    if (adm_cred && adm_cred->not_after > 0) {
        gmtime_r(&adm_cred->not_after, &tm);
        strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    }

    return buf;
}


/*
 * A reload: new credentials from the files as adm_conf now names them.
 * Two steps, so that a reload applies nothing unless everything is valid:
 * adm_tls_reload_load() reads and checks, adm_tls_reload_apply() swaps.
 */

void *
adm_tls_reload_load(char *err, size_t errlen)
{
    adm_cred_t  *c;

    c = NULL;

    if (adm_tls_prepare(&c, err, errlen) != 0) {
        return NULL;
    }

    return c;
}


void
adm_tls_reload_apply(void *cred)
{
    adm_cred_t  *c = cred;

    if (c == NULL) {
        return;
    }

    if (adm_cred) {
        adm_cred->next = adm_retired;
        adm_retired = adm_cred;
    }

    adm_cred = c;

    /* every connection open now may hold what was replaced */
    adm_epoch++;
    adm_stale = adm_open;

    if (adm_stale == 0) {
        adm_retired_free();
    }
}


void
adm_tls_reload_discard(void *cred)
{
    adm_cred_free(cred);
}


void
adm_tls_done(void)
{
    adm_retired_free();
    adm_cred_free(adm_cred);
    adm_cred = NULL;
}


/* MHD_OPTION_NOTIFY_CONNECTION: counts connections by the swap they saw */

void
adm_tls_connection(void *cls, struct MHD_Connection *conn, void **ctx,
    enum MHD_ConnectionNotificationCode toe)
{
    uintptr_t  epoch;

    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        *ctx = (void *) adm_epoch;
        adm_open++;
        return;
    }

    epoch = (uintptr_t) *ctx;

    if (adm_open) {
        adm_open--;
    }

    if (epoch != adm_epoch && adm_stale) {
        if (--adm_stale == 0) {
            adm_retired_free();
        }
    }
}


/*
 * MHD_OPTION_HTTPS_CERT_CALLBACK (gnutls_certificate_retrieve_function2):
 * every handshake gets the current chain and key.  They stay owned here.
 */

int
adm_tls_cert_cb(gnutls_session_t session, const gnutls_datum_t *req_ca_dn,
    int nreqs, const gnutls_pk_algorithm_t *pk_algos, int pk_algos_length,
    gnutls_pcert_st **pcert, unsigned int *pcert_length,
    gnutls_privkey_t *privkey)
{
    if (adm_cred == NULL) {
        return -1;
    }

    *pcert = adm_cred->pcert;
    *pcert_length = adm_cred->npcert;
    *privkey = adm_cred->key;

    return 0;
}
