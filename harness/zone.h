/*
 * zone.h - one DNS zone of the run's world, built record by record,
 * signed with libldns (ECDSA P-256, KSK + ZSK, NSEC or NSEC3) and, where
 * a scenario says so, broken on purpose.
 *
 * dh_zone_new() returns a zone owned by the caller (dh_zone_free()).  Its
 * SOA and NS are added for it; its keys exist from the start, so its DS
 * can go into the parent before anything is signed.  Records are added
 * as master-file text; dh_zone_sign() makes the signed copy, to which
 * dh_zone_fault() applies the post-signing faults; dh_zone_write() writes
 * it for NSD.
 */
#ifndef DH_ZONE_H
#define DH_ZONE_H

#include <ldns/ldns.h>
#include <stddef.h>

#include "names.h"
#include "scenario.h"

typedef struct {
    char *origin; /* absolute, with the trailing dot */
    int signed_zone;
    dh_denial denial;
    ldns_zone *zone;        /* unsigned records */
    ldns_zone *signed_copy; /* after dh_zone_sign() */
    ldns_key *ksk;
    ldns_key *zsk;
    ldns_key_list *keys;  /* owns ksk and zsk */
    ldns_rdf *prev_owner; /* owner of the last record added */
} dh_zone;

dh_zone *dh_zone_new(const char *origin, int signed_zone, dh_denial denial,
                     const char *ns_name);
void dh_zone_free(dh_zone *z);

/* Add one record in master-file syntax (relative names are relative to
 * the origin).  0, or -1 with the reason in err. */
int dh_zone_add(dh_zone *z, const char *text, char *err, size_t errlen);

/* The DS of the zone's KSK (SHA-256) as text, for the parent; with
 * mangle set, broken on purpose: "digest" (matches no DNSKEY) or
 * "algorithm" (an algorithm no validator supports).  NULL if unsigned. */
char *dh_zone_ds_text(const dh_zone *z, const char *mangle);

int dh_zone_sign(dh_zone *z, char *err, size_t errlen);

/* Apply one post-signing fault to OWNER/TYPE (owner absolute).  0, or -1
 * with the reason in err (e.g. nothing to break there). */
int dh_zone_fault(dh_zone *z, const char *owner, const char *type,
                  dh_fault_kind kind, char *err, size_t errlen);

int dh_zone_write(const dh_zone *z, const char *path);

/* Does this zone contain the (absolute) name?  Depth of the match in
 * labels, or -1. */
int dh_zone_contains(const dh_zone *z, const char *name);

#endif
