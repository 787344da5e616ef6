/*
 * world.c - plan and build the run's world: PKI, zones, configurations.
 *
 * Layout of the run folder:
 *   pki/            ca.pem, <id>/<host>.{own,attacker}.{chain,key}.pem
 *   zones/          root.zone, danelab.zone, mxlab.zone, one per zone
 *   nsd/ unbound/   daemon configurations, logs, the resolver query log
 *   root.ds resolv.conf fakemx.conf
 *   events.jsonl    what the fake MX servers observed
 *   scenarios/<id>/ the message sent and the adapter's output
 * Zones are built in three passes: records and delegations (a child's DS
 * goes into its parent, mangled where a fault says so), signing, then
 * the post-signing faults.  Daemon start-up and the self-check live in
 * daemons.c and selfcheck.c.
 */
#include "world.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "hostcerts.h"
#include "util.h"
#include "vocab_all.h"
#include "zone.h"

typedef struct {
    dh_world_zone *v;
    size_t n;
} zone_set;

/* scn_fail - mark a scenario as a broken fixture (first reason wins) */
static void scn_fail(dh_world_scn *ws, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void scn_fail(dh_world_scn *ws, const char *fmt, ...)
{
    va_list ap;
    char *s;

    if (ws->error)
        return;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        dh_fatal("out of memory");
    va_end(ap);
    ws->error = s;
}

/* find_host - planned host by its header-style name */
static dh_world_host *find_host(dh_world_scn *ws, const char *label)
{
    size_t i;

    for (i = 0; i < ws->nhosts; i++)
        if (strcmp(ws->hosts[i].host->label, label) == 0)
            return &ws->hosts[i];
    return NULL;
}

/* hexbyte - the byte of two hex digits, or -1 */
static int hexbyte(const char *p)
{
    unsigned v;

    if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
        sscanf(p, "%2x", &v) != 1)
        return -1;
    return (int)v;
}

/* tlsa_fields - selector and matching type of the TLSA record in a line,
 * in presentation form ("TLSA 3 1 1 ...") or RFC 3597 generic syntax
 * ("TLSA \# 35 030101...", "TYPE52 \# ...") */
static int tlsa_fields(const char *line, int *selector, int *mtype)
{
    char *copy = dh_strdup(line), *save = NULL, *tok;
    char *w[16];
    int n = 0, i, rc = -1;

    for (tok = strtok_r(copy, " \t", &save); tok && n < 16;
         tok = strtok_r(NULL, " \t", &save))
        w[n++] = tok;
    for (i = 0; i + 3 < n; i++) {
        if (strcasecmp(w[i], "TLSA") != 0 && strcasecmp(w[i], "TYPE52") != 0)
            continue;
        if (strcmp(w[i + 1], "\\#") == 0) {
            if (strlen(w[i + 3]) >= 6 && hexbyte(w[i + 3]) >= 0) {
                *selector = hexbyte(w[i + 3] + 2);
                *mtype = hexbyte(w[i + 3] + 4);
                rc = *selector < 0 || *mtype < 0 ? -1 : 0;
            }
            break;
        }
        *selector = atoi(w[i + 2]);
        *mtype = atoi(w[i + 3]);
        rc = (isdigit((unsigned char)w[i + 2][0]) &&
              isdigit((unsigned char)w[i + 3][0]))
                 ? 0
                 : -1;
        break;
    }
    free(copy);
    return rc;
}

/* nth_addr - the k-th (1-based) IPv4 or IPv6 address of a host */
static const char *nth_addr(dh_world_host *h, int v6, int k)
{
    size_t i;

    for (i = 0; i < h->naddrs; i++)
        if (h->addrs[i].v6 == v6 && --k == 0)
            return h->addrs[i].addr;
    return NULL;
}

/* tlsa_placeholder - {tlsa HOST [rsa|next]} or {tlsa ta:CA}: the association
 * data (new hex string) for the TLSA record of the line, or NULL + err */
