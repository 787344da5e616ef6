#ifndef RC_POLICY_H
#define RC_POLICY_H

/*++
 * NAME
 *	rc_policy 3h
 * SUMMARY
 *	RFC 7672 decisions of the reference client, without I/O
 * SYNOPSIS
 *	#include "refclient/rc_policy.h"
 * DESCRIPTION
 *	Pure functions: they look at DNS statuses, TLSA records and the
 *	mutant mask and say what to do. No network, no allocation except
 *	where stated. Unit-tested in tests/check_refclient.c.
 *
 *	DNS answers are described by a security status (RC_SEC_*) and a
 *	kind (RC_ANS_*). A bogus answer is RC_SEC_BOGUS; SERVFAIL or a
 *	timeout without a validation failure is RC_SEC_INDETERMINATE;
 *	both come with RC_ANS_FAIL.
 *
 *	Host names are absolute ("mx1.foo.danelab.", trailing dot).
 *	Every "why" output is a static string.
 *--*/

#include <stddef.h>

typedef enum {
    RC_SEC_SECURE,
    RC_SEC_INSECURE,
    RC_SEC_BOGUS,
    RC_SEC_INDETERMINATE,
} RC_SEC;

typedef enum {
    RC_ANS_DATA,
    RC_ANS_NODATA,
    RC_ANS_NXDOMAIN,
    RC_ANS_FAIL,
} RC_ANS;

extern const char *rc_sec_str(RC_SEC);
extern const char *rc_ans_str(RC_ANS);

/*
 * TLSA records. The data pointer is owned by whoever filled the struct.
 */
typedef struct {
    unsigned char usage;
    unsigned char selector;
    unsigned char mtype;
    unsigned char *data;
    size_t  len;
} RC_TLSA;

typedef enum {
    RC_TLSA_USABLE,
    RC_TLSA_PKIX_USAGE,			/* usage 0 or 1: unusable in SMTP */
    RC_TLSA_BAD_USAGE,			/* usage > 3 */
    RC_TLSA_BAD_SELECTOR,		/* selector > 1 */
    RC_TLSA_BAD_MTYPE,			/* matching type > 2 */
    RC_TLSA_BAD_LENGTH,			/* digest length or empty data */
    RC_TLSA_BAD_DATA,			/* Full(0) data that is not DER */
} RC_TLSA_CLASS;

extern RC_TLSA_CLASS rc_policy_tlsa_class(const RC_TLSA *);
extern const char *rc_policy_tlsa_class_str(RC_TLSA_CLASS);

/*
 * What a host requires of TLS. RC_LEVEL_UNUSABLE: skip the host.
 */
typedef enum {
    RC_LEVEL_UNUSABLE,
    RC_LEVEL_OPPORTUNISTIC,		/* pre-DANE: TLS if offered */
    RC_LEVEL_MANDATORY,			/* TLS, unauthenticated */
    RC_LEVEL_DANE,			/* TLS, DANE-authenticated */
} RC_LEVEL;

extern const char *rc_level_str(RC_LEVEL);

extern RC_LEVEL rc_policy_tlsa_level(RC_SEC, RC_ANS, int n_usable,
				             unsigned mutants, const char **why);

/*
 * Next-hop MX lookup outcome.
 */
typedef enum {
    RC_MX_USE,				/* use the MX hosts */
    RC_MX_IMPLICIT,			/* no MX: domain is its own host */
    RC_MX_BOUNCE,			/* domain does not exist */
    RC_MX_DEFER,			/* lookup failed: defer */
} RC_MX_ACTION;

extern RC_MX_ACTION rc_policy_mx_action(RC_SEC, RC_ANS, unsigned mutants,
					        const char **why);

extern int rc_policy_want_refetch(RC_SEC, unsigned mutants);

typedef struct {
    int     pref;
    char   *name;			/* malloc()ed, absolute */
} RC_MX;

extern int rc_policy_mx_prepare(RC_MX *, int n, int *null_mx);

/*
 * Host addresses and TLSA base domains.
 */
extern int rc_policy_addr_usable(RC_SEC a_sec, RC_ANS a_ans,
				         RC_SEC aaaa_sec, RC_ANS aaaa_ans,
				         int *secure, const char **why);

#define RC_POLICY_MAX_BASES	2

extern int rc_policy_tlsa_bases(const char *host, const char *canon,
				        int mx_secure, int addr_secure,
				        int first_hop_secure, unsigned mutants,
				        const char **bases, const char **why);

#define RC_POLICY_MAX_REFIDS	3

extern int rc_policy_refids(const char *base, const char *mxhost,
			            const char *nexthop, int mx_resolved,
			            const char **refids);

/*
 * SMTP session decisions.
 */
typedef enum {
    RC_ACT_CLEAR,			/* deliver in clear */
    RC_ACT_HOST_FAIL,			/* QUIT, next host */
} RC_ACTION;

extern RC_ACTION rc_policy_no_starttls(RC_LEVEL, unsigned mutants,
				               const char **why);
extern const char *rc_policy_sni(RC_LEVEL, const char *base,
				         unsigned mutants);
extern int rc_policy_tls_accept(RC_LEVEL, int verify_ok, int dane_depth,
				        unsigned mutants, const char **why);
extern int rc_policy_reply_class(int code);

/*
 * Name helpers.
 */
extern int rc_policy_name_eq(const char *, const char *);
extern char *rc_policy_strip_dot(const char *, char *buf, size_t len);
extern char *rc_policy_fqdn(const char *, char *buf, size_t len);

#endif
