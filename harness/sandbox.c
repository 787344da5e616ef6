/*
 * sandbox.c - namespaces for one run.
 */
#include "sandbox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "names.h"
#include "util.h"

static volatile sig_atomic_t child_pid;
static int rootless; /* the sandbox is in an unprivileged user namespace */

/* write_proc - one line into a /proc file; 0 or -1 with errno */
static int write_proc(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -1;
    n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* enter_userns - not root: a user namespace in which this user is root
 * (uid and gid 0 map to ours, nothing else), so that the namespaces
 * below can be made; the host sees every file and process as ours */
static void enter_userns(void)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char map[64];

    if (unshare(CLONE_NEWUSER) < 0)
        dh_fatal("not root, and cannot create an unprivileged user namespace "
                 "for a rootless run: %s (are unprivileged user namespaces "
                 "off? see sysctl user.max_user_namespaces and "
                 "kernel.unprivileged_userns_clone) - or run as root",
                 strerror(errno));
    snprintf(map, sizeof(map), "0 %ld 1\n", (long)uid);
    if (write_proc("/proc/self/setgroups", "deny\n") < 0 ||
        write_proc("/proc/self/uid_map", map) < 0)
        dh_fatal("rootless run: cannot map uid %ld in the user namespace: %s",
                 (long)uid, strerror(errno));
    snprintf(map, sizeof(map), "0 %ld 1\n", (long)gid);
    if (write_proc("/proc/self/gid_map", map) < 0)
        dh_fatal("rootless run: cannot map gid %ld in the user namespace: %s",
                 (long)gid, strerror(errno));
    rootless = 1;
}

/* dh_sandbox_rootless - see sandbox.h */
int dh_sandbox_rootless(void)
{
    return rootless;
}

/* forward_kill - outside: a signal to the harness ends the sandbox */
static void forward_kill(int sig)
{
    (void)sig;
    if (child_pid > 0)
        kill(child_pid, SIGKILL);
}

/* lo_up - bring the loopback interface of the new netns up */
static int lo_up(void)
{
    struct ifreq ifr;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        return -1;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        goto fail;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        goto fail;
    close(s);
    return 0;
fail:
    close(s);
    return -1;
}

/* v6_route - a local route so every fake MX IPv6 address is ours */
static void v6_route(void)
{
    static const char *ip[] = {"/usr/sbin/ip", "/sbin/ip", "/bin/ip", NULL};
    const char **p;
    pid_t pid;
    int st = -1;

    for (p = ip; *p && access(*p, X_OK) != 0; p++)
        ;
    if (*p == NULL) {
        dh_warn("no ip(8) command (package iproute2): IPv6 scenarios will "
                "fail their self-check");
        return;
    }
    pid = fork();
    if (pid == 0) {
        execl(*p, "ip", "-6", "route", "add", "local", DH_V6_PREFIX "::/32",
              "dev", "lo", (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, &st, 0);
    if (st != 0)
        dh_warn("cannot add the IPv6 route %s::/32 on lo", DH_V6_PREFIX);
}

/* outside - the parent's life: wait, relay the exit status */
static void outside(pid_t pid, const char *rundir, int keep)
{
    struct sigaction sa;
    int st;

    child_pid = pid;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = forward_kill;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            dh_fatal("waitpid: %s", strerror(errno));
    if (!keep)
        rmdir(rundir);
    if (WIFEXITED(st))
        exit(WEXITSTATUS(st));
    fprintf(stderr, "dane-harness: run ended by signal %d\n", WTERMSIG(st));
    exit(2);
}

/* dh_sandbox_enter - see sandbox.h */
int dh_sandbox_enter(const char *rundir, int keep)
{
    pid_t pid;
    int alive[2]; /* the outside keeps the write end open until it dies */
    struct pollfd pfd;

    if (geteuid() != 0)
        enter_userns();
    /* Only the PID namespace here: it applies to the child.  The child
     * makes its own mount and network namespaces, so that this process
     * stays on the host's and can remove the run folder afterwards. */
    if (unshare(CLONE_NEWPID) < 0)
        dh_fatal("cannot create a PID namespace: %s (is this a container "
                 "without CAP_SYS_ADMIN?)",
                 strerror(errno));
    if (pipe2(alive, O_CLOEXEC) < 0)
        dh_fatal("pipe: %s", strerror(errno));
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        dh_fatal("fork: %s", strerror(errno));
    if (pid > 0) {
        close(alive[0]);
        outside(pid, rundir, keep);
    }

    /* PID 1 of the sandbox from here on.  getppid() is 0 here (the parent
     * is outside the namespace), so the pipe tells whether it died before
     * the death signal was armed. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(alive[1]);
    pfd.fd = alive[0];
    pfd.events = POLLIN;
    if (poll(&pfd, 1, 0) > 0)
        _exit(2);
    if (unshare(CLONE_NEWNS | CLONE_NEWNET) < 0)
        dh_fatal("cannot create mount and network namespaces: %s",
                 strerror(errno));
    if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        dh_fatal("cannot make mounts private: %s", strerror(errno));
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
        0)
        dh_warn("cannot mount /proc for the sandbox: %s", strerror(errno));
    if (!keep && mount("dane-harness", rundir, "tmpfs", MS_NOSUID | MS_NODEV,
                       "mode=0755,size=1g") < 0)
        dh_fatal("cannot mount a tmpfs on %s: %s", rundir, strerror(errno));
    if (lo_up() < 0)
        dh_fatal("cannot bring lo up in the sandbox: %s", strerror(errno));
    v6_route();
    return 0;
}

/* dh_sandbox_resolv_conf - private resolv.conf for the sandbox */
int dh_sandbox_resolv_conf(const char *path)
{
    if (mount(path, "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0) {
        dh_warn("cannot bind-mount %s over /etc/resolv.conf: %s", path,
                strerror(errno));
        return -1;
    }
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

/* dh_sandbox_rundir - the run folder (a tmpfs inside the sandbox unless kept);
 * its name carries this process's PID so that a later run can tell a
 * stale one */
char *dh_sandbox_rundir(const char *keep)
{
    char tmpl[64];
    char *abs;

    if (keep) {
        if (dh_mkdir_p(keep, 0755) < 0)
            dh_fatal("cannot create %s: %s", keep, strerror(errno));
        abs = realpath(keep, NULL);
        if (abs == NULL)
            dh_fatal("%s: %s", keep, strerror(errno));
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
