/*
 * fakemx_load.c - load generator for dane-fakemx (bench/fakemx-load.sh)
 *
 *   fakemx-load handshakes ADDR CONNS SECS
 *       CONNS parallel connections for SECS seconds, each one a loop of
 *       full sessions: greeting, EHLO, STARTTLS, a full TLS handshake (no
 *       resumption, no verification), QUIT inside TLS, the server's EOF.
 *       Prints "handshakes=N secs=S rate=R errors=E".
 *
 *   fakemx-load hold ADDR CONNS DEADLINE
 *       opens CONNS sessions at once; each reads the greeting, says EHLO,
 *       reads the reply and then waits, until every session got its EHLO
 *       reply (or DEADLINE seconds passed); then all send QUIT and read
 *       221 and EOF.  Prints "sessions=N greeted=G ehlo=H quit=Q lost=L
 *       secs=S".  Exit 1 if any session was lost.
 *
 * One process, non-blocking sockets and poll(2), OpenSSL for TLS.  Port
 * 25 of ADDR (IPv4 or IPv6 literal).  Raises its open files limit to the
 * hard limit.  Everything it opens it closes; nothing outlives it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define LOAD_MAX_CONNS 20000
#define LOAD_BUF 8192

enum load_state {
    L_IDLE,       /* no socket */
    L_CONNECTING, /* connect() in progress */
    L_GREETING,   /* waiting for 220 */
    L_EHLO,       /* waiting for the EHLO reply */
    L_STARTTLS,   /* waiting for 220 to STARTTLS */
    L_HANDSHAKE,  /* TLS handshake */
    L_HELD,       /* hold mode: EHLO done, waiting */
    L_QUIT,       /* waiting for 221 */
    L_EOF,        /* waiting for the server to close */
    L_DONE,       /* finished (hold mode) */
};

struct load_conn {
    int fd;
    SSL *ssl;
    enum load_state state;
    short events; /* for poll */
    size_t len;
    char buf[LOAD_BUF];
    int greeted;
};

static SSL_CTX *load_ctx;
static struct sockaddr_storage load_addr;
static socklen_t load_addrlen;

/* load_now - monotonic seconds */
static double load_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* load_die - report and exit 2 */
static void load_die(const char *what)
{
    fprintf(stderr, "fakemx-load: %s\n", what);
    exit(2);
}

/* load_close - forget C's socket and TLS */
static void load_close(struct load_conn *c)
{
    if (c->ssl)
        SSL_free(c->ssl);
    if (c->fd >= 0)
        close(c->fd);
    c->ssl = 0;
    c->fd = -1;
    c->len = 0;
    c->state = L_IDLE;
    c->events = 0;
}

/* load_open - start a connection; 0 or -1 */
static int load_open(struct load_conn *c)
{
    int one = 1;

    c->len = 0;
    c->greeted = 0;
    c->fd = socket(load_addr.ss_family,
                   SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0)
        return -1;
    (void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(c->fd, (struct sockaddr *)&load_addr, load_addrlen) != 0 &&
        errno != EINPROGRESS) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    c->state = L_CONNECTING;
    c->events = POLLOUT;
    return 0;
}

