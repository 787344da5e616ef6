/*
 * zone.c - build, sign, break and write one zone with libldns.
 *
 * Keys are made per zone: a KSK (flags 257) that signs the DNSKEY RRset
 * and a ZSK (256) that signs the rest (libldns splits them by the SEP
 * flag).  Signatures are valid from one hour ago to thirty days ahead;
 * the "expired" and "not yet valid" faults re-sign one RRset with a
 * window in the past or the future.  Denial of existence is NSEC, or
 * NSEC3 (SHA-1, no salt, no extra iterations) with or without opt-out.
 */
#include "zone.h"

#include <string.h>
#include <time.h>

#include "util.h"

#define DAY 86400

/* make_key - new ECDSA P-256 zone key with the given DNSKEY flags */
static ldns_key *make_key(const char *origin, int flags)
{
    ldns_key *k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
    ldns_rr *dnskey;
    uint32_t now = (uint32_t)time(NULL);

    if (k == NULL)
        dh_fatal("libldns: cannot generate an ECDSA P-256 zone key");
    ldns_key_set_pubkey_owner(k, ldns_dname_new_frm_str(origin));
    ldns_key_set_flags(k, (uint16_t)flags);
    ldns_key_set_inception(k, now - 3600);
    ldns_key_set_expiration(k, now + 30 * DAY);
    dnskey = ldns_key2rr(k);
    ldns_key_set_keytag(k, ldns_calc_keytag(dnskey));
    ldns_rr_free(dnskey);
    return k;
}

/* add_or_die - records the harness makes itself never fail to parse */
static void add_or_die(dh_zone *z, const char *text)
{
    char err[256];

    if (dh_zone_add(z, text, NULL, err, sizeof(err)) < 0)
        dh_panic("record '%s' in %s: %s", text, z->origin, err);
}

/* dh_zone_new - empty zone with SOA and NS; keys when signed */
dh_zone *dh_zone_new(const char *origin, int signed_zone, dh_denial denial,
                     const char *ns_name)
{
    dh_zone *z = dh_calloc(1, sizeof(*z));
    char *soa;
    ldns_rr *rr = NULL;

    z->origin = dh_strdup(origin);
    z->signed_zone = signed_zone;
    z->denial = denial;
    z->zone = ldns_zone_new();
    soa = dh_asprintf("%s %d IN SOA %s hostmaster.%s 1 3600 600 86400 60",
                      origin, DH_TTL, ns_name, DH_TLD);
    if (ldns_rr_new_frm_str(&rr, soa, DH_TTL, NULL, NULL) != LDNS_STATUS_OK)
        dh_panic("cannot build SOA for %s", origin);
    free(soa);
    ldns_zone_set_soa(z->zone, rr);
    soa = dh_asprintf("@ NS %s", ns_name);
    add_or_die(z, soa);
    free(soa);
    if (signed_zone) {
        ldns_rr *kr;

        z->ksk = make_key(origin, 257);
        z->zsk = make_key(origin, 256);
        z->keys = ldns_key_list_new();
        ldns_key_list_push_key(z->keys, z->ksk);
        ldns_key_list_push_key(z->keys, z->zsk);
        kr = ldns_key2rr(z->ksk);
        ldns_rr_set_ttl(kr, DH_TTL);
        ldns_zone_push_rr(z->zone, kr);
        kr = ldns_key2rr(z->zsk);
        ldns_rr_set_ttl(kr, DH_TTL);
        ldns_zone_push_rr(z->zone, kr);
    }
    z->ttl = DH_TTL;
    z->nbase = ldns_rr_list_rr_count(ldns_zone_rrs(z->zone));
    return z;
}

/* dh_zone_set_ttl - see zone.h */
void dh_zone_set_ttl(dh_zone *z, int ttl)
{
    ldns_rr *soa = ldns_zone_soa(z->zone);
    ldns_rr_list *rrs = ldns_zone_rrs(z->zone);
    size_t i;

    z->ttl = ttl;
    ldns_rr_set_ttl(soa, (uint32_t)ttl);
    ldns_rdf_deep_free(ldns_rr_set_rdf(
        soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_PERIOD, (uint32_t)ttl), 6));
    for (i = 0; i < ldns_rr_list_rr_count(rrs); i++)
        ldns_rr_set_ttl(ldns_rr_list_rr(rrs, i), (uint32_t)ttl);
}

