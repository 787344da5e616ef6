/*
 * verdict.h - observations in, verdict out.
 *
 * dh_judge() is a pure function of the scenario's expectations, the
 * observations of its attempt (observe.h) and the adapter's own account:
 * it is what the unit tests exercise.  A verdict's reason is owned by it;
 * free with dh_verdict_free().
 */
#ifndef DH_VERDICT_H
#define DH_VERDICT_H

#include <stddef.h>

#include "observe.h"
#include "scenario.h"

typedef enum {
    DH_V_PASS,
    DH_V_FAIL,
    DH_V_ERROR,
    DH_V_HANG,
    DH_V_CRASH,
    DH_V_SKIP,
    DH_V_XFAIL, /* a FAIL, HANG or CRASH the expectations file foresaw */
    DH_V_XPASS, /* a PASS where the expectations file foresaw a failure */
    DH_V_KINDS
} dh_verdict_kind;

typedef enum {
    DH_OUT_NONE, /* no outcome line */
    DH_OUT_DELIVERED,
    DH_OUT_DEFERRED,
    DH_OUT_BOUNCED,
    DH_OUT_KINDS
} dh_outcome;

/* What the adapter's send call did. */
typedef struct {
    int ran;
    int hang;        /* killed after its timeout */
    int signal;      /* killed by this signal (crash), else 0 */
    int exit_status; /* when it exited */
    dh_outcome outcome;
    char *outcome_line; /* first line of stdout */
    double seconds;
    double t_start, t_end; /* wall clock */
} dh_attempt;

typedef struct {
    dh_verdict_kind kind;
    dh_severity severity; /* for FAIL */
    char *reason;
} dh_verdict;

/* The attempts of the messages of one scenario: message m's attempt k
 * is DH_ATT(x, k, m); ran == 0 where it had none (not yet submitted,
 * already delivered or bounced, or the scenario stopped). */
typedef struct {
    dh_attempt *a;
    size_t nmsg;
    int natt;
} dh_attempts;
#define DH_ATT(x, k, m) (&(x)->a[((size_t)(k)-1) * (x)->nmsg + (m)])

/* What the judge needs besides the observations. */
typedef struct {
    const dh_scenario *sc;
    const char *fixture_error; /* set: ERROR with this reason */
    const char *skip_reason;   /* set: SKIP with this reason */
} dh_judge_in;

dh_verdict dh_judge(const dh_judge_in *in, const dh_obs *o,
                    const dh_attempt *a);
/* A scenario across time and messages (verdict_steps.c): each step
 * (message m at attempt k) judged by dh_judge() on the connections of
 * that attempt and the messages they carried, tokens[m] being message
 * m's X-DH-Token; the first failing step (a security FAIL first) is the
 * verdict, named "attempt K, message M: ...". */
dh_verdict dh_judge_steps(const dh_judge_in *in, const dh_obs *o,
                          const dh_attempts *x, const char *const *tokens);
/* Did a connection that began at t (wall clock) begin during attempt a
 * (with a small slack for the two clocks' reading order)?  The judge of
 * steps and the reports share this one window. */
int dh_attempt_holds(const dh_attempt *a, double t);
/* The resolver-log and connection expectations of a scenario: a FAIL,
 * or kind PASS when all hold. */
dh_verdict dh_judge_qexpects(const dh_scenario *sc, const dh_obs *o);
void dh_verdict_free(dh_verdict *v);

/* A client's known failures: "SCENARIO xfail REASON..." lines. */
typedef struct {
    char *scenario;
    char *reason;
    int line;
    int used;
} dh_xfail;

/* Parse an expectations file; 0, or -1 with "FILE:LINE: reason" in err
 * (known_ids, NULL-terminated, are the scenario ids that exist; NULL:
 * not checked). */
int dh_xfail_load(const char *path, const char *const *known_ids,
                  dh_xfail **out, size_t *n, char *err, size_t errlen);
void dh_xfail_free(dh_xfail *v, size_t n);
/* Apply an expectation to a verdict, if one names the scenario. */
void dh_xfail_apply(const dh_xfail *v, size_t n, const char *scenario,
                    dh_verdict *verdict);

const char *dh_verdict_name(dh_verdict_kind k);
dh_outcome dh_outcome_parse(const char *line);
const char *dh_outcome_name(dh_outcome o);

#endif
