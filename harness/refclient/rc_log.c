/*++
 * NAME
 *	rc_log 3
 * SUMMARY
 *	decision log of the reference client
 * DESCRIPTION
 *	One line per decision on stderr, prefixed "dane-smtp-send: ".
 *	Nothing here allocates memory.
 *--*/

#include <stdarg.h>
#include <stdio.h>

#include "refclient/rc_log.h"

#define RC_LOG_PREFIX "dane-smtp-send: "

static int rc_log_verbose_flag;
static int rc_log_quiet_flag;

/* rc_log_init - set verbosity */

void rc_log_init(int verbose, int quiet)
{
    rc_log_verbose_flag = verbose;
    rc_log_quiet_flag = quiet;
}

/* rc_log_verbose - is debug logging on? */

int rc_log_verbose(void)
{
    return (rc_log_verbose_flag && !rc_log_quiet_flag);
}

/* rc_log_vprint - write one prefixed line */

static void rc_log_vprint(const char *fmt, va_list ap)
{
    char line[2048];

    if (rc_log_quiet_flag)
        return;
    vsnprintf(line, sizeof(line), fmt, ap);
    fprintf(stderr, RC_LOG_PREFIX "%s\n", line);
    fflush(stderr);
}

/* rc_log_info - log one decision */

void rc_log_info(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    rc_log_vprint(fmt, ap);
    va_end(ap);
}

/* rc_log_debug - log one detail, with --verbose only */

void rc_log_debug(const char *fmt, ...)
{
    va_list ap;

    if (!rc_log_verbose_flag)
        return;
    va_start(ap, fmt);
    rc_log_vprint(fmt, ap);
    va_end(ap);
}