/* forget_sources - drop the records' "FILE:LINE" bookkeeping */
static void forget_sources(dh_zone *z)
{
    size_t i;

    if (z->sourced == NULL)
        return;
    for (i = 0; i < ldns_rr_list_rr_count(z->sourced); i++)
        free(z->src[i]);
    ldns_rr_list_deep_free(z->sourced);
    free(z->src);
    z->sourced = NULL;
    z->src = NULL;
}

/* dh_zone_reset - see zone.h */
void dh_zone_reset(dh_zone *z, unsigned serial)
{
    ldns_rr_list *rrs = ldns_zone_rrs(z->zone);
    ldns_rr *soa = ldns_zone_soa(z->zone);

    while (ldns_rr_list_rr_count(rrs) > z->nbase)
        ldns_rr_free(ldns_rr_list_pop_rr(rrs));
    ldns_rdf_deep_free(ldns_rr_set_rdf(
        soa, ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, serial), 2));
    if (z->signed_copy)
        ldns_zone_deep_free(z->signed_copy);
    z->signed_copy = NULL;
    if (z->prev_owner)
        ldns_rdf_deep_free(z->prev_owner);
    z->prev_owner = NULL;
    forget_sources(z);
}

/* dh_zone_free - release a zone, its keys and records */
void dh_zone_free(dh_zone *z)
{
    if (z == NULL)
        return;
    ldns_zone_deep_free(z->zone);
    if (z->signed_copy)
        ldns_zone_deep_free(z->signed_copy);
    if (z->keys)
        ldns_key_list_free(z->keys);
    if (z->prev_owner)
        ldns_rdf_deep_free(z->prev_owner);
    forget_sources(z);
    free(z->origin);
    free(z);
}

/* dh_zone_contains - label depth of origin when name is at or below it */
int dh_zone_contains(const dh_zone *z, const char *name)
{
    ldns_rdf *n = ldns_dname_new_frm_str(name);
    ldns_rdf *o = ldns_dname_new_frm_str(z->origin);
    int depth = -1;

    if (n && o &&
        (ldns_dname_compare(n, o) == 0 || ldns_dname_is_subdomain(n, o)))
        depth = (int)ldns_dname_label_count(o);
    ldns_rdf_deep_free(n);
    ldns_rdf_deep_free(o);
    return depth;
}

/* dh_zone_add - parse one master-file record into the zone */
int dh_zone_add(dh_zone *z, const char *text, const char *src, char *err,
                size_t errlen)
{
    ldns_rr *rr = NULL;
    ldns_rdf *origin = ldns_dname_new_frm_str(z->origin);
    ldns_status st;
    ldns_rdf *apex;

    st = ldns_rr_new_frm_str(&rr, text, (uint32_t)z->ttl, origin,
                             &z->prev_owner);
    ldns_rdf_deep_free(origin);
    if (st != LDNS_STATUS_OK) {
        snprintf(err, errlen, "bad record: %s", ldns_get_errorstr_by_id(st));
        return -1;
    }
    apex = ldns_rr_owner(ldns_zone_soa(z->zone));
    if (ldns_dname_compare(ldns_rr_owner(rr), apex) != 0 &&
        !ldns_dname_is_subdomain(ldns_rr_owner(rr), apex)) {
        char *o = ldns_rdf2str(ldns_rr_owner(rr));

        snprintf(err, errlen, "owner %s is outside the zone %s", o, z->origin);
        free(o);
        ldns_rr_free(rr);
        return -1;
    }
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA) {
        snprintf(err, errlen, "the harness makes the SOA record itself");
        ldns_rr_free(rr);
        return -1;
    }
    ldns_zone_push_rr(z->zone, rr);
    if (src) {
        size_t n;

        if (z->sourced == NULL)
            z->sourced = ldns_rr_list_new();
        n = ldns_rr_list_rr_count(z->sourced);
        ldns_rr_list_push_rr(z->sourced, ldns_rr_clone(rr));
        z->src = dh_realloc(z->src, (n + 1) * sizeof(*z->src));
        z->src[n] = dh_strdup(src);
    }
    return 0;
}

