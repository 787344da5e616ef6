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
 *	rc_deliver() resolves the recipient DOMAIN (rc_route), walks the
 *	hosts in order and tries each usable address (rc_session) until
 *	one delivers or bounces. The outcome is the first stdout line:
 *	"delivered HOST ADDR tls=... [sni=NAME] [match=\"u s m\"]",
 *	"deferred REASONS" or "bounced REASON".
 *
 *	rc_deliver_exit() maps an outcome to the exit status (0, 75, 69).
 *
 *	rc_deliver_params() fills the TLS parameters of one planned host:
 *	level, TLSA base domain, reference identifiers (into REFIDS, an
 *	array of RC_POLICY_MAX_REFIDS), records, checks. The parameters
 *	point into ROUTE, HOST and REFIDS.
 *--*/

#include "refclient/rc_dns.h"
#include "refclient/rc_route.h"
#include "refclient/rc_session.h"

typedef enum {
    RC_OUT_DELIVERED,
    RC_OUT_DEFERRED,
    RC_OUT_BOUNCED,
} rc_out_status;

typedef struct {
    rc_out_status status;
    char line[4096];
} rc_outcome;

extern void rc_deliver(rc_dns *, const rc_job *, const char *domain,
                       rc_outcome *);
extern int rc_deliver_exit(rc_out_status);
extern void rc_deliver_params(const rc_job *, const rc_route *, const rc_host *,
                              const char **refids, rc_tls_params *);

#endif
