/*
 * check_diff.c - unit tests for reading reports back (reportin.c), the
 * diff of two runs (diff.c) and the matrix model (matrix.c), over real
 * reports of `dane-harness run --json` kept in tests/data/reports/:
 *
 *   refclient.json  the reference client, 8 scenarios
 *   no-sni.json     the same 8 scenarios, refclient --mutant=no-sni
 *   mx-connect.json the same 8 scenarios, mx-connect 2.0.0
 *
 * (tests/data/reports/README says how they were made.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diff.h"
#include "matrix.h"
#include "reportin.h"
#include "testdata.h"

#define REPORTS DH_DATA_DIR "/tests/data/reports/"

/* load - a fixture report, or fail the test */
static dh_rin *load(const char *name)
{
    char err[1024], path[512];
    dh_rin *r;

    snprintf(path, sizeof(path), "%s%s", REPORTS, name);
    r = dh_rin_load(path, err, sizeof(err));
    ck_assert_msg(r != NULL, "%s", err);
    return r;
}

/* res - a hand-made result */
static dh_rin_result res(const char *verdict, const char *severity)
{
    dh_rin_result r;

    memset(&r, 0, sizeof(r));
    r.scenario = "s";
    r.verdict = verdict;
    r.severity = severity;
    r.reason = "";
    return r;
}

/* kind - classify a hand-made pair */
static dh_diff_kind kind(const char *bv, const char *bs, const char *nv,
                         const char *ns)
{
    dh_rin_result b = res(bv, bs), n = res(nv, ns);

    return dh_diff_classify(&b, &n);
}

START_TEST(classify_table)
{
    ck_assert_int_eq(kind("PASS", 0, "FAIL", "interop"), DH_DIFF_REGRESSION);
    ck_assert_int_eq(kind("XFAIL", 0, "FAIL", "advisory"), DH_DIFF_REGRESSION);
    ck_assert_int_eq(kind("PASS", 0, "CRASH", 0), DH_DIFF_REGRESSION);
    ck_assert_int_eq(kind("PASS", 0, "HANG", 0), DH_DIFF_REGRESSION);
    ck_assert_int_eq(kind("PASS", 0, "ERROR", 0), DH_DIFF_REGRESSION);
    ck_assert_int_eq(kind("SKIP", 0, "FAIL", "security"), DH_DIFF_REGRESSION);
    ck_assert_int_eq(kind("PASS", 0, "XFAIL", 0), DH_DIFF_REGRESSION);
    ck_assert_int_eq(kind("FAIL", "interop", "FAIL", "security"),
                     DH_DIFF_REGRESSION);
    ck_assert_int_eq(kind("FAIL", "security", "FAIL", "advisory"), DH_DIFF_FIX);
    ck_assert_int_eq(kind("FAIL", "security", "PASS", 0), DH_DIFF_FIX);
    ck_assert_int_eq(kind("XFAIL", 0, "XPASS", 0), DH_DIFF_FIX);
    ck_assert_int_eq(kind("CRASH", 0, "PASS", 0), DH_DIFF_FIX);
    ck_assert_int_eq(kind("FAIL", "security", "CRASH", 0), DH_DIFF_CHANGE);
    ck_assert_int_eq(kind("FAIL", "security", "XFAIL", 0), DH_DIFF_CHANGE);
    ck_assert_int_eq(kind("PASS", 0, "SKIP", 0), DH_DIFF_CHANGE);
    ck_assert_int_eq(kind("PASS", 0, "XPASS", 0), DH_DIFF_CHANGE);
    ck_assert_int_eq(kind("PASS", 0, "PASS", 0), DH_DIFF_SAME);
    ck_assert_int_eq(kind("FAIL", "interop", "FAIL", "interop"), DH_DIFF_SAME);
}
END_TEST

START_TEST(classify_new_removed)
{
    dh_rin_result r = res("PASS", NULL);

    ck_assert_int_eq(dh_diff_classify(NULL, &r), DH_DIFF_NEW);
    ck_assert_int_eq(dh_diff_classify(&r, NULL), DH_DIFF_REMOVED);
}
END_TEST