/* dh_zone_source - see zone.h */
const char *dh_zone_source(const dh_zone *z, const ldns_rr *rr)
{
    size_t i;

    for (i = 0; z->sourced && i < ldns_rr_list_rr_count(z->sourced); i++)
        if (ldns_rr_compare(ldns_rr_list_rr(z->sourced, i), rr) == 0)
            return z->src[i];
    return NULL;
}

/* dh_zone_ds_text - DS of the KSK, possibly mangled on purpose */
char *dh_zone_ds_text(const dh_zone *z, const char *mangle)
{
    ldns_rr *kr, *ds;
    char *s, *nl;

    if (!z->signed_zone)
        return NULL;
    kr = ldns_key2rr(z->ksk);
    ds = ldns_key_rr2ds(kr, LDNS_SHA256);
    ldns_rr_free(kr);
    ldns_rr_set_ttl(ds, DH_TTL);
    if (mangle && strcmp(mangle, "digest") == 0) {
        ldns_rdf *d = ldns_rr_rdf(ds, 3);

        ldns_rdf_data(d)[0] ^= 0xff;
    } else if (mangle && strcmp(mangle, "algorithm") == 0) {
        /* 253 = PRIVATEDNS: no validator implements it, so the zone is
         * insecure (RFC 4035 §5.2), not bogus. */
        ldns_rdf_data(ldns_rr_rdf(ds, 1))[0] = 253;
    }
    s = ldns_rr2str(ds);
    ldns_rr_free(ds);
    if ((nl = strchr(s, '\n')) != NULL)
        *nl = 0;
    return s;
}

/* dh_zone_sign - make the signed copy (a plain copy when unsigned) */
int dh_zone_sign(dh_zone *z, char *err, size_t errlen)
{
    if (z->signed_copy)
        ldns_zone_deep_free(z->signed_copy);
    z->signed_copy = NULL;
    if (!z->signed_zone) {
        z->signed_copy = ldns_zone_new();
        ldns_zone_set_soa(z->signed_copy,
                          ldns_rr_clone(ldns_zone_soa(z->zone)));
        ldns_zone_push_rr_list(z->signed_copy,
                               ldns_rr_list_clone(ldns_zone_rrs(z->zone)));
        return 0;
    }
    if (z->denial == DH_DENIAL_NSEC)
        z->signed_copy = ldns_zone_sign(z->zone, z->keys);
    else
        z->signed_copy = ldns_zone_sign_nsec3(
            z->zone, z->keys, LDNS_SHA1,
            z->denial == DH_DENIAL_NSEC3_OPTOUT ? LDNS_NSEC3_VARS_OPTOUT_MASK
                                                : 0,
            0, 0, NULL);
    if (z->signed_copy == NULL) {
        snprintf(err, errlen, "libldns could not sign %s", z->origin);
        return -1;
    }
    return 0;
}

/* rrsig_over - is this RRSIG over owner/type? */
static int rrsig_over(ldns_rr *rr, ldns_rdf *owner, ldns_rr_type t)
{
    return ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
           ldns_dname_compare(ldns_rr_owner(rr), owner) == 0 &&
           ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == t;
}

/* remove_if - drop (and free) the records drop() selects; how many */
static size_t remove_if(ldns_zone *zone, int (*drop)(ldns_rr *, void *),
                        void *arg)
{
    ldns_rr_list *old = ldns_zone_rrs(zone), *keep = ldns_rr_list_new();
    size_t i, n = 0;

    for (i = 0; i < ldns_rr_list_rr_count(old); i++) {
        ldns_rr *rr = ldns_rr_list_rr(old, i);

        if (drop(rr, arg)) {
            ldns_rr_free(rr);
            n++;
        } else {
            ldns_rr_list_push_rr(keep, rr);
        }
    }
    ldns_rr_list_free(old);
    ldns_zone_set_rrs(zone, keep);
    return n;
}

typedef struct {
    ldns_rdf *owner;
    ldns_rr_type type;
} rrset_id;

