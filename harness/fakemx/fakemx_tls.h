/*
 * fakemx_tls.h - server-side TLS material of the fake MX
 *
 * A fakemx_tls_cred is what one config entry presents: an SSL_CTX
 * with the entry's certificate chain and key (and, with cert2=, a second
 * chain of another key type beside it: OpenSSL picks by the client's
 * signature algorithms), the protocol version limits, and optionally a
 * second SSL_CTX that the servername callback switches to when the client
 * asks for sni-name.  The SHA-256 fingerprints of the main chain are
 * computed once.  It belongs to the config entry and is freed with
 * fakemx_tls_cred_free().
 *
 * A fakemx_tls_state belongs to one connection; the callbacks fill
 * it in during the handshake (SNI, the ClientHello's offers, alerts).
 * Its owner sets the abort mode before the handshake and frees the
 * strings with fakemx_tls_state_clear().
 */
#ifndef FAKEMX_TLS_H
#define FAKEMX_TLS_H

#include <stddef.h>
#include <sys/time.h>
#include <openssl/ssl.h>

#include "fakemx_hello.h"

/* Hex SHA-256 plus NUL. */
#define FAKEMX_SHA256_HEX 65

/* Longest chain whose fingerprints a tls event reports. */
#define FAKEMX_CHAIN_MAX 16

/* What to do once the ClientHello has been read (tls-abort=). */
typedef enum {
    FAKEMX_ABORT_NONE,  /* carry on */
    FAKEMX_ABORT_ALERT, /* fatal handshake_failure alert, then close */
    FAKEMX_ABORT_RESET, /* stop the handshake; the session sends a RST */
    FAKEMX_ABORT_KINDS
} fakemx_tls_abort;

/* What an entry presents; the strings belong to the caller. */
typedef struct fakemx_tls_opts {
    const char *cert; /* PEM chain, leaf first (required) */
    const char *key;
    const char *cert2; /* second chain of another key type, or NULL */
    const char *key2;
    const char *sni_name; /* present sni_cert for this SNI, or NULL */
    const char *sni_cert;
    const char *sni_key;
    int min_version; /* TLS1_VERSION ... TLS1_3_VERSION, 0: default */
    int max_version;
} fakemx_tls_opts;

typedef struct fakemx_tls_cred {
    SSL_CTX *ctx;                            /* cert (and cert2) */
    SSL_CTX *sni_ctx;                        /* sni-cert, or NULL */
    char *sni_name;                          /* lower case, no final dot */
    size_t nchain;                           /* certificates of cert= */
    char (*chain_sha256)[FAKEMX_SHA256_HEX]; /* leaf first */
    int refs; /* entries sharing it (a reload keeps what did not change) */
} fakemx_tls_cred;

typedef struct fakemx_tls_state {
    fakemx_tls_abort abort; /* set by the owner before the handshake */
    int aborted;            /* the abort was carried out */
    char *sni;              /* server name the client asked for */
    int seen;               /* a ClientHello arrived */
    int sni_matched;        /* SNI equalled sni-name: sni_ctx used */
    struct timeval start;   /* SSL created */
    fakemx_hello hello;     /* what the ClientHello offered */
    char alert_sent[64];    /* first alert each way, "" if none */
    char alert_received[64];
} fakemx_tls_state;

/*
 * fakemx_tls_cred_load - load the certificates and keys of OPTS
 *
 * Returns NULL and a message in ERR (no file:line prefix) when a file
 * cannot be read or parsed, a key does not match its certificate, or
 * cert2 has the key type of cert.
 */
fakemx_tls_cred *fakemx_tls_cred_load(const fakemx_tls_opts *o, char *err,
                                      size_t errlen);

/* fakemx_tls_cred_ref - one more owner of CRED; returns it */
fakemx_tls_cred *fakemx_tls_cred_ref(fakemx_tls_cred *cred);

/* fakemx_tls_cred_free - drop one owner; the last frees it; NULL is
 * fine */
void fakemx_tls_cred_free(fakemx_tls_cred *cred);

/* fakemx_tls_ssl_new - a new server SSL for CRED reporting into ST */
SSL *fakemx_tls_ssl_new(const fakemx_tls_cred *cred, fakemx_tls_state *st);

/*
 * fakemx_tls_presented - fingerprints of the chain SSL presents (or would)
 *
 * Leaf first, up to MAX entries into OUT; returns how many.  That is the
 * chain OpenSSL selected for this connection (cert, cert2 or sni-cert),
 * or the main chain when the handshake did not get that far.
 */
size_t fakemx_tls_presented(SSL *ssl, char (*out)[FAKEMX_SHA256_HEX],
                            size_t max);

/* fakemx_tls_name_eq - equal DNS names: case and a final dot ignored */
int fakemx_tls_name_eq(const char *a, const char *b);

/* fakemx_tls_state_clear - free what ST holds and zero it */
void fakemx_tls_state_clear(fakemx_tls_state *st);

/* fakemx_tls_err_append - append the text of OpenSSL error E to BUF */
void fakemx_tls_err_append(char *buf, size_t len, unsigned long e);

#endif
