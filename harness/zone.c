/*
 * zone.c - build, sign, break and write one zone with libldns.
 *
 * Keys are made per zone: a KSK (flags 257) that signs the DNSKEY RRset
 * and a ZSK (256) that signs the rest (libldns splits them by the SEP
 * flag).  Signatures are valid from one hour ago to thirty days ahead.
 */
#include "zone.h"

#include <string.h>
#include <time.h>

#include "util.h"

/* make_key - new ECDSA P-256 zone key with the given DNSKEY flags */
static ldns_key *make_key(const char *origin, int flags)
{
    ldns_key *k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
    ldns_rdf *owner;
    ldns_rr *dnskey;
    uint32_t now = (uint32_t)time(NULL);

    if (k == NULL)
        dh_fatal("libldns: cannot generate an ECDSA P-256 zone key");
    owner = ldns_dname_new_frm_str(origin);
    ldns_key_set_pubkey_owner(k, owner);
    ldns_key_set_flags(k, (uint16_t)flags);
    ldns_key_set_inception(k, now - 3600);
    ldns_key_set_expiration(k, now + 30 * 86400);
    dnskey = ldns_key2rr(k);
    ldns_key_set_keytag(k, ldns_calc_keytag(dnskey));
    ldns_rr_free(dnskey);
    return k;
}

/* dh_zone_new - empty zone with SOA and NS; keys when signed */
dh_zone *dh_zone_new(const char *origin, int signed_zone)
{
    dh_zone *z = dh_calloc(1, sizeof(*z));
    char err[256];
    char *soa;
    ldns_rr *rr = NULL;

    z->origin = dh_strdup(origin);
    z->signed_zone = signed_zone;
    z->zone = ldns_zone_new();
    soa = dh_asprintf("%s %d IN SOA %s hostmaster.%s 1 3600 600 86400 60",
                      origin, DH_TTL, DH_NS_NAME, DH_TLD);
    if (ldns_rr_new_frm_str(&rr, soa, DH_TTL, NULL, NULL) != LDNS_STATUS_OK)
        dh_panic("cannot build SOA for %s", origin);
    free(soa);
    ldns_zone_set_soa(z->zone, rr);
    soa = dh_asprintf("@ NS %s", DH_NS_NAME);
    if (dh_zone_add(z, soa, err, sizeof(err)) < 0)
        dh_panic("cannot build NS for %s: %s", origin, err);
    free(soa);
    if (signed_zone) {
        ldns_key *ksk = make_key(origin, 257), *zsk = make_key(origin, 256);
        ldns_rr *kr;

        z->keys = ldns_key_list_new();
        ldns_key_list_push_key(z->keys, ksk);
        ldns_key_list_push_key(z->keys, zsk);
        kr = ldns_key2rr(ksk);
        ldns_rr_set_ttl(kr, DH_TTL);
        z->ds = ldns_key_rr2ds(kr, LDNS_SHA256);
        ldns_rr_set_ttl(z->ds, DH_TTL);
        ldns_zone_push_rr(z->zone, kr);
        kr = ldns_key2rr(zsk);
        ldns_rr_set_ttl(kr, DH_TTL);
        ldns_zone_push_rr(z->zone, kr);
    }
    return z;
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
    if (z->ds)
        ldns_rr_free(z->ds);
    if (z->prev_owner)
        ldns_rdf_deep_free(z->prev_owner);
    free(z->origin);
    free(z);
}

