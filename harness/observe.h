/*
 * observe.h - what the world saw during the run: the fake MX events and
 * the resolver's log, read once after the sends and given to each
 * scenario (docs/observations.md).
 *
 * Evidence fails closed.  Both loaders return -1 with "FILE: reason" in
 * err when their file is missing, unreadable, truncated or holds a line
 * they cannot read: the run is then a harness error, never a verdict.
 * The events file must end with the fake MX's stop record and hold as
 * many events as it says; the resolver log must end with Unbound's own
 * end-of-service statistics and hold as many queries as they count.
 *
 * Strings in the structures are owned by them; free with dh_obs_free()
 * and dh_run_obs_free().
 */
#ifndef DH_OBSERVE_H
#define DH_OBSERVE_H

#include <stddef.h>

/* One SMTP connection as the fake MX server saw it. */
typedef struct {
    long conn;
    char *host;
    char *persona;
    char *addr;
    int hostile;
    int starttls_offered;
    int starttls_cmd; /* client sent STARTTLS */
    int tls_ok;
    char *tls_version;
    char *sni;
    char *tls_error;
    char *leaf_sha256;
    int mail;    /* MAIL FROM seen */
    int message; /* a message with this scenario's token arrived */
    int message_tls;
    int quit;
    double t_first, t_last; /* first and last event (wall clock) */
    int tls_resumed;        /* the client resumed an earlier TLS session */
    char **tokens;          /* every message it carried (X-DH-Token) */
    int *token_tls;         /* ... and whether each went over TLS */
    size_t ntokens;
} dh_conn_obs;

/* One question the client asked the resolver, and the answer. */
typedef struct {
    char *name;     /* as asked, absolute */
    char *type;     /* "A", "TLSA", ... */
    char *client;   /* the address it came from */
    long asked;     /* when (the log's seconds since the epoch) */
    int answered;   /* the resolver logged a reply */
    char rcode[16]; /* "NOERROR", "SERVFAIL", ... ("" unanswered) */
    double seconds; /* how long the resolver took to answer */
    char *why;      /* the resolver's reason for a SERVFAIL, or NULL */
} dh_query_obs;

typedef struct {
    dh_conn_obs *conns;
    size_t nconns;
    dh_query_obs *queries; /* in the order asked */
    size_t nqueries;
    unsigned long lost_events; /* the fake MX could not record them */
} dh_obs;

/* Something the fixture did that no scenario asked for, in a window of
 * wall-clock time: attempts that overlap it cannot be judged. */
typedef struct {
    double from, to;
    char *scenario; /* the one it concerns, or NULL: any */
    char *what;
} dh_incident;

/* What the files say about the run as a whole. */
typedef struct {
    dh_incident *incidents;
    size_t nincidents;
    unsigned long events;           /* event lines before the stop record */
    unsigned long lost_events;      /* all scenarios */
    unsigned long resolver_queries; /* Unbound's own count */
    unsigned long resolver_dropped; /* "exceeded" + "jostled" */
    double max_heartbeat_gap;       /* longest time without a fake MX tick */
} dh_run_obs;

/* Where the observations of one scenario go. */
typedef struct {
    const char *scenario; /* id */
    const char *token;    /* its message's X-DH-Token */
    dh_obs *obs;
} dh_obs_sink;

/* A fake MX heartbeat gap longer than this is an incident. */
#define DH_FAKEMX_STALL 2.0

void dh_obs_init(dh_obs *o);
void dh_obs_free(dh_obs *o);
void dh_run_obs_init(dh_run_obs *r);
void dh_run_obs_free(dh_run_obs *r);

/* Read the fake MX events once and give each scenario its own (sinks
 * sorted by scenario id).  A connection is marked hostile from its
 * persona (docs/scenario-format.md).  Heartbeat gaps and accept errors
 * become incidents in run.  0, or -1 with err. */
int dh_obs_load_events(const char *path, const dh_obs_sink *sinks, size_t n,
                       dh_run_obs *run, char *err, size_t errlen);
/* Read the resolver's log once and give each scenario the queries the
 * client made (not from exclude_addr) for names under its zones, with
 * their answers.  0, or -1 with err. */
int dh_obs_load_resolver(const char *unbound_log, const dh_obs_sink *sinks,
                         size_t n, const char *exclude_addr, dh_run_obs *run,
                         char *err, size_t errlen);

/* The scenario label of a name under either TLD, or NULL:
 * "mx1.ID.danelab." -> "ID" (written, lower case, into buf). */
const char *dh_scenario_of_name(const char *name, char *buf, size_t len);

#endif
