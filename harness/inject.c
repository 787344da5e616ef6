/*
 * inject.c - fixture faults on purpose (inject.h).
 */
#include "inject.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "proc.h"
#include "util.h"

static struct {
    int nsd_stop;
    int resolver_flush;
    double fakemx_stop;  /* seconds, 0: not */
    char *events_full;   /* scenario id, or NULL */
    char *step_nsd_stop; /* scenario id, or NULL */
    double fakemx_until; /* when to continue the fake MX, 0: running */
} inj;

/* dh_inject_parse - see inject.h */
int dh_inject_parse(const char *spec, char *err, size_t errlen)
{
    char *copy = dh_strdup(spec), *save = NULL, *w;
    int rc = 0;

    for (w = strtok_r(copy, ",", &save); w && rc == 0;
         w = strtok_r(NULL, ",", &save)) {
        char *end;

        if (strcmp(w, "nsd-stop") == 0) {
            inj.nsd_stop = 1;
        } else if (strcmp(w, "resolver-flush") == 0) {
            inj.resolver_flush = 1;
        } else if (strncmp(w, "fakemx-stop=", 12) == 0) {
            inj.fakemx_stop = strtod(w + 12, &end);
            if (*end || inj.fakemx_stop <= 0 || inj.fakemx_stop > 600)
                rc = -1;
        } else if (strncmp(w, "events-full=", 12) == 0 && w[12]) {
            free(inj.events_full);
            inj.events_full = dh_strdup(w + 12);
        } else if (strncmp(w, "step-nsd-stop=", 14) == 0 && w[14]) {
            free(inj.step_nsd_stop);
            inj.step_nsd_stop = dh_strdup(w + 14);
        } else {
            rc = -1;
        }
        if (rc < 0)
            snprintf(err, errlen,
                     "--inject: unknown fault '%s' (nsd-stop, "
                     "resolver-flush, fakemx-stop=SECS, events-full=ID, "
                     "step-nsd-stop=ID)",
                     w);
    }
    free(copy);
    return rc;
}

/* control - one unbound-control command */
static void control(const dh_world *w, const char *cmd, const char *arg)
{
    char *conf = dh_asprintf("%s/unbound/unbound.conf", w->rundir);
    char *log = dh_asprintf("%s/unbound/control.out", w->rundir);
    char *argv[] = {"/usr/sbin/unbound-control",
                    "-c",
                    conf,
                    (char *)cmd,
                    (char *)arg,
                    NULL};
    dh_spawn_req req = {"unbound-control", argv, NULL, log, NULL, -1, NULL};
    int rc = dh_run(&req, 10.0);

    dh_info("inject: unbound-control %s %s: exit %d", cmd, arg, rc);
    free(conf);
    free(log);
}

/* dh_inject_sends_begin - see inject.h */
void dh_inject_sends_begin(const dh_world *w)
{
    if (inj.nsd_stop) {
        dh_info("inject: NSD stopped (SIGSTOP)");
        kill(-w->nsd, SIGSTOP); /* its group: the server children */
    }
    if (inj.resolver_flush) {
        control(w, "flush_infra", "all");
        control(w, "flush_zone", ".");
        control(w, "flush_bogus", NULL);
        control(w, "flush_negative", NULL);
    }
    if (inj.fakemx_stop > 0) {
        dh_info("inject: fake MX stopped for %.1f s", inj.fakemx_stop);
        kill(-w->fakemx, SIGSTOP);
        inj.fakemx_until = dh_now() + inj.fakemx_stop;
    }
}

/* dh_inject_poll - see inject.h */
void dh_inject_poll(const dh_world *w)
{
    if (inj.fakemx_until > 0 && dh_now() >= inj.fakemx_until) {
        dh_info("inject: fake MX continued");
        kill(-w->fakemx, SIGCONT);
        inj.fakemx_until = 0;
    }
}

/* dh_inject_sends_end - see inject.h */
void dh_inject_sends_end(const dh_world *w)
{
    if (inj.nsd_stop) {
        dh_info("inject: NSD continued");
        kill(-w->nsd, SIGCONT);
    }
    inj.fakemx_stop = 0;
    inj.fakemx_until = dh_now(); /* continue now if still stopped */
    dh_inject_poll(w);
}

/* fsize_limit - the fake MX's file size limit */
static void fsize_limit(const dh_world *w, rlim_t limit)
{
    struct rlimit rl = {limit, RLIM_INFINITY};

    if (prlimit(w->fakemx, RLIMIT_FSIZE, &rl, NULL) < 0)
        dh_warn("inject: prlimit: %s", strerror(errno));
}

/* dh_inject_send_begin - see inject.h */
void dh_inject_send_begin(const dh_world *w, const char *id)
{
    struct stat st;

    if (inj.events_full == NULL || strcmp(inj.events_full, id) != 0)
        return;
    /* not one byte more: every write to the events file fails (EFBIG) */
    if (stat(w->events_path, &st) < 0)
        dh_fatal("inject: %s: %s", w->events_path, strerror(errno));
    dh_info("inject: the fake MX's events file is full while %s is sent", id);
    fsize_limit(w, (rlim_t)st.st_size);
}

/* dh_inject_send_end - see inject.h */
void dh_inject_send_end(const dh_world *w, const char *id)
{
    if (inj.events_full == NULL || strcmp(inj.events_full, id) != 0)
        return;
    fsize_limit(w, RLIM_INFINITY);
}

/* dh_inject_step_begin - see inject.h */
void dh_inject_step_begin(const dh_world *w, const char *id)
{
    if (inj.step_nsd_stop && strcmp(inj.step_nsd_stop, id) == 0) {
        dh_info("inject: NSD stopped while %s's world changes", id);
        kill(-w->nsd, SIGSTOP);
    }
}

/* dh_inject_step_end - see inject.h */
void dh_inject_step_end(const dh_world *w, const char *id)
{
    if (inj.step_nsd_stop && strcmp(inj.step_nsd_stop, id) == 0) {
        kill(-w->nsd, SIGCONT);
        dh_info("inject: NSD continued");
    }
}
