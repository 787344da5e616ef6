/*
 * selfcheck.c - before any client runs, check that each scenario's DNS
 * fixture is what the scenario declares: its zone apex is secure (signed)
 * or insecure (unsigned), and every "check OWNER TYPE STATE" line holds.
 * A mismatch makes the scenario an ERROR with the validator's reason;
 * the client's verdict is then never computed.
 */
#include <string.h>

#include "resolve.h"
#include "util.h"
#include "world.h"

/* expect_state - one lookup compared with a declared state */
static void expect_state(struct ub_ctx *ctx, dh_world_scn *ws,
                         const char *owner, const char *type,
                         dh_dnsstate want, int line)
{
    char *name = strcmp(owner, "@") == 0
                     ? dh_strdup(ws->origin)
                     : dh_asprintf("%s.%s", owner, ws->origin);
    dh_lookup l;
    const char *got;

    dh_lookup_do(ctx, name, type, &l);
    got = dh_lookup_state(&l);
    if (strcmp(got, dh_dnsstate_name(want)) != 0 && !ws->error)
        ws->error = dh_asprintf(
            "self-check: %s %s is %s%s%s, but %s:%d declares it %s", name,
            type, got, *l.why ? " (" : "", *l.why ? l.why : "",
            ws->sc->file, line, dh_dnsstate_name(want));
    else if (want == DH_DNS_SECURE && !l.havedata && !ws->error)
        ws->error = dh_asprintf("self-check: %s %s has no data (secure "
                                "denial), but %s:%d declares secure data",
                                name, type, ws->sc->file, line);
    dh_debug("self-check %s %s: %s %s", name, type, got, l.why);
    free(name);
}

/* dh_world_selfcheck - see selfcheck.c's header */
void dh_world_selfcheck(dh_world *w)
{
    struct ub_ctx *ctx = dh_resolver_new(w->ta_path);
    size_t i, j;

    for (i = 0; i < w->nscn; i++) {
        dh_world_scn *ws = &w->scn[i];

        if (ws->error)
            continue;
        expect_state(ctx, ws, "@", "SOA",
                     ws->sc->signed_zone ? DH_DNS_SECURE : DH_DNS_INSECURE,
                     1);
        for (j = 0; j < ws->sc->nchecks; j++) {
            dh_check *c = &ws->sc->checks[j];

            expect_state(ctx, ws, c->owner, c->type, c->state, c->line);
        }
    }
    ub_ctx_delete(ctx);
}