/* drop_rrsig - remove_if() predicate: RRSIGs over one RRset */
static int drop_rrsig(ldns_rr *rr, void *arg)
{
    rrset_id *id = arg;

    return rrsig_over(rr, id->owner, id->type);
}

/* rrset_of - clones of the records of one RRset in the signed copy */
static ldns_rr_list *rrset_of(dh_zone *z, ldns_rdf *owner, ldns_rr_type t)
{
    ldns_rr_list *all = ldns_zone_rrs(z->signed_copy);
    ldns_rr_list *set = ldns_rr_list_new();
    size_t i;

    if (t == LDNS_RR_TYPE_SOA &&
        ldns_dname_compare(ldns_rr_owner(ldns_zone_soa(z->signed_copy)),
                           owner) == 0)
        ldns_rr_list_push_rr(set, ldns_rr_clone(ldns_zone_soa(z->signed_copy)));
    for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
        ldns_rr *rr = ldns_rr_list_rr(all, i);

        if (ldns_rr_get_type(rr) == t &&
            ldns_dname_compare(ldns_rr_owner(rr), owner) == 0)
            ldns_rr_list_push_rr(set, ldns_rr_clone(rr));
    }
    return set;
}

/* resign - replace the RRSIGs of one RRset with ones made by key, valid
 * from inception to expiration */
static int resign(dh_zone *z, ldns_rdf *owner, ldns_rr_type t, ldns_key *key,
                  uint32_t inception, uint32_t expiration)
{
    ldns_rr_list *set = rrset_of(z, owner, t), *sigs;
    ldns_key_list *one = ldns_key_list_new();
    uint32_t oi = ldns_key_inception(key), oe = ldns_key_expiration(key);
    rrset_id id = {owner, t};
    size_t i;

    if (ldns_rr_list_rr_count(set) == 0) {
        ldns_rr_list_deep_free(set);
        ldns_key_list_set_key_count(one, 0);
        ldns_key_list_free(one);
        return -1;
    }
    remove_if(z->signed_copy, drop_rrsig, &id);
    ldns_key_list_push_key(one, key);
    ldns_key_set_inception(key, inception);
    ldns_key_set_expiration(key, expiration);
    sigs = ldns_sign_public(set, one);
    ldns_key_set_inception(key, oi);
    ldns_key_set_expiration(key, oe);
    ldns_key_list_set_key_count(one, 0);
    ldns_key_list_free(one);
    for (i = 0; sigs && i < ldns_rr_list_rr_count(sigs); i++)
        ldns_zone_push_rr(z->signed_copy,
                          ldns_rr_clone(ldns_rr_list_rr(sigs, i)));
    if (sigs)
        ldns_rr_list_deep_free(sigs);
    ldns_rr_list_deep_free(set);
    return 0;
}

typedef struct {
    ldns_rdf *name;
    ldns_rr_type type;
    int nodata; /* the name exists: only its own NSEC(3) proves NODATA */
} denial_id;

/* proves - does this NSEC/NSEC3 take part in denying name/type? */
static int proves(ldns_rr *rr, denial_id *d)
{
    ldns_rr_type t = ldns_rr_get_type(rr);

    if (t == LDNS_RR_TYPE_NSEC) {
        if (ldns_dname_compare(ldns_rr_owner(rr), d->name) == 0)
            return 1;
        return !d->nodata && ldns_nsec_covers_name(rr, d->name);
    }
    if (t == LDNS_RR_TYPE_NSEC3) {
        ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(rr, d->name);
        ldns_rdf *label = ldns_dname_label(ldns_rr_owner(rr), 0);
        int hit = 0;

        if (h && label)
            hit = ldns_dname_compare(h, label) == 0;
        ldns_rdf_deep_free(h);
        ldns_rdf_deep_free(label);
        return hit || (!d->nodata && ldns_nsec_covers_name(rr, d->name));
    }
    return 0;
}

/* drop_denial - remove_if() predicate: the proofs themselves */
static int drop_denial(ldns_rr *rr, void *arg)
{
    return proves(rr, arg);
}

