/*
 * diag.c - the severity ladder of diag.h.
 */
#include "common/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int dh_diag_level;
void (*dh_diag_before)(void);
static const char *dh_diag_program = "dane-harness";

/* dh_diag_init - program name for the prefix, and the level */
void dh_diag_init(const char *program, int level)
{
    dh_diag_program = program;
    dh_diag_level = level;
}

/* vmsg - one line "PROGRAM: TAGmessage" on stderr, in one write */
static void vmsg(const char *tag, const char *fmt, va_list ap)
{
    char line[4096];
    int n = snprintf(line, sizeof(line), "%s: %s", dh_diag_program, tag);

    if (n < 0 || (size_t)n >= sizeof(line))
        n = 0;
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    if (dh_diag_before)
        dh_diag_before();
    fprintf(stderr, "%s\n", line);
    fflush(stderr);
}

/* dh_debug - detail, at level 2 */
void dh_debug(const char *fmt, ...)
{
    va_list ap;

    if (dh_diag_level < 2)
        return;
    va_start(ap, fmt);
    vmsg("debug: ", fmt, ap);
    va_end(ap);
}

/* dh_info - progress, at level 1 */
void dh_info(const char *fmt, ...)
{
    va_list ap;

    if (dh_diag_level < 1)
        return;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

/* dh_warn - report and carry on */
void dh_warn(const char *fmt, ...)
{
    va_list ap;

    if (dh_diag_level < 0)
        return;
    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

/* dh_fatal - broken environment: report and exit DH_EXIT_FATAL */
void dh_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("fatal: ", fmt, ap);
    va_end(ap);
    exit(DH_EXIT_FATAL);
}

/* dh_panic - broken invariant: report and abort */
void dh_panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("panic: ", fmt, ap);
    va_end(ap);
    abort();
}
