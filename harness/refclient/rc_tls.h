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
 *	The client SSL_CTX has DANE enabled and no trusted CAs at all:
 *	only TLSA records authenticate; TLS 1.2 or later. The handshake
 *	of one host enables DANE with the TLSA base domain, adds the
 *	records, sets the reference identifiers (DANE-TA name checks; none
 *	for DANE-EE) and SNI, as rc_policy_tls_checks() says. The verify
 *	callback only records errors, so the handshake completes and the
 *	caller decides (rc_policy_tls_accept()).
 *
 *	A PKIX store (--ca-file) never authenticates a DANE host; only the
 *	pkix-fallback mutant and the --check report look at what it says.
 *	For the report there are also a matcher of one TLSA record against
 *	one certificate and a description of a certificate.
 * OWNERSHIP
 *	rc_tls_ctx_create() and rc_tls_pkix_load() return new OpenSSL
 *	objects the caller frees (SSL_CTX_free(), X509_STORE_free()).
 *	rc_tls_handshake() returns a new SSL handle the caller owns: it
 *	frees it with SSL_free() or hands it to an rc_smtp, whose
 *	rc_smtp_close() frees it; the descriptor stays the caller's. The
 *	parameters, their names and records, the SSL_CTX and the PKIX
 *	store are borrowed for the call only (OpenSSL copies what it
 *	keeps). Results and certificate descriptions are plain data in
 *	caller storage.
 *--*/

#include <openssl/ssl.h>

#include "refclient/rc_policy.h"

/* The TLS parameters of one host; every pointer is borrowed. */
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

/* What a handshake found (plain data). */
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

/* One certificate, described for the report (plain data). */
typedef struct {
    char subject[256];
    char issuer[256];
    char cert_sha256[65];
    char spki_sha256[65];
    char not_after[32];
    int expired; /* -1 not yet valid, 1 expired */
} rc_cert_desc;

/*
 * rc_tls_ctx_create - the client SSL_CTX
 * @param mutants: RC_MUT_* mask (allow-tls10 lowers the version,
 *	weakest-digest turns off OpenSSL's digest agility,
 *	pkix-usages-usable loads CA_FILE into the context's store).
 * @param ca_file: PEM file of CAs, or NULL (borrowed; read only with
 *	pkix-usages-usable).
 * @param err, errlen: caller buffer for the reason of a failure.
 * @return a new context, freed by the caller with SSL_CTX_free(); NULL
 *	with the reason in err.
 */
extern SSL_CTX *rc_tls_ctx_create(unsigned mutants, const char *ca_file,
                                  char *err, size_t errlen);

/*
 * rc_tls_pkix_load - trusted CA certificates from a PEM file
 * @param ca_file: the file (borrowed).
 * @param err, errlen: caller buffer for the reason of a failure.
 * @return a new store, freed by the caller with X509_STORE_free(); NULL
 *	with the reason in err.
 */
extern X509_STORE *rc_tls_pkix_load(const char *ca_file, char *err,
                                    size_t errlen);

/*
 * rc_tls_handshake - the client handshake with one host
 * @param ctx: from rc_tls_ctx_create() (borrowed).
 * @param fd: connected socket (borrowed: never closed here).
 * @param tp: the host's parameters (borrowed for the call only). With
 *	tp->pkix the chain is also PKIX-validated, for information.
 * @param result: caller storage, overwritten: versions, SNI sent,
 *	verification outcome, errors.
 * @return a new SSL handle owned by the caller (SSL_free(), or store it
 *	in rc_smtp.ssl for rc_smtp_close()); NULL when the handshake
 *	failed, with the reason in result->error.
 */
extern SSL *rc_tls_handshake(SSL_CTX *, int fd, const rc_tls_params *,
                             rc_tls_result *);

/*
 * rc_tls_tlsa_match - does one record's data match one certificate?
 * (selector and matching type applied; usage ignored)
 * @param t, x: the record and the certificate (borrowed).
 * @return 1 or 0.
 */
extern int rc_tls_tlsa_match(const rc_tlsa *, X509 *);

/*
 * rc_tls_cert_info - subject, issuer, expiry and the SHA-256 of a
 * certificate and of its public key (lower-case hex)
 * @param x: the certificate (borrowed).
 * @param info: caller storage, overwritten.
 */
extern void rc_tls_cert_info(X509 *, rc_cert_desc *);

#endif
