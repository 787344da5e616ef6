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
 *	mutant mask and say what to do. No network. Unit-tested in
 *	tests/check_refclient.c. The mutant flags that change a decision
 *	are tested here, next to the rule they break.
 *
 *	DNS answers are described by a security status (RC_SEC_*) and a
 *	kind (RC_ANS_*). A bogus answer is RC_SEC_BOGUS; SERVFAIL or a
 *	timeout without a validation failure is RC_SEC_INDETERMINATE;
 *	both come with RC_ANS_FAIL.
 *
 *	Host names are absolute ("mx1.foo.danelab.", trailing dot).
 * OWNERSHIP
 *	Nothing here keeps an allocation past the call. The one function
 *	that frees what it was given is rc_policy_mx_prepare(): the names
 *	of the MX entries it drops.
 *	Every "why" output and every *_str() result is a static string.
 *	Pointers returned or stored (TLSA bases, reference identifiers,
 *	the SNI name) are the caller's own arguments, valid as long as
 *	those are. Name helpers write into caller buffers. All other
 *	arguments are borrowed for the duration of the call.
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

/* rc_sec_str - name of a security status; static string */
extern const char *rc_sec_str(rc_sec);

/* rc_ans_str - name of an answer kind; static string */
extern const char *rc_ans_str(rc_ans);

/*
 * TLSA records. The data pointer is owned by whoever filled the struct
 * (rc_dns_parse_tlsa(): the answer; rc_route: the host, malloc()ed).
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

/*
 * rc_policy_tlsa_class - RFC 7672 3.1.3: is one record usable in SMTP?
 * @param rec: the record (borrowed); Full(0) data is parsed as DER.
 * @return its class.
 */
extern rc_tlsa_class rc_policy_tlsa_class(const rc_tlsa *);

/* rc_policy_tlsa_class_str - why a record is (un)usable; static string */
extern const char *rc_policy_tlsa_class_str(rc_tlsa_class);

/*
 * rc_policy_tlsa_usable - rc_policy_tlsa_class() with the mutants
 * (pkix-usages-usable makes usages 0 and 1 count)
 * @param rec: the record (borrowed).
 * @param mutants: RC_MUT_* mask.
 * @param cls: out: the record's class, as rc_policy_tlsa_class().
 * @return 1 when the record counts as usable, else 0.
 */
extern int rc_policy_tlsa_usable(const rc_tlsa *, unsigned mutants,
                                 rc_tlsa_class *);

/*
 * rc_policy_tlsa_agility - digest algorithm agility (RFC 7671 9): among
 * usable records, per (usage, selector), only Full(0) records and the
 * strongest digest type present (SHA2-512 over SHA2-256) take part in
 * matching (all of them with the weakest-digest mutant).
 * @param recs, n: the usable records (borrowed).
 * @param mutants: RC_MUT_* mask.
 * @param keep: caller array of N: keep[i] is set to 1 for the records
 *	that take part, else 0.
 * @return how many take part.
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

/* rc_level_str - name of a TLS level; static string */
extern const char *rc_level_str(rc_level);

/*
 * rc_policy_tlsa_level - RFC 7672 2.2, 2.3: a TLSA lookup to a TLS level
 * @param sec, ans: status and kind of the TLSA answer.
 * @param n_usable: usable records in it (rc_policy_tlsa_usable()).
 * @param mutants: RC_MUT_* mask.
 * @param why: out: the reason, a static string.
 * @return the level; RC_LEVEL_UNUSABLE for a failed or bogus lookup.
 */
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

/*
 * rc_policy_mx_action - RFC 7672 2.1.2, 2.2.1: the next-hop MX lookup
 * @param sec, ans: status and kind of the MX answer.
 * @param mutants: RC_MUT_* mask.
 * @param why: out: the reason, a static string.
 * @return what to do with the next hop.
 */
extern rc_mx_action rc_policy_mx_action(rc_sec, rc_ans, unsigned mutants,
                                        const char **why);

/*
 * rc_policy_want_refetch - fetch a failed answer again without
 * validation? (ignore-bogus mutant only)
 * @return 1 or 0.
 */
extern int rc_policy_want_refetch(rc_sec, unsigned mutants);

/* One MX record (rc_dns_parse_mx()); the array owns the names. */
typedef struct {
    int pref;
    char *name; /* malloc()ed, absolute */
} rc_mx;

/*
 * rc_policy_mx_prepare - delivery order: sort by preference then name,
 * drop the null MX (".") and duplicate names
 * @param mx, n: from rc_dns_parse_mx(); sorted and compacted in place.
 *	The names of dropped entries are freed here.
 * @param null_mx: out: 1 when a null MX was among them, else 0.
 * @return the number of entries left at the front of MX: free the array
 *	with rc_dns_mx_free(mx, result), never with the old N.
 */
extern int rc_policy_mx_prepare(rc_mx *, int n, int *null_mx);

/*
 * rc_policy_addr_usable - RFC 7672 2.1.2, 2.2.2: the host address lookups
 * @param a_sec, a_ans: status and kind of the A answer.
 * @param aaaa_sec, aaaa_ans: status and kind of the AAAA answer.
 * @param secure: out: 1 when every answer relied on is secure.
 * @param why: out: the reason, a static string.
 * @return 1 when the addresses may be used, 0 when the host is unusable.
 */
