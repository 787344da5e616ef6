/*
 * hostcerts.c - one host's certificate chains (hostcerts.h).
 *
 * A chain either reuses the leaf of another chain (leaf=own: the same
 * certificate, another set sent after it) or issues its own leaf: for the
 * key its row names (the host's ECDSA or RSA key, the attacker's, a new
 * one), signed by its issuer, for the names its patterns make of the
 * host (host: the host name; domain: the recipient domain; PREFIX.parent:
 * PREFIX and the host's parent domain, e.g. *.parent), valid when it
 * says, with its extensions.  Then the CAs it sends are appended.
 */
#include "hostcerts.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "persona.h"
#include "util.h"

/* name_of - a chain's name pattern for this host (new string) */
static char *name_of(const dh_world_host *h, const char *pattern)
{
    size_t n = strlen(pattern);
    const char *dot;

    if (strcmp(pattern, "host") == 0)
        return dh_strdup(h->fqdn);
    if (strcmp(pattern, "domain") == 0)
        return dh_strdup(h->domain);
    if (n > 7 && strcmp(pattern + n - 7, ".parent") == 0) {
        dot = strchr(h->fqdn, '.');
        return dh_asprintf("%.*s%s", (int)(n - 7), pattern, dot ? dot : ".");
    }
    return dh_strdup(pattern);
}

/* next_key - the host's next ECDSA key, made on first use */
static EVP_PKEY *next_key(dh_world_host *h)
{
    if (h->next_key == NULL) {
        h->next_key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
        if (h->next_key == NULL)
            dh_fatal("OpenSSL: cannot generate a P-256 key");
    }
    return h->next_key;
}

/* rsa_key - the host's RSA key, made on first use */
static EVP_PKEY *rsa_key(dh_world_host *h)
{
    if (h->rsa_key == NULL) {
        h->rsa_key = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
        if (h->rsa_key == NULL)
            dh_fatal("OpenSSL: cannot generate an RSA-2048 key");
    }
    return h->rsa_key;
}

/* issue_leaf - a chain's own leaf, nothing sent after it yet */
static dh_cert *issue_leaf(dh_world *w, dh_world_host *h, const dh_chain *ch)
{
    dh_issue_req req;
    char *cn = name_of(h, ch->cn);
    char *san = ch->san ? name_of(h, ch->san) : NULL;
    dh_cert *c;

    memset(&req, 0, sizeof(req));
    req.cn = cn;
    req.san = san;
    req.issuer = ch->issuer;
    req.not_before = ch->from;
    req.not_after = ch->to;
    req.ku = ch->ku;
    req.eku = ch->eku;
    switch (ch->key) {
    case DH_KEY_HOST:
        req.key = h->key;
        break;
    case DH_KEY_HOST_RSA:
        req.key = rsa_key(h);
        break;
    case DH_KEY_HOST_NEXT:
        req.key = next_key(h);
        break;
    case DH_KEY_ATTACKER:
        req.key = w->pki->attacker_key;
        break;
    case DH_KEY_NEW:
    case DH_KEY_KINDS:
        break;
    }
    c = dh_pki_issue(w->pki, &req);
    free(cn);
    free(san);
    return c;
}

/* same_leaf - another dh_cert sharing a leaf and its key */
static dh_cert *same_leaf(const dh_cert *of)
{
    dh_cert *c = dh_calloc(1, sizeof(*c));

    EVP_PKEY_up_ref(of->key);
    X509_up_ref(of->leaf);
    c->key = of->key;
    c->leaf = of->leaf;
    c->chain = sk_X509_new_null();
    return c;
}

/* dh_hostcerts_chain - see hostcerts.h */
const dh_chain_files *dh_hostcerts_chain(dh_world *w, dh_world_host *h,
                                         const dh_chain *ch)
{
    dh_chain_files *cf = &h->chains[ch->index];
    size_t i;

    if (cf->cert)
        return cf;
    if (ch->leaf)
        cf->cert = same_leaf(dh_hostcerts_chain(w, h, ch->leaf)->cert);
    else
        cf->cert = issue_leaf(w, h, ch);
    for (i = 0; i < ch->nsend; i++)
        dh_cert_chain_add(cf->cert, w->pki->ca[ch->send[i]]);
    cf->chain_path = dh_asprintf("%s.%s.chain.pem", h->pki_prefix, ch->name);
    cf->key_path = dh_asprintf("%s.%s.key.pem", h->pki_prefix, ch->name);
    if (dh_cert_write(cf->cert, cf->chain_path, cf->key_path) < 0)
        dh_fatal("cannot write %s", cf->chain_path);
    return cf;
}

/* dh_hostcerts_make - see hostcerts.h */
void dh_hostcerts_make(dh_world *w, dh_world_host *h, const char *dir,
                       const char *domain)
{
    char *label = dh_strdup(h->host->label), *p;
    size_t k;

    for (p = label; *p; p++)
        if (*p == '@')
            *p = '_';
    h->pki_prefix = dh_asprintf("%s/%s", dir, label);
    free(label);
    h->domain = dh_strdup(domain);
    h->chains = dh_calloc(dh_chain_count(), sizeof(*h->chains));
    h->key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    if (h->key == NULL)
        dh_fatal("OpenSSL: cannot generate a P-256 key");
    dh_hostcerts_chain(w, h, dh_chain_find("own"));
    for (k = 0; k < h->naddrs; k++)
        dh_hostcerts_persona(w, h, h->addrs[k].persona);
}

/* dh_hostcerts_persona - see hostcerts.h */
void dh_hostcerts_persona(dh_world *w, dh_world_host *h, const dh_persona *pe)
{
    dh_hostcerts_chain(w, h, pe->chain);
    if (pe->also)
        dh_hostcerts_chain(w, h, pe->also);
    if (pe->other_sni)
        dh_hostcerts_chain(w, h, pe->other_sni);
}

/* dh_hostcerts_free - release the host's keys and chains */
void dh_hostcerts_free(dh_world_host *h)
{
    size_t k;

    for (k = 0; h->chains && k < dh_chain_count(); k++) {
        dh_cert_free(h->chains[k].cert);
        free(h->chains[k].chain_path);
        free(h->chains[k].key_path);
    }
    free(h->chains);
    EVP_PKEY_free(h->key);
    EVP_PKEY_free(h->rsa_key);
    EVP_PKEY_free(h->next_key);
    free(h->pki_prefix);
    free(h->domain);
}
