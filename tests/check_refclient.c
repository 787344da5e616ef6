/*++
 * NAME
 *	check_refclient 1
 * SUMMARY
 *	unit tests of the reference client (dane-smtp-send)
 * DESCRIPTION
 *	No network: the RFC 7672 decision logic (rc_policy: TLSA usability,
 *	digest agility, TLSA base domains with CNAME chains, reference
 *	identifiers, the effect of every mutant flag), the mutant table and
 *	its --help layout (rc_mutant), DATA dot-stuffing (rc_msg), DNS RDATA
 *	parsing (rc_dns), and the DANE handshake (rc_tls) against an
 *	in-process TLS server over a socketpair: DANE-EE without name and
 *	date checks, DANE-TA names and trust anchors not sent, OpenSSL's
 *	digest agility, PKIX stores, SNI. Test cases are grouped by behaviour.
 *--*/

#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "refclient/rc_dns.h"
#include "common/diag.h"
#include "refclient/rc_msg.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_policy.h"
#include "refclient/rc_tls.h"
#include "testdata.h"

/* ------------------------------------------------------------------ */
/* Fixture: one EC key and one self-signed certificate, DER-encoded.  */

static unsigned char *fx_cert_der;
static int fx_cert_len;
static unsigned char *fx_spki_der;
static int fx_spki_len;

/* fx_setup - make a key and a certificate */

static void fx_setup(void)
{
    EVP_PKEY *pkey = EVP_EC_gen("P-256");
    X509 *x = X509_new();

    ck_assert_ptr_nonnull(pkey);
    ck_assert_ptr_nonnull(x);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, pkey);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"mx1.foo.danelab", -1, -1,
                               0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    ck_assert_int_gt(X509_sign(x, pkey, EVP_sha256()), 0);
    fx_cert_der = 0;
    fx_cert_len = i2d_X509(x, &fx_cert_der);
    fx_spki_der = 0;
    fx_spki_len = i2d_PUBKEY(pkey, &fx_spki_der);
    ck_assert_int_gt(fx_cert_len, 0);
    ck_assert_int_gt(fx_spki_len, 0);
    X509_free(x);
    EVP_PKEY_free(pkey);
    dh_diag_init("dane-smtp-send", -1);
}

/* fx_teardown - free the fixture */

static void fx_teardown(void)
{
    OPENSSL_free(fx_cert_der);
    OPENSSL_free(fx_spki_der);
}

/* tlsa_class - classify one record */

static rc_tlsa_class tlsa_class(int u, int s, int m, const unsigned char *data,
                                size_t len)
{
    rc_tlsa rec;

    rec.usage = (unsigned char)u;
    rec.selector = (unsigned char)s;
    rec.mtype = (unsigned char)m;
    rec.data = (unsigned char *)data;
    rec.len = len;
    return (rc_policy_tlsa_class(&rec));
}

/* ------------------------------------------------------------------ */
/* TLSA record usability                                              */

START_TEST(tlsa_digest_lengths)
{
    static const struct {
        int u, s, m;
        size_t len;
        rc_tlsa_class want;
    } cases[] = {
        {3, 1, 1, 32, RC_TLSA_USABLE},
        {3, 0, 1, 32, RC_TLSA_USABLE},
        {2, 0, 1, 32, RC_TLSA_USABLE},
        {2, 1, 1, 32, RC_TLSA_USABLE},
        {3, 1, 2, 64, RC_TLSA_USABLE},
        {2, 0, 2, 64, RC_TLSA_USABLE},
        {3, 1, 1, 31, RC_TLSA_BAD_LENGTH},
        {3, 1, 1, 33, RC_TLSA_BAD_LENGTH},
        {3, 1, 1, 0, RC_TLSA_BAD_LENGTH},
        {3, 1, 1, 64, RC_TLSA_BAD_LENGTH},
        {3, 1, 2, 32, RC_TLSA_BAD_LENGTH},
        {3, 1, 2, 63, RC_TLSA_BAD_LENGTH},
        {2, 1, 2, 65, RC_TLSA_BAD_LENGTH},
        {3, 1, 0, 0, RC_TLSA_BAD_LENGTH},
        {2, 0, 0, 0, RC_TLSA_BAD_LENGTH},
        {0, 0, 1, 32, RC_TLSA_PKIX_USAGE},
        {1, 1, 1, 32, RC_TLSA_PKIX_USAGE},
        {1, 1, 2, 64, RC_TLSA_PKIX_USAGE},
        {0, 9, 9, 3, RC_TLSA_PKIX_USAGE}, /* usage decides first */
        {4, 1, 1, 32, RC_TLSA_BAD_USAGE},
        {255, 1, 1, 32, RC_TLSA_BAD_USAGE},
        {3, 2, 1, 32, RC_TLSA_BAD_SELECTOR},
        {2, 255, 1, 32, RC_TLSA_BAD_SELECTOR},
        {3, 1, 3, 32, RC_TLSA_BAD_MTYPE},
        {3, 1, 255, 64, RC_TLSA_BAD_MTYPE},
        {3, 2, 9, 32, RC_TLSA_BAD_SELECTOR}, /* selector before mtype */
    };
    unsigned char buf[80];
    size_t i;

    memset(buf, 0xab, sizeof(buf));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_msg(
            tlsa_class(cases[i].u, cases[i].s, cases[i].m, buf, cases[i].len) ==
                cases[i].want,
            "case %zu: %d %d %d len %zu: got %s", i, cases[i].u, cases[i].s,
            cases[i].m, cases[i].len,
            rc_policy_tlsa_class_str(tlsa_class(
                cases[i].u, cases[i].s, cases[i].m, buf, cases[i].len)));
}
END_TEST

START_TEST(tlsa_full_data)
{
    unsigned char junk[100];
    unsigned char *longer = malloc(fx_cert_len + 1);

    memset(junk, 0x30, sizeof(junk));
    ck_assert_int_eq(tlsa_class(3, 0, 0, fx_cert_der, fx_cert_len),
                     RC_TLSA_USABLE);
    ck_assert_int_eq(tlsa_class(2, 0, 0, fx_cert_der, fx_cert_len),
                     RC_TLSA_USABLE);
    ck_assert_int_eq(tlsa_class(3, 1, 0, fx_spki_der, fx_spki_len),
                     RC_TLSA_USABLE);
    ck_assert_int_eq(tlsa_class(2, 1, 0, fx_spki_der, fx_spki_len),
                     RC_TLSA_USABLE);
    /* Selector and data disagree. */
    ck_assert_int_eq(tlsa_class(3, 1, 0, fx_cert_der, fx_cert_len),
                     RC_TLSA_BAD_DATA);
    ck_assert_int_eq(tlsa_class(3, 0, 0, fx_spki_der, fx_spki_len),
                     RC_TLSA_BAD_DATA);
    /* Garbage, truncation, trailing bytes. */
    ck_assert_int_eq(tlsa_class(3, 0, 0, junk, sizeof(junk)), RC_TLSA_BAD_DATA);
    ck_assert_int_eq(tlsa_class(3, 0, 0, fx_cert_der, fx_cert_len - 1),
                     RC_TLSA_BAD_DATA);
    ck_assert_int_eq(tlsa_class(3, 1, 0, fx_spki_der, fx_spki_len - 5),
                     RC_TLSA_BAD_DATA);
    ck_assert_ptr_nonnull(longer);
    memcpy(longer, fx_cert_der, fx_cert_len);
    longer[fx_cert_len] = 0;
    ck_assert_int_eq(tlsa_class(3, 0, 0, longer, fx_cert_len + 1),
                     RC_TLSA_BAD_DATA);
    /* A 32-byte digest-sized blob is not a certificate. */
    ck_assert_int_eq(tlsa_class(3, 0, 0, junk, 32), RC_TLSA_BAD_DATA);
    /* PKIX usage with a perfect certificate is still unusable. */
    ck_assert_int_eq(tlsa_class(1, 0, 0, fx_cert_der, fx_cert_len),
                     RC_TLSA_PKIX_USAGE);
    free(longer);
}
END_TEST

START_TEST(tlsa_class_strings)
{
    int c;

    for (c = RC_TLSA_USABLE; c <= RC_TLSA_BAD_DATA; c++)
        ck_assert_str_ne(rc_policy_tlsa_class_str((rc_tlsa_class)c), "?");
    ck_assert_str_eq(rc_policy_tlsa_class_str(RC_TLSA_USABLE), "usable");
}
END_TEST

/* ------------------------------------------------------------------ */
/* TLSA lookup status x mutants -> TLS level (RFC 7672 2.3)           */

START_TEST(tlsa_level_table)
{
    static const struct {
        rc_sec sec;
        rc_ans ans;
        int usable;
        unsigned mutants;
        rc_level want;
    } cases[] = {
        /* Correct client. */
        {RC_SEC_SECURE, RC_ANS_DATA, 1, 0, RC_LEVEL_DANE},
        {RC_SEC_SECURE, RC_ANS_DATA, 3, 0, RC_LEVEL_DANE},
        {RC_SEC_SECURE, RC_ANS_DATA, 0, 0, RC_LEVEL_MANDATORY},
        {RC_SEC_SECURE, RC_ANS_NODATA, 0, 0, RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_SECURE, RC_ANS_NXDOMAIN, 0, 0, RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_INSECURE, RC_ANS_DATA, 1, 0, RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_INSECURE, RC_ANS_DATA, 0, 0, RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_INSECURE, RC_ANS_NODATA, 0, 0, RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_INSECURE, RC_ANS_NXDOMAIN, 0, 0, RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_BOGUS, RC_ANS_FAIL, 0, 0, RC_LEVEL_UNUSABLE},
        {RC_SEC_INDETERMINATE, RC_ANS_FAIL, 0, 0, RC_LEVEL_UNUSABLE},
        {RC_SEC_INSECURE, RC_ANS_FAIL, 0, 0, RC_LEVEL_UNUSABLE},
        /* ignore-bogus: failures count as insecure. */
        {RC_SEC_BOGUS, RC_ANS_FAIL, 0, RC_MUT_IGNORE_BOGUS,
         RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_INDETERMINATE, RC_ANS_FAIL, 0, RC_MUT_IGNORE_BOGUS,
         RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_SECURE, RC_ANS_DATA, 1, RC_MUT_IGNORE_BOGUS, RC_LEVEL_DANE},
        /* unusable-as-absent: only-unusable RRset means nothing. */
        {RC_SEC_SECURE, RC_ANS_DATA, 0, RC_MUT_UNUSABLE_AS_ABSENT,
         RC_LEVEL_OPPORTUNISTIC},
        {RC_SEC_SECURE, RC_ANS_DATA, 1, RC_MUT_UNUSABLE_AS_ABSENT,
         RC_LEVEL_DANE},
        {RC_SEC_BOGUS, RC_ANS_FAIL, 0, RC_MUT_UNUSABLE_AS_ABSENT,
         RC_LEVEL_UNUSABLE},
        /* Mutants that live elsewhere change nothing here. */
        {RC_SEC_SECURE, RC_ANS_DATA, 1,
         RC_MUT_NO_SNI | RC_MUT_ACCEPT_ANY_CERT | RC_MUT_CLEARTEXT_FALLBACK |
             RC_MUT_ALLOW_TLS10,
         RC_LEVEL_DANE},
        {RC_SEC_BOGUS, RC_ANS_FAIL, 0, RC_MUT_NO_NEXT_MX, RC_LEVEL_UNUSABLE},
    };
    size_t i;
    const char *why;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rc_level got =
            rc_policy_tlsa_level(cases[i].sec, cases[i].ans, cases[i].usable,
                                 cases[i].mutants, &why);

        ck_assert_msg(got == cases[i].want, "case %zu: %s %s usable=%d: got %s",
                      i, rc_sec_str(cases[i].sec), rc_ans_str(cases[i].ans),
                      cases[i].usable, rc_level_str(got));
        ck_assert_ptr_nonnull(why);
    }
}
END_TEST

