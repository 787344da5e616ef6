/*++
 * NAME
 *	rc_tls 3
 * SUMMARY
 *	TLS handshake with OpenSSL DANE verification
 * DESCRIPTION
 *	See rc_tls.h. Follows the OpenSSL DANE API as Postfix uses it:
 *	SSL_CTX_dane_enable(), SSL_dane_enable() with the TLSA base domain,
 *	DANE_FLAG_NO_DANE_EE_NAMECHECKS, SSL_dane_tlsa_add() per usable
 *	record, SSL_add1_host() for the other reference identifiers. No
 *	CA file is loaded: a chain that validates only to a public CA
 *	does not authenticate a DANE host (RFC 7672 3.1.2). OpenSSL also
 *	implements the rest of RFC 7671 for us: digest agility (5.x, 9),
 *	DANE-EE(3) without name or date checks (5.1), and trust anchors
 *	that are only in DNS: "2 0 0" certificates and "2 1 0" keys that
 *	signed the top of the chain (5.2.2, 5.2.3).
 *--*/

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "common/diag.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_tls.h"
#include "common/buf.h"

static int rc_tls_ex_idx = -1;

/* rc_tls_ctx_create - client context */

SSL_CTX *rc_tls_ctx_create(unsigned mutants, const char *ca_file, char *err,
                           size_t errlen)
{
    unsigned checks = rc_policy_tls_checks(mutants);
    SSL_CTX *ctx;

    if (rc_tls_ex_idx < 0 &&
        (rc_tls_ex_idx = SSL_get_ex_new_index(0, "rc_tls", 0, 0, 0)) < 0) {
        snprintf(err, errlen, "SSL_get_ex_new_index failed");
        return (0);
    }
    if ((ctx = SSL_CTX_new(TLS_client_method())) == 0) {
        snprintf(err, errlen, "SSL_CTX_new failed");
        return (0);
    }
    if (mutants & RC_MUT_ALLOW_TLS10) {
        dh_info(
            "TLS 1.0 and later allowed, security level 0 (mutant allow-tls10)");
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    } else {
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    }
    if (SSL_CTX_dane_enable(ctx) <= 0) {
        snprintf(err, errlen, "SSL_CTX_dane_enable failed");
        goto fail;
    }

    /*
     * OpenSSL's digest agility (RFC 7671 9): SHA2-512 (ordinal 2) beats
     * SHA2-256 (ordinal 1) for the same usage and selector. Equal
     * ordinals make both count.
     */
    if (!(checks & RC_CHECK_AGILITY)) {
        dh_info("TLS: digest agility off, SHA-256 and SHA-512 records "
                "count alike (mutant weakest-digest)");
        if (SSL_CTX_dane_mtype_set(ctx, EVP_sha512(), 2, 1) <= 0) {
            snprintf(err, errlen, "SSL_CTX_dane_mtype_set failed");
            goto fail;
        }
    }
    if ((checks & RC_CHECK_PKIX_STORE) && ca_file) {
        if (SSL_CTX_load_verify_locations(ctx, ca_file, 0) != 1) {
            snprintf(err, errlen, "cannot load CA file %s", ca_file);
            goto fail;
        }
        dh_info("TLS: %s trusted for TLSA usages 0 and 1 (mutant "
                "pkix-usages-usable)",
                ca_file);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, 0);
    ERR_clear_error();
    return (ctx);

fail:
    ERR_clear_error();
    SSL_CTX_free(ctx);
    return (0);
}

/* rc_tls_pkix_load - trusted CA certificates from a PEM file */

X509_STORE *rc_tls_pkix_load(const char *ca_file, char *err, size_t errlen)
{
    X509_STORE *store = X509_STORE_new();

    if (store == 0) {
        snprintf(err, errlen, "out of memory");
        return (0);
    }
    if (X509_STORE_load_file(store, ca_file) != 1) {
        unsigned long e = ERR_peek_last_error();
        char buf[200];

        ERR_error_string_n(e, buf, sizeof(buf));
        snprintf(err, errlen, "cannot load CA file %s: %s", ca_file,
                 e ? buf : "no certificates");
        ERR_clear_error();
        X509_STORE_free(store);
        return (0);
    }
    return (store);
}

/* rc_tls_verify_cb - record verification errors, let the handshake finish */

