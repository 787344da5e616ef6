/*
 * report.h - the conformance report: console table, JSON, JUnit XML, TAP,
 * HTML.
 *
 * A dh_result ties one scenario to its verdict and evidence.  The report
 * functions only read (everything in a dh_report is borrowed); they
 * return 0, or -1 when a file cannot be written (with a warning).
 */
#ifndef DH_REPORT_H
#define DH_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "client.h"
#include "verdict.h"
#include "world.h"

typedef struct {
    const dh_world_scn *ws;
    dh_verdict verdict;
    dh_attempt attempt; /* its first message's first attempt; for a
                         * scenario across time, every attempt's span */
    dh_attempts atts;   /* every message's every attempt */
    dh_obs obs;
    dh_verdict_kind foreseen; /* an XFAIL's failure: FAIL, HANG or CRASH
                               * (its severity stays in verdict) */
} dh_result;

typedef struct {
    const dh_client *client;
    const dh_world *world;
    dh_result *results;
    size_t n;
    const dh_run_obs *run; /* NULL when the run never got to the sends */
    double started;
    double duration;
    const char *harness_error; /* set when the run itself failed */
} dh_report;

void dh_report_console(FILE *f, const dh_report *r, int color);
int dh_report_json(const char *path, const dh_report *r);
int dh_report_junit(const char *path, const dh_report *r);
int dh_report_tap(const char *path, const dh_report *r);
int dh_report_html(const char *path, const dh_report *r);
/* 0 no FAIL/HANG/CRASH and no ERROR; 1 any FAIL/HANG/CRASH; else 2. */
int dh_report_exit_status(const dh_report *r);
/* The same rule from the count of each verdict (record_verify.c). */
int dh_exit_status_of(const size_t counts[DH_V_KINDS], int harness_error);
/* The JSON summary: one count per verdict name (a new object). */
json_t *dh_report_summary_json(const size_t counts[DH_V_KINDS]);
/* One element of the JSON report's results[] (a new object; the record
 * digests its "evidence"). */
json_t *dh_report_result_json(const dh_result *res);

#endif
