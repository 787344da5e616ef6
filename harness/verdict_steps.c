/*
 * verdict_steps.c - the verdict of a scenario across time and messages
 * (scenario format version 3).
 *
 * Each step, "message M at attempt K must OUTCOME", is judged by
 * dh_judge() itself, on a view of the observations: the connections the
 * fake MX saw during that attempt, each marked as carrying the message
 * when M's token travelled on it, and the adapter's account of M's
 * attempt K.  So a message is judged by the connection that carried it:
 * a message that rode on a connection to a host it must not reach is a
 * security FAIL, even if another message was due there.  A message seen
 * outside every attempt (a client retrying on its own schedule) is
 * judged too: any host it reached must be allowed at some step.
 *
 * The verdict is the first failing step in time, except that a security
 * FAIL anywhere comes first; a PASS sums up every step.
 */
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "verdict.h"

/* Slack around an attempt's window, for the two clocks' reading order. */
#define WINDOW_SLACK 0.25

/* carried - did connection c carry the message with this token? *tls
 * says whether it went over TLS */
static int carried(const dh_conn_obs *c, const char *token, int *tls)
{
    size_t i;

    for (i = 0; i < c->ntokens; i++)
        if (strcmp(c->tokens[i], token) == 0) {
            *tls = c->token_tls[i];
            return 1;
        }
    return 0;
}

/* dh_attempt_holds - see verdict.h */
int dh_attempt_holds(const dh_attempt *a, double t)
{
    return a->ran && t >= a->t_start - WINDOW_SLACK &&
           t <= a->t_end + WINDOW_SLACK;
}

/* in_window - did connection c begin during attempt a? */
static int in_window(const dh_conn_obs *c, const dh_attempt *a)
{
    return dh_attempt_holds(a, c->t_first);
}

/* view - the connections of attempt a, marked for token (the array is
 * new; the connections' strings are borrowed) */
static dh_obs view(const dh_obs *o, const dh_attempt *a, const char *token)
{
    dh_obs v;
    size_t i;

    memset(&v, 0, sizeof(v));
    v.conns = dh_calloc(o->nconns + 1, sizeof(*v.conns));
    for (i = 0; i < o->nconns; i++) {
        dh_conn_obs c = o->conns[i];
        int tls = 0;

        if (!in_window(&c, a))
            continue;
        c.message = carried(&c, token, &tls);
        c.message_tls = tls;
        v.conns[v.nconns++] = c;
    }
    v.lost_events = o->lost_events;
    return v;
}

/* step_scenario - the scenario as dh_judge() sees one step: its
 * expectation and allowed hosts, no resolver-log expectations (judged
 * once, over the whole run) */
static dh_scenario step_scenario(const dh_scenario *sc, const dh_step *st)
{
    dh_scenario s = *sc;

    s.expect = st->expect;
    if (st->has_severity)
        s.severity = st->severity;
    s.via = st->via;
    s.nvia = st->nvia;
    s.nqexpects = 0;
    return s;
}

/* earlier - message m's fate before attempt k: 'd' delivered (an
 * allowed host received it), 'b' bounced, 0 still to do; *at says when */
static int earlier(const dh_obs *o, const dh_attempts *x, size_t m,
                   const char *token, int k, int *at)
{
    int q, tls;
    size_t i;

    for (q = 1; q < k; q++) {
        const dh_attempt *a = DH_ATT(x, q, m);

        *at = q;
        for (i = 0; i < o->nconns; i++)
            if (!o->conns[i].hostile && in_window(&o->conns[i], a) &&
                carried(&o->conns[i], token, &tls))
                return 'd';
        if (a->ran && a->outcome == DH_OUT_BOUNCED)
            return 'b';
    }
    return 0;
}

/* judge_gone - a step for a message that is no longer queued */
static dh_verdict judge_gone(const dh_step *st, int fate, int at,
                             dh_severity sev)
{
    dh_verdict v = {DH_V_PASS, sev, NULL};
    int delivered_ok = st->expect == DH_EXPECT_DELIVER ||
                       st->expect == DH_EXPECT_DELIVER_OR_DEFER;

    if (fate == 'd' && delivered_ok)
        v.reason = dh_asprintf("delivered at attempt %d already", at);
    else if (fate == 'b' && !delivered_ok)
        v.reason = dh_asprintf("bounced at attempt %d", at);
    else {
        v.kind = DH_V_FAIL;
        v.reason = dh_asprintf("%s at attempt %d, so nothing was left to "
                               "%s",
                               fate == 'd' ? "delivered" : "bounced", at,
                               fate == 'd' ? "hold back" : "deliver");
    }
    return v;
}

