/*
 * fakemx_event.c - observations, written as JSON lines
 *
 * See fakemx_event.h.  A failed write is reported on stderr once per
 * event and otherwise ignored: the daemon keeps serving.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fakemx_event.h"
#include "fakemx_log.h"

static int fakemx_event_fd = -1;

/* fakemx_event_open - open PATH for appending; -1 with errno on failure */
int fakemx_event_open(const char *path)
{
    int fd;

    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    fakemx_event_close();
    fakemx_event_fd = fd;
    return 0;
}

/* fakemx_event_close - close the events file */
void fakemx_event_close(void)
{
    if (fakemx_event_fd >= 0)
        close(fakemx_event_fd);
    fakemx_event_fd = -1;
}

/* fakemx_event_emit - write EV as one line and release it */
void fakemx_event_emit(json_t *ev)
{
    char *text;
    size_t len;
    size_t done = 0;
    ssize_t n;

    if (ev == 0)
        return;
    text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER |
                              JSON_REAL_PRECISION(16));
    json_decref(ev);
    if (text == 0) {
        fakemx_warn("cannot serialise event");
        return;
    }
    len = strlen(text);
    text[len++] = '\n'; /* overwrites the NUL; length is explicit now */
    while (fakemx_event_fd >= 0 && done < len) {
        n = write(fakemx_event_fd, text + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fakemx_warn("write events file: %s",
                        n < 0 ? strerror(errno) : "short write");
            break;
        }
        done += (size_t)n;
    }
    free(text);
}

/* fakemx_json_escape - the escaping of fakemx_json_escaped() into OUT */
void fakemx_json_escape(const char *buf, size_t len, char *out, size_t outlen)
{
    size_t o = 0;

    if (outlen == 0)
        return;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        char tmp[5];
        size_t n;

        if (c == '\\') {
            memcpy(tmp, "\\\\", 3);
        } else if (c >= 0x20 && c < 0x7f) {
            tmp[0] = (char)c;
            tmp[1] = 0;
        } else {
            snprintf(tmp, sizeof(tmp), "\\x%02x", c);
        }
        n = strlen(tmp);
        if (o + n >= outlen)
            break;
        memcpy(out + o, tmp, n);
        o += n;
    }
    out[o] = 0;
}

/* fakemx_json_escaped - JSON string of LEN bytes, non-ASCII as \xNN */
json_t *fakemx_json_escaped(const char *buf, size_t len)
{
    char stackbuf[1024];
    char *out = stackbuf;
    size_t outlen = 4 * len + 1;
    json_t *j;

    if (outlen > sizeof(stackbuf) && (out = malloc(outlen)) == 0)
        return json_null();
    fakemx_json_escape(buf, len, out,
                       outlen > sizeof(stackbuf) ? outlen : sizeof(stackbuf));
    j = json_string(out);
    if (out != stackbuf)
        free(out);
    return j ? j : json_null();
}

/* fakemx_json_text - JSON string of LEN bytes: UTF-8 as is, else escaped */
json_t *fakemx_json_text(const char *buf, size_t len)
{
    json_t *j;

    if (memchr(buf, 0, len) == 0 && memchr(buf, '\\', len) == 0 &&
        (j = json_stringn(buf, len)) != 0)
        return j;
    return fakemx_json_escaped(buf, len);
}
