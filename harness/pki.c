/*
 * pki.c - per-run keys and certificates.  ECDSA P-256 (RSA-2048 on
 * request), SHA-256 signatures; what each certificate holds comes from
 * certs/personas.conf (persona.h).
 */
#include "pki.h"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "persona.h"
#include "util.h"

#define DAY 86400L

/* new_key - fresh ECDSA P-256 key (or RSA-2048) */
static EVP_PKEY *new_key(int rsa)
{
    EVP_PKEY *k = rsa ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)
                      : EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");

    if (k == NULL)
        dh_fatal("OpenSSL: cannot generate a %s key",
                 rsa ? "RSA-2048" : "P-256");
    return k;
}

/* add_ext - add one X.509v3 extension by its configuration string */
static void add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509_EXTENSION *ext;

    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
    ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ext == NULL)
        dh_fatal("OpenSSL: bad extension %s", value);
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

/* name_entry - an O=dane-harness, CN=cn subject into the certificate */
static void subject(X509 *c, const char *cn)
{
    X509_NAME *name = X509_get_subject_name(c);

    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               (const unsigned char *)"dane-harness", -1, -1,
                               0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
}

/* extensions - a CA's or a leaf's X.509v3 extensions */
static void extensions(X509 *c, X509 *issuer, int is_ca,
                       const dh_issue_req *req, const char *san_name)
{
    X509 *ext_issuer = issuer ? issuer : c;
    char *san;

    if (is_ca) {
        add_ext(c, ext_issuer, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(c, ext_issuer, NID_key_usage, "critical,keyCertSign,cRLSign");
        add_ext(c, ext_issuer, NID_subject_key_identifier, "hash");
        if (issuer)
            add_ext(c, ext_issuer, NID_authority_key_identifier,
                    "keyid:always");
        return;
    }
    add_ext(c, ext_issuer, NID_basic_constraints, "CA:FALSE");
    if (req && req->ku)
        add_ext(c, ext_issuer, NID_key_usage, req->ku);
    add_ext(c, ext_issuer, NID_ext_key_usage,
            req && req->eku ? req->eku : "serverAuth");
    san = dh_asprintf("DNS:%s", san_name);
    add_ext(c, ext_issuer, NID_subject_alt_name, san);
    free(san);
}

/* make_cert - certificate for subject CN with key, signed by issuer
 * (NULL: self-signed), valid from now+nb to now+na; a leaf's extensions
 * from req */
static X509 *make_cert(const char *cn, const char *san_name, EVP_PKEY *key,
                       X509 *issuer, EVP_PKEY *issuer_key, int is_ca, long nb,
                       long na, const dh_issue_req *req)
{
    X509 *c = X509_new();
    unsigned char serial[16];
    BIGNUM *bn;

    if (c == NULL)
        dh_fatal("out of memory");
    X509_set_version(c, 2);
    RAND_bytes(serial, sizeof(serial));
    serial[0] &= 0x7f;
    bn = BN_bin2bn(serial, sizeof(serial), NULL);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(c));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(c), nb);
    X509_gmtime_adj(X509_getm_notAfter(c), na);
    X509_set_pubkey(c, key);
    subject(c, cn);
    X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer)
                                   : X509_get_subject_name(c));
    extensions(c, issuer, is_ca, req, san_name ? san_name : cn);
    if (X509_sign(c, issuer_key ? issuer_key : key, EVP_sha256()) == 0)
        dh_fatal("OpenSSL: cannot sign certificate for %s", cn);
    return c;
}

/* strip_dot - DNS name without its trailing dot, as new string */
static char *strip_dot(const char *name)
{
    size_t n = strlen(name);

    if (n > 1 && name[n - 1] == '.')
        n--;
    return dh_strndup(name, n);
}

/* dh_pki_new - the run's CAs and the attacker's key */
dh_pki *dh_pki_new(void)
{
    dh_pki *p = dh_calloc(1, sizeof(*p));
    size_t i;

    p->nca = dh_ca_count();
    p->ca = dh_calloc(p->nca, sizeof(*p->ca));
    p->ca_key = dh_calloc(p->nca, sizeof(*p->ca_key));
    for (i = 0; i < p->nca; i++) {
        const dh_ca_profile *ca = dh_ca_at(i);
        int up = ca->issuer;

        p->ca_key[i] = new_key(0);
        p->ca[i] =
            make_cert(ca->cn, NULL, p->ca_key[i], up < 0 ? NULL : p->ca[up],
                      up < 0 ? NULL : p->ca_key[up], 1, ca->from, ca->to, NULL);
    }
    p->attacker_key = new_key(0);
    return p;
}

