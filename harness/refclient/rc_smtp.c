/*++
 * NAME
 *	rc_smtp 3
 * SUMMARY
 *	SMTP connection I/O, plain or TLS
 * DESCRIPTION
 *	See rc_smtp.h. Timeouts are socket options (SO_RCVTIMEO and
 *	SO_SNDTIMEO), so they hold for TLS I/O on the same descriptor.
 *	Input from the network is never fatal: a malformed reply is an
 *	I/O error of this session only.
 *--*/

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/diag.h"
#include "refclient/rc_smtp.h"

/* rc_smtp_sockaddr - IPv4 or IPv6 literal and port to a socket address */

static int rc_smtp_sockaddr(const char *addr, int port,
                            struct sockaddr_storage *ss, socklen_t *sslen)
{
    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
        ((struct sockaddr_in *)ss)->sin_family = AF_INET;
        ((struct sockaddr_in *)ss)->sin_port = htons(port);
        *sslen = sizeof(struct sockaddr_in);
        return (0);
    }
    if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)ss)->sin6_addr) ==
        1) {
        ((struct sockaddr_in6 *)ss)->sin6_family = AF_INET6;
        ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
        *sslen = sizeof(struct sockaddr_in6);
        return (0);
    }
    return (-1);
}

/* rc_smtp_connect_wait - wait for a non-blocking connect(); 0 or -1 */

static int rc_smtp_connect_wait(int fd, int timeout, char *err, size_t errlen)
{
    struct pollfd pfd;
    int soerr = 0;
    socklen_t solen = sizeof(soerr);
    int rc;

    pfd.fd = fd;
    pfd.events = POLLOUT;
    pfd.revents = 0;
    do {
        rc = poll(&pfd, 1, timeout * 1000);
    } while (rc < 0 && errno == EINTR);
    if (rc == 0) {
        snprintf(err, errlen, "connect: timeout after %d s", timeout);
        return (-1);
    }
    if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &solen) < 0 ||
        soerr != 0) {
        snprintf(err, errlen, "connect: %s", strerror(soerr ? soerr : errno));
        return (-1);
    }
    return (0);
}

/* rc_smtp_connect - TCP connect with timeout */

int rc_smtp_connect(rc_smtp *smtp, const char *addr, int port, int timeout,
                    char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    struct timeval tv;
    int fd;
    int rc;

    memset(smtp, 0, sizeof(*smtp));
    smtp->fd = -1;
    smtp->timeout = timeout;
    snprintf(smtp->peer, sizeof(smtp->peer), "%s", addr);
    if (rc_smtp_sockaddr(addr, port, &ss, &sslen) < 0) {
        snprintf(err, errlen, "bad address %s", addr);
        return (-1);
    }
    if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        snprintf(err, errlen, "socket: %s", strerror(errno));
        return (-1);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    rc = connect(fd, (struct sockaddr *)&ss, sslen);
    if (rc < 0 && errno != EINPROGRESS) {
        snprintf(err, errlen, "connect: %s", strerror(errno));
        close(fd);
        return (-1);
    }
    if (rc < 0 && rc_smtp_connect_wait(fd, timeout, err, errlen) < 0) {
        close(fd);
        return (-1);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    tv.tv_sec = timeout;
    tv.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    smtp->fd = fd;
    return (0);
}

/* rc_smtp_write - send all bytes */

int rc_smtp_write(rc_smtp *smtp, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n;

        if (smtp->ssl) {
            int r = SSL_write(smtp->ssl, buf, len > 65536 ? 65536 : (int)len);

            n = r > 0 ? r : -1;
        } else {
            n = send(smtp->fd, buf, len, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR)
                continue;
        }
        if (n <= 0)
            return (-1);
        buf += n;
        len -= (size_t)n;
    }
    return (0);
}

/* rc_smtp_cmd - send one command line */

int rc_smtp_cmd(rc_smtp *smtp, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(line) - 2)
        return (-1);
    dh_debug("%s: > %s", smtp->peer, line);
    line[n++] = '\r';
    line[n++] = '\n';
    return (rc_smtp_write(smtp, line, (size_t)n));
}

/* rc_smtp_fill - read more input; 0 on EOF or error */