static int rc_tls_verify_cb(int ok, X509_STORE_CTX *store)
{
    SSL *ssl =
        X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    rc_tls_result *res = ssl ? SSL_get_ex_data(ssl, rc_tls_ex_idx) : 0;

    if (!ok && res) {
        int err = X509_STORE_CTX_get_error(store);

        if (res->verify_errors++ == 0)
            snprintf(res->error, sizeof(res->error),
                     "certificate verification failed at depth %d: %s",
                     X509_STORE_CTX_get_error_depth(store),
                     X509_verify_cert_error_string(err));
    }
    return (1);
}

/* rc_tls_dane_setup - DANE parameters on one SSL handle */

static int rc_tls_dane_setup(SSL *ssl, const rc_tls_params *tp,
                             rc_tls_result *res)
{
    char name[256];
    int i;

    if (SSL_dane_enable(
            ssl, rc_policy_strip_dot(tp->base, name, sizeof(name))) <= 0) {
        snprintf(res->error, sizeof(res->error), "SSL_dane_enable failed");
        return (-1);
    }

    /*
     * RFC 7672 3.2.1, RFC 7671 5.1: no name checks for DANE-EE(3).
     */
    if (tp->checks & RC_CHECK_EE_NAMES)
        dh_info("TLS: DANE-EE name checks on (mutant enforce-ee-name)");
    else
        SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);

    /*
     * RFC 7672 3.2.2, 3.2.3: DANE-TA(2) name checks against every
     * reference identifier; a wildcard covers one whole label only.
     */
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (tp->checks & RC_CHECK_TA_NAMES) {
        for (i = 0; i < tp->nrefids; i++) {
            if (rc_policy_name_eq(tp->refids[i], tp->base))
                continue; /* SSL_dane_enable() set it */
            if (!SSL_add1_host(ssl, rc_policy_strip_dot(tp->refids[i], name,
                                                        sizeof(name))))
                dh_info("TLS: cannot add reference identifier %s", name);
        }
    } else {
        dh_info("TLS: no certificate name checks (mutant no-ta-namecheck)");
        SSL_set1_host(ssl, 0);
    }
    for (i = 0; i < tp->ntlsa; i++) {
        const rc_tlsa *t = tp->tlsa + i;
        int rc = SSL_dane_tlsa_add(ssl, t->usage, t->selector, t->mtype,
                                   t->data, t->len);

        if (rc > 0)
            res->added++;
        else
            dh_info("TLS: OpenSSL rejected TLSA %u %u %u (treated as unusable)",
                    t->usage, t->selector, t->mtype);
    }
    ERR_clear_error();
    SSL_set_verify(ssl, SSL_VERIFY_PEER, rc_tls_verify_cb);
    return (0);
}

/* rc_tls_pkix_verify - validate the peer chain against a CA store */

static void rc_tls_pkix_verify(SSL *ssl, const rc_tls_params *tp,
                               rc_tls_result *res)
{
    X509 *leaf = SSL_get0_peer_certificate(ssl);
    STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl);
    X509_STORE_CTX *sctx;
    X509_VERIFY_PARAM *vp;
    char name[256];
    int i;

    if (leaf == 0) {
        snprintf(res->pkix_error, sizeof(res->pkix_error),
                 "no server certificate");
        return;
    }
    if ((sctx = X509_STORE_CTX_new()) == 0 ||
        !X509_STORE_CTX_init(sctx, tp->pkix, leaf, chain)) {
        snprintf(res->pkix_error, sizeof(res->pkix_error),
                 "X509_STORE_CTX_init failed");
        X509_STORE_CTX_free(sctx);
        ERR_clear_error();
        return;
    }
    vp = X509_STORE_CTX_get0_param(sctx);
    X509_VERIFY_PARAM_set_purpose(vp, X509_PURPOSE_SSL_SERVER);
    X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    for (i = 0; i < tp->nrefids; i++)
        X509_VERIFY_PARAM_add1_host(
            vp, rc_policy_strip_dot(tp->refids[i], name, sizeof(name)), 0);
    if (tp->nrefids == 0 && tp->base)
        X509_VERIFY_PARAM_add1_host(
            vp, rc_policy_strip_dot(tp->base, name, sizeof(name)), 0);
    res->pkix_ok = (X509_verify_cert(sctx) == 1);
    if (!res->pkix_ok)
        snprintf(res->pkix_error, sizeof(res->pkix_error), "%s at depth %d",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(sctx)),
                 X509_STORE_CTX_get_error_depth(sctx));
    X509_STORE_CTX_free(sctx);
    ERR_clear_error();
}

/* rc_tls_ee_dates - mutant enforce-ee-expiry: leaf validity under DANE-EE */

