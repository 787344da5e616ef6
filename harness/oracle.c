/*
 * oracle.c - the run-time fixture oracle (oracle.h).
 */
#include "oracle.h"

#include <ldns/ldns.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "resolve.h"
#include "util.h"

/* fault - give a case its fault (the first one found wins) */
static void fault(dh_oracle_case *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fault(dh_oracle_case *c, const char *fmt, ...)
{
    va_list ap;
    char *s;

    if (c->fault)
        return;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        dh_fatal("out of memory");
    va_end(ap);
    c->fault = s;
}

/* under - is name at or below zone (both absolute)? */
static int under(const char *name, const char *zone)
{
    size_t n = strlen(name), z = strlen(zone);

    if (strcmp(zone, ".") == 0)
        return 1;
    if (n < z || strcasecmp(name + n - z, zone) != 0)
        return 0;
    return n == z || name[n - z - 1] == '.';
}

/* lame_zone - the zone of the scenario delegated to a lame server that
 * holds name, or NULL (a zone's own apex DS lives in its parent) */
static const dh_zone_decl *lame_zone(const dh_scenario *sc, const char *name,
                                     const char *type)
{
    size_t i;

    for (i = 0; i < sc->nzones; i++) {
        const dh_zone_decl *d = &sc->zones[i];
        char *abs;
        int hit;

        if (d->server == DH_SERVER_OK)
            continue;
        abs = dh_name_abs(d->name, sc->id);
        hit = under(name, abs) &&
              !(strcasecmp(name, abs) == 0 && strcasecmp(type, "DS") == 0);
        free(abs);
        if (hit)
            return d;
    }
    return NULL;
}

/* overlaps - does [a0, a1] meet [b0, b1]? */
static int overlaps(double a0, double a1, double b0, double b1)
{
    return a0 <= b1 && b0 <= a1;
}

/* dh_oracle_judge_incidents - see oracle.h */
void dh_oracle_judge_incidents(const dh_run_obs *run, dh_oracle_case *c)
{
    size_t i;

    if (c->obs->lost_events)
        fault(c,
              "the fake MX could not record %lu of this scenario's events "
              "(see fakemx.log): the observations are incomplete",
              c->obs->lost_events);
    if (!c->att->ran)
        return;
    for (i = 0; i < run->nincidents; i++) {
        const dh_incident *inc = &run->incidents[i];

        if (inc->scenario && strcmp(inc->scenario, c->ws->sc->id) != 0)
            continue;
        if (overlaps(inc->from, inc->to, c->att->t_start, c->att->t_end))
            fault(c, "during the attempt, %s", inc->what);
    }
}

/* A distinct question the clients asked, and what the world answers. */
typedef struct {
    const char *name;
    const char *type;
} question;

/* cmp_question - sort order of questions (case-insensitive) */
static int cmp_question(const void *a, const void *b)
{
    const question *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);

    return c ? c : strcasecmp(x->type, y->type);
}

