/*
 * reportin.c - a JSON report read back (reportin.h).
 */
#include "reportin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const verdicts[] = {
    "PASS", "XPASS", "SKIP", "XFAIL", "FAIL", "HANG", "CRASH", "ERROR", NULL};
static const int badness[] = {0, 0, 1, 2, 3, 3, 3, 3};

/* dh_rin_badness - see reportin.h */
int dh_rin_badness(const char *verdict)
{
    size_t i;

    for (i = 0; verdict && verdicts[i]; i++)
        if (strcmp(verdicts[i], verdict) == 0)
            return badness[i];
    return -1;
}

/* dh_rin_severity_rank - see reportin.h */
int dh_rin_severity_rank(const char *severity)
{
    if (severity == NULL)
        return 0;
    if (strcmp(severity, "security") == 0)
        return 3;
    if (strcmp(severity, "interop") == 0)
        return 2;
    if (strcmp(severity, "advisory") == 0)
        return 1;
    return 0;
}

/* str - a member's string value, or dflt */
static const char *str(json_t *o, const char *key, const char *dflt)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : dflt;
}

/* result - results[i] into out; 0, or -1 with the reason in err */
static int result(json_t *o, size_t i, dh_rin_result *out, char *err,
                  size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_object(o)) {
        snprintf(err, errlen, "results[%zu] is not an object", i);
        return -1;
    }
    out->scenario = str(o, "scenario", NULL);
    out->verdict = str(o, "verdict", NULL);
    if (out->scenario == NULL || out->verdict == NULL) {
        snprintf(err, errlen, "results[%zu] has no scenario or verdict", i);
        return -1;
    }
    if (dh_rin_badness(out->verdict) < 0) {
        snprintf(err, errlen, "results[%zu] (%s): unknown verdict '%s'", i,
                 out->scenario, out->verdict);
        return -1;
    }
    out->severity = str(o, "severity", NULL);
    out->reason = str(o, "reason", "");
    out->title = str(o, "title", "");
    out->rfc = str(o, "rfc", "");
    out->scn_severity = str(o, "scenario_severity", NULL);
    if (out->scn_severity == NULL)
        out->scn_severity = out->severity ? out->severity : "";
    out->xfail_severity = json_string_value(
        json_object_get(json_object_get(o, "xfail"), "severity"));
    out->evidence = json_object_get(o, "evidence");
    if (!json_is_object(out->evidence))
        out->evidence = NULL;
    return 0;
}

/* fill - the top level of a parsed report into r */
static int fill(dh_rin *r, char *err, size_t errlen)
{
    json_t *res = json_object_get(r->root, "results");
    json_t *cl = json_object_get(r->root, "client");
    size_t i;

    if (!json_is_object(r->root) || !json_is_array(res)) {
        snprintf(err, errlen,
                 "not a dane-harness JSON report (no results "
                 "array; see docs/report-json.md)");
        return -1;
    }
    r->client_spec = str(cl, "spec", "");
    r->client_version = str(cl, "version", "");
    r->started = str(r->root, "started", "");
    r->n = json_array_size(res);
    r->v = dh_calloc(r->n ? r->n : 1, sizeof(*r->v));
    for (i = 0; i < r->n; i++)
        if (result(json_array_get(res, i), i, &r->v[i], err, errlen) < 0)
            return -1;
    return 0;
}

/* dh_rin_load - see reportin.h */
dh_rin *dh_rin_load(const char *path, char *err, size_t errlen)
{
    json_error_t je;
    dh_rin *r = dh_calloc(1, sizeof(*r));
    char why[512];

    r->path = dh_strdup(path);
    r->root = json_load_file(path, 0, &je);
    if (r->root == NULL) {
        if (je.line > 0)
            snprintf(err, errlen, "%s:%d: not JSON: %s", path, je.line,
                     je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        dh_rin_free(r);
        return NULL;
    }
    if (fill(r, why, sizeof(why)) < 0) {
        snprintf(err, errlen, "%s: %s", path, why);
        dh_rin_free(r);
        return NULL;
    }
    return r;
}

/* dh_rin_free - see reportin.h */
void dh_rin_free(dh_rin *r)
{
    if (r == NULL)
        return;
    json_decref(r->root);
    free(r->v);
    free(r->path);
    free(r);
}

/* dh_rin_find - see reportin.h */
const dh_rin_result *dh_rin_find(const dh_rin *r, const char *scenario)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->v[i].scenario, scenario) == 0)
            return &r->v[i];
    return NULL;
}
