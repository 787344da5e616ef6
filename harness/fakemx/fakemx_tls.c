/*
 * fakemx_tls.c - server-side TLS material of the fake MX
 *
 * See fakemx_tls.h.  Default protocol versions and ciphers of OpenSSL are
 * kept on purpose: personas that restrict them will set them per entry.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fakemx_tls.h"

/* fakemx_tls_err_append - append the text of OpenSSL error E to BUF */
void fakemx_tls_err_append(char *buf, size_t len, unsigned long e)
{
    char one[256];
    const char *reason = ERR_reason_error_string(e);
    size_t used = strlen(buf);

    if (reason == 0) {
        ERR_error_string_n(e, one, sizeof(one));
        reason = one;
    }
    if (used + 1 >= len)
        return;
    snprintf(buf + used, len - used, "%s%s", used ? "; " : "", reason);
}

/* fakemx_tls_last_error - text of the OpenSSL error queue, then clear it */
static void fakemx_tls_last_error(char *buf, size_t len)
{
    unsigned long e;

    buf[0] = 0;
    while ((e = ERR_get_error()) != 0)
        fakemx_tls_err_append(buf, len, e);
    if (buf[0] == 0)
        snprintf(buf, len, "unknown error");
}

/* fakemx_tls_sni_cb - remember the server name of the ClientHello */
static int fakemx_tls_sni_cb(SSL *ssl, int *alert, void *arg)
{
    struct fakemx_tls_state *st = SSL_get_app_data(ssl);
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

    (void)alert;
    (void)arg;
    if (st == 0)
        return SSL_TLSEXT_ERR_OK;
    st->seen = 1;
    free(st->sni);
    st->sni = name ? strdup(name) : 0;
    return SSL_TLSEXT_ERR_OK;
}

/* fakemx_tls_fingerprints - hex SHA-256 of the leaf and chain of CRED */
static int fakemx_tls_fingerprints(struct fakemx_tls_cred *cred)
{
    STACK_OF(X509) *chain = 0;
    X509 *x;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen;
    size_t n;

    if ((x = SSL_CTX_get0_certificate(cred->ctx)) == 0)
        return -1;
    SSL_CTX_get0_chain_certs(cred->ctx, &chain);
    n = 1 + (chain ? (size_t)sk_X509_num(chain) : 0);
    if ((cred->chain_sha256 = calloc(n, FAKEMX_SHA256_HEX)) == 0)
        return -1;
    cred->nchain = n;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            x = sk_X509_value(chain, (int)i - 1);
        if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1 || mdlen != 32)
            return -1;
        for (unsigned j = 0; j < mdlen; j++)
            snprintf(cred->chain_sha256[i] + 2 * j, 3, "%02x", md[j]);
    }
    return 0;
}

/* fakemx_tls_read_key - read a PEM private key from PATH */
static EVP_PKEY *fakemx_tls_read_key(const char *path)
{
    EVP_PKEY *pkey;
    FILE *fp;

    if ((fp = fopen(path, "r")) == 0)
        return 0;
    pkey = PEM_read_PrivateKey(fp, 0, 0, 0);
    fclose(fp);
    return pkey;
}

/* fakemx_tls_cred_load - load CERT (PEM, leaf first, then chain) and KEY */
struct fakemx_tls_cred *fakemx_tls_cred_load(const char *cert, const char *key,
                                             char *err, size_t errlen)
{
    struct fakemx_tls_cred *cred;
    EVP_PKEY *pkey = 0;
    char why[512];
    FILE *fp;

    ERR_clear_error();
    if ((fp = fopen(cert, "r")) == 0) {
        snprintf(err, errlen, "cannot open certificate %s: %s", cert,
                 strerror(errno));
        return 0;
    }
    fclose(fp);
    if ((fp = fopen(key, "r")) == 0) {
        snprintf(err, errlen, "cannot open key %s: %s", key, strerror(errno));
        return 0;
    }
    fclose(fp);
    if ((cred = calloc(1, sizeof(*cred))) == 0) {
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    if ((cred->ctx = SSL_CTX_new(TLS_server_method())) == 0) {
        fakemx_tls_last_error(why, sizeof(why));
        snprintf(err, errlen, "cannot create SSL_CTX: %s", why);
        goto fail;
    }
    if (SSL_CTX_use_certificate_chain_file(cred->ctx, cert) != 1) {
        fakemx_tls_last_error(why, sizeof(why));
        snprintf(err, errlen, "cannot load certificate chain %s: %s", cert,
                 why);
        goto fail;
    }
    if ((pkey = fakemx_tls_read_key(key)) == 0) {
        fakemx_tls_last_error(why, sizeof(why));
        snprintf(err, errlen, "cannot load private key %s: %s", key, why);
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey(cred->ctx, pkey) != 1 ||
        SSL_CTX_check_private_key(cred->ctx) != 1) {
        ERR_clear_error();
        snprintf(err, errlen, "private key %s does not match certificate %s",
                 key, cert);
        goto fail;
    }
    EVP_PKEY_free(pkey);
    pkey = 0;
    if (fakemx_tls_fingerprints(cred) != 0) {
        ERR_clear_error();
        snprintf(err, errlen, "cannot fingerprint certificates of %s", cert);
        goto fail;
    }
    SSL_CTX_set_tlsext_servername_callback(cred->ctx, fakemx_tls_sni_cb);
    return cred;

fail:
    EVP_PKEY_free(pkey);
    fakemx_tls_cred_free(cred);
    return 0;
}

/* fakemx_tls_cred_free - free a credential; NULL is fine */
void fakemx_tls_cred_free(struct fakemx_tls_cred *cred)
{
    if (cred == 0)
        return;
    SSL_CTX_free(cred->ctx);
    free(cred->chain_sha256);
    free(cred);
}

/* fakemx_tls_ssl_new - a new server SSL for CRED reporting into ST */
SSL *fakemx_tls_ssl_new(const struct fakemx_tls_cred *cred,
                        struct fakemx_tls_state *st)
{
    SSL *ssl;

    if ((ssl = SSL_new(cred->ctx)) == 0)
        return 0;
    SSL_set_app_data(ssl, st);
    return ssl;
}

/* fakemx_tls_state_clear - free what ST holds and zero it */
void fakemx_tls_state_clear(struct fakemx_tls_state *st)
{
    free(st->sni);
    st->sni = 0;
    st->seen = 0;
}
