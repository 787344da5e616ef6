/*
 * run.c - dane-harness run: the whole job, as a sequence of stages
 * (commands.h).
 *
 *   prepare       options, faults to inject, scenarios, expectations, the
 *                 client's adapter (a mistake: exit 2, nothing started)
 *   sandbox       the run folder and the namespaces (sandbox.c); from
 *                 here on the process is PID 1 of the sandbox
 *   bring up      the world (bringup.c)
 *   client up     the adapter's version, capabilities and setup (client.c)
 *   sends         one message per scenario (client.c), then teardown
 *   observe       the daemons' evidence and the run-time oracle (observe.c,
 *                 oracle.c)
 *   judge         one verdict per scenario (verdict.c)
 *   report        console, JSON, JUnit, TAP, HTML (report.c)
 *
 * Everything the run holds is in one run_ctx; release() frees it on the
 * way out.
 */
#include "commands.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bringup.h"
#include "client.h"
#include "inject.h"
#include "oracle.h"
#include "proc.h"
#include "progress.h"
#include "record.h"
#include "report.h"
#include "sandbox.h"
#include "term.h"
#include "util.h"

typedef struct {
    dh_scenario **v;
    size_t n;
    dh_xfail *xfails;
    size_t nxfails;
    dh_client client;
    char *json, *junit, *tap, *html, *record; /* absolute */
    dh_record_ctx rec;                        /* when record */
    char *rundir, *libexec, *datadir;
    dh_world *w;
    dh_result *res;
    dh_run_obs run;
    int observed;              /* the sends ran: run holds their evidence */
    dh_oracle_snaps *snaps;    /* per scenario: the world before changes */
    const char *harness_error; /* static, or harness_error_owned */
    char *harness_error_owned;
    double started;
} run_ctx;

/* keep_faults - each scenario's fault: one between attempts came first;
 * what went wrong during the attempt explains more than a state found
 * wrong after it */
static void keep_faults(dh_world *w, dh_oracle_case *cases, char **faults,
                        size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (w->scn[i].fault) {
            free(cases[i].fault);
            free(faults[i]);
        } else if (cases[i].fault) {
            w->scn[i].fault = cases[i].fault;
            free(faults[i]);
        } else {
            w->scn[i].fault = faults[i];
        }
    }
}

/* observe - after the sends: are the daemons still there, what did they
 * see, and was the world as declared for every attempt?  Stops the
 * daemons one by one so that each closes its evidence.  NULL, or the
 * harness error (new string): the run then gives no client verdict. */
static char *observe(dh_world *w, dh_result *res, size_t n, dh_run_obs *run,
                     const dh_oracle_snaps *snaps)
{
    char *harness_error = dh_world_alive(w), err[1024], *died;
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
    died = dh_world_stop_fakemx(w);
    if (harness_error == NULL)
        harness_error = died;
    else
        free(died);
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
            cases[i].snaps = snaps ? &snaps[i] : NULL;
        }
        dh_oracle_judge(w, run, cases, n);
        keep_faults(w, cases, faults, n);
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

/* judge_one - one scenario's verdict: one attempt of one message, or
 * its steps across time and messages */
static dh_verdict judge_one(const dh_judge_in *in, const dh_result *res,
                            const dh_world_scn *ws)
{
    const dh_scenario *sc = in->sc;
    const char **tokens;
    dh_verdict v;
    size_t m;

    if (sc->nmessages == 1 && sc->nattempts == 1)
        return dh_judge(in, &res->obs, &res->attempt);
    tokens = dh_calloc(sc->nmessages, sizeof(*tokens));
    for (m = 0; m < sc->nmessages; m++)
        tokens[m] = ws->msgs[m].token;
    v = dh_judge_steps(in, &res->obs, &res->atts, tokens);
    free(tokens);
    return v;
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
        in.skip_reason = dh_client_cannot(client, v[i]);
        res[i].verdict = judge_one(&in, &res[i], ws);
        res[i].foreseen = res[i].verdict.kind;
        dh_xfail_apply(xfails, nxfails, v[i]->id, &res[i].verdict);
    }
}

/* rootless_refusal - why a rootless run cannot test this client (new
 * string) */
static char *rootless_refusal(const run_ctx *r)
{
    return dh_asprintf("this is a rootless run (not root: an unprivileged "
                       "user namespace), and the adapter '%s' does not "
                       "declare the capability 'rootless': its client "
                       "switches user IDs or needs real root (Postfix and "
                       "Exim do); run dane-harness as root",
                       r->client.name);
}

/* progress_done - the verdict counts on the progress line */
static void progress_done(const dh_result *res, size_t n)
{
    size_t counts[DH_V_KINDS] = {0}, i;

    for (i = 0; i < n; i++)
        counts[res[i].verdict.kind]++;
    dh_progress_done(counts);
}

