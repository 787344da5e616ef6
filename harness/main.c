/*
 * main.c - the dane-harness command line.
 *
 *   dane-harness run --client CLIENT [--json FILE] [--junit FILE]
 *                    [--tap FILE] [--html FILE] [--expectations FILE]
 *                    [--scenarios DIR]
 *                    [--only ID,...]
 *                    [--jobs N] [--timeout SECS] [--keep DIR] [-v]
 *   dane-harness list [--scenarios DIR] [--long | --requirements |
 *                     --personas]
 *   dane-harness shell [--scenarios DIR] [--only ID,...] [-- CMD ARGS]
 *
 * Exit status: 0 no FAIL, 1 some FAIL/HANG/CRASH, 2 usage or harness
 * error (including a scenario ERROR when nothing failed).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client.h"
#include "inject.h"
#include "lamedns.h"
#include "oracle.h"
#include "persona.h"
#include "proc.h"
#include "report.h"
#include "resolve.h"
#include "sandbox.h"
#include "scenario.h"
#include "util.h"
#include "world.h"

typedef struct {
    const char *client;
    const char *json;
    const char *junit;
    const char *tap;
    const char *html;
    const char *expectations;
    const char *scenarios;
    const char *only;
    const char *keep;
    const char *inject;
    int jobs;
    double timeout;
    int longlist;
    int by_requirement;
    int personas;
    int markdown;
    int faults;
    char **shell_argv;
} options;

static char exe_dir[PATH_MAX];

/* usage - print help; exit with status */
static void usage(FILE *f, int status)
{
    fprintf(f,
            "usage: dane-harness run --client CLIENT [--json FILE] "
            "[--junit FILE] [--tap FILE]\n"
            "                        [--html FILE] [--expectations FILE]\n"
            "                        [--scenarios DIR] [--only ID,...] "
            "[--jobs N] [--timeout SECS]\n"
            "                        [--keep DIR] [--inject FAULT,...] [-v]\n"
            "       dane-harness list [--scenarios DIR] [--long | "
            "--requirements | --personas]\n"
            "       dane-harness shell [--scenarios DIR] [--only ID,...] "
            "[-- COMMAND ARGS]\n"
            "\n"
            "CLIENT is a bundled adapter name (refclient, postfix) or the "
            "path of an\n"
            "adapter, followed by extra words passed to it, e.g.\n"
            "  --client \"refclient --mutant=no-dane\"\n"
            "Runs need root: the harness builds its own network, mount and "
            "PID namespaces.\n"
            "Exit status: 0 no FAIL, 1 some FAIL/HANG/CRASH, 2 usage or "
            "harness error.\n");
    exit(status);
}

/* find_exe_dir - folder of this executable */
static void find_exe_dir(void)
{
    ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof(exe_dir) - 1);

    if (n <= 0)
        dh_fatal("cannot find my own executable: %s", strerror(errno));
    exe_dir[n] = 0;
    dirname(exe_dir);
}

/* exists - is there a file or folder at path? */
static int exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

/* libexec_dir - where dane-fakemx and the adapters are */
static char *libexec_dir(void)
{
    char *p = dh_asprintf("%s/dane-fakemx", exe_dir);

    if (exists(p)) {
        free(p);
        return dh_strdup(exe_dir);
    }
    free(p);
    return dh_asprintf("%s/../libexec/dane-harness", exe_dir);
}

/* data_dir - the folder of certs/ and zones/: the source tree's, or the
 * installed share/dane-harness (new string) */
static char *data_dir(void)
{
    char *p = dh_asprintf("%s/../certs/personas.conf", exe_dir), *abs;

    if (exists(p)) {
        free(p);
        p = dh_asprintf("%s/..", exe_dir);
    } else {
        free(p);
        p = dh_asprintf("%s/../share/dane-harness", exe_dir);
    }
    if ((abs = realpath(p, NULL)) != NULL) {
        free(p);
        p = abs;
    }
    return p;
}

