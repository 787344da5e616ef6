/*++
 * NAME
 *	rc_mutant 3
 * SUMMARY
 *	deliberate defects of the reference client
 * DESCRIPTION
 *	The mutant table: name, flag, one line of documentation. The
 *	flags are tested where the defect lives: almost all in rc_policy.c,
 *	next to the rule they break (rc_route.c, rc_session.c, rc_tls.c and
 *	rc_deliver.c act on the policy's answer; rc_dns.c has no-dnssec and
 *	the permissive refetch of ignore-bogus). Nothing here allocates
 *	memory.
 *--*/

#include <string.h>

#include "refclient/rc_mutant.h"

typedef struct {
    const char *name;
    unsigned flag;
    const char *doc;
} rc_mutant_row;

static const rc_mutant_row rc_mutant_table[] = {
    {"no-dane", RC_MUT_NO_DANE,
     "never looks up TLSA; always plain opportunistic TLS without "
     "authentication"},
    {"cleartext-fallback", RC_MUT_CLEARTEXT_FALLBACK,
     "TLS mandatory (DANE or unusable TLSA) but STARTTLS not offered or "
     "refused: delivers in clear"},
    {"ignore-bogus", RC_MUT_IGNORE_BOGUS,
     "bogus/SERVFAIL MX, address and TLSA answers count as insecure (bogus "
     "data is used)"},
    {"accept-any-cert", RC_MUT_ACCEPT_ANY_CERT,
     "looks up TLSA and requires STARTTLS, but never hands the records to TLS: "
     "any certificate passes"},
    {"no-sni", RC_MUT_NO_SNI, "sends no SNI, not even with DANE"},
    {"no-next-mx", RC_MUT_NO_NEXT_MX,
     "on a host failure defers at once instead of trying the next MX host"},
    {"tlsa-for-insecure-address", RC_MUT_TLSA_INSECURE_ADDR,
     "looks up and enforces TLSA even when the host's addresses are insecure"},
    {"no-dnssec", RC_MUT_NO_DNSSEC,
     "does not validate: every answer is insecure, bogus data is used"},
    {"unusable-as-absent", RC_MUT_UNUSABLE_AS_ABSENT,
     "a TLSA RRset of only unusable records means no TLS requirement"},
    {"allow-tls10", RC_MUT_ALLOW_TLS10,
     "accepts TLS 1.0 and 1.1 (and security level 0) even with DANE"},
    {"accept-unauthenticated", RC_MUT_ACCEPT_UNAUTH,
     "DANE verification runs and fails, then delivers anyway over the "
     "unauthenticated TLS session"},
    {"pkix-fallback", RC_MUT_PKIX_FALLBACK,
     "when DANE authentication fails, accepts a chain that PKIX-validates "
     "(--ca-file) for the host name"},
    {"pkix-usages-usable", RC_MUT_PKIX_USAGES_USABLE,
     "TLSA usages 0 and 1 count as usable and are enforced with PKIX against "
     "--ca-file"},
    {"enforce-ee-name", RC_MUT_ENFORCE_EE_NAME,
     "DANE-EE(3) matches also need a certificate name matching a reference "
     "identifier"},
    {"enforce-ee-expiry", RC_MUT_ENFORCE_EE_EXPIRY,
     "DANE-EE(3) matches are refused when the leaf certificate is expired or "
     "not yet valid"},
    {"no-ta-namecheck", RC_MUT_NO_TA_NAMECHECK,
     "DANE-TA(2) matches need no certificate name check"},
    {"no-cname-expansion", RC_MUT_NO_CNAME_EXPANSION,
     "CNAME'd MX host: TLSA only at the original name, also for a secure chain "
     "(base domain and SNI = original)"},
    {"tlsa-at-original-only", RC_MUT_TLSA_ORIGINAL_FIRST,
     "CNAME'd MX host: TLSA at the original name first, the expanded name only "
     "when the original has none"},
    {"no-original-fallback", RC_MUT_NO_ORIGINAL_FALLBACK,
     "CNAME'd MX host: TLSA only at the expanded name, never at the original "
     "(misses RFC 7672 2.2.2 policy)"},
    {"weakest-digest", RC_MUT_WEAKEST_DIGEST,
     "no digest agility: SHA-256 records count although SHA-512 records of the "
     "same usage/selector exist"},
    {"sni-mx-name", RC_MUT_SNI_MX_NAME,
     "SNI is the MX host name as found in the MX record, not the TLSA base "
     "domain"},
    {"cleartext-retry", RC_MUT_CLEARTEXT_RETRY,
     "after a failed TLS handshake (or a connection lost after STARTTLS) "
     "reconnects and delivers in clear, even when TLS is mandatory"},
    {"permfail-as-tempfail", RC_MUT_PERMFAIL_AS_TEMPFAIL,
     "a 5xx reply counts as temporary: tries the next MX host, then defers "
     "instead of bouncing"},
    {"nodata-as-failure", RC_MUT_NODATA_AS_FAILURE,
     "a securely denied TLSA RRset (NODATA, NXDOMAIN) makes the host unusable, "
     "like a failed lookup"},
    {"dane-only", RC_MUT_DANE_ONLY,
     "DANE required for every destination: hosts without usable TLSA records "
     "are skipped"},
    {"ta-base-name-only", RC_MUT_TA_BASE_NAME_ONLY,
     "DANE-TA name checks accept only the TLSA base domain, not the next-hop "
     "domain of a secure MX lookup (RFC 7672 3.2.2)"},
    {"retry-downgrade", RC_MUT_RETRY_DOWNGRADE,
     "on a retry (--attempt 2 or later) gives up authentication: no TLSA "
     "lookup, opportunistic TLS, cleartext when STARTTLS fails"},
    {"stale-tlsa-cache", RC_MUT_STALE_TLSA_CACHE,
     "keeps TLSA answers and their DNSSEC status in --state DIR and reuses "
     "them on later attempts, past their TTL"},
};

