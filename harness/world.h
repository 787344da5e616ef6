/*
 * world.h - the run's miniature Internet: its plan, files and daemons.
 *
 * dh_world_plan() turns the scenarios into a plan (addresses, names,
 * tokens) and generates the PKI and the fake MX configuration, so that
 * dh_world_start_fakemx() can start loading certificates while
 * dh_world_zones() builds the zones (signed, broken on purpose where the
 * scenario says so) and the DNS daemons' configurations.  dh_world_start()
 * starts NSD and Unbound inside the sandbox and waits until a validated
 * answer comes back and the fake MX daemon is ready.  A fixture that
 * cannot be built is not fatal to the run: that scenario's `error' is set
 * (its verdict is ERROR) and it is left out of the world.
 *
 * Ownership: the world owns everything it points to (its strings, hosts,
 * chains, zones, PKI) and dh_world_free() releases it all, after
 * dh_world_stop(); the scenarios are borrowed (dh_world_plan()) and must
 * outlive it.  The error and fault strings of a dh_world_scn belong to
 * the world; whoever sets them gives it a new string.
 */
#ifndef DH_WORLD_H
#define DH_WORLD_H

#include <sys/types.h>

#include "pki.h"
#include "util.h"
#include "scenario.h"

typedef struct {
    char addr[48]; /* where the fake MX listens for this host */
    int v6;
    const dh_persona *persona;
} dh_world_addr;

typedef struct {
    dh_cert *cert; /* leaf, key and the chain sent after it */
    char *chain_path;
    char *key_path;
} dh_chain_files;

typedef struct {
    const dh_host *host;
    char *fqdn;              /* mx1.<id>.danelab. */
    dh_world_addr addrs[16]; /* IPv4 first, then IPv6 */
    size_t naddrs;
    EVP_PKEY *key;      /* the host's own ECDSA key */
    EVP_PKEY *rsa_key;  /* its RSA key, made when a chain needs it */
    EVP_PKEY *next_key; /* its next ECDSA key (rollovers), likewise */
    /* By dh_chain_at() index: the chains its personas and placeholders
     * use (cert NULL for the others); chains[own] always exists, it is
     * what {tlsa HOST} describes (hostcerts.c) */
    dh_chain_files *chains;
    char *pki_prefix; /* pki/<id>/<label>: its files' names begin so */
    char *domain;     /* the scenario's recipient domain (cn=domain) */
} dh_world_host;

/* One message of a scenario, as the run sends it. */
typedef struct {
    char *token;  /* its X-DH-Token */
    char *domain; /* its recipient domain (postmaster@ it), no final dot */
} dh_world_msg;

typedef struct {
    dh_scenario *sc;
    int index;          /* 1-based */
    char *origin;       /* <id>.danelab. */
    char *origin2;      /* <id>.mxlab. */
    char *domain;       /* <id>.danelab (recipient domain) */
    char *token;        /* X-DH-Token of its first message (msgs[0].token) */
    dh_world_msg *msgs; /* one per sc->messages[] */
    int attempt;        /* the attempt its world is in now (from 1) */
    dh_world_host *hosts;
    size_t nhosts;
    char *error; /* broken fixture (found before the sends): verdict ERROR
                  * with this reason, and the client is not run */
    char *fault; /* the fixture misbehaved during the attempt (found by the
                  * oracle after the sends): verdict ERROR */
} dh_world_scn;

/* A zone of the world.  Kept after its file is written, for the
 * served check (dh_world_check_served()) and for the attempts that
 * follow (dh_world_rebuild()), until dh_world_free(). */
typedef struct {
    struct dh_zone *zone;
    dh_world_scn *ws;         /* NULL for the root and the TLDs */
    const dh_zone_decl *decl; /* NULL for the root and the TLDs */
    char *path;               /* its zone file; NULL: NSD does not serve it */
} dh_world_zone;