/* load_personas - certs/personas.conf of the data folder, or exit 2 */
static void load_personas(void)
{
    char *dir = data_dir(), *path = dh_asprintf("%s/certs/personas.conf", dir);
    char err[1024];

    if (dh_personas_load(path, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    free(path);
    free(dir);
}

/* scenario_dir - --scenarios, else the source tree's or the installed */
static char *scenario_dir(const options *o)
{
    char *p, *abs;

    if (o->scenarios)
        return dh_strdup(o->scenarios);
    p = dh_asprintf("%s/../scenarios", exe_dir);
    if (!exists(p)) {
        free(p);
        p = dh_asprintf("%s/../share/dane-harness/scenarios", exe_dir);
    }
    /* reasons quote scenario files: name them without "build/.." */
    if ((abs = realpath(p, NULL)) != NULL) {
        free(p);
        p = abs;
    }
    return p;
}

/* parse_options - common options of all commands */
static void parse_options(int argc, char **argv, options *o)
{
    static const struct option longopts[] = {
        {"client", required_argument, NULL, 'c'},
        {"json", required_argument, NULL, 'j'},
        {"junit", required_argument, NULL, 'J'},
        {"tap", required_argument, NULL, 'T'},
        {"html", required_argument, NULL, 'H'},
        {"expectations", required_argument, NULL, 'E'},
        {"scenarios", required_argument, NULL, 's'},
        {"only", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 't'},
        {"keep", required_argument, NULL, 'k'},
        {"inject", required_argument, NULL, 'I'},
        {"long", no_argument, NULL, 'l'},
        {"requirements", no_argument, NULL, 'R'},
        {"personas", no_argument, NULL, 'P'},
        {"markdown", no_argument, NULL, 'M'},
        {"faults", no_argument, NULL, 'F'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;

    memset(o, 0, sizeof(*o));
    o->timeout = 60;
    optind = 2;
    while ((ch = getopt_long(argc, argv, "+c:vh", longopts, NULL)) != -1) {
        char *end;

        switch (ch) {
        case 'c':
            o->client = optarg;
            break;
        case 'j':
            o->json = optarg;
            break;
        case 'J':
            o->junit = optarg;
            break;
        case 'T':
            o->tap = optarg;
            break;
        case 'H':
            o->html = optarg;
            break;
        case 'E':
            o->expectations = optarg;
            break;
        case 's':
            o->scenarios = optarg;
            break;
        case 'o':
            o->only = optarg;
            break;
        case 'k':
            o->keep = optarg;
            break;
        case 'I':
            o->inject = optarg;
            break;
        case 'l':
            o->longlist = 1;
            break;
        case 'R':
            o->by_requirement = 1;
            break;
        case 'P':
            o->personas = 1;
            break;
        case 'M':
            o->markdown = 1;
            break;
        case 'F':
            o->faults = 1;
            break;
        case 'v':
            dh_diag_level++;
            break;
        case 'p':
            o->jobs = (int)strtol(optarg, &end, 10);
            if (*end || o->jobs < 1 || o->jobs > 256) {
                fprintf(stderr, "dane-harness: --jobs takes 1..256\n");
                exit(2);
            }
            break;
        case 't':
            o->timeout = strtod(optarg, &end);
            if (*end || o->timeout <= 0) {
                fprintf(stderr, "dane-harness: --timeout takes seconds\n");
                exit(2);
            }
            break;
        case 'h':
            usage(stdout, 0);
            break;
        default:
            usage(stderr, 2);
        }
    }
    if (optind < argc)
        o->shell_argv = &argv[optind];
}

/* in_only - is this id selected by --only? */
static int in_only(const char *only, const char *id)
{
    char *copy, *save = NULL, *w;
    int hit = 0;

    if (only == NULL)
        return 1;
    copy = dh_strdup(only);
    for (w = strtok_r(copy, ",", &save); w && !hit;
         w = strtok_r(NULL, ",", &save))
        hit = strcmp(w, id) == 0;
    free(copy);
    return hit;
}

/* load_scenarios - the selected scenarios, or exit 2 */
static dh_scenario **load_scenarios(const options *o, size_t *n)
{
    char err[1024], *dir = scenario_dir(o);
    dh_scenario **v;
    size_t all, i, k = 0;

    if (dh_scenario_load_dir(dir, &v, &all, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    free(dir);
    for (i = 0; i < all; i++) {
        if (in_only(o->only, v[i]->id))
            v[k++] = v[i];
        else
            dh_scenario_free(v[i]);
    }
    if (k == 0) {
        fprintf(stderr, "dane-harness: --only %s selects no scenario\n",
                o->only);
        exit(2);
    }
    if (o->only) {
        char *copy = dh_strdup(o->only), *save = NULL, *w;

        for (w = strtok_r(copy, ",", &save); w;
             w = strtok_r(NULL, ",", &save)) {
            for (i = 0; i < k && strcmp(v[i]->id, w) != 0; i++)
                ;
            if (i == k) {
                fprintf(stderr, "dane-harness: --only: no scenario '%s'\n", w);
                exit(2);
            }
        }
        free(copy);
    }
    *n = k;
    return v;
}

/* cmp_str - qsort order of strings */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* list_requirements - "REQUIREMENT scenario scenario ..." lines */
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

/* cmd_list - print the scenario ids */
static int cmd_list(const options *o)
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
    v = load_scenarios(o, &n);

    if (o->by_requirement) {
        list_requirements(v, n);
        dh_scenario_free_all(v, n);
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (o->longlist)
            printf("%-34s %-9s %-16s %s  [%s]\n", v[i]->id,
                   dh_severity_name(v[i]->severity),
                   dh_expect_name(v[i]->expect), v[i]->title, v[i]->rfc);
        else
            printf("%s\n", v[i]->id);
    }
    dh_scenario_free_all(v, n);
    return 0;
}

/* sweep_stale - remove the empty mount points that runs killed with
 * SIGKILL left behind: /tmp/dane-harness.PID.* whose PID is gone (a live
 * run's folder is never touched: its PID exists) */
static void sweep_stale(void)
{
    DIR *d = opendir("/tmp");
    struct dirent *de;

    if (d == NULL)
        return;
    while ((de = readdir(d)) != NULL) {
        char *end, *path;
        long pid;

        if (strncmp(de->d_name, "dane-harness.", 13) != 0)
            continue;
        pid = strtol(de->d_name + 13, &end, 10);
        if (end == de->d_name + 13 || *end != '.' || pid <= 0 ||
            kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        path = dh_asprintf("/tmp/%s", de->d_name);
        rmdir(path); /* only ever succeeds on an empty folder */
        free(path);
    }
    closedir(d);
}

/* make_rundir - the run folder (a tmpfs inside the sandbox unless kept);
 * its name carries this process's PID so that a later run can tell a
 * stale one */
static char *make_rundir(const options *o)
{
    char tmpl[64];
    char *abs;

    if (o->keep) {
        if (dh_mkdir_p(o->keep, 0755) < 0)
            dh_fatal("cannot create %s: %s", o->keep, strerror(errno));
        abs = realpath(o->keep, NULL);
        if (abs == NULL)
            dh_fatal("%s: %s", o->keep, strerror(errno));
        chmod(abs, 0755);
        return abs;
    }
    sweep_stale();
    snprintf(tmpl, sizeof(tmpl), "/tmp/dane-harness.%ld.XXXXXX",
             (long)getpid());
    if (mkdtemp(tmpl) == NULL)
        dh_fatal("cannot create a run folder in /tmp: %s", strerror(errno));
    return dh_strdup(tmpl);
}

/* abs_path - absolute form of an output path given on the command line */
static const char *abs_path(const char *p)
{
    char cwd[PATH_MAX];

    if (p == NULL || p[0] == '/')
        return p;
    if (getcwd(cwd, sizeof(cwd)) == NULL)
        return p;
    return dh_asprintf("%s/%s", cwd, p);
}

/* bring_up - sandbox, world, daemons, self-check; the world or NULL */
static dh_world *bring_up(dh_scenario **v, size_t n, const char *rundir,
                          const char *libexec, const char **errp)
{
    char *datadir = data_dir();
    dh_world *w = dh_world_plan(v, n, rundir, libexec, datadir);

    free(datadir);

    if (dh_world_start_fakemx(w) < 0) {
        *errp = "the fake MX daemon did not start";
        return w;
    }
    dh_world_zones(w);
    dh_info("world built in %.3f s (%zu scenarios)", w->t_build, n);
    if (dh_sandbox_resolv_conf(w->resolv_path) < 0) {
        *errp = "cannot install the sandbox resolv.conf";
        return w;
    }
    if (dh_world_start(w) < 0) {
        *errp = "the world's daemons did not start (see the warnings "
                "above)";
        return w;
    }
    dh_info("world up in %.3f s", w->t_start);
    dh_world_check_served(w);
    dh_world_selfcheck(w);
    return w;
}

/* observe - after the sends: are the daemons still there, what did they
 * see, and was the world as declared for every attempt?  Stops the
 * daemons one by one so that each closes its evidence.  NULL, or the
 * harness error (new string): the run then gives no client verdict. */
static char *observe(dh_world *w, dh_result *res, size_t n, dh_run_obs *run)
{
    char *harness_error = dh_world_alive(w), err[1024];
    char **faults = dh_calloc(n, sizeof(*faults));
    dh_obs_sink *sinks = dh_calloc(n, sizeof(*sinks));
    dh_oracle_case *cases = dh_calloc(n, sizeof(*cases));
    size_t i;

    if (harness_error == NULL)
        dh_world_selfcheck_after(w, faults);
    for (i = 0; i < n; i++) {
        res[i].ws = &w->scn[i];
        dh_obs_init(&res[i].obs);
        sinks[i].scenario = w->scn[i].sc->id; /* sorted by id */
        sinks[i].token = w->scn[i].token;
        sinks[i].obs = &res[i].obs;
    }
    dh_world_stop_fakemx(w);
    if (dh_obs_load_events(w->events_path, sinks, n, run, err, sizeof(err)) <
            0 &&
        harness_error == NULL)
        harness_error = dh_strdup(err);
    dh_world_stop_resolver(w);
    if (dh_obs_load_resolver(w->unbound_log, sinks, n, DH_SELFCHECK_ADDR, run,
                             err, sizeof(err)) < 0 &&
        harness_error == NULL)
        harness_error = dh_strdup(err);
    if (harness_error == NULL) {
        for (i = 0; i < n; i++) {
            cases[i].ws = &w->scn[i];
            cases[i].obs = &res[i].obs;
            cases[i].att = &res[i].attempt;
        }
        dh_oracle_judge(w, run, cases, n);
        /* what went wrong during the attempt explains more than a state
         * found wrong after it */
        for (i = 0; i < n; i++) {
            if (cases[i].fault) {
                w->scn[i].fault = cases[i].fault;
                free(faults[i]);
            } else {
                w->scn[i].fault = faults[i];
            }
        }
    } else {
        for (i = 0; i < n; i++)
            free(faults[i]);
    }
    dh_world_stop(w);
    free(cases);
    free(sinks);
    free(faults);
    return harness_error;
}

/* judge - every scenario's verdict, against the expectations file */
static void judge(dh_scenario **v, size_t n, const dh_world *w,
                  const dh_client *client, const char *harness_error,
                  const dh_xfail *xfails, size_t nxfails, dh_result *res)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const dh_world_scn *ws = &w->scn[i];
        dh_judge_in in;

        in.sc = v[i];
        in.fixture_error = ws->error   ? ws->error
                           : ws->fault ? ws->fault
                                       : harness_error;
        in.skip_reason = v[i]->requires_ipv6 && !client->ipv6
                             ? "needs IPv6; the adapter does not declare "
                               "the ipv6 capability"
                             : NULL;
        res[i].verdict = dh_judge(&in, &res[i].obs, &res[i].attempt);
        dh_xfail_apply(xfails, nxfails, v[i]->id, &res[i].verdict);
    }
}

/* write_reports - the console table and the files asked for */
static void write_reports(const options *o, dh_report *rep)
{
    dh_report_console(stdout, rep, isatty(1));
    if (o->json)
        dh_report_json(o->json, rep);
    if (o->junit)
        dh_report_junit(o->junit, rep);
    if (o->tap)
        dh_report_tap(o->tap, rep);
    if (o->html)
        dh_report_html(o->html, rep);
}

/* load_expectations - the --expectations file, or exit 2 */
static void load_expectations(const options *o, dh_scenario **v, size_t n,
                              dh_xfail **xfails, size_t *nxfails)
{
    const char **ids;
    char err[1024];
    size_t i;

    *xfails = NULL;
    *nxfails = 0;
    if (o->expectations == NULL)
        return;
    ids = dh_calloc(n + 1, sizeof(*ids));
    for (i = 0; i < n; i++)
        ids[i] = v[i]->id;
    /* with --only, lines for scenarios left out are fine */
    if (dh_xfail_load(o->expectations, o->only ? NULL : ids, xfails, nxfails,
                      err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    free(ids);
}

/* cmd_run - the whole job: world, client, observations, verdicts,
 * reports */
static int cmd_run(options *o)
{
    size_t n, i;
    dh_scenario **v;
    char *rundir, *libexec = libexec_dir(), err[1024];
    dh_client client;
    dh_world *w;
    dh_report rep;
    dh_result *res;
    dh_run_obs run;
    char *failed = NULL;
    dh_xfail *xfails;
    size_t nxfails;
    const char *harness_error = NULL;
    int status, observed = 0;

    if (o->client == NULL) {
        fprintf(stderr, "dane-harness: run needs --client CLIENT\n");
        usage(stderr, 2);
    }
    o->json = abs_path(o->json);
    o->junit = abs_path(o->junit);
    o->tap = abs_path(o->tap);
    o->html = abs_path(o->html);
    if (o->inject && dh_inject_parse(o->inject, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        return 2;
    }
    v = load_scenarios(o, &n);
    load_expectations(o, v, n, &xfails, &nxfails);
    if (dh_client_open(&client, o->client, libexec, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        return 2;
    }
    client.timeout = o->timeout;
    rundir = make_rundir(o);
    dh_sandbox_enter(rundir, o->keep != NULL);

    /* From here on: PID 1 of the sandbox. */
    dh_proc_init();
    signal(SIGPIPE, SIG_IGN);
    memset(&rep, 0, sizeof(rep));
    dh_run_obs_init(&run);
    rep.started = dh_now();
    w = bring_up(v, n, rundir, libexec, &harness_error);
    dh_client_env(w);
    if (harness_error == NULL) {
        dh_client_probe(&client, w);
        if (dh_client_setup(&client, w) < 0)
            harness_error = "the adapter's setup failed (see the warning "
                            "above)";
    }
    res = dh_calloc(n, sizeof(*res));
    if (harness_error == NULL) {
        dh_attempt *att = dh_calloc(n, sizeof(*att));

        dh_client_send_all(&client, w, att,
                           o->jobs ? o->jobs : (int)(n < 32 ? n : 32));
        for (i = 0; i < n; i++)
            res[i].attempt = att[i];
        free(att);
        dh_client_teardown(&client, w);
        harness_error = failed = observe(w, res, n, &run);
        observed = 1;
    } else {
        for (i = 0; i < n; i++)
            res[i].ws = &w->scn[i];
        dh_world_stop(w);
    }
    if (harness_error)
        dh_warn("%s", harness_error);
    judge(v, n, w, &client, harness_error, xfails, nxfails, res);
    dh_xfail_free(xfails, nxfails);
    rep.client = &client;
    rep.world = w;
    rep.results = res;
    rep.n = n;
    rep.run = observed ? &run : NULL;
    rep.duration = dh_now() - rep.started;
    rep.harness_error = harness_error;
    write_reports(o, &rep);
    if (o->keep)
        printf("run folder kept: %s\n", rundir);
    fflush(stdout);
    status = dh_report_exit_status(&rep);
    dh_proc_stop_all();
    for (i = 0; i < n; i++) {
        dh_verdict_free(&res[i].verdict);
        dh_obs_free(&res[i].obs);
        free(res[i].attempt.outcome_line);
    }
    free(res);
    dh_run_obs_free(&run);
    dh_world_free(w);
    free(failed);
    dh_client_close(&client);
    dh_scenario_free_all(v, n);
    free(rundir);
    free(libexec);
    return status;
}

/* cmd_shell - bring the world up and run a command inside it */
static int cmd_shell(options *o)
{
    size_t n, i;
    dh_scenario **v = load_scenarios(o, &n);
    char *rundir = make_rundir(o), *libexec = libexec_dir();
    const char *harness_error = NULL;
    char *sh_argv[] = {"/bin/sh", "-i", NULL};
    char **argv = o->shell_argv ? o->shell_argv : sh_argv;
    dh_world *w;
    pid_t pid;
    int st = 0;

    dh_sandbox_enter(rundir, o->keep != NULL);
    dh_proc_init();
    w = bring_up(v, n, rundir, libexec, &harness_error);
    dh_client_env(w);
    if (harness_error) {
        dh_warn("%s", harness_error);
        dh_proc_stop_all();
        return 2;
    }
    for (i = 0; i < n; i++) {
        if (w->scn[i].error)
            dh_warn("%s: %s", v[i]->id, w->scn[i].error);
        else
            fprintf(stderr, "dane-harness: %-28s postmaster@%s\n", v[i]->id,
                    w->scn[i].domain);
    }
    fprintf(stderr, "dane-harness: world up in %.2f s; run folder %s\n",
            w->t_start, rundir);
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        sigset_t none;

        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execvp(argv[0], argv);
        fprintf(stderr, "dane-harness: cannot run %s: %s\n", argv[0],
                strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    dh_proc_stop_all();
    dh_world_free(w);
    dh_scenario_free_all(v, n);
    free(rundir);
    free(libexec);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

int main(int argc, char **argv)
{
    options o;

    setvbuf(stdout, NULL, _IOLBF, 0);
    dh_diag_init("dane-harness", 0);
    if (argc < 2)
        usage(stderr, 2);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        usage(stdout, 0);
    if (strcmp(argv[1], "__lamedns") == 0) /* started by the harness */
        return dh_lamedns_main();
    if (strcmp(argv[1], "--version") == 0) {
        printf("dane-harness 0.1.0\n");
        return 0;
    }
    find_exe_dir();
    parse_options(argc, argv, &o);
    load_personas();
    if (strcmp(argv[1], "run") == 0)
        return cmd_run(&o);
    if (strcmp(argv[1], "list") == 0)
        return cmd_list(&o);
    if (strcmp(argv[1], "shell") == 0)
        return cmd_shell(&o);
    fprintf(stderr, "dane-harness: unknown command '%s'\n", argv[1]);
    usage(stderr, 2);
}
