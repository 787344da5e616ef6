/*
 * fakemx_data.c - the message after DATA: framing, dot-unstuffing, token
 *
 * The message is not stored: the harness only needs its size and the
 * value of its X-DH-Token: header.  Lines are handled whole when they fit
 * in FAKEMX_DATA_CHUNK; longer ones are counted in pieces (mid_line) so a
 * client without line ends cannot make us buffer without bound.  The end
 * is a line holding a single dot (CRLF or bare LF).  The message event is
 * written before the reply is queued: 250, or the data-reply= code (the
 * event then says accepted: false for a 4yz or 5yz).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fakemx_event.h"
#include "common/diag.h"
#include "fakemx_session.h"

#define FAKEMX_TOKEN_HDR "X-DH-Token:"

/* fakemx_data_begin - start receiving a message */
void fakemx_data_begin(fakemx_session *s)
{
    memset(&s->msg, 0, sizeof(s->msg));
    s->msg.in_header = 1;
}

/* fakemx_data_add - count N message octets */
static void fakemx_data_add(fakemx_session *s, size_t n)
{
    s->msg.bytes += n;
    if (s->msg.bytes > FAKEMX_MSG_MAX)
        s->msg.too_big = 1;
}

/* fakemx_data_header - look at one header line (no line end) */
static void fakemx_data_header(fakemx_session *s, const char *p, size_t n)
{
    size_t hlen = strlen(FAKEMX_TOKEN_HDR);

    if (n == 0) {
        s->msg.in_header = 0;
        return;
    }
    if (s->msg.have_token || n < hlen ||
        strncasecmp(p, FAKEMX_TOKEN_HDR, hlen) != 0)
        return;
    p += hlen;
    n -= hlen;
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    if (n >= FAKEMX_TOKEN_MAX)
        n = FAKEMX_TOKEN_MAX - 1;
    memcpy(s->msg.token, p, n);
    s->msg.token[n] = 0;
    s->msg.have_token = 1;
}

/* fakemx_data_end - the final dot: record the message, then reply */
static void fakemx_data_end(fakemx_session *s)
{
    int code = s->entry->beh.data_reply ? s->entry->beh.data_reply : 250;
    int accepted = code / 100 == 2;
    char qid[32];
    json_t *ev;

    s->nmsg++;
    fakemx_session_set_state(s, FAKEMX_S_READY);
    s->nrcpt = 0;
    if (s->msg.too_big) {
        fakemx_session_error(s, "message too big", 0, 0,
                             "552 5.3.4 Error: message file too big");
        return;
    }
    snprintf(qid, sizeof(qid), "%X%05lX%02X", (unsigned)getpid(),
             s->conn & 0xfffff, s->nmsg & 0xff);
    ev = fakemx_session_event(s, "message");
    json_object_set_new(ev, "tls", json_boolean(s->in_tls));
    json_object_set_new(ev, "bytes", json_integer((json_int_t)s->msg.bytes));
    json_object_set_new(
        ev, "token",
        s->msg.have_token ? fakemx_json_text(s->msg.token, strlen(s->msg.token))
                          : json_null());
    json_object_set_new(ev, "queue_id", json_string(qid));
    json_object_set_new(ev, "accepted", json_boolean(accepted));
    json_object_set_new(ev, "reply", json_integer(code));
    /* In the file before the client sees 250; a message the events file
     * cannot vouch for is refused (evidence fails closed). */
    if (fakemx_event_emit(ev) != 0) {
        fakemx_session_reply(s, "451 4.3.0 Error: cannot record the message "
                                "(fakemx events file)");
        return;
    }
    if (accepted)
        fakemx_session_reply(s, "%d 2.0.0 Ok: queued as %s", code, qid);
    else
        fakemx_session_reply(s,
                             "%d %d.3.0 Error: message refused (fakemx "
                             "data-reply=%d)",
                             code, code / 100, code);
}

/* fakemx_data_input - consume message bytes from IN; 0 = need more */
int fakemx_data_input(fakemx_session *s, struct evbuffer *in)
{
    char line[FAKEMX_DATA_CHUNK];
    size_t avail = evbuffer_get_length(in);
    struct evbuffer_ptr eol;
    size_t n;
    size_t content;
    size_t start = 0;
    int line_start = !s->msg.mid_line;

    eol = evbuffer_search_eol(in, 0, 0, EVBUFFER_EOL_LF);
    if (eol.pos < 0) {
        if (avail < FAKEMX_DATA_CHUNK)
            return 0;
        /* A piece of a very long line: count it, look no further. */
        fakemx_data_add(s, avail - (line_start && avail > 0 &&
                                    evbuffer_pullup(in, 1)[0] == '.'));
        evbuffer_drain(in, avail);
        s->msg.mid_line = 1;
        return 0;
    }
    n = (size_t)eol.pos + 1;
    s->msg.mid_line = 0;
    if (n > sizeof(line)) {
        fakemx_data_add(s,
                        n - (line_start && evbuffer_pullup(in, 1)[0] == '.'));
        evbuffer_drain(in, n);
        return 1;
    }
    evbuffer_remove(in, line, n);
    content = n - 1;
    if (content > 0 && line[content - 1] == '\r')
        content--;
    if (line_start && content == 1 && line[0] == '.') {
        fakemx_data_end(s);
        return 1;
    }
    if (line_start && line[0] == '.')
        start = 1;
    fakemx_data_add(s, n - start);
    if (line_start && s->msg.in_header)
        fakemx_data_header(s, line + start, content - start);
    return 1;
}
