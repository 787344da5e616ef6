#ifndef RC_CHECK_H
#define RC_CHECK_H

/*++
 * NAME
 *	rc_check 3h
 * SUMMARY
 *	--check: a DANE report for one domain, without sending mail
 * SYNOPSIS
 *	#include "refclient/rc_check.h"
 * DESCRIPTION
 *	rc_check() resolves DOMAIN as a delivery would (rc_route, with the
 *	CNAME chains walked hop by hop) and writes a report to FP: per
 *	lookup its DNSSEC status and result, per MX host the TLSA records
 *	and whether each is usable, the TLSA base domain and the TLS
 *	policy; then, unless CONNECT is 0, per address: the SMTP greeting,
 *	STARTTLS, the TLS handshake, the certificate chain presented
 *	(subject, issuer, SHA-256 of certificate and public key per depth),
 *	which TLSA record matches at which depth, the verification result,
 *	and the decision (deliver-dane, deliver-tls, deliver-opportunistic
 *	or skip with the reason). It ends with the decision for the
 *	domain. It sends EHLO, STARTTLS and QUIT, never MAIL.
 *
 *	JOB gives the port, timeouts, SSL_CTX, mutants and the optional
 *	PKIX store (reported for information only). The return value is
 *	the exit status: 0 when some host is acceptable (with CONNECT 0:
 *	some host is usable by policy), 1 when none is.
 *--*/

#include <stdio.h>

#include "refclient/rc_dns.h"
#include "refclient/rc_session.h"

extern int rc_check(FILE *fp, rc_dns *, const rc_job *, const char *domain,
                    int connect);

#endif
