/*
 * sys.c - files, folders and the clock (sys.h).
 */
#include "common/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/mem.h"

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
