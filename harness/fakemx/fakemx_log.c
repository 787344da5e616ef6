/*
 * fakemx_log.c - diagnostics of the fake MX daemon itself
 *
 * See fakemx_log.h.  Each message is formatted first and written with one
 * fputs() so lines from one process do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fakemx_log.h"

int fakemx_debug_level;

/* fakemx_vlog - format one line with PREFIX and write it to stderr */
static void fakemx_vlog(const char *prefix, const char *fmt, va_list ap)
{
    char buf[1024];
    int n;

    n = snprintf(buf, sizeof(buf), "dane-fakemx: %s", prefix);
    if (n < 0 || (size_t)n >= sizeof(buf))
        n = 0;
    vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
    fprintf(stderr, "%s\n", buf);
}

/* fakemx_warn - report a problem and carry on */
void fakemx_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fakemx_vlog("warning: ", fmt, ap);
    va_end(ap);
}

/* fakemx_fatal - report a broken environment and exit 1 */
void fakemx_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fakemx_vlog("fatal: ", fmt, ap);
    va_end(ap);
    exit(1);
}

/* fakemx_debug - trace, when debugging is on */
void fakemx_debug(const char *fmt, ...)
{
    va_list ap;

    if (fakemx_debug_level == 0)
        return;
    va_start(ap, fmt);
    fakemx_vlog("debug: ", fmt, ap);
    va_end(ap);
}