/* dh_oracle_judge_query - see oracle.h */
void dh_oracle_judge_query(dh_oracle_case *c, const dh_query_obs *q,
                           const dh_lookup *world)
{
    const dh_scenario *sc = c->ws->sc;
    const dh_zone_decl *lame = lame_zone(sc, q->name, q->type);
    const char *want;

    if (lame == NULL && world && world->ok && world->canon[0])
        lame = lame_zone(sc, world->canon, q->type);
    if (lame && world == NULL) {
        /* not looked up: the name is in a lame zone, it cannot resolve */
        if (q->answered && strcmp(q->rcode, "SERVFAIL") != 0)
            fault(c,
                  "the resolver answered %s to %s %s, in a zone the "
                  "scenario delegates to a lame server (%s:%d)",
                  q->rcode, q->name, q->type, sc->file, lame->line);
        return;
    }
    if (!q->answered) {
        if (lame == NULL)
            fault(c,
                  "the resolver never answered the client's %s %s (asked "
                  "at %ld): the resolver failed",
                  q->name, q->type, q->asked);
        return;
    }
    if (!world->ok || (!world->bogus && world->rcode == LDNS_RCODE_SERVFAIL)) {
        if (lame == NULL)
            fault(c,
                  "the world does not answer %s %s any more (independent "
                  "lookup after the sends: %s): the client's answer (%s) "
                  "cannot be vouched for",
                  q->name, q->type, world->why, q->rcode);
        else if (strcmp(q->rcode, "SERVFAIL") != 0)
            fault(c,
                  "the resolver answered %s to %s %s, in a zone the "
                  "scenario delegates to a lame server (%s:%d)",
                  q->rcode, q->name, q->type, sc->file, lame->line);
        return;
    }
    if (!world->bogus) {
        const ldns_lookup_table *t =
            ldns_lookup_by_id(ldns_rcodes, world->rcode);

        want = t ? t->name : "?";
        if (strcmp(q->rcode, "SERVFAIL") == 0) {
            fault(c,
                  "the resolver answered SERVFAIL to the client's %s %s "
                  "(%s), where the world answers %s (%s): the resolver "
                  "failed",
                  q->name, q->type, q->why ? q->why : "no reason logged", want,
                  world->secure ? "secure" : "insecure");
            return;
        }
        if (strcasecmp(q->rcode, want) != 0) {
            fault(c,
                  "the resolver answered %s to the client's %s %s, where "
                  "the world answers %s",
                  q->rcode, q->name, q->type, want);
            return;
        }
    }
    /* bogus: SERVFAIL, or the data itself to a client that set CD */
    if (lame == NULL && q->seconds > DH_DNS_SLOW)
        fault(c,
              "the resolver took %.1f s to answer the client's %s %s (%s): "
              "the fixture stalled",
              q->seconds, q->name, q->type, q->rcode);
}

/* dh_oracle_judge - see oracle.h */
void dh_oracle_judge(const dh_world *w, const dh_run_obs *run,
                     dh_oracle_case *cases, size_t n)
{
    question *qs = NULL;
    size_t nq = 0, i, j, k;
    const char **names, **types;
    dh_lookup *answers;
    char *hints;
    struct ub_ctx *ctx;
    double t0 = dh_now();

    for (i = 0; i < n; i++) {
        dh_oracle_judge_incidents(run, &cases[i]);
        for (j = 0; j < cases[i].obs->nqueries; j++) {
            const dh_query_obs *q = &cases[i].obs->queries[j];

            if (lame_zone(cases[i].ws->sc, q->name, q->type))
                continue; /* nothing to learn: it cannot resolve */
            qs = dh_realloc(qs, (nq + 1) * sizeof(*qs));
            qs[nq].name = cases[i].obs->queries[j].name;
            qs[nq].type = cases[i].obs->queries[j].type;
            nq++;
        }
    }
    if (nq)
        qsort(qs, nq, sizeof(*qs), cmp_question);
    for (i = 1, k = 1; i < nq; i++)
        if (cmp_question(&qs[i], &qs[k - 1]) != 0)
            qs[k++] = qs[i];
    if (nq)
        nq = k;

    names = dh_calloc(nq, sizeof(*names));
    types = dh_calloc(nq, sizeof(*types));
    answers = dh_calloc(nq, sizeof(*answers));
    for (i = 0; i < nq; i++) {
        names[i] = qs[i].name;
        types[i] = qs[i].type;
    }
    hints = dh_asprintf("%s/unbound/root.hints", w->rundir);
    ctx = dh_resolver_recursive(hints, w->ta_path);
    dh_lookup_many(ctx, names, types, nq, answers);
    ub_ctx_delete(ctx);
    free(hints);
    dh_debug("oracle: %zu distinct questions checked in %.3f s", nq,
             dh_now() - t0);

    for (i = 0; i < n; i++) {
        dh_oracle_case *c = &cases[i];

        for (j = 0; j < c->obs->nqueries && c->fault == NULL; j++) {
            const dh_query_obs *q = &c->obs->queries[j];
            question key = {q->name, q->type};
            question *hit =
                nq ? bsearch(&key, qs, nq, sizeof(*qs), cmp_question) : NULL;

            if (hit == NULL && !lame_zone(c->ws->sc, q->name, q->type))
                dh_panic("oracle: question %s %s not looked up", q->name,
                         q->type);
            dh_oracle_judge_query(c, q, hit ? &answers[hit - qs] : NULL);
        }
    }
    free(names);
    free(types);
    free(answers);
    free(qs);
}
