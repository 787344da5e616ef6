/*
 * fakemx_log.h - diagnostics of the fake MX daemon itself
 *
 * Everything goes to stderr, prefixed "dane-fakemx: ".  Observations about
 * clients never go here: they are events (fakemx_event.h).  fakemx_warn()
 * is for trouble the daemon survives, fakemx_fatal() for a broken
 * environment (exit 1), fakemx_debug() only prints when fakemx_debug_level
 * is non-zero.
 */
#ifndef FAKEMX_LOG_H
#define FAKEMX_LOG_H

extern int fakemx_debug_level;

/* fakemx_warn - report a problem and carry on */
void fakemx_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* fakemx_fatal - report a broken environment and exit 1 */
void fakemx_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* fakemx_debug - trace, when debugging is on */
void fakemx_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
