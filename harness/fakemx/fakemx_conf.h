/*
 * fakemx_conf.h - the fake MX configuration: one entry per local address
 *
 * File format (written by the orchestrator): '#' starts a comment, blank
 * lines are ignored, every other line is
 *
 *     listen ADDRESS key=value key=value ...
 *
 * ADDRESS is an IPv4 or IPv6 literal.  Keys: scenario, host, persona (all
 * required, free text without white space), starttls (required: offer or
 * none), cert and key (PEM files; required when starttls=offer).  Each
 * key may appear once.  Persona knobs added later are further keys: each
 * has one row in the key table of fakemx_conf.c and one field in struct
 * fakemx_behaviour.
 *
 * fakemx_conf_load() returns a struct the caller frees with
 * fakemx_conf_free(); entries and their strings live as long as it does.
 * Errors come back as "FILE:LINE: what is wrong".
 */
#ifndef FAKEMX_CONF_H
#define FAKEMX_CONF_H

#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "fakemx_tls.h"

/* What to do about STARTTLS. */
enum fakemx_starttls {
    FAKEMX_STARTTLS_OFFER, /* advertise it, do TLS with the entry's cert */
    FAKEMX_STARTTLS_NONE,  /* never advertise; the command gets 502 */
};

/* How the server behaves at one address: one field per persona knob. */
struct fakemx_behaviour {
    enum fakemx_starttls starttls;
};

/* One "listen" line. */
struct fakemx_entry {
    int line;   /* where it was defined */
    int family; /* AF_INET or AF_INET6 */
    struct in_addr v4;
    struct in6_addr v6;
    char addr_text[INET6_ADDRSTRLEN];
    char *scenario;
    char *host;      /* as written, e.g. "mx1.x.lab." */
    char *smtp_name; /* host without trailing dot */
    char *persona;
    char *cert; /* NULL if not given */
    char *key;  /* NULL if not given */
    struct fakemx_behaviour beh;
    struct fakemx_tls_cred *cred; /* NULL if no cert and key */
};

struct fakemx_conf {
    char *path;
    struct fakemx_entry *entries;
    size_t nentries;
};

/* fakemx_conf_load - parse PATH; 0 and *CONFP, or -1 and a message in ERR */
int fakemx_conf_load(const char *path, struct fakemx_conf **confp, char *err,
                     size_t errlen);

/* fakemx_conf_lookup - the entry for local address SA, or NULL */
const struct fakemx_entry *fakemx_conf_lookup(const struct fakemx_conf *conf,
                                              const struct sockaddr *sa);

/* fakemx_conf_free - free CONF and everything in it; NULL is fine */
void fakemx_conf_free(struct fakemx_conf *conf);

#endif
