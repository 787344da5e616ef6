/*
 * zone.h - one DNS zone of the run's world, built record by record and
 * signed with libldns (ECDSA P-256, KSK + ZSK, NSEC).
 *
 * dh_zone_new() returns a zone owned by the caller (dh_zone_free()).  Its
 * SOA and NS (ns.nic.<tld>) are added for it.  Records are added as
 * master-file text; dh_zone_sign() signs, after which faults can be
 * injected and the zone written for NSD.
 */
#ifndef DH_ZONE_H
#define DH_ZONE_H

#include <ldns/ldns.h>
#include <stddef.h>

typedef struct {
    char *origin; /* absolute, with the trailing dot */
    int signed_zone;
    ldns_zone *zone;        /* unsigned records */
    ldns_zone *signed_copy; /* after dh_zone_sign() */
    ldns_key_list *keys;
    ldns_rr *ds; /* DS of the KSK, SHA-256, for the parent */
    ldns_rdf *prev_owner; /* owner of the last record added */
} dh_zone;

#define DH_NS_NAME "ns.nic.danelab."
#define DH_NS_ADDR "127.0.0.2"
#define DH_RESOLVER_ADDR "127.0.0.1"
#define DH_TLD "danelab."
#define DH_TTL 300

dh_zone *dh_zone_new(const char *origin, int signed_zone);
void dh_zone_free(dh_zone *z);

/* Add one record in master-file syntax (relative names are relative to
 * the origin).  0, or -1 with the reason in err. */
int dh_zone_add(dh_zone *z, const char *text, char *err, size_t errlen);

int dh_zone_sign(dh_zone *z, char *err, size_t errlen);

/* Corrupt every RRSIG covering OWNER/TYPE (owner absolute).  Number of
 * signatures corrupted, or -1 with err. */
int dh_zone_corrupt_rrsig(dh_zone *z, const char *owner, const char *type,
                          char *err, size_t errlen);

int dh_zone_write(const dh_zone *z, const char *path);

/* DS record text of the zone's KSK (new string), NULL if unsigned. */
char *dh_zone_ds_text(const dh_zone *z);

#endif
