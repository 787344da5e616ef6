/*++
 * NAME
 *	rc_mutant 3
 * SUMMARY
 *	deliberate defects of the reference client
 * DESCRIPTION
 *	The mutant table: name, flag, one line of documentation. The
 *	flags are tested where the defect lives (rc_policy.c, rc_route.c,
 *	rc_session.c, rc_tls.c, rc_dns.c). Nothing here allocates memory.
 *--*/

#include <string.h>

#include "refclient/rc_mutant.h"

typedef struct {
    const char *name;
    unsigned flag;
    const char *doc;
} RC_MUTANT;

static const RC_MUTANT rc_mutant_table[] = {
    {"no-dane", RC_MUT_NO_DANE,
    "never looks up TLSA; always plain opportunistic TLS without authentication"},
    {"cleartext-fallback", RC_MUT_CLEARTEXT_FALLBACK,
    "TLS mandatory (DANE or unusable TLSA) but STARTTLS not offered or refused: delivers in clear"},
    {"ignore-bogus", RC_MUT_IGNORE_BOGUS,
    "bogus/SERVFAIL MX, address and TLSA answers count as insecure (bogus data is used)"},
    {"accept-any-cert", RC_MUT_ACCEPT_ANY_CERT,
    "does the DANE handshake but ignores the verification result"},
    {"no-sni", RC_MUT_NO_SNI,
    "sends no SNI, not even with DANE"},
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
};

#define RC_MUTANT_COUNT (sizeof(rc_mutant_table) / sizeof(rc_mutant_table[0]))

/* rc_mutant_parse - name to flag, 0 if unknown */

unsigned rc_mutant_parse(const char *name)
{
    size_t  i;

    for (i = 0; i < RC_MUTANT_COUNT; i++)
	if (strcmp(rc_mutant_table[i].name, name) == 0)
	    return (rc_mutant_table[i].flag);
    return (0);
}

/* rc_mutant_name - flag to name, NULL if unknown */

const char *rc_mutant_name(unsigned flag)
{
    size_t  i;

    for (i = 0; i < RC_MUTANT_COUNT; i++)
	if (rc_mutant_table[i].flag == flag)
	    return (rc_mutant_table[i].name);
    return (0);
}

/* rc_mutant_count - number of known mutants */

int     rc_mutant_count(void)
{
    return ((int) RC_MUTANT_COUNT);
}

/* rc_mutant_usage - one documentation line per mutant */

void    rc_mutant_usage(FILE *fp)
{
    size_t  i;

    for (i = 0; i < RC_MUTANT_COUNT; i++)
	fprintf(fp, "  --mutant=%-26s %s\n", rc_mutant_table[i].name,
		rc_mutant_table[i].doc);
}

/* rc_mutant_list - mask to "a,b,c" ("none" if empty) */

const char *rc_mutant_list(unsigned mask, char *buf, size_t len)
{
    size_t  i;
    size_t  used = 0;

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
