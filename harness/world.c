/*
 * world.c - plan and build the run's world: PKI, zones, configurations.
 *
 * Layout of the run folder:
 *   pki/            ca.pem, <host>.chain.pem / .key.pem per scenario host
 *   zones/          root.zone, danelab.zone, <id>.danelab.zone
 *   nsd.conf unbound.conf root.ds resolv.conf fakemx.conf
 *   events.jsonl    what the fake MX servers observed
 *   unbound.log     what the resolver was asked
 * Daemon start-up and the self-check live in daemons.c and selfcheck.c.
 */
#include "world.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "zone.h"

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

/* host_fqdn - absolute name of a relative owner in a scenario zone */
static char *abs_name(const char *owner, const char *origin)
{
    if (strcmp(owner, "@") == 0)
        return dh_strdup(origin);
    return dh_asprintf("%s.%s", owner, origin);
}

/* find_host - planned host by label */
static dh_world_host *find_host(dh_world_scn *ws, const char *label)
{
    size_t i;

    for (i = 0; i < ws->nhosts; i++)
        if (strcmp(ws->hosts[i].host->label, label) == 0)
            return &ws->hosts[i];
    return NULL;
}

/* tlsa_fields - selector and matching type of the TLSA record in a line */
static int tlsa_fields(const char *line, int *selector, int *mtype)
{
    char *copy = dh_strdup(line), *save = NULL, *tok;
    char *w[16];
    int n = 0, i, rc = -1;

    for (tok = strtok_r(copy, " \t", &save); tok && n < 16;
         tok = strtok_r(NULL, " \t", &save))
        w[n++] = tok;
    for (i = 0; i + 3 < n; i++)
        if (strcasecmp(w[i], "TLSA") == 0) {
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

/* expand - placeholders of one zone line; new string or NULL + err */
static char *expand(dh_world_scn *ws, const char *line, char *err,
                    size_t errlen)
{
    dh_buf out;
    const char *s = line, *open;

    dh_buf_init(&out);
    while ((open = strchr(s, '{')) != NULL) {
        const char *close = strchr(open, '}');
        char word[64], arg[128];
        char *inner = dh_strndup(open + 1, (size_t)(close - open - 1));
        dh_world_host *h;

        dh_buf_add(&out, s, (size_t)(open - s));
        sscanf(inner, "%63s %127s", word, arg);
        free(inner);
        h = find_host(ws, arg);
        if (h == NULL)
            dh_panic("placeholder host %s not planned", arg);
        if (strcmp(word, "addr") == 0) {
            dh_buf_puts(&out, h->addr);
        } else {
            int sel, mt;
            char *hex;

            if (tlsa_fields(line, &sel, &mt) < 0 || sel < 0 || sel > 1 ||
                mt < 0 || mt > 2) {
                snprintf(err, errlen,
                         "{tlsa %s} needs a TLSA record with selector 0/1 "
                         "and matching type 0/1/2 before it",
                         arg);
                dh_buf_free(&out);
                return NULL;
            }
            hex = dh_tlsa_data(h->own->leaf, sel, mt);
            dh_buf_puts(&out, hex);
            free(hex);
        }
        s = close + 1;
    }
    dh_buf_puts(&out, s);
    return out.data;
}

/* plan_scenario - names, addresses, certificates of one scenario */
static void plan_scenario(dh_world *w, dh_world_scn *ws, dh_scenario *sc,
                          int index)
{
    size_t i;
    char *pkidir = dh_asprintf("%s/pki/%s", w->rundir, sc->id);

    ws->sc = sc;
    ws->index = index;
    ws->origin = dh_asprintf("%s.%s", sc->id, DH_TLD);
    ws->domain = dh_asprintf("%s.%.*s", sc->id, (int)strlen(DH_TLD) - 1,
                             DH_TLD);
    ws->token = dh_asprintf("%s.%s", sc->id, w->runid);
    ws->nhosts = sc->nhosts;
    ws->hosts = dh_calloc(sc->nhosts, sizeof(*ws->hosts));
    if (dh_mkdir_p(pkidir, 0755) < 0)
        dh_fatal("cannot create %s", pkidir);
    for (i = 0; i < sc->nhosts; i++) {
        dh_world_host *h = &ws->hosts[i];

        h->host = &sc->hosts[i];
        h->fqdn = abs_name(h->host->label, ws->origin);
        snprintf(h->addr, sizeof(h->addr), "127.%d.%d.%d",
                 1 + (index - 1) / 250, 1 + (index - 1) % 250,
                 (int)i + 1);
        h->own = dh_pki_leaf(w->pki, h->fqdn);
        h->presented = h->host->persona->chain == DH_CHAIN_SELF_SIGNED
                           ? dh_pki_attacker(w->pki, h->fqdn)
                           : NULL;
        h->chain_path =
            dh_asprintf("%s/%s.chain.pem", pkidir, h->host->label);
        h->key_path = dh_asprintf("%s/%s.key.pem", pkidir, h->host->label);
        if (dh_cert_write(h->presented ? h->presented : h->own,
                          h->chain_path, h->key_path) < 0)
            dh_fatal("cannot write certificate files under %s", pkidir);
    }
    free(pkidir);
}

/* build_scenario_zone - the scenario's zone: records, signing, faults */
static dh_zone *build_scenario_zone(dh_world_scn *ws)
{
    dh_scenario *sc = ws->sc;
    dh_zone *z = dh_zone_new(ws->origin, sc->signed_zone);
    char err[512];
    size_t i;

    for (i = 0; i < sc->nzone; i++) {
        char *line = expand(ws, sc->zone[i].text, err, sizeof(err));

        if (line == NULL || dh_zone_add(z, line, err, sizeof(err)) < 0) {
            scn_fail(ws, "%s:%d: %s", sc->file, sc->zone[i].line, err);
            free(line);
            dh_zone_free(z);
            return NULL;
        }
        free(line);
    }
    if (dh_zone_sign(z, err, sizeof(err)) < 0) {
        scn_fail(ws, "%s: %s", sc->file, err);
        dh_zone_free(z);
        return NULL;
    }
    for (i = 0; i < sc->nfaults; i++) {
        char *owner = abs_name(sc->faults[i].owner, ws->origin);
        int rc = dh_zone_corrupt_rrsig(z, owner, sc->faults[i].type, err,
                                       sizeof(err));

        free(owner);
        if (rc < 0) {
            scn_fail(ws, "%s:%d: fault not applied: %s", sc->file,
                     sc->faults[i].line, err);
            dh_zone_free(z);
            return NULL;
        }
    }
    return z;
}

/* write_zone - zone file into rundir/zones, listed in nsd.conf */
static void write_zone(dh_world *w, dh_buf *nsdconf, dh_zone *z,
                       const char *file)
{
    char *path = dh_asprintf("%s/zones/%s", w->rundir, file);

    if (dh_zone_write(z, path) < 0)
        dh_fatal("cannot write %s", path);
    dh_buf_printf(nsdconf, "zone:\n\tname: \"%s\"\n\tzonefile: \"%s\"\n",
                  z->origin, path);
    free(path);
}

/* add_or_die - harness-made records never fail to parse */
static void add_or_die(dh_zone *z, const char *rr)
{
    char err[256];

    if (dh_zone_add(z, rr, err, sizeof(err)) < 0)
        dh_panic("record '%s' in %s: %s", rr, z->origin, err);
}

/* write_configs - nsd.conf, unbound.conf, root hints, trust anchor */
static void write_configs(dh_world *w, dh_buf *nsdconf, const char *root_ds)
{
    char *p;
    dh_buf b;

    dh_buf_init(&b);
    dh_buf_printf(&b,
                  "server:\n"
                  "\tusername: \"\"\n\tchroot: \"\"\n\tdatabase: \"\"\n"
                  "\tzonelistfile: \"%1$s/nsd/zone.list\"\n"
                  "\txfrdfile: \"%1$s/nsd/xfrd.state\"\n"
                  "\txfrdir: \"%1$s/nsd\"\n"
                  "\tpidfile: \"%1$s/nsd/nsd.pid\"\n"
                  "\tlogfile: \"%1$s/nsd/nsd.log\"\n"
                  "\tip-address: %2$s\n\tport: 53\n"
                  "\tserver-count: 1\n\tverbosity: 1\n"
                  "\thide-version: yes\n\treuseport: no\n"
                  "remote-control:\n\tcontrol-enable: no\n",
                  w->rundir, DH_NS_ADDR);
    dh_buf_add(&b, nsdconf->data, nsdconf->len);
    p = dh_asprintf("%s/nsd/nsd.conf", w->rundir);
    dh_write_file(p, b.data, b.len, 0644);
    free(p);
    dh_buf_free(&b);

    dh_buf_init(&b);
    dh_buf_printf(&b, ". 3600000 IN NS %s\n%s 3600000 IN A %s\n",
                  DH_NS_NAME, DH_NS_NAME, DH_NS_ADDR);
    p = dh_asprintf("%s/unbound/root.hints", w->rundir);
    dh_write_file(p, b.data, b.len, 0644);
    free(p);
    dh_buf_free(&b);

    w->ta_path = dh_asprintf("%s/root.ds", w->rundir);
    p = dh_asprintf("%s\n", root_ds);
    dh_write_file(w->ta_path, p, strlen(p), 0644);
    free(p);

    w->unbound_log = dh_asprintf("%s/unbound/unbound.log", w->rundir);
    dh_buf_init(&b);
    dh_buf_printf(&b,
                  "server:\n"
                  "\tusername: \"\"\n\tchroot: \"\"\n"
                  "\tdirectory: \"%1$s/unbound\"\n"
                  "\tpidfile: \"%1$s/unbound/unbound.pid\"\n"
                  "\tlogfile: \"%3$s\"\n\tuse-syslog: no\n"
                  "\tlog-time-ascii: yes\n"
                  "\tinterface: %2$s\n\tport: 53\n"
                  "\tdo-ip6: no\n"
                  "\taccess-control: 127.0.0.0/8 allow\n"
                  "\tdo-not-query-localhost: no\n"
                  "\troot-hints: \"%1$s/unbound/root.hints\"\n"
                  "\ttrust-anchor-file: \"%4$s\"\n"
                  "\tval-sig-skew-min: 0\n\tval-sig-skew-max: 0\n"
                  "\tval-log-level: 2\n\tede: yes\n"
                  "\tlog-queries: yes\n\tlog-servfail: yes\n"
                  "\tqname-minimisation: no\n"
                  "\tnum-threads: 1\n\tso-reuseport: no\n"
                  "\tmodule-config: \"validator iterator\"\n"
                  "\tharden-referral-path: no\n"
                  "\tinfra-host-ttl: 60\n"
                  "remote-control:\n\tcontrol-enable: yes\n"
                  "\tcontrol-interface: \"%1$s/unbound/control.sock\"\n"
                  "\tcontrol-use-cert: no\n",
                  w->rundir, DH_RESOLVER_ADDR, w->unbound_log, w->ta_path);
    p = dh_asprintf("%s/unbound/unbound.conf", w->rundir);
    dh_write_file(p, b.data, b.len, 0644);
    free(p);
    dh_buf_free(&b);

    w->resolv_path = dh_asprintf("%s/resolv.conf", w->rundir);
    p = dh_asprintf("# dane-harness sandbox resolver\nnameserver %s\n"
                    "options trust-ad\n",
                    DH_RESOLVER_ADDR);
    dh_write_file(w->resolv_path, p, strlen(p), 0644);
    free(p);
}

/* write_fakemx_conf - one "listen" line per planned host */
static void write_fakemx_conf(dh_world *w)
{
    dh_buf b;
    size_t i, j;
    char *p;

    dh_buf_init(&b);
    dh_buf_puts(&b, "# dane-fakemx configuration, generated by "
                    "dane-harness\n");
    for (i = 0; i < w->nscn; i++) {
        dh_world_scn *ws = &w->scn[i];

        if (ws->error)
            continue;
        for (j = 0; j < ws->nhosts; j++) {
            dh_world_host *h = &ws->hosts[j];

            dh_buf_printf(&b,
                          "listen %s scenario=%s host=%s persona=%s "
                          "starttls=%s cert=%s key=%s\n",
                          h->addr, ws->sc->id, h->fqdn,
                          h->host->persona->name, h->host->persona->starttls,
                          h->chain_path, h->key_path);
        }
    }
    p = dh_asprintf("%s/fakemx.conf", w->rundir);
    dh_write_file(p, b.data, b.len, 0644);
    free(p);
    dh_buf_free(&b);
}

/* dh_world_build - plan, PKI, zones, configuration files */
dh_world *dh_world_build(dh_scenario **v, size_t n, const char *rundir,
                         const char *libexec)
{
    dh_world *w = dh_calloc(1, sizeof(*w));
    unsigned char rnd[4];
    dh_zone *root, *tld;
    dh_buf nsdconf;
    char *rr, *ds;
    size_t i;
    double t0 = dh_now();
    static const char *dirs[] = {"pki", "zones", "nsd", "unbound",
                                 "adapter", "scenarios"};

    w->rundir = dh_strdup(rundir);
    w->libexec = dh_strdup(libexec);
    RAND_bytes(rnd, sizeof(rnd));
    w->runid = dh_hex(rnd, sizeof(rnd));
    for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char *d = dh_asprintf("%s/%s", rundir, dirs[i]);
        if (dh_mkdir_p(d, 0755) < 0)
            dh_fatal("cannot create %s", d);
        free(d);
    }
    w->pki = dh_pki_new();
    rr = dh_asprintf("%s/pki/ca.pem", rundir);
    dh_pki_write_ca(w->pki, rr);
    free(rr);
    w->nscn = n;
    w->scn = dh_calloc(n, sizeof(*w->scn));

    dh_buf_init(&nsdconf);
    tld = dh_zone_new(DH_TLD, 1);
    rr = dh_asprintf("%s A %s", DH_NS_NAME, DH_NS_ADDR);
    add_or_die(tld, rr);
    free(rr);
    for (i = 0; i < n; i++) {
        dh_world_scn *ws = &w->scn[i];
        dh_zone *z;
        char *file;

        plan_scenario(w, ws, v[i], (int)i + 1);
        z = build_scenario_zone(ws);
        if (z == NULL)
            continue;
        rr = dh_asprintf("%s NS %s", ws->origin, DH_NS_NAME);
        add_or_die(tld, rr);
        free(rr);
        if ((ds = dh_zone_ds_text(z)) != NULL) {
            add_or_die(tld, ds);
            free(ds);
        }
        file = dh_asprintf("%szone", ws->origin);
        write_zone(w, &nsdconf, z, file);
        free(file);
        dh_zone_free(z);
    }
    root = dh_zone_new(".", 1);
    rr = dh_asprintf("%s NS %s", DH_TLD, DH_NS_NAME);
    add_or_die(root, rr);
    free(rr);
    rr = dh_asprintf("%s A %s", DH_NS_NAME, DH_NS_ADDR);
    add_or_die(root, rr);
    free(rr);
    ds = dh_zone_ds_text(tld);
    add_or_die(root, ds);
    free(ds);
    {
        char err[256];

        if (dh_zone_sign(tld, err, sizeof(err)) < 0 ||
            dh_zone_sign(root, err, sizeof(err)) < 0)
            dh_fatal("signing the root or TLD: %s", err);
    }
    write_zone(w, &nsdconf, tld, "danelab.zone");
    write_zone(w, &nsdconf, root, "root.zone");
    ds = dh_zone_ds_text(root);
    write_configs(w, &nsdconf, ds);
    free(ds);
    dh_zone_free(tld);
    dh_zone_free(root);
    dh_buf_free(&nsdconf);
    write_fakemx_conf(w);
    w->events_path = dh_asprintf("%s/events.jsonl", rundir);
    w->t_build = dh_now() - t0;
    return w;
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
            free(ws->hosts[j].fqdn);
            dh_cert_free(ws->hosts[j].own);
            dh_cert_free(ws->hosts[j].presented);
            free(ws->hosts[j].chain_path);
            free(ws->hosts[j].key_path);
        }
        free(ws->hosts);
        free(ws->origin);
        free(ws->domain);
        free(ws->token);
        free(ws->error);
    }
    free(w->scn);
    dh_pki_free(w->pki);
    free(w->rundir);
    free(w->runid);
    free(w->libexec);
    free(w->ta_path);
    free(w->resolv_path);
    free(w->events_path);
    free(w->unbound_log);
    free(w);
}
