/*
 * pki.h - per-run keys and certificates (OpenSSL 3).
 *
 * dh_pki_new() makes the run's issuing CA (for DANE-TA and honest chains)
 * and the attacker's key.  dh_pki_leaf() issues an honest leaf with a new
 * key; dh_pki_attacker() makes a self-signed certificate for the right
 * name with the attacker's key.  All objects are owned by the caller and
 * released with dh_cert_free() / dh_pki_free().
 */
#ifndef DH_PKI_H
#define DH_PKI_H

#include <openssl/evp.h>
#include <openssl/x509.h>

typedef struct {
    EVP_PKEY *key;
    X509 *leaf;
    STACK_OF(X509) *chain; /* sent after the leaf; may be empty */
} dh_cert;

typedef struct {
    EVP_PKEY *ca_key;
    X509 *ca;
    EVP_PKEY *attacker_key;
} dh_pki;

dh_pki *dh_pki_new(void);
void dh_pki_free(dh_pki *pki);
dh_cert *dh_pki_leaf(dh_pki *pki, const char *dnsname);
dh_cert *dh_pki_attacker(dh_pki *pki, const char *dnsname);
void dh_cert_free(dh_cert *c);

/* PEM files: chain (leaf first) and private key.  0 or -1. */
int dh_cert_write(const dh_cert *c, const char *chain_path,
                  const char *key_path);
int dh_pki_write_ca(const dh_pki *pki, const char *path);

/* TLSA certificate association data for a selector (0 cert, 1 SPKI) and
 * matching type (0 full, 1 SHA-256, 2 SHA-512), as new hex string. */
char *dh_tlsa_data(X509 *cert, int selector, int mtype);
/* SHA-256 fingerprint of a certificate, as new hex string. */
char *dh_cert_sha256(X509 *cert);

#endif