START_TEST(mx_action_table)
{
    const char *why;

    ck_assert_int_eq(rc_policy_mx_action(RC_SEC_SECURE, RC_ANS_DATA, 0, &why),
                     RC_MX_USE);
    ck_assert_int_eq(rc_policy_mx_action(RC_SEC_INSECURE, RC_ANS_DATA, 0, &why),
                     RC_MX_USE);
    ck_assert_int_eq(rc_policy_mx_action(RC_SEC_SECURE, RC_ANS_NODATA, 0, &why),
                     RC_MX_IMPLICIT);
    ck_assert_int_eq(
        rc_policy_mx_action(RC_SEC_INSECURE, RC_ANS_NODATA, 0, &why),
        RC_MX_IMPLICIT);
    ck_assert_int_eq(
        rc_policy_mx_action(RC_SEC_SECURE, RC_ANS_NXDOMAIN, 0, &why),
        RC_MX_BOUNCE);
    ck_assert_int_eq(
        rc_policy_mx_action(RC_SEC_INSECURE, RC_ANS_NXDOMAIN, 0, &why),
        RC_MX_BOUNCE);
    /* RFC 7672 2.1.2: never fall back to implicit MX after a failure. */
    ck_assert_int_eq(rc_policy_mx_action(RC_SEC_BOGUS, RC_ANS_FAIL, 0, &why),
                     RC_MX_DEFER);
    ck_assert_int_eq(
        rc_policy_mx_action(RC_SEC_INDETERMINATE, RC_ANS_FAIL, 0, &why),
        RC_MX_DEFER);
    ck_assert_int_eq(
        rc_policy_mx_action(RC_SEC_BOGUS, RC_ANS_FAIL, RC_MUT_NO_DANE, &why),
        RC_MX_DEFER);
    ck_assert_int_eq(rc_policy_mx_action(RC_SEC_BOGUS, RC_ANS_FAIL,
                                         RC_MUT_IGNORE_BOGUS, &why),
                     RC_MX_IMPLICIT);
    ck_assert_int_eq(rc_policy_want_refetch(RC_SEC_BOGUS, RC_MUT_IGNORE_BOGUS),
                     1);
    ck_assert_int_eq(
        rc_policy_want_refetch(RC_SEC_INDETERMINATE, RC_MUT_IGNORE_BOGUS), 1);
    ck_assert_int_eq(rc_policy_want_refetch(RC_SEC_BOGUS, 0), 0);
    ck_assert_int_eq(rc_policy_want_refetch(RC_SEC_SECURE, RC_MUT_IGNORE_BOGUS),
                     0);
    ck_assert_int_eq(
        rc_policy_want_refetch(RC_SEC_INSECURE, RC_MUT_IGNORE_BOGUS), 0);
}
END_TEST

START_TEST(addr_usable_table)
{
    const char *why;
    int secure;

    ck_assert_int_eq(rc_policy_addr_usable(RC_SEC_SECURE, RC_ANS_DATA,
                                           RC_SEC_SECURE, RC_ANS_NODATA,
                                           &secure, &why),
                     1);
    ck_assert_int_eq(secure, 1);
    ck_assert_int_eq(rc_policy_addr_usable(RC_SEC_INSECURE, RC_ANS_DATA,
                                           RC_SEC_INSECURE, RC_ANS_NODATA,
                                           &secure, &why),
                     1);
    ck_assert_int_eq(secure, 0);
    /* Mixed: one insecure answer makes the host insecure. */
    ck_assert_int_eq(rc_policy_addr_usable(RC_SEC_SECURE, RC_ANS_DATA,
                                           RC_SEC_INSECURE, RC_ANS_NODATA,
                                           &secure, &why),
                     1);
    ck_assert_int_eq(secure, 0);
    /* Bogus anywhere: unusable (RFC 7672 2.1.2). */
    ck_assert_int_eq(rc_policy_addr_usable(RC_SEC_BOGUS, RC_ANS_FAIL,
                                           RC_SEC_SECURE, RC_ANS_DATA, &secure,
                                           &why),
                     0);
    ck_assert_str_eq(why, "A bogus");
    ck_assert_int_eq(rc_policy_addr_usable(RC_SEC_SECURE, RC_ANS_DATA,
                                           RC_SEC_BOGUS, RC_ANS_FAIL, &secure,
                                           &why),
                     0);
    ck_assert_str_eq(why, "AAAA bogus");
    /* SERVFAIL on both: unusable; on one: use the other. */
    ck_assert_int_eq(rc_policy_addr_usable(RC_SEC_INDETERMINATE, RC_ANS_FAIL,
                                           RC_SEC_INDETERMINATE, RC_ANS_FAIL,
                                           &secure, &why),
                     0);
    ck_assert_int_eq(rc_policy_addr_usable(RC_SEC_SECURE, RC_ANS_DATA,
                                           RC_SEC_INDETERMINATE, RC_ANS_FAIL,
                                           &secure, &why),
                     1);
    ck_assert_int_eq(secure, 1);
    /* No addresses at all. */
    ck_assert_int_eq(rc_policy_addr_usable(RC_SEC_SECURE, RC_ANS_NODATA,
                                           RC_SEC_SECURE, RC_ANS_NXDOMAIN,
                                           &secure, &why),
                     0);
    ck_assert_str_eq(why, "no address records");
}
END_TEST

/* ------------------------------------------------------------------ */
/* MX ordering                                                        */

/* mx_make - build an rc_mx array */

static rc_mx *mx_make(int n, const int *prefs, const char **names)
{
    rc_mx *mx = calloc(n, sizeof(*mx));
    int i;

    for (i = 0; i < n; i++) {
        mx[i].pref = prefs[i];
        mx[i].name = strdup(names[i]);
    }
    return (mx);
}

START_TEST(mx_order)
{
    static const int prefs[] = {20, 10, 10, 5, 10, 30};
    static const char *names[] = {"mx9.foo.danelab.", "mxb.foo.danelab.",
                                  "MXA.foo.danelab.", "mx0.foo.danelab.",
                                  "mxa.foo.danelab.", "mx9.foo.danelab"};
    rc_mx *mx = mx_make(6, prefs, names);
    int null_mx;
    int n = rc_policy_mx_prepare(mx, 6, &null_mx);

    ck_assert_int_eq(null_mx, 0);
    ck_assert_int_eq(n, 4); /* two duplicates dropped */
    ck_assert_int_eq(mx[0].pref, 5);
    ck_assert_str_eq(mx[0].name, "mx0.foo.danelab.");
    ck_assert_int_eq(mx[1].pref, 10);
    ck_assert_str_eq(mx[1].name, "MXA.foo.danelab.");
    ck_assert_int_eq(mx[2].pref, 10);
    ck_assert_str_eq(mx[2].name, "mxb.foo.danelab.");
    ck_assert_int_eq(mx[3].pref, 20);
    ck_assert_str_eq(mx[3].name, "mx9.foo.danelab.");
    rc_dns_mx_free(mx, n);
}
END_TEST

START_TEST(mx_null)
{
    static const int p1[] = {0};
    static const char *n1[] = {"."};
    static const int p2[] = {0, 10};
    static const char *n2[] = {".", "mx1.foo.danelab."};
    rc_mx *mx;
    int null_mx;
    int n;

    mx = mx_make(1, p1, n1);
    n = rc_policy_mx_prepare(mx, 1, &null_mx);
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(null_mx, 1);
    rc_dns_mx_free(mx, n);

    mx = mx_make(2, p2, n2);
    n = rc_policy_mx_prepare(mx, 2, &null_mx);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(null_mx, 1);
    ck_assert_str_eq(mx[0].name, "mx1.foo.danelab.");
    rc_dns_mx_free(mx, n);
}
END_TEST

/* ------------------------------------------------------------------ */
/* TLSA base domain and reference identifiers                          */

START_TEST(base_domain_choice)
{
    const char *bases[RC_POLICY_MAX_BASES];
    const char *why;
    const char *h = "mx1.foo.danelab.";
    const char *c = "mail.prov.danelab.";

    /* Plain host, all secure. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, 0, 1, 1, 0, 0, bases, &why), 1);
    ck_assert_str_eq(bases[0], h);
    /* CNAME equal to the name itself (case) is no CNAME. */
    ck_assert_int_eq(
        rc_policy_tlsa_bases(h, "MX1.foo.danelab.", 1, 1, 0, 0, bases, &why),
        1);
    ck_assert_str_eq(bases[0], h);
    /* Secure CNAME chain: expanded name first, then original. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 1, 1, 1, 0, bases, &why), 2);
    ck_assert_str_eq(bases[0], c);
    ck_assert_str_eq(bases[1], h);
    /* Secure first hop into an insecure zone: original name only. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 1, 0, 1, 0, bases, &why), 1);
    ck_assert_str_eq(bases[0], h);
    /* Insecure first hop: nothing. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 1, 0, 0, 0, bases, &why), 0);
    /* Insecure addresses or MX: no TLSA lookup. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, 0, 1, 0, 0, 0, bases, &why), 0);
    ck_assert_int_eq(rc_policy_tlsa_bases(h, 0, 0, 1, 0, 0, bases, &why), 0);
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 0, 1, 1, 0, bases, &why), 0);
    /* Mutants. */
    ck_assert_int_eq(
        rc_policy_tlsa_bases(h, 0, 1, 1, 0, RC_MUT_NO_DANE, bases, &why), 0);
    ck_assert_int_eq(rc_policy_tlsa_bases(
                         h, 0, 1, 0, 0, RC_MUT_TLSA_INSECURE_ADDR, bases, &why),
                     1);
    ck_assert_str_eq(bases[0], h);
    ck_assert_int_eq(rc_policy_tlsa_bases(
                         h, 0, 0, 0, 0, RC_MUT_TLSA_INSECURE_ADDR, bases, &why),
                     0);
}
END_TEST

