/*
 * fuzz_session.c - libFuzzer target: whole SMTP sessions of the fake MX,
 * in memory
 *
 * Each input is what one client sends.  It goes through the daemon's real
 * code (fakemx_session.c, fakemx_smtp.c, fakemx_data.c, fakemx_starttls.c,
 * fakemx_tls.c and the callbacks, OpenSSL included) over a libevent
 * bufferevent pair instead of a socket: no network, no file descriptors.
 *
 *   byte 0     which config entry (honest, no STARTTLS with refusing
 *              replies, starttls=reject, accept-close, tls-abort=alert,
 *              tls-abort=reset, ehlo-delay, SNI and cert2)
 *   byte 1     chunk size: the rest is written in chunks of that many
 *              bytes (0: all at once), the event loop running in between,
 *              so pipelining and STARTTLS timing both get explored
 *   the rest   the client's bytes
 *
 * Afterwards the client end signals EOF, the loop runs on, and the server
 * shuts down, which must free every session (LeakSanitizer checks).  The
 * replies are read and thrown away; the events go to /dev/null, or to the
 * file named by $FUZZ_SESSION_EVENTS (to see what an input does).  The
 * certificates are made once, in a scratch folder removed at exit.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fakemx/fakemx_conf.h"
#include "fakemx/fakemx_event.h"
#include "fakemx/fakemx_server.h"
#include "fakemx/fakemx_session.h"

#define FUZZ_LOOPS 6 /* event loop turns per chunk */

static fakemx_conf *fuzz_conf;
static char fuzz_dir[] = "/tmp/fuzz_session.XXXXXX";

/* fuzz_path - NAME in the scratch folder (static buffer ring) */
static const char *fuzz_path(const char *name)
{
    static char bufs[4][128];
    static int next;
    char *b = bufs[next++ % 4];

    snprintf(b, sizeof(bufs[0]), "%s/%s", fuzz_dir, name);
    return b;
}

/* fuzz_cert - a self-signed certificate for a new key of TYPE */
static void fuzz_cert(const char *type, const char *cn, const char *base)
{
    EVP_PKEY *pkey =
        strcmp(type, "rsa") == 0 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
    X509 *x = X509_new();
    char name[64];
    FILE *fp;

    if (pkey == 0 || x == 0)
        abort();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, pkey);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    if (X509_sign(x, pkey, EVP_sha256()) <= 0)
        abort();
    snprintf(name, sizeof(name), "%s.pem", base);
    if ((fp = fopen(fuzz_path(name), "w")) == 0)
        abort();
    PEM_write_X509(fp, x);
    fclose(fp);
    snprintf(name, sizeof(name), "%s.key", base);
    if ((fp = fopen(fuzz_path(name), "w")) == 0)
        abort();
    PEM_write_PrivateKey(fp, pkey, 0, 0, 0, 0, 0);
    fclose(fp);
    X509_free(x);
    EVP_PKEY_free(pkey);
}

/* fuzz_cleanup - remove the scratch folder */
static void fuzz_cleanup(void)
{
    static const char *files[] = {"ec.pem",     "ec.key",    "rsa.pem",
                                  "rsa.key",    "wrong.pem", "wrong.key",
                                  "fakemx.conf"};

    fakemx_conf_free(fuzz_conf);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        unlink(fuzz_path(files[i]));
    rmdir(fuzz_dir);
}

