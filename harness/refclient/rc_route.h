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
 *	base domain choice, TLSA lookup, digest agility and the resulting
 *	TLS level (RC_LEVEL_UNUSABLE with a reason in why when the host must
 *	be skipped). Every decision is logged. These two functions are the
 *	whole DNS/DANE side; they make no SMTP connection, so the --check
 *	mode calls them for every host.
 *
 *	Every lookup made is also recorded (rc_lookup, in order) with its
 *	security status and a one-line result, and every record of the
 *	TLSA RRset that decided the level is kept with its class
 *	(rc_tlsa_info), for the --check report. With DIAG set,
 *	rc_route_nexthop() and rc_route_host() also walk CNAME chains hop
 *	by hop (one CNAME query per hop) so that the report can show the
 *	status of each hop; the delivery path asks only what it needs.
 *
 *	rc_route_free() releases everything ROUTE owns.
 *--*/

#include "refclient/rc_dns.h"
#include "refclient/rc_policy.h"

#define RC_ROUTE_ADDRLEN 64
#define RC_ROUTE_MAX_HOPS 8

typedef struct {
    char type[8];                   /* MX, CNAME, A, AAAA, TLSA */
    char name[RC_DNS_NAMELEN + 16]; /* query name */
    rc_sec sec;
    rc_ans ans;
    int unvalidated;  /* mutant ignore-bogus refetch */
    char result[512]; /* records, or NODATA, or reason */
} rc_lookup;

typedef struct {
    rc_tlsa rec; /* data malloc()ed */
    rc_tlsa_class cls;
    int usable; /* counts for the TLS level */
    int used;   /* handed to TLS (after agility) */
} rc_tlsa_info;

typedef struct {
    char name[RC_DNS_NAMELEN]; /* host name, absolute */
    int pref;
    /* Filled in by rc_route_host(). */
    rc_level level;
    char level_why[512];        /* why this level */
    char why[512];              /* why the host is unusable */
    char canon[RC_DNS_NAMELEN]; /* CNAME-expanded name, or "" */
    int chain_secure;           /* CNAME chain and addresses secure */
    int addr_secure;
    char (*addrs)[RC_ROUTE_ADDRLEN]; /* IPv4 first, then IPv6 */
    int naddrs;
    char base[RC_DNS_NAMELEN]; /* TLSA base domain, or "" */
    rc_tlsa *tlsa;             /* records for TLS, data malloc()ed */
    int ntlsa;
    rc_tlsa_info *tinfo; /* the deciding RRset, all records */
    int ntinfo;
    char tlsa_name[RC_DNS_NAMELEN + 16]; /* its owner, or "" */
    rc_lookup *lookups;
    int nlookups;
} rc_host;

typedef struct {
    char domain[RC_DNS_NAMELEN]; /* next-hop domain, absolute */
    rc_mx_action action;
    char why[512];
    int mx_secure;
    int mx_resolved; /* hosts came from MX records */
    int diag;        /* walk CNAME chains for the report */
    rc_host *hosts;
    int nhosts;
    rc_lookup *lookups; /* the MX lookup (and CNAMEs) */
    int nlookups;
} rc_route;

extern void rc_route_nexthop(rc_dns *, const char *domain, unsigned mutants,
                             int diag, rc_route *);
extern void rc_route_host(rc_dns *, const rc_route *, rc_host *, int port,
                          unsigned mutants);
extern void rc_route_free(rc_route *);

#endif
