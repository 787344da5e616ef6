/*++
 * NAME
 *	rc_policy 3
 * SUMMARY
 *	RFC 7672 decisions of the reference client, without I/O
 * DESCRIPTION
 *	See rc_policy.h. The mutant flags that change a decision are
 *	tested here, next to the rule they break.
 *--*/

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/x509.h>

#include "refclient/rc_mutant.h"
#include "refclient/rc_policy.h"

/* rc_sec_str - security status name */

const char *rc_sec_str(rc_sec sec)
{
    switch (sec) {
    case RC_SEC_SECURE:
        return ("secure");
    case RC_SEC_INSECURE:
        return ("insecure");
    case RC_SEC_BOGUS:
        return ("bogus");
    case RC_SEC_INDETERMINATE:
        return ("indeterminate");
    }
    return ("?");
}

/* rc_ans_str - answer kind name */

const char *rc_ans_str(rc_ans ans)
{
    switch (ans) {
    case RC_ANS_DATA:
        return ("data");
    case RC_ANS_NODATA:
        return ("NODATA");
    case RC_ANS_NXDOMAIN:
        return ("NXDOMAIN");
    case RC_ANS_FAIL:
        return ("failure");
    }
    return ("?");
}

/* rc_level_str - TLS level name */

const char *rc_level_str(rc_level level)
{
    switch (level) {
    case RC_LEVEL_UNUSABLE:
        return ("host unusable");
    case RC_LEVEL_OPPORTUNISTIC:
        return ("opportunistic TLS");
    case RC_LEVEL_MANDATORY:
        return ("TLS mandatory (unauthenticated)");
    case RC_LEVEL_DANE:
        return ("DANE mandatory");
    }
    return ("?");
}

/* rc_policy_der_ok - does Full(0) data parse completely? */

static int rc_policy_der_ok(const rc_tlsa *rec)
{
    const unsigned char *p = rec->data;
    long len = (long)rec->len;
    int ok = 0;

    if (rec->selector == 0) {
        X509 *cert = d2i_X509(0, &p, len);

        ok = (cert != 0 && p == rec->data + rec->len);
        X509_free(cert);
    } else {
        EVP_PKEY *pkey = d2i_PUBKEY(0, &p, len);

        ok = (pkey != 0 && p == rec->data + rec->len);
        EVP_PKEY_free(pkey);
    }
    return (ok);
}

/* rc_policy_tlsa_fields - selector, matching type and data of one record */

static rc_tlsa_class rc_policy_tlsa_fields(const rc_tlsa *rec)
{
    if (rec->selector > 1)
        return (RC_TLSA_BAD_SELECTOR);
    switch (rec->mtype) {
    case 0:
        if (rec->len == 0 || rec->data == 0)
            return (RC_TLSA_BAD_LENGTH);
        return (rc_policy_der_ok(rec) ? RC_TLSA_USABLE : RC_TLSA_BAD_DATA);
    case 1:
        return (rec->len == 32 ? RC_TLSA_USABLE : RC_TLSA_BAD_LENGTH);
    case 2:
        return (rec->len == 64 ? RC_TLSA_USABLE : RC_TLSA_BAD_LENGTH);
    default:
        return (RC_TLSA_BAD_MTYPE);
    }
}

/* rc_policy_tlsa_class - is this TLSA record usable for SMTP? */

rc_tlsa_class rc_policy_tlsa_class(const rc_tlsa *rec)
{
    if (rec->usage == 0 || rec->usage == 1)
        return (RC_TLSA_PKIX_USAGE);
    if (rec->usage > 3)
        return (RC_TLSA_BAD_USAGE);
    return (rc_policy_tlsa_fields(rec));
}

/* rc_policy_tlsa_usable - RFC 7672 3.1.3: usable here, with mutants */

int rc_policy_tlsa_usable(const rc_tlsa *rec, unsigned mutants,
                          rc_tlsa_class *cls)
{
    *cls = rc_policy_tlsa_class(rec);
    if (*cls == RC_TLSA_USABLE)
        return (1);
    if (*cls == RC_TLSA_PKIX_USAGE && (mutants & RC_MUT_PKIX_USAGES_USABLE) &&
        rc_policy_tlsa_fields(rec) == RC_TLSA_USABLE)
        return (1);
    return (0);
}

/* rc_policy_mtype_rank - digest strength for agility; 0 for Full(0) */

static int rc_policy_mtype_rank(int mtype)
{
    return (mtype == 2 ? 2 : mtype == 1 ? 1 : 0);
}

