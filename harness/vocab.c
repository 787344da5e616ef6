/*
 * vocab.c - every name the harness reads or writes for one of its
 * enumerations, in one table per enumeration (vocab.h).  The scenario
 * parser, the world builder, the reports and `dane-harness list' all use
 * these; docs/scenario-format.md lists the same words.
 */
#include "vocab_all.h"

static const char *const severity_names[] = {
    [DH_SEV_SECURITY] = "security",
    [DH_SEV_INTEROP] = "interop",
    [DH_SEV_ADVISORY] = "advisory",
};
DH_VOCAB(dh_vocab_severity, "severity", severity_names, DH_SEV_KINDS);

static const char *const expect_names[] = {
    [DH_EXPECT_DELIVER] = "deliver",
    [DH_EXPECT_NO_DELIVERY] = "no-delivery",
    [DH_EXPECT_DELIVER_OR_DEFER] = "deliver-or-defer",
    [DH_EXPECT_BOUNCE] = "bounce",
};
DH_VOCAB(dh_vocab_expect, "expectation", expect_names, DH_EXPECT_KINDS);

static const char *const dnsstate_names[] = {
    [DH_DNS_SECURE] = "secure",
    [DH_DNS_INSECURE] = "insecure",
    [DH_DNS_BOGUS] = "bogus",
    [DH_DNS_SERVFAIL] = "servfail",
};
DH_VOCAB(dh_vocab_dnsstate, "DNS state", dnsstate_names, DH_DNS_KINDS);

static const char *const existence_names[] = {
    [DH_EXIST_DATA] = "data",
    [DH_EXIST_NXDOMAIN] = "nxdomain",
    [DH_EXIST_NODATA] = "nodata",
    [DH_EXIST_ANY] = "any",
};
DH_VOCAB(dh_vocab_existence, "existence", existence_names, DH_EXIST_KINDS);

static const char *const zone_dnssec_names[] = {
    [DH_ZONE_SIGNED] = "signed",
    [DH_ZONE_UNSIGNED] = "unsigned",
    [DH_ZONE_UNSUPPORTED_ALG] = "unsupported-alg",
};
DH_VOCAB(dh_vocab_zone_dnssec, "dnssec=", zone_dnssec_names,
         DH_ZONE_DNSSEC_KINDS);

static const char *const zone_server_names[] = {
    [DH_SERVER_OK] = "ok",
    [DH_SERVER_REFUSED] = "refused",
    [DH_SERVER_SERVFAIL] = "servfail",
    [DH_SERVER_SILENT] = "silent",
};
DH_VOCAB(dh_vocab_zone_server, "server=", zone_server_names, DH_SERVER_KINDS);

static const char *const denial_names[] = {
    [DH_DENIAL_NSEC] = "nsec",
    [DH_DENIAL_NSEC3] = "nsec3",
    [DH_DENIAL_NSEC3_OPTOUT] = "nsec3-optout",
};
DH_VOCAB(dh_vocab_denial, "denial=", denial_names, DH_DENIAL_KINDS);

static const char *const qexpect_names[] = {
    [DH_QEXPECT_QUERY] = "expect-query",
    [DH_QEXPECT_NO_QUERY] = "expect-no-query",
    [DH_QEXPECT_BEFORE] = "expect-query-order",
    [DH_QEXPECT_NO_CONNECT] = "expect-no-connect",
};
DH_VOCAB(dh_vocab_qexpect, "expectation key", qexpect_names, DH_QEXPECT_KINDS);

static const char *const verdict_names[] = {
    [DH_V_PASS] = "PASS",   [DH_V_FAIL] = "FAIL",   [DH_V_ERROR] = "ERROR",
    [DH_V_HANG] = "HANG",   [DH_V_CRASH] = "CRASH", [DH_V_SKIP] = "SKIP",
    [DH_V_XFAIL] = "XFAIL", [DH_V_XPASS] = "XPASS",
};
DH_VOCAB(dh_vocab_verdict, "verdict", verdict_names, DH_V_KINDS);

static const char *const outcome_names[] = {
    [DH_OUT_NONE] = "none",
    [DH_OUT_DELIVERED] = "delivered",
    [DH_OUT_DEFERRED] = "deferred",
    [DH_OUT_BOUNCED] = "bounced",
};
DH_VOCAB(dh_vocab_outcome, "outcome", outcome_names, DH_OUT_KINDS);

const dh_vocab *const dh_vocab_all[] = {
    &dh_vocab_severity,
    &dh_vocab_expect,
    &dh_vocab_dnsstate,
    &dh_vocab_existence,
    &dh_vocab_zone_dnssec,
    &dh_vocab_zone_server,
    &dh_vocab_denial,
    &dh_vocab_qexpect,
    &dh_vocab_verdict,
    &dh_vocab_outcome,
    NULL,
};