START_TEST(base_domain_cname_mutants)
{
    const char *bases[RC_POLICY_MAX_BASES];
    const char *why;
    const char *h = "mx1.foo.danelab.";
    const char *c = "mail.prov.danelab.";

    /* no-cname-expansion: original name only, secure chain or not. */
    ck_assert_int_eq(rc_policy_tlsa_bases(
                         h, c, 1, 1, 1, RC_MUT_NO_CNAME_EXPANSION, bases, &why),
                     1);
    ck_assert_str_eq(bases[0], h);
    ck_assert_int_eq(rc_policy_tlsa_bases(
                         h, c, 1, 0, 1, RC_MUT_NO_CNAME_EXPANSION, bases, &why),
                     1);
    ck_assert_str_eq(bases[0], h);
    /* tlsa-at-original-only: original first, expanded name second. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 1, 1, 1,
                                          RC_MUT_TLSA_ORIGINAL_FIRST, bases,
                                          &why),
                     2);
    ck_assert_str_eq(bases[0], h);
    ck_assert_str_eq(bases[1], c);
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 1, 0, 1,
                                          RC_MUT_TLSA_ORIGINAL_FIRST, bases,
                                          &why),
                     1);
    ck_assert_str_eq(bases[0], h);
    /* no-original-fallback: expanded name only; nothing into insecure. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 1, 1, 1,
                                          RC_MUT_NO_ORIGINAL_FALLBACK, bases,
                                          &why),
                     1);
    ck_assert_str_eq(bases[0], c);
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 1, 0, 1,
                                          RC_MUT_NO_ORIGINAL_FALLBACK, bases,
                                          &why),
                     0);
    /* Without a CNAME the three mutants change nothing. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, 0, 1, 1, 0,
                                          RC_MUT_NO_CNAME_EXPANSION |
                                              RC_MUT_TLSA_ORIGINAL_FIRST |
                                              RC_MUT_NO_ORIGINAL_FALLBACK,
                                          bases, &why),
                     1);
    ck_assert_str_eq(bases[0], h);
    ck_assert_int_eq(rc_policy_tlsa_bases(h, "", 1, 1, 0,
                                          RC_MUT_NO_ORIGINAL_FALLBACK, bases,
                                          &why),
                     1);
    ck_assert_str_eq(bases[0], h);
    /* Nor do they bring DANE to an insecure MX or insecure first hop. */
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 0, 1, 1,
                                          RC_MUT_NO_CNAME_EXPANSION |
                                              RC_MUT_TLSA_ORIGINAL_FIRST,
                                          bases, &why),
                     0);
    ck_assert_int_eq(rc_policy_tlsa_bases(h, c, 1, 0, 0,
                                          RC_MUT_NO_CNAME_EXPANSION |
                                              RC_MUT_TLSA_ORIGINAL_FIRST,
                                          bases, &why),
                     0);
}
END_TEST

START_TEST(reference_ids)
{
    const char *ids[RC_POLICY_MAX_REFIDS];
    int n;

    /* MX host, TLSA at its own name: base + next-hop domain. */
    n = rc_policy_refids("mx1.foo.danelab.", "mx1.foo.danelab.", 0,
                         "foo.danelab.", 1, ids);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(ids[0], "mx1.foo.danelab.");
    ck_assert_str_eq(ids[1], "foo.danelab.");
    /* CNAME-expanded base: base, MX host name, next-hop domain. */
    n = rc_policy_refids("mail.prov.danelab.", "mx1.foo.danelab.",
                         "mail.prov.danelab.", "foo.danelab.", 1, ids);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(ids[0], "mail.prov.danelab.");
    ck_assert_str_eq(ids[1], "mx1.foo.danelab.");
    ck_assert_str_eq(ids[2], "foo.danelab.");
    /* Implicit MX: just the domain. */
    n = rc_policy_refids("foo.danelab.", "foo.danelab.", 0, "foo.danelab.", 0,
                         ids);
    ck_assert_int_eq(n, 1);
    ck_assert_str_eq(ids[0], "foo.danelab.");
    /*
     * TLSA found at the original name of a secure chain: the expanded
     * name (the server's real name) is accepted too.
     */
    n = rc_policy_refids("mx1.foo.danelab.", "mx1.foo.danelab.",
                         "mail.prov.danelab.", "foo.danelab.", 1, ids);
    ck_assert_int_eq(n, 3);
    ck_assert_str_eq(ids[0], "mx1.foo.danelab.");
    ck_assert_str_eq(ids[1], "mail.prov.danelab.");
    ck_assert_str_eq(ids[2], "foo.danelab.");
    /* Insecure chain (canon not given): the expanded name is not trusted. */
    n = rc_policy_refids("mx1.foo.danelab.", "mx1.foo.danelab.", 0,
                         "foo.danelab.", 1, ids);
    ck_assert_int_eq(n, 2);
    /* Empty strings and case variants are no extra names. */
    n = rc_policy_refids("MX1.foo.danelab", "mx1.foo.danelab.", "",
                         "FOO.danelab.", 1, ids);
    ck_assert_int_eq(n, 2);
    ck_assert_int_le(n, RC_POLICY_MAX_REFIDS);
}
END_TEST

/* ------------------------------------------------------------------ */
/* SMTP session decisions                                              */

START_TEST(session_decisions)
{
    const char *why;

    /* STARTTLS missing. */
    ck_assert_int_eq(rc_policy_no_starttls(RC_LEVEL_OPPORTUNISTIC, 0, &why),
                     RC_ACT_CLEAR);
    ck_assert_int_eq(rc_policy_no_starttls(RC_LEVEL_DANE, 0, &why),
                     RC_ACT_HOST_FAIL);
    ck_assert_str_eq(why, "host unusable (DANE)");
    ck_assert_int_eq(rc_policy_no_starttls(RC_LEVEL_MANDATORY, 0, &why),
                     RC_ACT_HOST_FAIL);
    ck_assert_int_eq(
        rc_policy_no_starttls(RC_LEVEL_DANE, RC_MUT_CLEARTEXT_FALLBACK, &why),
        RC_ACT_CLEAR);
    ck_assert_int_eq(rc_policy_no_starttls(RC_LEVEL_MANDATORY,
                                           RC_MUT_CLEARTEXT_FALLBACK, &why),
                     RC_ACT_CLEAR);
    ck_assert_int_eq(
        rc_policy_no_starttls(RC_LEVEL_DANE, RC_MUT_ACCEPT_ANY_CERT, &why),
        RC_ACT_HOST_FAIL);

    /* SNI. */
    ck_assert_str_eq(
        rc_policy_sni(RC_LEVEL_DANE, "mx1.foo.danelab.", "mx1.foo.danelab.", 0),
        "mx1.foo.danelab.");
    ck_assert_ptr_null(rc_policy_sni(RC_LEVEL_DANE, "mx1.foo.danelab.",
                                     "mx1.foo.danelab.", RC_MUT_NO_SNI));
    ck_assert_ptr_null(rc_policy_sni(RC_LEVEL_OPPORTUNISTIC, "mx1.foo.danelab.",
                                     "mx1.foo.danelab.", 0));
    ck_assert_ptr_null(rc_policy_sni(RC_LEVEL_MANDATORY, "mx1.foo.danelab.",
                                     "mx1.foo.danelab.", 0));

    /* After the handshake. */
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 1, 0, 0, 0, &why), 1);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 1, 2, 0, 0, &why), 1);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 0, -1, 0, 0, &why), 0);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 1, -1, 0, 0, &why), 0);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 0, 0, 0, 0, &why), 0);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 0, -1, 0,
                                          RC_MUT_ACCEPT_ANY_CERT, &why),
                     1);
    ck_assert_int_eq(
        rc_policy_tls_accept(RC_LEVEL_MANDATORY, 0, -1, 0, 0, &why), 1);
    ck_assert_int_eq(
        rc_policy_tls_accept(RC_LEVEL_OPPORTUNISTIC, 0, -1, 0, 0, &why), 1);

    /* Reply classes. */
    ck_assert_int_eq(rc_policy_reply_class(250, 0), 2);
    ck_assert_int_eq(rc_policy_reply_class(354, 0), 2);
    ck_assert_int_eq(rc_policy_reply_class(421, 0), 4);
    ck_assert_int_eq(rc_policy_reply_class(451, 0), 4);
    ck_assert_int_eq(rc_policy_reply_class(550, 0), 5);
    ck_assert_int_eq(rc_policy_reply_class(999, 0), 4);
    ck_assert_int_eq(rc_policy_reply_class(-1, 0), 4);
}
END_TEST

START_TEST(name_helpers)
{
    char buf[64];

    ck_assert_int_eq(rc_policy_name_eq("a.b.", "A.B"), 1);
    ck_assert_int_eq(rc_policy_name_eq("a.b.", "a.bc."), 0);
    ck_assert_int_eq(rc_policy_name_eq(".", "."), 1);
    ck_assert_str_eq(rc_policy_strip_dot("mx1.foo.danelab.", buf, sizeof(buf)),
                     "mx1.foo.danelab");
    ck_assert_str_eq(rc_policy_strip_dot("mx1", buf, sizeof(buf)), "mx1");
    ck_assert_str_eq(rc_policy_fqdn("Foo.Danelab", buf, sizeof(buf)),
                     "foo.danelab.");
    ck_assert_str_eq(rc_policy_fqdn("foo.danelab.", buf, sizeof(buf)),
                     "foo.danelab.");
}
END_TEST

/* ------------------------------------------------------------------ */
/* Usability with mutants, digest agility (RFC 7671 9)                 */

