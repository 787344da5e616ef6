#ifndef RC_DELIVER_H
#define RC_DELIVER_H

/*++
 * NAME
 *	rc_deliver 3h
 * SUMMARY
 *	one delivery attempt of one message to one recipient
 * SYNOPSIS
 *	#include "refclient/rc_deliver.h"
 * DESCRIPTION
 *	A delivery resolves the recipient domain (rc_route), walks the
 *	hosts in order and tries each usable address (rc_session) until
 *	one delivers or bounces. A host failure moves on to the next
 *	address and host; when nothing is left the message is deferred
 *	with all reasons (RFC 7672 9.1: DANE failures are temporary). The
 *	outcome is the first stdout line: "delivered HOST ADDR tls=...
 *	[sni=NAME] [match=\"u s m\"]", "deferred REASONS" or "bounced
 *	REASON".
 * OWNERSHIP
 *	The outcome is plain data in caller storage. The route made for a
 *	delivery is freed before rc_deliver() returns. The TLS parameters
 *	of rc_deliver_params() own nothing: they point into the route,
 *	the host, the caller's REFIDS array and the job. Everything else
 *	is borrowed for the call only.
 *--*/

#include "refclient/rc_dns.h"
#include "refclient/rc_route.h"
#include "refclient/rc_session.h"

typedef enum {
    RC_OUT_DELIVERED,
    RC_OUT_DEFERRED,
    RC_OUT_BOUNCED,
} rc_out_status;

/* The outcome of a delivery (plain data). */
typedef struct {
    rc_out_status status;
    char line[4096];
} rc_outcome;

/*
 * rc_deliver - one delivery attempt
 * @param dns: the resolver (borrowed).
 * @param job: the message and how to send it (borrowed).
 * @param domain: the recipient's domain, the next hop (borrowed).
 * @param out: caller storage, overwritten with the outcome.
 */
extern void rc_deliver(rc_dns *, const rc_job *, const char *domain,
                       rc_outcome *);

/*
 * rc_deliver_exit - an outcome's exit status
 * @return 0 delivered, 75 deferred, 69 bounced.
 */
extern int rc_deliver_exit(rc_out_status);

/*
 * rc_deliver_params - the TLS parameters of one planned host: level,
 * TLSA base domain, reference identifiers, records, checks
 * @param job: mutants and PKIX store (borrowed; tp->pkix points to it).
 * @param route, host: the host after rc_route_host(); tp->base, mxhost
 *	and tlsa point into HOST, so it must outlive TP.
 * @param refids: caller array of RC_POLICY_MAX_REFIDS, filled with
 *	pointers into HOST and ROUTE; tp->refids points to it.
 * @param tp: caller storage, overwritten.
 */
extern void rc_deliver_params(const rc_job *, const rc_route *, const rc_host *,
                              const char **refids, rc_tls_params *);

#endif
