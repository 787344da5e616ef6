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
 *	The report resolves the domain as a delivery would (rc_route,
 *	with the CNAME chains walked hop by hop) and shows per lookup its
 *	DNSSEC status and result, per MX host the TLSA records and whether
 *	each is usable, the TLSA base domain and the TLS policy; then,
 *	unless told not to connect, per address: the SMTP greeting,
 *	STARTTLS, the TLS handshake, the certificate chain presented
 *	(subject, issuer, SHA-256 of certificate and public key per
 *	depth), which TLSA record matches at which depth, the verification
 *	result, and the decision (deliver-dane, deliver-tls,
 *	deliver-opportunistic or skip with the reason). It ends with the
 *	decision for the domain. It sends EHLO, STARTTLS and QUIT, never
 *	MAIL.
 * OWNERSHIP
 *	Nothing outlives the call: the route and the probe results are
 *	made and freed inside. The stream, the resolver, the job and the
 *	domain are borrowed.
 *--*/

#include <stdio.h>

#include "refclient/rc_dns.h"
#include "refclient/rc_session.h"

/*
 * rc_check - the whole report
 * @param fp: where the report goes (borrowed; flushed, not closed).
 * @param dns: the resolver (borrowed).
 * @param job: port, timeouts, SSL_CTX, mutants and the optional PKIX
 *	store, reported for information only (borrowed; job->probe must
 *	be set, so that no session sends MAIL).
 * @param domain: the domain to report on (borrowed).
 * @param connect: 0: DNS only, no SMTP connection.
 * @return the exit status: 0 when some host is acceptable (with CONNECT
 *	0: some host is usable by policy), 1 when none is.
 */
extern int rc_check(FILE *fp, rc_dns *, const rc_job *, const char *domain,
                    int connect);

#endif
