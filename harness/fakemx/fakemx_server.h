/*
 * fakemx_server.h - the listening sockets and the set of live sessions
 *
 * One fakemx_server per process.  The caller owns the event base and
 * must keep it alive until fakemx_server_shutdown() has returned.  The
 * server owns its configuration (set conf before listening), its
 * listeners and its sessions, and frees them there.  A reload
 * (fakemx_server_reload(), on SIGHUP) puts a new configuration in place
 * for the connections that follow; the old one stays until shutdown,
 * for the sessions still using its entries.
 */
#ifndef FAKEMX_SERVER_H
#define FAKEMX_SERVER_H

#include <stddef.h>
#include <sys/time.h>

#include <event2/event.h>
#include <event2/listener.h>

#include "fakemx_conf.h"

typedef struct fakemx_session fakemx_session;

typedef struct fakemx_server {
    struct event_base *base; /* caller's */
    fakemx_conf *conf;       /* the current configuration */
    fakemx_conf **retired;   /* earlier ones, until shutdown */
    size_t nretired;
    unsigned long reloads;               /* reloads tried so far */
    struct timeval idle;                 /* idle timeout per session */
    struct evconnlistener *listeners[2]; /* IPv4, IPv6 (may be NULL) */
    struct event *resume;                /* re-enables accept after EMFILE */
    fakemx_session *sessions;            /* live sessions, a list */
    unsigned long nconn;                 /* connections accepted so far */
} fakemx_server;

/*
 * fakemx_server_listen - bind 0.0.0.0:PORT (and [::]:PORT if possible)
 *
 * SRV must have base, conf and idle set.  Returns 0 when the IPv4 socket
 * listens, -1 and a message in ERR otherwise.
 */
int fakemx_server_listen(fakemx_server *srv, int port, char *err,
                         size_t errlen);

/* fakemx_server_reload - load PATH again; 0 (new connections use it), or
 * -1 and why in ERR (the old configuration stays).  Each address keeps
 * its handshake count (abort-first=). */
int fakemx_server_reload(fakemx_server *srv, const char *path, char *err,
                         size_t errlen);

/* fakemx_server_shutdown - close listeners, end and free every session */
void fakemx_server_shutdown(fakemx_server *srv);

#endif
