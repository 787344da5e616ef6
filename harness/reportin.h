/*
 * reportin.h - a JSON report of `dane-harness run --json` read back
 * (docs/report-json.md), for the commands that compare runs: diff
 * (diff.c) and matrix (matrix.c).
 *
 * OWNERSHIP: dh_rin_load() returns a new dh_rin; free it with
 * dh_rin_free().  Every string in it (and every json_t) is borrowed from
 * the parsed document it holds (root) and lives as long as the dh_rin.
 */
#ifndef DH_REPORTIN_H
#define DH_REPORTIN_H

#include <jansson.h>
#include <stddef.h>

/* One entry of results[]: the fields the comparisons use. */
typedef struct {
    const char *scenario;
    const char *verdict;        /* PASS, FAIL, ... (checked) */
    const char *severity;       /* for a FAIL, else NULL */
    const char *reason;         /* "" when absent */
    const char *title;          /* "" when absent */
    const char *rfc;            /* "" when absent */
    const char *scn_severity;   /* the scenario's severity, from its file */
    const char *xfail_severity; /* an XFAIL's: the foreseen FAIL's
                                 * severity (xfail.severity), else NULL */
    json_t *evidence;           /* the object, or NULL */
} dh_rin_result;

typedef struct {
    char *path;
    json_t *root;
    const char *client_spec;    /* client.spec, "" when absent */
    const char *client_version; /* client.version, "" when absent */
    const char *started;        /* "" when absent */
    dh_rin_result *v;           /* in the file's order */
    size_t n;
} dh_rin;

/**
 * Read a JSON report.
 * @param path the file
 * @param err on failure: "PATH: what is wrong" (never NULL on failure)
 * @return a new report (free with dh_rin_free), or NULL
 */
dh_rin *dh_rin_load(const char *path, char *err, size_t errlen);
void dh_rin_free(dh_rin *r);

/**
 * The result for a scenario id, or NULL (linear search).
 */
const dh_rin_result *dh_rin_find(const dh_rin *r, const char *scenario);

/**
 * How bad a verdict is, for comparisons: 0 PASS or XPASS, 1 SKIP,
 * 2 XFAIL (a known failure), 3 FAIL, HANG, CRASH or ERROR; -1 unknown.
 */
int dh_rin_badness(const char *verdict);
/**
 * A FAIL's severity as a rank: 0 none, 1 advisory, 2 interop,
 * 3 security.
 */
int dh_rin_severity_rank(const char *severity);

#endif