/* judge_step - one step's verdict */
static dh_verdict judge_step(const dh_judge_in *in, const dh_obs *o,
                             const dh_attempts *x, const char *const *tokens,
                             const dh_step *st)
{
    const dh_attempt *a = DH_ATT(x, st->attempt, st->message);
    dh_scenario s = step_scenario(in->sc, st);
    dh_judge_in sin = {&s, NULL, NULL};
    int at = 0, fate = earlier(o, x, st->message, tokens[st->message],
                               st->attempt, &at);
    dh_obs v;
    dh_verdict r;

    if (fate && !a->ran)
        return judge_gone(st, fate, at, in->sc->severity);
    v = view(o, a, tokens[st->message]);
    r = dh_judge(&sin, &v, a);
    free(v.conns);
    return r;
}

/* strays - a message seen outside every attempt at a host no step
 * allows: a security FAIL (kind FAIL), else kind PASS */
static dh_verdict strays(const dh_judge_in *in, const dh_obs *o,
                         const dh_attempts *x, const char *const *tokens)
{
    size_t i, m;
    int k, tls;

    for (i = 0; i < o->nconns; i++) {
        const dh_conn_obs *c = &o->conns[i];
        int inside = 0;

        for (k = 1; k <= x->natt && !inside; k++)
            for (m = 0; m < x->nmsg && !inside; m++)
                inside = in_window(c, DH_ATT(x, k, m));
        for (m = 0; !inside && c->hostile && m < x->nmsg; m++)
            if (carried(c, tokens[m], &tls))
                return (dh_verdict){
                    DH_V_FAIL, DH_SEV_SECURITY,
                    dh_asprintf("message %s delivered to %s (%s, persona %s) "
                                "%s outside every delivery attempt",
                                in->sc->messages[m].name, c->host,
                                c->addr ? c->addr : "?",
                                c->persona ? c->persona : "?",
                                tls ? "over TLS" : "in cleartext")};
    }
    return (dh_verdict){DH_V_PASS, in->sc->severity, NULL};
}

/* worse - should verdict b replace a as the scenario's? */
static int worse(const dh_verdict *a, const dh_verdict *b)
{
    if (a->kind == DH_V_PASS)
        return b->kind != DH_V_PASS;
    return b->kind == DH_V_FAIL && b->severity == DH_SEV_SECURITY &&
           !(a->kind == DH_V_FAIL && a->severity == DH_SEV_SECURITY);
}

/* dh_judge_steps - see verdict.h */
dh_verdict dh_judge_steps(const dh_judge_in *in, const dh_obs *o,
                          const dh_attempts *x, const char *const *tokens)
{
    const dh_scenario *sc = in->sc;
    dh_verdict best = {DH_V_PASS, sc->severity, NULL}, v;
    dh_buf sum;
    size_t i;

    if (in->fixture_error || in->skip_reason)
        return dh_judge(in, o, DH_ATT(x, 1, 0));
    dh_buf_init(&sum);
    for (i = 0; i < sc->nsteps; i++) {
        const dh_step *st = &sc->steps[i];
        char *r;

        v = judge_step(in, o, x, tokens, st);
        r = dh_asprintf("attempt %d, message %s: %s", st->attempt,
                        sc->messages[st->message].name, v.reason);
        free(v.reason);
        v.reason = r;
        dh_buf_printf(&sum, "%s%s", sum.len ? "; " : "", r);
        if (worse(&best, &v)) {
            dh_verdict_free(&best);
            best = v;
        } else {
            dh_verdict_free(&v);
        }
    }
    if (best.kind == DH_V_PASS) {
        v = strays(in, o, x, tokens);
        if (v.kind == DH_V_PASS)
            v = dh_judge_qexpects(sc, o);
        if (v.kind == DH_V_PASS)
            v = (dh_verdict){DH_V_PASS, sc->severity, dh_strdup(sum.data)};
        best = v;
    }
    dh_buf_free(&sum);
    return best;
}
