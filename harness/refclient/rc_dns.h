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
 *	An rc_dns is a libunbound context that forwards to one resolver
 *	(or to those of /etc/resolv.conf) and validates by itself with a
 *	trust anchor; without a trust anchor nothing is secure. Every
 *	lookup has a deadline. A lookup never fails as a call: a failure
 *	is an answer of kind RC_ANS_FAIL with a reason.
 *
 *	The ignore-bogus mutant refetches with a second, permissive
 *	context (bogus data comes back, marked insecure); with the
 *	no-dnssec mutant the main context itself is permissive and every
 *	answer is insecure.
 *
 *	The parsers turn RDATA into MX and TLSA records, wire-format
 *	names and addresses into text.
 * OWNERSHIP
 *	rc_dns_create() returns a context the caller frees with
 *	rc_dns_free(); it copies the strings it is given. Lookups fill an
 *	rc_dns_answer in the caller's storage; the answer owns its RDATA
 *	copies and must be released with rc_dns_answer_free() after every
 *	lookup, whatever its kind. rc_dns_parse_mx() returns an array the
 *	caller frees with rc_dns_mx_free(); rc_dns_parse_tlsa() returns
 *	an array the caller frees with free(), whose records point into
 *	the answer (which must outlive them). Text goes into caller
 *	buffers; type names are static. Every other argument is borrowed
 *	for the duration of the call only.
 *--*/

#include <stddef.h>

#include "refclient/rc_policy.h"

#define RC_DNS_NAMELEN 1025

#define RC_DNS_T_A 1
#define RC_DNS_T_CNAME 5
#define RC_DNS_T_MX 15
#define RC_DNS_T_AAAA 28
#define RC_DNS_T_TLSA 52

/* A resolver context (opaque): one validating libunbound context, one
 * permissive context made on demand. */
typedef struct rc_dns rc_dns;

/*
 * One lookup's answer, in the caller's storage. data and len (count
 * entries each) are owned by the answer: rc_dns_answer_free().
 */
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

/*
 * rc_dns_create - a validating resolver context
 * @param resolver: IP address to forward to (copied), or NULL for the name
 *	servers of /etc/resolv.conf.
 * @param ta_file: trust anchor file, a DS or DNSKEY in master-file syntax
 *	(copied), or NULL: nothing can be secure.
 * @param timeout: deadline of each lookup in seconds (0 or less: 30).
 * @param mutants: RC_MUT_* mask (no-dnssec matters here).
 * @param err, errlen: caller buffer for the reason of a failure.
 * @return a new context, freed by the caller with rc_dns_free(); NULL on
 *	error, with the reason in err.
 */
extern rc_dns *rc_dns_create(const char *resolver, const char *ta_file,
                             int timeout, unsigned mutants, char *err,
                             size_t errlen);

/*
 * rc_dns_free - destroy a context (both libunbound contexts)
 * @param dns: from rc_dns_create(), or NULL (nothing happens). Answers
 *	already filled stay valid: they own their data.
 */
extern void rc_dns_free(rc_dns *);

/*
 * rc_dns_lookup - one validated lookup, with the context's deadline
 * @param dns: the context (borrowed).
 * @param name: query name, text (borrowed).
 * @param rrtype: RC_DNS_T_*.
 * @param answer: caller storage, overwritten: security status, kind,
 *	canonical name, copies of the RDATA. Release with
 *	rc_dns_answer_free(), also after a failure.
 */
extern void rc_dns_lookup(rc_dns *, const char *name, int rrtype,
                          rc_dns_answer *);

/*
 * rc_dns_lookup_unvalidated - the same lookup in permissive mode
 * (ignore-bogus mutant only): bogus data comes back, never secure, with
 * answer->unvalidated set. The permissive context is made on first use
 * and owned by DNS. Arguments and ownership as rc_dns_lookup().
 */
extern void rc_dns_lookup_unvalidated(rc_dns *, const char *name, int rrtype,
                                      rc_dns_answer *);

/*
 * rc_dns_answer_free - release the RDATA an answer holds
 * @param answer: filled by a lookup; the struct itself stays the
 *	caller's. Calling it twice is harmless.
 */
extern void rc_dns_answer_free(rc_dns_answer *);
/* rc_dns_keep_tlsa - the stale-tlsa-cache defect: TLSA answers are kept
 * in DIR and reused on later attempts, past their TTL; 0 or -1 */
extern int rc_dns_keep_tlsa(rc_dns *, const char *dir);

/*
 * rc_dns_name_str - one uncompressed wire-format name to text, absolute
 * @param wire, len: the RDATA (borrowed).
 * @param off: in: where the name starts; out: the byte after it.
 * @param buf, buflen: caller buffer for the text (special characters
 *	escaped as in master files).
 * @return 0, or -1 when the name is malformed or does not fit (*off is
 *	then unchanged).
 */
extern int rc_dns_name_str(const unsigned char *wire, size_t len, size_t *off,
                           char *buf, size_t buflen);

/*
 * rc_dns_parse_mx - the MX records of an answer
 * @param answer: a lookup's answer (borrowed; the result is independent).
 * @param mxp: out: a malloc()ed array of the records, each name
 *	malloc()ed; NULL when the result is 0 or -1.
 * @return the number of records; -1 on malformed RDATA or out of memory.
 *	The caller frees with rc_dns_mx_free(*mxp, count), where count is
 *	this result or what rc_policy_mx_prepare() returned for it.
 */
extern int rc_dns_parse_mx(const rc_dns_answer *, rc_mx **);

/*
 * rc_dns_mx_free - free an MX array and the first N names
 * @param mx: from rc_dns_parse_mx(), or NULL.
 * @param n: how many entries still own their name.
 */
extern void rc_dns_mx_free(rc_mx *, int);

/*
 * rc_dns_parse_tlsa - the TLSA records of an answer
 * @param answer: a lookup's answer; each record's data points into it,
 *	so it must outlive the records and not be freed before them.
 * @param tlsap: out: a malloc()ed array (the caller frees the array with
 *	free(), never the data); NULL when the result is 0 or -1. An RDATA
 *	too short to parse becomes usage 255 with no data.
 * @return the number of records; -1 when out of memory.
 */
extern int rc_dns_parse_tlsa(const rc_dns_answer *, rc_tlsa **);

/*
 * rc_dns_addr_str - one A or AAAA RDATA to text
 * @param rrtype: RC_DNS_T_A or RC_DNS_T_AAAA.
 * @param data, len: the RDATA (borrowed).
 * @param buf, buflen: caller buffer.
 * @return buf, or NULL when the RDATA has the wrong length or type.
 */
extern char *rc_dns_addr_str(int rrtype, const unsigned char *data, size_t len,
                             char *buf, size_t buflen);

/*
 * rc_dns_type_str - RR type name for logging
 * @return a static string ("?" for an unknown type).
 */
extern const char *rc_dns_type_str(int rrtype);

#endif
