#ifndef RC_MSG_H
#define RC_MSG_H

/*++
 * NAME
 *	rc_msg 3h
 * SUMMARY
 *	message file to SMTP DATA payload
 * SYNOPSIS
 *	#include "refclient/rc_msg.h"
 * DESCRIPTION
 *	An RFC 5322 message goes out as-is, converted to the bytes sent
 *	after DATA: every line ends in CRLF (a bare LF becomes CRLF), a
 *	line starting with "." gets one more ".", and ".\r\n" ends it.
 * OWNERSHIP
 *	Both functions return a new malloc()ed buffer the caller frees
 *	with free(). Their inputs are borrowed for the call only.
 *--*/

#include <stddef.h>

/*
 * rc_msg_stuff - a message as the DATA payload
 * @param in, len: the message (borrowed).
 * @param outlen: out: the payload's length.
 * @return a new buffer (caller frees), not NUL-terminated; NULL when out
 *	of memory.
 */
extern char *rc_msg_stuff(const char *in, size_t len, size_t *outlen);

/*
 * rc_msg_load - read a whole message file and stuff it
 * @param path: the file (borrowed).
 * @param outlen: out: the payload's length.
 * @param err, errlen: caller buffer for the reason of a failure.
 * @return a new buffer (caller frees); NULL with the reason in err.
 */
extern char *rc_msg_load(const char *path, size_t *outlen, char *err,
                         size_t errlen);

#endif
