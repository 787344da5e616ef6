/*
 * scenario.h - scenario files: parse and hold one scenario.
 *
 * The format is documented once, in docs/scenario-format.md.  A scenario
 * is a header of "key value" lines, then one or more "%zone" sections:
 * the records of the scenario's zones in master-file syntax with
 * placeholders for generated material ({addr HOST}, {tlsa HOST}, ...).
 *
 * Names in the header are relative to the scenario's apex
 * (<id>.danelab.): "@" is the apex, "mx1.sub" a name below it, and
 * "NAME@mxlab" / "@mxlab" a name in the scenario's zone under the second
 * TLD (<id>.mxlab.).  dh_name_abs() turns them into absolute names.
 *
 * dh_scenario_parse() returns a new scenario owned by the caller (free
 * with dh_scenario_free()), or NULL with "FILE:LINE: reason" in err.
 */
#ifndef DH_SCENARIO_H
#define DH_SCENARIO_H

#include <stddef.h>

#include "names.h"
#include "persona.h"

typedef enum {
    DH_SEV_SECURITY,
    DH_SEV_INTEROP,
    DH_SEV_ADVISORY,
    DH_SEV_KINDS
} dh_severity;

typedef enum {
    DH_EXPECT_DELIVER,          /* must reach an allowed host */
    DH_EXPECT_NO_DELIVERY,      /* must reach no host (client defers) */
    DH_EXPECT_DELIVER_OR_DEFER, /* either is conforming (a MAY) */
    DH_EXPECT_BOUNCE,           /* must not deliver; a bounce is right */
    DH_EXPECT_KINDS
} dh_expect;

typedef enum {
    DH_DNS_SECURE,
    DH_DNS_INSECURE,
    DH_DNS_BOGUS,
    DH_DNS_SERVFAIL,
    DH_DNS_KINDS
} dh_dnsstate;

typedef enum {
    DH_EXIST_DATA,     /* the RRset exists */
    DH_EXIST_NXDOMAIN, /* the name does not exist */
    DH_EXIST_NODATA,   /* the name exists, the type does not */
    DH_EXIST_ANY,      /* not checked (bogus, servfail) */
    DH_EXIST_KINDS
} dh_existence;

/* A fault a scenario can put on an RRset: one row of the table in
 * zone.c (dh_fault_find(), dh_fault_all()), which holds its name, what it
 * does, the validator's view of it, and the function that applies it.
 * The strings are static. */
struct dh_fault_target; /* zone.c's: the RRset being broken */

typedef struct dh_fault_def {
    const char *name;
    int in_parent; /* changes the parent's DS as it is made (world.c) */
    int (*apply)(struct dh_fault_target *t); /* NULL for in_parent */
    const char *effect;
    const char *view;
} dh_fault_def;

const dh_fault_def *dh_fault_find(const char *name);
/* The whole table, terminated by a NULL name. */
const dh_fault_def *dh_fault_all(void);

typedef enum {
    DH_ZONE_SIGNED,
    DH_ZONE_UNSIGNED,        /* delegated without DS: insecure */
    DH_ZONE_UNSUPPORTED_ALG, /* DS of an unknown algorithm: insecure */
    DH_ZONE_DNSSEC_KINDS
} dh_zone_dnssec;

typedef enum {
    DH_SERVER_OK,
    DH_SERVER_REFUSED,  /* lame: the server answers REFUSED */
    DH_SERVER_SERVFAIL, /* the server answers SERVFAIL */
    DH_SERVER_SILENT,   /* the server never answers (timeout) */
    DH_SERVER_KINDS
} dh_zone_server;

typedef enum {
    DH_DENIAL_NSEC,
    DH_DENIAL_NSEC3,
    DH_DENIAL_NSEC3_OPTOUT,
    DH_DENIAL_KINDS
} dh_denial;

/* A range of delivery attempts (format version 3), 1-based, inclusive;
 * to == DH_ATTEMPT_LAST: "and every later one". */
#define DH_ATTEMPT_LAST 1000
typedef struct {
    int from, to;
} dh_span;

typedef struct {
    char *label; /* header-style name, e.g. "mx1" or "mx1@mxlab" */
    const dh_persona *persona;  /* of its IPv4 addresses */
    const dh_persona *persona6; /* of its IPv6 addresses */
    int nv4;                    /* number of IPv4 addresses (default 1) */
    int nv6;                    /* number of IPv6 addresses (default 0) */
    double stall;               /* greeting delay in seconds, or 0 */
    int line;
} dh_host;

typedef struct {
    char *owner; /* header-style name */
    char *type;  /* "TLSA", "MX", ... */
    const dh_fault_def *def;
    dh_span span; /* the attempts it is in place for */
    int line;
} dh_fault;

typedef struct {
    char *owner;
    char *type;
    dh_dnsstate state;
    dh_existence exist;
    int attempt; /* checked before this attempt (and after the last) */
    int line;
} dh_check;

