/*
 * scenario.h - scenario files: parse and hold one scenario.
 *
 * The format is documented once, in docs/scenario-format.md.  A scenario
 * is a header of "key value" lines, then a "%zone" line, then the records
 * of the scenario's own zone in master-file syntax with placeholders for
 * generated material ({addr HOST}, {tlsa CERT}).
 *
 * dh_scenario_parse() returns a new scenario owned by the caller (free
 * with dh_scenario_free()), or NULL with "FILE:LINE: reason" in err.
 */
#ifndef DH_SCENARIO_H
#define DH_SCENARIO_H

#include <stddef.h>

#include "persona.h"

typedef enum {
    DH_SEV_SECURITY,
    DH_SEV_INTEROP,
    DH_SEV_ADVISORY,
} dh_severity;

typedef enum {
    DH_EXPECT_DELIVER,     /* must reach an honest host */
    DH_EXPECT_NO_DELIVERY, /* must reach no host (client defers) */
} dh_expect;

typedef enum {
    DH_DNS_SECURE,
    DH_DNS_INSECURE,
    DH_DNS_BOGUS,
} dh_dnsstate;

typedef enum {
    DH_FAULT_RRSIG_CORRUPT, /* flip a bit in each RRSIG of the RRset */
} dh_fault_kind;

typedef struct {
    char *label; /* owner relative to the scenario zone, e.g. "mx1" */
    const dh_persona *persona;
    int line;
} dh_host;

typedef struct {
    char *owner; /* relative to the zone, "@" for the apex */
    char *type;  /* "TLSA", "MX", ... */
    dh_fault_kind kind;
    int line;
} dh_fault;

typedef struct {
    char *owner;
    char *type;
    dh_dnsstate state;
    int line;
} dh_check;

typedef struct {
    int line;
    char *text; /* one master-file line, placeholders not yet expanded */
} dh_zone_line;

typedef struct {
    char *file;
    char *id;
    char *title;
    char *rfc;
    char *requirement;
    char *description;
    dh_severity severity;
    dh_expect expect;
    int expect_tls;   /* 1: delivery must use STARTTLS; 0: no constraint */
    char *expect_sni; /* owner relative to the zone, or NULL */
    int signed_zone;
    dh_host *hosts;
    size_t nhosts;
    dh_fault *faults;
    size_t nfaults;
    dh_check *checks;
    size_t nchecks;
    dh_zone_line *zone;
    size_t nzone;
} dh_scenario;

dh_scenario *dh_scenario_parse(const char *file, const char *text, char *err,
                               size_t errlen);
dh_scenario *dh_scenario_load(const char *path, char *err, size_t errlen);
void dh_scenario_free(dh_scenario *sc);

/* Load every *.scn in dir, sorted by id.  0 or -1 with err. */
int dh_scenario_load_dir(const char *dir, dh_scenario ***out, size_t *n,
                         char *err, size_t errlen);
void dh_scenario_free_all(dh_scenario **v, size_t n);

const dh_host *dh_scenario_host(const dh_scenario *sc, const char *label);

const char *dh_severity_name(dh_severity s);
const char *dh_dnsstate_name(dh_dnsstate s);

#endif
