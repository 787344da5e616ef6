/*
 * merge.c - dane-harness merge REPORT.json... [--json FILE] [--junit
 * FILE]: the JSON reports of the shards of one catalog (run --shard
 * K/N) as one report (commands.h).
 *
 * The inputs must be reports of schema 1 of the same client (spec and
 * version) and hold each scenario once between them; otherwise nothing
 * is written and the status is 2.  The merged report has the schema of
 * docs/report-json.md: results in id order, the summary counted again,
 * started the earliest, duration the longest, and "merged_from" with
 * each input's file, started, duration, result count and fixture (a
 * field only merged reports have).  A harness_error of any input is
 * kept ("FILE: reason").  Exit status as run's: 0, 1 (some FAIL, HANG,
 * CRASH or XPASS), 2 (an ERROR, or a mistake).
 */
#include "commands.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"
#include "vocab_all.h"

typedef struct {
    json_t *client, *version, *results, *parts;
    char *started, *harness_error;
    double duration;
} merge_ctx;

/* merr - "dane-harness: reason" to stderr; -1 */
static int merr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int merr(const char *fmt, ...)
{
    va_list ap;

    fputs("dane-harness: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return -1;
}

/* str - a member's string, or "" */
static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* same_client - are both client objects the same spec and version? */
static int same_client(const json_t *a, const json_t *b)
{
    return strcmp(str(a, "spec"), str(b, "spec")) == 0 &&
           strcmp(str(a, "version"), str(b, "version")) == 0;
}

/* find_result - the merged result of a scenario, or NULL */
static json_t *find_result(const merge_ctx *m, const char *id)
{
    size_t i;
    json_t *r;

    json_array_foreach(m->results, i,
                       r) if (strcmp(str(r, "scenario"), id) == 0) return r;
    return NULL;
}

/* add_results - one input's results; 0, or -1 with a message */
static int add_results(merge_ctx *m, const char *file, json_t *arr)
{
    size_t i;
    json_t *r;

    json_array_foreach(arr, i, r)
    {
        const char *id = str(r, "scenario");

        if (!*id || dh_vocab_find(&dh_vocab_verdict, str(r, "verdict")) < 0) {
            return merr("%s: result %zu has no scenario "
                        "or an unknown verdict",
                        file, i);
        }
        if (find_result(m, id)) {
            return merr("scenario %s is in %s and in an "
                        "earlier report: shards overlap",
                        id, file);
        }
        json_array_append(m->results, r);
    }
    return 0;
}

/* add_part - one input report into m; 0, or -1 with a message */
static int add_part(merge_ctx *m, const char *file, json_t *root)
{
    json_t *arr = json_object_get(root, "results"), *part;
    const char *started = str(root, "started"), *herr;
    double d = json_number_value(json_object_get(root, "duration"));

    if (strcmp(str(root, "harness"), "dane-harness") != 0 ||
        json_integer_value(json_object_get(root, "report_schema")) != 1 ||
        !json_is_array(arr) || !json_is_object(json_object_get(root, "client")))
        return merr("%s is not a dane-harness JSON "
                    "report of schema 1",
                    file);
    if (m->client == NULL) {
        m->client = json_incref(json_object_get(root, "client"));
        m->version = json_incref(json_object_get(root, "version"));
    } else if (!same_client(m->client, json_object_get(root, "client"))) {
        return merr("%s is a report of another "
                    "client (spec and version differ)",
                    file);
    }
    if (add_results(m, file, arr) < 0)
        return -1;
    if (m->started == NULL || strcmp(started, m->started) < 0) {
        free(m->started);
        m->started = dh_strdup(started);
    }
    if (d > m->duration)
        m->duration = d;
    herr = json_string_value(json_object_get(root, "harness_error"));
    if (herr) {
        char *h =
            dh_asprintf("%s%s%s: %s", m->harness_error ? m->harness_error : "",
                        m->harness_error ? "; " : "", file, herr);
        free(m->harness_error);
        m->harness_error = h;
    }
    part =
        json_pack("{s:s, s:s, s:f, s:I}", "file", file, "started", started,
                  "duration", d, "results", (json_int_t)json_array_size(arr));
    if (json_object_get(root, "fixture"))
        json_object_set(part, "fixture", json_object_get(root, "fixture"));
    json_array_append_new(m->parts, part);
    return 0;
}

/* cmp_result - qsort order of results: by scenario id */
static int cmp_result(const void *a, const void *b)
{
    return strcmp(str(*(json_t *const *)a, "scenario"),
                  str(*(json_t *const *)b, "scenario"));
}

/* sorted - the results in id order (a new array) */
static json_t *sorted(const merge_ctx *m)
{
    size_t n = json_array_size(m->results), i;
    json_t **v = dh_calloc(n + 1, sizeof(*v)), *arr = json_array();

    for (i = 0; i < n; i++)
        v[i] = json_array_get(m->results, i);
    qsort(v, n, sizeof(*v), cmp_result);
    for (i = 0; i < n; i++)
        json_array_append(arr, v[i]);
    free(v);
    return arr;
}

/* merged_report - the merged report object (new); counts[] per verdict */
static json_t *merged_report(const merge_ctx *m, size_t *counts)
{
    json_t *root = json_object(), *r;
    json_t *results = sorted(m);
    size_t i;

    json_array_foreach(results, i, r)
        counts[dh_vocab_find(&dh_vocab_verdict, str(r, "verdict"))]++;
    json_object_set_new(root, "harness", json_string("dane-harness"));
    json_object_set(root, "version", m->version);
    json_object_set_new(root, "report_schema", json_integer(1));
    json_object_set_new(root, "started", json_string(m->started));
    json_object_set_new(root, "duration", json_real(m->duration));
    json_object_set(root, "client", m->client);
    json_object_set_new(root, "summary", dh_report_summary_json(counts));
    json_object_set_new(root, "results", results);
    json_object_set(root, "merged_from", m->parts);
    if (m->harness_error)
        json_object_set_new(root, "harness_error",
                            json_string(m->harness_error));
    return root;
}

/* xml - s, escaped for XML text and attributes */
static void xml(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
            fputc(*s, f);
    }
}

