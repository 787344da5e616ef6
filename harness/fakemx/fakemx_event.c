/*
 * fakemx_event.c - observations, written as JSON lines
 *
 * See fakemx_event.h.  A failed write is reported on stderr and counted
 * as lost against the event's scenario; the stop record lists the losses.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "fakemx_event.h"
#include "common/diag.h"

#define FAKEMX_LOST_MAX 256 /* scenarios with losses listed by name */

typedef struct fakemx_lost {
    char scenario[128];
    unsigned long n;
} fakemx_lost;

static int fakemx_event_fd = -1;
static unsigned long fakemx_event_written;
static unsigned long fakemx_event_nlost;
static unsigned long fakemx_event_nticks_lost;
static fakemx_lost fakemx_lost_by[FAKEMX_LOST_MAX];
static size_t fakemx_nlost_by;

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

/* fakemx_event_new - an event NAME with its "ts" (wall clock) */
json_t *fakemx_event_new(const char *name)
{
    struct timeval tv;
    json_t *ev;

    gettimeofday(&tv, 0);
    if ((ev = json_object()) == 0)
        return 0;
    json_object_set_new(
        ev, "ts", json_real((double)tv.tv_sec + (double)tv.tv_usec / 1e6));
    json_object_set_new(ev, "event", json_string(name));
    return ev;
}

/* fakemx_event_count_lost - one more lost event of SCENARIO (or "-") */
static void fakemx_event_count_lost(const char *scenario)
{
    size_t i;

    fakemx_event_nlost++;
    if (scenario == 0 || *scenario == 0)
        scenario = "-";
    for (i = 0; i < fakemx_nlost_by; i++)
        if (strcmp(fakemx_lost_by[i].scenario, scenario) == 0)
            break;
    if (i == fakemx_nlost_by) {
        if (i == FAKEMX_LOST_MAX || strlen(scenario) >= 128) {
            scenario = "-"; /* still counted in the total */
            for (i = 0; i < fakemx_nlost_by; i++)
                if (strcmp(fakemx_lost_by[i].scenario, "-") == 0)
                    break;
            if (i == FAKEMX_LOST_MAX)
                return;
        }
        if (i == fakemx_nlost_by) {
            snprintf(fakemx_lost_by[i].scenario,
                     sizeof(fakemx_lost_by[i].scenario), "%s", scenario);
            fakemx_lost_by[i].n = 0;
            fakemx_nlost_by++;
        }
    }
    fakemx_lost_by[i].n++;
}

/* fakemx_event_write - TEXT (LEN bytes, newline included) in one write */
static int fakemx_event_write(const char *text, size_t len)
{
    ssize_t n;

    if (fakemx_event_fd < 0)
        return -1;
    do
        n = write(fakemx_event_fd, text, len);
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)len)
        return 0;
    /* A short write leaves a partial line: end it, so that the reader
     * sees a broken line rather than two lines glued together. */
    if (n > 0)
        (void)!write(fakemx_event_fd, "\n", 1);
    dh_warn("write events file: %s", n < 0 ? strerror(errno) : "short write");
    return -1;
}

/* fakemx_event_emit - write EV as one line and release it */
int fakemx_event_emit(json_t *ev)
{
    char scenario[128] = "";
    json_t *sc;
    char *text;
    size_t len;
    int rc, tick;

    if (ev == 0) {
        dh_warn("cannot build an event: out of memory");
        fakemx_event_count_lost(0);
        return -1;
    }
    sc = json_object_get(ev, "scenario");
    if (json_is_string(sc))
        snprintf(scenario, sizeof(scenario), "%s", json_string_value(sc));
    tick = json_is_string(json_object_get(ev, "event")) &&
           strcmp(json_string_value(json_object_get(ev, "event")), "tick") == 0;
    text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER |
                              JSON_REAL_PRECISION(16));
    json_decref(ev);
    if (text == 0) {
        dh_warn("cannot serialise event");
        fakemx_event_count_lost(scenario);
        return -1;
    }
    len = strlen(text);
    text[len++] = '\n'; /* overwrites the NUL; length is explicit now */
    rc = fakemx_event_write(text, len);
    free(text);
    if (rc == 0)
        fakemx_event_written++;
    else if (tick)
        fakemx_event_nticks_lost++; /* the gap in the heartbeat says it */
    else
        fakemx_event_count_lost(scenario);
    return rc;
}

/* fakemx_event_lost - events lost so far */
unsigned long fakemx_event_lost(void)
{
    return fakemx_event_nlost;
}

/* fakemx_event_finish - write the stop record */
int fakemx_event_finish(void)
{
    json_t *ev = fakemx_event_new("stop");
    json_t *by = json_object();
    char *text;
    size_t i, len;
    int rc;

    if (ev == 0 || by == 0) {
        json_decref(ev);
        json_decref(by);
        return -1;
    }
    for (i = 0; i < fakemx_nlost_by; i++)
        json_object_set_new(by, fakemx_lost_by[i].scenario,
                            json_integer((json_int_t)fakemx_lost_by[i].n));
    json_object_set_new(ev, "schema", json_integer(FAKEMX_EVENT_SCHEMA));
    json_object_set_new(ev, "events",
                        json_integer((json_int_t)fakemx_event_written));
    json_object_set_new(ev, "lost",
                        json_integer((json_int_t)fakemx_event_nlost));
    json_object_set_new(ev, "lost_ticks",
                        json_integer((json_int_t)fakemx_event_nticks_lost));
    json_object_set_new(ev, "lost_by_scenario", by);
    text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER |
                              JSON_REAL_PRECISION(16));
    json_decref(ev);
    if (text == 0)
        return -1;
    len = strlen(text);
    text[len++] = '\n';
    rc = fakemx_event_write(text, len);
    free(text);
    return rc;
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
