/*
 * matrix.h - several clients' reports side by side: the model behind
 * `dane-harness matrix REPORT.json...` (matrix.c) and its two renderings,
 * HTML (matrix_html.c) and Markdown (matrix_md.c).
 *
 * Rows are the scenarios of all reports, grouped by family (the id's
 * prefix: dane-ee, dane-ta, tlsa, mx-cname, ...) and sorted by id within
 * a family; columns are the reports, in the order given.
 *
 * OWNERSHIP: dh_matrix_build() returns a new matrix (dh_matrix_free());
 * it borrows the reports (which must outlive it) and every string in
 * them.
 */
#ifndef DH_MATRIX_H
#define DH_MATRIX_H

#include <stdio.h>

#include "reportin.h"

typedef struct {
    const char *scenario;
    const char *family;   /* static string */
    const char *title;    /* from the first report that has the scenario */
    const char *rfc;      /* likewise */
    const char *severity; /* the scenario's severity, likewise */
    const dh_rin_result **cells; /* one per column; NULL: not in that run */
    int differs;                 /* verdicts (or severities) not all equal */
    int fails; /* some column is XFAIL, XPASS, FAIL, HANG, CRASH or ERROR */
} dh_matrix_row;

/* Counts of one column: per verdict, and the FAILs and XFAILs per
 * severity (dh_matrix_severity()). */
/* A cell's severity: a FAIL's; an XFAIL's foreseen FAIL's; else NULL
 * (a foreseen HANG or CRASH, a report older than xfail.severity: the
 * summary then counts the scenario's severity). */
const char *dh_matrix_cell_severity(const dh_rin_result *r);

typedef struct {
    size_t pass, fail, error, hang, crash, skip, xfail, xpass;
    size_t security, interop, advisory;
} dh_matrix_sum;

typedef struct {
    dh_rin **cols;
    size_t ncols;
    dh_matrix_row *rows;
    size_t nrows;
    dh_matrix_sum *sums; /* one per column */
} dh_matrix;

/** Build the matrix of reports cols[0..ncols-1] (borrowed). */
dh_matrix *dh_matrix_build(dh_rin **cols, size_t ncols);
void dh_matrix_free(dh_matrix *m);

/** The family of a scenario id: a static string. */
const char *dh_matrix_family(const char *scenario);
/** A column's heading: the client's version line, else its spec. */
const char *dh_matrix_col_name(const dh_rin *r);
/** The extra words of a column's client spec ("" when none). */
const char *dh_matrix_col_variant(const dh_rin *r);

/** Render as a self-contained HTML page; 0, or -1 (errno). */
int dh_matrix_html(FILE *f, const dh_matrix *m);
/** Render as Markdown: summary, table, then every non-PASS reason. */
int dh_matrix_markdown(FILE *f, const dh_matrix *m);

#endif