static ssize_t rc_smtp_fill(rc_smtp *smtp)
{
    ssize_t n;

    if (smtp->off > 0) {
        memmove(smtp->buf, smtp->buf + smtp->off, smtp->len - smtp->off);
        smtp->len -= smtp->off;
        smtp->off = 0;
    }
    if (smtp->len >= sizeof(smtp->buf))
        return (0);
    if (smtp->ssl) {
        int r = SSL_read(smtp->ssl, smtp->buf + smtp->len,
                         (int)(sizeof(smtp->buf) - smtp->len));

        n = r > 0 ? r : 0;
    } else {
        do {
            n = recv(smtp->fd, smtp->buf + smtp->len,
                     sizeof(smtp->buf) - smtp->len, 0);
        } while (n < 0 && errno == EINTR);
        if (n < 0)
            n = 0;
    }
    smtp->len += (size_t)n;
    return (n);
}

/* rc_smtp_line - one input line without CRLF; -1 on EOF/error */

static int rc_smtp_line(rc_smtp *smtp, char *line, size_t len)
{
    for (;;) {
        char *start = smtp->buf + smtp->off;
        char *nl = memchr(start, '\n', smtp->len - smtp->off);

        if (nl) {
            size_t n = (size_t)(nl - start);

            smtp->off += n + 1;
            if (n > 0 && start[n - 1] == '\r')
                n--;
            if (n >= len)
                n = len - 1; /* long lines are truncated */
            memcpy(line, start, n);
            line[n] = 0;
            return (0);
        }
        if (smtp->len - smtp->off >= sizeof(smtp->buf)) {
            smtp->off = smtp->len; /* overlong line: drop it */
            return (-1);
        }
        if (rc_smtp_fill(smtp) <= 0)
            return (-1);
    }
}

/* rc_smtp_reply - read one complete reply */

int rc_smtp_reply(rc_smtp *smtp, rc_smtp_response *reply)
{
    char line[1024];
    int first = 1;
    size_t used = 0;

    memset(reply, 0, sizeof(*reply));
    for (;;) {
        int code;

        if (rc_smtp_line(smtp, line, sizeof(line)) < 0) {
            snprintf(reply->text, sizeof(reply->text), "%s",
                     first
                         ? "connection lost or timeout while waiting for reply"
                         : "connection lost in multi-line reply");
            return (reply->code = -1);
        }
        dh_debug("%s: < %s", smtp->peer, line);
        if (!isdigit((unsigned char)line[0]) ||
            !isdigit((unsigned char)line[1]) ||
            !isdigit((unsigned char)line[2]) ||
            (line[3] != 0 && line[3] != ' ' && line[3] != '-')) {
            snprintf(reply->text, sizeof(reply->text),
                     "malformed reply: %.200s", line);
            return (reply->code = -1);
        }
        code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        if (first)
            reply->code = code;
        else if (code != reply->code) {
            snprintf(reply->text, sizeof(reply->text),
                     "malformed multi-line reply: %.200s", line);
            return (reply->code = -1);
        }
        if (!first && line[3] != 0) {
            const char *kw = line + 4;
            size_t kwlen = strcspn(kw, " ");

            if (kwlen == 8 && strncasecmp(kw, "STARTTLS", 8) == 0)
                reply->starttls = 1;
        }
        if (used < sizeof(reply->text) - 1)
            used += snprintf(reply->text + used, sizeof(reply->text) - used,
                             "%s%s", first ? "" : " / ", line);
        first = 0;
        if (line[3] != '-')
            return (reply->code);
    }
}

/* rc_smtp_discard - drop buffered input */

size_t rc_smtp_discard(rc_smtp *smtp)
{
    size_t n = smtp->len - smtp->off;

    smtp->len = smtp->off = 0;
    return (n);
}

/* rc_smtp_close - end TLS and close the socket */

void rc_smtp_close(rc_smtp *smtp)
{
    if (smtp->ssl) {
        SSL_shutdown(smtp->ssl);
        SSL_free(smtp->ssl);
        smtp->ssl = 0;
    }
    if (smtp->fd >= 0)
        close(smtp->fd);
    smtp->fd = -1;
}