START_TEST(tlsa_usable_pkix_mutant)
{
    unsigned char md[64];
    rc_tlsa rec;
    rc_tlsa_class cls;

    memset(md, 0x5a, sizeof(md));
    rec.data = md;
    rec.len = 32;
    rec.usage = 1;
    rec.selector = 1;
    rec.mtype = 1;
    /* Correct client: PKIX usages are unusable in SMTP (RFC 7672 3.1.3). */
    ck_assert_int_eq(rc_policy_tlsa_usable(&rec, 0, &cls), 0);
    ck_assert_int_eq(cls, RC_TLSA_PKIX_USAGE);
    ck_assert_int_eq(
        rc_policy_tlsa_usable(&rec, RC_MUT_PKIX_USAGES_USABLE, &cls), 1);
    ck_assert_int_eq(cls, RC_TLSA_PKIX_USAGE);
    rec.usage = 0;
    ck_assert_int_eq(
        rc_policy_tlsa_usable(&rec, RC_MUT_PKIX_USAGES_USABLE, &cls), 1);
    /* The mutant still needs well-formed fields. */
    rec.len = 31;
    ck_assert_int_eq(
        rc_policy_tlsa_usable(&rec, RC_MUT_PKIX_USAGES_USABLE, &cls), 0);
    rec.len = 32;
    rec.selector = 7;
    ck_assert_int_eq(
        rc_policy_tlsa_usable(&rec, RC_MUT_PKIX_USAGES_USABLE, &cls), 0);
    /* DANE usages are unaffected; other mutants change nothing. */
    rec.usage = 3;
    rec.selector = 1;
    ck_assert_int_eq(rc_policy_tlsa_usable(&rec, 0, &cls), 1);
    ck_assert_int_eq(cls, RC_TLSA_USABLE);
    rec.usage = 1;
    ck_assert_int_eq(
        rc_policy_tlsa_usable(&rec, ~RC_MUT_PKIX_USAGES_USABLE, &cls), 0);
}
END_TEST

/* agility - run rc_policy_tlsa_agility on "u s m" triples, return keep mask */

static unsigned agility(const char *const *recs, int n, unsigned mutants,
                        int *kept)
{
    rc_tlsa t[8];
    int keep[8];
    unsigned mask = 0;
    int i;

    ck_assert_int_le(n, 8);
    for (i = 0; i < n; i++) {
        unsigned u, sel, m;

        ck_assert_int_eq(sscanf(recs[i], "%u %u %u", &u, &sel, &m), 3);
        t[i].usage = (unsigned char)u;
        t[i].selector = (unsigned char)sel;
        t[i].mtype = (unsigned char)m;
        t[i].data = 0;
        t[i].len = 0;
        keep[i] = -1;
    }
    *kept = rc_policy_tlsa_agility(t, n, mutants, keep);
    for (i = 0; i < n; i++) {
        ck_assert_msg(keep[i] == 0 || keep[i] == 1, "keep[%d] not set", i);
        mask |= (unsigned)keep[i] << i;
    }
    return (mask);
}

START_TEST(digest_agility)
{
    static const char *const both[] = {"3 1 1", "3 1 2"};
    static const char *const both_rev[] = {"3 1 2", "3 1 1", "3 1 1"};
    static const char *const full[] = {"3 1 1", "3 1 0", "3 1 2"};
    static const char *const per_usage[] = {"3 1 1", "2 0 2"};
    static const char *const per_sel[] = {"3 1 1", "3 0 2"};
    static const char *const two256[] = {"3 1 1", "3 1 1"};
    static const char *const mixed[] = {"2 0 1", "2 0 2", "3 1 1", "3 1 2",
                                        "2 1 1"};
    int kept;

    /* SHA-512 present: SHA-256 of the same usage/selector is ignored. */
    ck_assert_uint_eq(agility(both, 2, 0, &kept), 0x2);
    ck_assert_int_eq(kept, 1);
    ck_assert_uint_eq(agility(both_rev, 3, 0, &kept), 0x1);
    ck_assert_int_eq(kept, 1);
    /* Full(0) always stays. */
    ck_assert_uint_eq(agility(full, 3, 0, &kept), 0x6);
    /* Agility is per (usage, selector). */
    ck_assert_uint_eq(agility(per_usage, 2, 0, &kept), 0x3);
    ck_assert_uint_eq(agility(per_sel, 2, 0, &kept), 0x3);
    ck_assert_uint_eq(agility(two256, 2, 0, &kept), 0x3);
    ck_assert_int_eq(kept, 2);
    ck_assert_uint_eq(agility(mixed, 5, 0, &kept), 0x2 | 0x8 | 0x10);
    ck_assert_int_eq(kept, 3);
    /* Mutant weakest-digest: nothing is ignored. */
    ck_assert_uint_eq(agility(both, 2, RC_MUT_WEAKEST_DIGEST, &kept), 0x3);
    ck_assert_uint_eq(agility(mixed, 5, RC_MUT_WEAKEST_DIGEST, &kept), 0x1f);
    ck_assert_int_eq(kept, 5);
    /* Other mutants do not switch agility off. */
    ck_assert_uint_eq(agility(both, 2, ~RC_MUT_WEAKEST_DIGEST, &kept), 0x2);
    ck_assert_int_eq(agility(both, 0, 0, &kept), 0);
    ck_assert_int_eq(kept, 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* TLS checks and acceptance, per mutant                               */

START_TEST(tls_checks_table)
{
    static const struct {
        unsigned mutant;
        unsigned on;
        unsigned off;
    } cases[] = {
        {RC_MUT_ACCEPT_ANY_CERT, 0, RC_CHECK_VERIFY},
        {RC_MUT_NO_TA_NAMECHECK, 0, RC_CHECK_TA_NAMES},
        {RC_MUT_WEAKEST_DIGEST, 0, RC_CHECK_AGILITY},
        {RC_MUT_ENFORCE_EE_NAME, RC_CHECK_EE_NAMES, 0},
        {RC_MUT_ENFORCE_EE_EXPIRY, RC_CHECK_EE_DATES, 0},
        {RC_MUT_PKIX_USAGES_USABLE, RC_CHECK_PKIX_STORE, 0},
        {RC_MUT_PKIX_FALLBACK, RC_CHECK_PKIX_FALLBACK, 0},
    };
    const unsigned good =
        RC_CHECK_VERIFY | RC_CHECK_TA_NAMES | RC_CHECK_AGILITY;
    size_t i;

    ck_assert_uint_eq(rc_policy_tls_checks(0), good);
    /* Mutants that live elsewhere leave the TLS checks alone. */
    ck_assert_uint_eq(rc_policy_tls_checks(RC_MUT_NO_SNI | RC_MUT_NO_DANE |
                                           RC_MUT_ACCEPT_UNAUTH |
                                           RC_MUT_SNI_MX_NAME |
                                           RC_MUT_NO_CNAME_EXPANSION),
                      good);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned got = rc_policy_tls_checks(cases[i].mutant);

        ck_assert_msg(got == ((good | cases[i].on) & ~cases[i].off),
                      "%s: checks 0x%x", rc_mutant_name(cases[i].mutant), got);
    }
}
END_TEST

START_TEST(tls_accept_mutants)
{
    const char *why;

    /* accept-unauthenticated: the check ran and failed, delivery anyway. */
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 0, -1, 0,
                                          RC_MUT_ACCEPT_UNAUTH, &why),
                     1);
    ck_assert_ptr_nonnull(strstr(why, "accept-unauthenticated"));
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 1, 0, 0,
                                          RC_MUT_ACCEPT_UNAUTH, &why),
                     1);
    ck_assert_str_eq(why, "DANE authenticated");
    /* pkix-fallback: only when the chain PKIX-validates. */
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 0, -1, 0,
                                          RC_MUT_PKIX_FALLBACK, &why),
                     0);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 0, -1, 1,
                                          RC_MUT_PKIX_FALLBACK, &why),
                     1);
    ck_assert_ptr_nonnull(strstr(why, "pkix-fallback"));
    /* The correct client never looks at PKIX for a DANE host. */
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 0, -1, 1, 0, &why), 0);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, 1, -1, 1, 0, &why), 0);
    /* Unusable-only RRset: TLS mandatory, no authentication needed. */
    ck_assert_int_eq(
        rc_policy_tls_accept(RC_LEVEL_MANDATORY, 0, -1, 0, 0, &why), 1);
    ck_assert_ptr_nonnull(strstr(why, "mandatory"));
}
END_TEST

START_TEST(local_policy_mutants)
{
    const char *why;
    rc_level l;
    int i;

    /* permfail-as-tempfail: 5xx becomes "try the next host". */
    ck_assert_int_eq(rc_policy_reply_class(550, 0), 5);
    ck_assert_int_eq(rc_policy_reply_class(550, RC_MUT_PERMFAIL_AS_TEMPFAIL),
                     4);
    ck_assert_int_eq(rc_policy_reply_class(250, RC_MUT_PERMFAIL_AS_TEMPFAIL),
                     2);
    ck_assert_int_eq(rc_policy_reply_class(421, RC_MUT_PERMFAIL_AS_TEMPFAIL),
                     4);

    /* nodata-as-failure: a secure denial is taken for a failure. */
    ck_assert_int_eq(rc_policy_tlsa_level(RC_SEC_SECURE, RC_ANS_NODATA, 0,
                                          RC_MUT_NODATA_AS_FAILURE, &why),
                     RC_LEVEL_UNUSABLE);
    ck_assert_int_eq(rc_policy_tlsa_level(RC_SEC_SECURE, RC_ANS_NXDOMAIN, 0,
                                          RC_MUT_NODATA_AS_FAILURE, &why),
                     RC_LEVEL_UNUSABLE);
    ck_assert_int_eq(rc_policy_tlsa_level(RC_SEC_INSECURE, RC_ANS_NODATA, 0,
                                          RC_MUT_NODATA_AS_FAILURE, &why),
                     RC_LEVEL_OPPORTUNISTIC);
    ck_assert_int_eq(rc_policy_tlsa_level(RC_SEC_SECURE, RC_ANS_DATA, 1,
                                          RC_MUT_NODATA_AS_FAILURE, &why),
                     RC_LEVEL_DANE);

    /* dane-only: every level but DANE becomes unusable. */
    for (i = RC_LEVEL_UNUSABLE; i <= RC_LEVEL_DANE; i++) {
        l = rc_policy_host_level((rc_level)i, 0, &why);
        ck_assert_int_eq(l, i);
        ck_assert_ptr_null(why);
        l = rc_policy_host_level((rc_level)i, RC_MUT_DANE_ONLY, &why);
        ck_assert_int_eq(l, i == RC_LEVEL_DANE ? RC_LEVEL_DANE
                                               : RC_LEVEL_UNUSABLE);
        ck_assert((why != 0) ==
                  (i == RC_LEVEL_OPPORTUNISTIC || i == RC_LEVEL_MANDATORY));
    }

    /* cleartext-retry: only after STARTTLS went out and TLS failed. */
    ck_assert_int_eq(rc_policy_cleartext_retry(RC_LEVEL_DANE, 1, 0, 0), 0);
    ck_assert_int_eq(rc_policy_cleartext_retry(RC_LEVEL_OPPORTUNISTIC, 1, 0, 0),
                     0);
    ck_assert_int_eq(
        rc_policy_cleartext_retry(RC_LEVEL_DANE, 1, 0, RC_MUT_CLEARTEXT_RETRY),
        1);
    ck_assert_int_eq(
        rc_policy_cleartext_retry(RC_LEVEL_DANE, 1, 1, RC_MUT_CLEARTEXT_RETRY),
        0);
    ck_assert_int_eq(
        rc_policy_cleartext_retry(RC_LEVEL_DANE, 0, 0, RC_MUT_CLEARTEXT_RETRY),
        0);
}
END_TEST

