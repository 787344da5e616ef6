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

typedef struct dh_zone {
    char *origin; /* absolute, with the trailing dot */
    int signed_zone;
    dh_denial denial;
    ldns_zone *zone;        /* unsigned records */
    ldns_zone *signed_copy; /* after dh_zone_sign() */
    ldns_key *ksk;
    ldns_key *zsk;
    ldns_key_list *keys;   /* owns ksk and zsk */
    ldns_rdf *prev_owner;  /* owner of the last record added */
    ldns_rr_list *sourced; /* clones of the records a scenario wrote */
    char **src;            /* ... and where: "FILE:LINE" */
    int ttl;               /* default TTL, and SOA minimum (negative TTL) */
    size_t nbase;          /* records dh_zone_new() made: NS, DNSKEYs */
} dh_zone;

dh_zone *dh_zone_new(const char *origin, int signed_zone, dh_denial denial,
                     const char *ns_name);
void dh_zone_free(dh_zone *z);
/* Set the default TTL of the records added from now on, and the TTL of
 * those made so far, the SOA's and its minimum (the negative TTL). */
void dh_zone_set_ttl(dh_zone *z, int ttl);
/* Back to what dh_zone_new() made (same keys), with SOA serial: the
 * zone of the next attempt is then added, signed and broken again. */
void dh_zone_reset(dh_zone *z, unsigned serial);

/* Add one record in master-file syntax (relative names are relative to
 * the origin); src ("FILE:LINE") says where a scenario wrote it, NULL for
 * records the harness makes.  0, or -1 with the reason in err. */
int dh_zone_add(dh_zone *z, const char *text, const char *src, char *err,
                size_t errlen);
/* Where the scenario wrote this record ("FILE:LINE"), or NULL. */
const char *dh_zone_source(const dh_zone *z, const ldns_rr *rr);

/* The DS of the zone's KSK (SHA-256) as text, for the parent; with
 * mangle set, broken on purpose: "digest" (matches no DNSKEY) or
 * "algorithm" (an algorithm no validator supports).  NULL if unsigned. */
char *dh_zone_ds_text(const dh_zone *z, const char *mangle);

int dh_zone_sign(dh_zone *z, char *err, size_t errlen);

/* Apply one post-signing fault to OWNER/TYPE (owner absolute).  0, or -1
 * with the reason in err (e.g. nothing to break there). */
int dh_zone_fault(dh_zone *z, const char *owner, const char *type,
                  const dh_fault_def *fault, char *err, size_t errlen);

/* Write the signed copy for NSD.  Every record is written so that it
 * reads back to the same wire form: in presentation format where libldns
 * reads its own output back identically, else in RFC 3597 generic syntax
 * (e.g. a TLSA record without association data, "TLSA \# 3 030101").  A
 * record a scenario wrote is preceded by "; FILE:LINE" and followed by an
 * empty line, so that a daemon's complaint about a line of the zone file
 * leads back to the scenario (dh_zone_file_source()). */
int dh_zone_write(const dh_zone *z, const char *path);
/* The "FILE:LINE" of the scenario record at or just before line `line'
 * of a zone file dh_zone_write() wrote (new string), or NULL. */
char *dh_zone_file_source(const char *path, int line);
/* Records of the signed copy, SOA first, as served (new list of clones,
 * free with ldns_rr_list_deep_free()). */
ldns_rr_list *dh_zone_served(const dh_zone *z);

/* Does this zone contain the (absolute) name?  Depth of the match in
 * labels, or -1. */
int dh_zone_contains(const dh_zone *z, const char *name);

#endif
