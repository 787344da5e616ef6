/*
 * daemons.c - start and stop the world's daemons: NSD (authoritative for
 * the fake root, the TLD and every scenario zone), Unbound (the validating
 * resolver the client uses) and dane-fakemx (every fake MX host).
 *
 * Readiness is observed, never slept for: the DNS ports accept, a
 * validated answer for the TLD comes back, the fake MX daemon writes
 * "ready" on a pipe.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"
#include "resolve.h"
#include "util.h"
#include "world.h"
#include "zone.h"

#define START_DEADLINE 10.0

/* between two readiness probes that failed */
static const struct timespec retry_pause = {0, 10000000};

/* port_open - does addr:port accept a TCP connection now? */
static int port_open(const char *addr, int port)
{
    struct sockaddr_in sin;
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

    if (s < 0)
        return 0;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, addr, &sin.sin_addr);
    rc = connect(s, (struct sockaddr *)&sin, sizeof(sin));
    close(s);
    return rc == 0;
}

/* wait_port - poll a TCP port until it accepts or the daemon died */
static int wait_port(const char *what, pid_t pid, const char *addr, int port,
                     const char *log)
{
    double end = dh_now() + START_DEADLINE;
    struct timespec ms = {0, 1000000};

    while (!port_open(addr, port)) {
        if (dh_proc_done(pid, NULL)) {
            dh_warn("%s exited during start-up; see %s", what, log);
            return -1;
        }
        if (dh_now() > end) {
            dh_warn("%s not listening on %s:%d after %.0f s; see %s", what,
                    addr, port, START_DEADLINE, log);
            return -1;
        }
        dh_proc_reap(0);
        nanosleep(&ms, NULL);
    }
    return 0;
}

/* wait_authoritative - until NSD answers for the TLD with authority: it
 * answers only once every zone is loaded, and Unbound must not ask it
 * anything before that, or it marks the server down and SERVFAILs */
static int wait_authoritative(dh_world *w, double end, const char *log)
{
    dh_lookup l;

    for (;;) {
        dh_lookup_direct(DH_NS_ADDR, DH_TLD, "SOA", &l);
        if (l.ok && l.rcode == 0 && l.secure)
            return 0;
        if (dh_proc_done(w->nsd, NULL) || dh_now() > end) {
            dh_warn("NSD does not answer for %s (%s); see %s", DH_TLD,
                    l.ok ? "not authoritative" : l.why, log);
            return -1;
        }
        dh_proc_reap(0);
    }
}

/* wait_validated - until a validated answer comes back through Unbound */
static int wait_validated(dh_world *w, double end, const char *log)
{
    struct ub_ctx *ctx = dh_resolver_new(w->ta_path);
    dh_lookup l;
    int rc = -1;

    for (;;) {
        dh_lookup_do(ctx, DH_TLD, "SOA", &l);
        if (l.ok && l.secure && l.havedata) {
            rc = 0;
            break;
        }
        if (dh_now() > end) {
            dh_warn("the fake DNS does not validate: %s SOA is %s (%s); see "
                    "%s and %s",
                    DH_TLD, dh_lookup_state(&l), l.why, log, w->unbound_log);
            break;
        }
        nanosleep(&retry_pause, NULL);
    }
    ub_ctx_delete(ctx);
    return rc;
}

/* start_dns - NSD, the lame servers and Unbound, until the TLD validates
 * as secure */
