/*
 * matrix.c - dane-harness matrix [--html FILE] [--md FILE] REPORT.json...
 * : the reports of several clients side by side (matrix.h,
 * commands.h).  Without --html or --md the Markdown goes to stdout.
 * Exit status: 0, or 2 on a usage mistake or an unreadable report.
 */
#include "matrix.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "util.h"

/* Families by id prefix, the longest first where one is a prefix of
 * another; an id matching none is its own first word's family. */
static const char *const families[] = {
    "dane-ee",  "dane-ta",  "host-zone", "host",   "mx-cname", "mx",   "tlsa",
    "starttls", "tls1",     "handshake", "ipv6",   "tempfail", "addr", "dual",
    "evil",     "insecure", "no-mx",     "reject", "slow",     "sni",  NULL};

/* dh_matrix_cell_severity - see matrix.h */
const char *dh_matrix_cell_severity(const dh_rin_result *r)
{
    return r->severity ? r->severity : r->xfail_severity;
}

/* dh_matrix_family - see matrix.h */
const char *dh_matrix_family(const char *id)
{
    size_t i, n;

    for (i = 0; families[i]; i++) {
        n = strlen(families[i]);
        if (strncmp(id, families[i], n) == 0 &&
            (id[n] == '-' || id[n] == 0 || families[i][n - 1] == '1'))
            return strcmp(families[i], "tls1") == 0 ? "tls" : families[i];
    }
    return "other";
}

/* family_index - a family's place in the table (for sorting) */
static size_t family_index(const char *fam)
{
    size_t i;

    for (i = 0; families[i]; i++)
        if (strcmp(families[i], fam) == 0 ||
            (strcmp(fam, "tls") == 0 && strcmp(families[i], "tls1") == 0))
            return i;
    return i;
}

/* cmp_rows - qsort order: family, then id */
static int cmp_rows(const void *a, const void *b)
{
    const dh_matrix_row *x = a, *y = b;
    size_t fx = family_index(x->family), fy = family_index(y->family);

    if (fx != fy)
        return fx < fy ? -1 : 1;
    return strcmp(x->scenario, y->scenario);
}

/* dh_matrix_col_name - see matrix.h */
const char *dh_matrix_col_name(const dh_rin *r)
{
    if (r->client_version[0])
        return r->client_version;
    return r->client_spec[0] ? r->client_spec : r->path;
}

/* dh_matrix_col_variant - see matrix.h */
const char *dh_matrix_col_variant(const dh_rin *r)
{
    const char *sp = strchr(r->client_spec, ' ');

    while (sp && *sp == ' ')
        sp++;
    return sp ? sp : "";
}

/* same_cell - two results alike for "only differences" */
static int same_cell(const dh_rin_result *a, const dh_rin_result *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (strcmp(a->verdict, b->verdict) != 0)
        return 0;
    if (a->severity == NULL || b->severity == NULL)
        return a->severity == b->severity;
    return strcmp(a->severity, b->severity) == 0;
}

/* row_flags - a row's differs and fails */
static void row_flags(dh_matrix_row *row, size_t ncols)
{
    size_t c;

    for (c = 0; c < ncols; c++) {
        const dh_rin_result *x = row->cells[c];

        if (!same_cell(x, row->cells[0]))
            row->differs = 1;
        if (x && (dh_rin_badness(x->verdict) >= 2 ||
                  strcmp(x->verdict, "XPASS") == 0))
            row->fails = 1;
    }
}

/* add_row - the row of scenario id, unless it is there already */
static void add_row(dh_matrix *m, const dh_rin_result *r)
{
    dh_matrix_row *row;
    size_t i;

    for (i = 0; i < m->nrows; i++)
        if (strcmp(m->rows[i].scenario, r->scenario) == 0)
            return;
    m->rows = dh_realloc(m->rows, (m->nrows + 1) * sizeof(*m->rows));
    row = &m->rows[m->nrows++];
    memset(row, 0, sizeof(*row));
    row->scenario = r->scenario;
    row->family = dh_matrix_family(r->scenario);
    row->title = r->title;
    row->rfc = r->rfc;
    row->severity = r->scn_severity;
    row->cells = dh_calloc(m->ncols, sizeof(*row->cells));
}

