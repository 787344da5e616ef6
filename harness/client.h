/*
 * client.h - the client under test, driven through its adapter
 * (docs/adapter-contract.md).
 *
 * dh_client_open() resolves "NAME extra words" (a bundled adapter) or
 * "PATH extra words" and asks the adapter for its version and
 * capabilities.  dh_client_send_all() sends one message per scenario, in
 * parallel when the adapter allows, and fills one dh_attempt per scenario.
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
void dh_client_send_all(dh_client *c, const dh_world *w, dh_attempt *att,
                        int jobs);

#endif
