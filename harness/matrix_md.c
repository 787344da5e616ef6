/*
 * matrix_md.c - the matrix as Markdown (matrix.h): a summary table (one
 * row per client), the matrix (a row per scenario, grouped by family),
 * then every cell that is not a PASS with its reason.
 */
#include "matrix.h"

#include <string.h>

/* md - text for a table cell: '|' escaped, newlines as spaces */
static void md(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

/* col_head - "version (extra words)" */
static void col_head(FILE *f, const dh_rin *r)
{
    md(f, dh_matrix_col_name(r));
    if (dh_matrix_col_variant(r)[0]) {
        fputs(" `", f);
        md(f, dh_matrix_col_variant(r));
        fputc('`', f);
    }
}

/* summary - one row per client */
static void summary(FILE *f, const dh_matrix *m)
{
    size_t c;

    fputs("| client | PASS | FAIL | security* | interop* | advisory* | XFAIL | "
          "XPASS | ERROR | HANG | CRASH | SKIP |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|\n",
          f);
    for (c = 0; c < m->ncols; c++) {
        const dh_matrix_sum *s = &m->sums[c];

        fputs("| ", f);
        col_head(f, m->cols[c]);
        fprintf(f,
                " | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %zu | "
                "%zu | %zu |\n",
                s->pass, s->fail, s->security, s->interop, s->advisory,
                s->xfail, s->xpass, s->error, s->hang, s->crash, s->skip);
    }
    fputs("\n\\* FAIL and XFAIL by severity (an XFAIL's is that of the FAIL it "
          "foresaw; for a foreseen HANG or CRASH, and in older reports, its "
          "scenario's).\n",
          f);
}

/* cell - a verdict, a failure in bold */
static void cell(FILE *f, const dh_rin_result *r)
{
    if (r == NULL) {
        fputs(" - |", f);
        return;
    }
    if (dh_rin_badness(r->verdict) >= 2)
        fprintf(f, " **%s**%s%s |", r->verdict,
                dh_matrix_cell_severity(r) ? "/" : "",
                dh_matrix_cell_severity(r) ? dh_matrix_cell_severity(r) : "");
    else
        fprintf(f, " %s |", r->verdict);
}

/* table - the matrix, a bold family row before each family */
static void table(FILE *f, const dh_matrix *m)
{
    const char *fam = NULL;
    size_t i, c;

    fputs("| scenario | RFC | severity |", f);
    for (c = 0; c < m->ncols; c++) {
        fputc(' ', f);
        col_head(f, m->cols[c]);
        fputs(" |", f);
    }
    fputs("\n|---|---|---|", f);
    for (c = 0; c < m->ncols; c++)
        fputs("---|", f);
    fputc('\n', f);
    for (i = 0; i < m->nrows; i++) {
        const dh_matrix_row *row = &m->rows[i];

        if (fam == NULL || strcmp(fam, row->family) != 0)
            fprintf(f, "| **%s** | | |%*s\n", row->family, (int)(m->ncols * 2),
                    "");
        fam = row->family;
        fprintf(f, "| `%s` | ", row->scenario);
        md(f, row->rfc);
        fprintf(f, " | %s |", row->severity);
        for (c = 0; c < m->ncols; c++)
            cell(f, row->cells[c]);
        fputc('\n', f);
    }
}

/* reasons - every non-PASS cell with its reason */
static void reasons(FILE *f, const dh_matrix *m)
{
    size_t i, c;

    fputs("\n## Why: every result that is not a PASS\n\n", f);
    for (i = 0; i < m->nrows; i++)
        for (c = 0; c < m->ncols; c++) {
            const dh_rin_result *r = m->rows[i].cells[c];

            if (r == NULL || strcmp(r->verdict, "PASS") == 0)
                continue;
            fprintf(f, "- `%s`, ", r->scenario);
            col_head(f, m->cols[c]);
            fprintf(f, ": %s%s%s: ", r->verdict,
                    dh_matrix_cell_severity(r) ? "/" : "",
                    dh_matrix_cell_severity(r) ? dh_matrix_cell_severity(r)
                                               : "");
            md(f, r->reason);
            fputc('\n', f);
        }
}

/* dh_matrix_markdown - see matrix.h */
int dh_matrix_markdown(FILE *f, const dh_matrix *m)
{
    fputs("# RFC 7672 conformance matrix (dane-harness)\n\n", f);
    summary(f, m);
    fputc('\n', f);
    table(f, m);
    reasons(f, m);
    return ferror(f) ? -1 : 0;
}