START_TEST(sni_mutants)
{
    const char *b = "host.prov.danelab.";
    const char *m = "mx1.foo.danelab.";

    ck_assert_str_eq(rc_policy_sni(RC_LEVEL_DANE, b, m, 0), b);
    ck_assert_str_eq(rc_policy_sni(RC_LEVEL_DANE, b, m, RC_MUT_SNI_MX_NAME), m);
    ck_assert_ptr_null(
        rc_policy_sni(RC_LEVEL_DANE, b, m, RC_MUT_SNI_MX_NAME | RC_MUT_NO_SNI));
    ck_assert_ptr_null(
        rc_policy_sni(RC_LEVEL_OPPORTUNISTIC, b, m, RC_MUT_SNI_MX_NAME));
    ck_assert_str_eq(rc_policy_sni(RC_LEVEL_DANE, b, 0, RC_MUT_SNI_MX_NAME), b);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Mutant table                                                        */

START_TEST(mutant_names)
{
    static const char *names[] = {"no-dane",
                                  "cleartext-fallback",
                                  "ignore-bogus",
                                  "accept-any-cert",
                                  "no-sni",
                                  "no-next-mx",
                                  "tlsa-for-insecure-address",
                                  "no-dnssec",
                                  "unusable-as-absent",
                                  "allow-tls10",
                                  "accept-unauthenticated",
                                  "pkix-fallback",
                                  "pkix-usages-usable",
                                  "enforce-ee-name",
                                  "enforce-ee-expiry",
                                  "no-ta-namecheck",
                                  "no-cname-expansion",
                                  "tlsa-at-original-only",
                                  "no-original-fallback",
                                  "weakest-digest",
                                  "sni-mx-name",
                                  "cleartext-retry",
                                  "permfail-as-tempfail",
                                  "nodata-as-failure",
                                  "dane-only",
                                  "ta-base-name-only",
                                  "retry-downgrade",
                                  "stale-tlsa-cache"};
    unsigned seen = 0;
    size_t i;
    char buf[512];

    ck_assert_int_eq(rc_mutant_count(),
                     (int)(sizeof(names) / sizeof(names[0])));
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        unsigned flag = rc_mutant_parse(names[i]);

        ck_assert_msg(flag != 0, "%s unknown", names[i]);
        ck_assert_msg((flag & (flag - 1)) == 0, "%s: not a single bit",
                      names[i]);
        ck_assert_msg((seen & flag) == 0, "%s: flag reused", names[i]);
        seen |= flag;
        ck_assert_str_eq(rc_mutant_name(flag), names[i]);
    }
    ck_assert_uint_eq(rc_mutant_parse("no-dane"), RC_MUT_NO_DANE);
    ck_assert_uint_eq(rc_mutant_parse("cleartext-fallback"),
                      RC_MUT_CLEARTEXT_FALLBACK);
    ck_assert_uint_eq(rc_mutant_parse("nodane"), 0);
    ck_assert_uint_eq(rc_mutant_parse("NO-DANE"), 0);
    ck_assert_uint_eq(rc_mutant_parse(""), 0);
    ck_assert_ptr_null(rc_mutant_name(1U << 30));
    ck_assert_str_eq(rc_mutant_list(0, buf, sizeof(buf)), "none");
    ck_assert_str_eq(
        rc_mutant_list(RC_MUT_NO_DANE | RC_MUT_NO_SNI, buf, sizeof(buf)),
        "no-dane,no-sni");
    rc_mutant_list(seen, buf, 8); /* truncation is safe */
    ck_assert_uint_eq(strlen(buf), 7);
}
END_TEST

START_TEST(mutant_usage_layout)
{
    char *text = 0;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    char *line;
    char *save = 0;
    int names = 0;

    ck_assert_ptr_nonnull(fp);
    rc_mutant_usage(fp);
    fclose(fp);
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(0, "\n", &save)) {
        ck_assert_msg(strlen(line) <= 79, "line too long: %s", line);
        if (strncmp(line, "  --mutant=", 11) == 0) {
            char name[64];

            /* tests/killmatrix.sh reads the names in this form. */
            ck_assert_int_eq(sscanf(line, "  --mutant=%63[a-z0-9-]", name), 1);
            ck_assert_msg(rc_mutant_parse(name) != 0, "unknown %s", name);
            ck_assert_msg(line[38] != ' ' && line[37] == ' ', "doc column: %s",
                          line);
            names++;
        } else {
            ck_assert_msg(strspn(line, " ") == 38, "bad continuation: %s",
                          line);
        }
    }
    ck_assert_int_eq(names, rc_mutant_count());
    free(text);
}
END_TEST

/* ------------------------------------------------------------------ */
/* DATA dot-stuffing                                                   */

/* stuff - helper returning a NUL-terminated stuffed copy */

static char *stuff(const char *in)
{
    size_t len;
    char *out = rc_msg_stuff(in, strlen(in), &len);
    char *s = malloc(len + 1);

    memcpy(s, out, len);
    s[len] = 0;
    ck_assert_uint_eq(strlen(s), len);
    free(out);
    return (s);
}

START_TEST(msg_stuffing)
{
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"", ".\r\n"},
        {"a\n", "a\r\n.\r\n"},
        {"a\r\n", "a\r\n.\r\n"},
        {"a", "a\r\n.\r\n"},
        {"X-DH-Token: t1\n\nbody\n", "X-DH-Token: t1\r\n\r\nbody\r\n.\r\n"},
        {".\n", "..\r\n.\r\n"},
        {"a\n.b\n..c\n", "a\r\n..b\r\n...c\r\n.\r\n"},
        {"a\n.", "a\r\n..\r\n.\r\n"},
        {"x.y\n", "x.y\r\n.\r\n"},
        {"cr\rin\n", "cr\rin\r\n.\r\n"},
        {"\n\n", "\r\n\r\n.\r\n"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = stuff(cases[i].in);

        ck_assert_msg(strcmp(got, cases[i].out) == 0, "case %zu", i);
        free(got);
    }
}
END_TEST