typedef struct {
    char *rundir;
    char *runid;
    dh_pki *pki;
    dh_world_scn *scn;
    size_t nscn;
    dh_world_zone *zones; /* every zone, until dh_world_free() */
    size_t nzones;
    char *ta_path;      /* DS of the fake root */
    char *pkix_ca_path; /* the attacker's "public" CA, for PKIX stores */
    char *resolv_path;  /* sandbox resolv.conf */
    char *events_path;  /* fake MX observations */
    char *unbound_log;  /* resolver log (queries) */
    char *libexec;      /* folder of dane-fakemx */
    char *datadir;      /* folder of certs/ and zones/ */
    pid_t nsd, unbound, fakemx, lamedns;
    long fakemx_reloads; /* SIGHUPs sent to the fake MX so far */
    int fakemx_ready;    /* read end of the fake MX daemon's ready pipe */
    double t0;           /* when planning began */
    double t_build;      /* planning and zones, seconds */
    double t_start;      /* from then until everything answered */
} dh_world;

/* The scenarios v are borrowed: they must outlive the world. */
dh_world *dh_world_plan(dh_scenario **v, size_t n, const char *rundir,
                        const char *libexec, const char *datadir);
/* The daemons' configuration files (configs.c): NSD's (nsd_zones holds
 * its "zone:" clauses), Unbound's with root hints and trust anchor (the
 * fake root's DS), the sandbox resolv.conf; dane-fakemx's. */
void dh_world_write_dns_configs(dh_world *w, dh_buf *nsd_zones,
                                const char *root_ds);
void dh_world_write_fakemx_conf(dh_world *w);

/* Start the fake MX daemon (it needs only the plan): 0 or -1. */
int dh_world_start_fakemx(dh_world *w);
void dh_world_zones(dh_world *w);
/* Start the DNS daemons and wait until everything answers: 0 or -1. */
int dh_world_start(dh_world *w);
void dh_world_stop(dh_world *w);
/* Stop only the fake MX (it closes its events file) or only Unbound (it
 * closes its log), so that their evidence can be read while NSD still
 * answers the oracle. */
/* dh_world_stop_fakemx returns NULL, or why the fake MX had already died
 * (new string): a signal it was not sent, e.g. a SIGKILL whose exit was
 * still in progress when dh_world_alive looked (a sanitized daemon takes
 * a while to die). */
char *dh_world_stop_fakemx(dh_world *w);
void dh_world_stop_resolver(dh_world *w);
/* After dh_world_stop_fakemx(): NULL when the fake MX ended as asked
 * (SIGTERM), else how it ended on its own (new string): a death that
 * dh_world_alive() was too early to see. */
char *dh_world_fakemx_fate(dh_world *w);
/* NULL while every daemon still runs, else why not (new string). */
char *dh_world_alive(dh_world *w);
void dh_world_free(dh_world *w);

/* Transfer every zone from NSD (AXFR) and compare it, record by record,
 * with what the harness built; a scenario zone NSD does not serve as
 * built sets that scenario's error, quoting what NSD logged about the
 * scenario's line. */
void dh_world_check_served(dh_world *w);
/* The same for one zone: NULL, or what is wrong (new string). */
char *dh_world_check_zone(const dh_world *w, const dh_world_zone *z);

/* Rebuild scenario ws's zones as served at attempt k (same keys, SOA
 * serial k), sign them, break them where its faults say, and write the
 * zone files NSD serves: the number written, for dh_world_reload().  A
 * zone that cannot be built: 0, and why (new string) in *why. */
size_t dh_world_rebuild(dh_world *w, dh_world_scn *ws, int k, char **why);

/* Put scenario ws's world in the state of its attempt k (steps.c): its
 * zones rebuilt, reloaded by NSD and seen served as built; its hosts
 * that switch persona reloaded by the fake MX.  NULL, or what went
 * wrong (a new string: the scenario's fault).  The caller then waits
 * past the TTLs (dh_scenario_wait_before()) and self-checks the attempt
 * (dh_world_selfcheck_one()). */
char *dh_world_step(dh_world *w, dh_world_scn *ws, int k);

/* Check each scenario's declared DNS states with libunbound, through the
 * resolver; mismatches set the scenario's error. */
void dh_world_selfcheck(dh_world *w);
/* The checks of scenario ws's attempt k (check ... attempt=k), once the
 * world is in that attempt's state: NULL, or the mismatch (new string). */
char *dh_world_selfcheck_one(dh_world *w, dh_world_scn *ws, int k);
/* The checks of the attempt each scenario's world is in (its last one,
 * unless it stopped or was not run), after the sends: a mismatch for
 * scenario i becomes a new string in faults[i] (left alone when already
 * set). */
void dh_world_selfcheck_after(dh_world *w, char **faults);

#endif
