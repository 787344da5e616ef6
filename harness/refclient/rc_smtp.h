#ifndef RC_SMTP_H
#define RC_SMTP_H

/*++
 * NAME
 *	rc_smtp 3h
 * SUMMARY
 *	SMTP connection I/O, plain or TLS
 * SYNOPSIS
 *	#include "refclient/rc_smtp.h"
 * DESCRIPTION
 *	An rc_smtp is one TCP connection with a read buffer; once ssl is
 *	set, I/O goes through TLS. Every read and write waits at most the
 *	timeout given to rc_smtp_connect().
 *
 *	rc_smtp_connect() connects to ADDR (IPv4 or IPv6 literal) and PORT;
 *	0 on success, -1 with the reason in ERR.
 *	rc_smtp_cmd() sends one command line (CRLF added) and logs it with
 *	--verbose; rc_smtp_write() sends raw bytes. Both return 0 or -1.
 *	rc_smtp_reply() reads one complete (multi-line) reply; it returns
 *	the reply code, or -1 on I/O or syntax error (reason in text).
 *	reply->starttls is set when a line after the first carries the
 *	STARTTLS keyword (EHLO replies).
 *	rc_smtp_discard() drops buffered input (after STARTTLS) and
 *	returns how many bytes it dropped.
 *	rc_smtp_close() frees the TLS session (after a close_notify) and
 *	closes the socket.
 *--*/

#include <stddef.h>

#include <openssl/ssl.h>

typedef struct {
    int fd;
    SSL *ssl;
    int timeout;
    char peer[64]; /* address for logging */
    char buf[4096];
    size_t len;
    size_t off;
} rc_smtp;

typedef struct {
    int code;
    int starttls;
    char text[1024]; /* first line, then " / " more */
} rc_smtp_response;

extern int rc_smtp_connect(rc_smtp *, const char *addr, int port, int timeout,
                           char *err, size_t errlen);
extern int rc_smtp_cmd(rc_smtp *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
extern int rc_smtp_write(rc_smtp *, const char *buf, size_t len);
extern int rc_smtp_reply(rc_smtp *, rc_smtp_response *);
extern size_t rc_smtp_discard(rc_smtp *);
extern void rc_smtp_close(rc_smtp *);

#endif
