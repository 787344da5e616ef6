/*
 * proc.c - process table: spawn, reap, stop.
 */
#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

typedef struct {
    pid_t pid;
    char *name;
    int done;
    int status;
} proc_ent;

static proc_ent *procs;
static size_t nprocs;
static sigset_t chld_set;

/* dh_proc_init - block SIGCHLD so dh_proc_reap() can wait for it */
void dh_proc_init(void)
{
    sigemptyset(&chld_set);
    sigaddset(&chld_set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld_set, NULL);
}

/* redirect - open path for appending onto fd in the child */
static void redirect(const char *path, int fd)
{
    int f =
        open(path ? path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0644);

    if (f < 0)
        _exit(126);
    if (f != fd) {
        dup2(f, fd);
        close(f);
    }
}

/* dh_spawn - start one process in its own process group */
pid_t dh_spawn(const dh_spawn_req *req)
{
    pid_t pid = fork();

    if (pid < 0) {
        dh_warn("cannot fork for %s: %s", req->name, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        sigset_t none;
        int fd, nul;

        setpgid(0, 0);
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        nul = open("/dev/null", O_RDONLY);
        if (nul >= 0 && nul != 0) {
            dup2(nul, 0);
            close(nul);
        }
        redirect(req->out, 1);
        if (req->err)
            redirect(req->err, 2);
        else
            dup2(1, 2);
        for (fd = 3; fd < 1024; fd++)
            if (fd != req->keep_fd)
                close(fd);
        if (req->keep_fd >= 0)
            fcntl(req->keep_fd, F_SETFD, 0); /* survive the exec */
        if (req->cwd && chdir(req->cwd) < 0)
            _exit(126);
        if (req->env)
            execve(req->argv[0], req->argv, req->env);
        else
            execv(req->argv[0], req->argv);
        dprintf(2, "dane-harness: cannot run %s: %s\n", req->argv[0],
                strerror(errno));
        _exit(127);
    }
    setpgid(pid, pid);
    procs = dh_realloc(procs, (nprocs + 1) * sizeof(*procs));
    procs[nprocs].pid = pid;
    procs[nprocs].name = dh_strdup(req->name);
    procs[nprocs].done = 0;
    procs[nprocs].status = 0;
    nprocs++;
    dh_debug("started %s (pid %d)", req->name, (int)pid);
    return pid;
}

/* find - table entry of a pid, or NULL */
static proc_ent *find(pid_t pid)
{
    size_t i;

    for (i = 0; i < nprocs; i++)
        if (procs[i].pid == pid)
            return &procs[i];
    return NULL;
}

/* dh_proc_exited - see proc.h */
void dh_proc_exited(pid_t pid, int status)
{
    proc_ent *p = find(pid);

    if (p && !p->done) {
        p->done = 1;
        p->status = status;
        dh_debug("%s (pid %d) ended, status 0x%x", p->name, (int)pid, status);
    }
}

/* reap_now - collect every exited child without blocking */
static int reap_now(void)
{
    int n = 0, st;
    pid_t pid;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        dh_proc_exited(pid, st);
        n++;
    }
    return n;
}

/* dh_proc_reap - wait for SIGCHLD up to timeout, then reap */
int dh_proc_reap(double timeout)
{
    struct timespec ts;
    int n = reap_now();

    if (n > 0 || timeout <= 0)
        return n;
    ts.tv_sec = (time_t)timeout;
    ts.tv_nsec = (long)((timeout - (double)ts.tv_sec) * 1e9);
    if (sigtimedwait(&chld_set, NULL, &ts) < 0 && errno != EAGAIN &&
        errno != EINTR)
        dh_warn("sigtimedwait: %s", strerror(errno));
    return reap_now();
}

/* dh_proc_done - has pid exited? */
int dh_proc_done(pid_t pid, int *status)
{
    proc_ent *p = find(pid);

    if (p == NULL || !p->done)
        return 0;
    if (status)
        *status = p->status;
    return 1;
}

/* dh_proc_wait - wait for one process with a deadline */
int dh_proc_wait(pid_t pid, double timeout, int *status)
{
    double end = dh_now() + timeout;

    for (;;) {
        double left;

        if (dh_proc_done(pid, status))
            return 1;
        left = end - dh_now();
        if (left <= 0)
            return 0;
        dh_proc_reap(left);
    }
}

/* dh_proc_kill - SIGKILL a whole process group */
void dh_proc_kill(pid_t pid)
{
    if (pid > 0) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
    }
}

/* dh_proc_stop - polite stop, then force; 1 if forced */
int dh_proc_stop(pid_t pid, double grace)
{
    int forced = 0;

    if (pid <= 0 || dh_proc_done(pid, NULL))
        return 0;
    kill(pid, SIGTERM);
    if (!dh_proc_wait(pid, grace, NULL)) {
        dh_proc_kill(pid);
        dh_proc_wait(pid, 5.0, NULL);
        forced = 1;
    }
    kill(-pid, SIGKILL); /* leftovers in its group */
    return forced;
}

/* dh_proc_stop_all - stop every process still running */
void dh_proc_stop_all(void)
{
    size_t i;

    for (i = 0; i < nprocs; i++)
        if (!procs[i].done)
            kill(procs[i].pid, SIGTERM);
    for (i = 0; i < nprocs; i++)
        if (!procs[i].done && !dh_proc_wait(procs[i].pid, 2.0, NULL))
            dh_proc_kill(procs[i].pid);
    for (i = 0; i < nprocs; i++) {
        if (!procs[i].done)
            dh_proc_wait(procs[i].pid, 2.0, NULL);
        kill(-procs[i].pid, SIGKILL);
    }
    reap_now();
}

/* dh_run - run to completion with a deadline; exit status or -1 */
int dh_run(const dh_spawn_req *req, double timeout)
{
    pid_t pid = dh_spawn(req);
    int st;

    if (pid < 0)
        return -1;
    if (!dh_proc_wait(pid, timeout, &st)) {
        dh_warn("%s did not finish within %.0f s; killed", req->name, timeout);
        dh_proc_kill(pid);
        dh_proc_wait(pid, 5.0, NULL);
        return -1;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