/* dh_zone_add - parse one master-file record into the zone */
int dh_zone_add(dh_zone *z, const char *text, char *err, size_t errlen)
{
    ldns_rr *rr = NULL;
    ldns_rdf *origin = ldns_dname_new_frm_str(z->origin);
    ldns_rdf *prev = z->prev_owner;
    ldns_status st;

    st = ldns_rr_new_frm_str(&rr, text, DH_TTL, origin, &prev);
    ldns_rdf_deep_free(origin);
    z->prev_owner = prev;
    if (st != LDNS_STATUS_OK) {
        snprintf(err, errlen, "bad record: %s", ldns_get_errorstr_by_id(st));
        return -1;
    }
    if (ldns_dname_is_subdomain(ldns_rr_owner(rr),
                                ldns_rr_owner(ldns_zone_soa(z->zone))) == 0 &&
        ldns_dname_compare(ldns_rr_owner(rr),
                           ldns_rr_owner(ldns_zone_soa(z->zone))) != 0) {
        char *o = ldns_rdf2str(ldns_rr_owner(rr));

        snprintf(err, errlen, "owner %s is outside the zone %s", o,
                 z->origin);
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
    return 0;
}

/* dh_zone_sign - make the signed copy (no-op copy when unsigned) */
int dh_zone_sign(dh_zone *z, char *err, size_t errlen)
{
    if (z->signed_copy)
        ldns_zone_deep_free(z->signed_copy);
    if (!z->signed_zone) {
        z->signed_copy = ldns_zone_new();
        ldns_zone_set_soa(z->signed_copy,
                          ldns_rr_clone(ldns_zone_soa(z->zone)));
        ldns_zone_push_rr_list(z->signed_copy,
                               ldns_rr_list_clone(ldns_zone_rrs(z->zone)));
        return 0;
    }
    z->signed_copy = ldns_zone_sign(z->zone, z->keys);
    if (z->signed_copy == NULL) {
        snprintf(err, errlen, "libldns could not sign %s", z->origin);
        return -1;
    }
    return 0;
}

/* dh_zone_corrupt_rrsig - flip one bit in each matching RRSIG */
int dh_zone_corrupt_rrsig(dh_zone *z, const char *owner, const char *type,
                          char *err, size_t errlen)
{
    ldns_rdf *name = ldns_dname_new_frm_str(owner);
    ldns_rr_type t = ldns_get_rr_type_by_name(type);
    ldns_rr_list *rrs;
    size_t i;
    int n = 0;

    if (z->signed_copy == NULL || name == NULL || t == 0) {
        snprintf(err, errlen, "cannot corrupt %s/%s: %s", owner, type,
                 name == NULL ? "bad name" : t == 0 ? "unknown type"
                                                    : "zone not signed");
        ldns_rdf_deep_free(name);
        return -1;
    }
    rrs = ldns_zone_rrs(z->signed_copy);
    for (i = 0; i < ldns_rr_list_rr_count(rrs); i++) {
        ldns_rr *rr = ldns_rr_list_rr(rrs, i);
        ldns_rdf *sig;

        if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
            ldns_dname_compare(ldns_rr_owner(rr), name) != 0 ||
            ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) != t)
            continue;
        sig = ldns_rr_rrsig_sig(rr);
        ldns_rdf_data(sig)[ldns_rdf_size(sig) / 2] ^= 0x01;
        n++;
    }
    ldns_rdf_deep_free(name);
    if (n == 0)
        snprintf(err, errlen, "no RRSIG covers %s %s", owner, type);
    return n ? n : -1;
}

/* dh_zone_write - the signed copy in master-file syntax, for NSD */
int dh_zone_write(const dh_zone *z, const char *path)
{
    FILE *f = fopen(path, "w");

    if (f == NULL)
        return -1;
    fprintf(f, "; %s - generated by dane-harness\n", z->origin);
    ldns_zone_print(f, z->signed_copy ? z->signed_copy : z->zone);
    return fclose(f);
}

/* dh_zone_ds_text - the KSK's DS record as master-file text */
char *dh_zone_ds_text(const dh_zone *z)
{
    char *s, *nl;

    if (z->ds == NULL)
        return NULL;
    s = ldns_rr2str(z->ds);
    nl = strchr(s, '\n');
    if (nl)
        *nl = 0;
    return s;
}
