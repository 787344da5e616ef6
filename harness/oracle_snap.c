/*
 * oracle_snap.c - what the world answered before it changed between two
 * attempts of a scenario (oracle.h).
 *
 * The questions are those a client of the scenario can ask: every owner
 * name of its zone lines (at any attempt), its hosts, their TLSA names
 * and its recipient domains, each with MX, A, AAAA, TLSA and CNAME.
 * They go, all at once, to the harness's own recursive resolver (fresh
 * caches each time: it must see the world as it is now).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oracle.h"
#include "util.h"

static const char *const snap_types[] = {"MX", "A", "AAAA", "TLSA", "CNAME"};
#define NTYPES (sizeof(snap_types) / sizeof(snap_types[0]))

/* add_name - one more name (new string), unless it is there already */
static void add_name(char ***v, size_t *n, char *name)
{
    size_t i;

    for (i = 0; i < *n; i++)
        if (strcasecmp((*v)[i], name) == 0) {
            free(name);
            return;
        }
    *v = dh_realloc(*v, (*n + 1) * sizeof(**v));
    (*v)[(*n)++] = name;
}

/* owner_of - the absolute owner of a zone line of zone origin, or NULL
 * (a line continuing the previous owner, or a placeholder) */
static char *owner_of(const char *line, const char *origin)
{
    size_t n = strcspn(line, " \t");

    if (n == 0 || memchr(line, '{', n))
        return NULL;
    if (n == 1 && line[0] == '@')
        return dh_strdup(origin);
    if (line[n - 1] == '.')
        return dh_strndup(line, n);
    return dh_asprintf("%.*s.%s", (int)n, line, origin);
}

/* scenario_names - every name a client of ws may ask about */
static char **scenario_names(const dh_world_scn *ws, size_t *n)
{
    const dh_scenario *sc = ws->sc;
    char **v = NULL, *o;
    size_t i, j;

    *n = 0;
    for (i = 0; i < sc->nzones; i++) {
        char *origin = dh_name_abs(sc->zones[i].name, sc->id);

        for (j = 0; j < sc->zones[i].nlines; j++)
            if ((o = owner_of(sc->zones[i].lines[j].text, origin)) != NULL)
                add_name(&v, n, o);
        free(origin);
    }
    for (i = 0; i < ws->nhosts; i++) {
        add_name(&v, n, dh_strdup(ws->hosts[i].fqdn));
        add_name(&v, n, dh_asprintf("_25._tcp.%s", ws->hosts[i].fqdn));
    }
    for (i = 0; i < sc->nmessages; i++)
        add_name(&v, n, dh_asprintf("%s.", ws->msgs[i].domain));
    return v;
}

/* dh_oracle_snapshot - see oracle.h */
void dh_oracle_snapshot(const dh_world *w, const dh_world_scn *ws,
                        dh_oracle_snaps *snaps)
{
    char *hints = dh_asprintf("%s/unbound/root.hints", w->rundir);
    struct ub_ctx *ctx = dh_resolver_recursive(hints, w->ta_path);
    size_t nn, i, t;
    char **names = scenario_names(ws, &nn);
    dh_oracle_snap *s;

    snaps->v = dh_realloc(snaps->v, (snaps->n + 1) * sizeof(*snaps->v));
    s = &snaps->v[snaps->n++];
    s->n = nn * NTYPES;
    s->names = dh_calloc(s->n + 1, sizeof(*s->names));
    s->types = dh_calloc(s->n + 1, sizeof(*s->types));
    s->answers = dh_calloc(s->n + 1, sizeof(*s->answers));
    for (i = 0; i < nn; i++)
        for (t = 0; t < NTYPES; t++) {
            s->names[i * NTYPES + t] = dh_strdup(names[i]);
            s->types[i * NTYPES + t] = dh_strdup(snap_types[t]);
        }
    dh_lookup_many(ctx, (const char *const *)s->names,
                   (const char *const *)s->types, s->n, s->answers);
    s->until = dh_now();
    ub_ctx_delete(ctx);
    for (i = 0; i < nn; i++)
        free(names[i]);
    free(names);
    free(hints);
}

/* dh_oracle_snaps_free - see oracle.h */
void dh_oracle_snaps_free(dh_oracle_snaps *snaps)
{
    size_t i, j;

    for (i = 0; i < snaps->n; i++) {
        for (j = 0; j < snaps->v[i].n; j++) {
            free(snaps->v[i].names[j]);
            free(snaps->v[i].types[j]);
        }
        free(snaps->v[i].names);
        free(snaps->v[i].types);
        free(snaps->v[i].answers);
    }
    free(snaps->v);
    snaps->v = NULL;
    snaps->n = 0;
}

/* dh_oracle_snap_answer - see oracle.h: the first snapshot taken after
 * the question (whole seconds: the resolver log's clock) */
const dh_lookup *dh_oracle_snap_answer(const dh_oracle_snaps *snaps,
                                       const dh_query_obs *q)
{
    size_t i, j;

    for (i = 0; snaps && i < snaps->n; i++) {
        const dh_oracle_snap *s = &snaps->v[i];

        if ((double)q->asked > s->until)
            continue;
        for (j = 0; j < s->n; j++)
            if (strcasecmp(s->names[j], q->name) == 0 &&
                strcasecmp(s->types[j], q->type) == 0)
                return &s->answers[j];
        return NULL;
    }
    return NULL;
}
