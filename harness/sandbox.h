/*
 * sandbox.h - the run's private network, mount and PID namespaces.
 *
 * dh_sandbox_enter() returns only in the sandbox: in a child process that
 * is PID 1 of a new PID namespace, with its own network namespace (lo up,
 * nothing else) and a private mount namespace in which rundir is a fresh
 * tmpfs (unless keep is set: then rundir is a real folder left for the
 * user).  The process that called it stays outside, waits for the child
 * and exits with its status; if that outside process is killed, even with
 * SIGKILL, the kernel kills the child and with it every process of the
 * namespace.  Nothing on the host is changed.  rundir is borrowed.
 *
 * Not run as root, it first makes an unprivileged user namespace in
 * which the user is root (uid and gid 0 map to the user's, nothing else:
 * a rootless run), and the namespaces above belong to it: the same
 * isolation and clean-up, but no process of the run can take another
 * user ID, so only clients that never switch users can be tested
 * (adapters say so with the capability "rootless").
 */
#ifndef DH_SANDBOX_H
#define DH_SANDBOX_H

int dh_sandbox_enter(const char *rundir, int keep);
/* The run folder (new string): keep (created, absolute) if given, else a
 * new /tmp/dane-harness.PID.XXXXXX, whose PID lets a later run sweep it
 * away if this one was killed with SIGKILL.  Fatal on failure. */
char *dh_sandbox_rundir(const char *keep);
/* 1 when dh_sandbox_enter() made a rootless sandbox. */
int dh_sandbox_rootless(void);
/* Bind-mount a file over /etc/resolv.conf (inside the sandbox only). */
int dh_sandbox_resolv_conf(const char *path);

#endif