/* rc_policy_tlsa_agility - RFC 7671 9: drop weaker digests per usage/selector
 */

int rc_policy_tlsa_agility(const rc_tlsa *recs, int n, unsigned mutants,
                           int *keep)
{
    int best[4][2];
    int kept = 0;
    int i;

    memset(best, 0, sizeof(best));
    for (i = 0; i < n; i++) {
        const rc_tlsa *t = recs + i;
        int rank = rc_policy_mtype_rank(t->mtype);

        if (t->usage < 4 && t->selector < 2 &&
            rank > best[t->usage][t->selector])
            best[t->usage][t->selector] = rank;
    }
    for (i = 0; i < n; i++) {
        const rc_tlsa *t = recs + i;
        int rank = rc_policy_mtype_rank(t->mtype);

        keep[i] = (mutants & RC_MUT_WEAKEST_DIGEST) || rank == 0 ||
                  t->usage > 3 || t->selector > 1 ||
                  rank == best[t->usage][t->selector];
        kept += keep[i];
    }
    return (kept);
}

/* rc_policy_tlsa_class_str - why a record is (un)usable */

const char *rc_policy_tlsa_class_str(rc_tlsa_class cls)
{
    switch (cls) {
    case RC_TLSA_USABLE:
        return ("usable");
    case RC_TLSA_PKIX_USAGE:
        return ("unusable: PKIX usage in SMTP");
    case RC_TLSA_BAD_USAGE:
        return ("unusable: unknown usage");
    case RC_TLSA_BAD_SELECTOR:
        return ("unusable: unknown selector");
    case RC_TLSA_BAD_MTYPE:
        return ("unusable: unknown matching type");
    case RC_TLSA_BAD_LENGTH:
        return ("unusable: wrong data length");
    case RC_TLSA_BAD_DATA:
        return ("unusable: malformed DER data");
    }
    return ("?");
}

/* rc_policy_tlsa_level - RFC 7672 2.2/2.3: TLSA lookup result to TLS level */

rc_level rc_policy_tlsa_level(rc_sec sec, rc_ans ans, int n_usable,
                              unsigned mutants, const char **why)
{
    if (sec == RC_SEC_BOGUS || sec == RC_SEC_INDETERMINATE ||
        ans == RC_ANS_FAIL) {
        if (mutants & RC_MUT_IGNORE_BOGUS) {
            *why = "failed lookup treated as insecure (mutant ignore-bogus)";
            return (RC_LEVEL_OPPORTUNISTIC);
        }
        *why = sec == RC_SEC_BOGUS ? "TLSA bogus" : "TLSA lookup failed";
        return (RC_LEVEL_UNUSABLE);
    }
    if (sec != RC_SEC_SECURE) {
        *why = "insecure TLSA ignored";
        return (RC_LEVEL_OPPORTUNISTIC);
    }
    if (ans != RC_ANS_DATA) {
        if (mutants & RC_MUT_NODATA_AS_FAILURE) {
            *why = "no TLSA records, treated as a failed lookup (mutant "
                   "nodata-as-failure)";
            return (RC_LEVEL_UNUSABLE);
        }
        *why = "no TLSA records (secure denial)";
        return (RC_LEVEL_OPPORTUNISTIC);
    }
    if (n_usable > 0) {
        *why = "usable TLSA records";
        return (RC_LEVEL_DANE);
    }
    if (mutants & RC_MUT_UNUSABLE_AS_ABSENT) {
        *why = "only unusable records, treated as absent (mutant "
               "unusable-as-absent)";
        return (RC_LEVEL_OPPORTUNISTIC);
    }
    *why = "only unusable records";
    return (RC_LEVEL_MANDATORY);
}

/* rc_policy_want_refetch - fetch a failed answer without validation? */

int rc_policy_want_refetch(rc_sec sec, unsigned mutants)
{
    return ((mutants & RC_MUT_IGNORE_BOGUS) &&
            (sec == RC_SEC_BOGUS || sec == RC_SEC_INDETERMINATE));
}

/* rc_policy_mx_action - RFC 7672 2.1.2/2.2.1: next-hop MX lookup result */

