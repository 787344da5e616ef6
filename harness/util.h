/*
 * util.h - small helpers shared by the orchestrator: diagnostics, memory,
 * strings, files.
 *
 * Severities follow Postfix: dh_warn() reports and continues, dh_fatal()
 * reports a broken environment and exits with status 2 (harness error),
 * dh_panic() reports a broken invariant and aborts.  Memory helpers never
 * return NULL (they are fatal on exhaustion); callers free with free().
 */
#ifndef DH_UTIL_H
#define DH_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

extern int dh_verbose;

void dh_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dh_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dh_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dh_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void dh_panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

void *dh_malloc(size_t n);
void *dh_calloc(size_t n, size_t size);
void *dh_realloc(void *p, size_t n);
char *dh_strdup(const char *s);
char *dh_strndup(const char *s, size_t n);
char *dh_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Growable string buffer. */
typedef struct {
    char *data;
    size_t len;
    size_t cap;
} dh_buf;

void dh_buf_init(dh_buf *b);
void dh_buf_add(dh_buf *b, const char *s, size_t n);
void dh_buf_puts(dh_buf *b, const char *s);
void dh_buf_printf(dh_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dh_buf_free(dh_buf *b);

/* Files: 0 on success, -1 with errno set. */
int dh_write_file(const char *path, const char *data, size_t len, int mode);
char *dh_read_file(const char *path, size_t *len);
int dh_mkdir_p(const char *path, int mode);

double dh_now(void);
char *dh_hex(const unsigned char *data, size_t len);

#endif