static char *tlsa_placeholder(dh_world *w, dh_world_host *h, const char *line,
                              const char *arg, const char *num, char *err,
                              size_t errlen)
{
    X509 *cert;
    int sel, mt;

    if (tlsa_fields(line, &sel, &mt) < 0 || sel < 0 || sel > 1 || mt < 0 ||
        mt > 2) {
        snprintf(err, errlen,
                 "{tlsa %s} needs a TLSA record with selector 0/1 and "
                 "matching type 0/1/2 before it",
                 arg);
        return NULL;
    }
    if (h == NULL)
        cert = dh_pki_ca(w->pki, arg + 3);
    else
        cert = dh_hostcerts_chain(
                   w, h,
                   dh_chain_find(strcmp(num, "rsa") == 0    ? "own-rsa"
                                 : strcmp(num, "next") == 0 ? "own-next"
                                                            : "own"))
                   ->cert->leaf;
    return dh_tlsa_data(cert, sel, mt);
}

/* placeholder - what one {WORD ARG [NUM]} stands for (new string), or
 * NULL + err */
static char *placeholder(dh_world *w, dh_world_scn *ws, const char *line,
                         const char *word, const char *arg, const char *num,
                         char *err, size_t errlen)
{
    int ta = strncmp(arg, "ta:", 3) == 0;
    dh_world_host *h = ta ? NULL : find_host(ws, arg);
    const char *a;

    if (strcmp(word, "name") == 0)
        return dh_name_abs(arg, ws->sc->id);
    if (h == NULL && !ta)
        dh_panic("placeholder host %s not planned", arg);
    if (strcmp(word, "tlsa") == 0)
        return tlsa_placeholder(w, h, line, arg, num, err, errlen);
    a = nth_addr(h, word[4] == '6', *num ? atoi(num) : 1);
    if (a == NULL)
        dh_panic("placeholder {%s %s %s}: no such address", word, arg, num);
    return dh_strdup(a);
}

/* expand - placeholders of one zone line; new string or NULL + err (the
 * parser checked their forms: scenario.c) */
static char *expand(dh_world *w, dh_world_scn *ws, const char *line, char *err,
                    size_t errlen)
{
    dh_buf out;
    const char *s = line, *open;

    dh_buf_init(&out);
    while ((open = strchr(s, '{')) != NULL) {
        const char *close = strchr(open, '}');
        char word[64] = "", arg[128] = "", num[16] = "";
        char *inner = dh_strndup(open + 1, (size_t)(close - open - 1)), *v;

        dh_buf_add(&out, s, (size_t)(open - s));
        sscanf(inner, "%63s %127s %15s", word, arg, num);
        free(inner);
        if ((v = placeholder(w, ws, line, word, arg, num, err, errlen)) ==
            NULL) {
            dh_buf_free(&out);
            return NULL;
        }
        dh_buf_puts(&out, v);
        free(v);
        s = close + 1;
    }
    dh_buf_puts(&out, s);
    return out.data;
}

/* uses_variant - does any zone line ask {tlsa LABEL VARIANT}? */
static int uses_variant(const dh_scenario *sc, const char *label,
                        const char *variant)
{
    size_t i, j;
    char *pat = dh_asprintf("{tlsa %s %s}", label, variant);
    int hit = 0;

    for (i = 0; i < sc->nzones && !hit; i++)
        for (j = 0; j < sc->zones[i].nlines && !hit; j++)
            hit = strstr(sc->zones[i].lines[j].text, pat) != NULL;
    free(pat);
    return hit;
}

/* plan_messages - each message's recipient domain and token (the first
 * message's is the scenario's) */
static void plan_messages(const dh_world *w, dh_world_scn *ws)
{
    const dh_scenario *sc = ws->sc;
    size_t i;

    ws->msgs = dh_calloc(sc->nmessages, sizeof(*ws->msgs));
    for (i = 0; i < sc->nmessages; i++) {
        const dh_message *m = &sc->messages[i];
        const char *rc = m->recipient    ? m->recipient
                         : sc->recipient ? sc->recipient
                                         : "@";
        char *r = dh_name_abs(rc, sc->id);

        ws->msgs[i].domain = dh_strndup(r, strlen(r) - 1);
        ws->msgs[i].token =
            i == 0 ? dh_strdup(ws->token)
                   : dh_asprintf("%s-%s.%s", sc->id, m->name, w->runid);
        free(r);
    }
}

