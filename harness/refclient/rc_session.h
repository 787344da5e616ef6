#ifndef RC_SESSION_H
#define RC_SESSION_H

/*++
 * NAME
 *	rc_session 3h
 * SUMMARY
 *	one SMTP delivery attempt to one address
 * SYNOPSIS
 *	#include "refclient/rc_session.h"
 * DESCRIPTION
 *	rc_session_run() connects to ADDR, speaks EHLO, applies the host's
 *	TLS policy (STARTTLS, DANE verification) and, when the policy
 *	allows, sends MAIL, RCPT and DATA. The result says delivered,
 *	temporary failure (try the next address or host) or bounce (5xx),
 *	with a reason and what TLS was used. It never sends MAIL in clear
 *	when the policy requires TLS (unless a mutant says so).
 *--*/

#include <stddef.h>

#include <openssl/ssl.h>

#include "refclient/rc_tls.h"

typedef struct {
    const char *from;
    const char *rcpt;
    const char *helo;
    const char *data;			/* dot-stuffed, ends in ".\r\n" */
    size_t  datalen;
    int     port;
    int     timeout;
    unsigned mutants;
    SSL_CTX *ssl_ctx;
} RC_JOB;

typedef enum {
    RC_SESS_DELIVERED,
    RC_SESS_TEMPFAIL,
    RC_SESS_BOUNCE,
} RC_SESS_STATUS;

typedef struct {
    RC_SESS_STATUS status;
    char    reason[600];
    const char *tls;			/* none, unauthenticated, dane-verified */
    char    sni[256];
    char    match[16];			/* "3 1 1", or "" */
} RC_SESS_RESULT;

extern void rc_session_run(const RC_JOB *, const char *host, const char *addr,
			           const RC_TLS_PARAMS *, RC_SESS_RESULT *);

#endif
