/*
 * fakemx_main.c - dane-fakemx: the fake MX daemon of dane-harness
 *
 * dane-fakemx --config FILE --events FILE [--port 25] [--ready-fd N]
 *             [--idle-timeout SECS] [--debug]
 *
 * Loads the configuration (fakemx_conf.h, reference in docs/fakemx.md),
 * opens the events file (fakemx_event.h), raises the open files limit to
 * the hard limit (thousands of sessions), listens on PORT of every local
 * address, writes "ready\n" to fd N and serves until SIGTERM or SIGINT, then
 * writes the events file's stop record, frees everything and exits 0.
 * While it serves, a "tick" event every 250 ms is its heartbeat.  Exit 2:
 * bad usage or configuration, or a broken environment (cannot listen,
 * cannot open the events file: dh_fatal()); exit 1: the stop record
 * could not be written.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <event2/event.h>

#include "fakemx_conf.h"
#include "fakemx_event.h"
#include "common/diag.h"
#include "fakemx_server.h"

#define FAKEMX_TICK_MS 250

/* fakemx_usage - print usage, exit 2 */
static void fakemx_usage(const char *why)
{
    if (why)
        fprintf(stderr, "dane-fakemx: %s\n", why);
    fprintf(stderr,
            "usage: dane-fakemx --config FILE --events FILE [--port 25]\n"
            "                   [--ready-fd N] [--idle-timeout SECS] "
            "[--debug]\n");
    exit(2);
}

/* fakemx_number - parse option OPT's value TEXT in [MIN, MAX] or exit 2 */
static int fakemx_number(const char *opt, const char *text, long min, long max)
{
    char why[256];
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != 0 || v < min || v > max) {
        snprintf(why, sizeof(why),
                 "--%s: expected a number from %ld to %ld,"
                 " got '%s'",
                 opt, min, max, text);
        fakemx_usage(why);
    }
    return (int)v;
}

/* fakemx_raise_nofile - as many descriptors as the hard limit allows */
static void fakemx_raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == rl.rlim_max)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY ? 1048576 : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        dh_warn("cannot raise the open files limit to %llu: %s",
                (unsigned long long)rl.rlim_cur, strerror(errno));
    else
        dh_debug("open files limit %llu", (unsigned long long)rl.rlim_cur);
}

/* fakemx_stop_cb - SIGTERM or SIGINT: leave the event loop */
static void fakemx_stop_cb(evutil_socket_t sig, short what, void *arg)
{
    (void)what;
    dh_debug("signal %d: stopping", (int)sig);
    event_base_loopbreak(arg);
}

/* fakemx_reload_cb - SIGHUP: load the configuration again; a "reload"
 * event says how it went (the harness waits for it) */
static void fakemx_reload_cb(evutil_socket_t sig, short what, void *arg)
{
    fakemx_server *srv = arg;
    json_t *ev = fakemx_event_new("reload");
    char err[2048];
    int rc = fakemx_server_reload(srv, srv->conf->path, err, sizeof(err));

    (void)sig;
    (void)what;
    json_object_set_new(ev, "generation",
                        json_integer((json_int_t)srv->reloads));
    if (rc == 0)
        json_object_set_new(ev, "entries",
                            json_integer((json_int_t)srv->conf->nentries));
    else
        json_object_set_new(ev, "error", json_string(err));
    if (rc != 0)
        dh_warn("reload: %s", err);
    fakemx_event_emit(ev);
}

/* fakemx_tick_cb - the heartbeat: a tick event every FAKEMX_TICK_MS.  A
 * gap between ticks is time when the event loop served nobody; the
 * harness does not judge attempts that overlap a long one. */
static void fakemx_tick_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    fakemx_event_emit(fakemx_event_new("tick"));
}

/* fakemx_ready - tell whoever started us that we listen */
static void fakemx_ready(int fd)
{
    ssize_t n;

    if (fd < 0)
        return;
    do
        n = write(fd, "ready\n", 6);
    while (n < 0 && errno == EINTR);
    if (n != 6)
        dh_fatal("cannot write to --ready-fd %d: %s", fd,
                 n < 0 ? strerror(errno) : "short write");
    close(fd);
}

/* The daemon's options. */
typedef struct {
    const char *config;
    const char *events;
    int port;
    int ready_fd;
    int idle;
} fakemx_opts;

