/*
 * verdict.c - from observations to a verdict.
 *
 * Order of judgement: a broken fixture is an ERROR and nothing else is
 * looked at; a message that reached a hostile host is a security FAIL
 * whatever the adapter says (even if it then hung or crashed); then HANG,
 * CRASH and adapter failures; then the scenario's expectation, from what
 * the servers received.  The adapter's outcome line is secondary
 * evidence: it distinguishes a deferral from a bounce, never a delivery
 * from a refusal.
 */
#include "verdict.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "persona.h"
#include "util.h"
#include "vocab_all.h"

/* verdict - build a verdict with a formatted reason */
static dh_verdict verdict(dh_verdict_kind k, dh_severity sev, const char *fmt,
                          ...) __attribute__((format(printf, 3, 4)));
static dh_verdict verdict(dh_verdict_kind k, dh_severity sev, const char *fmt,
                          ...)
{
    dh_verdict v;
    va_list ap;

    v.kind = k;
    v.severity = sev;
    va_start(ap, fmt);
    if (vasprintf(&v.reason, fmt, ap) < 0)
        dh_fatal("out of memory");
    va_end(ap);
    return v;
}

/* name_eq - names equal, ignoring case and a trailing dot */
static int name_eq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    if (la && a[la - 1] == '.')
        la--;
    if (lb && b[lb - 1] == '.')
        lb--;
    return la == lb && strncasecmp(a, b, la) == 0;
}

/* said - the client's own words, for reasons */
static const char *said(const dh_attempt *a)
{
    return a->outcome_line && *a->outcome_line ? a->outcome_line
                                               : "(no outcome line)";
}

/* allowed - may this connection's host receive the message? */
static int allowed(const dh_scenario *sc, const dh_conn_obs *c)
{
    size_t i;

    if (sc->nvia == 0)
        return !c->hostile;
    for (i = 0; i < sc->nvia; i++) {
        char *abs = dh_name_abs(sc->via[i], sc->id);
        int hit = c->host && name_eq(abs, c->host);

        free(abs);
        if (hit)
            return 1;
    }
    return 0;
}

/* first_query - index of the first NAME TYPE query, or -1 */
static long first_query(const dh_obs *o, const char *name, const char *type)
{
    size_t i;

    for (i = 0; i < o->nqueries; i++)
        if (strcasecmp(o->queries[i].name, name) == 0 &&
            strcasecmp(o->queries[i].type, type) == 0)
            return (long)i;
    return -1;
}

/* dh_judge_qexpects - the resolver-log and connection expectations; a
 * FAIL verdict for the first one broken, or kind PASS when all hold */
dh_verdict dh_judge_qexpects(const dh_scenario *sc, const dh_obs *o)
{
    size_t i, j;

    for (i = 0; i < sc->nqexpects; i++) {
        const dh_qexpect *q = &sc->qexpects[i];
        char *a = dh_name_abs(q->name, sc->id);
        char *b = q->name2 ? dh_name_abs(q->name2, sc->id) : NULL;
        long ia = q->type ? first_query(o, a, q->type) : -1;
        long ib = b ? first_query(o, b, q->type2) : -1;
        dh_verdict v = {DH_V_PASS, q->severity, NULL};

        switch (q->kind) {
        case DH_QEXPECT_QUERY:
            if (ia < 0)
                v = verdict(DH_V_FAIL, q->severity,
                            "the client never asked %s %s (%zu queries seen)",
                            a, q->type, o->nqueries);
            break;
        case DH_QEXPECT_NO_QUERY:
            if (ia >= 0)
                v = verdict(DH_V_FAIL, q->severity,
                            "the client asked %s %s, which it must not", a,
                            q->type);
            break;
        case DH_QEXPECT_BEFORE:
            if (ib >= 0 && (ia < 0 || ia > ib))
                v = verdict(DH_V_FAIL, q->severity,
                            "the client asked %s %s %s %s %s", b, q->type2,
                            ia < 0 ? "but never" : "before", a, q->type);
            break;
        case DH_QEXPECT_NO_CONNECT:
            for (j = 0; j < o->nconns; j++)
                if (o->conns[j].host && name_eq(o->conns[j].host, a))
                    break;
            if (j < o->nconns)
                v = verdict(DH_V_FAIL, q->severity,
                            "the client connected to %s (%s), which it must "
                            "not use",
                            a, o->conns[j].addr ? o->conns[j].addr : "?");
            break;
        case DH_QEXPECT_KINDS:
            dh_panic("bad query expectation kind");
        }
        free(a);
        free(b);
        if (v.kind == DH_V_FAIL)
            return v;
    }
    return (dh_verdict){DH_V_PASS, DH_SEV_ADVISORY, NULL};
}

