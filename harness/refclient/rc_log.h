#ifndef RC_LOG_H
#define RC_LOG_H

/*++
 * NAME
 *	rc_log 3h
 * SUMMARY
 *	decision log of the reference client
 * SYNOPSIS
 *	#include "refclient/rc_log.h"
 * DESCRIPTION
 *	Every decision of dane-smtp-send goes to stderr, one line each,
 *	prefixed "dane-smtp-send: ". rc_log_info() always writes;
 *	rc_log_debug() writes only with --verbose (SMTP transcript).
 *	With quiet set (unit tests) nothing is written.
 *--*/

extern void rc_log_init(int verbose, int quiet);
extern void rc_log_info(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
extern void rc_log_debug(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
extern int rc_log_verbose(void);

#endif