static int start_dns(dh_world *w)
{
    char *nsdconf = dh_asprintf("%s/nsd/nsd.conf", w->rundir);
    char *ubconf = dh_asprintf("%s/unbound/unbound.conf", w->rundir);
    char *nsdlog = dh_asprintf("%s/nsd/nsd.out", w->rundir);
    char *ublog = dh_asprintf("%s/unbound/unbound.out", w->rundir);
    char *nsd_argv[] = {"/usr/sbin/nsd", "-d", "-c", nsdconf, NULL};
    char *ub_argv[] = {"/usr/sbin/unbound", "-d", "-c", ubconf, NULL};
    char *lame_argv[] = {"/proc/self/exe", "__lamedns", NULL};
    dh_spawn_req lame = {"lamedns", lame_argv, NULL, nsdlog, NULL, -1, NULL};
    dh_spawn_req nsd = {"nsd", nsd_argv, NULL, nsdlog, NULL, -1, NULL};
    dh_spawn_req ub = {"unbound", ub_argv, NULL, ublog, NULL, -1, NULL};
    double t0 = dh_now(), end = t0 + START_DEADLINE;
    int rc = -1;

    w->nsd = dh_spawn(&nsd);
    w->unbound = dh_spawn(&ub);
    w->lamedns = dh_spawn(&lame);
    if (w->nsd >= 0 && w->unbound >= 0 && w->lamedns >= 0 &&
        wait_port("NSD", w->nsd, DH_NS_ADDR, 53, nsdlog) == 0 &&
        wait_port("the lame name servers", w->lamedns, DH_LAME_SERVFAIL_ADDR,
                  53, nsdlog) == 0 &&
        wait_port("Unbound", w->unbound, DH_RESOLVER_ADDR, 53, ublog) == 0 &&
        wait_authoritative(w, end, nsdlog) == 0 &&
        wait_validated(w, end, nsdlog) == 0)
        rc = 0;
    dh_debug("DNS up (or not) after %.3f s", dh_now() - t0);
    free(nsdconf);
    free(ubconf);
    free(nsdlog);
    free(ublog);
    return rc;
}

/* spawn_fakemx - start the fake MX daemon; the read end of its ready
 * pipe, or -1 */
static int spawn_fakemx(dh_world *w)
{
    int fds[2];
    char *exe = dh_asprintf("%s/dane-fakemx", w->libexec);
    char *conf = dh_asprintf("%s/fakemx.conf", w->rundir);
    char *log = dh_asprintf("%s/fakemx.log", w->rundir);
    char fdarg[16];
    char *argv[] = {exe,          "--config", conf, "--events", w->events_path,
                    "--ready-fd", fdarg,      NULL};
    dh_spawn_req req = {"dane-fakemx", argv, NULL, log, NULL, -1, NULL};

    if (pipe2(fds, O_CLOEXEC) < 0)
        dh_fatal("pipe: %s", strerror(errno));
    snprintf(fdarg, sizeof(fdarg), "%d", fds[1]);
    req.keep_fd = fds[1];
    w->fakemx = dh_spawn(&req);
    close(fds[1]);
    free(exe);
    free(conf);
    free(log);
    if (w->fakemx < 0) {
        close(fds[0]);
        return -1;
    }
    return fds[0];
}

/* wait_fakemx - until the fake MX daemon says ready (closes fd) */
static int wait_fakemx(dh_world *w, int fd)
{
    char *log = dh_asprintf("%s/fakemx.log", w->rundir), buf[16];
    struct pollfd pfd = {fd, POLLIN, 0};
    double end = dh_now() + START_DEADLINE;
    int rc = -1;

    for (;;) {
        int left = (int)((end - dh_now()) * 1000);
        ssize_t n;

        if (left <= 0) {
            dh_warn("dane-fakemx not ready after %.0f s; see %s",
                    START_DEADLINE, log);
            break;
        }
        if (poll(&pfd, 1, left) <= 0)
            continue;
        n = read(fd, buf, sizeof(buf) - 1);
        if (n > 0 && strncmp(buf, "ready", 5) == 0) {
            rc = 0;
            break;
        }
        if (n == 0 || (n < 0 && errno != EINTR)) {
            char *text = dh_read_file(log, NULL);

            dh_warn("dane-fakemx failed to start: %s",
                    text && *text ? text : "(no message)");
            free(text);
            break;
        }
    }
    close(fd);
    free(log);
    return rc;
}

/* dh_world_start_fakemx - start it early: it loads its certificates
 * while the zones are signed and the DNS comes up */
int dh_world_start_fakemx(dh_world *w)
{
    w->fakemx_ready = spawn_fakemx(w);
    return w->fakemx_ready < 0 ? -1 : 0;
}