/* plan_scenario - names, addresses, certificates of one scenario */
static void plan_scenario(dh_world *w, dh_world_scn *ws, dh_scenario *sc,
                          int index)
{
    size_t i;
    int a = 1 + (index - 1) / 250, b = 1 + (index - 1) % 250;
    char *pkidir = dh_asprintf("%s/pki/%s", w->rundir, sc->id);

    ws->sc = sc;
    ws->index = index;
    ws->attempt = 1;
    ws->origin = dh_name_abs("@", sc->id);
    ws->origin2 = dh_name_abs("@" DH_TLD2_KEY, sc->id);
    {
        char *r = dh_name_abs(sc->recipient ? sc->recipient : "@", sc->id);

        ws->domain = dh_strndup(r, strlen(r) - 1);
        free(r);
    }
    ws->token = dh_asprintf("%s.%s", sc->id, w->runid);
    plan_messages(w, ws);
    ws->nhosts = sc->nhosts;
    ws->hosts = dh_calloc(sc->nhosts, sizeof(*ws->hosts));
    if (dh_mkdir_p(pkidir, 0755) < 0)
        dh_fatal("cannot create %s", pkidir);
    for (i = 0; i < sc->nhosts; i++) {
        dh_world_host *h = &ws->hosts[i];
        int k;

        h->host = &sc->hosts[i];
        h->fqdn = dh_name_abs(h->host->label, sc->id);
        for (k = 0; k < h->host->nv4; k++) {
            dh_world_addr *ad = &h->addrs[h->naddrs++];

            snprintf(ad->addr, sizeof(ad->addr), "127.%d.%d.%d", a, b,
                     (int)i * 8 + k + 1);
            ad->persona = h->host->persona;
        }
        for (k = 0; k < h->host->nv6; k++) {
            dh_world_addr *ad = &h->addrs[h->naddrs++];

            snprintf(ad->addr, sizeof(ad->addr), "%s:%x:%x::%x", DH_V6_PREFIX,
                     a, b, (unsigned)(i * 8 + (size_t)k + 1));
            ad->v6 = 1;
            ad->persona = h->host->persona6;
        }
        dh_hostcerts_make(w, h, pkidir, ws->domain);
        for (k = 0; k < (int)sc->nchanges; k++)
            if (sc->changes[k].kind == DH_CHANGE_PERSONA &&
                strcmp(sc->changes[k].host, h->host->label) == 0)
                dh_hostcerts_persona(w, h, sc->changes[k].persona);
        if (uses_variant(sc, h->host->label, "rsa"))
            dh_hostcerts_chain(w, h, dh_chain_find("own-rsa"));
        if (uses_variant(sc, h->host->label, "next"))
            dh_hostcerts_chain(w, h, dh_chain_find("own-next"));
    }
    free(pkidir);
}

/* set_add - a zone into the run's set */
static dh_zone *set_add(zone_set *zs, dh_zone *z, dh_world_scn *ws,
                        const dh_zone_decl *d)
{
    zs->v = dh_realloc(zs->v, (zs->n + 1) * sizeof(*zs->v));
    zs->v[zs->n].zone = z;
    zs->v[zs->n].ws = ws;
    zs->v[zs->n].decl = d;
    zs->v[zs->n].path = NULL;
    zs->n++;
    return z;
}

/* deepest - the zone holding name (the parent side for a DS, i.e.
 * excluding a zone whose apex is name), among the global zones and the
 * scenario's own */