/* name_exists - does the unsigned zone have records at name? */
static int name_exists(dh_zone *z, ldns_rdf *name)
{
    ldns_rr_list *all = ldns_zone_rrs(z->zone);
    size_t i;

    for (i = 0; i < ldns_rr_list_rr_count(all); i++) {
        ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(all, i));

        if (ldns_dname_compare(o, name) == 0 ||
            ldns_dname_is_subdomain(o, name))
            return 1;
    }
    return ldns_dname_compare(ldns_rr_owner(ldns_zone_soa(z->zone)), name) == 0;
}

/* collect_proofs - clones of the NSEC/NSEC3 records proving the denial */
static ldns_rr_list *collect_proofs(dh_zone *z, denial_id *d)
{
    ldns_rr_list *all = ldns_zone_rrs(z->signed_copy);
    ldns_rr_list *out = ldns_rr_list_new();
    size_t i;

    for (i = 0; i < ldns_rr_list_rr_count(all); i++)
        if (proves(ldns_rr_list_rr(all, i), d))
            ldns_rr_list_push_rr(out, ldns_rr_clone(ldns_rr_list_rr(all, i)));
    return out;
}

/* drop_rrsigs_of - remove_if() predicate: RRSIGs over any RRset of a
 * list of records */
static int drop_rrsigs_of(ldns_rr *rr, void *arg)
{
    ldns_rr_list *proofs = arg;
    size_t i;

    for (i = 0; i < ldns_rr_list_rr_count(proofs); i++) {
        ldns_rr *p = ldns_rr_list_rr(proofs, i);

        if (rrsig_over(rr, ldns_rr_owner(p), ldns_rr_get_type(p)))
            return 1;
    }
    return 0;
}

/* unprove - strip the denial proofs of name/type (and their RRSIGs) */
static int unprove(dh_zone *z, denial_id *d)
{
    ldns_rr_list *proofs = collect_proofs(z, d);
    size_t n = ldns_rr_list_rr_count(proofs);

    if (n) {
        remove_if(z->signed_copy, drop_rrsigs_of, proofs);
        remove_if(z->signed_copy, drop_denial, d);
    }
    ldns_rr_list_deep_free(proofs);
    return n ? 0 : -1;
}

/* bitmap_with - a new type bitmap: the old one plus type t */
static ldns_rdf *bitmap_with(ldns_rdf *old, ldns_rr_type t, ldns_rr_type own)
{
    ldns_rr_type types[512];
    size_t n = 0;
    unsigned i;

    for (i = 1; i < 512 && n < 510; i++)
        if (ldns_nsec_bitmap_covers_type(old, (ldns_rr_type)i))
            types[n++] = (ldns_rr_type)i;
    types[n++] = t;
    return ldns_dnssec_create_nsec_bitmap(types, n, own);
}

/* misprove - make the denial proof of name/type wrong, validly signed:
 * NODATA: the name's own NSEC(3) claims the type exists; NXDOMAIN: the
 * covering NSEC ends at the name itself, so it no longer covers it. */
static int misprove(dh_zone *z, denial_id *d)
{
    ldns_rr_list *proofs = collect_proofs(z, d);
    size_t i, n = ldns_rr_list_rr_count(proofs);
    int changed = 0;

    for (i = 0; i < n; i++) {
        ldns_rr *p = ldns_rr_list_rr(proofs, i);
        ldns_rr_type pt = ldns_rr_get_type(p);
        ldns_rr_list *all = ldns_zone_rrs(z->signed_copy);
        size_t j;

        for (j = 0; j < ldns_rr_list_rr_count(all); j++) {
            ldns_rr *rr = ldns_rr_list_rr(all, j);
            ldns_rdf *old = NULL;

            if (ldns_rr_compare(rr, p) != 0)
                continue;
            if (d->nodata) {
                size_t bi = pt == LDNS_RR_TYPE_NSEC ? 1 : 5;
                old = ldns_rr_set_rdf(
                    rr, bitmap_with(ldns_rr_rdf(rr, bi), d->type, pt), bi);
            } else if (pt == LDNS_RR_TYPE_NSEC) {
                old = ldns_rr_set_rdf(rr, ldns_rdf_clone(d->name), 0);
            } else {
                ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(rr, d->name);
                ldns_rdf *raw = NULL;
                char *txt = h ? ldns_rdf2str(h) : NULL;

                /* next hashed owner = the name's own hash: not covered */
                if (txt) {
                    txt[strlen(txt) - 1] = 0; /* the label's dot */
                    ldns_str2rdf_b32_ext(&raw, txt);
                }
                free(txt);
                ldns_rdf_deep_free(h);
                if (raw) {
                    ldns_rdf_set_type(raw, LDNS_RDF_TYPE_NSEC3_NEXT_OWNER);
                    old = ldns_rr_set_rdf(rr, raw, 4);
                }
            }
            if (old) {
                ldns_rdf_deep_free(old);
                changed++;
            }
        }
    }
    if (changed) {
        /* re-sign the altered proofs so their signatures are valid */
        for (i = 0; i < n; i++) {
            ldns_rr *p = ldns_rr_list_rr(proofs, i);
            resign(z, ldns_rr_owner(p), ldns_rr_get_type(p), z->zsk,
                   ldns_key_inception(z->zsk), ldns_key_expiration(z->zsk));
        }
    }
    ldns_rr_list_deep_free(proofs);
    return changed ? 0 : -1;
}

