/*
 * selfcheck.c - before any client runs, check that each scenario's DNS
 * fixture is what the scenario declares: its apex is secure (signed) or
 * insecure (unsigned), and every "check NAME TYPE STATE [EXISTENCE]"
 * holds, both as libunbound validates it itself (with the reason for a
 * bogus answer) and as the client's resolver answers a plain query (AD
 * bit, SERVFAIL).  A mismatch makes the scenario an ERROR with the
 * validator's reason; the client's verdict is then never computed.  After
 * the sends the same checks run again (dh_world_selfcheck_after()): a
 * fixture that changed under the client is a fault of that attempt.
 *
 * A name in a zone delegated to the silent lame server is checked at the
 * server itself (it must not answer): asking the resolver would cost its
 * whole timeout, which the client's own lookup is there to meet.
 */
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"
#include "util.h"
#include "world.h"

/* state_of - what libunbound's answer amounts to */
static dh_dnsstate state_of(const dh_lookup *l)
{
    if (l->bogus)
        return DH_DNS_BOGUS;
    if (!l->ok || l->rcode == LDNS_RCODE_SERVFAIL)
        return DH_DNS_SERVFAIL;
    return l->secure ? DH_DNS_SECURE : DH_DNS_INSECURE;
}

/* existence_of - data, NXDOMAIN or NODATA */
static dh_existence existence_of(const dh_lookup *l)
{
    if (l->nxdomain)
        return DH_EXIST_NXDOMAIN;
    return l->havedata ? DH_EXIST_DATA : DH_EXIST_NODATA;
}

/* plain_agrees - does the client's view (plain query) agree with want? */
static int plain_agrees(const dh_lookup *p, dh_dnsstate want, char *why,
                        size_t len)
{
    if (!p->ok) {
        snprintf(why, len, "no answer from the resolver: %s", p->why);
        return want == DH_DNS_SERVFAIL;
    }
    switch (want) {
    case DH_DNS_SECURE:
        snprintf(why, len, "the resolver's answer has %s (rcode %d)",
                 p->secure ? "AD" : "no AD bit", p->rcode);
        return p->secure && p->rcode != LDNS_RCODE_SERVFAIL;
    case DH_DNS_INSECURE:
        snprintf(why, len, "the resolver's answer has %s (rcode %d)",
                 p->secure ? "the AD bit" : "no AD", p->rcode);
        return !p->secure && p->rcode != LDNS_RCODE_SERVFAIL;
    case DH_DNS_BOGUS:
    case DH_DNS_SERVFAIL:
        snprintf(why, len, "the resolver answered rcode %d, not SERVFAIL",
                 p->rcode);
        return p->rcode == LDNS_RCODE_SERVFAIL;
    case DH_DNS_KINDS:
        break;
    }
    return 0;
}

/* silent_zone - the scenario's zone delegated to the silent server that
 * holds name (absolute), or NULL */
static const dh_zone_decl *silent_zone(const dh_scenario *sc, const char *name)
{
    size_t i, n = strlen(name);

    for (i = 0; i < sc->nzones; i++) {
        const dh_zone_decl *d = &sc->zones[i];
        char *z;
        size_t zl;
        int hit;

        if (d->server != DH_SERVER_SILENT)
            continue;
        z = dh_name_abs(d->name, sc->id);
        zl = strlen(z);
        hit = n >= zl && strcasecmp(name + n - zl, z) == 0 &&
              (n == zl || name[n - zl - 1] == '.');
        free(z);
        if (hit)
            return d;
    }
    return NULL;
}

/* expect_state - one declared state checked both ways; a mismatch goes
 * into *out (a new string) unless it is already set */
