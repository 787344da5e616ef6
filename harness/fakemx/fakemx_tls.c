/*
 * fakemx_tls.c - server-side TLS material of the fake MX
 *
 * See fakemx_tls.h.  OpenSSL's default protocol versions and ciphers are
 * kept unless the entry sets tls-min= or tls-max=; allowing TLS 1.0 or
 * 1.1 lowers the security level to 0 (they need SHA-1 signatures).
 *
 * Three callbacks watch the handshake; all find the connection's struct
 * fakemx_tls_state in the SSL's app data (NULL once the session is gone):
 * the client-hello callback records what the client offered and carries
 * out tls-abort=, the servername callback records SNI and switches to the
 * sni-cert context, the info callback records alerts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fakemx_tls.h"
#include "common/buf.h"

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

/* fakemx_tls_name_eq - equal DNS names: case and a final dot ignored */
int fakemx_tls_name_eq(const char *a, const char *b)
{
    size_t na = strlen(a);
    size_t nb = strlen(b);

    if (na > 1 && a[na - 1] == '.')
        na--;
    if (nb > 1 && b[nb - 1] == '.')
        nb--;
    return na == nb && strncasecmp(a, b, na) == 0;
}

/* fakemx_tls_hello_list - the u16 values of extension TYPE, if present */
static void fakemx_tls_hello_list(SSL *ssl, unsigned type, int lenbytes,
                                  unsigned short *out, size_t *n)
{
    const unsigned char *p;
    size_t len;

    *n = 0;
    if (SSL_client_hello_get0_ext(ssl, type, &p, &len) == 1)
        (void)fakemx_hello_u16_list(p, len, lenbytes, out, FAKEMX_HELLO_MAX, n);
}

/* fakemx_tls_hello_cb - record the ClientHello's offers; maybe abort */
static int fakemx_tls_hello_cb(SSL *ssl, int *alert, void *arg)
{
    fakemx_tls_state *st = SSL_get_app_data(ssl);
    fakemx_hello *h;

    (void)arg;
    if (st == 0)
        return SSL_CLIENT_HELLO_SUCCESS;
    h = &st->hello;
    h->seen = st->seen = 1;
    h->legacy_version = SSL_client_hello_get0_legacy_version(ssl);
    fakemx_tls_hello_list(ssl, FAKEMX_EXT_SUPPORTED_VERSIONS, 1, h->versions,
                          &h->nversions);
    fakemx_tls_hello_list(ssl, FAKEMX_EXT_SUPPORTED_GROUPS, 2, h->groups,
                          &h->ngroups);
    fakemx_tls_hello_list(ssl, FAKEMX_EXT_SIGALGS, 2, h->sigalgs, &h->nsigalgs);
    switch (st->abort) {
    case FAKEMX_ABORT_ALERT:
        st->aborted = 1;
        *alert = SSL_AD_HANDSHAKE_FAILURE;
        return SSL_CLIENT_HELLO_ERROR;
    case FAKEMX_ABORT_RESET:
        /* No alert: the handshake stops here (libevent reports an error)
         * and the session closes the socket with a RST. */
        st->aborted = 1;
        return SSL_CLIENT_HELLO_RETRY;
    default:
        return SSL_CLIENT_HELLO_SUCCESS;
    }
}

/* fakemx_tls_sni_cb - remember the server name; switch to sni-cert */
static int fakemx_tls_sni_cb(SSL *ssl, int *alert, void *arg)
{
    fakemx_tls_state *st = SSL_get_app_data(ssl);
    const fakemx_tls_cred *cred = arg;
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

    (void)alert;
    if (st == 0)
        return SSL_TLSEXT_ERR_OK;
    st->seen = 1;
    free(st->sni);
    st->sni = name ? strdup(name) : 0;
    st->sni_matched = 0;
    if (cred->sni_ctx != 0 && name != 0 &&
        fakemx_tls_name_eq(name, cred->sni_name) &&
        SSL_set_SSL_CTX(ssl, cred->sni_ctx) != 0)
        st->sni_matched = 1;
    return SSL_TLSEXT_ERR_OK;
}

/* fakemx_tls_info_cb - remember the first alert sent and received */
static void fakemx_tls_info_cb(const SSL *ssl, int where, int ret)
{
    fakemx_tls_state *st = SSL_get_app_data(ssl);
    char *slot;

    if (st == 0 || !(where & SSL_CB_ALERT))
        return;
    slot = (where & SSL_CB_READ) ? st->alert_received : st->alert_sent;
    if (slot[0] == 0)
        snprintf(slot, sizeof(st->alert_sent), "%s",
                 SSL_alert_desc_string_long(ret));
}