/* dh_pki_ca - a CA's certificate by name */
X509 *dh_pki_ca(const dh_pki *pki, const char *name)
{
    int k = dh_ca_find(name);

    if (k < 0 || (size_t)k >= pki->nca)
        dh_panic("no CA %s", name);
    return pki->ca[k];
}

/* dh_pki_free - release the run's PKI */
void dh_pki_free(dh_pki *p)
{
    size_t i;

    if (p == NULL)
        return;
    for (i = 0; i < p->nca; i++) {
        EVP_PKEY_free(p->ca_key[i]);
        X509_free(p->ca[i]);
    }
    free(p->ca);
    free(p->ca_key);
    EVP_PKEY_free(p->attacker_key);
    free(p);
}

/* dh_pki_issue - one certificate to order */
dh_cert *dh_pki_issue(dh_pki *pki, const dh_issue_req *req)
{
    dh_cert *c = dh_calloc(1, sizeof(*c));
    char *cn = strip_dot(req->cn);
    char *san = req->san ? strip_dot(req->san) : NULL;
    int up = req->issuer;

    if (up >= (int)pki->nca)
        dh_panic("no CA %d", up);
    if (req->key) {
        EVP_PKEY_up_ref(req->key);
        c->key = req->key;
    } else {
        c->key = new_key(req->rsa);
    }
    c->leaf = make_cert(cn, san, c->key, up < 0 ? NULL : pki->ca[up],
                        up < 0 ? NULL : pki->ca_key[up], 0, req->not_before,
                        req->not_after, req);
    c->chain = sk_X509_new_null();
    free(cn);
    free(san);
    return c;
}

/* dh_cert_chain_add - append a certificate to the chain sent */
void dh_cert_chain_add(dh_cert *c, X509 *x)
{
    X509_up_ref(x);
    sk_X509_push(c->chain, x);
}

/* dh_cert_free - release a certificate and its key */
void dh_cert_free(dh_cert *c)
{
    if (c == NULL)
        return;
    EVP_PKEY_free(c->key);
    X509_free(c->leaf);
    sk_X509_pop_free(c->chain, X509_free);
    free(c);
}

/* dh_cert_write - chain PEM (leaf first) and key PEM */
int dh_cert_write(const dh_cert *c, const char *chain_path,
                  const char *key_path)
{
    FILE *f = fopen(chain_path, "w");
    int i, ok;

    if (f == NULL)
        return -1;
    ok = PEM_write_X509(f, c->leaf);
    for (i = 0; ok && i < sk_X509_num(c->chain); i++)
        ok = PEM_write_X509(f, sk_X509_value(c->chain, i));
    if (fclose(f) != 0 || !ok)
        return -1;
    f = fopen(key_path, "w");
    if (f == NULL)
        return -1;
    ok = PEM_write_PrivateKey(f, c->key, NULL, NULL, 0, NULL, NULL);
    if (fclose(f) != 0 || !ok)
        return -1;
    return 0;
}

/* dh_x509_write - one certificate as PEM */
int dh_x509_write(X509 *x, const char *path)
{
    FILE *f = fopen(path, "w");
    int ok;

    if (f == NULL)
        return -1;
    ok = PEM_write_X509(f, x);
    return (fclose(f) != 0 || !ok) ? -1 : 0;
}

/* dh_tlsa_data - TLSA association data as hex */
char *dh_tlsa_data(X509 *cert, int selector, int mtype)
{
    unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    int len;
    char *hex;

    if (selector == 0)
        len = i2d_X509(cert, &der);
    else
        len = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
    if (len <= 0)
        dh_fatal("OpenSSL: cannot encode certificate");
    if (mtype == 0) {
        hex = dh_hex(der, (size_t)len);
    } else {
        EVP_Digest(der, (size_t)len, md, &mdlen,
                   mtype == 1 ? EVP_sha256() : EVP_sha512(), NULL);
        hex = dh_hex(md, mdlen);
    }
    OPENSSL_free(der);
    return hex;
}

/* dh_cert_sha256 - certificate fingerprint */
char *dh_cert_sha256(X509 *cert)
{
    return dh_tlsa_data(cert, 0, 1);
}
