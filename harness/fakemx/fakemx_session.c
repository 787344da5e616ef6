/*
 * fakemx_session.c - life cycle, I/O and the close path of one session
 *
 * Input is framed into lines here, with the length limit enforced before a
 * line is copied or parsed; complete lines go to fakemx_smtp_command(), or
 * to fakemx_data_input() while a message is being received.
 *
 * Closing always goes the same way: fakemx_session_close() writes the
 * disconnect event and stops reading; a timer then waits until every reply
 * has left the process, sends a TLS close_notify if TLS is up, half-closes
 * the socket and drains input until the client closes (so that unread
 * input cannot turn our last reply into a reset), with deadlines.  The one
 * exception on that path is tls-abort=reset: the socket is closed at once
 * with SO_LINGER 0, which sends a RST.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "fakemx_event.h"
#include "common/diag.h"
#include "fakemx_session.h"
#include "common/vocab.h"

#define FAKEMX_CLOSE_POLL_MS 10 /* close path: output drained yet? */
#define FAKEMX_CLOSE_TICKS 500  /* ... for at most 5 s */
#define FAKEMX_LINGER_SECS 2    /* wait for the client's EOF */

static const char *const fakemx_state_names[] = {
    [FAKEMX_S_NEW] = "NEW",       [FAKEMX_S_HELO] = "HELO",
    [FAKEMX_S_READY] = "READY",   [FAKEMX_S_MAIL] = "MAIL",
    [FAKEMX_S_RCPT] = "RCPT",     [FAKEMX_S_DATA] = "DATA",
    [FAKEMX_S_TLS] = "TLS",       [FAKEMX_S_CLOSING] = "CLOSING",
    [FAKEMX_S_LINGER] = "LINGER",
};
DH_VOCAB_DEFINE(static, fakemx_states, "session state", fakemx_state_names,
                FAKEMX_S_KINDS);

/* fakemx_session_set_state - the only place the state changes */
void fakemx_session_set_state(fakemx_session *s, fakemx_state state)
{
    dh_debug("conn %lu: %s -> %s", s->conn,
             dh_vocab_name(&fakemx_states, (int)s->state),
             dh_vocab_name(&fakemx_states, (int)state));
    s->state = state;
}

/* fakemx_session_addr - "a.b.c.d:port" or "[v6]:port" of SA */
static void fakemx_session_addr(const struct sockaddr *sa, char *buf,
                                size_t len)
{
    const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
    char host[INET6_ADDRSTRLEN];

    if (sa->sa_family == AF_INET &&
        inet_ntop(AF_INET, &sin->sin_addr, host, sizeof(host)) != 0)
        snprintf(buf, len, "%s:%u", host, ntohs(sin->sin_port));
    else if (sa->sa_family == AF_INET6 &&
             inet_ntop(AF_INET6, &sin6->sin6_addr, host, sizeof(host)) != 0)
        snprintf(buf, len, "[%s]:%u", host, ntohs(sin6->sin6_port));
    else
        snprintf(buf, len, "unknown");
}

/* fakemx_session_name - our host name in replies */
static const char *fakemx_session_name(const fakemx_session *s)
{
    return s->entry ? s->entry->smtp_name : "localhost";
}

/* fakemx_session_text - JSON string of config text V, null if none */
static json_t *fakemx_session_text(const char *v)
{
    return v ? fakemx_json_text(v, strlen(v)) : json_null();
}

/* fakemx_session_event - a new event with the common fields filled in */
json_t *fakemx_session_event(const fakemx_session *s, const char *name)
{
    const fakemx_entry *e = s->entry;
    json_t *ev;

    if ((ev = fakemx_event_new(name)) == 0)
        return 0;
    json_object_set_new(ev, "conn", json_integer((json_int_t)s->conn));
    json_object_set_new(ev, "scenario",
                        fakemx_session_text(e ? e->scenario : 0));
    json_object_set_new(ev, "host", fakemx_session_text(e ? e->host : 0));
    json_object_set_new(ev, "persona", fakemx_session_text(e ? e->persona : 0));
    json_object_set_new(ev, "local", json_string(s->local));
    json_object_set_new(ev, "peer", json_string(s->peer));
    return ev;
}