/* delivered_ok - PASS/FAIL for a delivery to an allowed host */
static dh_verdict delivered_ok(const dh_scenario *sc, const dh_conn_obs *good)
{
    char *sni = sc->expect_sni ? dh_name_abs(sc->expect_sni, sc->id) : NULL;
    dh_verdict v;

    if (sc->expect_tls && !good->message_tls)
        v = verdict(DH_V_FAIL, DH_SEV_SECURITY,
                    "delivered to %s in cleartext; TLS was required",
                    good->host);
    else if (sni && (good->sni == NULL || !name_eq(good->sni, sni)))
        v = verdict(DH_V_FAIL, DH_SEV_INTEROP,
                    "delivered to %s, but the TLS SNI was %s%s%s, not the "
                    "TLSA base domain %.*s",
                    good->host, good->sni ? "\"" : "",
                    good->sni ? good->sni : "absent", good->sni ? "\"" : "",
                    (int)strlen(sni) - 1, sni);
    else
        v = verdict(DH_V_PASS, sc->severity, "delivered to %s (%s) %s%s%s%s",
                    good->host, good->addr ? good->addr : "?",
                    good->message_tls ? "over " : "in cleartext",
                    good->message_tls && good->tls_version ? good->tls_version
                                                           : "",
                    good->message_tls && good->sni ? ", SNI " : "",
                    good->message_tls && good->sni ? good->sni : "");
    free(sni);
    return v;
}

/* deliveries - a message that reached a host it must not: a FAIL (kind
 * FAIL); else kind PASS, with *good the first allowed delivery, or NULL */
static dh_verdict deliveries(const dh_scenario *sc, const dh_obs *o,
                             const dh_conn_obs **good)
{
    size_t i;

    *good = NULL;
    for (i = 0; i < o->nconns; i++) {
        const dh_conn_obs *c = &o->conns[i];

        if (!c->message)
            continue;
        if (!allowed(sc, c))
            return verdict(DH_V_FAIL, DH_SEV_SECURITY,
                           "message delivered to %s (%s, persona %s) %s",
                           c->host, c->addr ? c->addr : "?",
                           c->persona ? c->persona : "?",
                           c->message_tls ? "over TLS" : "in cleartext");
        if (sc->expect == DH_EXPECT_NO_DELIVERY ||
            sc->expect == DH_EXPECT_BOUNCE)
            return verdict(
                DH_V_FAIL, sc->severity,
                "message delivered to %s (%s, persona %s) %s%s; it must not "
                "be delivered",
                c->host, c->addr ? c->addr : "?", c->persona ? c->persona : "?",
                c->message_tls ? "over " : "in cleartext",
                c->message_tls && c->tls_version ? c->tls_version : "");
        if (*good == NULL)
            *good = c;
    }
    return (dh_verdict){DH_V_PASS, sc->severity, NULL};
}

/* adapter_trouble - HANG, CRASH, or an adapter that failed or claims a
 * delivery nobody saw (kind != PASS); else kind PASS */
static dh_verdict adapter_trouble(const dh_scenario *sc, const dh_attempt *a,
                                  const dh_conn_obs *good)
{
    if (a->hang)
        return verdict(DH_V_HANG, sc->severity,
                       "no outcome within %.0f s: adapter killed", a->seconds);
    if (a->signal)
        return verdict(DH_V_CRASH, sc->severity, "adapter killed by signal %d",
                       a->signal);
    if (!a->ran)
        return verdict(DH_V_ERROR, sc->severity, "the client was not run");
    if (a->exit_status != 0)
        return verdict(DH_V_ERROR, sc->severity, "adapter failed (exit %d): %s",
                       a->exit_status, said(a));
    if (good == NULL && a->outcome == DH_OUT_DELIVERED)
        return verdict(DH_V_ERROR, sc->severity,
                       "the client reports delivery but no fake server "
                       "received the message: %s",
                       said(a));
    return (dh_verdict){DH_V_PASS, sc->severity, NULL};
}

/* expectation - the scenario's expected outcome against what happened */
static dh_verdict expectation(const dh_scenario *sc, const dh_attempt *a,
                              const dh_conn_obs *good)
{
    switch (sc->expect) {
    case DH_EXPECT_DELIVER:
        return good ? delivered_ok(sc, good)
                    : verdict(DH_V_FAIL, sc->severity,
                              "not delivered; the client said: %s", said(a));
    case DH_EXPECT_DELIVER_OR_DEFER:
        return good ? delivered_ok(sc, good)
                    : verdict(DH_V_PASS, sc->severity,
                              "not delivered (also conforming); %s", said(a));
    case DH_EXPECT_BOUNCE:
        return a->outcome == DH_OUT_BOUNCED
                   ? verdict(DH_V_PASS, sc->severity, "not delivered; %s",
                             said(a))
                   : verdict(DH_V_FAIL, sc->severity,
                             "not delivered, but not bounced either: %s",
                             said(a));
    case DH_EXPECT_NO_DELIVERY:
    case DH_EXPECT_KINDS:
        break;
    }
    return a->outcome == DH_OUT_BOUNCED
               ? verdict(DH_V_FAIL, DH_SEV_ADVISORY,
                         "not delivered, but bounced: the failure is "
                         "temporary and should defer: %s",
                         said(a))
               : verdict(DH_V_PASS, sc->severity, "not delivered; %s", said(a));
}

/* dh_judge - see verdict.h: a broken fixture first, then a message where
 * it must not be, then the adapter's trouble, then the expectation, then
 * the resolver-log and connection expectations of a PASS */
