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
 *	rc_msg_stuff() converts an RFC 5322 message as-is into the bytes
 *	sent after DATA: every line ends in CRLF (a bare LF becomes CRLF),
 *	a line starting with "." gets one more ".", and ".\r\n" ends it.
 *	It returns a malloc()ed buffer (caller frees) and its length, NULL
 *	when out of memory.
 *
 *	rc_msg_load() reads a whole file and returns it stuffed; NULL with
 *	the reason in ERR when the file cannot be read.
 *--*/

#include <stddef.h>

extern char *rc_msg_stuff(const char *in, size_t len, size_t *outlen);
extern char *rc_msg_load(const char *path, size_t *outlen, char *err,
                         size_t errlen);

#endif
