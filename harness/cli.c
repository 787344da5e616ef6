/*
 * cli.c - options, locations, scenario selection (cli.h).
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "persona.h"
#include "util.h"

typedef enum {
    OPT_STRING, /* a const char * member */
    OPT_FLAG,   /* an int member set to 1 */
    OPT_JOBS,   /* --jobs N */
    OPT_SECS,   /* --timeout SECS */
    OPT_SHARD,  /* --shard K/N */
    OPT_VERBOSE,
    OPT_HELP,
    OPT_VERSION,
} opt_kind;

typedef struct {
    const char *name;
    char letter; /* short option, or 0 */
    opt_kind kind;
    size_t off; /* member of dh_options */
    const char *arg;
    const char *help;
} opt_def;

#define OFF(m) offsetof(dh_options, m)

/* Every option, once: getopt's table and the help are made from it. */
static const opt_def opts[] = {
    {"client", 'c', OPT_STRING, OFF(client), "CLIENT",
     "the client under test: a bundled adapter (refclient, postfix, exim, "
     "mx-connect) or an adapter's path, with extra words passed to it "
     "(verify-record: check the record's adapter against this one)"},
    {"json", 0, OPT_STRING, OFF(json), "FILE",
     "write the JSON report (diff: the changes as JSON)"},
    {"junit", 0, OPT_STRING, OFF(junit), "FILE", "write a JUnit XML report"},
    {"tap", 0, OPT_STRING, OFF(tap), "FILE", "write a TAP report"},
    {"html", 0, OPT_STRING, OFF(html), "FILE",
     "write the HTML report (matrix: the HTML matrix)"},
    {"expectations", 0, OPT_STRING, OFF(expectations), "FILE",
     "the client's known failures: FAIL becomes XFAIL, PASS XPASS "
     "(verify-record: check the record's against this file)"},
    {"record", 0, OPT_STRING, OFF(record), "FILE",
     "write the certification record: the digests of the harness, "
     "scenarios, adapter and evidence, and every verdict (check it with "
     "verify-record)"},
    {"scenarios", 0, OPT_STRING, OFF(scenarios), "DIR",
     "scenario files (default: the catalog)"},
    {"only", 0, OPT_STRING, OFF(only), "ID,...", "these scenarios only"},
    {"jobs", 0, OPT_JOBS, OFF(jobs), "N",
     "sends at once, for adapters that declare parallel (default 32)"},
    {"timeout", 0, OPT_SECS, OFF(timeout), "SECS",
     "deadline of each send: past it, HANG (default 60)"},
    {"shard", 0, OPT_SHARD, 0, "K/N",
     "run (or list) only shard K of N: a stable split by scenario id, so "
     "that N jobs together run every scenario once"},
    {"keep", 0, OPT_STRING, OFF(keep), "DIR",
     "keep the run folder in DIR (zones, keys, logs, events)"},
    {"inject", 0, OPT_STRING, OFF(inject), "FAULT,...",
     "break the harness's own fixture on purpose (nsd-stop, "
     "resolver-flush, fakemx-stop=SECS, events-full=ID)"},
    {"long", 0, OPT_FLAG, OFF(longlist), NULL, "list: with titles"},
    {"requirements", 0, OPT_FLAG, OFF(by_requirement), NULL,
     "list: scenarios by requirement, and the catalog's requirements no "
     "scenario covers"},
    {"personas", 0, OPT_FLAG, OFF(personas), NULL, "list: the personas"},
    {"faults", 0, OPT_FLAG, OFF(faults), NULL, "list: the DNS faults"},
    {"markdown", 0, OPT_FLAG, OFF(markdown), NULL, "list: as a Markdown table"},
    {"md", 0, OPT_STRING, OFF(md), "FILE",
     "matrix: write the Markdown matrix (else it goes to stdout)"},
    {"verbose", 'v', OPT_VERBOSE, 0, NULL, "progress (twice: details)"},
    {"help", 'h', OPT_HELP, 0, NULL, "this text"},
    {"version", 0, OPT_VERSION, 0, NULL, "the harness's version"},
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static char exe_dir[PATH_MAX];

/* put_help - one option's line: its form, then its help wrapped to 79
 * columns */
static void put_help(FILE *f, const char *lhs, const char *help)
{
    const int indent = 28, width = 79;
    int col = fprintf(f, "  %-*s", indent - 2, lhs);
    const char *w = help;

    if (col > indent) {
        fprintf(f, "\n%*s", indent, "");
        col = indent;
    }
    while (*w) {
        size_t n = strcspn(w, " ");

        if (col > indent && col + 1 + (int)n > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        }
        col += fprintf(f, "%s%.*s", col > indent ? " " : "", (int)n, w);
        w += n;
        while (*w == ' ')
            w++;
    }
    fputc('\n', f);
}

/* dh_cli_usage - see cli.h */
void dh_cli_usage(FILE *f, int status)
{
    size_t i;

    fprintf(f, "usage: dane-harness run --client CLIENT [OPTIONS]\n"
               "       dane-harness list [--scenarios DIR] [--long | "
               "--requirements | --personas | --faults] [--markdown]\n"
               "       dane-harness explain [--scenarios DIR] ID\n"
               "       dane-harness lint [FILE...]\n"
               "       dane-harness merge REPORT.json... [--json FILE] "
               "[--junit FILE]\n"
               "       dane-harness shell [--scenarios DIR] [--only ID,...] "
               "[-- COMMAND ARGS]\n"
               "       dane-harness diff BASE.json NEW.json [--json FILE]\n"
               "       dane-harness matrix [--html FILE] [--md FILE] "
               "REPORT.json...\n"
               "       dane-harness verify-record [--scenarios DIR] "
               "[--client CLIENT]\n"
               "                     [--expectations FILE] RECORD.json "
               "[REPORT.json]\n"
               "       dane-harness --help | --version\n\n");
    for (i = 0; i < NOPTS; i++) {
        char lhs[64];

        snprintf(lhs, sizeof(lhs), "%s%c%s--%s%s%s", opts[i].letter ? "-" : " ",
                 opts[i].letter ? opts[i].letter : ' ',
                 opts[i].letter ? ", " : "  ", opts[i].name,
                 opts[i].arg ? " " : "", opts[i].arg ? opts[i].arg : "");
        put_help(f, lhs, opts[i].help);
    }
    fprintf(f, "\nCLIENT is a bundled adapter name or the path of an adapter, "
               "followed by extra\nwords passed to it, e.g. --client "
               "\"refclient --mutant=no-dane\".\n"
               "Runs build their own network, mount and PID namespaces: as "
               "root, or rootless\n(in an unprivileged user namespace) for "
               "adapters that declare 'rootless'.\n"
               "Exit status: 0 no FAIL, 1 some FAIL/HANG/CRASH, 2 usage or "
               "harness error.\n"
               "The manual: man dane-harness (docs/dane-harness.1).\n");
    exit(status);
}

/* set_shard - "--shard K/N", 1 <= K <= N <= 1000, or exit 2 */
static void set_shard(dh_options *o, const char *arg)
{
    char *end;
    long k = strtol(arg, &end, 10), n = 0;

    if (*end == '/')
        n = strtol(end + 1, &end, 10);
    if (*end || n < 1 || n > 1000 || k < 1 || k > n) {
        fprintf(stderr, "dane-harness: --shard takes K/N with 1 <= K <= N "
                        "<= 1000, e.g. 2/3\n");
        exit(2);
    }
    o->shard_k = (int)k;
    o->shard_n = (int)n;
}

/* set - one option's value into o */
static void set(dh_options *o, const opt_def *d, const char *arg)
{
    char *base = (char *)o + d->off, *end;

    switch (d->kind) {
    case OPT_STRING:
        *(const char **)(void *)base = arg;
        break;
    case OPT_FLAG:
        *(int *)(void *)base = 1;
        break;
    case OPT_JOBS:
        o->jobs = (int)strtol(arg, &end, 10);
        if (*end || o->jobs < 1 || o->jobs > 256) {
            fprintf(stderr, "dane-harness: --jobs takes 1..256\n");
            exit(2);
        }
        break;
    case OPT_SECS:
        o->timeout = strtod(arg, &end);
        if (*end || o->timeout <= 0) {
            fprintf(stderr, "dane-harness: --timeout takes seconds\n");
            exit(2);
        }
        break;
    case OPT_SHARD:
        set_shard(o, arg);
        break;
    case OPT_VERBOSE:
        dh_diag_level++;
        break;
    case OPT_HELP:
        dh_cli_usage(stdout, 0);
    case OPT_VERSION:
        printf("%s\n", DH_VERSION_TEXT);
        exit(0);
    }
}

/* dh_cli_parse - see cli.h */
void dh_cli_parse(int argc, char **argv, dh_options *o)
{
    struct option longopts[NOPTS + 1];
    char shortopts[2 * NOPTS + 2] = "+";
    size_t i, ns = strcmp(argv[1], "shell") == 0; /* after the '+' */
    int ch, idx;

    memset(o, 0, sizeof(*o));
    memset(longopts, 0, sizeof(longopts));
    o->command = argv[1];
    o->timeout = 60;
    /* shell keeps the '+': options end at the first word (COMMAND ARGS
     * follow); the other commands take their words (files, an id)
     * anywhere */
    for (i = 0; i < NOPTS; i++) {
        longopts[i].name = opts[i].name;
        longopts[i].has_arg = opts[i].arg ? required_argument : no_argument;
        longopts[i].val = 256 + (int)i;
        if (opts[i].letter) {
            shortopts[ns++] = opts[i].letter;
            if (opts[i].arg)
                shortopts[ns++] = ':';
        }
    }
    shortopts[ns] = 0;
    optind = 2;
    while ((ch = getopt_long(argc, argv, shortopts, longopts, &idx)) != -1) {
        if (ch >= 256) {
            set(o, &opts[ch - 256], optarg);
            continue;
        }
        for (i = 0; i < NOPTS && opts[i].letter != ch; i++)
            ;
        if (i == NOPTS)
            dh_cli_usage(stderr, 2);
        set(o, &opts[i], optarg);
    }
    if (optind < argc)
        o->shell_argv = &argv[optind];
}

/* exe - the folder of this executable (once) */
static const char *exe(void)
{
    if (exe_dir[0] == 0) {
        ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);

        if (n <= 0)
            dh_fatal("cannot find my own executable: %s", strerror(errno));
        exe_dir[n] = 0;
        dirname(exe_dir);
    }
    return exe_dir;
}

