/*
 * resolve.h - validated lookups with libunbound, for the harness's own
 * checks (readiness and fixture self-check), never for verdicts on the
 * client.
 *
 * The contexts these functions return belong to the caller, who frees
 * them with ub_ctx_delete(); a dh_lookup is the caller's, filled in.
 *
 * dh_resolver_new() returns a libunbound context that forwards to the
 * sandbox resolver and validates by itself with the fake root's trust
 * anchor; its queries leave from DH_SELFCHECK_ADDR so that they can be
 * told apart from the client's in the resolver's query log.
 */
#ifndef DH_RESOLVE_H
#define DH_RESOLVE_H

#include <stddef.h>
#include <unbound.h>

#include "names.h"

typedef struct {
    int ok;       /* the lookup itself worked */
    int rcode;    /* DNS rcode */
    int havedata; /* answer has records */
    int nxdomain;
    int secure;
    int bogus;
    char why[256];   /* why bogus, or the lookup error */
    char canon[256]; /* the name at the end of the CNAME chain, or "" */
} dh_lookup;

struct ub_ctx *dh_resolver_new(const char *ta_path);
/* A resolver of the harness's own, independent of the sandbox resolver:
 * libunbound recursing from the root hints (NSD) and validating with the
 * fake root's trust anchor, with its own caches.  Used to learn what the
 * world answers, to compare with what the client was told. */
struct ub_ctx *dh_resolver_recursive(const char *hints_path,
                                     const char *ta_path);
/* n lookups at once on ctx (names[i], types[i] into out[i]); returns when
 * all have an answer or failed. */
void dh_lookup_many(struct ub_ctx *ctx, const char *const *names,
                    const char *const *types, size_t n, dh_lookup *out);
/* The same lookup as the client sees it: a plain recursive query (DO
 * set, CD clear) to the sandbox resolver.  secure = the AD bit;
 * bogus/servfail both show as rcode SERVFAIL. */
void dh_lookup_plain(const char *name, const char *type, dh_lookup *out);
/* One non-recursive query straight to server (an authoritative one),
 * with a short timeout; out->secure holds the AA bit. */
void dh_lookup_direct(const char *server, const char *name, const char *type,
                      dh_lookup *out);
void dh_lookup_do(struct ub_ctx *ctx, const char *name, const char *type,
                  dh_lookup *out);
/* "secure", "insecure", "bogus", "servfail", "error" */
const char *dh_lookup_state(const dh_lookup *l);

#endif
