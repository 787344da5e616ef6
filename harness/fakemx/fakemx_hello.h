/*
 * fakemx_hello.h - what a TLS ClientHello offered, from its raw extensions
 *
 * Pure functions over byte buffers, with no OpenSSL types: the client-hello
 * callback in fakemx_tls.c hands them the bodies of the supported_versions,
 * supported_groups and signature_algorithms extensions, and the tls event
 * turns the numbers into names.  They never read past LEN, allocate
 * nothing, and accept any bytes: a malformed vector yields what could be
 * read before the damage (at most FAKEMX_HELLO_MAX values) and -1.
 */
#ifndef FAKEMX_HELLO_H
#define FAKEMX_HELLO_H

#include <stddef.h>

/* Values kept per list; a ClientHello may offer more, they are dropped. */
#define FAKEMX_HELLO_MAX 64

/* TLS extension numbers (RFC 8446 4.2). */
#define FAKEMX_EXT_SUPPORTED_GROUPS 10
#define FAKEMX_EXT_SIGALGS 13
#define FAKEMX_EXT_SUPPORTED_VERSIONS 43

/* What one ClientHello offered. */
typedef struct fakemx_hello {
    int seen;                                  /* a ClientHello arrived */
    unsigned legacy_version;                   /* e.g. 0x0303 */
    unsigned short versions[FAKEMX_HELLO_MAX]; /* supported_versions */
    size_t nversions;
    unsigned short groups[FAKEMX_HELLO_MAX]; /* supported_groups */
    size_t ngroups;
    unsigned short sigalgs[FAKEMX_HELLO_MAX]; /* signature_algorithms */
    size_t nsigalgs;
} fakemx_hello;

/*
 * fakemx_hello_u16_list - the 16-bit values of a TLS vector
 *
 * BUF holds a length prefix of LENBYTES (1 or 2) octets, then that many
 * octets of big-endian 16-bit values.  Stores up to MAX of them in OUT and
 * their number in *N.  Returns 0, or -1 when the vector is malformed
 * (*N then counts the values read before the damage).
 */
int fakemx_hello_u16_list(const unsigned char *buf, size_t len, int lenbytes,
                          unsigned short *out, size_t max, size_t *n);

/* fakemx_hello_version_name - "TLSv1.3", "GREASE", or "0x0305" in BUF */
const char *fakemx_hello_version_name(unsigned v, char *buf, size_t len);

/* fakemx_hello_group_name - "x25519", "secp256r1", or "0x1234" in BUF */
const char *fakemx_hello_group_name(unsigned v, char *buf, size_t len);

/* fakemx_hello_sigalg_name - "ecdsa_secp256r1_sha256", or "0x1234" */
const char *fakemx_hello_sigalg_name(unsigned v, char *buf, size_t len);

#endif
