/*
 * persona.h - what a fake MX server presents, by name: the data of
 * certs/personas.conf (format: certs/README.md).
 *
 * Three kinds of rows, loaded once per process by dh_personas_load():
 *   ca       a certification authority of the run (root, intermediate,
 *            attacker-ca): its subject, issuer and validity;
 *   chain    a certificate chain issued per host: which key, which
 *            issuer, which names, which validity and extensions, which
 *            certificates are sent after the leaf;
 *   persona  what the fake MX does at one address: a chain (or one of its
 *            own, written in the row), possibly a second chain (also=)
 *            or a chain for other SNI values (other-sni=), the dane-fakemx
 *            "listen" options of its behaviour (docs/fakemx.md), whether
 *            it is hostile (a message reaching it reached an attacker:
 *            the default of a scenario's "via"), and its documentation.
 *
 * Everything returned points into the loaded tables, which live until
 * the process ends: callers borrow, never free.  Looking anything up
 * before dh_personas_load() succeeded is a bug (dh_panic).
 */
#ifndef DH_PERSONA_H
#define DH_PERSONA_H

#include <stddef.h>

/* The key a chain's leaf is made for. */
typedef enum {
    DH_KEY_HOST,      /* the host's own ECDSA P-256 key */
    DH_KEY_HOST_RSA,  /* the host's own RSA-2048 key */
    DH_KEY_HOST_NEXT, /* the host's next ECDSA P-256 key (a rollover) */
    DH_KEY_ATTACKER,  /* the attacker's key (one per run) */
    DH_KEY_NEW,       /* a fresh key for this certificate */
    DH_KEY_KINDS
} dh_key_kind;

typedef struct {
    char *name;
    char *cn;      /* subject CN */
    int issuer;    /* index of the issuing CA (earlier row), or -1: self */
    long from, to; /* validity, seconds from now */
    char *doc;
    int line;
} dh_ca_profile;

typedef struct dh_chain {
    char *name;
    int index;                   /* in dh_chain_at() order */
    const struct dh_chain *leaf; /* reuse this chain's leaf, or NULL */
    dh_key_kind key;
    int issuer;     /* CA index, or -1: self-signed */
    char *cn, *san; /* name patterns: host, domain, PREFIX.parent, literal */
    long from, to;  /* validity, seconds from now */
    int *send;      /* CA indexes of the certificates sent after the leaf */
    size_t nsend;
    char *ku, *eku; /* keyUsage, extendedKeyUsage (OpenSSL syntax), or NULL */
    int line;
} dh_chain;

typedef struct {
    char *name;
    const dh_chain *chain;     /* what it presents */
    const dh_chain *also;      /* a second chain (by signature algorithm) */
    const dh_chain *other_sni; /* presented instead when SNI != host */
    char *options;             /* dane-fakemx listen keys */
    int hostile;
    char *doc;
    int line;
} dh_persona;

/* Load certs/personas.conf (the path given): 0, or -1 with
 * "FILE:LINE: reason" in err.  Loading again replaces the tables. */
int dh_personas_load(const char *path, char *err, size_t errlen);
/* The file loaded, for messages. */
const char *dh_personas_file(void);

const dh_persona *dh_persona_find(const char *name);
/* Every persona, in file order, terminated by an entry with name NULL. */
const dh_persona *dh_persona_all(void);

size_t dh_chain_count(void);
const dh_chain *dh_chain_at(size_t i);
const dh_chain *dh_chain_find(const char *name);

size_t dh_ca_count(void);
const dh_ca_profile *dh_ca_at(size_t i);
/* Index of a CA by name, or -1. */
int dh_ca_find(const char *name);

#endif