/* fakemx_session_reply - send one reply line (CRLF appended) */
void fakemx_session_reply(fakemx_session *s, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(buf) - 3)
        n = (int)sizeof(buf) - 3;
    dh_debug("conn %lu: > %.*s", s->conn, n, buf);
    memcpy(buf + n, "\r\n", 2);
    bufferevent_write(s->bev, buf, (size_t)n + 2);
}

/* fakemx_session_cmd_error - record a command_error event only */
void fakemx_session_cmd_error(fakemx_session *s, const char *reason,
                              const char *line, size_t len)
{
    json_t *ev = fakemx_session_event(s, "command_error");

    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (len > 80)
        len = 80;
    json_object_set_new(ev, "reason", json_string(reason));
    json_object_set_new(ev, "line",
                        fakemx_json_escaped(line ? line : "", line ? len : 0));
    fakemx_event_emit(ev);
}

/* fakemx_session_error - command_error event, REPLY, count; maybe drop */
void fakemx_session_error(fakemx_session *s, const char *reason,
                          const char *line, size_t len, const char *reply)
{
    fakemx_session_cmd_error(s, reason, line, len);
    fakemx_session_reply(s, "%s", reply);
    if (++s->errors >= FAKEMX_MAX_ERRORS) {
        fakemx_session_reply(s, "421 4.7.0 %s Error: too many errors",
                             fakemx_session_name(s));
        fakemx_session_close(s, "dropped");
    }
}

/* fakemx_session_bye - write the disconnect event, once */
static void fakemx_session_bye(fakemx_session *s, const char *reason)
{
    struct timeval now;
    json_t *ev;

    if (s->said_bye)
        return;
    s->said_bye = 1;
    gettimeofday(&now, 0);
    ev = fakemx_session_event(s, "disconnect");
    json_object_set_new(ev, "reason", json_string(reason));
    json_object_set_new(
        ev, "duration",
        json_real((double)(now.tv_sec - s->start.tv_sec) +
                  (double)(now.tv_usec - s->start.tv_usec) / 1e6));
    json_object_set_new(ev, "quit", json_boolean(s->quit));
    json_object_set_new(ev, "bytes_in", json_integer((json_int_t)s->bytes_in));
    /* Written so far plus queued (the last reply is usually queued). */
    json_object_set_new(
        ev, "bytes_out",
        json_integer(
            (json_int_t)(s->bytes_out +
                         evbuffer_get_length(bufferevent_get_output(s->raw)))));
    fakemx_event_emit(ev);
}

/* fakemx_session_close - begin the one close path; REASON for the event */
void fakemx_session_close(fakemx_session *s, const char *reason)
{
    static const struct timeval now = {0, 0};

    if (s->state >= FAKEMX_S_CLOSING)
        return;
    fakemx_session_bye(s, reason);
    fakemx_session_set_state(s, FAKEMX_S_CLOSING);
    s->stalled = 0;
    evtimer_del(s->stall);
    bufferevent_disable(s->bev, EV_READ);
    s->close_ticks = 0;
    evtimer_add(s->timer, &now);
}

static void fakemx_session_in_cb(struct evbuffer *,
                                 const struct evbuffer_cb_info *, void *);
static void fakemx_session_out_cb(struct evbuffer *,
                                  const struct evbuffer_cb_info *, void *);

/* fakemx_session_free - unlink and free S; REASON: disconnect if not yet */
void fakemx_session_free(fakemx_session *s, const char *reason)
{
    if (reason != 0)
        fakemx_session_bye(s, reason);
    dh_debug("conn %lu: freed", s->conn);
    if (s->prev)
        s->prev->next = s->next;
    else
        s->srv->sessions = s->next;
    if (s->next)
        s->next->prev = s->prev;
    if (s->timer)
        event_free(s->timer);
    if (s->stall)
        event_free(s->stall);
    if (s->ssl)
        SSL_set_app_data(s->ssl, 0);
    /* The octet counters hang on the raw layer's buffers, which a TLS
     * filter frees later (deferred): they must not outlive S. */
    if (s->raw) {
        evbuffer_remove_cb(bufferevent_get_input(s->raw), fakemx_session_in_cb,
                           s);
        evbuffer_remove_cb(bufferevent_get_output(s->raw),
                           fakemx_session_out_cb, s);
    }
    if (s->bev)
        bufferevent_free(s->bev); /* the socket, SSL and raw layer too */
    fakemx_tls_state_clear(&s->tls);
    free(s);
}

