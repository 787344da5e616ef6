/*
 * mem.h - memory and strings that never fail: on exhaustion they are
 * fatal (dh_fatal(), diag.h), so they never return NULL.  Everything they
 * return is a new allocation the caller frees with free().
 */
#ifndef DH_MEM_H
#define DH_MEM_H

#include <stddef.h>

void *dh_malloc(size_t n);
void *dh_calloc(size_t n, size_t size);
/* Resize p (which the caller owns, may be NULL); p must not be used
 * after, only the result. */
void *dh_realloc(void *p, size_t n);
char *dh_strdup(const char *s);
/* At most n bytes of s, NUL-terminated. */
char *dh_strndup(const char *s, size_t n);
char *dh_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
