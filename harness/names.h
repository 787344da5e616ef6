/*
 * names.h - the fixed names and addresses of the sandbox's world.
 *
 *   127.0.0.1      Unbound, the validating resolver the client uses
 *   127.0.0.2      NSD, authoritative for ".", the TLDs, every zone
 *   127.0.0.3      source of the harness's own self-check queries
 *   127.0.0.4-6    lame servers: REFUSED, SERVFAIL, silent
 *   127.A.B.H      fake MX hosts (A.B from the scenario number)
 *   fd64:da1e::/32 fake MX hosts over IPv6 (a local route on lo)
 */
#ifndef DH_NAMES_H
#define DH_NAMES_H

#define DH_TLD "danelab."
#define DH_TLD2 "mxlab."
#define DH_TLD2_KEY "mxlab"
#define DH_NS_NAME "ns.nic.danelab."
#define DH_NS_ADDR "127.0.0.2"
#define DH_RESOLVER_ADDR "127.0.0.1"
#define DH_SELFCHECK_ADDR "127.0.0.3"
#define DH_LAME_REFUSED_ADDR "127.0.0.4"
#define DH_LAME_SERVFAIL_ADDR "127.0.0.5"
#define DH_LAME_SILENT_ADDR "127.0.0.6"
#define DH_LAME_REFUSED_NS "lame-refused.nic.danelab."
#define DH_LAME_SERVFAIL_NS "lame-servfail.nic.danelab."
#define DH_LAME_SILENT_NS "lame-silent.nic.danelab."
#define DH_V6_PREFIX "fd64:da1e"
#define DH_TTL 300

/*
 * Unbound's server timeouts (milliseconds).  A server is given up (marked
 * down until infra-host-ttl) once its retransmission timeout reaches
 * DH_UB_MAX_RTT_MS.  The silent lame server starts unknown at
 * DH_UB_UNKNOWN_MS and is given up after one lookup (two sends of 1.5 s:
 * the resolver times out in about 3 s); NSD, answering in microseconds,
 * sits at DH_UB_MIN_RTT_MS and would have to stall for about 6 s in a row
 * (1 + 1 + 2 + 2 s) before the resolver gave it up.  docs/observations.md,
 * "Resolver timeouts", has the arithmetic.
 */
#define DH_UB_MIN_RTT_MS 1000
#define DH_UB_UNKNOWN_MS 1500
#define DH_UB_MAX_RTT_MS 3000

/* How long the sandbox resolver keeps a bogus answer (val-bogus-ttl;
 * Unbound's default is 60 s).  A scenario whose records turn bogus, or
 * stop being bogus, between attempts waits past it, so it is short. */
#define DH_UB_BOGUS_TTL 1

#endif