/* fakemx_tls_sha256 - lowercase hex SHA-256 of X's DER into OUT */
static int fakemx_tls_sha256(X509 *x, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen;

    if (X509_digest(x, EVP_sha256(), md, &mdlen) != 1 || mdlen != 32)
        return -1;
    dh_hex_into(md, mdlen, out, 2 * mdlen + 1);
    return 0;
}

/* fakemx_tls_fingerprints - hex SHA-256 of the leaf and chain of CRED */
static int fakemx_tls_fingerprints(fakemx_tls_cred *cred)
{
    STACK_OF(X509) *chain = 0;
    X509 *x;
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
        if (fakemx_tls_sha256(x, cred->chain_sha256[i]) != 0)
            return -1;
    }
    return 0;
}

/* fakemx_tls_presented - fingerprints of the chain SSL presents (or would) */
size_t fakemx_tls_presented(SSL *ssl, char (*out)[FAKEMX_SHA256_HEX],
                            size_t max)
{
    STACK_OF(X509) *chain = 0;
    X509 *x;
    size_t n = 0;

    if (ssl == 0 || max == 0 || (x = SSL_get_certificate(ssl)) == 0)
        return 0;
    SSL_get0_chain_certs(ssl, &chain);
    if (fakemx_tls_sha256(x, out[n]) == 0)
        n++;
    for (int i = 0; chain != 0 && i < sk_X509_num(chain) && n < max; i++)
        if (fakemx_tls_sha256(sk_X509_value(chain, i), out[n]) == 0)
            n++;
    ERR_clear_error();
    return n;
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

/* fakemx_tls_add_chain - load chain CERT and its KEY into CTX */
static int fakemx_tls_add_chain(SSL_CTX *ctx, const char *cert, const char *key,
                                char *err, size_t errlen)
{
    EVP_PKEY *pkey = 0;
    char why[512];
    FILE *fp;

    if ((fp = fopen(cert, "r")) == 0) {
        snprintf(err, errlen, "cannot open certificate %s: %s", cert,
                 strerror(errno));
        return -1;
    }
    fclose(fp);
    if ((fp = fopen(key, "r")) == 0) {
        snprintf(err, errlen, "cannot open key %s: %s", key, strerror(errno));
        return -1;
    }
    fclose(fp);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
        fakemx_tls_last_error(why, sizeof(why));
        snprintf(err, errlen, "cannot load certificate chain %s: %s", cert,
                 why);
        return -1;
    }
    if ((pkey = fakemx_tls_read_key(key)) == 0) {
        fakemx_tls_last_error(why, sizeof(why));
        snprintf(err, errlen, "cannot load private key %s: %s", key, why);
        return -1;
    }
    /* The chain just loaded is the current one: its leaf must match. */
    if (X509_check_private_key(SSL_CTX_get0_certificate(ctx), pkey) != 1 ||
        SSL_CTX_use_PrivateKey(ctx, pkey) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        ERR_clear_error();
        EVP_PKEY_free(pkey);
        snprintf(err, errlen, "private key %s does not match certificate %s",
                 key, cert);
        return -1;
    }
    EVP_PKEY_free(pkey);
    return 0;
}

/* fakemx_tls_ctx_new - a server SSL_CTX with O's versions and one chain */
static SSL_CTX *fakemx_tls_ctx_new(const fakemx_tls_opts *o, const char *cert,
                                   const char *key, char *err, size_t errlen)
{
    SSL_CTX *ctx;
    char why[512];

    if ((ctx = SSL_CTX_new(TLS_server_method())) == 0) {
        fakemx_tls_last_error(why, sizeof(why));
        snprintf(err, errlen, "cannot create SSL_CTX: %s", why);
        return 0;
    }
    /* TLS 1.0 and 1.1 need SHA-1 signatures: security level 0, set
     * before the certificates are loaded (their keys are checked). */
    if ((o->min_version != 0 && o->min_version < TLS1_2_VERSION) ||
        (o->max_version != 0 && o->max_version < TLS1_2_VERSION)) {
        SSL_CTX_set_security_level(ctx, 0);
        if (SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0") != 1) {
            fakemx_tls_last_error(why, sizeof(why));
            snprintf(err, errlen, "cannot set ciphers: %s", why);
            goto fail;
        }
    }
    if ((o->min_version != 0 &&
         SSL_CTX_set_min_proto_version(ctx, o->min_version) != 1) ||
        (o->max_version != 0 &&
         SSL_CTX_set_max_proto_version(ctx, o->max_version) != 1)) {
        fakemx_tls_last_error(why, sizeof(why));
        snprintf(err, errlen, "cannot set protocol versions: %s", why);
        goto fail;
    }
    if (fakemx_tls_add_chain(ctx, cert, key, err, errlen) != 0)
        goto fail;
    return ctx;

fail:
    SSL_CTX_free(ctx);
    return 0;
}

