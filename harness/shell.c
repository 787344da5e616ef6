/*
 * shell.c - dane-harness shell: bring the world up and run a command (an
 * interactive shell by default) inside the sandbox (commands.h).
 */
#include "commands.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bringup.h"
#include "client.h"
#include "proc.h"
#include "sandbox.h"
#include "util.h"

/* wait_command - wait for the command, reaping on the way every orphan
 * it leaves (the harness is PID 1 of the sandbox: they are its children
 * now) and telling proc.c of the daemons that end; the command's wait
 * status */
static int wait_command(pid_t pid)
{
    int st = 0, any;
    pid_t got;

    for (;;) {
        got = waitpid(-1, &any, 0);
        if (got == pid)
            return any;
        if (got > 0)
            dh_proc_exited(got, any);
        else if (errno != EINTR)
            return st;
    }
}

/* dh_cmd_shell - see commands.h */
int dh_cmd_shell(const dh_options *o)
{
    size_t n, i;
    dh_scenario **v = dh_cli_load_scenarios(o, &n);
    char *rundir = dh_sandbox_rundir(o->keep), *libexec = dh_cli_libexec_dir();
    char *datadir = dh_cli_data_dir();
    const char *harness_error = NULL;
    char *sh_argv[] = {"/bin/sh", "-i", NULL};
    char **argv = o->shell_argv ? o->shell_argv : sh_argv;
    dh_world *w;
    pid_t pid;
    int st = 0;

    dh_sandbox_enter(rundir, o->keep != NULL);
    dh_proc_init();
    w = dh_bring_up(v, n, rundir, libexec, datadir, &harness_error);
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
    st = wait_command(pid);
    dh_proc_stop_all();
    dh_world_free(w);
    dh_scenario_free_all(v, n);
    free(rundir);
    free(libexec);
    free(datadir);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}
