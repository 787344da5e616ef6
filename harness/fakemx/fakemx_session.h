/*
 * fakemx_session.h - one SMTP session of the fake MX
 *
 * A session is a struct plus an explicit state; fakemx_session_set_state()
 * is the only place that changes the state.  The code is split by role:
 *
 *   fakemx_session.c   life cycle, I/O callbacks, line framing, the one
 *                      close path (flush, TLS close_notify, half-close,
 *                      linger) and the common fields of every event
 *   fakemx_smtp.c      greeting and command dispatch
 *   fakemx_data.c      the message after DATA (dot-unstuffing, size, token)
 *   fakemx_starttls.c  STARTTLS and the server-side handshake
 *
 * The server owns its sessions (a doubly linked list).  A session is only
 * freed from its own event or timer callback, or by the server shutdown,
 * never from inside the read path, so command handlers can always touch
 * the session after calling fakemx_session_close().  Bufferevents are
 * created with BEV_OPT_DEFER_CALLBACKS: the OpenSSL filter would otherwise
 * run our callbacks (and so free the session) from inside
 * bufferevent_enable().
 *
 * A stall (greeting-delay=, ehlo-delay=) is a timer, never a sleep: while
 * it runs the session reads no commands (they wait in the input buffer,
 * which has a high-water mark) and has no idle timeout; when it fires the
 * deferred reply is sent and buffered input is handled.  Other sessions
 * are not affected.
 */
#ifndef FAKEMX_SESSION_H
#define FAKEMX_SESSION_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>
#include <openssl/ssl.h>

#include "fakemx_conf.h"
#include "fakemx_server.h"
#include "fakemx_tls.h"
#include "smtp_cmd.h"

#define FAKEMX_MAX_ERRORS 10              /* then drop the session */
#define FAKEMX_MSG_MAX (10 * 1024 * 1024) /* SIZE we advertise */
#define FAKEMX_RCPT_MAX 100               /* recipients per message */
#define FAKEMX_TOKEN_MAX 256              /* X-DH-Token value kept */
#define FAKEMX_DATA_CHUNK 4096            /* message line buffer */
#define FAKEMX_OUT_MAX (256 * 1024)       /* stop reading above */
#define FAKEMX_IN_MAX (64 * 1024)         /* input buffered, at most */

typedef enum {
    FAKEMX_S_NEW,     /* accepted, nothing sent yet */
    FAKEMX_S_HELO,    /* greeted (or TLS up): waiting for EHLO/HELO */
    FAKEMX_S_READY,   /* EHLO done, no mail transaction */
    FAKEMX_S_MAIL,    /* MAIL accepted, no RCPT yet */
    FAKEMX_S_RCPT,    /* at least one RCPT accepted */
    FAKEMX_S_DATA,    /* reading the message */
    FAKEMX_S_TLS,     /* server-side TLS handshake running */
    FAKEMX_S_CLOSING, /* no more input: flushing replies */
    FAKEMX_S_LINGER,  /* write side shut: draining input until EOF */
    FAKEMX_S_KINDS
} fakemx_state;

/* The message being received. */
typedef struct fakemx_msg {
    size_t bytes;  /* after dot-unstuffing */
    int in_header; /* no empty line seen yet */
    int mid_line;  /* last chunk ended inside a line */
    int too_big;
    int have_token;
    char token[FAKEMX_TOKEN_MAX];
} fakemx_msg;

typedef struct fakemx_session fakemx_session;

/* What a stall does when it ends. */
typedef void (*fakemx_resume_fn)(fakemx_session *s);