/* fakemx_session_timer_cb - close path: flush, close_notify, half-close */
static void fakemx_session_timer_cb(evutil_socket_t fd, short what, void *arg)
{
    fakemx_session *s = arg;
    struct timeval poll = {0, FAKEMX_CLOSE_POLL_MS * 1000};
    struct timeval linger = {FAKEMX_LINGER_SECS, 0};

    (void)fd;
    (void)what;
    if (s->reset) {
        struct linger lg = {1, 0};

        if (s->fd >= 0)
            (void)setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        fakemx_session_free(s, 0);
        return;
    }
    if (s->state == FAKEMX_S_LINGER || ++s->close_ticks > FAKEMX_CLOSE_TICKS) {
        fakemx_session_free(s, 0);
        return;
    }
    if (evbuffer_get_length(bufferevent_get_output(s->bev)) != 0 ||
        evbuffer_get_length(bufferevent_get_output(s->raw)) != 0) {
        evtimer_add(s->timer, &poll);
        return;
    }
    if (s->in_tls && !s->ssl_shut) {
        s->ssl_shut = 1;
        SSL_shutdown(s->ssl); /* close_notify into the raw layer */
        ERR_clear_error();
        evtimer_add(s->timer, &poll);
        return;
    }
    if (s->fd >= 0)
        shutdown(s->fd, SHUT_WR);
    fakemx_session_set_state(s, FAKEMX_S_LINGER);
    bufferevent_set_timeouts(s->bev, 0, 0);
    bufferevent_enable(s->bev, EV_READ);
    evtimer_add(s->timer, &linger);
}

/* fakemx_session_too_long - a line over the limit: refuse, record */
static void fakemx_session_too_long(fakemx_session *s, struct evbuffer *in)
{
    char head[80];
    ev_ssize_t n = evbuffer_copyout(in, head, sizeof(head));

    fakemx_session_error(s, "line too long", head, n > 0 ? (size_t)n : 0,
                         "500 5.5.2 Error: line too long");
}

/* fakemx_session_line - frame and handle one command line; 0: need more */
static int fakemx_session_line(fakemx_session *s, struct evbuffer *in)
{
    char line[SMTP_LINE_MAX];
    size_t avail = evbuffer_get_length(in);
    struct evbuffer_ptr eol;
    size_t n;

    eol = evbuffer_search_eol(in, 0, 0, EVBUFFER_EOL_LF);
    if (eol.pos < 0) {
        /* No end yet: too long already if it cannot fit with its LF. */
        if (avail < SMTP_LINE_MAX)
            return 0;
        if (!s->skip_line)
            fakemx_session_too_long(s, in);
        s->skip_line = 1;
        evbuffer_drain(in, avail);
        return 0;
    }
    n = (size_t)eol.pos + 1;
    if (s->skip_line) {
        s->skip_line = 0;
        evbuffer_drain(in, n);
        return 1;
    }
    if (n > SMTP_LINE_MAX) {
        fakemx_session_too_long(s, in);
        evbuffer_drain(in, n);
        return 1;
    }
    evbuffer_remove(in, line, n);
    if (dh_diag_level >= 2) {
        char esc[4 * SMTP_LINE_MAX + 1];

        fakemx_json_escape(line, n > 1 && line[n - 2] == '\r' ? n - 2 : n - 1,
                           esc, sizeof(esc));
        dh_debug("conn %lu: < %s", s->conn, esc);
    }
    fakemx_smtp_command(s, line, n);
    return 1;
}

