/*
 * list.c - dane-harness list: the scenarios, by requirement (with the
 * catalog's uncovered requirements), the personas, the faults
 * (commands.h).
 */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "persona.h"
#include "reqcat.h"
#include "scenario.h"
#include "util.h"

/* cmp_str - qsort order of strings */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* add_uncovered - a "ID (no scenario)" pair for each requirement of the
 * catalog that no pair names */
static char **add_uncovered(char **pairs, size_t *np)
{
    char err[1024], *path = dh_cli_requirements_path();
    dh_reqcat cat;
    size_t i, j, n0 = *np;

    if (dh_reqcat_load(path, &cat, err, sizeof(err)) < 0) {
        dh_warn("%s", err);
        free(path);
        return pairs;
    }
    free(path);
    for (i = 0; i < cat.n; i++) {
        size_t len = strlen(cat.v[i].id);

        for (j = 0; j < n0; j++)
            if (strncmp(pairs[j], cat.v[i].id, len) == 0 &&
                pairs[j][len] == ' ')
                break;
        if (j < n0)
            continue;
        pairs = dh_realloc(pairs, (*np + 1) * sizeof(*pairs));
        pairs[(*np)++] = dh_asprintf("%s (no scenario)", cat.v[i].id);
    }
    dh_reqcat_free(&cat);
    return pairs;
}

/* list_requirements - "REQUIREMENT scenario scenario ..." lines, and
 * "REQUIREMENT (no scenario)" for those of the catalog no scenario
 * cites */
static void list_requirements(dh_scenario **v, size_t n)
{
    char **pairs = NULL, *prev = NULL;
    size_t np = 0, i;

    for (i = 0; i < n; i++) {
        char *copy = dh_strdup(v[i]->requirement), *save = NULL, *w;

        for (w = strtok_r(copy, " \t,", &save); w;
             w = strtok_r(NULL, " \t,", &save)) {
            pairs = dh_realloc(pairs, (np + 1) * sizeof(*pairs));
            pairs[np++] = dh_asprintf("%s %s", w, v[i]->id);
        }
        free(copy);
    }
    pairs = add_uncovered(pairs, &np);
    qsort(pairs, np, sizeof(*pairs), cmp_str);
    for (i = 0; i < np; i++) {
        char *sp = strchr(pairs[i], ' ');
        size_t klen = (size_t)(sp - pairs[i]);

        if (prev == NULL || strncmp(prev, pairs[i], klen + 1) != 0)
            printf("%s%.*s", prev ? "\n" : "", (int)klen, pairs[i]);
        printf(" %s", sp + 1);
        prev = pairs[i];
    }
    if (prev)
        printf("\n");
    for (i = 0; i < np; i++)
        free(pairs[i]);
    free(pairs);
}

/* chain_text - what a persona presents, in a few words (into buf) */
static const char *chain_text(const dh_persona *p, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s", p->chain->name);

    if (p->also && n >= 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " + %s", p->also->name);
    if (p->other_sni && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " (else %s)", p->other_sni->name);
    return buf;
}

/* list_personas - the personas of certs/personas.conf, as a table or as
 * the Markdown table docs/scenario-format.md embeds */
static void list_personas(int markdown)
{
    const dh_persona *p;
    char chain[128];

    if (markdown)
        printf("| persona | hostile | chain | behaviour |\n"
               "|---|---|---|---|\n");
    for (p = dh_persona_all(); p->name; p++) {
        chain_text(p, chain, sizeof(chain));
        if (markdown)
            printf("| `%s` | %s | `%s` | %s |\n", p->name,
                   p->hostile ? "yes" : "no", chain, p->doc);
        else
            printf("%-22s %-8s %-18s %s\n", p->name,
                   p->hostile ? "hostile" : "-", chain, p->doc);
    }
}

/* list_faults - the faults of zone.c's table, plain or as the Markdown
 * table docs/scenario-format.md embeds */
static void list_faults(int markdown)
{
    const dh_fault_def *f;

    if (markdown)
        printf("| kind | effect | validator's view |\n|---|---|---|\n");
    for (f = dh_fault_all(); f->name; f++)
        if (markdown)
            printf("| `%s` | %s | %s |\n", f->name, f->effect, f->view);
        else
            printf("%-20s %s; %s\n", f->name, f->effect, f->view);
}

/* dh_cmd_list - see commands.h */
int dh_cmd_list(const dh_options *o)
{
    size_t n, i;
    dh_scenario **v;

    if (o->personas) {
        list_personas(o->markdown);
        return 0;
    }
    if (o->faults) {
        list_faults(o->markdown);
        return 0;
    }
    v = dh_cli_load_scenarios(o, &n);

    if (o->by_requirement) {
        list_requirements(v, n);
        dh_scenario_free_all(v, n);
        return 0;
    }

    for (i = 0; i < n; i++) {
        char *ex = dh_scenario_expect_text(v[i]);

        if (o->longlist)
            printf("%-34s %-9s %-16s %s  [%s]\n", v[i]->id,
                   dh_severity_name(v[i]->severity), ex, v[i]->title,
                   v[i]->rfc);
        else
            printf("%s\n", v[i]->id);
        free(ex);
    }
    dh_scenario_free_all(v, n);
    return 0;
}
