/*
 * client_send.c - delivery attempts through the adapter: "send" (one
 * message), "batch" (several, in one queue run) and "retry" (one more
 * attempt of what is still queued), docs/adapter-contract.md.
 *
 * An attempt of one scenario is at most two adapter calls, one after the
 * other: the retry of its messages still queued, then the submission of
 * its messages new at this attempt.  Scenarios run in parallel when the
 * adapter allows.  Every call has a deadline; a call that passes it is
 * killed with its whole process group, and every message it carried is
 * recorded as a hang.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "inject.h"
#include "progress.h"
#include "proc.h"
#include "util.h"

#define SENDER "dh-sender@client.danelab"
#define HELO "client.danelab"

/* One adapter call: its verb and the messages it carries. */
typedef struct {
    const char *verb;
    size_t *msgs;
    size_t nmsgs;
} call;

/* One scenario's attempt in progress. */
typedef struct {
    call calls[2];
    int ncalls, cur;
    pid_t pid;
    double start;
    char *out;
    char **argv;
    char **args; /* the argv strings it owns */
    size_t nargs;
} job;

/* dh_attempts_init - room for every message's every attempt */
void dh_attempts_init(dh_attempts *x, const dh_scenario *sc)
{
    x->nmsg = sc->nmessages;
    x->natt = sc->nattempts;
    x->a = dh_calloc(x->nmsg * (size_t)x->natt, sizeof(*x->a));
}

/* dh_attempts_free - the outcome lines and the array */
void dh_attempts_free(dh_attempts *x)
{
    size_t i;

    for (i = 0; x->a && i < x->nmsg * (size_t)x->natt; i++)
        free(x->a[i].outcome_line);
    free(x->a);
    x->a = NULL;
}

/* dh_client_cannot - see client.h */
const char *dh_client_cannot(const dh_client *c, const dh_scenario *sc)
{
    if (sc->requires_ipv6 && !c->ipv6)
        return "needs IPv6; the adapter does not declare the ipv6 "
               "capability";
    if (sc->needs_retry && !c->retry)
        return "needs later delivery attempts; the adapter does not declare "
               "the retry capability (adapter contract version 2)";
    if (sc->needs_batch && !c->batch)
        return "needs several messages in one queue run; the adapter does "
               "not declare the batch capability (adapter contract version "
               "2)";
    return NULL;
}

/* write_message - message m's file; its path (new string) */
static char *write_message(const dh_world *w, const dh_world_scn *ws, size_t m)
{
    const dh_message *msg = &ws->sc->messages[m];
    char *dir = dh_asprintf("%s/scenarios/%s", w->rundir, ws->sc->id);
    char *path = m == 0 ? dh_asprintf("%s/message.eml", dir)
                        : dh_asprintf("%s/%s.eml", dir, msg->name);
    char date[64];
    time_t now = time(NULL);
    char *text;

    dh_mkdir_p(dir, 0755);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", gmtime(&now));
    text = dh_asprintf("From: <%s>\r\nTo: <postmaster@%s>\r\n"
                       "Subject: dane-harness scenario %s, message %s\r\n"
                       "Date: %s\r\nMessage-ID: <%s@%s>\r\n"
                       "X-DH-Token: %s\r\n\r\n"
                       "This message was sent by dane-harness for scenario "
                       "%s.\r\n",
                       SENDER, ws->msgs[m].domain, ws->sc->id, msg->name, date,
                       ws->msgs[m].token, HELO, ws->msgs[m].token, ws->sc->id);
    dh_write_file(path, text, strlen(text), 0644);
    free(text);
    free(dir);
    return path;
}

/* own - keep a string for the job's argv */
static const char *own(job *j, char *s)
{
    j->args = dh_realloc(j->args, (j->nargs + 1) * sizeof(*j->args));
    j->args[j->nargs++] = s;
    return s;
}

