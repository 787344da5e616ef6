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
 *	A session connects to one address, speaks EHLO, applies the
 *	host's TLS policy (STARTTLS, DANE verification) and, when the
 *	policy allows, sends MAIL, RCPT and DATA. The result says
 *	delivered, temporary failure (try the next address or host) or
 *	bounce (5xx), with a reason and what TLS was used. It never sends
 *	MAIL in clear when the policy requires TLS (unless a mutant says
 *	so). In probe mode (--check) it stops before MAIL and keeps the
 *	certificate chain for the report.
 * OWNERSHIP
 *	An rc_job is filled and owned by main(): its strings, message,
 *	SSL_CTX and PKIX store are borrowed by everything that reads it
 *	and must outlive every session. A session closes its connection
 *	before it returns; the only thing a result owns is
 *	the probe's certificate chain, released with
 *	rc_session_result_free(). The host name, the address and the TLS
 *	parameters are borrowed for the call only.
 *	A command that cannot be written ends the session like a lost
 *	connection: closed, RC_SESS_TEMPFAIL, "WHAT: write error". The
 *	status is RC_SESS_TEMPFAIL from the start, so no exit path can
 *	leave a result that says delivered without a 250 to the message.
 *--*/

#include <stddef.h>

#include <openssl/ssl.h>

#include "refclient/rc_tls.h"

/* What to send and how; every pointer is borrowed from main(). */
typedef struct {
    const char *from;
    const char *rcpt;
    const char *helo;
    const char *data; /* dot-stuffed, ends in ".\r\n" */
    size_t datalen;
    int port;
    int timeout;
    unsigned mutants;
    SSL_CTX *ssl_ctx;
    X509_STORE *pkix; /* --ca-file, or NULL */
    int probe;        /* --check: never send MAIL */
    int no_starttls;  /* mutant cleartext-retry: 2nd try */
} rc_job;

typedef enum {
    RC_SESS_DELIVERED,
    RC_SESS_TEMPFAIL,
    RC_SESS_BOUNCE,
    RC_SESS_ACCEPTABLE, /* probe: would deliver */
} rc_sess_status;

/* One session's result; owns chain only (rc_session_result_free()). */
typedef struct {
    rc_sess_status status;
    char reason[600];
    const char *tls; /* none, unauthenticated, dane-verified */
    char sni[256];
    char match[16]; /* "3 1 1", or "" */
    /* Details for the --check report. */
    int connected;
    char greeting[256];
    int starttls;      /* -1 not seen, 0 no, 1 offered */
    int starttls_sent; /* the STARTTLS command went out */
    int tls_done;      /* handshake completed */
    rc_tls_result tlsres;
    STACK_OF(X509) * chain; /* probe only */
    char accept_why[160];   /* rc_policy_tls_accept() */
} rc_sess_result;

/*
 * rc_session_run - one delivery attempt (or probe) to one address
 * @param job: what to send and how (borrowed).
 * @param host: the host's name, for logging (borrowed).
 * @param addr: IPv4 or IPv6 literal (borrowed).
 * @param tp: the host's TLS parameters (rc_deliver_params(); borrowed).
 * @param res: caller storage, overwritten. res->tls is a static string;
 *	with job->probe, res->chain holds the peer's certificates (new
 *	references): release with rc_session_result_free().
 */
extern void rc_session_run(const rc_job *, const char *host, const char *addr,
                           const rc_tls_params *, rc_sess_result *);

/*
 * rc_session_result_free - release the certificate chain a probe result
 * holds; harmless on any result, and a second time
 */
extern void rc_session_result_free(rc_sess_result *);

#endif