/* The mutant's FAILs, and only those, are the regressions. */
START_TEST(mutant_fails_are_the_regressions)
{
    dh_rin *base = load("refclient.json"), *now = load("no-sni.json");
    size_t n, i, nfail = 0, nreg = 0;
    dh_diff_item *v = dh_diff_compute(base, now, &n);

    for (i = 0; i < now->n; i++)
        if (strcmp(now->v[i].verdict, "FAIL") == 0) {
            nfail++;
            ck_assert_int_eq(
                dh_diff_classify(dh_rin_find(base, now->v[i].scenario),
                                 &now->v[i]),
                DH_DIFF_REGRESSION);
        }
    for (i = 0; i < n; i++) {
        if (v[i].kind != DH_DIFF_REGRESSION)
            continue;
        ck_assert_int_eq(i, nreg); /* regressions come first */
        nreg++;
        ck_assert_str_eq(v[i].now->verdict, "FAIL");
    }
    ck_assert_uint_gt(nfail, 0);
    ck_assert_uint_eq(nreg, nfail);
    /* the mutant sends no SNI: these need it */
    ck_assert_ptr_nonnull(dh_rin_find(now, "sni-required"));
    ck_assert_str_eq(dh_rin_find(now, "sni-required")->verdict, "FAIL");
    ck_assert_str_eq(dh_rin_find(now, "dane-ee-honest")->verdict, "FAIL");
    ck_assert_str_eq(dh_rin_find(now, "tlsa-wrong-key")->verdict, "PASS");
    free(v);
    /* and the other way round, they are all fixes */
    v = dh_diff_compute(now, base, &n);
    ck_assert_uint_eq(n, nfail);
    for (i = 0; i < n; i++)
        ck_assert_int_eq(v[i].kind, DH_DIFF_FIX);
    free(v);
    dh_rin_free(base);
    dh_rin_free(now);
}
END_TEST

START_TEST(same_report_no_change)
{
    dh_rin *a = load("mx-connect.json"), *b = load("mx-connect.json");
    size_t n = 99;
    dh_diff_item *v = dh_diff_compute(a, b, &n);

    ck_assert_uint_eq(n, 0);
    ck_assert_ptr_null(v);
    dh_rin_free(a);
    dh_rin_free(b);
}
END_TEST

