/*
 * proc.h - start, watch and reap the processes the harness runs.
 *
 * Every process is started in its own process group, with stdin from
 * /dev/null and stdout/stderr to files, and recorded in one table so that
 * dh_proc_stop_all() can stop them on every exit path.  SIGCHLD is blocked
 * by dh_proc_init(); dh_proc_reap() waits for it with a deadline, so no
 * fixed sleeps are needed.  A dh_spawn_req and its strings are borrowed
 * for the call only (the child has its copy); the table is the module's.
 */
#ifndef DH_PROC_H
#define DH_PROC_H

#include <sys/types.h>

typedef struct {
    const char *name;
    char *const *argv;
    char *const *env; /* NULL: inherit */
    const char *out;  /* file for stdout, NULL: /dev/null */
    const char *err;  /* file for stderr, NULL: same as out */
    int keep_fd;      /* passed to the child as is, or -1 */
    const char *cwd;  /* NULL: inherit */
} dh_spawn_req;

void dh_proc_init(void);
/* Start a process; its pid, or -1 with a warning. */
pid_t dh_spawn(const dh_spawn_req *req);
/* Wait until some child changes state or timeout (seconds) passes;
 * reap everything reapable.  Returns the number reaped. */
int dh_proc_reap(double timeout);
/* A child reaped elsewhere (a waitpid(-1) loop): if the table has it,
 * it is done with this status. */
void dh_proc_exited(pid_t pid, int status);
/* 1 and the wait status when pid has exited, else 0. */
int dh_proc_done(pid_t pid, int *status);
/* Wait for pid up to timeout seconds: 1 exited (status set), 0 not. */
int dh_proc_wait(pid_t pid, double timeout, int *status);
/* Kill a process group with SIGKILL. */
void dh_proc_kill(pid_t pid);
/* Stop one process: SIGTERM, grace period, SIGKILL, reap.  Returns 1
 * when it had to use SIGKILL, else 0. */
int dh_proc_stop(pid_t pid, double grace);
/* Stop every process still running. */
void dh_proc_stop_all(void);
/* Run a command to completion (or timeout): exit status, or -1. */
int dh_run(const dh_spawn_req *req, double timeout);

#endif