/* junit_tag - the JUnit element of a verdict, as run's report.c: NULL
 * for a PASS */
static const char *junit_tag(const char *v)
{
    if (strcmp(v, "PASS") == 0)
        return NULL;
    if (strcmp(v, "FAIL") == 0 || strcmp(v, "XPASS") == 0)
        return "failure";
    if (strcmp(v, "SKIP") == 0 || strcmp(v, "XFAIL") == 0)
        return "skipped";
    return "error";
}

/* junit_case - one result as a <testcase> */
static void junit_case(FILE *f, const char *cls, const json_t *r)
{
    const char *tag = junit_tag(str(r, "verdict"));
    const char *sev = str(r, "severity");
    double secs = json_number_value(
        json_object_get(json_object_get(r, "evidence"), "seconds"));

    fprintf(f, "    <testcase classname=\"dane-harness.");
    xml(f, cls);
    fprintf(f, "\" name=\"");
    xml(f, str(r, "scenario"));
    fprintf(f, "\" time=\"%.3f\">\n", secs);
    if (tag) {
        fprintf(f, "      <%s type=\"", tag);
        xml(f, strcmp(str(r, "verdict"), "FAIL") == 0 && *sev
                   ? sev
                   : str(r, "verdict"));
        fprintf(f, "\" message=\"");
        xml(f, str(r, "reason"));
        fprintf(f, "\">");
        xml(f, str(r, "title"));
        fprintf(f, " (");
        xml(f, str(r, "rfc"));
        fprintf(f, "; ");
        xml(f, str(r, "requirement"));
        fprintf(f, ")</%s>\n", tag);
    }
    fprintf(f, "    </testcase>\n");
}

/* write_junit - the merged report as JUnit XML; 0 or -1 */
static int write_junit(const char *path, const json_t *rep,
                       const size_t *counts)
{
    FILE *f = fopen(path, "w");
    const json_t *cl = json_object_get(rep, "client"), *r;
    const char *adapter = str(cl, "adapter"), *slash = strrchr(adapter, '/');
    size_t i, n = json_array_size(json_object_get(rep, "results"));

    if (f == NULL)
        return merr("cannot write %s", path);
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
               "  <testsuite name=\"dane-harness: ");
    xml(f, str(cl, "spec"));
    fprintf(f,
            "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "skipped=\"%zu\" time=\"%.3f\">\n",
            n, counts[DH_V_FAIL] + counts[DH_V_XPASS],
            n - counts[DH_V_PASS] - counts[DH_V_FAIL] - counts[DH_V_XPASS] -
                counts[DH_V_SKIP] - counts[DH_V_XFAIL],
            counts[DH_V_SKIP] + counts[DH_V_XFAIL],
            json_number_value(json_object_get(rep, "duration")));
    json_array_foreach(json_object_get(rep, "results"), i, r)
        junit_case(f, slash ? slash + 1 : adapter, r);
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    return fclose(f) == 0 ? 0 : merr("cannot write %s", path);
}

/* load_all - every input into m; 0 or -1 */
static int load_all(merge_ctx *m, char **files)
{
    size_t i;

    for (i = 0; files[i]; i++) {
        json_error_t je;
        json_t *root = json_load_file(files[i], 0, &je);
        int rc;

        if (root == NULL)
            return merr("%s:%d: %s", files[i], je.line, je.text);
        rc = add_part(m, files[i], root);
        json_decref(root);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* status - run's exit status for these counts */
static int status(const size_t *c, int harness_error)
{
    if (c[DH_V_FAIL] || c[DH_V_HANG] || c[DH_V_CRASH] || c[DH_V_XPASS])
        return 1;
    return c[DH_V_ERROR] || harness_error ? 2 : 0;
}

/* dh_cmd_merge - see commands.h */
int dh_cmd_merge(const dh_options *o)
{
    merge_ctx m;
    size_t counts[DH_V_KINDS] = {0}, k;
    json_t *rep = NULL;
    int rc = -1;

    if (o->shell_argv == NULL) {
        merr("merge takes the JSON reports to merge (dane-harness merge "
             "A.json B.json --json ALL.json)");
        return 2;
    }
    memset(&m, 0, sizeof(m));
    m.results = json_array();
    m.parts = json_array();
    if (load_all(&m, o->shell_argv) == 0) {
        rep = merged_report(&m, counts);
        rc = 0;
        if (o->json && json_dump_file(rep, o->json,
                                      JSON_INDENT(2) | JSON_ENSURE_ASCII) < 0)
            rc = merr("cannot write %s", o->json);
        if (rc == 0 && o->junit)
            rc = write_junit(o->junit, rep, counts);
    }
    if (rc == 0) {
        printf("merged %zu report(s), %zu result(s):", json_array_size(m.parts),
               json_array_size(m.results));
        for (k = 0; k < DH_V_KINDS; k++)
            if (counts[k])
                printf(" %s %zu", dh_verdict_name((dh_verdict_kind)k),
                       counts[k]);
        printf("\n");
        rc = status(counts, m.harness_error != NULL);
    } else {
        rc = 2;
    }
    json_decref(rep);
    json_decref(m.results);
    json_decref(m.parts);
    json_decref(m.client);
    json_decref(m.version);
    free(m.started);
    free(m.harness_error);
    return rc;
}
