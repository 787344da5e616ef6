/*
 * fakemx_hello.c - what a TLS ClientHello offered, from its raw extensions
 *
 * See fakemx_hello.h.  The names are the IANA registry names (TLS
 * SignatureScheme, TLS Supported Groups), written out here so that the
 * events do not depend on which algorithms this OpenSSL build knows.
 */
#include <stdio.h>

#include "fakemx_hello.h"

typedef struct fakemx_hello_entry {
    unsigned short value;
    const char *name;
} fakemx_hello_entry;

static const fakemx_hello_entry fakemx_hello_versions[] = {
    {0x0300, "SSLv3"},   {0x0301, "TLSv1"},   {0x0302, "TLSv1.1"},
    {0x0303, "TLSv1.2"}, {0x0304, "TLSv1.3"},
};

static const fakemx_hello_entry fakemx_hello_groups[] = {
    {21, "secp224r1"},
    {22, "secp256k1"},
    {23, "secp256r1"},
    {24, "secp384r1"},
    {25, "secp521r1"},
    {26, "brainpoolP256r1"},
    {27, "brainpoolP384r1"},
    {28, "brainpoolP512r1"},
    {29, "x25519"},
    {30, "x448"},
    {31, "brainpoolP256r1tls13"},
    {32, "brainpoolP384r1tls13"},
    {33, "brainpoolP512r1tls13"},
    {256, "ffdhe2048"},
    {257, "ffdhe3072"},
    {258, "ffdhe4096"},
    {259, "ffdhe6144"},
    {260, "ffdhe8192"},
    {0x0200, "MLKEM512"},
    {0x0201, "MLKEM768"},
    {0x0202, "MLKEM1024"},
    {0x11eb, "SecP256r1MLKEM768"},
    {0x11ec, "X25519MLKEM768"},
    {0x11ed, "SecP384r1MLKEM1024"},
    {0x6399, "X25519Kyber768Draft00"},
};

static const fakemx_hello_entry fakemx_hello_sigalgs[] = {
    {0x0201, "rsa_pkcs1_sha1"},
    {0x0202, "dsa_sha1"},
    {0x0203, "ecdsa_sha1"},
    {0x0301, "rsa_pkcs1_sha224"},
    {0x0302, "dsa_sha224"},
    {0x0303, "ecdsa_sha224"},
    {0x0401, "rsa_pkcs1_sha256"},
    {0x0402, "dsa_sha256"},
    {0x0403, "ecdsa_secp256r1_sha256"},
    {0x0501, "rsa_pkcs1_sha384"},
    {0x0502, "dsa_sha384"},
    {0x0503, "ecdsa_secp384r1_sha384"},
    {0x0601, "rsa_pkcs1_sha512"},
    {0x0602, "dsa_sha512"},
    {0x0603, "ecdsa_secp521r1_sha512"},
    {0x0804, "rsa_pss_rsae_sha256"},
    {0x0805, "rsa_pss_rsae_sha384"},
    {0x0806, "rsa_pss_rsae_sha512"},
    {0x0807, "ed25519"},
    {0x0808, "ed448"},
    {0x0809, "rsa_pss_pss_sha256"},
    {0x080a, "rsa_pss_pss_sha384"},
    {0x080b, "rsa_pss_pss_sha512"},
    {0x081a, "ecdsa_brainpoolP256r1tls13_sha256"},
    {0x081b, "ecdsa_brainpoolP384r1tls13_sha384"},
    {0x081c, "ecdsa_brainpoolP512r1tls13_sha512"},
};

#define FAKEMX_HELLO_N(t) (sizeof(t) / sizeof((t)[0]))

/* fakemx_hello_grease - a GREASE value of RFC 8701 (0x0a0a, 0x1a1a ...) */
static int fakemx_hello_grease(unsigned v)
{
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* fakemx_hello_lookup - V's name in table T of N rows, or GREASE, or hex */
static const char *fakemx_hello_lookup(const fakemx_hello_entry *t, size_t n,
                                       unsigned v, char *buf, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == v)
            return t[i].name;
    if (fakemx_hello_grease(v))
        return "GREASE";
    snprintf(buf, len, "0x%04x", v & 0xffff);
    return buf;
}

/* fakemx_hello_u16_list - the 16-bit values of a TLS vector */
int fakemx_hello_u16_list(const unsigned char *buf, size_t len, int lenbytes,
                          unsigned short *out, size_t max, size_t *n)
{
    size_t vlen;
    size_t i;

    *n = 0;
    if (buf == 0 || (lenbytes != 1 && lenbytes != 2) || len < (size_t)lenbytes)
        return -1;
    vlen = lenbytes == 1 ? buf[0] : ((size_t)buf[0] << 8 | buf[1]);
    buf += lenbytes;
    len -= (size_t)lenbytes;
    for (i = 0; i + 1 < vlen && i + 1 < len; i += 2)
        if (*n < max)
            out[(*n)++] = (unsigned short)(buf[i] << 8 | buf[i + 1]);
    return (vlen == len && vlen % 2 == 0) ? 0 : -1;
}

/* fakemx_hello_version_name - "TLSv1.3", "GREASE", or "0x0305" in BUF */
const char *fakemx_hello_version_name(unsigned v, char *buf, size_t len)
{
    return fakemx_hello_lookup(fakemx_hello_versions,
                               FAKEMX_HELLO_N(fakemx_hello_versions), v, buf,
                               len);
}

/* fakemx_hello_group_name - "x25519", "secp256r1", or "0x1234" in BUF */
const char *fakemx_hello_group_name(unsigned v, char *buf, size_t len)
{
    return fakemx_hello_lookup(
        fakemx_hello_groups, FAKEMX_HELLO_N(fakemx_hello_groups), v, buf, len);
}

/* fakemx_hello_sigalg_name - "ecdsa_secp256r1_sha256", or "0x1234" */
const char *fakemx_hello_sigalg_name(unsigned v, char *buf, size_t len)
{
    return fakemx_hello_lookup(fakemx_hello_sigalgs,
                               FAKEMX_HELLO_N(fakemx_hello_sigalgs), v, buf,
                               len);
}
