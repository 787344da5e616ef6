/*
 * client.c - run the adapter's verbs: version, capabilities, setup, send,
 * teardown.  Every call has a deadline; a send that passes it is killed
 * with its whole process group and recorded as a hang.
 */
#include "client.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "inject.h"
#include "proc.h"
#include "util.h"

#define VERB_TIMEOUT 120.0
#define SENDER "dh-sender@client.danelab"
#define HELO "client.danelab"

/* split_words - blank-separated words of a string, NULL-terminated */
static char **split_words(const char *s, size_t *n)
{
    char *copy = dh_strdup(s), *save = NULL, *w;
    char **v = NULL;
    size_t k = 0;

    for (w = strtok_r(copy, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        v = dh_realloc(v, (k + 2) * sizeof(*v));
        v[k++] = dh_strdup(w);
    }
    free(copy);
    if (v == NULL)
        v = dh_calloc(1, sizeof(*v));
    v[k] = NULL;
    *n = k;
    return v;
}

/* dh_client_open - see client.h */
int dh_client_open(dh_client *c, const char *spec, const char *libexec,
                   char *err, size_t errlen)
{
    size_t n, i;
    char **words = split_words(spec, &n);
    struct stat st;

    memset(c, 0, sizeof(*c));
    if (n == 0) {
        snprintf(err, errlen, "--client needs an adapter name or path");
        free(words);
        return -1;
    }
    c->spec = dh_strdup(spec);
    if (strchr(words[0], '/')) {
        c->path = realpath(words[0], NULL);
        if (c->path == NULL)
            c->path = dh_strdup(words[0]);
        c->name = dh_strdup(strrchr(words[0], '/') + 1);
    } else {
        c->path = dh_asprintf("%s/adapters/%s", libexec, words[0]);
        c->name = dh_strdup(words[0]);
    }
    free(words[0]);
    c->extra = dh_calloc(n, sizeof(char *));
    for (i = 1; i < n; i++)
        c->extra[i - 1] = words[i];
    free(words);
    c->timeout = 60;
    if (stat(c->path, &st) < 0 || !S_ISREG(st.st_mode) ||
        access(c->path, X_OK) < 0) {
        snprintf(err, errlen,
                 "adapter '%s': %s is not an executable file (bundled "
                 "adapters are in %s/adapters; see "
                 "docs/adapter-contract.md)",
                 c->name, c->path, libexec);
        return -1;
    }
    return 0;
}

/* dh_client_close - release the client description */
void dh_client_close(dh_client *c)
{
    size_t i;

    for (i = 0; c->extra && c->extra[i]; i++)
        free(c->extra[i]);
    free(c->extra);
    free(c->spec);
    free(c->name);
    free(c->path);
    free(c->version);
    memset(c, 0, sizeof(*c));
}

/* dh_client_env - the contract's environment variables */
void dh_client_env(const dh_world *w)
{
    char *wd = dh_asprintf("%s/adapter", w->rundir);

    setenv("DH_ADAPTER_API", "1", 1);
    setenv("DH_WORKDIR", wd, 1);
    setenv("DH_RESOLVER", "127.0.0.1", 1);
    setenv("DH_TRUST_ANCHOR", w->ta_path, 1);
    setenv("DH_PKIX_CA", w->pkix_ca_path, 1);
    setenv("DH_RESOLV_CONF", w->resolv_path, 1);
    setenv("DH_LIBEXEC", w->libexec, 1);
    setenv("DH_HELO", HELO, 1);
    free(wd);
}

/* verb_argv - ADAPTER VERB ARGS... EXTRA... */
static char **verb_argv(const dh_client *c, const char *verb,
                        const char *const *args)
{
    size_t n = 0, i, k = 0;
    char **v;

    for (i = 0; args && args[i]; i++)
        n++;
    for (i = 0; c->extra[i]; i++)
        n++;
    v = dh_calloc(n + 3, sizeof(*v));
    v[k++] = c->path;
    v[k++] = (char *)verb;
    for (i = 0; args && args[i]; i++)
        v[k++] = (char *)args[i];
    for (i = 0; c->extra[i]; i++)
        v[k++] = c->extra[i];
    v[k] = NULL;
    return v;
}

/* run_verb - run one verb to completion; exit status, output in out */
static int run_verb(dh_client *c, const dh_world *w, const char *verb,
                    char **out)
{
    char **argv = verb_argv(c, verb, NULL);
    char *o = dh_asprintf("%s/adapter-%s.out", w->rundir, verb);
    char *e = dh_asprintf("%s/adapter-%s.err", w->rundir, verb);
    char *name = dh_asprintf("adapter %s", verb);
    dh_spawn_req req = {name, argv, NULL, o, e, -1, NULL};
    char tmo[32];
    int rc;

    snprintf(tmo, sizeof(tmo), "%.0f", VERB_TIMEOUT);
    setenv("DH_TIMEOUT", tmo, 1);
    unlink(o);
    unlink(e);
    rc = dh_run(&req, VERB_TIMEOUT);
    if (out)
        *out = dh_read_file(o, NULL);
    if (rc != 0 && rc != 3) {
        char *text = dh_read_file(e, NULL);

        dh_warn("adapter %s %s: exit %d: %s", c->name, verb, rc,
                text && *text ? text : "(no message)");
        free(text);
    }
    free(argv);
    free(o);
    free(e);
    free(name);
    return rc;
}

/* dh_client_probe - version and capabilities */
void dh_client_probe(dh_client *c, const dh_world *w)
{
    char *out = NULL, *nl;

    if (run_verb(c, w, "version", &out) == 0 && out && *out) {
        nl = strchr(out, '\n');
        if (nl)
            *nl = 0;
        c->version = dh_strdup(out);
    } else {
        c->version = dh_strdup("unknown");
    }
    free(out);
    out = NULL;
    if (run_verb(c, w, "capabilities", &out) == 0 && out) {
        c->parallel = strstr(out, "parallel") != NULL;
        c->ipv6 = strstr(out, "ipv6") != NULL;
        c->rootless = strstr(out, "rootless") != NULL;
    }
    free(out);
}

/* dh_client_setup - start the client's private instance */
int dh_client_setup(dh_client *c, const dh_world *w)
{
    int rc = run_verb(c, w, "setup", NULL);

    return rc == 0 || rc == 3 ? 0 : -1;
}

/* dh_client_teardown - stop it */
void dh_client_teardown(dh_client *c, const dh_world *w)
{
    run_verb(c, w, "teardown", NULL);
}

/* write_message - the scenario's message file */
static char *write_message(const dh_world *w, const dh_world_scn *ws,
                           char **rcpt)
{
    char *dir = dh_asprintf("%s/scenarios/%s", w->rundir, ws->sc->id);
    char *path = dh_asprintf("%s/message.eml", dir);
    char date[64];
    time_t now = time(NULL);
    char *text;

    dh_mkdir_p(dir, 0755);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", gmtime(&now));
    *rcpt = dh_asprintf("postmaster@%s", ws->domain);
    text = dh_asprintf("From: <%s>\r\nTo: <%s>\r\n"
                       "Subject: dane-harness scenario %s\r\n"
                       "Date: %s\r\nMessage-ID: <%s@%s>\r\n"
                       "X-DH-Token: %s\r\n\r\n"
                       "This message was sent by dane-harness for scenario "
                       "%s.\r\n",
                       SENDER, *rcpt, ws->sc->id, date, ws->token, HELO,
                       ws->token, ws->sc->id);
    dh_write_file(path, text, strlen(text), 0644);
    free(text);
    free(dir);
    return path;
}

typedef struct {
    pid_t pid;
    double start;
    char *out;
    char **argv;
    char *msg;
    char *rcpt;
} running;

/* finish - fill the attempt from a finished (or killed) send */
static void finish(running *r, dh_attempt *a, int status, int hang)
{
    char *text = dh_read_file(r->out, NULL), *nl;

    a->ran = 1;
    a->t_start = r->start;
    a->t_end = dh_now();
    a->seconds = a->t_end - r->start;
    a->hang = hang;
    if (!hang && WIFSIGNALED(status))
        a->signal = WTERMSIG(status);
    else if (!hang)
        a->exit_status = WEXITSTATUS(status);
    if (text) {
        nl = strchr(text, '\n');
        if (nl)
            *nl = 0;
        a->outcome_line = dh_strdup(text);
        a->outcome = dh_outcome_parse(text);
        free(text);
    }
    free(r->out);
    free(r->argv);
    free(r->msg);
    free(r->rcpt);
    memset(r, 0, sizeof(*r));
}

/* start_send - the adapter's "send" for one scenario; 1 if it runs, 0
 * if it could not be started (its attempt is then filled in) */
static int start_send(dh_client *c, const dh_world *w, size_t i, running *r,
                      dh_attempt *a)
{
    const dh_world_scn *ws = &w->scn[i];
    const char *args[4];
    dh_spawn_req req;
    char *err, *name;

    r->msg = write_message(w, ws, &r->rcpt);
    args[0] = SENDER;
    args[1] = r->rcpt;
    args[2] = r->msg;
    args[3] = NULL;
    r->argv = verb_argv(c, "send", args);
    r->out = dh_asprintf("%s/scenarios/%s/send.out", w->rundir, ws->sc->id);
    err = dh_asprintf("%s/scenarios/%s/send.err", w->rundir, ws->sc->id);
    name = dh_asprintf("send %s", ws->sc->id);
    memset(&req, 0, sizeof(req));
    req.name = name;
    req.argv = r->argv;
    req.out = r->out;
    req.err = err;
    req.keep_fd = -1;
    dh_inject_send_begin(w, ws->sc->id);
    r->start = dh_now();
    r->pid = dh_spawn(&req);
    free(err);
    free(name);
    if (r->pid < 0) {
        finish(r, a, 127 << 8, 0);
        dh_inject_send_end(w, ws->sc->id);
        return 0;
    }
    return 1;
}

/* check_send - has a running send finished, or run out of time?  1 when
 * it is over (its attempt filled in) */
static int check_send(const dh_client *c, const dh_world *w, size_t i,
                      running *r, dh_attempt *a)
{
    int st;

    if (r->pid <= 0)
        return 0;
    if (dh_proc_done(r->pid, &st)) {
        kill(-r->pid, SIGKILL); /* leftovers of the adapter */
        finish(r, a, st, 0);
    } else if (dh_now() - r->start > c->timeout) {
        dh_proc_kill(r->pid);
        dh_proc_wait(r->pid, 5.0, NULL);
        finish(r, a, 0, 1);
    } else {
        return 0;
    }
    dh_inject_send_end(w, w->scn[i].sc->id);
    return 1;
}

/* dh_client_send_all - one send per healthy scenario, up to jobs at once */
void dh_client_send_all(dh_client *c, const dh_world *w, dh_attempt *att,
                        int jobs)
{
    running *run = dh_calloc(w->nscn, sizeof(*run));
    size_t next = 0, active = 0, i;
    char tmo[32];

    if (jobs < 1 || !c->parallel)
        jobs = 1;
    snprintf(tmo, sizeof(tmo), "%.0f", c->timeout);
    setenv("DH_TIMEOUT", tmo, 1);
    dh_inject_sends_begin(w);
    for (;;) {
        for (; active < (size_t)jobs && next < w->nscn; next++) {
            const dh_world_scn *ws = &w->scn[next];

            if (ws->error || (ws->sc->requires_ipv6 && !c->ipv6))
                continue;
            active += (size_t)start_send(c, w, next, &run[next], &att[next]);
        }
        if (active == 0 && next >= w->nscn)
            break;
        dh_proc_reap(0.05);
        dh_inject_poll(w);
        for (i = 0; i < next; i++)
            active -= (size_t)check_send(c, w, i, &run[i], &att[i]);
        dh_progress_sends(att, w->nscn);
    }
    dh_inject_sends_end(w);
    free(run);
}
