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
 *	timeout given to rc_smtp_connect(). Commands are logged with
 *	--verbose. Input from the network is never fatal: a malformed
 *	reply is an error of this connection only.
 * OWNERSHIP
 *	An rc_smtp lives in the caller's storage. After rc_smtp_connect()
 *	succeeds it owns the socket, and the SSL handle once the caller
 *	stores one in ssl; rc_smtp_close() releases both. Replies are
 *	plain data in caller storage. Addresses, command arguments and
 *	buffers passed in are borrowed for the call only.
 *--*/

#include <stddef.h>

#include <openssl/ssl.h>

/* One connection; owns fd and ssl (rc_smtp_close()). */
typedef struct {
    int fd;
    SSL *ssl;
    int timeout;
    char peer[64]; /* address for logging */
    char buf[4096];
    size_t len;
    size_t off;
} rc_smtp;

/* One (multi-line) reply (plain data). */
typedef struct {
    int code;
    int starttls;
    char text[1024]; /* first line, then " / " more */
} rc_smtp_response;

/*
 * rc_smtp_connect - TCP connection with a timeout
 * @param smtp: caller storage, overwritten.
 * @param addr: IPv4 or IPv6 literal (copied, for logging).
 * @param port: TCP port.
 * @param timeout: seconds, for the connect and every later read/write.
 * @param err, errlen: caller buffer for the reason of a failure.
 * @return 0: SMTP owns the socket, release with rc_smtp_close(); -1 with
 *	the reason in err, nothing to release.
 */
extern int rc_smtp_connect(rc_smtp *, const char *addr, int port, int timeout,
                           char *err, size_t errlen);

/*
 * rc_smtp_cmd - send one command line, CRLF added
 * @param fmt: printf format of the line (at most 1021 bytes).
 * @return 0, or -1 on a write error or an overlong line.
 */
extern int rc_smtp_cmd(rc_smtp *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * rc_smtp_write - send raw bytes (the message)
 * @param buf, len: the bytes (borrowed).
 * @return 0, or -1 on a write error.
 */
extern int rc_smtp_write(rc_smtp *, const char *buf, size_t len);

/*
 * rc_smtp_reply - read one complete (multi-line) reply
 * @param reply: caller storage, overwritten: the code, the text (lines
 *	joined with " / ") and whether a line after the first carries the
 *	STARTTLS keyword (EHLO replies).
 * @return the reply code, or -1 on I/O or syntax error (reason in
 *	reply->text).
 */
extern int rc_smtp_reply(rc_smtp *, rc_smtp_response *);

/*
 * rc_smtp_discard - drop buffered input (after the STARTTLS reply)
 * @return how many bytes were dropped.
 */
extern size_t rc_smtp_discard(rc_smtp *);

/*
 * rc_smtp_close - close_notify and free the TLS session if any, close the
 * socket; harmless after a failed rc_smtp_connect() or a second time
 */
extern void rc_smtp_close(rc_smtp *);

#endif
