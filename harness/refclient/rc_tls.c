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
 *	does not authenticate a DANE host (RFC 7672 3.1.2).
 *--*/

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "refclient/rc_log.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_tls.h"

static int rc_tls_ex_idx = -1;

/* rc_tls_ctx_create - client context */

SSL_CTX *rc_tls_ctx_create(unsigned mutants, char *err, size_t errlen)
{
    SSL_CTX *ctx;

    if (rc_tls_ex_idx < 0
	&& (rc_tls_ex_idx = SSL_get_ex_new_index(0, "rc_tls", 0, 0, 0)) < 0) {
	snprintf(err, errlen, "SSL_get_ex_new_index failed");
	return (0);
    }
    if ((ctx = SSL_CTX_new(TLS_client_method())) == 0) {
	snprintf(err, errlen, "SSL_CTX_new failed");
	return (0);
    }
    if (mutants & RC_MUT_ALLOW_TLS10) {
	rc_log_info("TLS 1.0 and later allowed, security level 0 (mutant allow-tls10)");
	SSL_CTX_set_security_level(ctx, 0);
	SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
	SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    } else {
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    }
    if (SSL_CTX_dane_enable(ctx) <= 0) {
	snprintf(err, errlen, "SSL_CTX_dane_enable failed");
	SSL_CTX_free(ctx);
	return (0);
    }
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, 0);
    return (ctx);
}

/* rc_tls_verify_cb - record verification errors, let the handshake finish */

static int rc_tls_verify_cb(int ok, X509_STORE_CTX *store)
{
    SSL    *ssl = X509_STORE_CTX_get_ex_data(store,
					SSL_get_ex_data_X509_STORE_CTX_idx());
    RC_TLS_RESULT *res = ssl ? SSL_get_ex_data(ssl, rc_tls_ex_idx) : 0;

    if (!ok && res) {
	int     err = X509_STORE_CTX_get_error(store);

	if (res->verify_errors++ == 0)
	    snprintf(res->error, sizeof(res->error),
		     "certificate verification failed at depth %d: %s",
		     X509_STORE_CTX_get_error_depth(store),
		     X509_verify_cert_error_string(err));
    }
    return (1);
}

/* rc_tls_dane_setup - DANE parameters on one SSL handle */

static int rc_tls_dane_setup(SSL *ssl, const RC_TLS_PARAMS *tp,
			             RC_TLS_RESULT *res)
{
    char    name[256];
    int     i;

    if (SSL_dane_enable(ssl, rc_policy_strip_dot(tp->base, name,
						 sizeof(name))) <= 0) {
	snprintf(res->error, sizeof(res->error), "SSL_dane_enable failed");
	return (-1);
    }
    SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    for (i = 0; i < tp->nrefids; i++) {
	if (rc_policy_name_eq(tp->refids[i], tp->base))
	    continue;			/* SSL_dane_enable() set it */
	if (!SSL_add1_host(ssl, rc_policy_strip_dot(tp->refids[i], name,
						    sizeof(name))))
	    rc_log_info("TLS: cannot add reference identifier %s", name);
    }
    for (i = 0; i < tp->ntlsa; i++) {
	const RC_TLSA *t = tp->tlsa + i;
	int     rc = SSL_dane_tlsa_add(ssl, t->usage, t->selector, t->mtype,
				       t->data, t->len);

	if (rc > 0)
	    res->added++;
	else
	    rc_log_info("TLS: OpenSSL rejected TLSA %u %u %u (treated as unusable)",
			t->usage, t->selector, t->mtype);
    }
    ERR_clear_error();
    SSL_set_verify(ssl, SSL_VERIFY_PEER, rc_tls_verify_cb);
    return (0);
}

/* rc_tls_handshake_error - describe a failed SSL_connect() */

static void rc_tls_handshake_error(SSL *ssl, int rc, RC_TLS_RESULT *res)
{
    int     saved = errno;
    int     sslerr = SSL_get_error(ssl, rc);
    unsigned long e = ERR_get_error();
    char    buf[256];

    if (e != 0) {
	ERR_error_string_n(e, buf, sizeof(buf));
	snprintf(res->error, sizeof(res->error), "TLS handshake failed: %s", buf);
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

/* rc_tls_handshake - client handshake for one host */

SSL    *rc_tls_handshake(SSL_CTX *ctx, int fd, const RC_TLS_PARAMS *tp,
			         RC_TLS_RESULT *res)
{
    SSL    *ssl;
    const char *sni;
    char    name[256];
    int     rc;

    memset(res, 0, sizeof(*res));
    res->dane_depth = -1;
    res->usage = res->selector = res->mtype = -1;
    ERR_clear_error();
    if ((ssl = SSL_new(ctx)) == 0) {
	snprintf(res->error, sizeof(res->error), "SSL_new failed");
	return (0);
    }
    SSL_set_ex_data(ssl, rc_tls_ex_idx, res);
    if (tp->level == RC_LEVEL_DANE && rc_tls_dane_setup(ssl, tp, res) < 0)
	goto fail;

    /*
     * SSL_dane_enable() made the base domain the default SNI; set it
     * explicitly, or clear it when the policy (or a mutant) says none.
     */
    sni = rc_policy_sni(tp->level, tp->base, tp->mutants);
    if (sni) {
	rc_policy_strip_dot(sni, name, sizeof(name));
	SSL_set_tlsext_host_name(ssl, name);
	snprintf(res->sni, sizeof(res->sni), "%s", name);
    } else {
	SSL_set_tlsext_host_name(ssl, (char *) 0);
	if (tp->level == RC_LEVEL_DANE)
	    rc_log_info("TLS: no SNI (mutant no-sni)");
    }
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
    snprintf(res->cipher, sizeof(res->cipher), "%s",
	     SSL_get_cipher_name(ssl));
    if (tp->level == RC_LEVEL_DANE) {
	long    vr = SSL_get_verify_result(ssl);
	uint8_t u, s, m;

	if (vr != X509_V_OK && res->verify_errors == 0)
	    snprintf(res->error, sizeof(res->error),
		     "certificate verification failed: %s",
		     X509_verify_cert_error_string(vr));
	res->dane_depth = SSL_get0_dane_authority(ssl, 0, 0);
	if (res->dane_depth >= 0
	    && SSL_get0_dane_tlsa(ssl, &u, &s, &m, 0, 0) >= 0) {
	    res->usage = u;
	    res->selector = s;
	    res->mtype = m;
	}
	res->verify_ok = (vr == X509_V_OK && res->verify_errors == 0
			  && SSL_get0_peer_certificate(ssl) != 0);
	if (!res->verify_ok && res->error[0] == 0)
	    snprintf(res->error, sizeof(res->error),
		     "no server certificate");
	if (res->verify_ok && res->dane_depth < 0)
	    snprintf(res->error, sizeof(res->error),
		     "verified, but not by a TLSA record");
    }
    SSL_set_ex_data(ssl, rc_tls_ex_idx, 0);
    return (ssl);

fail:
    SSL_free(ssl);
    return (0);
}