START_TEST(msg_load_missing)
{
    char err[256];
    size_t len;

    ck_assert_ptr_null(
        rc_msg_load("/nonexistent/message", &len, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/message"));
}
END_TEST

/* ------------------------------------------------------------------ */
/* DNS RDATA parsing                                                   */

START_TEST(dns_names)
{
    static const unsigned char w1[] = "\003mx1\003foo\007danelab"; /* + NUL */
    static const unsigned char root[] = {0};
    static const unsigned char esc[] = {3, 'a', '.', ' ', 0};
    static const unsigned char ptr[] = {0xc0, 0x0c};
    static const unsigned char overrun[] = {5, 'a', 'b'};
    static const unsigned char noend[] = {1, 'a'};
    char buf[300];
    size_t off;

    off = 0;
    ck_assert_int_eq(rc_dns_name_str(w1, sizeof(w1), &off, buf, sizeof(buf)),
                     0);
    ck_assert_str_eq(buf, "mx1.foo.danelab.");
    ck_assert_uint_eq(off, sizeof(w1));
    off = 0;
    ck_assert_int_eq(rc_dns_name_str(root, 1, &off, buf, sizeof(buf)), 0);
    ck_assert_str_eq(buf, ".");
    off = 0;
    ck_assert_int_eq(rc_dns_name_str(esc, sizeof(esc), &off, buf, sizeof(buf)),
                     0);
    ck_assert_str_eq(buf, "a\\.\\032.");
    off = 0;
    ck_assert_int_eq(rc_dns_name_str(ptr, sizeof(ptr), &off, buf, sizeof(buf)),
                     -1);
    off = 0;
    ck_assert_int_eq(
        rc_dns_name_str(overrun, sizeof(overrun), &off, buf, sizeof(buf)), -1);
    off = 0;
    ck_assert_int_eq(
        rc_dns_name_str(noend, sizeof(noend), &off, buf, sizeof(buf)), -1);
    off = 0;
    ck_assert_int_eq(rc_dns_name_str(w1, sizeof(w1), &off, buf, 5), -1);
}
END_TEST

START_TEST(dns_rdata)
{
    unsigned char mx1[] = {0, 10, 3, 'm', 'x', '1', 3, 'f', 'o', 'o', 0};
    unsigned char mx2[] = {0, 0, 0};
    unsigned char bad[] = {0, 5, 9, 'x'};
    unsigned char tlsa1[3 + 32] = {3, 1, 1};
    unsigned char tlsa2[] = {2, 0};
    unsigned char a4[] = {127, 1, 3, 1};
    unsigned char a6[16] = {0x20, 0x01, 0x0d, 0xb8};
    unsigned char *data[2];
    size_t len[2];
    rc_dns_answer ans;
    rc_mx *mx;
    rc_tlsa *tlsa;
    char buf[64];

    memset(&ans, 0, sizeof(ans));
    ans.data = data;
    ans.len = len;
    ans.count = 2;
    data[0] = mx1;
    len[0] = sizeof(mx1);
    data[1] = mx2;
    len[1] = sizeof(mx2);
    ck_assert_int_eq(rc_dns_parse_mx(&ans, &mx), 2);
    ck_assert_int_eq(mx[0].pref, 10);
    ck_assert_str_eq(mx[0].name, "mx1.foo.");
    ck_assert_int_eq(mx[1].pref, 0);
    ck_assert_str_eq(mx[1].name, ".");
    rc_dns_mx_free(mx, 2);
    data[1] = bad;
    len[1] = sizeof(bad);
    ck_assert_int_eq(rc_dns_parse_mx(&ans, &mx), -1);
    ck_assert_ptr_null(mx);

    data[0] = tlsa1;
    len[0] = sizeof(tlsa1);
    data[1] = tlsa2;
    len[1] = sizeof(tlsa2);
    ck_assert_int_eq(rc_dns_parse_tlsa(&ans, &tlsa), 2);
    ck_assert_int_eq(tlsa[0].usage, 3);
    ck_assert_int_eq(tlsa[0].selector, 1);
    ck_assert_int_eq(tlsa[0].mtype, 1);
    ck_assert_uint_eq(tlsa[0].len, 32);
    ck_assert_int_eq(rc_policy_tlsa_class(&tlsa[0]), RC_TLSA_USABLE);
    ck_assert_int_eq(rc_policy_tlsa_class(&tlsa[1]), RC_TLSA_BAD_USAGE);
    free(tlsa);

    ck_assert_str_eq(rc_dns_addr_str(RC_DNS_T_A, a4, 4, buf, sizeof(buf)),
                     "127.1.3.1");
    ck_assert_str_eq(rc_dns_addr_str(RC_DNS_T_AAAA, a6, 16, buf, sizeof(buf)),
                     "2001:db8::");
    ck_assert_ptr_null(rc_dns_addr_str(RC_DNS_T_A, a4, 3, buf, sizeof(buf)));
    ck_assert_ptr_null(rc_dns_addr_str(RC_DNS_T_AAAA, a4, 4, buf, sizeof(buf)));
}
END_TEST

/* ------------------------------------------------------------------ */
/* DANE handshake over a socketpair (rc_tls)                          */

static EVP_PKEY *tx_ca_key;
static X509 *tx_ca;
static EVP_PKEY *tx_key;
static EVP_PKEY *tx_evil_key;
static const char *tx_mxhost; /* MX host name given to rc_tls */
static const char *tx_cafile; /* CA file for rc_tls_ctx_create() */
static X509_STORE *tx_pkix;   /* PKIX store for the handshake */

/* tx_cert - make a certificate; ISSUER NULL means self-signed */

static X509 *tx_cert(EVP_PKEY *key, EVP_PKEY *signer, X509 *issuer,
                     const char *cn, const char *san, int ca, long from,
                     long until)
{
    X509 *x = X509_new();
    X509V3_CTX v3;
    X509_EXTENSION *ext;
    static long serial = 1;

    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    X509_gmtime_adj(X509_getm_notBefore(x), from);
    X509_gmtime_adj(X509_getm_notAfter(x), until);
    X509_set_pubkey(x, key);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer)
                                   : X509_get_subject_name(x));
    X509V3_set_ctx(&v3, issuer ? issuer : x, x, 0, 0, 0);
    if (ca) {
        ext = X509V3_EXT_conf_nid(0, &v3, NID_basic_constraints,
                                  "critical,CA:TRUE");
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    if (san) {
        ext = X509V3_EXT_conf_nid(0, &v3, NID_subject_alt_name, (char *)san);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    ck_assert_int_gt(X509_sign(x, signer, EVP_sha256()), 0);
    return (x);
}

/* tx_setup - CA, server key, attacker key */

static void tx_setup(void)
{
    tx_ca_key = EVP_EC_gen("P-256");
    tx_key = EVP_EC_gen("P-256");
    tx_evil_key = EVP_EC_gen("P-256");
    tx_ca = tx_cert(tx_ca_key, tx_ca_key, 0, "Danelab CA", 0, 1, -86400, 86400);
    tx_mxhost = "mx1.foo.danelab.";
    tx_cafile = 0;
    tx_pkix = 0;
    dh_diag_init("dane-smtp-send", -1);
    signal(SIGPIPE, SIG_IGN);
}

/* tx_teardown - free them */

static void tx_teardown(void)
{
    X509_free(tx_ca);
    EVP_PKEY_free(tx_ca_key);
    EVP_PKEY_free(tx_key);
    EVP_PKEY_free(tx_evil_key);
}

/* tx_sha256 - SHA-256 of DER */

static void tx_sha256(const unsigned char *der, int len, unsigned char *md)
{
    unsigned int mdlen;

    ck_assert_int_eq(EVP_Digest(der, len, md, &mdlen, EVP_sha256(), 0), 1);
}

/* tx_spki_hash - 3 1 1 data of a key */

static void tx_spki_hash(EVP_PKEY *key, unsigned char *md)
{
    unsigned char *der = 0;
    int len = i2d_PUBKEY(key, &der);

    tx_sha256(der, len, md);
    OPENSSL_free(der);
}

/* tx_cert_hash - x 0 1 data of a certificate */

static void tx_cert_hash(X509 *x, unsigned char *md)
{
    unsigned char *der = 0;
    int len = i2d_X509(x, &der);

    tx_sha256(der, len, md);
    OPENSSL_free(der);
}

typedef struct {
    X509 *leaf;
    EVP_PKEY *key;
    X509 *chain; /* or NULL */
    int old_tls; /* server speaks TLS 1.1 at most */
} TX_SERVER;

/* tx_server - child process: accept one handshake, report SNI */

static void tx_server(int fd, int report, const TX_SERVER *srv)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *ssl;
    const char *sni;
    char buf[256];

    SSL_CTX_use_certificate(ctx, srv->leaf);
    SSL_CTX_use_PrivateKey(ctx, srv->key);
    if (srv->chain)
        SSL_CTX_add1_chain_cert(ctx, srv->chain);
    if (srv->old_tls) {
        SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
        SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    }
    ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) <= 0) {
        (void)write(report, "!", 1);
        _exit(1);
    }
    sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    snprintf(buf, sizeof(buf), "%s", sni ? sni : "-");
    (void)write(report, buf, strlen(buf));
    while (SSL_read(ssl, buf, sizeof(buf)) > 0)
        /* void */;
    _exit(0);
}

/* tx_run - one handshake; returns 1 if it completed, fills res and sni */

static int tx_run(const TX_SERVER *srv, rc_level level, const rc_tlsa *tlsa,
                  int ntlsa, unsigned mutants, rc_tls_result *res, char *sni,
                  size_t snilen)
{
    static const char *refids[] = {"mx1.foo.danelab.", "foo.danelab."};
    rc_tls_params tp;
    SSL_CTX *ctx;
    SSL *ssl;
    int sv[2];
    int pp[2];
    pid_t pid;
    ssize_t n;
    int status;
    char err[256];

    ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    ck_assert_int_eq(pipe(pp), 0);
    if ((pid = fork()) == 0) {
        close(sv[0]);
        close(pp[0]);
        tx_server(sv[1], pp[1], srv);
    }
    ck_assert_int_gt(pid, 0);
    close(sv[1]);
    close(pp[1]);
    memset(&tp, 0, sizeof(tp));
    tp.level = level;
    tp.base = "mx1.foo.danelab.";
    tp.refids = refids;
    tp.nrefids = 2;
    tp.tlsa = tlsa;
    tp.ntlsa = ntlsa;
    tp.mxhost = tx_mxhost;
    tp.mutants = mutants;
    tp.checks = rc_policy_tls_checks(mutants);
    tp.pkix = tx_pkix;
    ctx = rc_tls_ctx_create(mutants, tx_cafile, err, sizeof(err));
    ck_assert_ptr_nonnull(ctx);
    ssl = rc_tls_handshake(ctx, sv[0], &tp, res);
    n = read(pp[0], sni, snilen - 1);
    sni[n > 0 ? n : 0] = 0;
    if (ssl) {
        SSL_shutdown(ssl);
        SSL_free(ssl);
    }
    close(sv[0]);
    close(pp[0]);
    waitpid(pid, &status, 0);
    SSL_CTX_free(ctx);
    return (ssl != 0);
}

/* tx_rec_len - fill one TLSA record with data of any length */

static void tx_rec_len(rc_tlsa *rec, int u, int s, int m, unsigned char *data,
                       size_t len)
{
    rec->usage = (unsigned char)u;
    rec->selector = (unsigned char)s;
    rec->mtype = (unsigned char)m;
    rec->data = data;
    rec->len = len;
}

/* tx_rec - fill one TLSA record */

static void tx_rec(rc_tlsa *rec, int u, int s, int m, unsigned char *md)
{
    rec->usage = (unsigned char)u;
    rec->selector = (unsigned char)s;
    rec->mtype = (unsigned char)m;
    rec->data = md;
    rec->len = 32;
}

START_TEST(tls_dane_ee)
{
    X509 *leaf = tx_cert(tx_key, tx_key, 0, "whatever", "DNS:unrelated.example",
                         0, -86400, 86400);
    TX_SERVER srv = {leaf, tx_key, 0, 0};
    unsigned char md[32];
    unsigned char wrong[32];
    rc_tlsa rec[2];
    rc_tls_result res;
    char sni[256];
    const char *why;

    tx_spki_hash(tx_key, md);
    tx_spki_hash(tx_evil_key, wrong);

    /* Match, no name checks: verified at depth 0, SNI = base domain. */
    tx_rec(&rec[0], 3, 1, 1, md);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 1);
    ck_assert_int_eq(res.dane_depth, 0);
    ck_assert_int_eq(res.usage, 3);
    ck_assert_int_eq(res.selector, 1);
    ck_assert_int_eq(res.mtype, 1);
    ck_assert_str_eq(sni, "mx1.foo.danelab");
    ck_assert_str_eq(res.sni, "mx1.foo.danelab");
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, res.verify_ok,
                                          res.dane_depth, 0, 0, &why),
                     1);

    /* Rollover RRset {wrong, right}: one match suffices. */
    tx_rec(&rec[0], 3, 1, 1, wrong);
    tx_rec(&rec[1], 3, 1, 1, md);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, rec, 2, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 1);

    /* Mismatch: handshake completes, verification fails. */
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok && res.dane_depth >= 0, 0);
    ck_assert_ptr_nonnull(strstr(res.error, "TLSA"));
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, res.verify_ok,
                                          res.dane_depth, 0, 0, &why),
                     0);
    X509_free(leaf);
}
END_TEST

START_TEST(tls_dane_ee_expired)
{
    X509 *leaf = tx_cert(tx_key, tx_key, 0, "mx1.foo.danelab", 0, 0, -3 * 86400,
                         -2 * 86400);
    TX_SERVER srv = {leaf, tx_key, 0, 0};
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];

    tx_spki_hash(tx_key, md);
    tx_rec(&rec, 3, 1, 1, md);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 1);
    ck_assert_int_eq(res.dane_depth, 0);
    X509_free(leaf);
}
END_TEST