/* fakemx_options - parse the command line, or exit 2 */
static void fakemx_options(int argc, char **argv, fakemx_opts *o)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'},
        {"events", required_argument, 0, 'e'},
        {"port", required_argument, 0, 'p'},
        {"ready-fd", required_argument, 0, 'r'},
        {"idle-timeout", required_argument, 0, 't'},
        {"debug", no_argument, 0, 'd'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    o->port = 25;
    o->ready_fd = -1;
    o->idle = 30;
    while ((c = getopt_long(argc, argv, "c:e:p:r:t:dh", opts, 0)) != -1) {
        switch (c) {
        case 'c':
            o->config = optarg;
            break;
        case 'e':
            o->events = optarg;
            break;
        case 'p':
            o->port = fakemx_number("port", optarg, 1, 65535);
            break;
        case 'r':
            o->ready_fd = fakemx_number("ready-fd", optarg, 0, INT_MAX);
            break;
        case 't':
            o->idle = fakemx_number("idle-timeout", optarg, 1, 86400);
            break;
        case 'd':
            dh_diag_level = 2;
            break;
        default:
            fakemx_usage(0);
        }
    }
    if (optind != argc)
        fakemx_usage("unexpected argument");
    if (o->config == 0 || o->events == 0)
        fakemx_usage("--config and --events are required");
}

/* fakemx_base - an event base with a precise clock: libevent's default
 * on Linux is the coarse monotonic clock (a few ms of resolution), with
 * which a persona's delays (greeting-delay, ehlo-delay) can end a few ms
 * early */
static struct event_base *fakemx_base(void)
{
    struct event_config *cfg = event_config_new();
    struct event_base *base;

    if (cfg == 0 || event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER))
        dh_fatal("cannot create event base");
    if ((base = event_base_new_with_config(cfg)) == 0)
        dh_fatal("cannot create event base");
    event_config_free(cfg);
    return base;
}

/* fakemx_events - the signals that stop it, the heartbeat, the reload:
 * [0], [1] SIGTERM, SIGINT, [2] tick, [3] SIGHUP */
static void fakemx_events(fakemx_server *srv, struct event *ev[4])
{
    struct event_base *base = srv->base;
    struct timeval tick_every = {0, FAKEMX_TICK_MS * 1000};

    ev[0] = evsignal_new(base, SIGTERM, fakemx_stop_cb, base);
    ev[1] = evsignal_new(base, SIGINT, fakemx_stop_cb, base);
    if (ev[0] == 0 || ev[1] == 0 || evsignal_add(ev[0], 0) != 0 ||
        evsignal_add(ev[1], 0) != 0)
        dh_fatal("cannot install signal handlers");
    ev[2] = event_new(base, -1, EV_PERSIST, fakemx_tick_cb, 0);
    if (ev[2] == 0 || event_add(ev[2], &tick_every) != 0)
        dh_fatal("cannot install the heartbeat timer");
    ev[3] = evsignal_new(base, SIGHUP, fakemx_reload_cb, srv);
    if (ev[3] == 0 || evsignal_add(ev[3], 0) != 0)
        dh_fatal("cannot install the reload handler");
}

/* main - parse options, load, listen, serve until told to stop */
int main(int argc, char **argv)
{
    fakemx_opts o;
    fakemx_server srv;
    fakemx_conf *conf = 0;
    struct event *ev[4];
    char err[2048];
    int status;

    dh_diag_init("dane-fakemx", 0);
    fakemx_options(argc, argv, &o);
    if (fakemx_conf_load(o.config, &conf, err, sizeof(err)) != 0) {
        fprintf(stderr, "dane-fakemx: %s\n", err);
        return 2;
    }
    if (fakemx_event_open(o.events) != 0)
        dh_fatal("cannot open events file %s: %s", o.events, strerror(errno));
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN); /* a file size limit fails the write instead */
    fakemx_raise_nofile();
    memset(&srv, 0, sizeof(srv));
    srv.base = fakemx_base();
    srv.conf = conf;
    srv.idle.tv_sec = o.idle;
    if (fakemx_server_listen(&srv, o.port, err, sizeof(err)) != 0)
        dh_fatal("%s", err);
    fakemx_events(&srv, ev);
    dh_debug("%zu entries from %s, port %d", conf->nentries, o.config, o.port);
    fakemx_event_emit(fakemx_event_new("start"));
    fakemx_ready(o.ready_fd);
    if (event_base_dispatch(srv.base) < 0)
        dh_warn("event loop failed");
    fakemx_server_shutdown(&srv);
    status = fakemx_event_finish() == 0 ? 0 : 1;
    if (status)
        dh_warn("cannot write the stop record of the events file");
    for (int i = 0; i < 4; i++)
        event_free(ev[i]);
    event_base_free(srv.base);
    fakemx_event_close();
    libevent_global_shutdown();
    return status;
}