/* count - one result into a column's sums */
static void count(dh_matrix_sum *s, const dh_rin_result *r)
{
    static const char *const names[] = {"PASS",  "FAIL", "ERROR", "HANG",
                                        "CRASH", "SKIP", "XFAIL", "XPASS"};
    size_t *slots[] = {&s->pass,  &s->fail, &s->error, &s->hang,
                       &s->crash, &s->skip, &s->xfail, &s->xpass};
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i], r->verdict) == 0)
            (*slots[i])++;
    if (strcmp(r->verdict, "FAIL") == 0 || strcmp(r->verdict, "XFAIL") == 0) {
        const char *sev = dh_matrix_cell_severity(r);
        /* an XFAIL of a report without xfail.severity: its scenario's */
        int k = dh_rin_severity_rank(sev ? sev : r->scn_severity);

        if (k == 3)
            s->security++;
        else if (k == 2)
            s->interop++;
        else if (k == 1)
            s->advisory++;
    }
}

/* dh_matrix_build - see matrix.h */
dh_matrix *dh_matrix_build(dh_rin **cols, size_t ncols)
{
    dh_matrix *m = dh_calloc(1, sizeof(*m));
    size_t c, i;

    m->cols = cols;
    m->ncols = ncols;
    m->sums = dh_calloc(ncols ? ncols : 1, sizeof(*m->sums));
    for (c = 0; c < ncols; c++)
        for (i = 0; i < cols[c]->n; i++)
            add_row(m, &cols[c]->v[i]);
    if (m->nrows)
        qsort(m->rows, m->nrows, sizeof(*m->rows), cmp_rows);
    for (i = 0; i < m->nrows; i++) {
        for (c = 0; c < ncols; c++) {
            m->rows[i].cells[c] = dh_rin_find(cols[c], m->rows[i].scenario);
            if (m->rows[i].cells[c])
                count(&m->sums[c], m->rows[i].cells[c]);
        }
        row_flags(&m->rows[i], ncols);
    }
    return m;
}

/* dh_matrix_free - see matrix.h */
void dh_matrix_free(dh_matrix *m)
{
    size_t i;

    if (m == NULL)
        return;
    for (i = 0; i < m->nrows; i++)
        free(m->rows[i].cells);
    free(m->rows);
    free(m->sums);
    free(m);
}

/* write_to - render into a file (or stdout for NULL); 0 or -1 */
static int write_to(const char *path, const dh_matrix *m,
                    int (*render)(FILE *, const dh_matrix *))
{
    FILE *f = path ? fopen(path, "w") : stdout;
    int rc;

    if (f == NULL) {
        fprintf(stderr, "dane-harness matrix: cannot write %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    rc = render(f, m);
    if (path && fclose(f) != 0)
        rc = -1;
    if (rc < 0)
        fprintf(stderr, "dane-harness matrix: writing %s failed\n",
                path ? path : "stdout");
    return rc;
}

/* dh_cmd_matrix - see commands.h */
int dh_cmd_matrix(const dh_options *o)
{
    dh_rin **cols = NULL;
    size_t n = 0, i;
    char err[1024];
    dh_matrix *m;
    int status = 0;

    for (i = 0; o->shell_argv && o->shell_argv[i]; i++) {
        cols = dh_realloc(cols, (n + 1) * sizeof(*cols));
        cols[n] = dh_rin_load(o->shell_argv[i], err, sizeof(err));
        if (cols[n] == NULL) {
            fprintf(stderr, "dane-harness matrix: %s\n", err);
            status = 2;
            break;
        }
        n++;
    }
    if (status == 0 && n == 0) {
        fprintf(stderr, "usage: dane-harness matrix [--html FILE] [--md FILE] "
                        "REPORT.json...\n");
        status = 2;
    }
    if (status == 0) {
        m = dh_matrix_build(cols, n);
        if ((o->html && write_to(o->html, m, dh_matrix_html) < 0) ||
            ((o->md || !o->html) && write_to(o->md, m, dh_matrix_markdown) < 0))
            status = 2;
        dh_matrix_free(m);
    }
    for (i = 0; i < n; i++)
        dh_rin_free(cols[i]);
    free(cols);
    return status;
}