START_TEST(tls_dane_ta_names)
{
    static const struct {
        const char *san;
        int ok;
    } cases[] = {
        {"DNS:mx1.foo.danelab", 1}, /* base domain */
        {"DNS:foo.danelab", 1},     /* next-hop domain */
        {"DNS:*.foo.danelab", 1},   /* whole-label wildcard */
        {"DNS:evil.danelab", 0},
        {"DNS:mx*.foo.danelab", 0}, /* partial wildcard */
    };
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];
    size_t i;

    tx_cert_hash(tx_ca, md);
    tx_rec(&rec, 2, 0, 1, md);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        X509 *leaf = tx_cert(tx_key, tx_ca_key, tx_ca, "leaf", cases[i].san, 0,
                             -86400, 86400);
        TX_SERVER srv = {leaf, tx_key, tx_ca, 0};

        ck_assert_int_eq(
            tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
        ck_assert_msg((res.verify_ok && res.dane_depth >= 0) == cases[i].ok,
                      "%s: verify_ok=%d depth=%d %s", cases[i].san,
                      res.verify_ok, res.dane_depth, res.error);
        if (cases[i].ok) {
            ck_assert_int_eq(res.dane_depth, 1);
            ck_assert_int_eq(res.usage, 2);
        }
        X509_free(leaf);
    }
}
END_TEST

START_TEST(tls_dane_ta_expired_leaf)
{
    X509 *leaf = tx_cert(tx_key, tx_ca_key, tx_ca, "leaf",
                         "DNS:mx1.foo.danelab", 0, -3 * 86400, -2 * 86400);
    TX_SERVER srv = {leaf, tx_key, tx_ca, 0};
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];

    tx_cert_hash(tx_ca, md);
    tx_rec(&rec, 2, 0, 1, md);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 0);
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_ACCEPT_ANY_CERT, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 0); /* the mutant only ignores it */
    X509_free(leaf);
}
END_TEST

START_TEST(tls_sni_policy)
{
    X509 *leaf =
        tx_cert(tx_key, tx_key, 0, "mx1.foo.danelab", 0, 0, -86400, 86400);
    TX_SERVER srv = {leaf, tx_key, 0, 0};
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];

    tx_spki_hash(tx_key, md);
    tx_rec(&rec, 3, 1, 1, md);
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1, RC_MUT_NO_SNI, &res,
                            sni, sizeof(sni)),
                     1);
    ck_assert_str_eq(sni, "-");
    ck_assert_int_eq(res.verify_ok, 1);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_OPPORTUNISTIC, 0, 0, 0, &res, sni, sizeof(sni)),
        1);
    ck_assert_str_eq(sni, "-");
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_MANDATORY, 0, 0, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_str_eq(sni, "-");
    X509_free(leaf);
}
END_TEST

START_TEST(tls_old_versions)
{
    X509 *leaf =
        tx_cert(tx_key, tx_key, 0, "mx1.foo.danelab", 0, 0, -86400, 86400);
    TX_SERVER srv = {leaf, tx_key, 0, 1};
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];

    tx_spki_hash(tx_key, md);
    tx_rec(&rec, 3, 1, 1, md);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 0);
    ck_assert_ptr_nonnull(strstr(res.error, "handshake failed"));
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1, RC_MUT_ALLOW_TLS10,
                            &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 1);
    X509_free(leaf);
}
END_TEST

START_TEST(tls_dane_ee_mutants)
{
    X509 *named = tx_cert(tx_key, tx_key, 0, "whatever",
                          "DNS:unrelated.example", 0, -86400, 86400);
    X509 *expired = tx_cert(tx_key, tx_key, 0, "mx1.foo.danelab",
                            "DNS:mx1.foo.danelab", 0, -3 * 86400, -2 * 86400);
    X509 *future = tx_cert(tx_key, tx_key, 0, "mx1.foo.danelab",
                           "DNS:mx1.foo.danelab", 0, 86400, 2 * 86400);
    TX_SERVER s_named = {named, tx_key, 0, 0};
    TX_SERVER s_expired = {expired, tx_key, 0, 0};
    TX_SERVER s_future = {future, tx_key, 0, 0};
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];

    tx_spki_hash(tx_key, md);
    tx_rec(&rec, 3, 1, 1, md);

    /* RFC 7672 3.2.1: no name checks for DANE-EE; enforce-ee-name has them. */
    ck_assert_int_eq(
        tx_run(&s_named, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok && res.dane_depth == 0, 1);
    ck_assert_int_eq(tx_run(&s_named, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_ENFORCE_EE_NAME, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 0);

    /* RFC 7672 3.1.1: no date checks; enforce-ee-expiry has them. */
    ck_assert_int_eq(
        tx_run(&s_expired, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)),
        1);
    ck_assert_int_eq(res.verify_ok && res.dane_depth == 0, 1);
    ck_assert_int_eq(
        tx_run(&s_future, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)),
        1);
    ck_assert_int_eq(res.verify_ok && res.dane_depth == 0, 1);
    ck_assert_int_eq(tx_run(&s_expired, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_ENFORCE_EE_EXPIRY, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 0);
    ck_assert_ptr_nonnull(strstr(res.error, "expired"));
    ck_assert_int_eq(tx_run(&s_future, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_ENFORCE_EE_EXPIRY, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 0);
    ck_assert_ptr_nonnull(strstr(res.error, "not yet valid"));
    /* The expiry mutant leaves a valid leaf alone. */
    ck_assert_int_eq(tx_run(&s_named, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_ENFORCE_EE_EXPIRY, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 1);
    X509_free(named);
    X509_free(expired);
    X509_free(future);
}
END_TEST

START_TEST(tls_dane_ta_namecheck_mutant)
{
    X509 *leaf = tx_cert(tx_key, tx_ca_key, tx_ca, "leaf", "DNS:evil.danelab",
                         0, -86400, 86400);
    TX_SERVER srv = {leaf, tx_key, tx_ca, 0};
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];

    tx_cert_hash(tx_ca, md);
    tx_rec(&rec, 2, 0, 1, md);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 0);
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_NO_TA_NAMECHECK, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 1);
    ck_assert_int_eq(res.dane_depth, 1);
    /* The SNI is still the base domain. */
    ck_assert_str_eq(sni, "mx1.foo.danelab");
    X509_free(leaf);
}
END_TEST

START_TEST(tls_dane_ta_presence)
{
    /* The server sends its leaf only, not the trust anchor (RFC 7671 5.2.2). */
    X509 *leaf = tx_cert(tx_key, tx_ca_key, tx_ca, "leaf",
                         "DNS:mx1.foo.danelab", 0, -86400, 86400);
    TX_SERVER srv = {leaf, tx_key, 0, 0};
    unsigned char *ca_der = 0;
    unsigned char *ca_spki = 0;
    int ca_len = i2d_X509(tx_ca, &ca_der);
    int spki_len = i2d_PUBKEY(tx_ca_key, &ca_spki);
    unsigned char cert_md[32];
    unsigned char spki_md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];
    static const struct {
        int s, m;
        int ok;
    } cases[] = {
        {0, 0, 1}, /* 2 0 0: the TA is in DNS */
        {1, 0, 1}, /* 2 1 0: key signed the leaf (5.2.3) */
        {0, 1, 0}, /* 2 0 1: digest of a cert not sent */
        {1, 1, 0}, /* 2 1 1: digest of a key not sent */
    };
    size_t i;

    tx_cert_hash(tx_ca, cert_md);
    tx_spki_hash(tx_ca_key, spki_md);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].m == 0)
            tx_rec_len(&rec, 2, cases[i].s, 0, cases[i].s ? ca_spki : ca_der,
                       cases[i].s ? (size_t)spki_len : (size_t)ca_len);
        else
            tx_rec(&rec, 2, cases[i].s, 1, cases[i].s ? spki_md : cert_md);
        ck_assert_int_eq(
            tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
        ck_assert_msg((res.verify_ok && res.dane_depth >= 0) == cases[i].ok,
                      "2 %d %d: verify_ok=%d depth=%d %s", cases[i].s,
                      cases[i].m, res.verify_ok, res.dane_depth, res.error);
    }

    /* With the anchor in the chain the digests work. */
    srv.chain = tx_ca;
    tx_rec(&rec, 2, 0, 1, cert_md);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 1);
    OPENSSL_free(ca_der);
    OPENSSL_free(ca_spki);
    X509_free(leaf);
}
END_TEST

START_TEST(tls_digest_agility)
{
    X509 *leaf =
        tx_cert(tx_key, tx_key, 0, "mx1.foo.danelab", 0, 0, -86400, 86400);
    TX_SERVER srv = {leaf, tx_key, 0, 0};
    unsigned char *der = 0;
    int len = i2d_PUBKEY(tx_key, &der);
    unsigned char good256[32];
    unsigned char good512[64];
    unsigned char bad512[64];
    unsigned char bad256[32];
    unsigned int n;
    rc_tlsa rec[2];
    rc_tls_result res;
    char sni[256];

    tx_spki_hash(tx_key, good256);
    tx_spki_hash(tx_evil_key, bad256);
    ck_assert_int_eq(EVP_Digest(der, len, good512, &n, EVP_sha512(), 0), 1);
    memset(bad512, 0x42, sizeof(bad512));

    /* {3 1 1 match, 3 1 2 no match}: the SHA-256 record is ignored. */
    tx_rec(&rec[0], 3, 1, 1, good256);
    tx_rec_len(&rec[1], 3, 1, 2, bad512, 64);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, rec, 2, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 0);
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, rec, 2, RC_MUT_WEAKEST_DIGEST,
                            &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 1);
    ck_assert_int_eq(res.mtype, 1);

    /* {3 1 1 no match, 3 1 2 match}: delivered either way. */
    tx_rec(&rec[0], 3, 1, 1, bad256);
    tx_rec_len(&rec[1], 3, 1, 2, good512, 64);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, rec, 2, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 1);
    ck_assert_int_eq(res.mtype, 2);
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, rec, 2, RC_MUT_WEAKEST_DIGEST,
                            &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 1);
    OPENSSL_free(der);
    X509_free(leaf);
}
END_TEST

START_TEST(tls_accept_any_cert)
{
    X509 *leaf = tx_cert(tx_evil_key, tx_evil_key, 0, "mx1.foo.danelab", 0, 0,
                         -86400, 86400);
    TX_SERVER srv = {leaf, tx_evil_key, 0, 0};
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];
    const char *why;

    tx_spki_hash(tx_key, md);
    tx_rec(&rec, 3, 1, 1, md);

    /* accept-any-cert: records never reach TLS; SNI still sent. */
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_ACCEPT_ANY_CERT, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.added, 0);
    ck_assert_int_eq(res.verify_ok, 0);
    ck_assert_str_eq(sni, "mx1.foo.danelab");
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, res.verify_ok,
                                          res.dane_depth, res.pkix_ok,
                                          RC_MUT_ACCEPT_ANY_CERT, &why),
                     1);

    /* accept-unauthenticated: the records are checked, fail, ignored. */
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1, RC_MUT_ACCEPT_UNAUTH,
                            &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.added, 1);
    ck_assert_int_eq(res.verify_ok, 0);
    ck_assert_ptr_nonnull(strstr(res.error, "TLSA"));
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, res.verify_ok,
                                          res.dane_depth, res.pkix_ok,
                                          RC_MUT_ACCEPT_UNAUTH, &why),
                     1);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, res.verify_ok,
                                          res.dane_depth, res.pkix_ok, 0, &why),
                     0);
    X509_free(leaf);
}
END_TEST