static void expect_state(struct ub_ctx *ctx, dh_world_scn *ws,
                         const char *owner, const char *type, dh_dnsstate want,
                         dh_existence exist, int line, char **out)
{
    char *name = dh_name_abs(owner, ws->sc->id);
    const dh_zone_decl *silent = silent_zone(ws->sc, name);
    dh_lookup l, p;
    dh_dnsstate got;
    char why[300];

    if (*out)
        goto out;
    if (silent) {
        dh_lookup_direct(DH_LAME_SILENT_ADDR, name, type, &l);
        if (l.ok || want != DH_DNS_SERVFAIL)
            *out = dh_asprintf("self-check: %s %s is in a zone delegated to "
                               "the silent server (%s:%d), %s, but %s:%d "
                               "declares it %s",
                               name, type, ws->sc->file, silent->line,
                               l.ok ? "which answered" : "which is silent",
                               ws->sc->file, line, dh_dnsstate_name(want));
        goto out;
    }
    dh_lookup_do(ctx, name, type, &l);
    got = state_of(&l);
    dh_debug("self-check %s %s: %s/%s %s", name, type, dh_dnsstate_name(got),
             dh_existence_name(existence_of(&l)), l.why);
    if (got != want) {
        *out = dh_asprintf(
            "self-check: %s %s is %s%s%s%s, but %s:%d declares it %s", name,
            type, dh_dnsstate_name(got), *l.why ? " (" : "", l.why,
            *l.why ? ")" : "", ws->sc->file, line, dh_dnsstate_name(want));
        goto out;
    }
    if (exist != DH_EXIST_ANY && existence_of(&l) != exist) {
        *out =
            dh_asprintf("self-check: %s %s is %s %s, but %s:%d declares %s %s",
                        name, type, dh_dnsstate_name(got),
                        dh_existence_name(existence_of(&l)), ws->sc->file, line,
                        dh_dnsstate_name(want), dh_existence_name(exist));
        goto out;
    }
    dh_lookup_plain(name, type, &p);
    if (!plain_agrees(&p, want, why, sizeof(why)))
        *out = dh_asprintf("self-check: %s %s validates as %s, but %s "
                           "(%s:%d)",
                           name, type, dh_dnsstate_name(want), why,
                           ws->sc->file, line);
out:
    free(name);
}

/* check_scenario - every state one scenario declares for attempt k
 * (the apex SOA's, its check lines for that attempt) into *out */
static void check_scenario(struct ub_ctx *ctx, dh_world_scn *ws, int k,
                           char **out)
{
    const dh_zone_decl *apex = &ws->sc->zones[0];
    size_t j;

    if (apex->server == DH_SERVER_OK)
        expect_state(ctx, ws, "@", "SOA",
                     apex->dnssec == DH_ZONE_SIGNED ? DH_DNS_SECURE
                                                    : DH_DNS_INSECURE,
                     DH_EXIST_DATA, apex->line ? apex->line : 1, out);
    for (j = 0; j < ws->sc->nchecks; j++) {
        dh_check *c = &ws->sc->checks[j];

        if (c->attempt != k)
            continue;
        expect_state(ctx, ws, c->owner, c->type, c->state, c->exist, c->line,
                     out);
    }
}

/* dh_world_selfcheck - see selfcheck.c's header */
void dh_world_selfcheck(dh_world *w)
{
    struct ub_ctx *ctx = dh_resolver_new(w->ta_path);
    size_t i;

    for (i = 0; i < w->nscn; i++)
        if (w->scn[i].error == NULL)
            check_scenario(ctx, &w->scn[i], 1, &w->scn[i].error);
    ub_ctx_delete(ctx);
}

/* dh_world_selfcheck_one - see world.h */
char *dh_world_selfcheck_one(dh_world *w, dh_world_scn *ws, int k)
{
    struct ub_ctx *ctx = dh_resolver_new(w->ta_path);
    char *why = NULL, *s;

    check_scenario(ctx, ws, k, &why);
    ub_ctx_delete(ctx);
    if (why == NULL)
        return NULL;
    s = dh_asprintf("before attempt %d, %s", k, why);
    free(why);
    return s;
}

/* dh_world_selfcheck_after - the same checks after the sends; a mismatch
 * becomes "after the sends, ..." in faults[i] */
void dh_world_selfcheck_after(dh_world *w, char **faults)
{
    struct ub_ctx *ctx = dh_resolver_new(w->ta_path);
    size_t i;

    for (i = 0; i < w->nscn; i++) {
        char *why = NULL;

        if (w->scn[i].error || faults[i])
            continue;
        check_scenario(ctx, &w->scn[i], w->scn[i].attempt, &why);
        if (why) {
            faults[i] = dh_asprintf("after the sends, %s", why);
            free(why);
        }
    }
    ub_ctx_delete(ctx);
}
