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

/* lame_answer - a name that cannot resolve (its zone is lame): anything
 * but a SERVFAIL (or no answer) is not the world the scenario declares */
static void lame_answer(dh_oracle_case *c, const dh_query_obs *q,
                        const dh_zone_decl *lame)
{
    if (q->answered && strcmp(q->rcode, "SERVFAIL") != 0)
        fault(c,
              "the resolver answered %s to %s %s, in a zone the scenario "
              "delegates to a lame server (%s:%d)",
              q->rcode, q->name, q->type, c->ws->sc->file, lame->line);
}

/* other_answer - the world answers NOERROR or NXDOMAIN: the client must
 * have been told the same (0), else a fault (-1) */
static int other_answer(dh_oracle_case *c, const dh_query_obs *q,
                        const dh_lookup *world)
{
    const ldns_lookup_table *t = ldns_lookup_by_id(ldns_rcodes, world->rcode);
    const char *want = t ? t->name : "?";

    if (strcmp(q->rcode, "SERVFAIL") == 0) {
        fault(c,
              "the resolver answered SERVFAIL to the client's %s %s (%s), "
              "where the world answers %s (%s): the resolver failed",
              q->name, q->type, q->why ? q->why : "no reason logged", want,
              world->secure ? "secure" : "insecure");
        return -1;
    }
    if (strcasecmp(q->rcode, want) != 0) {
        fault(c,
              "the resolver answered %s to the client's %s %s, where the "
              "world answers %s",
              q->rcode, q->name, q->type, want);
        return -1;
    }
    return 0;
}

/* dh_oracle_judge_query - see oracle.h */
void dh_oracle_judge_query(dh_oracle_case *c, const dh_query_obs *q,
                           const dh_lookup *world)
{
    const dh_scenario *sc = c->ws->sc;
    const dh_zone_decl *lame = lame_zone(sc, q->name, q->type);

    if (lame == NULL && world && world->ok && world->canon[0])
        lame = lame_zone(sc, world->canon, q->type);
    if (lame && (world == NULL || !world->ok ||
                 (!world->bogus && world->rcode == LDNS_RCODE_SERVFAIL))) {
        lame_answer(c, q, lame);
        return;
    }
    if (!q->answered) {
        if (lame == NULL)
            fault(c,
                  "the resolver never answered the client's %s %s (asked at "
                  "%ld): the resolver failed",
                  q->name, q->type, q->asked);
        return;
    }
    if (!world->ok || (!world->bogus && world->rcode == LDNS_RCODE_SERVFAIL)) {
        fault(c,
              "the world does not answer %s %s any more (independent lookup "
              "after the sends: %s): the client's answer (%s) cannot be "
              "vouched for",
              q->name, q->type, world->why, q->rcode);
        return;
    }
    /* bogus: SERVFAIL, or the data itself to a client that set CD */
    if (!world->bogus && other_answer(c, q, world) < 0)
        return;
    if (lame == NULL && q->seconds > DH_DNS_SLOW)
        fault(c,
              "the resolver took %.1f s to answer the client's %s %s (%s): "
              "the fixture stalled",
              q->seconds, q->name, q->type, q->rcode);
}

/* The distinct questions the clients asked outside lame zones, with
 * what the world answers. */
typedef struct {
    question *q;
    dh_lookup *answers;
    size_t n;
} world_view;

/* collect - the distinct questions of every case, sorted */
static void collect(dh_oracle_case *cases, size_t n, world_view *wv)
{
    size_t i, j, k;

    for (i = 0; i < n; i++)
        for (j = 0; j < cases[i].obs->nqueries; j++) {
            const dh_query_obs *q = &cases[i].obs->queries[j];

            if (lame_zone(cases[i].ws->sc, q->name, q->type))
                continue; /* nothing to learn: it cannot resolve */
            wv->q = dh_realloc(wv->q, (wv->n + 1) * sizeof(*wv->q));
            wv->q[wv->n].name = q->name;
            wv->q[wv->n].type = q->type;
            wv->n++;
        }
    if (wv->n == 0)
        return;
    qsort(wv->q, wv->n, sizeof(*wv->q), cmp_question);
    for (i = 1, k = 1; i < wv->n; i++)
        if (cmp_question(&wv->q[i], &wv->q[k - 1]) != 0)
            wv->q[k++] = wv->q[i];
    wv->n = k;
}

/* ask_world - every question, at once, to the harness's own resolver */
static void ask_world(const dh_world *w, world_view *wv)
{
    const char **names = dh_calloc(wv->n, sizeof(*names));
    const char **types = dh_calloc(wv->n, sizeof(*types));
    char *hints = dh_asprintf("%s/unbound/root.hints", w->rundir);
    struct ub_ctx *ctx = dh_resolver_recursive(hints, w->ta_path);
    size_t i;

    for (i = 0; i < wv->n; i++) {
        names[i] = wv->q[i].name;
        types[i] = wv->q[i].type;
    }
    wv->answers = dh_calloc(wv->n, sizeof(*wv->answers));
    dh_lookup_many(ctx, names, types, wv->n, wv->answers);
    ub_ctx_delete(ctx);
    free(hints);
    free(names);
    free(types);
}

/* dh_oracle_judge - see oracle.h */
void dh_oracle_judge(const dh_world *w, const dh_run_obs *run,
                     dh_oracle_case *cases, size_t n)
{
    world_view wv = {NULL, NULL, 0};
    double t0 = dh_now();
    size_t i, j;

    for (i = 0; i < n; i++)
        dh_oracle_judge_incidents(run, &cases[i]);
    collect(cases, n, &wv);
    ask_world(w, &wv);
    dh_debug("oracle: %zu distinct questions checked in %.3f s", wv.n,
             dh_now() - t0);
    for (i = 0; i < n; i++) {
        dh_oracle_case *c = &cases[i];

        for (j = 0; j < c->obs->nqueries && c->fault == NULL; j++) {
            const dh_query_obs *q = &c->obs->queries[j];
            question key = {q->name, q->type};
            question *hit =
                wv.n ? bsearch(&key, wv.q, wv.n, sizeof(*wv.q), cmp_question)
                     : NULL;

            const dh_lookup *then = dh_oracle_snap_answer(c->snaps, q);

            if (hit == NULL && !lame_zone(c->ws->sc, q->name, q->type))
                dh_panic("oracle: question %s %s not looked up", q->name,
                         q->type);
            dh_oracle_judge_query(c, q,
                                  then  ? then
                                  : hit ? &wv.answers[hit - wv.q]
                                        : NULL);
        }
    }
    free(wv.answers);
    free(wv.q);
}
