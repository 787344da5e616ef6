/*
 * mem.c - memory and strings that never fail (mem.h).
 */
#include "common/mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"

/* dh_malloc - malloc that never returns NULL */
void *dh_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        dh_fatal("out of memory");
    return p;
}

/* dh_calloc - calloc that never returns NULL */
void *dh_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        dh_fatal("out of memory");
    return p;
}

/* dh_realloc - realloc that never returns NULL */
void *dh_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        dh_fatal("out of memory");
    return q;
}

/* dh_strdup - strdup that never returns NULL */
char *dh_strdup(const char *s)
{
    return dh_strndup(s, strlen(s));
}

/* dh_strndup - copy at most n bytes into a new string */
char *dh_strndup(const char *s, size_t n)
{
    char *p = dh_malloc(n + 1);

    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/* dh_asprintf - formatted new string */
char *dh_asprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        dh_fatal("out of memory");
    va_end(ap);
    return s;
}
