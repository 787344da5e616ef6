/*
 * buf.c - growable strings and hex (buf.h).
 */
#include "common/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "common/mem.h"

/* dh_buf_init - empty buffer (data is always NUL-terminated) */
void dh_buf_init(dh_buf *b)
{
    b->cap = 256;
    b->len = 0;
    b->data = dh_malloc(b->cap);
    b->data[0] = 0;
}

/* dh_buf_add - append n bytes */
void dh_buf_add(dh_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap *= 2;
        b->data = dh_realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = 0;
}

/* dh_buf_puts - append a string */
void dh_buf_puts(dh_buf *b, const char *s)
{
    dh_buf_add(b, s, strlen(s));
}

/* dh_buf_printf - append formatted text */
void dh_buf_printf(dh_buf *b, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        dh_fatal("out of memory");
    va_end(ap);
    dh_buf_puts(b, s);
    free(s);
}

/* dh_buf_free - release the buffer's storage */
void dh_buf_free(dh_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* dh_hex - lower-case hex of a byte string */
char *dh_hex(const unsigned char *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *s = dh_malloc(2 * len + 1);
    size_t i;

    for (i = 0; i < len; i++) {
        s[2 * i] = digits[data[i] >> 4];
        s[2 * i + 1] = digits[data[i] & 15];
    }
    s[2 * len] = 0;
    return s;
}

/* dh_hex_into - lower-case hex of a byte string into out (truncated to
 * whole bytes that fit); returns out */
char *dh_hex_into(const unsigned char *data, size_t len, char *out,
                  size_t outlen)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    if (outlen == 0)
        return out;
    for (i = 0; i < len && 2 * i + 2 < outlen; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 15];
    }
    out[2 * i] = 0;
    return out;
}
