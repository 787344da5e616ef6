#ifndef RC_TLS_H
#define RC_TLS_H

/*++
 * NAME
 *	rc_tls 3h
 * SUMMARY
 *	TLS handshake with OpenSSL DANE verification
 * SYNOPSIS
 *	#include "refclient/rc_tls.h"
 * DESCRIPTION
 *	rc_tls_ctx_create() makes the client SSL_CTX: DANE enabled, no
 *	trusted CAs at all (only TLSA records authenticate), TLS 1.2 or
 *	later. Mutants change that (allow-tls10 lowers the version,
 *	weakest-digest turns off OpenSSL's digest agility, pkix-usages-usable
 *	loads CA_FILE into the store). NULL with the reason in ERR.
 *
 *	rc_tls_pkix_load() reads a PEM file of trusted CA certificates
 *	into a new X509_STORE (caller frees with X509_STORE_free()); NULL
 *	with the reason in ERR. That store is never used to authenticate a
 *	DANE host; only the pkix-fallback mutant and the --check report
 *	look at it.
 *
 *	rc_tls_handshake() runs the client handshake on FD with the
 *	parameters of one host: for RC_LEVEL_DANE it enables DANE with the
 *	TLSA base domain, adds the records, sets the reference identifiers
 *	(DANE-TA name checks; none for DANE-EE) and SNI, as CHECKS
 *	(rc_policy_tls_checks()) say. The verify callback only records
 *	errors, so the handshake completes and the caller decides
 *	(rc_policy_tls_accept()). With a PKIX store in the parameters the
 *	chain is also PKIX-validated against it (result->pkix_ok), for
 *	information. Returns the SSL handle (caller frees, or stores it in
 *	an rc_smtp), NULL when the handshake failed (reason in
 *	result->error).
 *
 *	rc_tls_tlsa_match() says whether one TLSA record's association data
 *	matches one certificate (selector and matching type applied; usage
 *	ignored). rc_tls_cert_info() formats subject, issuer and the SHA-256
 *	of a certificate and of its public key (lower-case hex).
 *--*/

#include <openssl/ssl.h>

#include "refclient/rc_policy.h"

typedef struct {
    rc_level level;
    const char *base;    /* TLSA base domain, absolute */
    const char *mxhost;  /* MX host name, absolute */
    const char **refids; /* reference identifiers, absolute */
    int nrefids;
    const rc_tlsa *tlsa; /* records to match (usable, agile) */
    int ntlsa;
    unsigned mutants;
    unsigned checks;  /* rc_policy_tls_checks() */
    X509_STORE *pkix; /* --ca-file store, or NULL */
} rc_tls_params;

typedef struct {
    int verify_ok;  /* chain verified, no error seen */
    int dane_depth; /* depth of the TLSA match, or -1 */
    int usage;      /* matching record, if any */
    int selector;
    int mtype;
    int added;            /* TLSA records OpenSSL accepted */
    int verify_errors;    /* errors seen by the verify callback */
    int pkix_ok;          /* chain valid against params->pkix */
    char pkix_error[200]; /* why not, "" if not tried */
    char sni[256];        /* SNI sent, "" for none */
    char version[32];
    char cipher[80];
    char error[300]; /* handshake or first verify error */
} rc_tls_result;

typedef struct {
    char subject[256];
    char issuer[256];
    char cert_sha256[65];
    char spki_sha256[65];
    char not_after[32];
    int expired; /* -1 not yet valid, 1 expired */
} rc_cert_desc;

extern SSL_CTX *rc_tls_ctx_create(unsigned mutants, const char *ca_file,
                                  char *err, size_t errlen);
extern X509_STORE *rc_tls_pkix_load(const char *ca_file, char *err,
                                    size_t errlen);
extern SSL *rc_tls_handshake(SSL_CTX *, int fd, const rc_tls_params *,
                             rc_tls_result *);
extern int rc_tls_tlsa_match(const rc_tlsa *, X509 *);
extern void rc_tls_cert_info(X509 *, rc_cert_desc *);

#endif