/* The RRset a fault breaks, and the zone it is in. */
typedef struct dh_fault_target {
    dh_zone *z;
    ldns_rdf *name;
    ldns_rr_type type;
    ldns_key *signer; /* the key that signs it: KSK for DNSKEY, else ZSK */
    const char *owner, *tname;
    char *err;
    size_t errlen;
} target;

/* fault_corrupt - one bit of every RRSIG over the RRset flipped */
static int fault_corrupt(target *t)
{
    ldns_rr_list *rrs = ldns_zone_rrs(t->z->signed_copy);
    size_t i;
    int rc = -1;

    for (i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
        ldns_rr *rr = ldns_rr_list_rr(rrs, i);
        ldns_rdf *sig;

        if (!rrsig_over(rr, t->name, t->type))
            continue;
        sig = ldns_rr_rrsig_sig(rr);
        ldns_rdf_data(sig)[ldns_rdf_size(sig) / 2] ^= 0x01;
        rc = 0;
    }
    return rc;
}

/* fault_missing - the RRset's RRSIGs removed */
static int fault_missing(target *t)
{
    rrset_id id = {t->name, t->type};

    return remove_if(t->z->signed_copy, drop_rrsig, &id) ? 0 : -1;
}

/* fault_expired - re-signed valid from 30 days ago to 2 days ago */
static int fault_expired(target *t)
{
    uint32_t now = (uint32_t)time(NULL);

    return resign(t->z, t->name, t->type, t->signer, now - 30 * DAY,
                  now - 2 * DAY);
}

/* fault_future - re-signed valid from 2 days ahead */
static int fault_future(target *t)
{
    uint32_t now = (uint32_t)time(NULL);

    return resign(t->z, t->name, t->type, t->signer, now + 2 * DAY,
                  now + 30 * DAY);
}

/* fault_wrong_key - re-signed by a key that is not in the DNSKEY RRset */
static int fault_wrong_key(target *t)
{
    ldns_key *rogue =
        make_key(t->z->origin, t->type == LDNS_RR_TYPE_DNSKEY ? 257 : 256);
    int rc = resign(t->z, t->name, t->type, rogue, ldns_key_inception(rogue),
                    ldns_key_expiration(rogue));

    ldns_key_deep_free(rogue);
    return rc;
}

/* denial - the proofs of a denial; -1 when the RRset exists */
static int denial(target *t, int wrong)
{
    denial_id d = {t->name, t->type, name_exists(t->z, t->name)};
    ldns_rr_list *set = rrset_of(t->z, t->name, t->type);
    int exists = ldns_rr_list_rr_count(set) > 0;

    ldns_rr_list_deep_free(set);
    if (exists) {
        snprintf(t->err, t->errlen,
                 "%s %s exists: a denial fault needs a name or type that "
                 "does not",
                 t->owner, t->tname);
        return -1;
    }
    return wrong ? misprove(t->z, &d) : unprove(t->z, &d);
}

