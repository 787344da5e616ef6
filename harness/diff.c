/*
 * diff.c - dane-harness diff BASE.json NEW.json: what changed between
 * two runs of the same client (diff.h, commands.h).  Prints regressions
 * first, then fixes, other changes, new and removed scenarios; --json
 * FILE writes the same as JSON.  Exit status: 1 on any regression, 0
 * otherwise, 2 on a usage mistake or an unreadable report.
 */
#include "diff.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "util.h"

static const char *const kind_names[DH_DIFF_KINDS] = {
    "regression", "fix", "change", "new", "removed", "same"};
static const char *const headings[DH_DIFF_KINDS] = {
    "regressions",       "fixes",    "other changes", "new scenarios",
    "removed scenarios", "unchanged"};

/* dh_diff_kind_name - see diff.h */
const char *dh_diff_kind_name(dh_diff_kind k)
{
    return k < DH_DIFF_KINDS ? kind_names[k] : "?";
}

/* same_verdict - both verdicts alike; a FAIL compared by severity */
static dh_diff_kind same_verdict(const dh_rin_result *b, const dh_rin_result *n)
{
    int sb, sn;

    if (strcmp(b->verdict, "FAIL") != 0)
        return DH_DIFF_SAME;
    sb = dh_rin_severity_rank(b->severity);
    sn = dh_rin_severity_rank(n->severity);
    if (sn > sb)
        return DH_DIFF_REGRESSION;
    return sn < sb ? DH_DIFF_FIX : DH_DIFF_SAME;
}

/* dh_diff_classify - see diff.h */
dh_diff_kind dh_diff_classify(const dh_rin_result *base,
                              const dh_rin_result *now)
{
    int b, n;

    if (base == NULL)
        return now ? DH_DIFF_NEW : DH_DIFF_SAME;
    if (now == NULL)
        return DH_DIFF_REMOVED;
    if (strcmp(base->verdict, now->verdict) == 0)
        return same_verdict(base, now);
    b = dh_rin_badness(base->verdict);
    n = dh_rin_badness(now->verdict);
    if ((n == 3 && b < 3) || (n == 2 && b == 0))
        return DH_DIFF_REGRESSION;
    if (n == 0 && b >= 2)
        return DH_DIFF_FIX;
    return DH_DIFF_CHANGE;
}

/* add - one item to the array */
static void add(dh_diff_item **v, size_t *n, dh_diff_kind k, const char *id,
                const dh_rin_result *b, const dh_rin_result *r)
{
    *v = dh_realloc(*v, (*n + 1) * sizeof(**v));
    (*v)[*n].kind = k;
    (*v)[*n].scenario = id;
    (*v)[*n].base = b;
    (*v)[*n].now = r;
    (*n)++;
}

/* dh_diff_compute - see diff.h */
dh_diff_item *dh_diff_compute(const dh_rin *base, const dh_rin *now, size_t *n)
{
    dh_diff_item *v = NULL;
    size_t i;
    int k;

    *n = 0;
    for (k = 0; k < DH_DIFF_REMOVED; k++)
        for (i = 0; i < now->n; i++) {
            const dh_rin_result *b = dh_rin_find(base, now->v[i].scenario);

            if ((int)dh_diff_classify(b, &now->v[i]) == k)
                add(&v, n, (dh_diff_kind)k, now->v[i].scenario, b, &now->v[i]);
        }
    for (i = 0; i < base->n; i++)
        if (dh_rin_find(now, base->v[i].scenario) == NULL)
            add(&v, n, DH_DIFF_REMOVED, base->v[i].scenario, &base->v[i], NULL);
    return v;
}

/* label - "FAIL/security", "PASS" (into buf) */
static const char *label(const dh_rin_result *r, char *buf, size_t len)
{
    if (r == NULL)
        snprintf(buf, len, "-");
    else if (r->severity)
        snprintf(buf, len, "%s/%s", r->verdict, r->severity);
    else
        snprintf(buf, len, "%s", r->verdict);
    return buf;
}

