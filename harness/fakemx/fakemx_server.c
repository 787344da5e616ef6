/*
 * fakemx_server.c - the listening sockets and the set of live sessions
 *
 * One IPv4 socket on 0.0.0.0:PORT (required) and one IPv6 socket on
 * [::]:PORT with IPV6_V6ONLY (best effort).  Inside the harness sandbox
 * every 127/8 address is local, so the one wildcard socket receives the
 * connections for every configured address; the session looks at the
 * address that was dialled.  When accept() fails (EMFILE and friends) the
 * listeners pause for a moment instead of spinning, and an accept_error
 * event says so: the harness then cannot vouch for the attempts running
 * at that moment.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fakemx_event.h"
#include "common/diag.h"
#include "fakemx_server.h"
#include "fakemx_session.h"

#define FAKEMX_BACKLOG 511

/* fakemx_server_socket - a listening socket of FAMILY on PORT, or -1 */
static int fakemx_server_socket(int family, int port, char *err, size_t errlen)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr *sa;
    socklen_t salen;
    int one = 1;
    int fd;

    if ((fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) <
        0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return -1;
    }
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (family == AF_INET) {
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_port = htons((unsigned short)port);
        sin.sin_addr.s_addr = htonl(INADDR_ANY);
        sa = (struct sockaddr *)&sin;
        salen = sizeof(sin);
    } else {
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        memset(&sin6, 0, sizeof(sin6));
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((unsigned short)port);
        sin6.sin6_addr = in6addr_any;
        sa = (struct sockaddr *)&sin6;
        salen = sizeof(sin6);
    }
    if (bind(fd, sa, salen) != 0 || listen(fd, FAKEMX_BACKLOG) != 0) {
        snprintf(err, errlen, "bind/listen %s port %d: %s",
                 family == AF_INET ? "0.0.0.0" : "[::]", port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* fakemx_server_accept_cb - a new connection */
static void fakemx_server_accept_cb(struct evconnlistener *lev,
                                    evutil_socket_t fd, struct sockaddr *sa,
                                    int salen, void *arg)
{
    (void)lev;
    fakemx_session_start(arg, fd, sa, salen);
}

/* fakemx_server_resume_cb - accept again after a pause */
static void fakemx_server_resume_cb(evutil_socket_t fd, short what, void *arg)
{
    fakemx_server *srv = arg;

    (void)fd;
    (void)what;
    for (int i = 0; i < 2; i++)
        if (srv->listeners[i])
            evconnlistener_enable(srv->listeners[i]);
}

/* fakemx_server_error_cb - accept() failed: warn, pause 100 ms */
static void fakemx_server_error_cb(struct evconnlistener *lev, void *arg)
{
    fakemx_server *srv = arg;
    struct timeval pause = {0, 100 * 1000};
    int err = EVUTIL_SOCKET_ERROR();

    json_t *ev = fakemx_event_new("accept_error");

    (void)lev;
    dh_warn("accept: %s", evutil_socket_error_to_string(err));
    json_object_set_new(ev, "error",
                        json_string(evutil_socket_error_to_string(err)));
    json_object_set_new(ev, "pause", json_real(0.1));
    fakemx_event_emit(ev);
    for (int i = 0; i < 2; i++)
        if (srv->listeners[i])
            evconnlistener_disable(srv->listeners[i]);
    evtimer_add(srv->resume, &pause);
}

/* fakemx_server_add - wrap listening socket FD into listener slot I */
static int fakemx_server_add(fakemx_server *srv, int i, int fd)
{
    srv->listeners[i] = evconnlistener_new(
        srv->base, fakemx_server_accept_cb, srv,
        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
    if (srv->listeners[i] == 0) {
        close(fd);
        return -1;
    }
    evconnlistener_set_error_cb(srv->listeners[i], fakemx_server_error_cb);
    return 0;
}

/* fakemx_server_listen - bind 0.0.0.0:PORT (and [::]:PORT if possible) */
int fakemx_server_listen(fakemx_server *srv, int port, char *err, size_t errlen)
{
    char ignored[256];
    int fd;

    srv->resume = evtimer_new(srv->base, fakemx_server_resume_cb, srv);
    if (srv->resume == 0) {
        snprintf(err, errlen, "cannot create timer");
        return -1;
    }
    if ((fd = fakemx_server_socket(AF_INET, port, err, errlen)) < 0)
        return -1;
    if (fakemx_server_add(srv, 0, fd) != 0) {
        snprintf(err, errlen, "cannot create listener");
        return -1;
    }
    if ((fd = fakemx_server_socket(AF_INET6, port, ignored, sizeof(ignored))) <
        0)
        dh_debug("no IPv6 listener: %s", ignored);
    else if (fakemx_server_add(srv, 1, fd) != 0)
        dh_debug("no IPv6 listener: cannot create listener");
    return 0;
}

/* fakemx_server_reload - see fakemx_server.h */
int fakemx_server_reload(fakemx_server *srv, const char *path, char *err,
                         size_t errlen)
{
    fakemx_conf *conf;

    srv->reloads++;
    if (fakemx_conf_reload(path, srv->conf, &conf, err, errlen) != 0)
        return -1;
    for (size_t i = 0; i < conf->nentries; i++) {
        fakemx_entry *e = &conf->entries[i];
        struct sockaddr_storage ss;
        fakemx_entry *old;

        memset(&ss, 0, sizeof(ss));
        if (e->family == AF_INET) {
            ((struct sockaddr_in *)&ss)->sin_family = AF_INET;
            ((struct sockaddr_in *)&ss)->sin_addr = e->v4;
        } else {
            ((struct sockaddr_in6 *)&ss)->sin6_family = AF_INET6;
            ((struct sockaddr_in6 *)&ss)->sin6_addr = e->v6;
        }
        if ((old = fakemx_conf_lookup(srv->conf, (struct sockaddr *)&ss)))
            e->handshakes = old->handshakes;
    }
    srv->retired =
        realloc(srv->retired, (srv->nretired + 1) * sizeof(*srv->retired));
    if (srv->retired == 0)
        dh_fatal("out of memory");
    srv->retired[srv->nretired++] = srv->conf;
    srv->conf = conf;
    return 0;
}

/* fakemx_server_shutdown - close listeners, end and free every session */
void fakemx_server_shutdown(fakemx_server *srv)
{
    for (int i = 0; i < 2; i++) {
        if (srv->listeners[i])
            evconnlistener_free(srv->listeners[i]);
        srv->listeners[i] = 0;
    }
    while (srv->sessions)
        fakemx_session_free(srv->sessions, "shutdown");
    if (srv->resume)
        event_free(srv->resume);
    srv->resume = 0;
    for (size_t i = 0; i < srv->nretired; i++)
        fakemx_conf_free(srv->retired[i]);
    free(srv->retired);
    srv->retired = 0;
    srv->nretired = 0;
    fakemx_conf_free(srv->conf);
    srv->conf = 0;
}
