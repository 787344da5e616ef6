#ifndef RC_DNS_H
#define RC_DNS_H

/*++
 * NAME
 *	rc_dns 3h
 * SUMMARY
 *	validated DNS lookups with libunbound
 * SYNOPSIS
 *	#include "refclient/rc_dns.h"
 * DESCRIPTION
 *	rc_dns_create() makes a libunbound context that forwards to
 *	RESOLVER (NULL: the name servers of /etc/resolv.conf) and
 *	validates by itself with the trust anchor in TA_FILE (a DS or
 *	DNSKEY in master-file syntax). Without a trust anchor nothing is
 *	secure. Each lookup waits at most TIMEOUT seconds. On error it
 *	returns NULL and writes the reason to ERR.
 *
 *	rc_dns_lookup() fills ANSWER with the security status, kind,
 *	canonical name (when CNAMEs were followed) and copies of the RDATA;
 *	it never fails: a failure is RC_ANS_FAIL with a reason in why.
 *	rc_dns_lookup_unvalidated() does the same with a second context in
 *	validator permissive mode (only for the ignore-bogus mutant): bogus
 *	data comes back, marked insecure; its answers are never secure.
 *	With the no-dnssec mutant the main context itself is permissive
 *	and every answer is insecure.
 *	rc_dns_answer_free() releases what an answer holds.
 *
 *	rc_dns_parse_mx() and rc_dns_parse_tlsa() return malloc()ed arrays
 *	(free with rc_dns_mx_free() / free()); TLSA data points into the
 *	answer, so the answer must outlive the records. -1 on malformed
 *	MX RDATA; a TLSA RDATA too short to parse becomes usage 255.
 *	rc_dns_name_str() converts one wire-format name.
 *	rc_dns_addr_str() formats one A or AAAA RDATA.
 *--*/

#include <stddef.h>

#include "refclient/rc_policy.h"

#define RC_DNS_NAMELEN 1025

#define RC_DNS_T_A 1
#define RC_DNS_T_CNAME 5
#define RC_DNS_T_MX 15
#define RC_DNS_T_AAAA 28
#define RC_DNS_T_TLSA 52

typedef struct rc_dns rc_dns;

typedef struct {
    rc_sec sec;
    rc_ans ans;
    int rcode;
    int unvalidated;            /* from the permissive context */
    char why[256];              /* bogus or failure reason */
    char canon[RC_DNS_NAMELEN]; /* CNAME target, "" if none */
    int count;
    unsigned char **data;
    size_t *len;
} rc_dns_answer;

extern rc_dns *rc_dns_create(const char *resolver, const char *ta_file,
                             int timeout, unsigned mutants, char *err,
                             size_t errlen);
extern void rc_dns_free(rc_dns *);
extern void rc_dns_lookup(rc_dns *, const char *name, int rrtype,
                          rc_dns_answer *);
extern void rc_dns_lookup_unvalidated(rc_dns *, const char *name, int rrtype,
                                      rc_dns_answer *);
extern void rc_dns_answer_free(rc_dns_answer *);

extern int rc_dns_name_str(const unsigned char *wire, size_t len, size_t *off,
                           char *buf, size_t buflen);
extern int rc_dns_parse_mx(const rc_dns_answer *, rc_mx **);
extern void rc_dns_mx_free(rc_mx *, int);
extern int rc_dns_parse_tlsa(const rc_dns_answer *, rc_tlsa **);
extern char *rc_dns_addr_str(int rrtype, const unsigned char *data, size_t len,
                             char *buf, size_t buflen);
extern const char *rc_dns_type_str(int rrtype);

#endif
