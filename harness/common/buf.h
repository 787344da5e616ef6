/*
 * buf.h - a growable string, and hex.
 *
 * A dh_buf owns its storage: dh_buf_init() allocates it, dh_buf_free()
 * releases it; between them `data' is always a NUL-terminated string of
 * `len' bytes (it may also hold NUL bytes added with dh_buf_add()).  To
 * keep the text, take `data' and do not call dh_buf_free(): the caller
 * then frees `data' with free().  Growing never fails (mem.h).
 */
#ifndef DH_BUF_H
#define DH_BUF_H

#include <stddef.h>

typedef struct {
    char *data; /* owned; NUL-terminated */
    size_t len; /* bytes in use, without the NUL */
    size_t cap; /* bytes allocated */
} dh_buf;

void dh_buf_init(dh_buf *b);
void dh_buf_add(dh_buf *b, const char *s, size_t n);
void dh_buf_puts(dh_buf *b, const char *s);
void dh_buf_printf(dh_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dh_buf_free(dh_buf *b);

/* Lower-case hex of len bytes: a new string (dh_hex), or written into
 * out, truncated to the whole bytes that fit (dh_hex_into, returns out). */
char *dh_hex(const unsigned char *data, size_t len);
char *dh_hex_into(const unsigned char *data, size_t len, char *out,
                  size_t outlen);

#endif