/* load_send - send TEXT in clear or over TLS; 0 or -1 (small writes) */
static int load_send(struct load_conn *c, const char *text)
{
    size_t n = strlen(text);

    if (c->ssl)
        return SSL_write(c->ssl, text, (int)n) == (int)n ? 0 : -1;
    return send(c->fd, text, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

/* load_read - read what is there; 1 data, 0 nothing yet, -1 EOF/error */
static int load_read(struct load_conn *c)
{
    ssize_t n;
    int r;

    if (c->len >= sizeof(c->buf) - 1)
        return -1;
    if (c->ssl) {
        ERR_clear_error();
        r = SSL_read(c->ssl, c->buf + c->len,
                     (int)(sizeof(c->buf) - 1 - c->len));
        if (r > 0) {
            c->len += (size_t)r;
            return 1;
        }
        r = SSL_get_error(c->ssl, r);
        if (r == SSL_ERROR_WANT_READ) {
            c->events = POLLIN;
            return 0;
        }
        if (r == SSL_ERROR_WANT_WRITE) {
            c->events = POLLOUT;
            return 0;
        }
        return -1;
    }
    n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
    if (n > 0) {
        c->len += (size_t)n;
        return 1;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        c->events = POLLIN;
        return 0;
    }
    return -1;
}

/* load_reply - a complete reply in C's buffer: its code, 0 none, -1 bad */
static int load_reply(struct load_conn *c)
{
    char *p = c->buf;
    char *eol;

    c->buf[c->len] = 0;
    while ((eol = strstr(p, "\r\n")) != 0) {
        if (eol - p < 3)
            return -1;
        if (eol - p == 3 || p[3] == ' ') {
            int code = atoi(p);

            c->len = 0; /* one reply at a time: nothing is pipelined */
            return code;
        }
        p = eol + 2;
    }
    return 0;
}

/* load_expect - read until a reply; its code, 0 not yet, -1 failed */
static int load_expect(struct load_conn *c)
{
    int r;
    int code;

    for (;;) {
        if ((code = load_reply(c)) != 0)
            return code;
        if ((r = load_read(c)) <= 0)
            return r;
    }
}

/* load_step - advance C as far as it goes; 1 finished a session, 0 busy,
 * -1 failed.  HOLD: stop at L_HELD instead of doing STARTTLS. */
static int load_step(struct load_conn *c, int hold)
{
    int code;
    int err;
    socklen_t elen = sizeof(err);

    for (;;) {
        switch (c->state) {
        case L_CONNECTING:
            if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 ||
                err != 0)
                return -1;
            c->state = L_GREETING;
            c->events = POLLIN;
            break;
        case L_GREETING:
            if ((code = load_expect(c)) == 0)
                return 0;
            if (code != 220)
                return -1;
            c->greeted = 1;
            if (load_send(c, "EHLO load.client\r\n") != 0)
                return -1;
            c->state = L_EHLO;
            break;
        case L_EHLO:
            if ((code = load_expect(c)) == 0)
                return 0;
            if (code != 250)
                return -1;
            if (hold) {
                c->state = L_HELD;
                c->events = POLLIN;
                return 0;
            }
            if (load_send(c, "STARTTLS\r\n") != 0)
                return -1;
            c->state = L_STARTTLS;
            break;
        case L_STARTTLS:
            if ((code = load_expect(c)) == 0)
                return 0;
            if (code != 220 || (c->ssl = SSL_new(load_ctx)) == 0 ||
                SSL_set_fd(c->ssl, c->fd) != 1)
                return -1;
            SSL_set_connect_state(c->ssl);
            c->state = L_HANDSHAKE;
            break;
        case L_HANDSHAKE:
            ERR_clear_error();
            if ((code = SSL_do_handshake(c->ssl)) != 1) {
                code = SSL_get_error(c->ssl, code);
                if (code == SSL_ERROR_WANT_READ)
                    c->events = POLLIN;
                else if (code == SSL_ERROR_WANT_WRITE)
                    c->events = POLLOUT;
                else
                    return -1;
                return 0;
            }
            if (load_send(c, "QUIT\r\n") != 0)
                return -1;
            c->state = L_QUIT;
            break;
        case L_HELD:
            /* Nothing is expected: any byte or EOF is a loss. */
            return load_read(c) == 0 ? 0 : -1;
        case L_QUIT:
            if ((code = load_expect(c)) == 0)
                return 0;
            if (code != 221)
                return -1;
            c->state = L_EOF;
            break;
        case L_EOF: {
            /* Raw bytes (close_notify, ...) until the server's FIN: the
             * server closes first, so TIME_WAIT stays on its side. */
            ssize_t r = recv(c->fd, c->buf, sizeof(c->buf), 0);

            if (r > 0)
                break;
            if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
                c->events = POLLIN;
                return 0;
            }
            load_close(c);
            c->state = L_DONE;
            return r == 0 ? 1 : -1;
        }
        default:
            return -1;
        }
    }
}

/* load_poll - wait for any of the N connections, at most MS */
static void load_poll(struct load_conn *conns, struct pollfd *pfd, int n,
                      int ms)
{
    for (int i = 0; i < n; i++) {
        pfd[i].fd = conns[i].fd >= 0 && conns[i].events ? conns[i].fd : -1;
        pfd[i].events = conns[i].events;
        pfd[i].revents = 0;
    }
    if (poll(pfd, (nfds_t)n, ms) < 0 && errno != EINTR)
        load_die("poll failed");
}

/* load_handshakes - the handshakes mode */
static int load_handshakes(int n, double secs)
{
    struct load_conn *conns = calloc((size_t)n, sizeof(*conns));
    struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
    double start = load_now();
    double end = start + secs;
    long done = 0;
    long errors = 0;
    int live;

    if (conns == 0 || pfd == 0)
        load_die("out of memory");
    for (int i = 0; i < n; i++) {
        conns[i].fd = -1;
        if (load_open(&conns[i]) != 0)
            load_die("cannot open a connection");
    }
    do {
        load_poll(conns, pfd, n, 100);
        live = 0;
        for (int i = 0; i < n; i++) {
            struct load_conn *c = &conns[i];
            int r;

            if (c->fd < 0)
                continue;
            if (pfd[i].revents == 0) {
                live++;
                continue;
            }
            if ((r = load_step(c, 0)) == 0) {
                live++;
                continue;
            }
            if (r > 0)
                done++;
            else
                errors++;
            load_close(c);
            if (load_now() < end && load_open(c) == 0)
                live++;
        }
    } while (live > 0 && load_now() < end + 10);
    secs = load_now() - start;
    for (int i = 0; i < n; i++)
        load_close(&conns[i]);
    printf("handshakes=%ld secs=%.2f rate=%.1f errors=%ld\n", done, secs,
           (double)done / secs, errors);
    free(conns);
    free(pfd);
    return errors != 0;
}

