/*
 * fakemx_starttls.c - STARTTLS and the server-side TLS handshake
 *
 * The 220 is queued on the plain socket bufferevent before the OpenSSL
 * filter is stacked on it, so it leaves in clear ahead of any TLS record.
 * Bytes the client pipelined after STARTTLS (still in clear) are a
 * command-injection attempt or a client bug: recorded, then the session is
 * dropped.  After the handshake the SMTP state starts again at EHLO.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "fakemx_event.h"
#include "fakemx_log.h"
#include "fakemx_session.h"

#define FAKEMX_TLS_MAXERR 8

/* fakemx_starttls_reply_event - record the STARTTLS command and our reply */
static void fakemx_starttls_reply_event(struct fakemx_session *s, int code)
{
    json_t *ev = fakemx_session_event(s, "starttls");

    json_object_set_new(ev, "reply", json_integer(code));
    json_object_set_new(ev, "tls", json_boolean(s->in_tls));
    fakemx_event_emit(ev);
}

/* fakemx_starttls_tls_event - record the handshake result */
static void fakemx_starttls_tls_event(struct fakemx_session *s, int ok,
                                      const char *error)
{
    const struct fakemx_tls_cred *cred = s->entry->cred;
    json_t *ev = fakemx_session_event(s, "tls");
    json_t *chain = json_array();

    json_object_set_new(ev, "ok", json_boolean(ok));
    json_object_set_new(
        ev, "version", ok ? json_string(SSL_get_version(s->ssl)) : json_null());
    json_object_set_new(ev, "cipher",
                        ok ? json_string(SSL_get_cipher_name(s->ssl))
                           : json_null());
    json_object_set_new(ev, "sni",
                        s->tls.sni
                            ? fakemx_json_text(s->tls.sni, strlen(s->tls.sni))
                            : json_null());
    if (!ok)
        json_object_set_new(ev, "error",
                            fakemx_json_text(error, strlen(error)));
    for (size_t i = 0; cred != 0 && i < cred->nchain; i++)
        json_array_append_new(chain, json_string(cred->chain_sha256[i]));
    json_object_set_new(ev, "chain_sha256", chain);
    fakemx_event_emit(ev);
}

/* fakemx_starttls_begin - stack the TLS filter and start the handshake */
static void fakemx_starttls_begin(struct fakemx_session *s)
{
    struct bufferevent *filter;
    SSL *ssl;

    if ((ssl = fakemx_tls_ssl_new(s->entry->cred, &s->tls)) == 0) {
        ERR_clear_error();
        fakemx_warn("conn %lu: SSL_new failed", s->conn);
        fakemx_session_close(s, "error");
        return;
    }
    bufferevent_set_timeouts(s->raw, 0, 0);
    filter = bufferevent_openssl_filter_new(
        s->srv->base, s->raw, ssl, BUFFEREVENT_SSL_ACCEPTING,
        BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (filter == 0) /* only out of memory; ownership of ssl is unclear */
        fakemx_fatal("cannot create TLS bufferevent");
    bufferevent_openssl_set_allow_dirty_shutdown(filter, 1);
    s->ssl = ssl;
    s->bev = filter;
    fakemx_session_set_state(s, FAKEMX_S_TLS);
    fakemx_session_attach(s);
}

/* fakemx_starttls_command - act on STARTTLS (LINE for error events) */
void fakemx_starttls_command(struct fakemx_session *s, const char *line,
                             size_t len)
{
    struct evbuffer *in = bufferevent_get_input(s->bev);
    char head[80];
    ev_ssize_t n;

    if (s->in_tls) {
        fakemx_starttls_reply_event(s, 554);
        fakemx_session_error(s, "bad sequence", line, len,
                             "554 5.5.1 Error: TLS already active");
        return;
    }
    if (s->state == FAKEMX_S_MAIL || s->state == FAKEMX_S_RCPT) {
        fakemx_starttls_reply_event(s, 503);
        fakemx_session_error(s, "bad sequence", line, len,
                             "503 5.5.1 Error: MAIL transaction in progress");
        return;
    }
    if (s->entry->beh.starttls == FAKEMX_STARTTLS_NONE) {
        fakemx_starttls_reply_event(s, 502);
        fakemx_session_reply(s, "502 5.5.1 STARTTLS not available");
        return;
    }
    if (evbuffer_get_length(in) > 0) {
        n = evbuffer_copyout(in, head, sizeof(head));
        fakemx_starttls_reply_event(s, 554);
        fakemx_session_cmd_error(s, "starttls injection", head,
                                 n > 0 ? (size_t)n : 0);
        fakemx_session_reply(s, "554 5.5.1 Error: command pipelining after "
                                "STARTTLS");
        fakemx_session_close(s, "dropped");
        return;
    }
    fakemx_starttls_reply_event(s, 220);
    fakemx_session_reply(s, "220 2.0.0 Ready to start TLS");
    fakemx_starttls_begin(s);
}

/* fakemx_starttls_event - handshake finished or failed (bufferevent WHAT) */
void fakemx_starttls_event(struct fakemx_session *s, short what)
{
    unsigned long errs[FAKEMX_TLS_MAXERR];
    char error[512] = "";
    unsigned long e;
    int nerr = 0;
    int err = errno;

    if (what & BEV_EVENT_CONNECTED) {
        s->in_tls = 1;
        fakemx_starttls_tls_event(s, 1, 0);
        fakemx_smtp_reset(s);
        fakemx_session_set_state(s, FAKEMX_S_HELO);
        return;
    }
    /* libevent hands them out last first, and adds bare SSL_get_error()
     * codes (library 0) that are not OpenSSL errors: drop those. */
    while (nerr < FAKEMX_TLS_MAXERR &&
           (e = bufferevent_get_openssl_error(s->bev)) != 0)
        if (ERR_GET_LIB(e) != 0)
            errs[nerr++] = e;
    while (nerr > 0)
        fakemx_tls_err_append(error, sizeof(error), errs[--nerr]);
    ERR_clear_error();
    if (error[0] == 0) {
        if (what & BEV_EVENT_TIMEOUT)
            snprintf(error, sizeof(error), "timeout during handshake");
        else if (what & BEV_EVENT_EOF)
            snprintf(error, sizeof(error),
                     "connection closed during handshake");
        else
            snprintf(error, sizeof(error), "socket error: %s",
                     err ? strerror(err) : "unknown");
    }
    fakemx_starttls_tls_event(s, 0, error);
    fakemx_session_close(s, (what & BEV_EVENT_TIMEOUT) ? "timeout"
                            : (what & BEV_EVENT_EOF)   ? "eof"
                                                       : "error");
}