/* call_args - the arguments of the current call (borrowed from j) */
static const char **call_args(job *j, const dh_world *w, const dh_world_scn *ws)
{
    const call *cl = &j->calls[j->cur];
    const char **a = dh_calloc(cl->nmsgs + 4, sizeof(*a));
    size_t i;

    if (strcmp(cl->verb, "retry") == 0) {
        for (i = 0; i < cl->nmsgs; i++)
            a[i] = ws->msgs[cl->msgs[i]].token;
    } else if (strcmp(cl->verb, "send") == 0) {
        a[0] = SENDER;
        a[1] =
            own(j, dh_asprintf("postmaster@%s", ws->msgs[cl->msgs[0]].domain));
        a[2] = own(j, write_message(w, ws, cl->msgs[0]));
    } else {
        dh_buf b;
        char *list =
            dh_asprintf("%s/scenarios/%s/batch.list", w->rundir, ws->sc->id);

        dh_buf_init(&b);
        for (i = 0; i < cl->nmsgs; i++) {
            char *f = write_message(w, ws, cl->msgs[i]);

            dh_buf_printf(&b, "%s postmaster@%s %s\n", SENDER,
                          ws->msgs[cl->msgs[i]].domain, f);
            free(f);
        }
        dh_write_file(list, b.data, b.len, 0644);
        dh_buf_free(&b);
        a[0] = own(j, list);
    }
    return a;
}

/* call_files - stdout and stderr of the current call (new strings) */
static void call_files(const job *j, const dh_world *w, const dh_world_scn *ws,
                       int k, char **out, char **err)
{
    const char *verb = j->calls[j->cur].verb;

    if (k == 1 && strcmp(verb, "send") == 0) {
        *out = dh_asprintf("%s/scenarios/%s/send.out", w->rundir, ws->sc->id);
        *err = dh_asprintf("%s/scenarios/%s/send.err", w->rundir, ws->sc->id);
    } else {
        *out = dh_asprintf("%s/scenarios/%s/attempt-%d.%s.out", w->rundir,
                           ws->sc->id, k, verb);
        *err = dh_asprintf("%s/scenarios/%s/attempt-%d.%s.err", w->rundir,
                           ws->sc->id, k, verb);
    }
}

/* start_call - the job's current call; 0 if it could not start */
static int start_call(dh_client *c, const dh_world *w, const dh_world_scn *ws,
                      int k, job *j)
{
    const char **args = call_args(j, w, ws);
    dh_spawn_req req;
    char *err, *name;

    j->argv = dh_client_argv(c, j->calls[j->cur].verb, args);
    free(args);
    call_files(j, w, ws, k, &j->out, &err);
    name = dh_asprintf("%s %s", j->calls[j->cur].verb, ws->sc->id);
    memset(&req, 0, sizeof(req));
    req.name = name;
    req.argv = j->argv;
    req.out = j->out;
    req.err = err;
    req.keep_fd = -1;
    j->start = dh_now();
    j->pid = dh_spawn(&req);
    free(err);
    free(name);
    return j->pid > 0;
}

