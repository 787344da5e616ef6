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
 *	later (the allow-tls10 mutant lowers that). NULL with reason in ERR.
 *
 *	rc_tls_handshake() runs the client handshake on FD with the
 *	parameters of one host: for RC_LEVEL_DANE it enables DANE with the
 *	TLSA base domain, adds the usable records, sets the reference
 *	identifiers (DANE-TA name checks; none for DANE-EE) and SNI. The
 *	verify callback only records errors, so the handshake completes
 *	and the caller decides (rc_policy_tls_accept()). Returns the SSL
 *	handle (caller frees, or stores it in an RC_SMTP), NULL when the
 *	handshake failed (reason in result->error).
 *--*/

#include <openssl/ssl.h>

#include "refclient/rc_policy.h"

typedef struct {
    RC_LEVEL level;
    const char *base;			/* TLSA base domain, absolute */
    const char **refids;		/* reference identifiers, absolute */
    int     nrefids;
    const RC_TLSA *tlsa;		/* usable records only */
    int     ntlsa;
    unsigned mutants;
} RC_TLS_PARAMS;

typedef struct {
    int     verify_ok;			/* chain verified, no error seen */
    int     dane_depth;			/* depth of the TLSA match, or -1 */
    int     usage;			/* matching record, if any */
    int     selector;
    int     mtype;
    int     added;			/* TLSA records OpenSSL accepted */
    int     verify_errors;		/* errors seen by the verify callback */
    char    sni[256];			/* SNI sent, "" for none */
    char    version[32];
    char    cipher[80];
    char    error[300];			/* handshake or first verify error */
} RC_TLS_RESULT;

extern SSL_CTX *rc_tls_ctx_create(unsigned mutants, char *err, size_t errlen);
extern SSL *rc_tls_handshake(SSL_CTX *, int fd, const RC_TLS_PARAMS *,
			             RC_TLS_RESULT *);

#endif
