/*
 * persona.c - the table of fake MX personas (docs/scenario-format.md
 * lists them for scenario authors).
 */
#include "persona.h"

#include <string.h>

static const dh_persona personas[] = {
    /* honest servers, various chains */
    {"honest", DH_CHAIN_OWN, "starttls=offer", 0,
     "offers STARTTLS; presents the host's own leaf and the issuing "
     "intermediate"},
    {"honest-leaf-only", DH_CHAIN_LEAF_ONLY, "starttls=offer", 0,
     "the host's own leaf without the intermediate (chain incomplete)"},
    {"honest-full-chain", DH_CHAIN_FULL, "starttls=offer", 0,
     "leaf, intermediate and the root (trust anchor) itself"},
    {"expired-leaf", DH_CHAIN_EXPIRED, "starttls=offer", 0,
     "the host's own key in a leaf that expired yesterday"},
    {"future-leaf", DH_CHAIN_NOT_YET_VALID, "starttls=offer", 0,
     "the host's own key in a leaf valid only from tomorrow"},
    {"wrong-name-leaf", DH_CHAIN_WRONG_NAME, "starttls=offer", 0,
     "the host's own key in a leaf for another name (wrong.invalid)"},
    {"wildcard-leaf", DH_CHAIN_WILDCARD, "starttls=offer", 0,
     "the host's own key in a leaf for *.<the host's parent domain>"},
    {"partial-wildcard-leaf", DH_CHAIN_PARTIAL_WILDCARD, "starttls=offer", 0,
     "the host's own key in a leaf for m*.<the host's parent domain>, a "
     "partial-label wildcard"},
    {"san-mismatch-leaf", DH_CHAIN_SAN_MISMATCH, "starttls=offer", 0,
     "the host's own key in a leaf whose CN is the host name but whose "
     "only SAN dNSName is another name (wrong.invalid)"},
    {"nexthop-name-leaf", DH_CHAIN_NEXTHOP_NAME, "starttls=offer", 0,
     "the host's own key in a leaf for the recipient (next-hop) domain, "
     "not the MX host name"},
    {"reissued-leaf", DH_CHAIN_REISSUED, "starttls=offer", 0,
     "the host's own key in a newly issued certificate: a 3 1 x record "
     "still matches, a 3 0 x record of the old certificate does not"},
    {"dual-rsa-ecdsa", DH_CHAIN_DUAL, "starttls=offer", 0,
     "an ECDSA chain and an RSA chain; OpenSSL picks by the client's "
     "signature algorithms"},
    {"sni-required", DH_CHAIN_SNI, "starttls=offer", 0,
     "the host's chain only when the client's SNI is the host name; "
     "otherwise a self-signed certificate for another name"},
    /* TLS protocol versions */
    {"tls10-only", DH_CHAIN_OWN, "starttls=offer tls-min=1.0 tls-max=1.1", 0,
     "the honest chain, but TLS 1.0 and 1.1 only"},
    {"tls12-only", DH_CHAIN_OWN, "starttls=offer tls-min=1.2 tls-max=1.2", 0,
     "the honest chain, TLS 1.2 only"},
    {"tls13-only", DH_CHAIN_OWN, "starttls=offer tls-min=1.3 tls-max=1.3", 0,
     "the honest chain, TLS 1.3 only"},
    /* SMTP-level behaviour, honest chain */
    {"slow-greeting", DH_CHAIN_OWN,
     "starttls=offer greeting-delay=3 ehlo-delay=1", 0,
     "honest, but waits 3 s before its greeting and 1 s before each EHLO "
     "reply"},
    {"tempfail-mail", DH_CHAIN_OWN, "starttls=offer mail-reply=451", 0,
     "honest, but answers MAIL FROM with 451 (try later)"},
    {"tempfail-data", DH_CHAIN_OWN, "starttls=offer data-reply=451", 0,
     "honest, but answers the end of DATA with 451: not accepted"},
    {"reject-rcpt", DH_CHAIN_OWN, "starttls=offer rcpt-reply=550", 0,
     "honest, but rejects the recipient with 550"},
    /* attackers */
    {"no-starttls", DH_CHAIN_OWN, "starttls=none", 1,
     "STARTTLS stripped: never advertised, refused with 502"},
    {"starttls-454", DH_CHAIN_OWN, "starttls=reject", 1,
     "STARTTLS advertised but answered 454 (TLS not available)"},
    {"starttls-close", DH_CHAIN_OWN, "starttls=accept-close", 1,
     "STARTTLS answered 220, then the connection is closed"},
    {"handshake-alert", DH_CHAIN_OWN, "starttls=offer tls-abort=alert", 1,
     "the TLS handshake is aborted with a fatal alert after the "
     "ClientHello"},
    {"handshake-reset", DH_CHAIN_OWN, "starttls=offer tls-abort=reset", 1,
     "the TLS handshake is aborted with a TCP reset after the ClientHello"},
    {"evil-self-signed", DH_CHAIN_SELF_SIGNED, "starttls=offer", 1,
     "a self-signed certificate for the right name with the attacker's "
     "key"},
    {"evil-public-ca", DH_CHAIN_ATTACKER_CA, "starttls=offer", 1,
     "the attacker's key in a leaf for the right name issued by a CA the "
     "client's PKIX store may trust (DH_PKIX_CA)"},
    {NULL, 0, NULL, 0, NULL},
};

/* dh_persona_find - persona by name, or NULL */
const dh_persona *dh_persona_find(const char *name)
{
    const dh_persona *p;

    for (p = personas; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

/* dh_persona_all - the whole table, terminated by a NULL name */
const dh_persona *dh_persona_all(void)
{
    return personas;
}
