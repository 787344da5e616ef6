/*
 * lint.c - dane-harness lint [FILE...]: parse scenario files without
 * running them, check that every requirement they cite is in the
 * catalog (scenarios/requirements.tsv) and that their 'rfc' line cites
 * its section, and print the catalog's coverage (commands.h).
 *
 * Errors ("FILE:LINE: reason", to stderr) make the exit status 2;
 * warnings ("FILE:LINE: warning: reason") do not.  Without FILE the
 * whole folder (--scenarios, else the catalog) is linted, and catalog
 * requirements that no scenario cites are warnings too.
 */
#include "commands.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "reqcat.h"
#include "util.h"

typedef struct {
    dh_reqcat cat;
    int *covered; /* per catalog row: how many scenarios cite it */
    char **ids;   /* the ids seen so far, and their files */
    char **files;
    size_t nids;
    int errors, warnings;
} lint_ctx;

/* complain - one error or warning line, counted */
static void complain(lint_ctx *lc, int warning, const char *file, int line,
                     const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void complain(lint_ctx *lc, int warning, const char *file, int line,
                     const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s:%d: %s", file, line, warning ? "warning: " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (warning)
        lc->warnings++;
    else
        lc->errors++;
}

/* cmp_str - qsort order of strings */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* folder_files - the *.scn files of dir, sorted (new array of new
 * strings); NULL if the folder cannot be read */
static char **folder_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **v = NULL;

    *n = 0;
    if (d == NULL)
        return NULL;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);

        if (len < 5 || strcmp(de->d_name + len - 4, ".scn") != 0)
            continue;
        v = dh_realloc(v, (*n + 1) * sizeof(*v));
        v[(*n)++] = dh_asprintf("%s/%s", dir, de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(v, *n, sizeof(*v), cmp_str);
    return v;
}

/* cites - does an 'rfc' text ("7672 §2.2, §3.1; 7671 §9") cite the
 * section "7672 §2.2"? */
static int cites(const char *rfc, const char *section)
{
    const char *sp = strchr(section, ' ');
    char *copy = dh_strdup(rfc), *save = NULL, *group;
    int hit = 0;

    if (sp == NULL || strncmp(sp, " §", strlen(" §")) != 0) {
        free(copy);
        return 0;
    }
    for (group = strtok_r(copy, ";", &save); group && !hit;
         group = strtok_r(NULL, ";", &save)) {
        char *s2 = NULL, *w = strtok_r(group, " ,", &s2);

        if (w == NULL || strlen(w) != (size_t)(sp - section) ||
            strncmp(w, section, (size_t)(sp - section)) != 0)
            continue;
        while ((w = strtok_r(NULL, " ,", &s2)) != NULL && !hit)
            hit = strcmp(w, sp + 1) == 0;
    }
    free(copy);
    return hit;
}

/* check_requirements - every ID the scenario cites is in the catalog,
 * and its section is on the 'rfc' line */
static void check_requirements(lint_ctx *lc, const dh_scenario *sc)
{
    char *copy = dh_strdup(sc->requirement), *save = NULL, *w;

    for (w = strtok_r(copy, " \t,", &save); w;
         w = strtok_r(NULL, " \t,", &save)) {
        const dh_req *r = dh_reqcat_find(&lc->cat, w);

        if (r == NULL) {
            complain(lc, 0, sc->file, sc->requirement_line,
                     "unknown requirement '%s' (not in %s)", w, lc->cat.path);
            continue;
        }
        lc->covered[r - lc->cat.v]++;
        if (!cites(sc->rfc, r->section))
            complain(lc, 1, sc->file, sc->rfc_line,
                     "%s is a requirement of %s, which the 'rfc' line does "
                     "not cite",
                     r->id, r->section);
    }
    free(copy);
}