/* fakemx_session_input - handle what is buffered, as far as we may */
static void fakemx_session_input(fakemx_session *s)
{
    struct evbuffer *in = bufferevent_get_input(s->bev);

    while (!s->stalled && s->state >= FAKEMX_S_HELO &&
           s->state <= FAKEMX_S_DATA) {
        if (s->state == FAKEMX_S_DATA ? fakemx_data_input(s, in) == 0
                                      : fakemx_session_line(s, in) == 0)
            break;
    }
    if (s->state == FAKEMX_S_CLOSING || s->state == FAKEMX_S_LINGER)
        evbuffer_drain(in, evbuffer_get_length(in));
    /* A client that does not read its replies gets paused. */
    if (s->state <= FAKEMX_S_DATA &&
        evbuffer_get_length(bufferevent_get_output(s->bev)) > FAKEMX_OUT_MAX) {
        s->throttled = 1;
        bufferevent_disable(s->bev, EV_READ);
    }
}

/* fakemx_session_read_cb - input arrived */
static void fakemx_session_read_cb(struct bufferevent *bev, void *arg)
{
    (void)bev;
    fakemx_session_input(arg);
}

/* fakemx_session_write_cb - output drained: resume a paused reader */
static void fakemx_session_write_cb(struct bufferevent *bev, void *arg)
{
    fakemx_session *s = arg;

    (void)bev;
    if (s->throttled && s->state <= FAKEMX_S_DATA) {
        s->throttled = 0;
        bufferevent_enable(s->bev, EV_READ);
    }
}

/* fakemx_session_event_cb - EOF, error, timeout, handshake done */
static void fakemx_session_event_cb(struct bufferevent *bev, short what,
                                    void *arg)
{
    fakemx_session *s = arg;

    (void)bev;
    if (s->state == FAKEMX_S_TLS) {
        fakemx_starttls_event(s, what);
        return;
    }
    if (what & BEV_EVENT_CONNECTED)
        return;
    if (s->state >= FAKEMX_S_CLOSING) {
        fakemx_session_free(s, 0);
        return;
    }
    if (what & BEV_EVENT_TIMEOUT) {
        if (what & BEV_EVENT_READING)
            fakemx_session_reply(s, "421 4.4.2 %s Error: timeout exceeded",
                                 fakemx_session_name(s));
        fakemx_session_close(s, "timeout");
    } else if (what & BEV_EVENT_EOF) {
        fakemx_session_close(s, "eof");
    } else {
        fakemx_session_close(s, "error");
    }
}

/* fakemx_session_attach - point S's callbacks and timeouts at s->bev */
void fakemx_session_attach(fakemx_session *s)
{
    bufferevent_setcb(s->bev, fakemx_session_read_cb, fakemx_session_write_cb,
                      fakemx_session_event_cb, s);
    bufferevent_setwatermark(s->bev, EV_READ, 0, FAKEMX_IN_MAX);
    if (s->stalled)
        bufferevent_set_timeouts(s->bev, 0, 0);
    else
        bufferevent_set_timeouts(s->bev, &s->srv->idle, &s->srv->idle);
    bufferevent_enable(s->bev, EV_READ | EV_WRITE);
}

/* fakemx_session_stall_cb - the stall is over: reply, then read on */
static void fakemx_session_stall_cb(evutil_socket_t fd, short what, void *arg)
{
    fakemx_session *s = arg;

    (void)fd;
    (void)what;
    s->stalled = 0;
    if (s->state >= FAKEMX_S_CLOSING)
        return;
    bufferevent_set_timeouts(s->bev, &s->srv->idle, &s->srv->idle);
    s->resume(s);
    fakemx_session_input(s);
}

/* fakemx_session_stall - wait SECS (a timer), then call FN, then go on */
void fakemx_session_stall(fakemx_session *s, double secs, fakemx_resume_fn fn)
{
    struct timeval tv;

    tv.tv_sec = (time_t)secs;
    tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec) * 1e6);
    s->stalled = 1;
    s->resume = fn;
    /* The wait is ours, not the client's: no idle timeout meanwhile. */
    bufferevent_set_timeouts(s->bev, 0, 0);
    /* From now, not from the start of this loop iteration (libevent's
     * cached time): other callbacks, the heartbeat's write among them,
     * may have run first, and the delay would end that much early. */
    event_base_update_cache_time(s->srv->base);
    evtimer_add(s->stall, &tv);
}

