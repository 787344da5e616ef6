#ifndef RC_CACHE_H
#define RC_CACHE_H

/*++
 * NAME
 *	rc_cache 3h
 * SUMMARY
 *	TLSA answers kept across delivery attempts (mutant stale-tlsa-cache)
 * SYNOPSIS
 *	#include "refclient/rc_cache.h"
 * DESCRIPTION
 *	The defect of a client that keeps TLSA answers and their DNSSEC
 *	status past their TTL: rc_cache_save() writes an answer into the
 *	client's state folder (--state DIR), one file per query name;
 *	rc_cache_load() gives it back on a later attempt, however old.
 *	The correct client never calls them.
 * OWNERSHIP
 *	rc_cache_load() fills the caller's answer with new data, freed with
 *	rc_dns_answer_free(). Names and folders are borrowed.
 *--*/

#include "refclient/rc_dns.h"

/* rc_cache_load - the kept answer for NAME; 1 if there is one, else 0 */
extern int rc_cache_load(const char *dir, const char *name,
                         rc_dns_answer *answer);

/* rc_cache_save - keep ANSWER for NAME (atomically); 0 or -1 */
extern int rc_cache_save(const char *dir, const char *name,
                         const rc_dns_answer *answer);

#endif