/* tx_ca_file - the test CA as a PEM file; caller unlinks */

static void tx_ca_file(char *path, size_t len)
{
    FILE *fp;
    int fd;

    snprintf(path, len, "/tmp/check_refclient.XXXXXX");
    ck_assert_int_ge(fd = mkstemp(path), 0);
    ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
    ck_assert_int_eq(PEM_write_X509(fp, tx_ca), 1);
    fclose(fp);
}

START_TEST(tls_pkix_mutants)
{
    X509 *leaf = tx_cert(tx_evil_key, tx_ca_key, tx_ca, "mx1.foo.danelab",
                         "DNS:mx1.foo.danelab", 0, -86400, 86400);
    X509 *other = tx_cert(tx_evil_key, tx_ca_key, tx_ca, "other",
                          "DNS:other.danelab", 0, -86400, 86400);
    TX_SERVER srv = {leaf, tx_evil_key, tx_ca, 0};
    TX_SERVER srv_other = {other, tx_evil_key, tx_ca, 0};
    unsigned char md[32];
    unsigned char leaf_md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];
    char path[64];
    char err[256];
    const char *why;

    tx_ca_file(path, sizeof(path));
    tx_pkix = rc_tls_pkix_load(path, err, sizeof(err));
    ck_assert_msg(tx_pkix != 0, "%s", err);
    ck_assert_ptr_null(
        rc_tls_pkix_load("/nonexistent/ca.pem", err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/ca.pem"));

    /* TLSA names another key; the chain is PKIX-valid for the host name. */
    tx_spki_hash(tx_key, md);
    tx_rec(&rec, 3, 1, 1, md);
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 0);
    ck_assert_int_eq(res.pkix_ok, 1);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, res.verify_ok,
                                          res.dane_depth, res.pkix_ok, 0, &why),
                     0);
    ck_assert_int_eq(rc_policy_tls_accept(RC_LEVEL_DANE, res.verify_ok,
                                          res.dane_depth, res.pkix_ok,
                                          RC_MUT_PKIX_FALLBACK, &why),
                     1);
    /* PKIX checks the name too. */
    ck_assert_int_eq(
        tx_run(&srv_other, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)),
        1);
    ck_assert_int_eq(res.pkix_ok, 0);
    ck_assert_ptr_nonnull(strstr(res.pkix_error, "mismatch"));
    X509_STORE_free(tx_pkix);
    tx_pkix = 0;

    /*
     * pkix-usages-usable: a PKIX-EE(1) record is enforced with the CA file
     * in the TLS store; without it the same record cannot authenticate.
     */
    tx_spki_hash(tx_evil_key, leaf_md);
    tx_rec(&rec, 1, 1, 1, leaf_md);
    tx_cafile = path;
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_PKIX_USAGES_USABLE, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 1);
    ck_assert_int_eq(res.usage, 1);
    tx_cafile = 0;
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1,
                            RC_MUT_PKIX_USAGES_USABLE, &res, sni, sizeof(sni)),
                     1);
    ck_assert_int_eq(res.verify_ok, 0);
    /* The correct client's store stays empty even when given a CA file. */
    tx_cafile = path;
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_int_eq(res.verify_ok, 0);
    tx_cafile = 0;

    X509_STORE_free(rc_tls_pkix_load(path, err, sizeof(err)));
    unlink(path);
    X509_free(leaf);
    X509_free(other);
}
END_TEST

START_TEST(tls_sni_mx_name)
{
    X509 *leaf =
        tx_cert(tx_key, tx_key, 0, "mx1.foo.danelab", 0, 0, -86400, 86400);
    TX_SERVER srv = {leaf, tx_key, 0, 0};
    unsigned char md[32];
    rc_tlsa rec;
    rc_tls_result res;
    char sni[256];

    tx_spki_hash(tx_key, md);
    tx_rec(&rec, 3, 1, 1, md);
    tx_mxhost = "mail.foo.danelab.";
    ck_assert_int_eq(
        tx_run(&srv, RC_LEVEL_DANE, &rec, 1, 0, &res, sni, sizeof(sni)), 1);
    ck_assert_str_eq(sni, "mx1.foo.danelab");
    ck_assert_int_eq(tx_run(&srv, RC_LEVEL_DANE, &rec, 1, RC_MUT_SNI_MX_NAME,
                            &res, sni, sizeof(sni)),
                     1);
    ck_assert_str_eq(sni, "mail.foo.danelab");
    ck_assert_int_eq(res.verify_ok, 1);
    X509_free(leaf);
}
END_TEST

START_TEST(tls_match_and_info)
{
    X509 *leaf = tx_cert(tx_key, tx_ca_key, tx_ca, "mx1.foo.danelab",
                         "DNS:mx1.foo.danelab", 0, -86400, 86400);
    unsigned char *cder = 0;
    unsigned char *sder = 0;
    int clen = i2d_X509(leaf, &cder);
    int slen = i2d_PUBKEY(tx_key, &sder);
    unsigned char c256[32];
    unsigned char s256[32];
    unsigned char s512[64];
    unsigned int n;
    rc_tlsa rec;
    rc_cert_desc ci;
    char hex[65];
    int i;

    tx_cert_hash(leaf, c256);
    tx_spki_hash(tx_key, s256);
    ck_assert_int_eq(EVP_Digest(sder, slen, s512, &n, EVP_sha512(), 0), 1);
    tx_rec_len(&rec, 3, 0, 0, cder, clen);
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, leaf), 1);
    tx_rec_len(&rec, 3, 1, 0, sder, slen);
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, leaf), 1);
    tx_rec(&rec, 3, 0, 1, c256);
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, leaf), 1);
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, tx_ca), 0);
    tx_rec(&rec, 2, 1, 1, s256);
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, leaf), 1);
    tx_rec_len(&rec, 3, 1, 2, s512, 64);
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, leaf), 1);
    tx_rec_len(&rec, 3, 1, 2, s512, 63);
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, leaf), 0);
    tx_rec(&rec, 3, 2, 1, s256); /* unknown selector */
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, leaf), 0);
    tx_rec(&rec, 3, 1, 9, s256); /* unknown matching type */
    ck_assert_int_eq(rc_tls_tlsa_match(&rec, leaf), 0);

    rc_tls_cert_info(leaf, &ci);
    ck_assert_ptr_nonnull(strstr(ci.subject, "CN=mx1.foo.danelab"));
    ck_assert_ptr_nonnull(strstr(ci.issuer, "CN=Danelab CA"));
    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", s256[i]);
    ck_assert_str_eq(ci.spki_sha256, hex);
    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", c256[i]);
    ck_assert_str_eq(ci.cert_sha256, hex);
    ck_assert_int_eq(ci.expired, 0);
    ck_assert_uint_gt(strlen(ci.not_after), 10);
    OPENSSL_free(cder);
    OPENSSL_free(sder);
    X509_free(leaf);
}
END_TEST

/* refclient_suite - all refclient tests */

Suite *refclient_suite(void)
{
    Suite *s = suite_create("refclient");
    TCase *tc;

    tc = tcase_create("tlsa-usability");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, tlsa_digest_lengths);
    tcase_add_test(tc, tlsa_full_data);
    tcase_add_test(tc, tlsa_class_strings);
    suite_add_tcase(s, tc);

    tc = tcase_create("dns-outcomes");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_add_test(tc, tlsa_level_table);
    tcase_add_test(tc, mx_action_table);
    tcase_add_test(tc, addr_usable_table);
    suite_add_tcase(s, tc);

    tc = tcase_create("agility");
    tcase_add_test(tc, tlsa_usable_pkix_mutant);
    tcase_add_test(tc, digest_agility);
    suite_add_tcase(s, tc);

    tc = tcase_create("mx-order");
    tcase_add_test(tc, mx_order);
    tcase_add_test(tc, mx_null);
    suite_add_tcase(s, tc);

    tc = tcase_create("base-domain");
    tcase_add_test(tc, base_domain_choice);
    tcase_add_test(tc, base_domain_cname_mutants);
    tcase_add_test(tc, reference_ids);
    tcase_add_test(tc, name_helpers);
    suite_add_tcase(s, tc);

    tc = tcase_create("session");
    tcase_add_test(tc, session_decisions);
    tcase_add_test(tc, tls_checks_table);
    tcase_add_test(tc, tls_accept_mutants);
    tcase_add_test(tc, sni_mutants);
    tcase_add_test(tc, local_policy_mutants);
    suite_add_tcase(s, tc);

    tc = tcase_create("mutants");
    tcase_add_test(tc, mutant_names);
    tcase_add_test(tc, mutant_usage_layout);
    suite_add_tcase(s, tc);

    tc = tcase_create("message");
    tcase_add_test(tc, msg_stuffing);
    tcase_add_test(tc, msg_load_missing);
    suite_add_tcase(s, tc);

    tc = tcase_create("dane-handshake");
    tcase_add_checked_fixture(tc, tx_setup, tx_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, tls_dane_ee);
    tcase_add_test(tc, tls_dane_ee_expired);
    tcase_add_test(tc, tls_dane_ta_names);
    tcase_add_test(tc, tls_dane_ta_expired_leaf);
    tcase_add_test(tc, tls_sni_policy);
    tcase_add_test(tc, tls_old_versions);
    tcase_add_test(tc, tls_dane_ee_mutants);
    tcase_add_test(tc, tls_dane_ta_namecheck_mutant);
    tcase_add_test(tc, tls_dane_ta_presence);
    tcase_add_test(tc, tls_digest_agility);
    tcase_add_test(tc, tls_accept_any_cert);
    tcase_add_test(tc, tls_pkix_mutants);
    tcase_add_test(tc, tls_sni_mx_name);
    tcase_add_test(tc, tls_match_and_info);
    suite_add_tcase(s, tc);

    tc = tcase_create("dns-rdata");
    tcase_add_test(tc, dns_names);
    tcase_add_test(tc, dns_rdata);
    suite_add_tcase(s, tc);
    return (s);
}

int main(void)
{
    SRunner *sr = srunner_create(refclient_suite());
    int failed;

    load_test_personas();
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return (failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE);
}