/* check_id - no other file of this lint has the same id */
static void check_id(lint_ctx *lc, const dh_scenario *sc)
{
    size_t i;

    for (i = 0; i < lc->nids; i++)
        if (strcmp(lc->ids[i], sc->id) == 0) {
            complain(lc, 0, sc->file, 1, "id '%s' is also the id of %s", sc->id,
                     lc->files[i]);
            return;
        }
    lc->ids = dh_realloc(lc->ids, (lc->nids + 1) * sizeof(*lc->ids));
    lc->files = dh_realloc(lc->files, (lc->nids + 1) * sizeof(*lc->files));
    lc->ids[lc->nids] = dh_strdup(sc->id);
    lc->files[lc->nids++] = dh_strdup(sc->file);
}

/* lint_file - parse one file and check it; 1 if it parsed */
static int lint_file(lint_ctx *lc, const char *path)
{
    char err[1024];
    dh_scenario *sc = dh_scenario_load(path, err, sizeof(err));

    if (sc == NULL) {
        fprintf(stderr, "%s\n", err);
        lc->errors++;
        return 0;
    }
    check_id(lc, sc);
    check_requirements(lc, sc);
    dh_scenario_free(sc);
    return 1;
}

/* summary - the coverage, per level; uncovered requirements are
 * warnings when the whole folder was linted */
static void summary(lint_ctx *lc, size_t nfiles, size_t parsed, int whole)
{
    size_t i, l, covered = 0;

    for (i = 0; i < lc->cat.n; i++) {
        const dh_req *r = &lc->cat.v[i];

        covered += lc->covered[i] > 0;
        if (whole && !lc->covered[i] && strcmp(r->level, "INFO") != 0)
            complain(lc, 1, lc->cat.path, r->line,
                     "%s (%s, %s) is covered by no scenario", r->id, r->level,
                     r->section);
    }
    printf("lint: %zu scenario file(s), %zu parsed, %d error(s), %d "
           "warning(s)\n",
           nfiles, parsed, lc->errors, lc->warnings);
    printf("coverage: %zu of %zu catalog requirements cited by a scenario\n",
           covered, lc->cat.n);
    for (l = 0; dh_req_levels[l]; l++) {
        size_t all = 0, cov = 0;

        for (i = 0; i < lc->cat.n; i++)
            if (strcmp(lc->cat.v[i].level, dh_req_levels[l]) == 0) {
                all++;
                cov += lc->covered[i] > 0;
            }
        printf("  %-10s %3zu of %3zu\n", dh_req_levels[l], cov, all);
    }
}

/* lint_free - what the lint holds */
static void lint_free(lint_ctx *lc)
{
    size_t i;

    for (i = 0; i < lc->nids; i++) {
        free(lc->ids[i]);
        free(lc->files[i]);
    }
    free(lc->ids);
    free(lc->files);
    free(lc->covered);
    dh_reqcat_free(&lc->cat);
}

/* dh_cmd_lint - see commands.h */
int dh_cmd_lint(const dh_options *o)
{
    lint_ctx lc;
    char err[1024], *reqs = dh_cli_requirements_path(), *dir = NULL;
    char **files = NULL;
    size_t n = 0, i, parsed = 0;

    memset(&lc, 0, sizeof(lc));
    if (dh_reqcat_load(reqs, &lc.cat, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        free(reqs);
        return 2;
    }
    free(reqs);
    lc.covered = dh_calloc(lc.cat.n, sizeof(*lc.covered));
    if (o->shell_argv == NULL) {
        dir = dh_cli_scenario_dir(o);
        files = folder_files(dir, &n);
        if (files == NULL)
            complain(&lc, 0, dir, 0, "cannot read the scenario folder");
    }
    for (i = 0; o->shell_argv && o->shell_argv[i]; i++)
        parsed += (size_t)lint_file(&lc, o->shell_argv[i]);
    if (o->shell_argv)
        n = i;
    for (i = 0; files && i < n; i++)
        parsed += (size_t)lint_file(&lc, files[i]);
    summary(&lc, n, parsed, o->shell_argv == NULL);
    for (i = 0; files && i < n; i++)
        free(files[i]);
    free(files);
    free(dir);
    i = (size_t)lc.errors;
    lint_free(&lc);
    return i ? 2 : 0;
}