dh_verdict dh_judge(const dh_judge_in *in, const dh_obs *o, const dh_attempt *a)
{
    const dh_scenario *sc = in->sc;
    const dh_conn_obs *good;
    dh_verdict v, q;

    if (in->fixture_error)
        return verdict(DH_V_ERROR, sc->severity, "%s", in->fixture_error);
    if (in->skip_reason)
        return verdict(DH_V_SKIP, sc->severity, "%s", in->skip_reason);
    if ((v = deliveries(sc, o, &good)).kind != DH_V_PASS)
        return v;
    if ((v = adapter_trouble(sc, a, good)).kind != DH_V_PASS)
        return v;
    v = expectation(sc, a, good);
    if (v.kind != DH_V_PASS)
        return v;
    q = dh_judge_qexpects(sc, o);
    if (q.kind == DH_V_FAIL) {
        dh_verdict_free(&v);
        return q;
    }
    return v;
}

/* dh_verdict_free - release a verdict's reason */
void dh_verdict_free(dh_verdict *v)
{
    free(v->reason);
    v->reason = NULL;
}

/* dh_verdict_name - text form */
const char *dh_verdict_name(dh_verdict_kind k)
{
    return dh_vocab_name(&dh_vocab_verdict, (int)k);
}

/* dh_outcome_parse - first word of the adapter's outcome line */
dh_outcome dh_outcome_parse(const char *line)
{
    size_t n = line ? strcspn(line, " \t") : 0;
    int k;

    for (k = DH_OUT_DELIVERED; line && k < DH_OUT_KINDS; k++)
        if (strncmp(line, dh_vocab_name(&dh_vocab_outcome, k), n) == 0 &&
            dh_vocab_name(&dh_vocab_outcome, k)[n] == 0)
            return (dh_outcome)k;
    return DH_OUT_NONE;
}

/* dh_outcome_name - text form */
const char *dh_outcome_name(dh_outcome o)
{
    return dh_vocab_name(&dh_vocab_outcome, (int)o);
}

/* dh_xfail_load - see verdict.h */
int dh_xfail_load(const char *path, const char *const *known_ids,
                  dh_xfail **out, size_t *n, char *err, size_t errlen)
{
    char *text = dh_read_file(path, NULL), *cur, *nl;
    dh_xfail *v = NULL;
    size_t k = 0;
    int line = 0;

    if (text == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return -1;
    }
    for (cur = text; cur && *cur; cur = nl ? nl + 1 : NULL) {
        char id[128], word[16];
        int used = 0;
        size_t i;

        line++;
        if ((nl = strchr(cur, '\n')) != NULL)
            *nl = 0;
        while (*cur == ' ' || *cur == '\t')
            cur++;
        if (*cur == 0 || *cur == '#')
            continue;
        if (sscanf(cur, "%127s %15s %n", id, word, &used) < 2 ||
            strcmp(word, "xfail") != 0) {
            snprintf(err, errlen, "%s:%d: expected 'SCENARIO xfail REASON'",
                     path, line);
            goto fail;
        }
        for (i = 0; known_ids && known_ids[i] && strcmp(known_ids[i], id); i++)
            ;
        if (known_ids && known_ids[i] == NULL) {
            snprintf(err, errlen, "%s:%d: no scenario '%s'", path, line, id);
            goto fail;
        }
        v = dh_realloc(v, (k + 1) * sizeof(*v));
        v[k].scenario = dh_strdup(id);
        v[k].reason = dh_strdup(*(cur + used) ? cur + used : "known failure");
        v[k].line = line;
        v[k].used = 0;
        k++;
    }
    free(text);
    *out = v;
    *n = k;
    return 0;
fail:
    free(text);
    dh_xfail_free(v, k);
    return -1;
}

/* dh_xfail_free - release an expectations list */
void dh_xfail_free(dh_xfail *v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(v[i].scenario);
        free(v[i].reason);
    }
    free(v);
}

/* dh_xfail_apply - FAIL/HANG/CRASH become XFAIL, PASS becomes XPASS */
void dh_xfail_apply(const dh_xfail *v, size_t n, const char *scenario,
                    dh_verdict *verdict)
{
    size_t i;
    char *r;

    for (i = 0; i < n && strcmp(v[i].scenario, scenario) != 0; i++)
        ;
    if (i == n)
        return;
    if (verdict->kind == DH_V_FAIL || verdict->kind == DH_V_HANG ||
        verdict->kind == DH_V_CRASH) {
        r = dh_asprintf("expected failure (%s): %s: %s", v[i].reason,
                        dh_verdict_name(verdict->kind), verdict->reason);
        verdict->kind = DH_V_XFAIL;
    } else if (verdict->kind == DH_V_PASS) {
        r = dh_asprintf("passes, but the expectations file says it fails "
                        "(%s): remove the line: %s",
                        v[i].reason, verdict->reason);
        verdict->kind = DH_V_XPASS;
    } else {
        return;
    }
    free(verdict->reason);
    verdict->reason = r;
}