#define RC_MUTANT_COUNT (sizeof(rc_mutant_table) / sizeof(rc_mutant_table[0]))

/* rc_mutant_parse - name to flag, 0 if unknown */

unsigned rc_mutant_parse(const char *name)
{
    size_t i;

    for (i = 0; i < RC_MUTANT_COUNT; i++)
        if (strcmp(rc_mutant_table[i].name, name) == 0)
            return (rc_mutant_table[i].flag);
    return (0);
}

/* rc_mutant_name - flag to name, NULL if unknown */

const char *rc_mutant_name(unsigned flag)
{
    size_t i;

    for (i = 0; i < RC_MUTANT_COUNT; i++)
        if (rc_mutant_table[i].flag == flag)
            return (rc_mutant_table[i].name);
    return (0);
}

/* rc_mutant_count - number of known mutants */

int rc_mutant_count(void)
{
    return ((int)RC_MUTANT_COUNT);
}

/* rc_mutant_usage - "  --mutant=NAME  doc" per mutant, wrapped at 79 */

#define RC_MUTANT_DOCCOL 38 /* where the documentation starts */

void rc_mutant_usage(FILE *fp)
{
    size_t i;

    for (i = 0; i < RC_MUTANT_COUNT; i++) {
        const char *doc = rc_mutant_table[i].doc;
        int col = fprintf(fp, "  --mutant=%-*s", RC_MUTANT_DOCCOL - 12,
                          rc_mutant_table[i].name);

        while (*doc) {
            size_t word = strcspn(doc, " ");

            if (col + 1 + (int)word > 79) {
                fprintf(fp, "\n%*s", RC_MUTANT_DOCCOL, "");
                col = RC_MUTANT_DOCCOL;
            } else {
                fputc(' ', fp);
                col++;
            }
            col += fprintf(fp, "%.*s", (int)word, doc);
            doc += word;
            doc += strspn(doc, " ");
        }
        fputc('\n', fp);
    }
}

/* rc_mutant_list - mask to "a,b,c" ("none" if empty) */

const char *rc_mutant_list(unsigned mask, char *buf, size_t len)
{
    size_t i;
    size_t used = 0;

    if (len == 0)
        return (buf);
    buf[0] = 0;
    for (i = 0; i < RC_MUTANT_COUNT; i++) {
        if ((mask & rc_mutant_table[i].flag) == 0)
            continue;
        used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
                         used ? "," : "", rc_mutant_table[i].name);
        if (used >= len)
            break;
    }
    if (buf[0] == 0)
        snprintf(buf, len, "none");
    return (buf);
}