static void rc_tls_ee_dates(SSL *ssl, rc_tls_result *res)
{
    X509 *leaf = SSL_get0_peer_certificate(ssl);

    if (leaf == 0 || res->usage != 3 || res->dane_depth != 0)
        return;
    if (X509_cmp_current_time(X509_get0_notAfter(leaf)) < 0) {
        res->verify_ok = 0;
        snprintf(res->error, sizeof(res->error),
                 "DANE-EE match, but the leaf certificate has expired (mutant "
                 "enforce-ee-expiry)");
    } else if (X509_cmp_current_time(X509_get0_notBefore(leaf)) > 0) {
        res->verify_ok = 0;
        snprintf(res->error, sizeof(res->error),
                 "DANE-EE match, but the leaf certificate is not yet valid "
                 "(mutant enforce-ee-expiry)");
    }
}

/* rc_tls_handshake_error - describe a failed SSL_connect() */

static void rc_tls_handshake_error(SSL *ssl, int rc, rc_tls_result *res)
{
    int saved = errno;
    int sslerr = SSL_get_error(ssl, rc);
    unsigned long e = ERR_get_error();
    char buf[256];

    if (e != 0) {
        ERR_error_string_n(e, buf, sizeof(buf));
        snprintf(res->error, sizeof(res->error), "TLS handshake failed: %s",
                 buf);
    } else if (sslerr == SSL_ERROR_SYSCALL && saved != 0) {
        snprintf(res->error, sizeof(res->error), "TLS handshake failed: %s",
                 saved == EAGAIN ? "timeout" : strerror(saved));
    } else if (sslerr == SSL_ERROR_SYSCALL || sslerr == SSL_ERROR_ZERO_RETURN) {
        snprintf(res->error, sizeof(res->error),
                 "TLS handshake failed: connection closed by server");
    } else {
        snprintf(res->error, sizeof(res->error),
                 "TLS handshake failed: SSL error %d", sslerr);
    }
    ERR_clear_error();
}

/* rc_tls_sni - the SNI of one host, or none */

static void rc_tls_sni(SSL *ssl, const rc_tls_params *tp, rc_tls_result *res)
{
    const char *sni;
    char name[256];

    /*
     * SSL_dane_enable() made the base domain the default SNI; set it
     * explicitly, or clear it when the policy (or a mutant) says none.
     */
    sni = rc_policy_sni(tp->level, tp->base, tp->mxhost, tp->mutants);
    if (sni) {
        rc_policy_strip_dot(sni, name, sizeof(name));
        SSL_set_tlsext_host_name(ssl, name);
        snprintf(res->sni, sizeof(res->sni), "%s", name);
        if (tp->base && !rc_policy_name_eq(sni, tp->base))
            dh_info(
                "TLS: SNI %s, not the TLSA base domain (mutant sni-mx-name)",
                name);
    } else {
        SSL_set_tlsext_host_name(ssl, (char *)0);
        if (tp->level == RC_LEVEL_DANE)
            dh_info("TLS: no SNI (mutant no-sni)");
    }
}

/* rc_tls_dane_result - what DANE verification said, after the handshake */

static void rc_tls_dane_result(SSL *ssl, const rc_tls_params *tp,
                               rc_tls_result *res)
{
    long vr = SSL_get_verify_result(ssl);
    uint8_t u, s, m;

    if (vr != X509_V_OK && res->verify_errors == 0)
        snprintf(res->error, sizeof(res->error),
                 "certificate verification failed: %s",
                 X509_verify_cert_error_string(vr));
    res->dane_depth = SSL_get0_dane_authority(ssl, 0, 0);
    if (res->dane_depth >= 0 &&
        SSL_get0_dane_tlsa(ssl, &u, &s, &m, 0, 0) >= 0) {
        res->usage = u;
        res->selector = s;
        res->mtype = m;
    }
    res->verify_ok = (vr == X509_V_OK && res->verify_errors == 0 &&
                      SSL_get0_peer_certificate(ssl) != 0);
    if (!res->verify_ok && res->error[0] == 0)
        snprintf(res->error, sizeof(res->error), "no server certificate");
    if (res->verify_ok && res->dane_depth < 0)
        snprintf(res->error, sizeof(res->error),
                 "verified, but not by a TLSA record");
    if (res->verify_ok && (tp->checks & RC_CHECK_EE_DATES))
        rc_tls_ee_dates(ssl, res);
}

/* rc_tls_handshake - client handshake for one host */

