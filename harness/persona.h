/*
 * persona.h - what a fake MX server does to the client, by name.
 *
 * A persona fixes the behaviour of the fake server at one address: the
 * SMTP and TLS options it runs with (dane-fakemx "listen" keys, see
 * docs/fakemx.md) and which certificate chain it presents.  "hostile"
 * says whether a message reaching it reached an attacker or travelled in
 * clear past one; it is the default of a scenario's "via".  The table is
 * static; dh_persona_find() returns NULL for an unknown name.
 */
#ifndef DH_PERSONA_H
#define DH_PERSONA_H

typedef enum {
    DH_CHAIN_OWN,           /* the host's leaf (its own key) + intermediate */
    DH_CHAIN_LEAF_ONLY,     /* the leaf alone: the intermediate is missing */
    DH_CHAIN_FULL,          /* leaf + intermediate + root (trust anchor) */
    DH_CHAIN_EXPIRED,       /* own key, leaf expired a day ago */
    DH_CHAIN_NOT_YET_VALID, /* own key, leaf valid from tomorrow */
    DH_CHAIN_WRONG_NAME,    /* own key, leaf for another name */
    DH_CHAIN_WILDCARD,      /* own key, leaf for *.<parent domain> */
    DH_CHAIN_REISSUED,      /* own key, another certificate (serial, dates) */
    DH_CHAIN_SELF_SIGNED,   /* attacker: right name, wrong key, self-signed */
    DH_CHAIN_ATTACKER_CA,   /* attacker: right name, issued by attacker CA */
    DH_CHAIN_DUAL,          /* own ECDSA chain and an RSA chain */
    DH_CHAIN_SNI,           /* own chain only for SNI = host name */
    DH_CHAIN_PARTIAL_WILDCARD, /* own key, leaf for m*.<parent domain> */
    DH_CHAIN_SAN_MISMATCH,     /* own key, CN = host name, SAN another name */
    DH_CHAIN_NEXTHOP_NAME,     /* own key, leaf for the recipient domain */
    DH_CHAIN_KINDS
} dh_chain_kind;

typedef struct {
    const char *name;
    dh_chain_kind chain;
    const char *options; /* extra dane-fakemx listen keys */
    int hostile;
    const char *doc;
} dh_persona;

const dh_persona *dh_persona_find(const char *name);
const dh_persona *dh_persona_all(void); /* terminated by name == NULL */

#endif
