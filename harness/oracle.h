/*
 * oracle.h - was the world what each scenario declares, for the whole of
 * its attempt?  The run-time fixture oracle.
 *
 * A verdict is a claim about the client, so it may only be made when the
 * fixture did nothing the scenario did not ask for.  After the sends,
 * dh_oracle_judge() looks for anything that did, and gives that scenario
 * a fault (its verdict is then ERROR with the fixture's own reason,
 * whatever the client did):
 *   - the fake MX could not record some of the scenario's events;
 *   - an incident (the fake MX's event loop stalled, it could not accept
 *     a connection) overlapped the attempt;
 *   - the resolver's answer to one of the client's questions differs
 *     from what the world answers (a SERVFAIL, another rcode), came too
 *     late (DH_DNS_SLOW), or never came; what the world answers is
 *     learnt from an independent validating resolver of the harness's
 *     own that recurses from NSD (not through the sandbox resolver).
 *     Names under a zone the scenario delegates to a lame server are
 *     expected to fail, and may be slow.
 * dh_world_selfcheck_after() checks the scenario's declared DNS states
 * again, through the sandbox resolver, after the sends.
 *
 * Faults are new strings in cases[i].fault (the first one found).
 */
#ifndef DH_ORACLE_H
#define DH_ORACLE_H

#include "observe.h"
#include "resolve.h"
#include "verdict.h"
#include "world.h"

/* An answer that took the resolver longer than this (seconds) is a
 * stalled fixture: clients time out their lookups after a few seconds. */
#define DH_DNS_SLOW 2.0

/* What the world answered before it changed between two attempts of a
 * scenario (format version 3): the names the scenario's zones, hosts and
 * recipient domains hold, each with MX, A, AAAA, TLSA and CNAME, looked
 * up just before the change.  A question the client asked before then
 * is judged against this, not against the world after the sends. */
typedef struct {
    double until; /* when the world changed */
    char **names, **types;
    dh_lookup *answers;
    size_t n;
} dh_oracle_snap;

typedef struct {
    dh_oracle_snap *v; /* in the order of the attempts */
    size_t n;
} dh_oracle_snaps;

typedef struct {
    dh_world_scn *ws;
    const dh_obs *obs;
    const dh_attempt *att;
    const dh_oracle_snaps *snaps; /* NULL: the world never changed */
    char *fault; /* out: why the attempt cannot be judged, or NULL */
} dh_oracle_case;

/* Record what the world answers scenario ws now, before it changes
 * (oracle_snap.c). */
void dh_oracle_snapshot(const dh_world *w, const dh_world_scn *ws,
                        dh_oracle_snaps *snaps);
void dh_oracle_snaps_free(dh_oracle_snaps *snaps);
/* The answer a snapshot holds for a question asked at `asked', or NULL:
 * the world after the sends is the one to ask. */
const dh_lookup *dh_oracle_snap_answer(const dh_oracle_snaps *snaps,
                                       const dh_query_obs *q);

/* Judge the fixture of every case (NSD must still run). */
void dh_oracle_judge(const dh_world *w, const dh_run_obs *run,
                     dh_oracle_case *cases, size_t n);

/* The pieces, for the unit tests: lost events and incidents that overlap
 * the attempt; one of the client's questions against what the world
 * answers (world NULL: not looked up, the name is in a lame zone). */
void dh_oracle_judge_incidents(const dh_run_obs *run, dh_oracle_case *c);
void dh_oracle_judge_query(dh_oracle_case *c, const dh_query_obs *q,
                           const dh_lookup *world);

#endif
