/*
 * fakemx_conf.h - the fake MX configuration: one entry per local address
 *
 * File format (written by the orchestrator): '#' starts a comment, blank
 * lines are ignored, every other line is
 *
 *     listen ADDRESS key=value key=value ...
 *
 * ADDRESS is an IPv4 or IPv6 literal.  Keys: scenario, host, persona (all
 * required, free text without white space), starttls (required), cert
 * and key (PEM files; required unless starttls=none), then the optional
 * behaviour keys: tls-abort, greeting-delay, ehlo-delay, mail-reply,
 * rcpt-reply, data-reply, tls-min, tls-max, cert2 and key2, sni-name,
 * sni-cert and sni-key.  docs/fakemx.md is the reference: one table with
 * every key, its values and its effect.  Each key may appear once.  A new
 * persona knob is a further key: one row in the key table of
 * fakemx_conf.c and one field in fakemx_behaviour (or, for files,
 * fakemx_entry).
 *
 * fakemx_conf_load() returns a struct the caller frees with
 * fakemx_conf_free(); entries and their strings live as long as it does.
 * Errors come back as "FILE:LINE: what is wrong".
 */
#ifndef FAKEMX_CONF_H
#define FAKEMX_CONF_H

#include <stddef.h>
#include <stdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "fakemx_tls.h"

/* Longest stall of greeting-delay= and ehlo-delay=, in seconds. */
#define FAKEMX_DELAY_MAX 600

/* What to do about STARTTLS. */
typedef enum {
    FAKEMX_STARTTLS_OFFER,        /* advertise it, do TLS with the cert */
    FAKEMX_STARTTLS_NONE,         /* never advertise; the command gets 502 */
    FAKEMX_STARTTLS_REJECT,       /* advertise it, answer 454 */
    FAKEMX_STARTTLS_ACCEPT_CLOSE, /* advertise it, answer 220, hang up */
    FAKEMX_STARTTLS_KINDS
} fakemx_starttls;

/* How the server behaves at one address: one field per persona knob.
 * Zero is the honest default everywhere. */
typedef struct fakemx_behaviour {
    fakemx_starttls starttls;
    fakemx_tls_abort tls_abort; /* after the ClientHello */
    double greeting_delay;      /* seconds before the 220 greeting */
    double ehlo_delay;          /* seconds before each EHLO/HELO reply */
    int mail_reply;             /* reply code to MAIL, 0: 250 */
    int rcpt_reply;             /* reply code to RCPT, 0: 250 */
    int data_reply;             /* reply code to the final dot, 0: 250 */
    int tls_min;                /* TLS1_VERSION ..., 0: OpenSSL's */
    int tls_max;
    int ehlo_reply;  /* reply code to EHLO, 0: 250 (HELO is always 250) */
    int abort_first; /* tls-abort only for the first N handshakes, 0: all */
} fakemx_behaviour;

/* One "listen" line. */
typedef struct fakemx_entry {
    int line;   /* where it was defined */
    int family; /* AF_INET or AF_INET6 */
    struct in_addr v4;
    struct in6_addr v6;
    char addr_text[INET6_ADDRSTRLEN];
    char *scenario;
    char *host;      /* as written, e.g. "mx1.x.lab." */
    char *smtp_name; /* host without trailing dot */
    char *persona;
    char *cert; /* NULL if not given, and so on */
    char *key;
    char *cert2; /* second chain and key, another key type */
    char *key2;
    char *sni_name; /* when the client's SNI is this name ... */
    char *sni_cert; /* ... present this chain and key instead */
    char *sni_key;
    fakemx_behaviour beh;
    fakemx_tls_cred *cred;    /* NULL if no cert and key */
    unsigned long handshakes; /* TLS handshakes begun at this address so
                               * far (kept across reloads) */
} fakemx_entry;

typedef struct fakemx_conf {
    char *path;
    fakemx_entry *entries;
    size_t nentries;
} fakemx_conf;

/* fakemx_conf_load - parse PATH; 0 and *CONFP, or -1 and a message in ERR */
int fakemx_conf_load(const char *path, fakemx_conf **confp, char *err,
                     size_t errlen);

/* fakemx_conf_load_stream - the same, reading FP; NAME is for messages */
int fakemx_conf_load_stream(FILE *fp, const char *name, fakemx_conf **confp,
                            char *err, size_t errlen);

/* fakemx_conf_reload - load PATH as fakemx_conf_load() does, sharing the
 * TLS credentials of OLD's entries made from the same files (OLD stays
 * valid and owns its references) */
int fakemx_conf_reload(const char *path, const fakemx_conf *old,
                       fakemx_conf **confp, char *err, size_t errlen);

/* fakemx_conf_lookup - the entry for local address SA, or NULL */
fakemx_entry *fakemx_conf_lookup(const fakemx_conf *conf,
                                 const struct sockaddr *sa);

/* fakemx_conf_free - free CONF and everything in it; NULL is fine */
void fakemx_conf_free(fakemx_conf *conf);

#endif
