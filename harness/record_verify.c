/*
 * record_verify.c - dane-harness verify-record RECORD.json [REPORT.json]
 * (record.h, commands.h): does a certification record hold?
 *
 * It checks that the record is whole (its digest), that it agrees with
 * itself (one result per scenario, summary, severities, exit status),
 * that this harness's personas and zone templates are the record's, that
 * the scenario files it names are the ones here (--scenarios DIR, else
 * the catalog) and select the same scenarios, and, when given, that
 * the adapter (--client), the expectations file (--expectations) and the
 * JSON report of the run (REPORT.json: the same verdicts and evidence)
 * are the record's.  Each check prints one line; exit status 0 when the
 * record holds, 1 when it does not, 2 on a usage mistake or when the
 * record, the report or the expectations file cannot be read as one.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "record.h"
#include "reportin.h"
#include "util.h"
#include "vocab_all.h"

/* the plural ending of a count */
#define S(n) ((n) == 1 ? "" : "s")

typedef struct {
    json_t *rec;
    json_t *scns;    /* scenarios[] */
    json_t *results; /* results[] */
    size_t n;
    int problems;
} vr;

/* say - one check's line: "ok", "--" (not checked) or "FAIL" */
static void say(vr *v, const char *mark, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(vr *v, const char *mark, const char *fmt, ...)
{
    va_list ap;

    if (strcmp(mark, "FAIL") == 0)
        v->problems++;
    printf("  %-5s ", mark);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
}

/* str - a string member of o, or NULL */
static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* str_at - a string member of an object member ("client", "version") */
static const char *str_at(const json_t *o, const char *obj, const char *key)
{
    const char *s = str(json_object_get(o, obj), key);

    return s ? s : "?";
}

/* load - the record, or exit 2 naming the file */
static void load(vr *v, const char *path)
{
    json_error_t e;
    json_t *schema;

    v->rec = json_load_file(path, 0, &e);
    if (v->rec == NULL) {
        fprintf(stderr, "dane-harness: %s: line %d: %s\n", path, e.line,
                e.text);
        exit(2);
    }
    schema = json_object_get(v->rec, "record_schema");
    if (!json_is_integer(schema)) {
        fprintf(stderr,
                "dane-harness: %s: not a dane-harness record (no "
                "record_schema; see docs/record-json.md)\n",
                path);
        exit(2);
    }
    if (json_integer_value(schema) != DH_RECORD_SCHEMA) {
        fprintf(stderr,
                "dane-harness: %s: record schema %lld: this harness "
                "reads schema %d\n",
                path, (long long)json_integer_value(schema), DH_RECORD_SCHEMA);
        exit(2);
    }
    v->scns = json_object_get(v->rec, "scenarios");
    v->results = json_object_get(v->rec, "results");
    v->n = json_array_size(v->scns);
}

/* check_digest - the record's own digest: nothing in it was changed */
static void check_digest(vr *v)
{
    json_t *copy = json_deep_copy(v->rec);
    const char *want = str(v->rec, "digest");
    char sha[DH_SHA256_HEX];

    json_object_del(copy, "digest");
    dh_sha256_json(copy, sha);
    json_decref(copy);
    if (want && strcmp(want, sha) == 0)
        say(v, "ok", "the record's digest (sha256 %.16s...)", sha);
    else
        say(v, "FAIL",
            "the record's digest: it says %s, its content is "
            "%s: the record was changed after it was written",
            want ? want : "nothing", sha);
}

/* A member and its type: 's' string, 'S' string or null, 'i' integer,
 * 'o' object, 'a' array. */
typedef struct {
    const char *key;
    char type;
} field;

static const field f_harness[] = {{"name", 's'},
                                  {"version", 's'},
                                  {"source_revision", 's'},
                                  {"executable_sha256", 's'},
                                  {"fakemx_sha256", 's'},
                                  {"data", 'a'},
                                  {NULL, 0}};
static const field f_world[] = {{"started", 's'},      {"ended", 's'},
                                {"started_unix", 'i'}, {"ended_unix", 'i'},
                                {"clock", 's'},        {NULL, 0}};
static const field f_client[] = {{"spec", 's'},
                                 {"name", 's'},
                                 {"version", 's'},
                                 {"adapter", 'o'},
                                 {NULL, 0}};
static const field f_adapter[] = {
    {"file", 's'}, {"sha256", 's'}, {"files", 'a'}, {NULL, 0}};
static const field f_selection[] = {
    {"scenario_dir", 's'}, {"only", 'S'}, {"shard", 'S'}, {NULL, 0}};
static const field f_top[] = {{"scenarios", 'a'},     {"results", 'a'},
                              {"summary", 'o'},       {"exit_status", 'i'},
                              {"harness_error", 'S'}, {"expectations", 'O'},
                              {"digest", 's'},        {NULL, 0}};
static const field f_scenario[] = {
    {"id", 's'}, {"file", 's'}, {"sha256", 's'}, {NULL, 0}};
static const field f_result[] = {{"scenario", 's'}, {"verdict", 's'},
                                 {"severity", 'S'}, {"xfail", 'O'},
                                 {"reason", 's'},   {"evidence_sha256", 's'},
                                 {NULL, 0}};

/* has_type - does j have type t ('O': object or null)? */
static int has_type(const json_t *j, char t)
{
    switch (t) {
    case 's':
        return json_is_string(j);
    case 'S':
        return json_is_string(j) || json_is_null(j);
    case 'i':
        return json_is_integer(j);
    case 'o':
        return json_is_object(j);
    case 'O':
        return json_is_object(j) || json_is_null(j);
    default:
        return json_is_array(j);
    }
}

/* check_part - object j (the record's member what) has the fields; 0,
 * or -1 after saying what is wrong */
static int check_part(vr *v, const char *what, const json_t *j, const field *f)
{
    static const char *const names[] = {
        ['s'] = "a string",  ['S'] = "a string or null",  ['i'] = "an integer",
        ['o'] = "an object", ['O'] = "an object or null", ['a'] = "an array"};

    if (!json_is_object(j)) {
        say(v, "FAIL",
            "the record's %s is not an object "
            "(docs/record-json.md)",
            what);
        return -1;
    }
    for (; f->key; f++)
        if (!has_type(json_object_get(j, f->key), f->type)) {
            say(v, "FAIL",
                "the record's %s.%s is not %s "
                "(docs/record-json.md)",
                what, f->key, names[(unsigned char)f->type]);
            return -1;
        }
    return 0;
}

/* check_shape - every member has its type; 0, or -1 (then nothing more
 * is checked) */
static int check_shape(vr *v)
{
    json_t *r = v->rec, *cl = json_object_get(r, "client");
    int bad = 0;
    size_t i;

    bad |= check_part(v, "top level", r, f_top);
    bad |= check_part(v, "harness", json_object_get(r, "harness"), f_harness);
    bad |= check_part(v, "world", json_object_get(r, "world"), f_world);
    bad |= check_part(v, "client", cl, f_client);
    if (!bad)
        bad |= check_part(v, "client.adapter", json_object_get(cl, "adapter"),
                          f_adapter);
    bad |= check_part(v, "selection", json_object_get(r, "selection"),
                      f_selection);
    if (!bad && json_array_size(v->results) != v->n) {
        say(v, "FAIL",
            "%zu scenarios but %zu results: one result per "
            "scenario",
            v->n, json_array_size(v->results));
        return -1;
    }
    for (i = 0; !bad && i < json_array_size(v->scns); i++)
        bad |= check_part(v, "scenarios[]", json_array_get(v->scns, i),
                          f_scenario);
    for (i = 0; !bad && i < json_array_size(v->results); i++)
        bad |=
            check_part(v, "results[]", json_array_get(v->results, i), f_result);
    return bad ? -1 : 0;
}

/* check_result - results[i] belongs to scenarios[i] and is well formed;
 * counts its verdict.  0, or -1 after saying why not. */
static int check_result(vr *v, size_t i, size_t counts[DH_V_KINDS])
{
    const json_t *r = json_array_get(v->results, i);
    const char *id = str(json_array_get(v->scns, i), "id");
    const char *verdict = str(r, "verdict"), *sev = str(r, "severity");
    int k = dh_vocab_find(&dh_vocab_verdict, verdict);

    if (strcmp(str(r, "scenario"), id) != 0) {
        say(v, "FAIL",
            "results[%zu] is of %s, scenarios[%zu] is %s: one "
            "result per scenario, in the same order",
            i, str(r, "scenario"), i, id);
        return -1;
    }
    if (k < 0) {
        say(v, "FAIL", "%s: no verdict '%s'", id, verdict);
        return -1;
    }
    counts[k]++;
    if ((k == DH_V_FAIL) != (sev != NULL) ||
        (sev && dh_vocab_find(&dh_vocab_severity, sev) < 0)) {
        say(v, "FAIL",
            "%s: %s with severity %s (a FAIL has one of %s, no "
            "other verdict has one)",
            id, verdict, sev ? sev : "null", "security, interop, advisory");
        return -1;
    }
    if ((k == DH_V_XFAIL) != json_is_object(json_object_get(r, "xfail"))) {
        say(v, "FAIL",
            "%s: %s %s what it foresaw (an XFAIL has xfail, "
            "no other verdict has it)",
            id, verdict, k == DH_V_XFAIL ? "without" : "with");
        return -1;
    }
    if (!dh_is_sha256_hex(str(r, "evidence_sha256")) ||
        !dh_is_sha256_hex(str(json_array_get(v->scns, i), "sha256"))) {
        say(v, "FAIL", "%s: a digest is not 64 lower-case hex digits", id);
        return -1;
    }
    return 0;
}

/* unique - no two scenarios[] have the same member key */
static int unique(vr *v, const char *key)
{
    size_t i, j;

    for (i = 0; i < v->n; i++)
        for (j = i + 1; j < v->n; j++)
            if (strcmp(str(json_array_get(v->scns, i), key),
                       str(json_array_get(v->scns, j), key)) == 0) {
                say(v, "FAIL", "scenarios[%zu] and [%zu] have the same %s %s",
                    i, j, key, str(json_array_get(v->scns, i), key));
                return -1;
            }
    return 0;
}

/* check_summary - the summary and the exit status are the verdicts' */
static int check_summary(vr *v, const size_t counts[DH_V_KINDS])
{
    const json_t *sum = json_object_get(v->rec, "summary");
    int herr = str(v->rec, "harness_error") != NULL, k, bad = 0;
    json_int_t status =
        json_integer_value(json_object_get(v->rec, "exit_status"));

    for (k = 0; k < DH_V_KINDS; k++) {
        const char *name = dh_verdict_name((dh_verdict_kind)k);
        const json_t *c = json_object_get(sum, name);

        if (!json_is_integer(c))
            say(v, "FAIL", "the summary has no %s count", name);
        else if (json_integer_value(c) != (json_int_t)counts[k])
            say(v, "FAIL", "the summary says %lld %s, the results have %zu",
                (long long)json_integer_value(c), name, counts[k]);
        else
            continue;
        bad = -1;
    }
    if (status != dh_exit_status_of(counts, herr)) {
        say(v, "FAIL", "the exit status says %lld, the verdicts make it %d",
            (long long)status, dh_exit_status_of(counts, herr));
        bad = -1;
    }
    if (herr && counts[DH_V_ERROR] + counts[DH_V_SKIP] != v->n) {
        say(v, "FAIL", "the run failed (%s) but not every verdict is ERROR",
            str(v->rec, "harness_error"));
        bad = -1;
    }
    return bad;
}

/* check_self - the record agrees with itself */
static void check_self(vr *v)
{
    size_t i, counts[DH_V_KINDS] = {0};
    int bad = 0;

    for (i = 0; i < v->n && bad == 0; i++)
        bad = check_result(v, i, counts);
    if (bad == 0)
        bad = unique(v, "id") | unique(v, "file");
    if (bad == 0 && check_summary(v, counts) == 0)
        say(v, "ok",
            "its %zu verdict%s, severities, summary and exit status "
            "agree",
            v->n, S(v->n));
}

/* check_file - scenarios[i]'s file in dir is the one the record names;
 * 0, or -1 after saying why not */
static int check_file(vr *v, const char *dir, size_t i)
{
    const json_t *s = json_array_get(v->scns, i);
    const char *id = str(s, "id"), *file = str(s, "file");
    char sha[DH_SHA256_HEX], err[1024], *path;
    dh_scenario *sc;
    int rc = -1;

    if (strchr(file, '/') || file[0] == '.') {
        say(v, "FAIL", "%s: file '%s' is not a name in the scenario folder", id,
            file);
        return -1;
    }
    path = dh_asprintf("%s/%s", dir, file);
    if (dh_sha256_file(path, sha) < 0)
        say(v, "FAIL", "%s: %s: %s", id, path, strerror(errno));
    else if (strcmp(sha, str(s, "sha256")) != 0)
        say(v, "FAIL",
            "%s: %s does not match the record's digest (sha256 "
            "%.16s..., the record's %.16s...): the scenario "
            "changed",
            id, path, sha, str(s, "sha256"));
    else if ((sc = dh_scenario_load(path, err, sizeof(err))) == NULL)
        say(v, "FAIL", "%s: %s", id, err);
    else {
        if (strcmp(sc->id, id) != 0)
            say(v, "FAIL", "%s: %s is scenario %s", id, path, sc->id);
        else
            rc = 0;
        dh_scenario_free(sc);
    }
    free(path);
    return rc;
}

/* check_files - every scenario file the record names is here, as it
 * was */
static void check_files(vr *v, const char *dir)
{
    size_t i;
    int bad = 0;

    for (i = 0; i < v->n; i++)
        bad |= check_file(v, dir, i);
    if (bad == 0)
        say(v, "ok", "its %zu scenario file%s match%s %s (%s)", v->n, S(v->n),
            v->n == 1 ? "es" : "", v->n == 1 ? "its digest" : "their digests",
            dir);
}

/* recorded - is id one of the record's scenarios? */
static int recorded(const vr *v, const char *id)
{
    size_t i;

    for (i = 0; i < v->n; i++)
        if (strcmp(str(json_array_get(v->scns, i), "id"), id) == 0)
            return 1;
    return 0;
}

/* check_selection - the record's selection (--only, --shard) of the
 * scenario folder is the record's scenarios: none was left out */
static void check_selection(vr *v, const char *dir)
{
    const json_t *sel = json_object_get(v->rec, "selection");
    const char *only = str(sel, "only"), *shard = str(sel, "shard");
    int k = 0, n = 0, bad = 0;
    size_t all, i, picked = 0;
    dh_scenario **scs;
    char err[1024];

    if (shard && (sscanf(shard, "%d/%d", &k, &n) != 2 || k < 1 || k > n)) {
        say(v, "FAIL", "selection.shard '%s' is not K/N", shard);
        return;
    }
    if (dh_scenario_load_dir(dir, &scs, &all, err, sizeof(err)) < 0) {
        say(v, "FAIL", "the scenario folder: %s", err);
        return;
    }
    for (i = 0; i < all; i++) {
        if (!dh_cli_selected(only, k, n, scs[i]->id))
            continue;
        picked++;
        if (!recorded(v, scs[i]->id)) {
            say(v, "FAIL",
                "the record leaves out scenario %s (%s), which "
                "its selection takes",
                scs[i]->id, scs[i]->file);
            bad = 1;
        }
    }
    dh_scenario_free_all(scs, all);
    if (!bad && picked == v->n)
        say(v, "ok", "%s of the folder selects the same %zu scenario%s",
            only    ? "the --only list"
            : shard ? "the shard"
                    : "the whole",
            v->n, S(v->n));
    else if (!bad)
        say(v, "FAIL", "the selection takes %zu scenarios, the record has %zu",
            picked, v->n);
}

/* check_adapter - the adapter of --client is the record's */
static void check_adapter(vr *v, const char *spec)
{
    const json_t *want =
        json_object_get(json_object_get(v->rec, "client"), "adapter");
    char err[1024], *libexec = dh_cli_libexec_dir();
    json_t *have;
    dh_client c;

    if (spec == NULL) {
        say(v, "--",
            "the adapter is not checked (give --client NAME or "
            "PATH)");
        free(libexec);
        return;
    }
    if (dh_client_open(&c, spec, libexec, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    free(libexec);
    have = dh_record_adapter_json(c.path);
    if (have == NULL)
        say(v, "FAIL", "the adapter %s: %s", c.path, strerror(errno));
    else if (!json_equal(json_object_get(have, "sha256"),
                         json_object_get(want, "sha256")) ||
             !json_equal(json_object_get(have, "files"),
                         json_object_get(want, "files")))
        say(v, "FAIL",
            "the adapter %s (sha256 %.16s..., %zu files) is not "
            "the record's (%.16s..., %zu files)",
            c.path, str(have, "sha256"),
            json_array_size(json_object_get(have, "files")),
            str(want, "sha256"),
            json_array_size(json_object_get(want, "files")));
    else if (json_array_size(json_object_get(have, "files")))
        say(v, "ok",
            "the adapter %s and the %zu files of its folder match "
            "the record's",
            c.path, json_array_size(json_object_get(have, "files")));
    else
        say(v, "ok", "the adapter %s matches the record's (sha256 %.16s...)",
            c.path, str(have, "sha256"));
    json_decref(have);
    dh_client_close(&c);
}

/* listed - does an expectations line name the scenario? */
static int listed(const dh_xfail *x, size_t n, const char *id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(x[i].scenario, id) == 0)
            return 1;
    return 0;
}

/* check_expected - XFAIL and XPASS exactly where the expectations file
 * names a scenario (x NULL: there was none) */
static int check_expected(vr *v, const dh_xfail *x, size_t nx)
{
    size_t i;
    int bad = 0;

    for (i = 0; i < v->n; i++) {
        const json_t *r = json_array_get(v->results, i);
        const char *verdict = str(r, "verdict"), *id = str(r, "scenario");
        int foreseen = !strcmp(verdict, "XFAIL") || !strcmp(verdict, "XPASS");
        int judged = foreseen || !strcmp(verdict, "PASS") ||
                     !strcmp(verdict, "FAIL") || !strcmp(verdict, "HANG") ||
                     !strcmp(verdict, "CRASH");

        if (judged && foreseen != listed(x, nx, id)) {
            say(v, "FAIL", "%s is %s, but the expectations file %s it", id,
                verdict, foreseen ? "does not name" : "names");
            bad = -1;
        }
    }
    return bad;
}

/* check_expectations - the expectations file (--expectations) is the
 * record's, and the XFAILs are its */
static void check_expectations(vr *v, const char *path)
{
    const json_t *want = json_object_get(v->rec, "expectations");
    char sha[DH_SHA256_HEX], err[1024];
    dh_xfail *x = NULL;
    size_t nx = 0;

    if (path == NULL) {
        if (json_is_object(want))
            say(v, "--",
                "the expectations file %s is not checked (give "
                "--expectations FILE)",
                str(want, "file"));
        else if (check_expected(v, NULL, 0) == 0)
            say(v, "ok", "no expectations file, and no XFAIL or XPASS");
        return;
    }
    if (dh_sha256_file(path, sha) < 0 ||
        dh_xfail_load(path, NULL, &x, &nx, err, sizeof(err)) < 0) {
        fprintf(stderr,
                "dane-harness: %s: cannot read it as an expectations "
                "file\n",
                path);
        exit(2);
    }
    if (!json_is_object(want))
        say(v, "FAIL",
            "the record's run had no expectations file, %s was "
            "given",
            path);
    else if (strcmp(sha, str(want, "sha256")) != 0)
        say(v, "FAIL",
            "%s (sha256 %.16s...) is not the record's expectations "
            "file %s (%.16s...)",
            path, sha, str(want, "file"), str(want, "sha256"));
    else if (check_expected(v, x, nx) == 0)
        say(v, "ok",
            "the expectations file %s is the record's, and its %zu "
            "lines make its XFAILs",
            path, nx);
    dh_xfail_free(x, nx);
}

/* same_str - both NULL, or equal */
static int same_str(const char *a, const char *b)
{
    return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* same_result - the report's result for record result r; 0, or -1 after
 * saying how it differs */
static int same_result(vr *v, const json_t *r, const dh_rin_result *got,
                       const char *file)
{
    const char *id = str(r, "scenario"), *sev = str(r, "severity");
    const char *xsev = str(json_object_get(r, "xfail"), "severity");
    char sha[DH_SHA256_HEX];

    if (got == NULL) {
        say(v, "FAIL", "%s: not in the report %s", id, file);
        return -1;
    }
    if (strcmp(got->verdict, str(r, "verdict")) != 0 ||
        (sev == NULL) != (got->severity == NULL) ||
        (sev && strcmp(sev, got->severity) != 0) ||
        !same_str(xsev, got->xfail_severity) ||
        strcmp(got->reason, str(r, "reason")) != 0) {
        say(v, "FAIL", "%s: the record says %s%s%s, the report %s%s%s", id,
            str(r, "verdict"), sev ? " " : "", sev ? sev : "", got->verdict,
            got->severity ? " " : "", got->severity ? got->severity : "");
        return -1;
    }
    dh_sha256_json(got->evidence ? got->evidence : json_null(), sha);
    if (strcmp(sha, str(r, "evidence_sha256")) != 0) {
        say(v, "FAIL",
            "%s: the report's evidence (sha256 %.16s...) is not the "
            "record's (%.16s...)",
            id, sha, str(r, "evidence_sha256"));
        return -1;
    }
    return 0;
}

/* check_report - the JSON report of the same run has the record's
 * verdicts and evidence */
static void check_report(vr *v, const char *path)
{
    const json_t *cl = json_object_get(v->rec, "client");
    const json_t *w = json_object_get(v->rec, "world");
    char err[1024];
    dh_rin *rep;
    size_t i;
    int bad = 0;

    if (path == NULL) {
        say(v, "--",
            "the evidence is not checked (give the run's JSON "
            "report after the record)");
        return;
    }
    if ((rep = dh_rin_load(path, err, sizeof(err))) == NULL) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    if (strcmp(rep->client_spec, str(cl, "spec")) ||
        strcmp(rep->client_version, str(cl, "version")) ||
        strcmp(rep->started, str(w, "started"))) {
        say(v, "FAIL", "the report %s is of another run (client %s, %s)", path,
            rep->client_spec, rep->started);
        bad = -1;
    }
    for (i = 0; i < v->n && bad == 0; i++) {
        const json_t *r = json_array_get(v->results, i);

        bad = same_result(v, r, dh_rin_find(rep, str(r, "scenario")), path);
    }
    for (; i < v->n; i++) /* every other difference too */
        same_result(
            v, json_array_get(v->results, i),
            dh_rin_find(rep, str(json_array_get(v->results, i), "scenario")),
            path);
    if (bad == 0 && rep->n != v->n)
        say(v, "FAIL", "the report has %zu results, the record %zu", rep->n,
            v->n);
    else if (bad == 0)
        say(v, "ok",
            "the report %s has the same %zu verdict%s, reasons and "
            "evidence",
            path, v->n, S(v->n));
    dh_rin_free(rep);
}

/* header - what the record is of */
static void header(vr *v, const char *path)
{
    printf("record %s: %s %s (source %s), client %s (%s), %zu scenario%s, "
           "%s\n",
           path, str_at(v->rec, "harness", "name"),
           str_at(v->rec, "harness", "version"),
           str_at(v->rec, "harness", "source_revision"),
           str_at(v->rec, "client", "spec"),
           str_at(v->rec, "client", "version"), v->n, v->n == 1 ? "" : "s",
           str_at(v->rec, "world", "started"));
}

/* data_sha - the digest of path in a [{path, sha256}] array, or NULL */
static const char *data_sha(const json_t *arr, const char *path)
{
    size_t i;

    for (i = 0; path && i < json_array_size(arr); i++) {
        const char *p = str(json_array_get(arr, i), "path");

        if (p && strcmp(p, path) == 0)
            return str(json_array_get(arr, i), "sha256");
    }
    return NULL;
}

/* same_data - every file of one list is in the other with its digest;
 * 0, or -1 after saying which is not */
static int same_data(vr *v, const json_t *from, const json_t *in,
                     const char *dir, const char *what)
{
    int bad = 0;
    size_t i;

    for (i = 0; i < json_array_size(from); i++) {
        const char *p = str(json_array_get(from, i), "path");
        const char *sha = str(json_array_get(from, i), "sha256");
        const char *other = data_sha(in, p);

        if (p && sha && other && strcmp(sha, other) == 0)
            continue;
        say(v, "FAIL", "%s/%s: %s", dir, p ? p : "?", what);
        bad = -1;
    }
    return bad;
}

/* check_data - the personas and zone templates here are the record's:
 * they give its scenarios their meaning */
static void check_data(vr *v)
{
    const json_t *want =
        json_object_get(json_object_get(v->rec, "harness"), "data");
    char *dir = dh_cli_data_dir();
    json_t *have = dh_record_data_json(dir);

    if (have == NULL)
        say(v, "FAIL", "this harness's data in %s: %s", dir, strerror(errno));
    else if ((same_data(v, want, have, dir,
                        "not the record's: its scenarios meant something "
                        "else") |
              same_data(v, have, want, dir, "not in the record")) == 0)
        say(v, "ok",
            "the personas and zone templates of %s are the "
            "record's (%zu files)",
            dir, json_array_size(have));
    json_decref(have);
    free(dir);
}

/* check_programs - this harness's programs against the record's: a note
 * only (another build of the same source differs; the checks depend on
 * the record's content) */
static void check_programs(vr *v)
{
    const json_t *h = json_object_get(v->rec, "harness");
    char *libexec = dh_cli_libexec_dir(), exe[DH_SHA256_HEX];
    char *fakemx = dh_asprintf("%s/dane-fakemx", libexec), mx[DH_SHA256_HEX];

    if (dh_sha256_file("/proc/self/exe", exe) == 0 &&
        dh_sha256_file(fakemx, mx) == 0 &&
        strcmp(exe, str(h, "executable_sha256")) == 0 &&
        strcmp(mx, str(h, "fakemx_sha256")) == 0)
        say(v, "ok", "this dane-harness and dane-fakemx are the record's");
    else
        say(v, "--",
            "this dane-harness %s (source %s) and its dane-fakemx are not "
            "the programs that wrote the record (another build)",
            DH_VERSION, dh_record_source_revision());
    free(fakemx);
    free(libexec);
}

/* dh_cmd_verify_record - see commands.h */
int dh_cmd_verify_record(const dh_options *o)
{
    char **args = o->shell_argv, *dir;
    vr v;

    if (args == NULL || (args[1] && args[2])) {
        fprintf(stderr, "usage: dane-harness verify-record [--scenarios DIR] "
                        "[--client CLIENT] [--expectations FILE] RECORD.json "
                        "[REPORT.json]\n");
        return 2;
    }
    memset(&v, 0, sizeof(v));
    load(&v, args[0]);
    if (check_shape(&v) == 0) {
        header(&v, args[0]);
        check_digest(&v);
        check_self(&v);
        check_programs(&v);
        check_data(&v);
        dir = dh_cli_scenario_dir(o);
        check_files(&v, dir);
        check_selection(&v, dir);
        free(dir);
        check_adapter(&v, o->client);
        check_expectations(&v, o->expectations);
        check_report(&v, args[1]);
    }
    json_decref(v.rec);
    if (v.problems)
        printf("verify-record: %s does not hold: %d problem%s\n", args[0],
               v.problems, v.problems == 1 ? "" : "s");
    else
        printf("verify-record: %s holds\n", args[0]);
    return v.problems ? 1 : 0;
}