SSL *rc_tls_handshake(SSL_CTX *ctx, int fd, const rc_tls_params *tp,
                      rc_tls_result *res)
{
    SSL *ssl;
    int dane = (tp->level == RC_LEVEL_DANE && (tp->checks & RC_CHECK_VERIFY));
    int rc;

    memset(res, 0, sizeof(*res));
    res->dane_depth = -1;
    res->usage = res->selector = res->mtype = -1;
    ERR_clear_error();
    if ((ssl = SSL_new(ctx)) == 0) {
        snprintf(res->error, sizeof(res->error), "SSL_new failed");
        return (0);
    }
    SSL_set_ex_data(ssl, rc_tls_ex_idx, res);
    if (dane && rc_tls_dane_setup(ssl, tp, res) < 0)
        goto fail;
    if (tp->level == RC_LEVEL_DANE && !dane)
        dh_info("TLS: TLSA records not given to TLS, no verification "
                "(mutant accept-any-cert)");
    rc_tls_sni(ssl, tp, res);
    if (!SSL_set_fd(ssl, fd)) {
        snprintf(res->error, sizeof(res->error), "SSL_set_fd failed");
        goto fail;
    }
    errno = 0;
    if ((rc = SSL_connect(ssl)) <= 0) {
        rc_tls_handshake_error(ssl, rc, res);
        goto fail;
    }
    snprintf(res->version, sizeof(res->version), "%s", SSL_get_version(ssl));
    snprintf(res->cipher, sizeof(res->cipher), "%s", SSL_get_cipher_name(ssl));
    if (dane)
        rc_tls_dane_result(ssl, tp, res);
    else if (tp->level == RC_LEVEL_DANE)
        snprintf(res->error, sizeof(res->error),
                 "certificate not verified (TLSA records not used)");
    if (tp->pkix)
        rc_tls_pkix_verify(ssl, tp, res);
    SSL_set_ex_data(ssl, rc_tls_ex_idx, 0);
    return (ssl);

fail:
    SSL_free(ssl);
    return (0);
}

/* rc_tls_tlsa_match - does one record's data match one certificate? */

int rc_tls_tlsa_match(const rc_tlsa *t, X509 *x)
{
    unsigned char *der = 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int len;
    int ok = 0;

    if (t->selector == 0)
        len = i2d_X509(x, &der);
    else if (t->selector == 1)
        len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    else
        return (0);
    if (len <= 0)
        return (0);
    switch (t->mtype) {
    case 0:
        ok = ((size_t)len == t->len && memcmp(der, t->data, t->len) == 0);
        break;
    case 1:
    case 2:
        if (EVP_Digest(der, len, md, &mdlen,
                       t->mtype == 1 ? EVP_sha256() : EVP_sha512(), 0) == 1)
            ok = (mdlen == t->len && memcmp(md, t->data, mdlen) == 0);
        break;
    }
    OPENSSL_free(der);
    return (ok);
}

/* rc_tls_hex - SHA-256 of DER as lower-case hex */

static void rc_tls_hex(const unsigned char *der, int len, char *out)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    out[0] = 0;
    if (len <= 0 || EVP_Digest(der, len, md, &mdlen, EVP_sha256(), 0) != 1)
        return;
    dh_hex_into(md, mdlen < 32 ? mdlen : 32, out, 65);
}

/* rc_tls_name - one distinguished name, RFC 2253 style */

static void rc_tls_name(X509_NAME *name, char *buf, size_t len)
{
    BIO *bio = BIO_new(BIO_s_mem());
    char *data;
    long n;

    buf[0] = 0;
    if (bio == 0)
        return;
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
        n = BIO_get_mem_data(bio, &data);
        snprintf(buf, len, "%.*s", (int)(n > 0 ? n : 0), data);
    }
    BIO_free(bio);
    if (buf[0] == 0)
        snprintf(buf, len, "(empty)");
}

/* rc_tls_cert_info - subject, issuer, digests of one certificate */

void rc_tls_cert_info(X509 *x, rc_cert_desc *info)
{
    unsigned char *der = 0;
    struct tm tm;
    int len;

    memset(info, 0, sizeof(*info));
    rc_tls_name(X509_get_subject_name(x), info->subject, sizeof(info->subject));
    rc_tls_name(X509_get_issuer_name(x), info->issuer, sizeof(info->issuer));
    len = i2d_X509(x, &der);
    rc_tls_hex(der, len, info->cert_sha256);
    OPENSSL_free(der);
    der = 0;
    len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &der);
    rc_tls_hex(der, len, info->spki_sha256);
    OPENSSL_free(der);
    if (ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm) == 1)
        strftime(info->not_after, sizeof(info->not_after),
                 "%Y-%m-%d %H:%M:%S UTC", &tm);
    if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0)
        info->expired = 1;
    else if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0)
        info->expired = -1;
    ERR_clear_error();
}