/* write_reports - the console table and the files asked for; 0, or -1
 * when one could not be written (warned) */
static int write_reports(const run_ctx *r, dh_report *rep)
{
    int rc = 0;

    dh_report_console(stdout, rep, dh_term_color(stdout));
    if (r->json)
        rc |= dh_report_json(r->json, rep);
    if (r->junit)
        rc |= dh_report_junit(r->junit, rep);
    if (r->tap)
        rc |= dh_report_tap(r->tap, rep);
    if (r->html)
        rc |= dh_report_html(r->html, rep);
    if (r->record)
        rc |= dh_record_write(r->record, &r->rec, rep);
    return rc;
}

/* load_expectations - the --expectations file, or exit 2 */
static void load_expectations(const dh_options *o, dh_scenario **v, size_t n,
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
    /* with --only or --shard, lines for scenarios left out are fine */
    if (dh_xfail_load(o->expectations, o->only || o->shard_n ? NULL : ids,
                      xfails, nxfails, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    free(ids);
}

/* prepare - what the run needs before anything starts; exit 2 on a
 * mistake */
static void prepare(const dh_options *o, run_ctx *r)
{
    char err[1024];

    if (o->client == NULL) {
        fprintf(stderr, "dane-harness: run needs --client CLIENT\n");
        dh_cli_usage(stderr, 2);
    }
    if (o->inject && dh_inject_parse(o->inject, err, sizeof(err)) < 0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    r->json = dh_cli_abs_path(o->json);
    r->junit = dh_cli_abs_path(o->junit);
    r->tap = dh_cli_abs_path(o->tap);
    r->html = dh_cli_abs_path(o->html);
    r->record = dh_cli_abs_path(o->record);
    dh_cli_check_output("--json", r->json);
    dh_cli_check_output("--junit", r->junit);
    dh_cli_check_output("--tap", r->tap);
    dh_cli_check_output("--html", r->html);
    dh_cli_check_output("--record", r->record);
    r->v = dh_cli_load_scenarios(o, &r->n);
    load_expectations(o, r->v, r->n, &r->xfails, &r->nxfails);
    r->libexec = dh_cli_libexec_dir();
    r->datadir = dh_cli_data_dir();
    if (dh_client_open(&r->client, o->client, r->libexec, err, sizeof(err)) <
        0) {
        fprintf(stderr, "dane-harness: %s\n", err);
        exit(2);
    }
    r->client.timeout = o->timeout;
    if (r->record)
        dh_record_prepare(&r->rec, o, &r->client);
}

/* The shortest time between two attempts of a scenario (seconds). */
#define DH_RETRY_GAP 0.75

/* between - scenario i's world for attempt k (client.h's hooks): the
 * wait past the TTLs before it, or -1 with its fault set */
static double between(void *ctx, size_t i, int k)
{
    run_ctx *r = ctx;
    dh_world_scn *ws = &r->w->scn[i];
    char *why;

    if (dh_scenario_dns_changes(ws->sc, k))
        dh_oracle_snapshot(r->w, ws, &r->snaps[i]);
    why = dh_world_step(r->w, ws, k);
    if (why) {
        free(ws->fault);
        ws->fault = why;
        return -1;
    }
    /* at least a short gap: each connection is then seen to belong to
     * one attempt (verdict_steps.c's window slack is smaller) */
    return dh_scenario_wait_before(ws->sc, k) > DH_RETRY_GAP
               ? dh_scenario_wait_before(ws->sc, k)
               : DH_RETRY_GAP;
}

/* ready - after the wait: scenario i's self-check of attempt k; 0, or
 * -1 with its fault set */
static int ready(void *ctx, size_t i, int k)
{
    run_ctx *r = ctx;
    dh_world_scn *ws = &r->w->scn[i];
    char *why = dh_world_selfcheck_one(r->w, ws, k);

    if (why == NULL)
        return 0;
    free(ws->fault);
    ws->fault = why;
    return -1;
}

/* span_of - one attempt standing for all of a scenario's: from the
 * first start to the last end (the oracle's window, the report's time) */
static dh_attempt span_of(const dh_attempts *x)
{
    dh_attempt s = *DH_ATT(x, 1, 0);
    size_t i;

    s.outcome_line = s.outcome_line ? dh_strdup(s.outcome_line) : NULL;
    for (i = 0; i < x->nmsg * (size_t)x->natt; i++) {
        const dh_attempt *a = &x->a[i];

        if (!a->ran)
            continue;
        s.t_start = s.ran && s.t_start < a->t_start ? s.t_start : a->t_start;
        s.t_end = s.t_end > a->t_end ? s.t_end : a->t_end;
        s.ran = 1;
    }
    s.seconds = s.t_end - s.t_start;
    return s;
}

/* sends - the client's attempts, its teardown, and what was observed */
static void sends(const dh_options *o, run_ctx *r)
{
    int *active = dh_calloc(r->n, sizeof(*active));
    int jobs = o->jobs ? o->jobs : (int)(r->n < 32 ? r->n : 32);
    dh_attempts *atts = dh_calloc(r->n, sizeof(*atts));
    dh_client_hooks hooks = {between, ready, r};
    size_t i;

    r->snaps = dh_calloc(r->n, sizeof(*r->snaps));
    for (i = 0; i < r->n; i++) {
        dh_attempts_init(&atts[i], r->v[i]);
        active[i] = r->w->scn[i].error == NULL &&
                    dh_client_cannot(&r->client, r->v[i]) == NULL;
    }
    dh_client_run(&r->client, r->w, active, atts, jobs, &hooks);
    for (i = 0; i < r->n; i++) {
        r->res[i].atts = atts[i]; /* the result owns it now */
        r->res[i].attempt = span_of(&atts[i]);
    }
    free(atts);
    free(active);
    dh_client_teardown(&r->client, r->w);
    dh_progress_stage("reading the evidence");
    r->harness_error = r->harness_error_owned =
        observe(r->w, r->res, r->n, &r->run, r->snaps);
    r->observed = 1;
}

/* report - every report asked for; the exit status */
static int report(const dh_options *o, run_ctx *r)
{
    dh_report rep;
    int failed;

    memset(&rep, 0, sizeof(rep));
    rep.client = &r->client;
    rep.world = r->w;
    rep.results = r->res;
    rep.n = r->n;
    rep.run = r->observed ? &r->run : NULL;
    rep.started = r->started;
    rep.duration = dh_now() - r->started;
    rep.harness_error = r->harness_error;
    failed = write_reports(r, &rep);
    if (o->keep)
        printf("run folder kept: %s\n", r->rundir);
    fflush(stdout);
    /* a report asked for and not written is a harness error */
    return failed ? 2 : dh_report_exit_status(&rep);
}

/* release - everything the run holds, and every process it started */
static void release(run_ctx *r)
{
    size_t i;

    dh_proc_stop_all();
    for (i = 0; i < r->n; i++) {
        dh_verdict_free(&r->res[i].verdict);
        dh_obs_free(&r->res[i].obs);
        free(r->res[i].attempt.outcome_line);
        dh_attempts_free(&r->res[i].atts);
        if (r->snaps)
            dh_oracle_snaps_free(&r->snaps[i]);
    }
    free(r->snaps);
    free(r->res);
    dh_run_obs_free(&r->run);
    dh_world_free(r->w);
    dh_xfail_free(r->xfails, r->nxfails);
    free(r->harness_error_owned);
    dh_client_close(&r->client);
    dh_scenario_free_all(r->v, r->n);
    free(r->rundir);
    free(r->libexec);
    free(r->datadir);
    free(r->json);
    free(r->junit);
    free(r->tap);
    free(r->html);
    free(r->record);
    dh_record_release(&r->rec);
}

/* dh_cmd_run - see commands.h */
int dh_cmd_run(const dh_options *o)
{
    run_ctx r;
    size_t i;
    int status;

    memset(&r, 0, sizeof(r));
    prepare(o, &r);
    r.rundir = dh_sandbox_rundir(o->keep);
    dh_sandbox_enter(r.rundir, o->keep != NULL);
    /* From here on: PID 1 of the sandbox. */
    dh_proc_init();
    signal(SIGPIPE, SIG_IGN);
    dh_run_obs_init(&r.run);
    r.started = dh_now();
    dh_progress_start(r.n);
    dh_progress_stage("building the world");
    r.w =
        dh_bring_up(r.v, r.n, r.rundir, r.libexec, r.datadir, &r.harness_error);
    dh_client_env(r.w);
    if (r.harness_error == NULL) {
        dh_progress_stage("setting the client up");
        dh_client_probe(&r.client, r.w);
        if (dh_sandbox_rootless() && !r.client.rootless)
            r.harness_error = r.harness_error_owned = rootless_refusal(&r);
        else if (dh_client_setup(&r.client, r.w) < 0)
            r.harness_error = "the adapter's setup failed (see the warning "
                              "above)";
    }
    r.res = dh_calloc(r.n, sizeof(*r.res));
    for (i = 0; i < r.n; i++)
        r.res[i].ws = &r.w->scn[i];
    if (r.harness_error == NULL)
        sends(o, &r);
    else
        dh_world_stop(r.w);
    if (r.harness_error)
        dh_warn("%s", r.harness_error);
    judge(r.v, r.n, r.w, &r.client, r.harness_error, r.xfails, r.nxfails,
          r.res);
    progress_done(r.res, r.n);
    status = report(o, &r);
    release(&r);
    return status;
}