rc_mx_action rc_policy_mx_action(rc_sec sec, rc_ans ans, unsigned mutants,
                                 const char **why)
{
    if (sec == RC_SEC_BOGUS || sec == RC_SEC_INDETERMINATE ||
        ans == RC_ANS_FAIL) {
        if (mutants & RC_MUT_IGNORE_BOGUS) {
            *why = "failed MX lookup treated as no MX (mutant ignore-bogus)";
            return (RC_MX_IMPLICIT);
        }
        *why = sec == RC_SEC_BOGUS ? "MX lookup bogus" : "MX lookup failed";
        return (RC_MX_DEFER);
    }
    switch (ans) {
    case RC_ANS_NXDOMAIN:
        *why = "domain does not exist (NXDOMAIN)";
        return (RC_MX_BOUNCE);
    case RC_ANS_NODATA:
        *why = "no MX records: implicit MX";
        return (RC_MX_IMPLICIT);
    default:
        *why = "MX records";
        return (RC_MX_USE);
    }
}

/* rc_policy_mx_cmp - preference, then name: deterministic order */

static int rc_policy_mx_cmp(const void *a, const void *b)
{
    const rc_mx *ma = a;
    const rc_mx *mb = b;

    int cmp;

    if (ma->pref != mb->pref)
        return (ma->pref < mb->pref ? -1 : 1);
    if ((cmp = strcasecmp(ma->name, mb->name)) != 0)
        return (cmp);
    return (strcmp(ma->name, mb->name));
}

/* rc_policy_mx_prepare - sort, drop null MX and duplicates; return count */

int rc_policy_mx_prepare(rc_mx *mx, int n, int *null_mx)
{
    int i;
    int j;
    int out = 0;

    *null_mx = 0;
    qsort(mx, n, sizeof(*mx), rc_policy_mx_cmp);
    for (i = 0; i < n; i++) {
        int dup = 0;

        if (strcmp(mx[i].name, ".") == 0) {
            *null_mx = 1;
            dup = 1;
        }
        for (j = 0; !dup && j < out; j++)
            if (rc_policy_name_eq(mx[j].name, mx[i].name))
                dup = 1;
        if (dup) {
            free(mx[i].name);
            mx[i].name = 0;
            continue;
        }
        mx[out++] = mx[i];
    }
    return (out);
}

/* rc_policy_addr_usable - RFC 7672 2.1.2/2.2.2: host address lookups */

int rc_policy_addr_usable(rc_sec a_sec, rc_ans a_ans, rc_sec aaaa_sec,
                          rc_ans aaaa_ans, int *secure, const char **why)
{
    *secure = 0;
    if (a_sec == RC_SEC_BOGUS || aaaa_sec == RC_SEC_BOGUS) {
        *why = a_sec == RC_SEC_BOGUS ? "A bogus" : "AAAA bogus";
        return (0);
    }
    if (a_ans != RC_ANS_DATA && aaaa_ans != RC_ANS_DATA) {
        if (a_ans == RC_ANS_FAIL || aaaa_ans == RC_ANS_FAIL)
            *why = "address lookup failed";
        else
            *why = "no address records";
        return (0);
    }

    /*
     * Secure only if every answer we rely on (not a failed one) is secure.
     */
    *secure = (a_ans == RC_ANS_FAIL || a_sec == RC_SEC_SECURE) &&
              (aaaa_ans == RC_ANS_FAIL || aaaa_sec == RC_SEC_SECURE);
    *why = *secure ? "addresses secure" : "addresses insecure";
    return (1);
}

/* rc_policy_chain_bases - TLSA bases for a CNAME chain secure to the end */

static int rc_policy_chain_bases(const char *host, const char *canon,
                                 unsigned mutants, const char **bases,
                                 const char **why)
{
    /*
     * RFC 7672 2.2.2, RFC 7671 7: the whole chain is secure. The fully
     * expanded name first, the original name when it has no TLSA.
     */
    if (mutants & RC_MUT_NO_CNAME_EXPANSION) {
        *why = "secure CNAME chain: TLSA at the original name only (mutant "
               "no-cname-expansion)";
        bases[0] = host;
        return (1);
    }
    if (mutants & RC_MUT_NO_ORIGINAL_FALLBACK) {
        *why = "secure CNAME chain: TLSA at the expanded name only (mutant "
               "no-original-fallback)";
        bases[0] = canon;
        return (1);
    }
    if (mutants & RC_MUT_TLSA_ORIGINAL_FIRST) {
        *why = "secure CNAME chain: TLSA at the original name first "
               "(mutant tlsa-at-original-only)";
        bases[0] = host;
        bases[1] = canon;
        return (2);
    }
    *why = "secure CNAME chain: TLSA at the expanded name, then the original";
    bases[0] = canon;
    bases[1] = host;
    return (2);
}