/* fakemx_tls_add_cert2 - a second chain beside the first in CRED's ctx */
static int fakemx_tls_add_cert2(fakemx_tls_cred *cred, const fakemx_tls_opts *o,
                                char *err, size_t errlen)
{
    X509 *first = SSL_CTX_get0_certificate(cred->ctx);
    int rc = -1;

    if (first == 0 || X509_up_ref(first) != 1) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (fakemx_tls_add_chain(cred->ctx, o->cert2, o->key2, err, errlen) != 0)
        goto done;
    /* Same key type: the new chain replaced the first one. */
    if (SSL_CTX_select_current_cert(cred->ctx, first) != 1) {
        ERR_clear_error();
        snprintf(err, errlen,
                 "cert2 %s has the key type of cert %s (OpenSSL keeps one "
                 "chain per key type: use e.g. RSA beside ECDSA)",
                 o->cert2, o->cert);
        goto done;
    }
    rc = 0;

done:
    X509_free(first);
    return rc;
}

/* fakemx_tls_cred_load - load the certificates and keys of OPTS */
fakemx_tls_cred *fakemx_tls_cred_load(const fakemx_tls_opts *o, char *err,
                                      size_t errlen)
{
    fakemx_tls_cred *cred;
    size_t n;

    ERR_clear_error();
    err[0] = 0;
    if ((cred = calloc(1, sizeof(*cred))) == 0) {
        snprintf(err, errlen, "out of memory");
        return 0;
    }
    cred->refs = 1;
    if ((cred->ctx = fakemx_tls_ctx_new(o, o->cert, o->key, err, errlen)) == 0)
        goto fail;
    if (o->cert2 != 0 && fakemx_tls_add_cert2(cred, o, err, errlen) != 0)
        goto fail;
    if (fakemx_tls_fingerprints(cred) != 0) {
        ERR_clear_error();
        snprintf(err, errlen, "cannot fingerprint certificates of %s", o->cert);
        goto fail;
    }
    if (o->sni_name != 0) {
        cred->sni_ctx =
            fakemx_tls_ctx_new(o, o->sni_cert, o->sni_key, err, errlen);
        if (cred->sni_ctx == 0 || (cred->sni_name = strdup(o->sni_name)) == 0)
            goto fail;
        n = strlen(cred->sni_name);
        if (n > 1 && cred->sni_name[n - 1] == '.')
            cred->sni_name[n - 1] = 0;
    }
    SSL_CTX_set_client_hello_cb(cred->ctx, fakemx_tls_hello_cb, 0);
    SSL_CTX_set_tlsext_servername_callback(cred->ctx, fakemx_tls_sni_cb);
    SSL_CTX_set_tlsext_servername_arg(cred->ctx, cred);
    return cred;

fail:
    if (err[0] == 0)
        snprintf(err, errlen, "out of memory");
    fakemx_tls_cred_free(cred);
    return 0;
}

/* fakemx_tls_cred_free - free a credential; NULL is fine */
void fakemx_tls_cred_free(fakemx_tls_cred *cred)
{
    if (cred == 0 || --cred->refs > 0)
        return;
    SSL_CTX_free(cred->ctx);
    SSL_CTX_free(cred->sni_ctx);
    free(cred->sni_name);
    free(cred->chain_sha256);
    free(cred);
}

/* fakemx_tls_cred_ref - see fakemx_tls.h */
fakemx_tls_cred *fakemx_tls_cred_ref(fakemx_tls_cred *cred)
{
    cred->refs++;
    return cred;
}

/* fakemx_tls_ssl_new - a new server SSL for CRED reporting into ST */
SSL *fakemx_tls_ssl_new(const fakemx_tls_cred *cred, fakemx_tls_state *st)
{
    SSL *ssl;

    if ((ssl = SSL_new(cred->ctx)) == 0)
        return 0;
    SSL_set_app_data(ssl, st);
    SSL_set_info_callback(ssl, fakemx_tls_info_cb);
    gettimeofday(&st->start, 0);
    return ssl;
}

/* fakemx_tls_state_clear - free what ST holds and zero it */
void fakemx_tls_state_clear(fakemx_tls_state *st)
{
    free(st->sni);
    memset(st, 0, sizeof(*st));
}