static dh_zone *deepest(zone_set *zs, dh_world_scn *ws, const char *name,
                        int parent_side)
{
    dh_zone *best = NULL;
    int best_depth = -1;
    size_t i;

    for (i = 0; i < zs->n; i++) {
        dh_zone *z = zs->v[i].zone;
        int d;

        if (zs->v[i].ws && zs->v[i].ws != ws)
            continue;
        if (parent_side && strcasecmp(z->origin, name) == 0)
            continue;
        d = dh_zone_contains(z, name);
        if (d > best_depth) {
            best_depth = d;
            best = z;
        }
    }
    return best;
}

/* ns_for - the name server a zone is delegated to, by its server mode */
static const char *ns_for(dh_zone_server s)
{
    switch (s) {
    case DH_SERVER_REFUSED:
        return DH_LAME_REFUSED_NS;
    case DH_SERVER_SERVFAIL:
        return DH_LAME_SERVFAIL_NS;
    case DH_SERVER_SILENT:
        return DH_LAME_SILENT_NS;
    case DH_SERVER_OK:
    case DH_SERVER_KINDS:
        break;
    }
    return DH_NS_NAME;
}

/* add_or_die - harness-made records never fail to parse */
static void add_or_die(dh_zone *z, const char *rr)
{
    char err[256];

    if (dh_zone_add(z, rr, NULL, err, sizeof(err)) < 0)
        dh_panic("record '%s' in %s: %s", rr, z->origin, err);
}

/* has_fault - does the scenario put this fault on owner/type? */
static int has_fault(const dh_scenario *sc, const char *owner_abs,
                     const char *type, int in_parent)
{
    size_t i;

    for (i = 0; i < sc->nfaults; i++) {
        char *o;
        int hit;

        if (sc->faults[i].def->in_parent != in_parent ||
            strcasecmp(sc->faults[i].type, type) != 0)
            continue;
        o = dh_name_abs(sc->faults[i].owner, sc->id);
        hit = strcasecmp(o, owner_abs) == 0;
        free(o);
        if (hit)
            return 1;
    }
    return 0;
}

/* fill_zone - the records of a scenario's zone served at attempt k */
static void fill_zone(dh_world *w, dh_world_scn *ws, dh_zone *z,
                      const dh_zone_decl *d, int k)
{
    char err[512];
    size_t j;

    for (j = 0; j < d->nlines && !ws->error; j++) {
        char *line, *src;

        if (!dh_span_has(d->lines[j].span, k))
            continue;
        line = expand(w, ws, d->lines[j].text, err, sizeof(err));
        src = dh_asprintf("%s:%d", ws->sc->file, d->lines[j].line);
        if (line == NULL || dh_zone_add(z, line, src, err, sizeof(err)) < 0)
            scn_fail(ws, "%s: %s", src, err);
        free(src);
        free(line);
    }
}

/* delegate - zone i's NS and DS in its parent; a parent of the whole
 * run (a TLD) only when global is set (it does not change afterwards) */
static void delegate(zone_set *zs, dh_world_scn *ws, size_t i, int global)
{
    dh_zone *z = zs->v[i].zone;
    const dh_zone_decl *d = zs->v[i].decl;
    dh_zone *parent = deepest(zs, ws, z->origin, 1);
    const char *mangle = NULL;
    char *rr, *ds;
    size_t j;

    for (j = 0; j < zs->n && zs->v[j].zone != parent; j++)
        ;
    if (j < zs->n && zs->v[j].ws == NULL && !global)
        return;
    rr = dh_asprintf("%s NS %s", z->origin, ns_for(d->server));
    add_or_die(parent, rr);
    free(rr);
    if (d->dnssec == DH_ZONE_UNSUPPORTED_ALG)
        mangle = "algorithm";
    else if (has_fault(ws->sc, z->origin, "DS", 1))
        mangle = "digest";
    if ((ds = dh_zone_ds_text(z, mangle)) != NULL) {
        add_or_die(parent, ds);
        free(ds);
    }
}

/* build_scenario_zones - the scenario's zones as served at its first
 * attempt, and their delegations */