/* rc_policy_tlsa_bases - RFC 7672 2.2.2/2.3: where to look up TLSA */

int rc_policy_tlsa_bases(const char *host, const char *canon, int mx_secure,
                         int addr_secure, int first_hop_secure,
                         unsigned mutants, const char **bases, const char **why)
{
    int cname = (canon != 0 && *canon != 0 && !rc_policy_name_eq(host, canon));

    if (mutants & RC_MUT_NO_DANE) {
        *why = "no TLSA lookup (mutant no-dane)";
        return (0);
    }
    if (!mx_secure) {
        *why = "MX insecure: no TLSA lookup, no DANE";
        return (0);
    }
    if (addr_secure && !cname) {
        *why = "addresses secure: TLSA lookup";
        bases[0] = host;
        return (1);
    }
    if (addr_secure)
        return (rc_policy_chain_bases(host, canon, mutants, bases, why));
    if (cname && first_hop_secure) {
        if (mutants & RC_MUT_NO_ORIGINAL_FALLBACK) {
            *why = "secure CNAME to an insecure target: no TLSA lookup (mutant "
                   "no-original-fallback)";
            return (0);
        }
        *why = "secure CNAME to an insecure target: TLSA at the original name "
               "only";
        bases[0] = host;
        return (1);
    }
    if (mutants & RC_MUT_TLSA_INSECURE_ADDR) {
        *why = "addresses insecure, TLSA looked up anyway (mutant "
               "tlsa-for-insecure-address)";
        bases[0] = host;
        return (1);
    }
    *why = cname ? "insecure CNAME: no TLSA lookup, no DANE"
                 : "addresses insecure: no TLSA lookup, no DANE";
    return (0);
}

/* rc_policy_refids - RFC 7672 3.2.2: DANE-TA reference identifiers */

int rc_policy_refids(const char *base, const char *mxhost, const char *canon,
                     const char *nexthop, int mx_resolved, const char **refids)
{
    const char *cand[RC_POLICY_MAX_REFIDS];
    int ncand = 0;
    int n = 0;
    int i;
    int j;

    cand[ncand++] = base;
    cand[ncand++] = mxhost;
    cand[ncand++] = canon;
    cand[ncand++] = mx_resolved ? nexthop : 0;
    for (i = 0; i < ncand; i++) {
        if (cand[i] == 0 || *cand[i] == 0)
            continue;
        for (j = 0; j < n; j++)
            if (rc_policy_name_eq(refids[j], cand[i]))
                break;
        if (j == n)
            refids[n++] = cand[i];
    }
    return (n);
}

/* rc_policy_no_starttls - RFC 7672 2.2: STARTTLS missing or refused */

rc_action rc_policy_no_starttls(rc_level level, unsigned mutants,
                                const char **why)
{
    if (level == RC_LEVEL_OPPORTUNISTIC) {
        *why = "delivering in clear (opportunistic)";
        return (RC_ACT_CLEAR);
    }
    if (mutants & RC_MUT_CLEARTEXT_FALLBACK) {
        *why = "delivering in clear anyway (mutant cleartext-fallback)";
        return (RC_ACT_CLEAR);
    }
    *why = level == RC_LEVEL_DANE ? "host unusable (DANE)"
                                  : "host unusable (TLS mandatory)";
    return (RC_ACT_HOST_FAIL);
}

/* rc_policy_sni - RFC 7672 8.1: SNI = TLSA base domain with DANE */

const char *rc_policy_sni(rc_level level, const char *base, const char *mxhost,
                          unsigned mutants)
{
    if (level != RC_LEVEL_DANE || (mutants & RC_MUT_NO_SNI))
        return (0);
    if ((mutants & RC_MUT_SNI_MX_NAME) && mxhost != 0)
        return (mxhost);
    return (base);
}

/* rc_policy_tls_checks - what the TLS layer must verify with DANE */