/* fault_unproven - the NSEC/NSEC3 proofs of a denial removed */
static int fault_unproven(target *t)
{
    return denial(t, 0);
}

/* fault_wrong_denial - the proofs altered and validly re-signed */
static int fault_wrong_denial(target *t)
{
    return denial(t, 1);
}

/* Every fault a scenario can name: one row each.  "in parent" faults
 * change the DS the parent holds, as it is made (world.c); the others
 * are applied to the signed zone by their function. */
static const dh_fault_def faults[] = {
    {"rrsig-corrupt", 0, fault_corrupt,
     "one bit of every RRSIG over the RRset flipped",
     "bogus (signature verification failed)"},
    {"rrsig-expired", 0, fault_expired,
     "re-signed valid from 30 days ago to 2 days ago",
     "bogus (signature expired; Unbound runs with zero skew)"},
    {"rrsig-not-yet-valid", 0, fault_future,
     "re-signed valid from 2 days ahead", "bogus (before inception)"},
    {"rrsig-missing", 0, fault_missing, "its RRSIGs removed",
     "bogus (no signatures)"},
    {"wrong-key", 0, fault_wrong_key,
     "re-signed by a key that is not in the DNSKEY RRset (for `DNSKEY`: "
     "the whole chain of trust breaks)",
     "bogus"},
    {"ds-mismatch", 1, NULL,
     "(`ZONE DS` only) the DS in the parent matches no DNSKEY of the child",
     "the whole child zone is bogus"},
    {"denial-unproven", 0, fault_unproven,
     "(NAME/TYPE must not exist) the NSEC/NSEC3 records proving the "
     "denial, and their RRSIGs, removed: a forged NXDOMAIN/NODATA",
     "bogus"},
    {"denial-wrong", 0, fault_wrong_denial,
     "(NAME/TYPE must not exist) the proof altered and validly re-signed: "
     "NODATA's NSEC claims the type exists; NXDOMAIN's NSEC ends at the "
     "name, so no longer covers it",
     "bogus"},
    {NULL, 0, NULL, NULL, NULL},
};

