/*
 * selfcheck.c - before any client runs, check that each scenario's DNS
 * fixture is what the scenario declares: its apex is secure (signed) or
 * insecure (unsigned), and every "check NAME TYPE STATE [EXISTENCE]"
 * holds, both as libunbound validates it itself (with the reason for a
 * bogus answer) and as the client's resolver answers a plain query (AD
 * bit, SERVFAIL).  A mismatch makes the scenario an ERROR with the
 * validator's reason; the client's verdict is then never computed.
 */
#include <ldns/ldns.h>
#include <string.h>

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
    }
    return 0;
}

/* expect_state - one declared state checked both ways */
static void expect_state(struct ub_ctx *ctx, dh_world_scn *ws,
                         const char *owner, const char *type, dh_dnsstate want,
                         dh_existence exist, int line)
{
    char *name = dh_name_abs(owner, ws->sc->id);
    dh_lookup l, p;
    dh_dnsstate got;
    char why[300];

    dh_lookup_do(ctx, name, type, &l);
    got = state_of(&l);
    dh_debug("self-check %s %s: %s/%s %s", name, type, dh_dnsstate_name(got),
             dh_existence_name(existence_of(&l)), l.why);
    if (ws->error)
        goto out;
    if (got != want) {
        ws->error = dh_asprintf(
            "self-check: %s %s is %s%s%s%s, but %s:%d declares it %s", name,
            type, dh_dnsstate_name(got), *l.why ? " (" : "", l.why,
            *l.why ? ")" : "", ws->sc->file, line, dh_dnsstate_name(want));
        goto out;
    }
    if (exist != DH_EXIST_ANY && existence_of(&l) != exist) {
        ws->error =
            dh_asprintf("self-check: %s %s is %s %s, but %s:%d declares %s %s",
                        name, type, dh_dnsstate_name(got),
                        dh_existence_name(existence_of(&l)), ws->sc->file, line,
                        dh_dnsstate_name(want), dh_existence_name(exist));
        goto out;
    }
    dh_lookup_plain(name, type, &p);
    if (!plain_agrees(&p, want, why, sizeof(why)))
        ws->error = dh_asprintf("self-check: %s %s validates as %s, but %s "
                                "(%s:%d)",
                                name, type, dh_dnsstate_name(want), why,
                                ws->sc->file, line);
out:
    free(name);
}

/* dh_world_selfcheck - see selfcheck.c's header */
void dh_world_selfcheck(dh_world *w)
{
    struct ub_ctx *ctx = dh_resolver_new(w->ta_path);
    size_t i, j;

    for (i = 0; i < w->nscn; i++) {
        dh_world_scn *ws = &w->scn[i];
        const dh_zone_decl *apex = &ws->sc->zones[0];

        if (ws->error)
            continue;
        if (apex->server == DH_SERVER_OK)
            expect_state(ctx, ws, "@", "SOA",
                         apex->dnssec == DH_ZONE_SIGNED ? DH_DNS_SECURE
                                                        : DH_DNS_INSECURE,
                         DH_EXIST_DATA, apex->line ? apex->line : 1);
        for (j = 0; j < ws->sc->nchecks; j++) {
            dh_check *c = &ws->sc->checks[j];

            expect_state(ctx, ws, c->owner, c->type, c->state, c->exist,
                         c->line);
        }
    }
    ub_ctx_delete(ctx);
}