/* LLVMFuzzerInitialize - certificates, config, events to /dev/null */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char err[2048];
    FILE *fp;
    const char *d;

    (void)argc;
    (void)argv;
    if (mkdtemp(fuzz_dir) == 0)
        abort();
    d = fuzz_dir;
    fuzz_cert("ec", "mx1.fuzz.danelab", "ec");
    fuzz_cert("rsa", "mx1.fuzz.danelab", "rsa");
    fuzz_cert("ec", "wrong.example", "wrong");
    if ((fp = fopen(fuzz_path("fakemx.conf"), "w")) == 0)
        abort();
    fprintf(fp,
            "listen 127.0.0.1 scenario=s host=mx1.fuzz.danelab. persona=honest"
            " starttls=offer cert=%s/ec.pem key=%s/ec.key\n"
            "listen 127.0.0.2 scenario=s host=mx1.fuzz.danelab. persona=refuse"
            " starttls=none mail-reply=451 rcpt-reply=550 data-reply=452\n"
            "listen 127.0.0.3 scenario=s host=h persona=reject starttls=reject"
            " rcpt-reply=451\n"
            "listen 127.0.0.4 scenario=s host=h persona=close"
            " starttls=accept-close\n"
            "listen 127.0.0.5 scenario=s host=h persona=alert starttls=offer"
            " tls-abort=alert cert=%s/ec.pem key=%s/ec.key\n"
            "listen 127.0.0.6 scenario=s host=h persona=reset starttls=offer"
            " tls-abort=reset cert=%s/ec.pem key=%s/ec.key\n"
            "listen 127.0.0.7 scenario=s host=h persona=stall starttls=offer"
            " ehlo-delay=0.001 tls-max=1.1 cert=%s/ec.pem key=%s/ec.key\n"
            "listen 127.0.0.8 scenario=s host=h persona=sni starttls=offer"
            " tls-min=1.2 cert=%s/wrong.pem key=%s/wrong.key cert2=%s/rsa.pem"
            " key2=%s/rsa.key sni-name=mx1.fuzz.danelab sni-cert=%s/ec.pem"
            " sni-key=%s/ec.key\n",
            d, d, d, d, d, d, d, d, d, d, d, d, d, d);
    fclose(fp);
    if (fakemx_conf_load(fuzz_path("fakemx.conf"), &fuzz_conf, err,
                         sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_session: %s\n", err);
        abort();
    }
    if (fakemx_event_open(getenv("FUZZ_SESSION_EVENTS")
                              ? getenv("FUZZ_SESSION_EVENTS")
                              : "/dev/null") != 0)
        abort();
    atexit(fuzz_cleanup);
    return 0;
}

/* fuzz_stalled - is any session waiting for a stall timer? */
static int fuzz_stalled(const fakemx_server *srv)
{
    for (const fakemx_session *s = srv->sessions; s; s = s->next)
        if (s->stalled)
            return 1;
    return 0;
}

/* fuzz_turn - run the loop a few times, throwing the replies away */
static void fuzz_turn(fakemx_server *srv, struct bufferevent *client)
{
    for (int i = 0; i < FUZZ_LOOPS; i++) {
        event_base_loop(srv->base, fuzz_stalled(srv)
                                       ? EVLOOP_ONCE
                                       : EVLOOP_ONCE | EVLOOP_NONBLOCK);
        if (client != 0)
            evbuffer_drain(bufferevent_get_input(client),
                           evbuffer_get_length(bufferevent_get_input(client)));
    }
}

/* LLVMFuzzerTestOneInput - one client session */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fakemx_server srv;
    struct bufferevent *pair[2];
    struct sockaddr_in local;
    struct sockaddr_in peer;
    size_t chunk;

    if (size < 2)
        return 0;
    memset(&srv, 0, sizeof(srv));
    if ((srv.base = event_base_new()) == 0)
        abort();
    srv.conf = fuzz_conf;
    srv.idle.tv_sec = 3600;
    memset(&local, 0, sizeof(local));
    local.sin_family = AF_INET;
    local.sin_port = htons(25);
    local.sin_addr.s_addr =
        htonl(0x7f000001 + (uint32_t)(data[0] % (fuzz_conf->nentries + 1)));
    peer = local;
    peer.sin_addr.s_addr = htonl(0x7f0000fe);
    peer.sin_port = htons(40000);
    chunk = data[1] ? data[1] : size;
    data += 2;
    size -= 2;

    if (bufferevent_pair_new(srv.base,
                             BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS,
                             pair) != 0)
        abort();
    bufferevent_enable(pair[1], EV_READ | EV_WRITE);
    fakemx_session_start_bev(&srv, pair[0], -1, (struct sockaddr *)&local,
                             (struct sockaddr *)&peer);
    fuzz_turn(&srv, pair[1]);
    while (size > 0) {
        size_t n = size < chunk ? size : chunk;

        bufferevent_write(pair[1], data, n);
        data += n;
        size -= n;
        fuzz_turn(&srv, pair[1]);
    }
    bufferevent_flush(pair[1], EV_WRITE, BEV_FINISHED); /* EOF */
    fuzz_turn(&srv, pair[1]);
    bufferevent_free(pair[1]);
    fuzz_turn(&srv, 0);
    srv.conf = 0; /* the fuzzer's, kept for the next input */
    fakemx_server_shutdown(&srv);
    event_base_free(srv.base);
    return 0;
}