/* dh_world_start - DNS daemons up and answering, fake MX ready */
int dh_world_start(dh_world *w)
{
    int fd = w->fakemx_ready;
    double t0 = dh_now();

    w->fakemx_ready = -1;
    if (start_dns(w) < 0) {
        close(fd);
        return -1;
    }
    if (wait_fakemx(w, fd) < 0)
        return -1;
    w->t_start = dh_now() - t0;
    return 0;
}

/* dh_world_alive - NULL while every daemon of the world still runs;
 * otherwise why not (new string), with the daemon's log on stderr.  A
 * daemon that died during the run makes the observations incomplete, so
 * the run is a harness error, never a client verdict. */
char *dh_world_alive(dh_world *w)
{
    static const char *names[] = {"dane-fakemx", "NSD", "Unbound",
                                  "the lame name servers"};
    const char *logs[] = {"fakemx.log", "nsd/nsd.out", "unbound/unbound.out",
                          "nsd/nsd.out"};
    pid_t pids[] = {w->fakemx, w->nsd, w->unbound, w->lamedns};
    size_t i;

    dh_proc_reap(0);
    for (i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
        int st;
        char *log, *text;

        if (pids[i] <= 0 || !dh_proc_done(pids[i], &st))
            continue;
        log = dh_asprintf("%s/%s", w->rundir, logs[i]);
        text = dh_read_file(log, NULL);
        dh_warn("%s ended during the run; its log (%s):\n%s", names[i], log,
                text && *text ? text : "(empty)");
        free(text);
        free(log);
        if (WIFSIGNALED(st))
            return dh_asprintf("%s was killed by signal %d during the run: "
                               "observations incomplete",
                               names[i], WTERMSIG(st));
        return dh_asprintf("%s exited (status %d) during the run: "
                           "observations incomplete",
                           names[i], WEXITSTATUS(st));
    }
    return NULL;
}

/* dh_world_stop_fakemx - stop the fake MX daemon: it then writes the
 * stop record of its events file; NULL, or why it was dead already */
char *dh_world_stop_fakemx(dh_world *w)
{
    int st;
    int forced = dh_proc_stop(w->fakemx, 5.0);

    if (!forced && w->fakemx > 0 && dh_proc_done(w->fakemx, &st) &&
        WIFSIGNALED(st) && WTERMSIG(st) != SIGTERM)
        return dh_asprintf("dane-fakemx was killed by signal %d during the "
                           "run: observations incomplete",
                           WTERMSIG(st));
    return NULL;
}

/* dh_world_fakemx_fate - see world.h.  A signal other than our SIGTERM
 * (or an exit status other than 0) means the daemon ended by itself; the
 * SIGKILL that follows a 5 s grace is counted as such too: a fake MX
 * that ignores SIGTERM is broken as well. */
char *dh_world_fakemx_fate(dh_world *w)
{
    int st;

    if (w->fakemx <= 0 || !dh_proc_done(w->fakemx, &st))
        return NULL;
    if (WIFSIGNALED(st) && WTERMSIG(st) != SIGTERM)
        return dh_asprintf("dane-fakemx was killed by signal %d during the "
                           "run: observations incomplete",
                           WTERMSIG(st));
    if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
        return dh_asprintf("dane-fakemx exited (status %d) during the run: "
                           "observations incomplete",
                           WEXITSTATUS(st));
    return NULL;
}

/* dh_world_stop_resolver - stop Unbound: it then logs its end-of-service
 * statistics, which close its log */
void dh_world_stop_resolver(dh_world *w)
{
    dh_proc_stop(w->unbound, 5.0);
}

/* dh_world_stop - stop the daemons still running (the namespace would
 * anyway) */
void dh_world_stop(dh_world *w)
{
    free(dh_world_stop_fakemx(w));
    dh_world_stop_resolver(w);
    dh_proc_stop(w->nsd, 2.0);
    dh_proc_stop(w->lamedns, 2.0);
}
