/*
 * fakemx_tls.h - server-side TLS material of the fake MX
 *
 * A struct fakemx_tls_cred is one certificate chain plus key, loaded into
 * its own SSL_CTX, with the SHA-256 fingerprints of the certificates the
 * server sends (leaf first), computed once.  It belongs to a config entry
 * and is freed with fakemx_tls_cred_free().
 *
 * A struct fakemx_tls_state belongs to one connection; the servername
 * callback fills it in during the handshake.  Its owner frees the strings
 * with fakemx_tls_state_clear().
 */
#ifndef FAKEMX_TLS_H
#define FAKEMX_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

/* Hex SHA-256 plus NUL. */
#define FAKEMX_SHA256_HEX 65

struct fakemx_tls_cred {
    SSL_CTX *ctx;
    size_t nchain;                           /* certificates sent */
    char (*chain_sha256)[FAKEMX_SHA256_HEX]; /* leaf first */
};

struct fakemx_tls_state {
    char *sni; /* server name the client asked for, or NULL */
    int seen;  /* the servername callback ran (a ClientHello arrived) */
};

/*
 * fakemx_tls_cred_load - load CERT (PEM, leaf first, then chain) and KEY
 *
 * Returns NULL and a message in ERR (no file:line prefix) when a file
 * cannot be read or parsed or the key does not match the leaf.
 */
struct fakemx_tls_cred *fakemx_tls_cred_load(const char *cert, const char *key,
                                             char *err, size_t errlen);

/* fakemx_tls_cred_free - free a credential; NULL is fine */
void fakemx_tls_cred_free(struct fakemx_tls_cred *cred);

/* fakemx_tls_ssl_new - a new server SSL for CRED reporting into ST */
SSL *fakemx_tls_ssl_new(const struct fakemx_tls_cred *cred,
                        struct fakemx_tls_state *st);

/* fakemx_tls_state_clear - free what ST holds and zero it */
void fakemx_tls_state_clear(struct fakemx_tls_state *st);

/* fakemx_tls_err_append - append the text of OpenSSL error E to BUF */
void fakemx_tls_err_append(char *buf, size_t len, unsigned long e);

#endif
