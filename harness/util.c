/*
 * util.c - diagnostics, memory, strings and files for the orchestrator.
 * See util.h for the severity ladder and ownership rules.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int dh_verbose;

/* vmsg - print one diagnostic line on stderr */
static void vmsg(const char *tag, const char *fmt, va_list ap)
{
    char line[4096];

    vsnprintf(line, sizeof(line), fmt, ap);
    fprintf(stderr, "dane-harness: %s%s\n", tag, line);
}

/* dh_warn - report and continue */
void dh_warn(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("warning: ", fmt, ap);
    va_end(ap);
}

/* dh_info - progress message, shown with --verbose */
void dh_info(const char *fmt, ...)
{
    va_list ap;

    if (dh_verbose < 1)
        return;
    va_start(ap, fmt);
    vmsg("", fmt, ap);
    va_end(ap);
}

/* dh_debug - detail, shown with -v -v */
void dh_debug(const char *fmt, ...)
{
    va_list ap;

    if (dh_verbose < 2)
        return;
    va_start(ap, fmt);
    vmsg("debug: ", fmt, ap);
    va_end(ap);
}

/* dh_fatal - broken environment: report and exit 2 */
void dh_fatal(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vmsg("error: ", fmt, ap);
    va_end(ap);
    exit(2);
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

/* dh_write_file - create or replace a file with the given contents */
int dh_write_file(const char *path, const char *data, size_t len, int mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    size_t off = 0;

    if (fd < 0)
        return -1;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return -1;
        }
        off += (size_t)n;
    }
    return close(fd);
}

/* dh_read_file - whole file as a new NUL-terminated string, or NULL */
char *dh_read_file(const char *path, size_t *lenp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    dh_buf b;
    char chunk[65536];
    ssize_t n;

    if (fd < 0)
        return NULL;
    dh_buf_init(&b);
    while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            dh_buf_free(&b);
            return NULL;
        }
        dh_buf_add(&b, chunk, (size_t)n);
    }
    close(fd);
    if (lenp)
        *lenp = b.len;
    return b.data;
}

/* dh_mkdir_p - create a folder and its parents */
int dh_mkdir_p(const char *path, int mode)
{
    char *p = dh_strdup(path);
    char *s;

    for (s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = 0;
        if (mkdir(p, mode) < 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    if (mkdir(p, mode) < 0 && errno != EEXIST) {
        free(p);
        return -1;
    }
    free(p);
    return 0;
}

/* dh_now - wall-clock seconds */
double dh_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
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
