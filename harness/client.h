/*
 * client.h - the client under test, driven through its adapter
 * (docs/adapter-contract.md).
 *
 * dh_client_open() resolves "NAME extra words" (a bundled adapter) or
 * "PATH extra words" and asks the adapter for its version and
 * capabilities.  dh_client_attempt() runs one delivery attempt of every
 * scenario taking part, in parallel when the adapter allows, and fills
 * one dh_attempt per message and attempt.
 *
 * Ownership: a dh_client owns its strings (dh_client_close() frees them);
 * the world is borrowed.  Each dh_attempt's outcome_line is a new string
 * the caller frees.  Every process a verb starts is the caller's to reap
 * (proc.h): a send that outlives its deadline is killed with its process
 * group.
 */
#ifndef DH_CLIENT_H
#define DH_CLIENT_H

#include "verdict.h"
#include "world.h"

typedef struct {
    char *spec;    /* as the user gave it */
    char *name;    /* adapter name for reports */
    char *path;    /* adapter executable */
    char **extra;  /* extra words, NULL-terminated */
    char *version; /* what the adapter's "version" printed */
    int parallel;
    int ipv6;       /* capability: can deliver over IPv6 */
    int retry;      /* capability: keeps deferred mail for "retry" */
    int batch;      /* capability: "batch" submits several messages */
    int rootless;   /* capability: never switches user IDs (rootless runs) */
    double timeout; /* seconds per send */
} dh_client;

/* 0, or -1 with err (unknown adapter, not executable). */
int dh_client_open(dh_client *c, const char *spec, const char *libexec,
                   char *err, size_t errlen);
void dh_client_close(dh_client *c);

/* Export the contract's environment for this world. */
void dh_client_env(const dh_world *w);
/* Ask version and capabilities (inside the sandbox). */
void dh_client_probe(dh_client *c, const dh_world *w);
int dh_client_setup(dh_client *c, const dh_world *w);
void dh_client_teardown(dh_client *c, const dh_world *w);
/* ADAPTER VERB ARGS... EXTRA... (a new array of borrowed strings). */
char **dh_client_argv(const dh_client *c, const char *verb,
                      const char *const *args);

void dh_attempts_init(dh_attempts *x, const dh_scenario *sc);
void dh_attempts_free(dh_attempts *x);

/* Why the client cannot take part in scenario sc (a SKIP reason: a
 * capability it lacks), or NULL. */
const char *dh_client_cannot(const dh_client *c, const dh_scenario *sc);

/* What the run does between two attempts of one scenario (run.c). */
typedef struct {
    /* Scenario i's world for attempt k: the seconds to wait before it,
     * or < 0 when it cannot go on (its fault is set). */
    double (*between)(void *ctx, size_t i, int k);
    /* After the wait, before attempt k: 0 to go on, < 0 to stop. */
    int (*ready)(void *ctx, size_t i, int k);
    void *ctx;
} dh_client_hooks;

/* Every delivery attempt of every scenario i with active[i]
 * (client_send.c).  At each attempt the messages submitted then go in
 * one "send" (or one "batch" for several), the earlier ones still
 * queued in one "retry"; each message's attempt goes into all[i].
 * Scenarios run at once, up to jobs, when the adapter allows; a
 * scenario's next attempt starts once the hooks have set up its world
 * and its wait is over, while the others go on.  A scenario whose
 * attempt went wrong for the adapter (hang, crash, failure) has
 * active[i] cleared and stops. */
void dh_client_run(dh_client *c, const dh_world *w, int *active,
                   dh_attempts *all, int jobs, const dh_client_hooks *h);

#endif