/* dh_fault_find - see zone.h */
const dh_fault_def *dh_fault_find(const char *name)
{
    const dh_fault_def *f;

    for (f = faults; name && f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

/* dh_fault_all - see zone.h */
const dh_fault_def *dh_fault_all(void)
{
    return faults;
}

/* dh_zone_fault - see zone.h */
int dh_zone_fault(dh_zone *z, const char *owner, const char *type,
                  const dh_fault_def *fault, char *err, size_t errlen)
{
    target t = {z,
                ldns_dname_new_frm_str(owner),
                ldns_get_rr_type_by_name(type),
                NULL,
                owner,
                type,
                err,
                errlen};
    int rc;

    if (!z->signed_zone || z->signed_copy == NULL || t.name == NULL ||
        t.type == 0 || fault->apply == NULL) {
        snprintf(err, errlen, "cannot break %s %s: %s", owner, type,
                 t.name == NULL         ? "bad name"
                 : t.type == 0          ? "unknown type"
                 : fault->apply == NULL ? "a parent fault, applied there"
                                        : "the zone is not signed");
        ldns_rdf_deep_free(t.name);
        return -1;
    }
    t.signer = t.type == LDNS_RR_TYPE_DNSKEY ? z->ksk : z->zsk;
    rc = fault->apply(&t);
    if (rc < 0 && *err == 0)
        snprintf(err, errlen, "nothing to break at %s %s in %s", owner, type,
                 z->origin);
    ldns_rdf_deep_free(t.name);
    return rc;
}

/* same_wire - do two records have the same wire form? */
static int same_wire(const ldns_rr *a, const ldns_rr *b)
{
    uint8_t *wa = NULL, *wb = NULL;
    size_t la = 0, lb = 0;
    int same;

    if (ldns_rr2wire(&wa, a, LDNS_SECTION_ANSWER, &la) != LDNS_STATUS_OK ||
        ldns_rr2wire(&wb, b, LDNS_SECTION_ANSWER, &lb) != LDNS_STATUS_OK)
        same = 0;
    else
        same = la == lb && memcmp(wa, wb, la) == 0;
    free(wa);
    free(wb);
    return same;
}

/* generic_text - a record in RFC 3597 generic syntax (new string) */
static char *generic_text(const ldns_rr *rr)
{
    ldns_buffer *b = ldns_buffer_new(512);
    char *owner = ldns_rdf2str(ldns_rr_owner(rr));
    char *type = ldns_rr_type2str(ldns_rr_get_type(rr));
    char *klass = ldns_rr_class2str(ldns_rr_get_class(rr));
    char *out, *hex;
    size_t len;

    ldns_rr_rdata2buffer_wire(b, rr);
    len = ldns_buffer_position(b);
    hex = dh_hex(ldns_buffer_begin(b), len);
    out = dh_asprintf("%s\t%u\t%s\t%s\t\\# %zu%s%s", owner,
                      (unsigned)ldns_rr_ttl(rr), klass, type, len,
                      len ? " " : "", hex);
    free(hex);
    free(owner);
    free(type);
    free(klass);
    ldns_buffer_free(b);
    return out;
}

/* rr_text - a record as it reads back to the same wire (new string, no
 * newline) */
static char *rr_text(const ldns_rr *rr)
{
    char *text = ldns_rr2str(rr), *nl;
    ldns_rr *back = NULL;
    int ok;

    if (text == NULL)
        return generic_text(rr);
    if ((nl = strchr(text, '\n')) != NULL)
        *nl = 0;
    ok = ldns_rr_new_frm_str(&back, text, 0, NULL, NULL) == LDNS_STATUS_OK &&
         same_wire(rr, back);
    ldns_rr_free(back);
    if (ok)
        return text;
    free(text);
    return generic_text(rr);
}

/* dh_zone_write - the signed copy in master-file syntax, for NSD */
int dh_zone_write(const dh_zone *z, const char *path)
{
    const ldns_zone *zone = z->signed_copy ? z->signed_copy : z->zone;
    ldns_rr_list *rrs = ldns_zone_rrs(zone);
    FILE *f = fopen(path, "w");
    char *t;
    size_t i;

    if (f == NULL)
        return -1;
    fprintf(f, "; %s - generated by dane-harness\n", z->origin);
    t = rr_text(ldns_zone_soa(zone));
    fprintf(f, "%s\n", t);
    free(t);
    for (i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
        const ldns_rr *rr = ldns_rr_list_rr(rrs, i);
        const char *src = dh_zone_source(z, rr);

        t = rr_text(rr);
        if (src)
            fprintf(f, "\n; %s\n%s\n\n", src, t);
        else
            fprintf(f, "%s\n", t);
        free(t);
    }
    return fclose(f);
}

/* dh_zone_file_source - see zone.h */
char *dh_zone_file_source(const char *path, int line)
{
    char *text = dh_read_file(path, NULL), *cur, *src = NULL;
    char **lines = NULL;
    int n = 0, i;

    if (text == NULL)
        return NULL;
    for (cur = text; *cur;) {
        char *nl = strchr(cur, '\n');

        lines = dh_realloc(lines, (size_t)(n + 1) * sizeof(*lines));
        lines[n++] = cur;
        if (nl == NULL)
            break;
        *nl = 0;
        cur = nl + 1;
    }
    /* A daemon may name the line after a record (it read the record's
     * newline): walk back over blank lines and comments to the record;
     * the comment just above it says where the scenario wrote it. */
    i = line - 1 < n ? line - 1 : n - 1;
    while (i >= 0 && (lines[i][0] == 0 || lines[i][0] == ';'))
        i--;
    if (i >= 1 && strncmp(lines[i - 1], "; ", 2) == 0)
        src = dh_strdup(lines[i - 1] + 2);
    free(lines);
    free(text);
    return src;
}

/* dh_zone_served - see zone.h */
ldns_rr_list *dh_zone_served(const dh_zone *z)
{
    const ldns_zone *zone = z->signed_copy ? z->signed_copy : z->zone;
    ldns_rr_list *all = ldns_rr_list_clone(ldns_zone_rrs(zone));

    ldns_rr_list_push_rr(all, ldns_rr_clone(ldns_zone_soa(zone)));
    return all;
}
