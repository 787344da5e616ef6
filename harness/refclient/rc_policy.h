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
} rc_sec;

typedef enum {
    RC_ANS_DATA,
    RC_ANS_NODATA,
    RC_ANS_NXDOMAIN,
    RC_ANS_FAIL,
} rc_ans;

extern const char *rc_sec_str(rc_sec);
extern const char *rc_ans_str(rc_ans);

/*
 * TLSA records. The data pointer is owned by whoever filled the struct.
 */
typedef struct {
    unsigned char usage;
    unsigned char selector;
    unsigned char mtype;
    unsigned char *data;
    size_t len;
} rc_tlsa;

typedef enum {
    RC_TLSA_USABLE,
    RC_TLSA_PKIX_USAGE,   /* usage 0 or 1: unusable in SMTP */
    RC_TLSA_BAD_USAGE,    /* usage > 3 */
    RC_TLSA_BAD_SELECTOR, /* selector > 1 */
    RC_TLSA_BAD_MTYPE,    /* matching type > 2 */
    RC_TLSA_BAD_LENGTH,   /* digest length or empty data */
    RC_TLSA_BAD_DATA,     /* Full(0) data that is not DER */
} rc_tlsa_class;

extern rc_tlsa_class rc_policy_tlsa_class(const rc_tlsa *);
extern const char *rc_policy_tlsa_class_str(rc_tlsa_class);
extern int rc_policy_tlsa_usable(const rc_tlsa *, unsigned mutants,
                                 rc_tlsa_class *);

/*
 * Digest algorithm agility (RFC 7671 9): among usable records, per
 * (usage, selector), only Full(0) records and the strongest digest type
 * present (SHA2-512 over SHA2-256) take part in matching. KEEP[i] is set
 * to 1 for the records that do; the count is returned.
 */
extern int rc_policy_tlsa_agility(const rc_tlsa *, int n, unsigned mutants,
                                  int *keep);

/*
 * What a host requires of TLS. RC_LEVEL_UNUSABLE: skip the host.
 */
typedef enum {
    RC_LEVEL_UNUSABLE,
    RC_LEVEL_OPPORTUNISTIC, /* pre-DANE: TLS if offered */
    RC_LEVEL_MANDATORY,     /* TLS, unauthenticated */
    RC_LEVEL_DANE,          /* TLS, DANE-authenticated */
} rc_level;

extern const char *rc_level_str(rc_level);

extern rc_level rc_policy_tlsa_level(rc_sec, rc_ans, int n_usable,
                                     unsigned mutants, const char **why);

/*
 * Next-hop MX lookup outcome.
 */
typedef enum {
    RC_MX_USE,      /* use the MX hosts */
    RC_MX_IMPLICIT, /* no MX: domain is its own host */
    RC_MX_BOUNCE,   /* domain does not exist */
    RC_MX_DEFER,    /* lookup failed: defer */
} rc_mx_action;

extern rc_mx_action rc_policy_mx_action(rc_sec, rc_ans, unsigned mutants,
                                        const char **why);

extern int rc_policy_want_refetch(rc_sec, unsigned mutants);

typedef struct {
    int pref;
    char *name; /* malloc()ed, absolute */
} rc_mx;

extern int rc_policy_mx_prepare(rc_mx *, int n, int *null_mx);

/*
 * Host addresses and TLSA base domains.
 */
extern int rc_policy_addr_usable(rc_sec a_sec, rc_ans a_ans, rc_sec aaaa_sec,
                                 rc_ans aaaa_ans, int *secure,
                                 const char **why);

/*
 * rc_policy_tlsa_bases() lists where to look up TLSA, in order, for HOST
 * (as found in the MX record) whose addresses were found at CANON (the
 * CNAME-expanded name, NULL or "" when none): nothing without a secure
 * MX RRset or secure addresses; HOST; CANON then HOST for a chain secure
 * to the end; HOST only when the first hop (FIRST_HOP_SECURE) is secure
 * but the chain ends insecure (RFC 7672 2.2.2, RFC 7671 7). The first
 * name with secure TLSA records is the TLSA base domain.
 */
#define RC_POLICY_MAX_BASES 2

extern int rc_policy_tlsa_bases(const char *host, const char *canon,
                                int mx_secure, int addr_secure,
                                int first_hop_secure, unsigned mutants,
                                const char **bases, const char **why);

/*
 * DANE-TA(2) reference identifiers: the TLSA base domain, the MX host
 * name as found in the MX record, the fully expanded name when the whole
 * CNAME chain is secure (CANON, NULL otherwise) and, for MX-resolved
 * delivery, the next-hop domain. Duplicates are dropped.
 */
#define RC_POLICY_MAX_REFIDS 4

extern int rc_policy_refids(const char *base, const char *mxhost,
                            const char *canon, const char *nexthop,
                            int mx_resolved, const char **refids);

/*
 * SMTP session decisions.
 */
typedef enum {
    RC_ACT_CLEAR,     /* deliver in clear */
    RC_ACT_HOST_FAIL, /* QUIT, next host */
} rc_action;

extern rc_action rc_policy_no_starttls(rc_level, unsigned mutants,
                                       const char **why);
extern const char *rc_policy_sni(rc_level, const char *base, const char *mxhost,
                                 unsigned mutants);

/*
 * What the TLS layer verifies for a DANE host (bit mask). The correct
 * client: RC_CHECK_VERIFY | RC_CHECK_TA_NAMES | RC_CHECK_AGILITY.
 */
#define RC_CHECK_VERIFY (1U << 0)     /* hand TLSA records to TLS */
#define RC_CHECK_TA_NAMES (1U << 1)   /* DANE-TA(2) name checks */
#define RC_CHECK_AGILITY (1U << 2)    /* ignore weaker digests */
#define RC_CHECK_EE_NAMES (1U << 3)   /* DANE-EE(3) name checks (wrong) */
#define RC_CHECK_EE_DATES (1U << 4)   /* DANE-EE(3) leaf dates (wrong) */
#define RC_CHECK_PKIX_STORE (1U << 5) /* --ca-file in the TLS store (wrong) */
/* PKIX after a DANE failure (wrong) */
#define RC_CHECK_PKIX_FALLBACK (1U << 6)

extern unsigned rc_policy_tls_checks(unsigned mutants);
extern int rc_policy_tls_accept(rc_level, int verify_ok, int dane_depth,
                                int pkix_ok, unsigned mutants,
                                const char **why);
extern int rc_policy_reply_class(int code, unsigned mutants);

/*
 * rc_policy_host_level() may override the level from DNS (a local
 * policy; only the dane-only mutant does), with a reason in why (NULL
 * when unchanged). rc_policy_cleartext_retry() says whether to reconnect
 * without STARTTLS after STARTTLS was sent and TLS failed (never, for the
 * correct client).
 */
extern rc_level rc_policy_host_level(rc_level, unsigned mutants,
                                     const char **why);
extern int rc_policy_cleartext_retry(rc_level, int starttls_sent, int tls_done,
                                     unsigned mutants);

/*
 * Name helpers.
 */
extern int rc_policy_name_eq(const char *, const char *);
extern char *rc_policy_strip_dot(const char *, char *buf, size_t len);
extern char *rc_policy_fqdn(const char *, char *buf, size_t len);

#endif