/* print_items - the text listing, one section per kind */
static void print_items(const dh_diff_item *v, size_t n)
{
    size_t i, count[DH_DIFF_KINDS] = {0};
    int k;

    for (i = 0; i < n; i++)
        count[v[i].kind]++;
    for (k = 0; k < DH_DIFF_SAME; k++) {
        if (count[k] == 0)
            continue;
        printf("\n%s (%zu):\n", headings[k], count[k]);
        for (i = 0; i < n; i++) {
            char a[64], b[64];
            const dh_rin_result *r = v[i].now ? v[i].now : v[i].base;

            if ((int)v[i].kind != k)
                continue;
            printf("  %-32s %-16s -> %-16s %s\n", v[i].scenario,
                   label(v[i].base, a, sizeof(a)),
                   label(v[i].now, b, sizeof(b)), r->reason);
        }
    }
}

/* item_json - one item as a JSON object */
static json_t *item_json(const dh_diff_item *it)
{
    json_t *o = json_object();
    const dh_rin_result *r = it->now ? it->now : it->base;

    json_object_set_new(o, "scenario", json_string(it->scenario));
    json_object_set_new(o, "kind", json_string(kind_names[it->kind]));
    json_object_set_new(
        o, "base", it->base ? json_string(it->base->verdict) : json_null());
    json_object_set_new(o, "base_severity",
                        it->base && it->base->severity
                            ? json_string(it->base->severity)
                            : json_null());
    json_object_set_new(o, "new",
                        it->now ? json_string(it->now->verdict) : json_null());
    json_object_set_new(o, "new_severity",
                        it->now && it->now->severity
                            ? json_string(it->now->severity)
                            : json_null());
    json_object_set_new(o, "reason", json_string(r->reason));
    return o;
}

/* write_json - the comparison as a JSON file; 0 or -1 */
static int write_json(const char *path, const dh_rin *base, const dh_rin *now,
                      const dh_diff_item *v, size_t n)
{
    json_t *root = json_object(), *items = json_array();
    size_t i;
    int rc;

    json_object_set_new(root, "base", json_string(base->path));
    json_object_set_new(root, "new", json_string(now->path));
    json_object_set_new(root, "base_client", json_string(base->client_spec));
    json_object_set_new(root, "new_client", json_string(now->client_spec));
    for (i = 0; i < n; i++)
        json_array_append_new(items, item_json(&v[i]));
    json_object_set_new(root, "changes", items);
    rc = json_dump_file(root, path, JSON_INDENT(1) | JSON_SORT_KEYS);
    json_decref(root);
    if (rc < 0)
        fprintf(stderr, "dane-harness diff: cannot write %s\n", path);
    return rc;
}

/* load_two - the two reports of the command line, or exit 2 */
static void load_two(const dh_options *o, dh_rin **base, dh_rin **now)
{
    char err[1024];

    if (o->shell_argv == NULL || o->shell_argv[0] == NULL ||
        o->shell_argv[1] == NULL || o->shell_argv[2] != NULL) {
        fprintf(stderr, "usage: dane-harness diff BASE.json NEW.json "
                        "[--json FILE]\n");
        exit(2);
    }
    *base = dh_rin_load(o->shell_argv[0], err, sizeof(err));
    if (*base)
        *now = dh_rin_load(o->shell_argv[1], err, sizeof(err));
    if (*base == NULL || *now == NULL) {
        fprintf(stderr, "dane-harness diff: %s\n", err);
        dh_rin_free(*base);
        exit(2);
    }
}

/* dh_cmd_diff - see commands.h */
int dh_cmd_diff(const dh_options *o)
{
    dh_rin *base, *now;
    dh_diff_item *v;
    size_t n, i, count[DH_DIFF_KINDS] = {0};
    int status;

    load_two(o, &base, &now);
    v = dh_diff_compute(base, now, &n);
    for (i = 0; i < n; i++)
        count[v[i].kind]++;
    printf("dane-harness diff: %s (%s) -> %s (%s)\n", base->path,
           base->client_version, now->path, now->client_version);
    if (strcmp(base->client_spec, now->client_spec) != 0)
        printf("note: the clients differ: \"%s\" and \"%s\"\n",
               base->client_spec, now->client_spec);
    print_items(v, n);
    printf("\n%zu scenarios: %zu regressions, %zu fixes, %zu other changes, "
           "%zu new, %zu removed\n",
           now->n, count[DH_DIFF_REGRESSION], count[DH_DIFF_FIX],
           count[DH_DIFF_CHANGE], count[DH_DIFF_NEW], count[DH_DIFF_REMOVED]);
    status = count[DH_DIFF_REGRESSION] ? 1 : 0;
    if (o->json && write_json(o->json, base, now, v, n) < 0)
        status = 2;
    free(v);
    dh_rin_free(base);
    dh_rin_free(now);
    return status;
}
