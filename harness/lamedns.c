/*
 * lamedns.c - REFUSED, SERVFAIL and silent name servers (lamedns.h).
 * Queries are never trusted: anything that does not parse as a DNS
 * query is dropped.
 */
#include "lamedns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "names.h"
#include "util.h"

#define MAXFD 256
#define RCODE_SILENT (-1)

typedef struct {
    int fd;
    int rcode; /* 5 REFUSED, 2 SERVFAIL, RCODE_SILENT */
    int kind;  /* 0 UDP, 1 TCP listener, 2 TCP connection */
} lame_fd;

static lame_fd fds[MAXFD];
static int nfds;

/* open_sock - a UDP or TCP socket bound to addr:53 */
static int open_sock(const char *addr, int type)
{
    struct sockaddr_in sin;
    int s = socket(AF_INET, type | SOCK_CLOEXEC, 0), one = 1;

    if (s < 0)
        dh_fatal("lamedns: socket: %s", strerror(errno));
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(53);
    inet_pton(AF_INET, addr, &sin.sin_addr);
    if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0)
        dh_fatal("lamedns: bind %s:53: %s", addr, strerror(errno));
    if (type == SOCK_STREAM && listen(s, 64) < 0)
        dh_fatal("lamedns: listen: %s", strerror(errno));
    return s;
}

/* add_fd - watch one descriptor */
static void add_fd(int fd, int rcode, int kind)
{
    if (nfds == MAXFD) {
        close(fd);
        return;
    }
    fds[nfds].fd = fd;
    fds[nfds].rcode = rcode;
    fds[nfds].kind = kind;
    nfds++;
}

/* answer - turn a query into an empty answer with rcode, in place;
 * the new length, or 0 when the query does not parse */
static size_t answer(unsigned char *m, size_t len, int rcode)
{
    size_t off = 12;

    if (len < 12 || (m[2] & 0x80) || m[4] != 0 || m[5] != 1)
        return 0;
    while (off < len && m[off] != 0) {
        if ((m[off] & 0xc0) || off + 1 + m[off] >= len)
            return 0;
        off += 1u + m[off];
    }
    off += 1 + 4;
    if (off > len)
        return 0;
    m[2] = (unsigned char)((m[2] & 0x79) | 0x80); /* QR, keep opcode, RD */
    m[3] = (unsigned char)(rcode & 0x0f);         /* RA=0, rcode */
    memset(m + 6, 0, 6); /* no answer, authority, additional */
    return off;
}

/* serve_udp - one datagram */
static void serve_udp(lame_fd *f)
{
    unsigned char m[4096];
    struct sockaddr_storage from;
    socklen_t fl = sizeof(from);
    ssize_t n = recvfrom(f->fd, m, sizeof(m), 0, (struct sockaddr *)&from, &fl);
    size_t out;

    if (n <= 0 || f->rcode == RCODE_SILENT)
        return;
    if ((out = answer(m, (size_t)n, f->rcode)) > 0)
        sendto(f->fd, m, out, 0, (struct sockaddr *)&from, fl);
}

/* serve_tcp - one query on a TCP connection; -1 to close it */
static int serve_tcp(lame_fd *f)
{
    unsigned char m[65537];
    ssize_t n = read(f->fd, m, sizeof(m));
    size_t len, out;

    if (n <= 0)
        return -1;
    if (f->rcode == RCODE_SILENT)
        return 0;
    if (n < 2 || (len = (size_t)m[0] << 8 | m[1]) + 2 > (size_t)n)
        return -1;
    if ((out = answer(m + 2, len, f->rcode)) == 0)
        return -1;
    m[0] = (unsigned char)(out >> 8);
    m[1] = (unsigned char)out;
    return write(f->fd, m, out + 2) == (ssize_t)(out + 2) ? 0 : -1;
}

/* dh_lamedns_main - see lamedns.h */
int dh_lamedns_main(void)
{
    static const struct {
        const char *addr;
        int rcode;
    } servers[] = {{DH_LAME_REFUSED_ADDR, 5},
                   {DH_LAME_SERVFAIL_ADDR, 2},
                   {DH_LAME_SILENT_ADDR, RCODE_SILENT}};
    struct pollfd p[MAXFD];
    size_t i;

    for (i = 0; i < 3; i++) {
        add_fd(open_sock(servers[i].addr, SOCK_DGRAM), servers[i].rcode, 0);
        add_fd(open_sock(servers[i].addr, SOCK_STREAM), servers[i].rcode, 1);
    }
    for (;;) {
        int k, nready;

        for (k = 0; k < nfds; k++) {
            p[k].fd = fds[k].fd;
            p[k].events = POLLIN;
        }
        nready = poll(p, (nfds_t)nfds, -1);
        if (nready < 0 && errno != EINTR)
            dh_fatal("lamedns: poll: %s", strerror(errno));
        for (k = nfds - 1; k >= 0 && nready > 0; k--) {
            if (!(p[k].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            if (fds[k].kind == 0) {
                serve_udp(&fds[k]);
            } else if (fds[k].kind == 1) {
                int c = accept4(fds[k].fd, NULL, NULL, SOCK_CLOEXEC);

                if (c >= 0)
                    add_fd(c, fds[k].rcode, 2);
            } else if (serve_tcp(&fds[k]) < 0) {
                close(fds[k].fd);
                fds[k] = fds[--nfds];
            }
        }
    }
}