typedef struct fakemx_session {
    fakemx_server *srv;
    fakemx_session *prev;
    fakemx_session *next;
    unsigned long conn;               /* connection number, from 1 */
    fakemx_entry *entry;              /* NULL: no scenario here */
    char local[INET6_ADDRSTRLEN + 8]; /* "addr:port" dialled */
    char peer[INET6_ADDRSTRLEN + 8];  /* "addr:port" of the client */
    int fd;                  /* -1 for an in-memory session (fuzzing) */
    struct bufferevent *raw; /* the socket */
    struct bufferevent *bev; /* what we talk through: raw or TLS filter */
    SSL *ssl;                /* owned by bev once TLS started */
    fakemx_tls_state tls;
    fakemx_state state;
    struct timeval start;
    struct event *timer;     /* close path: polling and deadlines */
    struct event *stall;     /* greeting-delay, ehlo-delay */
    fakemx_resume_fn resume; /* what the stall does when it ends */
    int stalled;             /* stall timer running: read no commands */
    int close_ticks;
    int in_tls;    /* handshake done */
    int ssl_shut;  /* close_notify sent */
    int quit;      /* client sent QUIT */
    int said_bye;  /* disconnect event written */
    int skip_line; /* discarding the rest of a long line */
    int throttled; /* reading paused: output too big */
    int reset;     /* close with a TCP RST (tls-abort=reset) */
    int esmtp;     /* the EHLO reply being stalled is EHLO, not HELO */
    int errors;
    size_t bytes_in;  /* octets from the socket, TLS records included */
    size_t bytes_out; /* octets written to the socket */
    unsigned nrcpt;
    unsigned nmsg;
    fakemx_msg msg;
} fakemx_session;

/* fakemx_session_start - take over accepted socket FD; never fails hard */
void fakemx_session_start(fakemx_server *srv, int fd,
                          const struct sockaddr *peer, int peerlen);

/*
 * fakemx_session_start_bev - a session on bufferevent RAW, which it owns
 *
 * RAW must have been created with BEV_OPT_DEFER_CALLBACKS (and
 * BEV_OPT_CLOSE_ON_FREE for a socket).  FD is its socket, or -1 for an
 * in-memory bufferevent (a bufferevent pair, as the fuzz target uses):
 * then no socket options are set and no half-close is done.  LOCAL picks
 * the config entry; LOCAL and PEER appear in events.
 */
void fakemx_session_start_bev(fakemx_server *srv, struct bufferevent *raw,
                              int fd, const struct sockaddr *local,
                              const struct sockaddr *peer);

/* fakemx_session_free - unlink and free S; REASON: disconnect if not yet */
void fakemx_session_free(fakemx_session *s, const char *reason);

/* fakemx_session_set_state - the only place the state changes */
void fakemx_session_set_state(fakemx_session *s, fakemx_state state);

/* fakemx_session_attach - point S's callbacks and timeouts at s->bev */
void fakemx_session_attach(fakemx_session *s);

/* fakemx_session_stall - wait SECS (a timer), then call FN, then go on */
void fakemx_session_stall(fakemx_session *s, double secs, fakemx_resume_fn fn);

/* fakemx_session_event - a new event with the common fields filled in */
json_t *fakemx_session_event(const fakemx_session *s, const char *name);

/* fakemx_session_reply - send one reply line (CRLF appended) */
void fakemx_session_reply(fakemx_session *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* fakemx_session_cmd_error - record a command_error event only */
void fakemx_session_cmd_error(fakemx_session *s, const char *reason,
                              const char *line, size_t len);

/* fakemx_session_error - command_error event, REPLY, count; maybe drop */
void fakemx_session_error(fakemx_session *s, const char *reason,
                          const char *line, size_t len, const char *reply);

/* fakemx_session_close - begin the one close path; REASON for the event */
void fakemx_session_close(fakemx_session *s, const char *reason);

/* fakemx_smtp_greet - send the 220 greeting */
void fakemx_smtp_greet(fakemx_session *s);

/* fakemx_smtp_command - act on one command line of LEN bytes */
void fakemx_smtp_command(fakemx_session *s, const char *line, size_t len);

/* fakemx_smtp_reset - forget the mail transaction */
void fakemx_smtp_reset(fakemx_session *s);

/* fakemx_data_begin - start receiving a message */
void fakemx_data_begin(fakemx_session *s);

/* fakemx_data_input - consume message bytes from IN; 0 = need more */
int fakemx_data_input(fakemx_session *s, struct evbuffer *in);

/* fakemx_starttls_command - act on STARTTLS (LINE for error events) */
void fakemx_starttls_command(fakemx_session *s, const char *line, size_t len);

/* fakemx_starttls_event - handshake finished or failed (bufferevent WHAT) */
void fakemx_starttls_event(fakemx_session *s, short what);

#endif