static void build_scenario_zones(dh_world *w, zone_set *zs, dh_world_scn *ws)
{
    dh_scenario *sc = ws->sc;
    size_t first = zs->n, i;

    for (i = 0; i < sc->nzones && !ws->error; i++) {
        const dh_zone_decl *d = &sc->zones[i];
        char *origin = dh_name_abs(d->name, sc->id);
        dh_zone *z = set_add(zs,
                             dh_zone_new(origin, d->dnssec != DH_ZONE_UNSIGNED,
                                         d->denial, DH_NS_NAME),
                             ws, d);

        free(origin);
        if (sc->ttl != DH_TTL)
            dh_zone_set_ttl(z, sc->ttl);
        fill_zone(w, ws, z, d, 1);
    }
    for (i = first; i < zs->n && !ws->error; i++)
        delegate(zs, ws, i, 1);
    if (ws->error) {
        /* drop the half-built zones of a broken scenario */
        for (i = first; i < zs->n; i++)
            dh_zone_free(zs->v[i].zone);
        zs->n = first;
    }
}

/* apply_faults - the scenario's post-signing faults in place at k */
static void apply_faults(zone_set *zs, dh_world_scn *ws, int k)
{
    dh_scenario *sc = ws->sc;
    size_t i;

    for (i = 0; i < sc->nfaults && !ws->error; i++) {
        dh_fault *f = &sc->faults[i];
        char *owner, err[512] = "";
        dh_zone *z;

        if (!dh_span_has(f->span, k))
            continue;
        owner = dh_name_abs(f->owner, sc->id);
        z = deepest(zs, ws, owner, strcasecmp(f->type, "DS") == 0);
        if (!f->def->in_parent &&
            (z == NULL ||
             dh_zone_fault(z, owner, f->type, f->def, err, sizeof(err)) < 0))
            scn_fail(ws, "%s:%d: fault not applied: %s", sc->file, f->line,
                     z ? err : "no zone holds that name");
        free(owner);
    }
}

/* dh_world_rebuild - see world.h */
size_t dh_world_rebuild(dh_world *w, dh_world_scn *ws, int k, char **why)
{
    zone_set zs = {w->zones, w->nzones};
    size_t i, n = 0;
    char err[512];

    for (i = 0; i < zs.n; i++)
        if (zs.v[i].ws == ws) {
            dh_zone_reset(zs.v[i].zone, (unsigned)k);
            fill_zone(w, ws, zs.v[i].zone, zs.v[i].decl, k);
        }
    for (i = 0; i < zs.n && !ws->error; i++)
        if (zs.v[i].ws == ws)
            delegate(&zs, ws, i, 0);
    for (i = 0; i < zs.n && !ws->error; i++)
        if (zs.v[i].ws == ws &&
            dh_zone_sign(zs.v[i].zone, err, sizeof(err)) < 0)
            scn_fail(ws, "%s", err);
    apply_faults(&zs, ws, k);
    for (i = 0; i < zs.n && !ws->error; i++) {
        if (zs.v[i].ws != ws || zs.v[i].path == NULL)
            continue;
        if (dh_zone_write(zs.v[i].zone, zs.v[i].path) < 0)
            scn_fail(ws, "cannot write %s", zs.v[i].path);
        n++;
    }
    if (ws->error) {
        *why = ws->error; /* the fixture of a later attempt: a fault */
        ws->error = NULL;
        return 0;
    }
    return n;
}

/* replace_all - s with every `from' replaced by `to' (s is freed; new
 * string) */
static char *replace_all(char *s, const char *from, const char *to)
{
    char *at;

    while ((at = strstr(s, from)) != NULL) {
        char *t =
            dh_asprintf("%.*s%s%s", (int)(at - s), s, to, at + strlen(from));

        free(s);
        s = t;
    }
    return s;
}

/* template - a zone of the world from its template zones/ORIGIN.zone
 * (root.zone for "."), placeholders for the sandbox's fixed names */
