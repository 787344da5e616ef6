#ifndef RC_MUTANT_H
#define RC_MUTANT_H

/*++
 * NAME
 *	rc_mutant 3h
 * SUMMARY
 *	deliberate defects of the reference client
 * SYNOPSIS
 *	#include "refclient/rc_mutant.h"
 * DESCRIPTION
 *	A mutant is one deliberate RFC 7672 defect, switched on with
 *	--mutant=NAME. The harness proves each scenario can fail by
 *	running the reference client with the mutant that targets it.
 *	A set of mutants is a bit mask of RC_MUT_* flags.
 * OWNERSHIP
 *	Nothing allocates. Names are static strings; lists are written
 *	into caller buffers.
 *--*/

#include <stdio.h>

#define RC_MUT_NO_DANE (1U << 0)
#define RC_MUT_CLEARTEXT_FALLBACK (1U << 1)
#define RC_MUT_IGNORE_BOGUS (1U << 2)
#define RC_MUT_ACCEPT_ANY_CERT (1U << 3)
#define RC_MUT_NO_SNI (1U << 4)
#define RC_MUT_NO_NEXT_MX (1U << 5)
#define RC_MUT_TLSA_INSECURE_ADDR (1U << 6)
#define RC_MUT_NO_DNSSEC (1U << 7)
#define RC_MUT_UNUSABLE_AS_ABSENT (1U << 8)
#define RC_MUT_ALLOW_TLS10 (1U << 9)
#define RC_MUT_ACCEPT_UNAUTH (1U << 10)
#define RC_MUT_PKIX_FALLBACK (1U << 11)
#define RC_MUT_PKIX_USAGES_USABLE (1U << 12)
#define RC_MUT_ENFORCE_EE_NAME (1U << 13)
#define RC_MUT_ENFORCE_EE_EXPIRY (1U << 14)
#define RC_MUT_NO_TA_NAMECHECK (1U << 15)
#define RC_MUT_NO_CNAME_EXPANSION (1U << 16)
#define RC_MUT_TLSA_ORIGINAL_FIRST (1U << 17)
#define RC_MUT_NO_ORIGINAL_FALLBACK (1U << 18)
#define RC_MUT_WEAKEST_DIGEST (1U << 19)
#define RC_MUT_SNI_MX_NAME (1U << 20)
#define RC_MUT_CLEARTEXT_RETRY (1U << 21)
#define RC_MUT_PERMFAIL_AS_TEMPFAIL (1U << 22)
#define RC_MUT_NODATA_AS_FAILURE (1U << 23)
#define RC_MUT_DANE_ONLY (1U << 24)
#define RC_MUT_TA_BASE_NAME_ONLY (1U << 25)
#define RC_MUT_RETRY_DOWNGRADE (1U << 26)
#define RC_MUT_STALE_TLSA_CACHE (1U << 27)

/*
 * rc_mutant_parse - the flag of a mutant name
 * @return its RC_MUT_* flag, 0 when NAME is unknown.
 */
extern unsigned rc_mutant_parse(const char *name);

/*
 * rc_mutant_name - the name of one flag
 * @return a static string, NULL when FLAG is not one mutant.
 */
extern const char *rc_mutant_name(unsigned flag);

/*
 * rc_mutant_usage - "  --mutant=NAME  what it breaks", one per mutant,
 * wrapped at 79 columns, to FP (borrowed)
 */
extern void rc_mutant_usage(FILE *fp);

/*
 * rc_mutant_list - a mask as "a,b,c" ("none" when empty)
 * @param buf, len: caller buffer; the list is truncated to fit.
 * @return buf.
 */
extern const char *rc_mutant_list(unsigned mask, char *buf, size_t len);

/* rc_mutant_count - how many mutants there are */
extern int rc_mutant_count(void);

#endif
