/*
 * pki.h - per-run keys and certificates (OpenSSL 3).
 *
 * dh_pki_new() makes the run's certification authorities as the "ca"
 * rows of certs/personas.conf describe them (a root, the intermediate that
 * issues every honest leaf, the attacker's CA that adapters put in the
 * client's PKIX store), plus the attacker's own key.  dh_pki_issue()
 * makes one certificate to order.  All objects are owned by the caller
 * and released with dh_cert_free() / dh_pki_free().
 */
#ifndef DH_PKI_H
#define DH_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>

typedef struct {
    EVP_PKEY *key;
    X509 *leaf;
    STACK_OF(X509) * chain; /* sent after the leaf; may be empty */
} dh_cert;

/* The run's CAs, one per "ca" row of certs/personas.conf (persona.h), in
 * the same order, and the attacker's key. */
typedef struct {
    EVP_PKEY **ca_key;
    X509 **ca;
    size_t nca;
    EVP_PKEY *attacker_key;
} dh_pki;

typedef struct {
    const char *cn;  /* subject CN (trailing dot ignored) */
    const char *san; /* the SAN dNSName, NULL: the CN */
    EVP_PKEY *key;   /* borrowed (a reference is taken); NULL: a new key */
    int rsa;         /* with key NULL: a new RSA-2048 key, not P-256 */
    int issuer;      /* CA index (dh_ca_find()), or -1: self-signed */
    long not_before; /* seconds from now */
    long not_after;
    const char *ku;  /* keyUsage value (OpenSSL syntax), or NULL: none */
    const char *eku; /* extendedKeyUsage, or NULL: serverAuth */
} dh_issue_req;

dh_pki *dh_pki_new(void);
/* A CA's certificate by name (borrowed), or a broken invariant. */
X509 *dh_pki_ca(const dh_pki *pki, const char *name);
void dh_pki_free(dh_pki *pki);
/* A certificate with its key; the chain is left empty for the caller. */
dh_cert *dh_pki_issue(dh_pki *pki, const dh_issue_req *req);
void dh_cert_free(dh_cert *c);
/* Append a certificate to a cert's chain (reference taken). */
void dh_cert_chain_add(dh_cert *c, X509 *x);

/* PEM files: chain (leaf first) and private key.  0 or -1. */
int dh_cert_write(const dh_cert *c, const char *chain_path,
                  const char *key_path);
int dh_x509_write(X509 *x, const char *path);

/* TLSA certificate association data for a selector (0 cert, 1 SPKI) and
 * matching type (0 full, 1 SHA-256, 2 SHA-512), as new hex string. */
char *dh_tlsa_data(X509 *cert, int selector, int mtype);
/* SHA-256 fingerprint of a certificate, as new hex string. */
char *dh_cert_sha256(X509 *cert);

#endif