/* load_hold - the hold mode */
static int load_hold(int n, double deadline)
{
    struct load_conn *conns = calloc((size_t)n, sizeof(*conns));
    struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
    double start = load_now();
    int greeted = 0;
    int held = 0;
    int quit = 0;
    int lost = 0;
    int busy;

    if (conns == 0 || pfd == 0)
        load_die("out of memory");
    for (int i = 0; i < n; i++) {
        conns[i].fd = -1;
        if (load_open(&conns[i]) != 0)
            load_die("cannot open a connection (open files limit?)");
    }
    /* Phase 1: everyone up to EHLO, then waiting. */
    do {
        load_poll(conns, pfd, n, 100);
        busy = 0;
        for (int i = 0; i < n; i++) {
            struct load_conn *c = &conns[i];

            if (c->fd < 0)
                continue;
            if (pfd[i].revents != 0 && load_step(c, 1) < 0) {
                lost++;
                load_close(c);
                continue;
            }
            if (c->state != L_HELD)
                busy++;
        }
    } while (busy > 0 && load_now() < start + deadline);
    for (int i = 0; i < n; i++) {
        greeted += conns[i].greeted;
        held += conns[i].state == L_HELD;
    }
    /* Phase 2: QUIT on all of them. */
    for (int i = 0; i < n; i++) {
        struct load_conn *c = &conns[i];

        if (c->state != L_HELD)
            continue;
        if (load_send(c, "QUIT\r\n") != 0) {
            load_close(c);
            continue;
        }
        c->state = L_QUIT;
        c->events = POLLIN;
    }
    do {
        load_poll(conns, pfd, n, 100);
        busy = 0;
        for (int i = 0; i < n; i++) {
            struct load_conn *c = &conns[i];
            int r;

            if (c->fd < 0)
                continue;
            if (pfd[i].revents != 0 && (r = load_step(c, 1)) != 0) {
                quit += r > 0;
                load_close(c);
                continue;
            }
            busy++;
        }
    } while (busy > 0 && load_now() < start + 2 * deadline);
    for (int i = 0; i < n; i++)
        load_close(&conns[i]);
    lost = n - quit;
    printf("sessions=%d greeted=%d ehlo=%d quit=%d lost=%d secs=%.2f\n", n,
           greeted, held, quit, lost, load_now() - start);
    free(conns);
    free(pfd);
    return lost != 0;
}

/* load_raise_nofile - as many descriptors as the hard limit allows */
static void load_raise_nofile(int need)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rl.rlim_cur = rl.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &rl);
    if ((rlim_t)need + 16 > rl.rlim_cur)
        load_die("open files hard limit too low for that many connections");
}

/* main - parse the arguments, run one mode */
int main(int argc, char **argv)
{
    struct sockaddr_in *sin = (struct sockaddr_in *)&load_addr;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&load_addr;
    int n;
    double secs;

    if (argc != 5 ||
        (strcmp(argv[1], "handshakes") != 0 && strcmp(argv[1], "hold") != 0)) {
        fprintf(stderr, "usage: fakemx-load handshakes ADDR CONNS SECS\n"
                        "       fakemx-load hold ADDR CONNS DEADLINE\n");
        return 2;
    }
    n = atoi(argv[3]);
    secs = atof(argv[4]);
    if (n < 1 || n > LOAD_MAX_CONNS || secs <= 0 || secs > 600)
        load_die("CONNS must be 1 to 20000, SECS more than 0, at most 600");
    memset(&load_addr, 0, sizeof(load_addr));
    if (inet_pton(AF_INET, argv[2], &sin->sin_addr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons(25);
        load_addrlen = sizeof(*sin);
    } else if (inet_pton(AF_INET6, argv[2], &sin6->sin6_addr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(25);
        load_addrlen = sizeof(*sin6);
    } else {
        load_die("ADDR must be an IPv4 or IPv6 literal");
    }
    load_raise_nofile(n);
    if ((load_ctx = SSL_CTX_new(TLS_client_method())) == 0)
        load_die("cannot create SSL_CTX");
    SSL_CTX_set_verify(load_ctx, SSL_VERIFY_NONE, 0);
    SSL_CTX_set_session_cache_mode(load_ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(load_ctx, SSL_OP_NO_TICKET);
    n = strcmp(argv[1], "hold") == 0 ? load_hold(n, secs)
                                     : load_handshakes(n, secs);
    SSL_CTX_free(load_ctx);
    return n;
}
