/*
 * fakemx_starttls.c - STARTTLS and the server-side TLS handshake
 *
 * The 220 is queued on the plain socket bufferevent before the OpenSSL
 * filter is stacked on it, so it leaves in clear ahead of any TLS record.
 * Bytes the client pipelined after STARTTLS (still in clear) are a
 * command-injection attempt or a client bug: recorded, then the session is
 * dropped.  After the handshake the SMTP state starts again at EHLO.
 *
 * Persona knobs acting here: starttls=reject (454) and accept-close (220,
 * then the one close path, with no TLS), tls-abort= (carried out by the
 * client-hello callback of fakemx_tls.c; this file only closes the
 * session, with a RST for "reset"), and everything the tls event reports
 * about the ClientHello.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>

#include "fakemx_event.h"
#include "common/diag.h"
#include "fakemx_session.h"

#define FAKEMX_TLS_MAXERR 8

/* fakemx_starttls_reply_event - record the STARTTLS command and our reply */
static void fakemx_starttls_reply_event(fakemx_session *s, int code)
{
    json_t *ev = fakemx_session_event(s, "starttls");

    json_object_set_new(ev, "reply", json_integer(code));
    json_object_set_new(ev, "tls", json_boolean(s->in_tls));
    fakemx_event_emit(ev);
}

/* fakemx_starttls_names - JSON array of the names of N values */
static json_t *fakemx_starttls_names(const unsigned short *v, size_t n,
                                     const char *(*name)(unsigned, char *,
                                                         size_t))
{
    json_t *a = json_array();
    char buf[16];

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(name(v[i], buf, sizeof(buf))));
    return a;
}

/* fakemx_starttls_versions - client_versions: supported_versions, then
 * legacy_version if not among them */
static json_t *fakemx_starttls_versions(const fakemx_hello *h)
{
    json_t *a = fakemx_starttls_names(h->versions, h->nversions,
                                      fakemx_hello_version_name);
    char buf[16];
    size_t i;

    if (!h->seen)
        return a;
    for (i = 0; i < h->nversions; i++)
        if (h->versions[i] == h->legacy_version)
            break;
    if (i == h->nversions)
        json_array_append_new(a, json_string(fakemx_hello_version_name(
                                     h->legacy_version, buf, sizeof(buf))));
    return a;
}

/* fakemx_starttls_alert - JSON string of an alert, null if none */
static json_t *fakemx_starttls_alert(const char *alert)
{
    return alert[0] ? json_string(alert) : json_null();
}

/* fakemx_starttls_tls_event - record the handshake result */
static void fakemx_starttls_tls_event(fakemx_session *s, int ok,
                                      const char *error)
{
    const fakemx_hello *h = &s->tls.hello;
    char shas[FAKEMX_CHAIN_MAX][FAKEMX_SHA256_HEX];
    size_t nsha = fakemx_tls_presented(s->ssl, shas, FAKEMX_CHAIN_MAX);
    json_t *ev = fakemx_session_event(s, "tls");
    json_t *chain = json_array();
    struct timeval now;
    char buf[16];

    gettimeofday(&now, 0);
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
    for (size_t i = 0; i < nsha; i++)
        json_array_append_new(chain, json_string(shas[i]));
    json_object_set_new(ev, "chain_sha256", chain);
    json_object_set_new(ev, "sni_matched", json_boolean(s->tls.sni_matched));
    json_object_set_new(ev, "resumed",
                        json_boolean(ok && SSL_session_reused(s->ssl)));
    json_object_set_new(ev, "handshake",
                        json_integer((json_int_t)s->entry->handshakes));
    json_object_set_new(ev, "client_hello", json_boolean(h->seen));
    json_object_set_new(ev, "client_legacy_version",
                        h->seen ? json_string(fakemx_hello_version_name(
                                      h->legacy_version, buf, sizeof(buf)))
                                : json_null());
    json_object_set_new(ev, "client_versions", fakemx_starttls_versions(h));
    json_object_set_new(
        ev, "client_groups",
        fakemx_starttls_names(h->groups, h->ngroups, fakemx_hello_group_name));
    json_object_set_new(ev, "client_sigalgs",
                        fakemx_starttls_names(h->sigalgs, h->nsigalgs,
                                              fakemx_hello_sigalg_name));
    json_object_set_new(ev, "alert_sent",
                        fakemx_starttls_alert(s->tls.alert_sent));
    json_object_set_new(ev, "alert_received",
                        fakemx_starttls_alert(s->tls.alert_received));
    json_object_set_new(
        ev, "handshake_ms",
        json_real((double)(now.tv_sec - s->tls.start.tv_sec) * 1e3 +
                  (double)(now.tv_usec - s->tls.start.tv_usec) / 1e3));
    fakemx_event_emit(ev);
}

/* fakemx_starttls_begin - stack the TLS filter and start the handshake */
static void fakemx_starttls_begin(fakemx_session *s)
{
    struct bufferevent *filter;
    SSL *ssl;

    /* abort-first=N: the persona's abort for the first N handshakes at
     * this address only, then it is honest */
    s->tls.abort =
        s->entry->beh.abort_first == 0 ||
                s->entry->handshakes < (unsigned long)s->entry->beh.abort_first
            ? s->entry->beh.tls_abort
            : FAKEMX_ABORT_NONE;
    s->entry->handshakes++;
    if ((ssl = fakemx_tls_ssl_new(s->entry->cred, &s->tls)) == 0) {
        ERR_clear_error();
        dh_warn("conn %lu: SSL_new failed", s->conn);
        fakemx_session_close(s, "error");
        return;
    }
    bufferevent_set_timeouts(s->raw, 0, 0);
    filter = bufferevent_openssl_filter_new(
        s->srv->base, s->raw, ssl, BUFFEREVENT_SSL_ACCEPTING,
        BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (filter == 0) /* only out of memory; ownership of ssl is unclear */
        dh_fatal("cannot create TLS bufferevent");
    bufferevent_openssl_set_allow_dirty_shutdown(filter, 1);
    s->ssl = ssl;
    s->bev = filter;
    fakemx_session_set_state(s, FAKEMX_S_TLS);
    fakemx_session_attach(s);
}

/* fakemx_starttls_command - act on STARTTLS (LINE for error events) */
void fakemx_starttls_command(fakemx_session *s, const char *line, size_t len)
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
    if (s->entry->beh.starttls == FAKEMX_STARTTLS_REJECT) {
        fakemx_starttls_reply_event(s, 454);
        fakemx_session_reply(s, "454 4.7.0 TLS not available");
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
    if (s->entry->beh.starttls == FAKEMX_STARTTLS_ACCEPT_CLOSE) {
        fakemx_session_close(s, "dropped");
        return;
    }
    fakemx_starttls_begin(s);
}

/* fakemx_starttls_event - handshake finished or failed (bufferevent WHAT) */
void fakemx_starttls_event(fakemx_session *s, short what)
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
    if (s->tls.aborted) {
        snprintf(error, sizeof(error),
                 "aborted after the ClientHello "
                 "(tls-abort=%s)",
                 s->tls.abort == FAKEMX_ABORT_RESET ? "reset" : "alert");
        s->reset = s->tls.abort == FAKEMX_ABORT_RESET;
    }
    fakemx_starttls_tls_event(s, 0, error);
    fakemx_session_close(s, s->tls.aborted               ? "aborted"
                            : (what & BEV_EVENT_TIMEOUT) ? "timeout"
                            : (what & BEV_EVENT_EOF)     ? "eof"
                                                         : "error");
}