unsigned rc_policy_tls_checks(unsigned mutants)
{
    unsigned checks = RC_CHECK_VERIFY | RC_CHECK_TA_NAMES | RC_CHECK_AGILITY;

    if (mutants & RC_MUT_ACCEPT_ANY_CERT)
        checks &= ~RC_CHECK_VERIFY;
    if (mutants & RC_MUT_NO_TA_NAMECHECK)
        checks &= ~RC_CHECK_TA_NAMES;
    if (mutants & RC_MUT_WEAKEST_DIGEST)
        checks &= ~RC_CHECK_AGILITY;
    if (mutants & RC_MUT_ENFORCE_EE_NAME)
        checks |= RC_CHECK_EE_NAMES;
    if (mutants & RC_MUT_ENFORCE_EE_EXPIRY)
        checks |= RC_CHECK_EE_DATES;
    if (mutants & RC_MUT_PKIX_USAGES_USABLE)
        checks |= RC_CHECK_PKIX_STORE;
    if (mutants & RC_MUT_PKIX_FALLBACK)
        checks |= RC_CHECK_PKIX_FALLBACK;
    return (checks);
}

/* rc_policy_tls_accept - may the session go on after the handshake? */

int rc_policy_tls_accept(rc_level level, int verify_ok, int dane_depth,
                         int pkix_ok, unsigned mutants, const char **why)
{
    if (level != RC_LEVEL_DANE) {
        *why = level == RC_LEVEL_MANDATORY
                   ? "TLS mandatory, no authentication (only unusable TLSA "
                     "records)"
                   : "no authentication required (opportunistic TLS)";
        return (1);
    }
    if (verify_ok && dane_depth >= 0) {
        *why = "DANE authenticated";
        return (1);
    }
    if (mutants & RC_MUT_ACCEPT_ANY_CERT) {
        *why = "certificate not verified (mutant accept-any-cert)";
        return (1);
    }
    if ((mutants & RC_MUT_PKIX_FALLBACK) && pkix_ok) {
        *why = "DANE failed, chain accepted by PKIX (mutant pkix-fallback)";
        return (1);
    }
    if (mutants & RC_MUT_ACCEPT_UNAUTH) {
        *why = "DANE failed, delivering over unauthenticated TLS (mutant "
               "accept-unauthenticated)";
        return (1);
    }
    *why = "DANE authentication failed: host unusable";
    return (0);
}

/* rc_policy_reply_class - SMTP reply code: 2 ok, 4 try next host, 5 bounce */

int rc_policy_reply_class(int code, unsigned mutants)
{
    if (code >= 200 && code < 400)
        return (2);
    if (code >= 500 && code < 600)
        return ((mutants & RC_MUT_PERMFAIL_AS_TEMPFAIL) ? 4 : 5);
    return (4);
}

/* rc_policy_host_level - last word on a host's level (local policy) */

rc_level rc_policy_host_level(rc_level level, unsigned mutants,
                              const char **why)
{
    if ((mutants & RC_MUT_DANE_ONLY) && level != RC_LEVEL_DANE &&
        level != RC_LEVEL_UNUSABLE) {
        *why = "no usable TLSA records, DANE required (mutant dane-only)";
        return (RC_LEVEL_UNUSABLE);
    }
    *why = 0;
    return (level);
}

/* rc_policy_cleartext_retry - reconnect in clear after a TLS failure? */

int rc_policy_cleartext_retry(rc_level level, int starttls_sent, int tls_done,
                              unsigned mutants)
{
    (void)level; /* the defect: ignoring it */
    return ((mutants & RC_MUT_CLEARTEXT_RETRY) && starttls_sent && !tls_done);
}

/* rc_policy_name_eq - compare domain names, case and final dot ignored */

int rc_policy_name_eq(const char *a, const char *b)
{
    size_t la = strlen(a);
    size_t lb = strlen(b);

    if (la > 1 && a[la - 1] == '.')
        la--;
    if (lb > 1 && b[lb - 1] == '.')
        lb--;
    return (la == lb && strncasecmp(a, b, la) == 0);
}

/* rc_policy_strip_dot - name without the final dot (for TLS) */

char *rc_policy_strip_dot(const char *name, char *buf, size_t len)
{
    size_t n;

    snprintf(buf, len, "%s", name);
    n = strlen(buf);
    if (n > 1 && buf[n - 1] == '.')
        buf[n - 1] = 0;
    return (buf);
}

/* rc_policy_fqdn - lowercase name with a final dot */

char *rc_policy_fqdn(const char *name, char *buf, size_t len)
{
    size_t n;
    size_t i;

    snprintf(buf, len, "%s", name);
    n = strlen(buf);
    if ((n == 0 || buf[n - 1] != '.') && n + 1 < len) {
        buf[n++] = '.';
        buf[n] = 0;
    }
    for (i = 0; i < n; i++)
        buf[i] = tolower((unsigned char)buf[i]);
    return (buf);
}