extern int rc_policy_addr_usable(rc_sec a_sec, rc_ans a_ans, rc_sec aaaa_sec,
                                 rc_ans aaaa_ans, int *secure,
                                 const char **why);

/*
 * rc_policy_tlsa_bases - where to look up TLSA, in order (RFC 7672 2.2.2,
 * RFC 7671 7): nothing without a secure MX RRset or secure addresses;
 * HOST; CANON then HOST for a chain secure to the end; HOST only when
 * the first hop is secure but the chain ends insecure. The first name
 * with secure TLSA records is the TLSA base domain.
 * @param host: the host as found in the MX record.
 * @param canon: the CNAME-expanded name its addresses were found at;
 *	NULL or "" when none.
 * @param mx_secure, addr_secure: MX RRset and addresses secure.
 * @param first_hop_secure: the first CNAME hop is secure.
 * @param mutants: RC_MUT_* mask.
 * @param bases: caller array of RC_POLICY_MAX_BASES; filled with HOST or
 *	CANON themselves (not copies).
 * @param why: out: the reason, a static string.
 * @return how many entries of BASES were filled (0 to 2).
 */
#define RC_POLICY_MAX_BASES 2

extern int rc_policy_tlsa_bases(const char *host, const char *canon,
                                int mx_secure, int addr_secure,
                                int first_hop_secure, unsigned mutants,
                                const char **bases, const char **why);

/*
 * rc_policy_refids - RFC 7672 3.2.2: DANE-TA(2) reference identifiers:
 * the TLSA base domain, the MX host name as found in the MX record, the
 * fully expanded name when the whole CNAME chain is secure and, for
 * MX-resolved delivery, the next-hop domain. Duplicates are dropped.
 * @param base, mxhost, nexthop: absolute names; NULL or "" are skipped.
 * @param canon: the expanded name of a secure chain, NULL otherwise.
 * @param mx_resolved: the host came from MX records.
 * @param refids: caller array of RC_POLICY_MAX_REFIDS, filled with the
 *	argument pointers themselves (not copies); refids[0] is BASE
 *	when BASE is set.
 * @return how many entries were filled.
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

/*
 * rc_policy_no_starttls - RFC 7672 2.2: STARTTLS not offered or refused
 * @param level: the host's TLS level.
 * @param mutants: RC_MUT_* mask.
 * @param why: out: the reason, a static string.
 * @return deliver in clear, or fail this host.
 */
extern rc_action rc_policy_no_starttls(rc_level, unsigned mutants,
                                       const char **why);

/*
 * rc_policy_sni - RFC 7672 8.1: the SNI name, the TLSA base domain with
 * DANE
 * @param level: the host's TLS level.
 * @param base, mxhost: TLSA base domain and MX host name.
 * @param mutants: RC_MUT_* mask.
 * @return BASE or MXHOST itself, or NULL: send no SNI.
 */
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

/* rc_policy_tls_checks - the RC_CHECK_* mask of a mutant mask */
extern unsigned rc_policy_tls_checks(unsigned mutants);

/*
 * rc_policy_tls_accept - may the session go on after the handshake?
 * @param level: the host's TLS level.
 * @param verify_ok, dane_depth: rc_tls_result's verification outcome.
 * @param pkix_ok: the chain is PKIX-valid against --ca-file.
 * @param mutants: RC_MUT_* mask.
 * @param why: out: the reason, a static string.
 * @return 1 to go on, 0 when the host is unusable.
 */
extern int rc_policy_tls_accept(rc_level, int verify_ok, int dane_depth,
                                int pkix_ok, unsigned mutants,
                                const char **why);

/*
 * rc_policy_reply_class - what an SMTP reply code means
 * @return 2 go on, 4 try the next host, 5 bounce.
 */
extern int rc_policy_reply_class(int code, unsigned mutants);

/*
 * rc_policy_host_level - the last word on a host's level: a local policy
 * may override the level from DNS (only the dane-only mutant does)
 * @param why: out: the reason, a static string; NULL when unchanged.
 * @return the level to use.
 */
extern rc_level rc_policy_host_level(rc_level, unsigned mutants,
                                     const char **why);

/*
 * rc_policy_cleartext_retry - reconnect without STARTTLS after STARTTLS
 * was sent and TLS failed? (never, for the correct client)
 * @return 1 or 0.
 */
extern int rc_policy_cleartext_retry(rc_level, int starttls_sent, int tls_done,
                                     unsigned mutants);

/*
 * rc_policy_name_eq - domain names equal, case and final dot ignored?
 * @return 1 or 0.
 */
extern int rc_policy_name_eq(const char *, const char *);

/*
 * rc_policy_strip_dot - a name without its final dot (for TLS)
 * @param buf, len: caller buffer; the name is truncated to fit.
 * @return buf.
 */
extern char *rc_policy_strip_dot(const char *, char *buf, size_t len);

/*
 * rc_policy_fqdn - a name in lower case with a final dot
 * @param buf, len: caller buffer; the name is truncated to fit.
 * @return buf.
 */
extern char *rc_policy_fqdn(const char *, char *buf, size_t len);

#endif