static dh_zone *template(dh_world *w, const char *origin)
{
    static const char *const ph[][2] = {
        {"{ns_name}", DH_NS_NAME},
        {"{ns_addr}", DH_NS_ADDR},
        {"{lame_refused_ns}", DH_LAME_REFUSED_NS},
        {"{lame_refused_addr}", DH_LAME_REFUSED_ADDR},
        {"{lame_servfail_ns}", DH_LAME_SERVFAIL_NS},
        {"{lame_servfail_addr}", DH_LAME_SERVFAIL_ADDR},
        {"{lame_silent_ns}", DH_LAME_SILENT_NS},
        {"{lame_silent_addr}", DH_LAME_SILENT_ADDR},
    };
    char *path = dh_asprintf("%s/zones/%szone", w->datadir,
                             strcmp(origin, ".") == 0 ? "root." : origin);
    char *text = dh_read_file(path, NULL), *line, *nl;
    dh_zone *z = dh_zone_new(origin, 1, DH_DENIAL_NSEC, DH_NS_NAME);
    int n = 0;

    if (text == NULL)
        dh_fatal("cannot read the zone template %s: %s", path, strerror(errno));
    for (line = text; line && *line; line = nl ? nl + 1 : NULL) {
        char err[256], *rr, *src;
        size_t i;

        n++;
        if ((nl = strchr(line, '\n')) != NULL)
            *nl = 0;
        if (line[strspn(line, " \t")] == ';' || !line[strspn(line, " \t")])
            continue;
        rr = dh_strdup(line);
        for (i = 0; i < sizeof(ph) / sizeof(ph[0]); i++)
            rr = replace_all(rr, ph[i][0], ph[i][1]);
        src = dh_asprintf("%s:%d", path, n);
        if (dh_zone_add(z, rr, src, err, sizeof(err)) < 0)
            dh_fatal("%s: %s", src, err);
        free(src);
        free(rr);
    }
    free(text);
    free(path);
    return z;
}

/* dh_world_plan - run folder, PKI, every scenario's plan, fakemx.conf */
dh_world *dh_world_plan(dh_scenario **v, size_t n, const char *rundir,
                        const char *libexec, const char *datadir)
{
    dh_world *w = dh_calloc(1, sizeof(*w));
    unsigned char rnd[4];
    char *p;
    size_t i;
    static const char *dirs[] = {"pki",     "zones",   "nsd",
                                 "unbound", "adapter", "scenarios"};

    w->t0 = dh_now();
    w->rundir = dh_strdup(rundir);
    w->libexec = dh_strdup(libexec);
    w->datadir = dh_strdup(datadir);
    RAND_bytes(rnd, sizeof(rnd));
    w->runid = dh_hex(rnd, sizeof(rnd));
    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char *d = dh_asprintf("%s/%s", rundir, dirs[i]);
        if (dh_mkdir_p(d, 0755) < 0)
            dh_fatal("cannot create %s", d);
        free(d);
    }
    w->pki = dh_pki_new();
    p = dh_asprintf("%s/pki/root.pem", rundir);
    dh_x509_write(dh_pki_ca(w->pki, "root"), p);
    free(p);
    p = dh_asprintf("%s/pki/intermediate.pem", rundir);
    dh_x509_write(dh_pki_ca(w->pki, "intermediate"), p);
    free(p);
    w->pkix_ca_path = dh_asprintf("%s/pki/public-ca.pem", rundir);
    dh_x509_write(dh_pki_ca(w->pki, "attacker-ca"), w->pkix_ca_path);
    w->nscn = n;
    w->scn = dh_calloc(n, sizeof(*w->scn));
    for (i = 0; i < n; i++)
        plan_scenario(w, &w->scn[i], v[i], (int)i + 1);
    dh_world_write_fakemx_conf(w);
    w->events_path = dh_asprintf("%s/events.jsonl", rundir);
    unlink(w->events_path); /* a kept folder's previous run */
    p = dh_asprintf("%s/unbound/unbound.log", rundir);
    unlink(p);
    free(p);
    dh_debug("world: plan, PKI, fake MX configuration: %.3f s",
             dh_now() - w->t0);
    return w;
}

/* dh_world_zones - every zone: records, delegations, signing, faults;
 * NSD's and Unbound's configurations */
