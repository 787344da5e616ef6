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
 *	The whole DNS/DANE side of a delivery, without SMTP: the MX
 *	lookup of the next-hop domain gives the hosts in delivery order
 *	(preference, then name); each host then gets its address lookups,
 *	the choice of TLSA base domain, the TLSA lookup, digest agility
 *	and the resulting TLS level. Every decision is logged. Since no
 *	connection is made, the --check mode plans every host.
 *
 *	Every lookup made is also recorded (rc_lookup, in order) with its
 *	security status and a one-line result, and every record of the
 *	TLSA RRset that decided the level is kept with its class
 *	(rc_tlsa_info), for the --check report. With DIAG set, CNAME
 *	chains are walked hop by hop (one CNAME query per hop) so that the
 *	report can show the status of each hop; the delivery path asks
 *	only what it needs.
 * OWNERSHIP
 *	An rc_route lives in the caller's storage; rc_route_nexthop()
 *	fills it, and from then on it owns its hosts, its lookups and,
 *	through each host, the host's addresses, TLSA records and lookups
 *	(all malloc()ed). rc_route_free() releases all of that, whatever
 *	the action; nothing in a route points outside it. The rc_dns
 *	context and the domain name are borrowed for the call only.
 *--*/

#include "refclient/rc_dns.h"
#include "refclient/rc_policy.h"

#define RC_ROUTE_ADDRLEN 64
#define RC_ROUTE_MAX_HOPS 8

/* One lookup, for the report (plain data). */
typedef struct {
    char type[8];                   /* MX, CNAME, A, AAAA, TLSA */
    char name[RC_DNS_NAMELEN + 16]; /* query name */
    rc_sec sec;
    rc_ans ans;
    int unvalidated;  /* mutant ignore-bogus refetch */
    char result[512]; /* records, or NODATA, or reason */
} rc_lookup;

/* One record of the deciding TLSA RRset; owned by its rc_host. */
typedef struct {
    rc_tlsa rec; /* data malloc()ed */
    rc_tlsa_class cls;
    int usable; /* counts for the TLS level */
    int used;   /* handed to TLS (after agility) */
} rc_tlsa_info;

/*
 * One host of a route. The arrays (addrs, tlsa with their data, tinfo
 * with their data, lookups) are malloc()ed and owned by the host; they
 * are released by rc_route_free() of the route that holds it.
 */
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

/* The next hop and its hosts; hosts and lookups malloc()ed, owned. */
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

/*
 * rc_route_nexthop - the MX lookup of the next-hop domain
 * @param dns: the resolver (borrowed).
 * @param domain: the next-hop domain, with or without final dot
 *	(borrowed; ROUTE keeps its own absolute, lower-case copy).
 * @param mutants: RC_MUT_* mask.
 * @param diag: walk CNAME chains hop by hop, for the report.
 * @param route: caller storage, overwritten: the action (use MX hosts,
 *	implicit MX, bounce, defer) with its reason, the MX security
 *	status and the hosts, named but not yet planned. Release with
 *	rc_route_free(), whatever the action.
 */
extern void rc_route_nexthop(rc_dns *, const char *domain, unsigned mutants,
                             int diag, rc_route *);

/*
 * rc_route_host - plan one host: addresses, TLSA base domain, TLSA
 * records, TLS level (RC_LEVEL_UNUSABLE with a reason in host->why when
 * the host must be skipped)
 * @param dns: the resolver (borrowed).
 * @param route: the route HOST belongs to (read only).
 * @param host: one of route->hosts, not yet planned (call once per
 *	host); what it gets is owned by it, released with the route.
 * @param port: SMTP port, the TLSA port ("_25._tcp").
 * @param mutants: RC_MUT_* mask.
 */
extern void rc_route_host(rc_dns *, const rc_route *, rc_host *, int port,
                          unsigned mutants);

/*
 * rc_route_free - release everything ROUTE owns (hosts and their arrays,
 * lookups); the struct itself stays the caller's, empty: freeing it again
 * is harmless.
 */
extern void rc_route_free(rc_route *);

#endif
