/*
 * pki.h - per-run keys and certificates (OpenSSL 3).
 *
 * dh_pki_new() makes the run's certification authorities: a root (the
 * trust anchor DANE-TA records may name), an intermediate that issues
 * every honest leaf, and the attacker's CA (the one adapters may install
 * in the client's PKIX store to simulate a "publicly trusted" attacker),
 * plus the attacker's own key.  dh_pki_issue() makes one certificate to
 * order.  All objects are owned by the caller and released with
 * dh_cert_free() / dh_pki_free().
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

typedef struct {
    EVP_PKEY *root_key;
    X509 *root;
    EVP_PKEY *int_key;
    X509 *intermediate;
    EVP_PKEY *attacker_key;
    EVP_PKEY *attacker_ca_key;
    X509 *attacker_ca;
} dh_pki;

typedef enum {
    DH_ISSUER_INTERMEDIATE, /* the honest issuing CA */
    DH_ISSUER_SELF,         /* self-signed */
    DH_ISSUER_ATTACKER_CA,  /* the attacker's "public" CA */
} dh_issuer;

typedef struct {
    const char *dnsname; /* subject CN and SAN (trailing dot ignored) */
    const char *san;     /* a different SAN dNSName, or NULL */
    EVP_PKEY *key;       /* NULL: a new ECDSA P-256 key */
    int rsa;             /* with key NULL: a new RSA-2048 key instead */
    dh_issuer issuer;
    long not_before; /* seconds from now (default -1 day) */
    long not_after;  /* seconds from now (default +30 days) */
    int times_set;   /* use not_before/not_after */
} dh_issue_req;

dh_pki *dh_pki_new(void);
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