/* fakemx_session_in_cb - count octets read from the socket */
static void fakemx_session_in_cb(struct evbuffer *buf,
                                 const struct evbuffer_cb_info *info, void *arg)
{
    fakemx_session *s = arg;

    (void)buf;
    s->bytes_in += info->n_added;
}

/* fakemx_session_out_cb - count octets written to the socket */
static void fakemx_session_out_cb(struct evbuffer *buf,
                                  const struct evbuffer_cb_info *info,
                                  void *arg)
{
    fakemx_session *s = arg;

    (void)buf;
    s->bytes_out += info->n_deleted;
}

/* fakemx_session_not_served - an accept_error event: a connection to
 * LOCAL was accepted but could not be served */
static void fakemx_session_not_served(const struct sockaddr *local,
                                      const char *why)
{
    json_t *ev = fakemx_event_new("accept_error");
    char addr[64];

    fakemx_session_addr(local, addr, sizeof(addr));
    json_object_set_new(ev, "local", json_string(addr));
    json_object_set_new(ev, "error", json_string(why));
    fakemx_event_emit(ev);
}

/* fakemx_session_start_bev - a session on bufferevent RAW, which it owns */
void fakemx_session_start_bev(fakemx_server *srv, struct bufferevent *raw,
                              int fd, const struct sockaddr *local,
                              const struct sockaddr *peer)
{
    fakemx_session *s;
    json_t *ev;

    if ((s = calloc(1, sizeof(*s))) == 0) {
        dh_warn("accept: out of memory");
        fakemx_session_not_served(local, "out of memory");
        bufferevent_free(raw);
        return;
    }
    s->srv = srv;
    s->conn = ++srv->nconn;
    s->fd = fd;
    s->raw = s->bev = raw;
    gettimeofday(&s->start, 0);
    fakemx_session_addr(local, s->local, sizeof(s->local));
    fakemx_session_addr(peer, s->peer, sizeof(s->peer));
    s->entry = fakemx_conf_lookup(srv->conf, local);
    s->timer = evtimer_new(srv->base, fakemx_session_timer_cb, s);
    s->stall = evtimer_new(srv->base, fakemx_session_stall_cb, s);
    if (s->timer == 0 || s->stall == 0 ||
        evbuffer_add_cb(bufferevent_get_input(raw), fakemx_session_in_cb, s) ==
            0 ||
        evbuffer_add_cb(bufferevent_get_output(raw), fakemx_session_out_cb,
                        s) == 0) {
        dh_warn("accept: cannot create timers");
        fakemx_session_not_served(local, "cannot create timers");
        if (s->timer)
            event_free(s->timer);
        if (s->stall)
            event_free(s->stall);
        bufferevent_free(raw);
        free(s);
        return;
    }
    if ((s->next = srv->sessions) != 0)
        s->next->prev = s;
    srv->sessions = s;
    dh_debug("conn %lu: %s -> %s", s->conn, s->peer, s->local);
    fakemx_session_attach(s);

    if (s->entry == 0) {
        fakemx_event_emit(fakemx_session_event(s, "no_scenario"));
        fakemx_session_reply(s, "554 5.3.0 no scenario at this address");
        s->said_bye = 1; /* no connect event, so no disconnect event */
        fakemx_session_close(s, "dropped");
        return;
    }
    ev = fakemx_session_event(s, "connect");
    fakemx_event_emit(ev);
    fakemx_smtp_greet(s);
}

/* fakemx_session_start - take over accepted socket FD; never fails hard */
void fakemx_session_start(fakemx_server *srv, int fd,
                          const struct sockaddr *peer, int peerlen)
{
    struct sockaddr_storage local;
    socklen_t llen = sizeof(local);
    struct bufferevent *raw;
    int one = 1;

    (void)peerlen;
    if (getsockname(fd, (struct sockaddr *)&local, &llen) != 0) {
        dh_warn("getsockname: %s", strerror(errno));
        close(fd);
        return;
    }
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    raw = bufferevent_socket_new(
        srv->base, fd, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (raw == 0) {
        dh_warn("accept: cannot create bufferevent");
        close(fd);
        return;
    }
    fakemx_session_start_bev(srv, raw, fd, (const struct sockaddr *)&local,
                             peer);
}