typedef enum {
    DH_QEXPECT_QUERY,      /* the client must ask NAME TYPE */
    DH_QEXPECT_NO_QUERY,   /* the client must not ask NAME TYPE */
    DH_QEXPECT_BEFORE,     /* NAME TYPE asked before NAME2 TYPE2 (if both) */
    DH_QEXPECT_NO_CONNECT, /* no connection to host NAME */
    DH_QEXPECT_KINDS
} dh_qexpect_kind;

typedef struct {
    dh_qexpect_kind kind;
    char *name;
    char *type;
    char *name2;
    char *type2;
    dh_severity severity;
    int line;
} dh_qexpect;

typedef struct {
    int line;
    char *text;   /* one master-file line, placeholders not yet expanded */
    dh_span span; /* the attempts it is served for ("[2-] ..." prefix) */
} dh_zone_line;

/* One message of a scenario (format version 3; a version 2 scenario has
 * one, "m", for its recipient, submitted at attempt 1). */
typedef struct {
    char *name;
    char *recipient; /* header-style recipient domain, or NULL: the apex */
    int at;          /* submitted just before this attempt */
    int line;
} dh_message;

/* What a message's attempt must do ("expect-at K MESSAGE OUTCOME"). */
typedef struct {
    int attempt;
    size_t message; /* index in messages */
    dh_expect expect;
    char **via; /* NULL: the non-hostile hosts */
    size_t nvia;
    int has_severity;     /* severity=S given ... */
    dh_severity severity; /* ... the grade of this step's FAIL */
    int line;
} dh_step;

typedef enum {
    DH_CHANGE_PERSONA, /* a host's servers take another persona */
    DH_CHANGE_WAIT,    /* the harness waits before the attempt */
    DH_CHANGE_KINDS
} dh_change_kind;

/* "at K persona HOST P", "at K wait SECS": before attempt K. */
typedef struct {
    int attempt;
    dh_change_kind kind;
    char *host;
    const dh_persona *persona;
    double secs;
    int line;
} dh_change;

typedef struct {
    char *name; /* header-style: "@", "sub", "@mxlab", "hosts@mxlab" */
    dh_zone_dnssec dnssec;
    dh_zone_server server;
    dh_denial denial;
    dh_zone_line *lines;
    size_t nlines;
    int line;
} dh_zone_decl;

typedef struct {
    char *file;
    char sha256[65]; /* SHA-256 (hex) of the file's bytes, as loaded by
                      * dh_scenario_load(); "" when parsed from text */
    char *id;
    char *title;
    char *rfc;
    char *requirement;
    int rfc_line, requirement_line; /* where they are written */
    char *description;
    dh_severity severity;
    dh_expect expect;
    char **via; /* hosts allowed to receive it; NULL: non-hostile ones */
    size_t nvia;
    int expect_tls;   /* 1: delivery must use STARTTLS */
    char *expect_sni; /* header-style name, or NULL */
    char *recipient;  /* header-style name of the recipient domain, or NULL
                       * for the apex */
    int requires_ipv6;
    dh_host *hosts;
    size_t nhosts;
    dh_fault *faults;
    size_t nfaults;
    dh_check *checks;
    size_t nchecks;
    dh_qexpect *qexpects;
    size_t nqexpects;
    dh_zone_decl *zones; /* zones[0] is the apex */
    size_t nzones;
    /* Across time and messages (format version 3) */
    int ttl; /* default TTL and negative TTL of its zones (s) */
    dh_message *messages;
    size_t nmessages;
    dh_step *steps; /* sorted by attempt, then message */
    size_t nsteps;
    dh_change *changes;
    size_t nchanges;
    int nattempts;   /* delivery attempts (1 for version 2) */
    int needs_retry; /* some message is judged after its first attempt */
    int needs_batch; /* several messages are submitted at one attempt */
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

/* What the scenario expects, in a few words (new string): the expected
 * outcome of a one-attempt scenario ("no-delivery"), else its steps
 * ("1:no-delivery 2:deliver", "1:a=no-delivery,b=deliver-or-defer"). */
char *dh_scenario_expect_text(const dh_scenario *sc);

/* Is attempt k in span s? */
int dh_span_has(dh_span s, int k);
/* The persona of host h's IPv4 (v6 = 0) or IPv6 servers at attempt k. */
const dh_persona *dh_scenario_persona_at(const dh_scenario *sc,
                                         const dh_host *h, int v6, int k);
/* Does the DNS (records or faults) differ between attempts k-1 and k? */
int dh_scenario_dns_changes(const dh_scenario *sc, int k);
/* Does anything (DNS, a persona) change just before attempt k? */
int dh_scenario_changes(const dh_scenario *sc, int k);
/* Seconds the harness waits before attempt k: the scenario's own "at K
 * wait", and past every TTL when its DNS changed (see scenario-format). */
double dh_scenario_wait_before(const dh_scenario *sc, int k);

/* Absolute form (new string, trailing dot) of a header-style name. */
char *dh_name_abs(const char *name, const char *id);

const char *dh_severity_name(dh_severity s);
const char *dh_dnsstate_name(dh_dnsstate s);
const char *dh_existence_name(dh_existence e);
const char *dh_expect_name(dh_expect e);

#endif