/* write_tmp - a temporary file with text; its path (static) */
static const char *write_tmp(const char *text)
{
    static char path[64];
    int fd;

    strcpy(path, "/tmp/check_diff.XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

START_TEST(load_errors_name_the_file)
{
    char err[1024];
    const char *p;

    ck_assert_ptr_null(dh_rin_load("/nonexistent/r.json", err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/r.json"));
    p = write_tmp("{\"harness\": \"dane-harness\"}");
    ck_assert_ptr_null(dh_rin_load(p, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, p));
    ck_assert_ptr_nonnull(strstr(err, "no results array"));
    unlink(p);
    p = write_tmp(
        "{\"results\": [{\"scenario\": \"a\", \"verdict\": \"OK\"}]}");
    ck_assert_ptr_null(dh_rin_load(p, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "unknown verdict 'OK'"));
    unlink(p);
    p = write_tmp("{\"results\": [\n");
    ck_assert_ptr_null(dh_rin_load(p, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "not JSON"));
    unlink(p);
}
END_TEST

/* sum_of - a verdict's count in the report's own summary */
static size_t sum_of(const dh_rin *r, const char *verdict)
{
    return (size_t)json_integer_value(
        json_object_get(json_object_get(r->root, "summary"), verdict));
}

START_TEST(matrix_rows_and_sums)
{
    dh_rin *cols[3] = {load("refclient.json"), load("no-sni.json"),
                       load("mx-connect.json")};
    dh_matrix *m = dh_matrix_build(cols, 3);
    size_t i, c;

    ck_assert_uint_eq(m->nrows, cols[0]->n);
    for (c = 0; c < 3; c++) {
        ck_assert_uint_eq(m->sums[c].pass, sum_of(cols[c], "PASS"));
        ck_assert_uint_eq(m->sums[c].fail, sum_of(cols[c], "FAIL"));
        ck_assert_uint_eq(m->sums[c].security + m->sums[c].interop +
                              m->sums[c].advisory,
                          m->sums[c].fail + m->sums[c].xfail);
    }
    for (i = 0; i < m->nrows; i++) {
        const dh_matrix_row *w = &m->rows[i];
        int same = strcmp(w->cells[0]->verdict, w->cells[1]->verdict) == 0 &&
                   strcmp(w->cells[0]->verdict, w->cells[2]->verdict) == 0;

        ck_assert_int_eq(w->differs, !same);
        if (i > 0 && strcmp(m->rows[i - 1].family, w->family) == 0)
            ck_assert_int_lt(strcmp(m->rows[i - 1].scenario, w->scenario), 0);
        ck_assert_str_ne(w->severity, "");
    }
    ck_assert_str_eq(dh_matrix_family("dane-ta-wildcard"), "dane-ta");
    ck_assert_str_eq(dh_matrix_family("mx-cname-secure"), "mx-cname");
    ck_assert_str_eq(dh_matrix_family("mx-dname"), "mx");
    ck_assert_str_eq(dh_matrix_family("tls12-only"), "tls");
    ck_assert_str_eq(dh_matrix_family("tlsa-wildcard"), "tlsa");
    ck_assert_str_eq(dh_matrix_col_variant(cols[1]), "--mutant=no-sni");
    dh_matrix_free(m);
    for (c = 0; c < 3; c++)
        dh_rin_free(cols[c]);
}
END_TEST

/* An XFAIL counts by the severity of the FAIL it foresaw (xfail.severity),
 * not its scenario's; a report without it falls back to the scenario's. */
START_TEST(matrix_xfail_severity)
{
    char path[] = "/tmp/dh-check-xfail.XXXXXX", err[1024];
    const char *text =
        "{\"client\": {\"spec\": \"x\", \"version\": \"x 1\"}, "
        "\"results\": ["
        "{\"scenario\": \"a\", \"verdict\": \"XFAIL\", "
        "\"scenario_severity\": \"interop\", \"xfail\": {\"verdict\": "
        "\"FAIL\", \"severity\": \"advisory\"}},"
        "{\"scenario\": \"b\", \"verdict\": \"XFAIL\", "
        "\"scenario_severity\": \"security\"},"
        "{\"scenario\": \"c\", \"verdict\": \"XFAIL\", "
        "\"scenario_severity\": \"security\", \"xfail\": {\"verdict\": "
        "\"CRASH\", \"severity\": null}}]}";
    int fd = mkstemp(path);
    dh_rin *r;
    dh_matrix *m;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    r = dh_rin_load(path, err, sizeof(err));
    unlink(path);
    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_str_eq(dh_matrix_cell_severity(&r->v[0]), "advisory");
    ck_assert_ptr_null(dh_matrix_cell_severity(&r->v[1]));
    ck_assert_ptr_null(dh_matrix_cell_severity(&r->v[2]));
    m = dh_matrix_build(&r, 1);
    ck_assert_uint_eq(m->sums[0].xfail, 3);
    ck_assert_uint_eq(m->sums[0].advisory, 1);
    ck_assert_uint_eq(m->sums[0].interop, 0);
    ck_assert_uint_eq(m->sums[0].security, 2);
    dh_matrix_free(m);
    dh_rin_free(r);
}
END_TEST

static Suite *diff_suite(void)
{
    Suite *s = suite_create("diff");
    TCase *t = tcase_create("classify");

    tcase_add_test(t, classify_table);
    tcase_add_test(t, classify_new_removed);
    suite_add_tcase(s, t);
    t = tcase_create("reports");
    tcase_add_test(t, mutant_fails_are_the_regressions);
    tcase_add_test(t, same_report_no_change);
    tcase_add_test(t, load_errors_name_the_file);
    tcase_add_test(t, matrix_rows_and_sums);
    tcase_add_test(t, matrix_xfail_severity);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return dh_check_main(diff_suite());
}
