/*
 * diff.h - what changed between two runs of one client: the comparison
 * behind `dane-harness diff BASE.json NEW.json` (diff.c).
 *
 * OWNERSHIP: dh_diff_compute() returns a new array (free() it); its items
 * borrow the scenario ids and results of the two reports, which must
 * outlive it.
 */
#ifndef DH_DIFF_H
#define DH_DIFF_H

#include <stddef.h>

#include "reportin.h"

typedef enum {
    DH_DIFF_REGRESSION, /* worse: now a failure, or a FAIL more severe */
    DH_DIFF_FIX,        /* better: a failure now passes, or less severe */
    DH_DIFF_CHANGE,     /* another verdict: FAIL -> CRASH, PASS -> SKIP */
    DH_DIFF_NEW,        /* only in the new run */
    DH_DIFF_REMOVED,    /* only in the base run */
    DH_DIFF_SAME,
    DH_DIFF_KINDS
} dh_diff_kind;

typedef struct {
    dh_diff_kind kind;
    const char *scenario;
    const dh_rin_result *base; /* NULL for NEW */
    const dh_rin_result *now;  /* NULL for REMOVED */
} dh_diff_item;

/**
 * How one scenario's result changed.  A regression: PASS, XPASS, SKIP
 * or XFAIL became FAIL, HANG, CRASH or ERROR; PASS or XPASS became
 * XFAIL; a FAIL became more severe.  A fix: the reverse to PASS or
 * XPASS, or a FAIL less severe.
 * @param base the base run's result, or NULL
 * @param now the new run's result, or NULL
 */
dh_diff_kind dh_diff_classify(const dh_rin_result *base,
                              const dh_rin_result *now);

/**
 * Every scenario whose result differs, regressions first, then fixes,
 * other changes, new and removed scenarios; within a kind in the new
 * run's order (removed ones: in the base run's).
 * @param n the number of items
 * @return a new array (free()), NULL when n is 0
 */
dh_diff_item *dh_diff_compute(const dh_rin *base, const dh_rin *now, size_t *n);

/** The kind's heading word: "regression", "fix", ... */
const char *dh_diff_kind_name(dh_diff_kind k);

#endif
