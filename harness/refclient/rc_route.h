#ifndef RC_ROUTE_H
#define RC_ROUTE_H

/*++
 * NAME
 *	rc_route 3h
 * SUMMARY
 *	next-hop and per-host DANE plan from validated DNS
 * SYNOPSIS
 *	#include "refclient/rc_route.h"
 * DESCRIPTION
 *	rc_route_nexthop() looks up the MX RRset of DOMAIN and fills ROUTE
 *	with the action (use MX hosts, implicit MX, bounce, defer), the MX
 *	security status and the hosts in delivery order (preference, then
 *	name). rc_route_host() completes one host: address lookups, TLSA
 *	base domain choice, TLSA lookup and the resulting TLS level
 *	(RC_LEVEL_UNUSABLE with a reason in why when the host must be
 *	skipped). Every decision is logged. These two functions are the
 *	whole DNS/DANE side; they make no SMTP connection, so a diagnostic
 *	mode can call them for every host.
 *
 *	rc_route_free() releases everything ROUTE owns.
 *--*/

#include "refclient/rc_dns.h"
#include "refclient/rc_policy.h"

#define RC_ROUTE_ADDRLEN	64

typedef struct {
    char    name[RC_DNS_NAMELEN];	/* host name, absolute */
    int     pref;
    /* Filled in by rc_route_host(). */
    RC_LEVEL level;
    char    why[512];			/* why the host is unusable */
    char    canon[RC_DNS_NAMELEN];	/* CNAME-expanded name, or "" */
    int     addr_secure;
    char  (*addrs)[RC_ROUTE_ADDRLEN];	/* IPv4 first, then IPv6 */
    int     naddrs;
    char    base[RC_DNS_NAMELEN];	/* TLSA base domain, or "" */
    RC_TLSA *tlsa;			/* usable records, data malloc()ed */
    int     ntlsa;
} RC_HOST;

typedef struct {
    char    domain[RC_DNS_NAMELEN];	/* next-hop domain, absolute */
    RC_MX_ACTION action;
    char    why[512];
    int     mx_secure;
    int     mx_resolved;		/* hosts came from MX records */
    RC_HOST *hosts;
    int     nhosts;
} RC_ROUTE;

extern void rc_route_nexthop(RC_DNS *, const char *domain, unsigned mutants,
			             RC_ROUTE *);
extern void rc_route_host(RC_DNS *, const RC_ROUTE *, RC_HOST *, int port,
			          unsigned mutants);
extern void rc_route_free(RC_ROUTE *);

#endif