/* line_for - the line of out that begins with "TOKEN ", after it */
static char *line_for(const char *out, const char *token)
{
    size_t n = strlen(token);
    const char *p = out;

    while (p && *p) {
        const char *nl = strchr(p, '\n');

        if (strncmp(p, token, n) == 0 && p[n] == ' ')
            return dh_strndup(p + n + 1, nl ? (size_t)(nl - p - n - 1)
                                            : strlen(p + n + 1));
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* outcome_of - the outcome line of message m of the call that printed
 * text (new string or NULL) */
static char *outcome_of(const char *text, const char *verb,
                        const dh_world_scn *ws, size_t m)
{
    if (text == NULL)
        return NULL;
    if (strcmp(verb, "send") == 0)
        return dh_strndup(text, strcspn(text, "\n"));
    return line_for(text, ws->msgs[m].token);
}

/* finish_call - every message of the current call gets its attempt */
static void finish_call(job *j, const dh_world_scn *ws, dh_attempts *x, int k,
                        int status, int hang)
{
    const call *cl = &j->calls[j->cur];
    char *text = dh_read_file(j->out, NULL);
    double end = dh_now();
    size_t i;

    for (i = 0; i < cl->nmsgs; i++) {
        dh_attempt *a = DH_ATT(x, k, cl->msgs[i]);

        a->ran = 1;
        a->t_start = j->start;
        a->t_end = end;
        a->seconds = end - j->start;
        a->hang = hang;
        if (!hang && j->pid > 0 && WIFSIGNALED(status))
            a->signal = WTERMSIG(status);
        else if (!hang)
            a->exit_status = j->pid > 0 ? WEXITSTATUS(status) : 127;
        a->outcome_line = outcome_of(text, cl->verb, ws, cl->msgs[i]);
        a->outcome = dh_outcome_parse(a->outcome_line);
    }
    free(text);
    free(j->out);
    free(j->argv);
    j->out = NULL;
    j->argv = NULL;
    j->pid = 0;
}

/* check_job - a running job's call finished or timed out: record it and
 * start its next call; 1 when the whole job is over */
static int check_job(dh_client *c, const dh_world *w, size_t i, int k, job *j,
                     dh_attempts *x, int *active)
{
    int st = 0, hang = 0;
    const dh_attempt *a;

    if (j->pid <= 0)
        return 0;
    if (dh_proc_done(j->pid, &st)) {
        kill(-j->pid, SIGKILL); /* leftovers of the adapter */
    } else if (dh_now() - j->start > c->timeout) {
        dh_proc_kill(j->pid);
        dh_proc_wait(j->pid, 5.0, NULL);
        hang = 1;
    } else {
        return 0;
    }
    finish_call(j, &w->scn[i], x, k, st, hang);
    a = DH_ATT(x, k, j->calls[j->cur].msgs[0]);
    if (a->hang || a->signal || a->exit_status)
        active[i] = 0; /* no later attempt: the verdict is made */
    if (active[i] && ++j->cur < j->ncalls && start_call(c, w, &w->scn[i], k, j))
        return 0;
    if (j->pid < 0) { /* could not start its next call */
        finish_call(j, &w->scn[i], x, k, 127 << 8, 0);
        active[i] = 0;
    }
    dh_inject_send_end(w, w->scn[i].sc->id);
    return 1;
}

/* queued - did message m's latest attempt before k leave it queued? */
static int queued(const dh_attempts *x, size_t m, int k)
{
    int q;

    for (q = k - 1; q >= 1; q--) {
        const dh_attempt *a = DH_ATT(x, q, m);

        if (a->ran)
            return a->outcome == DH_OUT_DEFERRED && !a->hang && !a->signal &&
                   a->exit_status == 0;
    }
    return 0;
}

/* judged_from - has message m a step at attempt k or later?  Only then
 * is it retried (a message nothing judges later stays queued) */
static int judged_from(const dh_scenario *sc, size_t m, int k)
{
    size_t i;

    for (i = 0; i < sc->nsteps; i++)
        if (sc->steps[i].message == m && sc->steps[i].attempt >= k)
            return 1;
    return 0;
}

/* plan_job - the calls of scenario ws's attempt k; 0 if it has none */
static int plan_job(const dh_world_scn *ws, const dh_attempts *x, int k, job *j)
{
    const dh_scenario *sc = ws->sc;
    call re = {"retry", NULL, 0}, sub = {"send", NULL, 0};
    size_t m;

    memset(j, 0, sizeof(*j));
    re.msgs = dh_calloc(sc->nmessages, sizeof(size_t));
    sub.msgs = dh_calloc(sc->nmessages, sizeof(size_t));
    for (m = 0; m < sc->nmessages; m++) {
        if (sc->messages[m].at == k)
            sub.msgs[sub.nmsgs++] = m;
        else if (sc->messages[m].at < k && queued(x, m, k) &&
                 judged_from(sc, m, k))
            re.msgs[re.nmsgs++] = m;
    }
    if (sub.nmsgs > 1)
        sub.verb = "batch";
    if (re.nmsgs > 0)
        j->calls[j->ncalls++] = re;
    else
        free(re.msgs);
    if (sub.nmsgs > 0)
        j->calls[j->ncalls++] = sub;
    else
        free(sub.msgs);
    return j->ncalls;
}

/* free_job - what a finished job holds */
static void free_job(job *j)
{
    size_t i;

    for (i = 0; i < 2; i++)
        free(j->calls[i].msgs);
    for (i = 0; i < j->nargs; i++)
        free(j->args[i]);
    free(j->args);
    memset(j, 0, sizeof(*j));
}

/* Where one scenario is in its run of attempts. */
typedef struct {
    int k;     /* the attempt running or next */
    int state; /* WAITING (until ready_at), RUNNING, DONE */
    double ready_at;
} progress;

enum { WAITING, RUNNING, DONE };

/* order - scenarios with the most attempts first, so that their waits
 * overlap the others' sends (new array of indexes) */
static size_t *order(const dh_world *w)
{
    size_t *ix = dh_calloc(w->nscn + 1, sizeof(*ix)), n = 0, i;
    int k, most = 1;

    for (i = 0; i < w->nscn; i++)
        if (w->scn[i].sc->nattempts > most)
            most = w->scn[i].sc->nattempts;
    for (k = most; k >= 1; k--)
        for (i = 0; i < w->nscn; i++)
            if (w->scn[i].sc->nattempts == k)
                ix[n++] = i;
    return ix;
}

/* next_attempt - scenario i finished attempt p->k: on to the next one
 * (after the world changed and the wait), or done */
static void next_attempt(const dh_world *w, size_t i, progress *p,
                         const int *active, const dh_client_hooks *h)
{
    double wait;

    if (!active[i] || p->k >= w->scn[i].sc->nattempts ||
        (wait = h->between(h->ctx, i, p->k + 1)) < 0) {
        p->state = DONE;
        return;
    }
    p->k++;
    p->state = WAITING;
    p->ready_at = dh_now() + wait;
}

/* start_next - start scenario i's attempt p->k if it is due; 1 if a
 * call now runs */
static int start_next(dh_client *c, const dh_world *w, size_t i, progress *p,
                      job *j, int *active, dh_attempts *x,
                      const dh_client_hooks *h)
{
    if (p->state != WAITING || dh_now() < p->ready_at)
        return 0;
    if (!active[i] || (p->k > 1 && h->ready(h->ctx, i, p->k) < 0)) {
        p->state = DONE;
        return 0;
    }
    if (!plan_job(&w->scn[i], x, p->k, j)) {
        next_attempt(w, i, p, active, h); /* nothing to do at this one */
        return 0;
    }
    dh_inject_send_begin(w, w->scn[i].sc->id);
    if (start_call(c, w, &w->scn[i], p->k, j)) {
        p->state = RUNNING;
        return 1;
    }
    finish_call(j, &w->scn[i], x, p->k, 127 << 8, 0);
    active[i] = 0;
    dh_inject_send_end(w, w->scn[i].sc->id);
    free_job(j);
    p->state = DONE;
    return 0;
}

/* show_progress - the progress line: a scenario counts once all its
 * attempts are over, with its first message's last outcome */
static void show_progress(const progress *pr, const dh_attempts *all, size_t n)
{
    dh_attempt *view = dh_calloc(n + 1, sizeof(*view));
    size_t i;
    int k;

    for (i = 0; i < n; i++)
        for (k = all[i].natt; pr[i].state == DONE && k >= 1; k--)
            if (DH_ATT(&all[i], k, 0)->ran) {
                view[i] = *DH_ATT(&all[i], k, 0);
                break;
            }
    dh_progress_sends(view, n);
    free(view);
}

/* dh_client_run - see client.h */
void dh_client_run(dh_client *c, const dh_world *w, int *active,
                   dh_attempts *all, int jobs, const dh_client_hooks *h)
{
    job *run = dh_calloc(w->nscn, sizeof(*run));
    progress *pr = dh_calloc(w->nscn, sizeof(*pr));
    size_t *ix = order(w), n = 0, i, left = w->nscn;
    char tmo[32];

    if (jobs < 1 || !c->parallel)
        jobs = 1;
    snprintf(tmo, sizeof(tmo), "%.0f", c->timeout);
    setenv("DH_TIMEOUT", tmo, 1);
    for (i = 0; i < w->nscn; i++)
        pr[i] = (progress){1, active[i] ? WAITING : DONE, 0};
    dh_inject_sends_begin(w);
    while (left > 0) {
        /* a later attempt does not wait for a free slot: its scenario
         * has waited already, and the others are not held up by it */
        for (i = 0; i < w->nscn; i++)
            if (n < (size_t)jobs || pr[ix[i]].k > 1)
                n += (size_t)start_next(c, w, ix[i], &pr[ix[i]], &run[ix[i]],
                                        active, &all[ix[i]], h);
        dh_proc_reap(0.05);
        dh_inject_poll(w);
        for (i = 0, left = 0; i < w->nscn; i++) {
            if (pr[i].state == RUNNING &&
                check_job(c, w, i, pr[i].k, &run[i], &all[i], active)) {
                free_job(&run[i]);
                n--;
                next_attempt(w, i, &pr[i], active, h);
            }
            left += pr[i].state != DONE;
        }
        show_progress(pr, all, w->nscn);
    }
    dh_inject_sends_end(w);
    free(ix);
    free(pr);
    free(run);
}