/* exists - is there a file or folder at path? */
static int exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* first_of - the first of two candidates that exists (else the second),
 * absolute; new string */
static char *first_of(const char *a, const char *b)
{
    char *p = dh_strdup(exists(a) ? a : b), *abs = realpath(p, NULL);

    if (abs) {
        free(p);
        return abs;
    }
    return p;
}

/* dh_cli_libexec_dir - see cli.h */
char *dh_cli_libexec_dir(void)
{
    char *probe = dh_asprintf("%s/dane-fakemx", exe());
    char *inst = dh_asprintf("%s/../libexec/dane-harness", exe());
    char *p = exists(probe) ? dh_strdup(exe()) : dh_strdup(inst);

    free(probe);
    free(inst);
    return p;
}

/* dh_cli_data_dir - see cli.h */
char *dh_cli_data_dir(void)
{
    char *probe = dh_asprintf("%s/../certs/personas.conf", exe());
    char *src = dh_asprintf("%s/..", exe());
    char *inst = dh_asprintf("%s/../share/dane-harness", exe());
    char *p = first_of(exists(probe) ? src : inst, inst);

    free(probe);
    free(src);
    free(inst);
    return p;
}

/* dh_cli_load_personas - see cli.h */
void dh_cli_load_personas(void)
{
    char *dir = dh_cli_data_dir();
    char *path = dh_asprintf("%s/certs/personas.conf", dir);
    char err[1024];

    if (dh_personas_load(path, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    free(path);
    free(dir);
}

/* dh_cli_scenario_dir - see cli.h; absolute, so that reasons name
 * scenario files without "build/.." */
char *dh_cli_scenario_dir(const dh_options *o)
{
    char *src, *inst, *p;

    if (o && o->scenarios)
        return dh_strdup(o->scenarios);
    src = dh_asprintf("%s/../scenarios", exe());
    inst = dh_asprintf("%s/../share/dane-harness/scenarios", exe());
    p = first_of(src, inst);
    free(src);
    free(inst);
    return p;
}

/* dh_cli_requirements_path - see cli.h */
char *dh_cli_requirements_path(void)
{
    char *dir = dh_cli_scenario_dir(NULL);
    char *p = dh_asprintf("%s/requirements.tsv", dir);

    free(dir);
    return p;
}

/* dh_cli_shard_of - see cli.h: FNV-1a (32 bits) of the id, mixed by
 * MurmurHash3's finaliser (FNV's low bits alone split ids that differ in
 * their last letters badly), mod n.  Never change it: CI jobs rely on a
 * scenario staying in its shard. */
int dh_cli_shard_of(const char *id, int n)
{
    unsigned int h = 2166136261u;

    for (; *id; id++)
        h = (h ^ (unsigned char)*id) * 16777619u;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return (int)(h % (unsigned int)n) + 1;
}

/* in_list - is id one of the comma-separated words of list? */
static int in_list(const char *list, const char *id)
{
    char *copy = dh_strdup(list), *save = NULL, *w;
    int hit = 0;

    for (w = strtok_r(copy, ",", &save); w && !hit;
         w = strtok_r(NULL, ",", &save))
        hit = strcmp(w, id) == 0;
    free(copy);
    return hit;
}

/* dh_cli_selected - see cli.h */
int dh_cli_selected(const char *only, int shard_k, int shard_n, const char *id)
{
    return (only == NULL || in_list(only, id)) &&
           (shard_n == 0 || dh_cli_shard_of(id, shard_n) == shard_k);
}

/* check_only - every id of --only names a scenario, or exit 2 */
static void check_only(const char *only, dh_scenario **v, size_t n)
{
    char *copy = dh_strdup(only), *save = NULL, *w;
    size_t i;

    for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        for (i = 0; i < n && strcmp(v[i]->id, w) != 0; i++)
            ;
        if (i == n) {
            fprintf(stderr, "dane-harness: --only: no scenario '%s'\n", w);
            exit(2);
        }
    }
    free(copy);
}

/* dh_cli_load_scenarios - see cli.h */
dh_scenario **dh_cli_load_scenarios(const dh_options *o, size_t *n)
{
    char err[1024], *dir = dh_cli_scenario_dir(o);
    dh_scenario **v;
    size_t all, i, k = 0;

    if (dh_scenario_load_dir(dir, &v, &all, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    free(dir);
    if (o->only)
        check_only(o->only, v, all);
    for (i = 0; i < all; i++) {
        if (dh_cli_selected(o->only, o->shard_k, o->shard_n, v[i]->id))
            v[k++] = v[i];
        else
            dh_scenario_free(v[i]);
    }
    if (k == 0) {
        fprintf(stderr, "dane-harness: %s%s%s%s selects no scenario%s\n",
                o->only ? "--only " : "", o->only ? o->only : "",
                o->only && o->shard_n ? " with " : "",
                o->shard_n ? "this --shard" : "",
                o->shard_n ? " (use fewer shards)" : "");
        exit(2);
    }
    *n = k;
    return v;
}

/* dh_cli_check_output - see cli.h */
void dh_cli_check_output(const char *option, const char *path)
{
    struct stat st;
    int existed, fd;

    if (path == NULL)
        return;
    existed = stat(path, &st) == 0;
    /* no truncation yet, no wait for a FIFO's reader */
    fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NONBLOCK | O_CLOEXEC,
              0644);
    if (fd < 0) {
        fprintf(stderr, "dane-harness: %s %s: cannot write it: %s\n", option,
                path, strerror(errno));
        exit(2);
    }
    close(fd);
    if (!existed)
        unlink(path);
}

/* dh_cli_abs_path - see cli.h */
char *dh_cli_abs_path(const char *p)
{
    char cwd[PATH_MAX];

    if (p == NULL)
        return NULL;
    if (p[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
        return dh_strdup(p);
    return dh_asprintf("%s/%s", cwd, p);
}