void dh_world_zones(dh_world *w)
{
    zone_set zs = {NULL, 0};
    dh_zone *root;
    dh_buf nsdconf;
    char *ds, err[512];
    size_t i;

    root = set_add(&zs, template(w, "."), NULL, NULL);
    set_add(&zs, template(w, DH_TLD), NULL, NULL);
    set_add(&zs, template(w, DH_TLD2), NULL, NULL);
    for (i = 1; i < 3; i++) {
        char *rr = dh_asprintf("%s NS %s", zs.v[i].zone->origin, DH_NS_NAME);

        add_or_die(root, rr);
        free(rr);
        ds = dh_zone_ds_text(zs.v[i].zone, NULL);
        add_or_die(root, ds);
        free(ds);
    }
    for (i = 0; i < w->nscn; i++)
        build_scenario_zones(w, &zs, &w->scn[i]);
    dh_debug("world: zone records: %.3f s", dh_now() - w->t0);
    for (i = 0; i < zs.n; i++)
        if (dh_zone_sign(zs.v[i].zone, err, sizeof(err)) < 0) {
            if (zs.v[i].ws == NULL)
                dh_fatal("signing %s: %s", zs.v[i].zone->origin, err);
            scn_fail(zs.v[i].ws, "%s", err);
        }
    for (i = 0; i < w->nscn; i++)
        apply_faults(&zs, &w->scn[i], 1);
    dh_debug("world: signed %zu zones: %.3f s", zs.n, dh_now() - w->t0);

    dh_buf_init(&nsdconf);
    for (i = 0; i < zs.n; i++) {
        dh_zone *z = zs.v[i].zone;
        char *path;

        if (zs.v[i].decl && zs.v[i].decl->server != DH_SERVER_OK)
            continue; /* delegated to a lame server: NSD must not serve it */
        path = dh_asprintf("%s/zones/%szone", w->rundir,
                           strcmp(z->origin, ".") == 0 ? "root." : z->origin);
        if (dh_zone_write(z, path) < 0)
            dh_fatal("cannot write %s", path);
        dh_buf_printf(&nsdconf,
                      "zone:\n\tname: \"%s\"\n\tzonefile: \"%s\"\n"
                      "\tprovide-xfr: %s NOKEY\n",
                      z->origin, path, DH_SELFCHECK_ADDR);
        zs.v[i].path = path;
    }
    ds = dh_zone_ds_text(root, NULL);
    dh_world_write_dns_configs(w, &nsdconf, ds);
    free(ds);
    dh_buf_free(&nsdconf);
    w->zones = zs.v;
    w->nzones = zs.n;
    w->t_build = dh_now() - w->t0;
    dh_debug("world: files written: %.3f s", w->t_build);
}

/* dh_world_free - release the plan (daemons must be stopped first) */
void dh_world_free(dh_world *w)
{
    size_t i, j;

    if (w == NULL)
        return;
    for (i = 0; i < w->nscn; i++) {
        dh_world_scn *ws = &w->scn[i];

        for (j = 0; j < ws->nhosts; j++) {
            dh_world_host *h = &ws->hosts[j];

            free(h->fqdn);
            dh_hostcerts_free(h);
        }
        free(ws->hosts);
        free(ws->origin);
        free(ws->origin2);
        free(ws->domain);
        free(ws->token);
        for (j = 0; j < ws->sc->nmessages; j++) {
            free(ws->msgs[j].token);
            free(ws->msgs[j].domain);
        }
        free(ws->msgs);
        free(ws->error);
        free(ws->fault);
    }
    free(w->scn);
    for (i = 0; i < w->nzones; i++) {
        dh_zone_free(w->zones[i].zone);
        free(w->zones[i].path);
    }
    free(w->zones);
    dh_pki_free(w->pki);
    free(w->rundir);
    free(w->runid);
    free(w->libexec);
    free(w->datadir);
    free(w->ta_path);
    free(w->pkix_ca_path);
    free(w->resolv_path);
    free(w->events_path);
    free(w->unbound_log);
    free(w);
}
