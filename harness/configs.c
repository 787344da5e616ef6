/*
 * configs.c - the daemons' configuration files, written into the run
 * folder (world.h): nsd.conf, Unbound's unbound.conf, root hints and
 * trust anchor, the sandbox resolv.conf, and dane-fakemx's fakemx.conf
 * (docs/fakemx.md).
 */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "util.h"
#include "world.h"

/* write_nsd_conf - NSD: every zone of zones (the "zone:" clauses) */
static void write_nsd_conf(dh_world *w, dh_buf *zones)
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
                  /* nsd-control reloads the zones that change
                   * between attempts (steps.c) */
                  "remote-control:\n\tcontrol-enable: yes\n"
                  "\tcontrol-interface: \"%1$s/nsd/control.sock\"\n",
                  w->rundir, DH_NS_ADDR);
    dh_buf_add(&b, zones->data, zones->len);
    p = dh_asprintf("%s/nsd/nsd.conf", w->rundir);
    dh_write_file(p, b.data, b.len, 0644);
    free(p);
    dh_buf_free(&b);
}

/* write_unbound_conf - Unbound, its root hints (NSD) and trust anchor
 * (the fake root's DS) */
static void write_unbound_conf(dh_world *w, const char *root_ds)
{
    char *p;
    dh_buf b;

    dh_buf_init(&b);
    dh_buf_printf(&b, ". 3600000 IN NS %s\n%s 3600000 IN A %s\n", DH_NS_NAME,
                  DH_NS_NAME, DH_NS_ADDR);
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
                  "\tlog-time-ascii: no\n"
                  "\tinterface: %2$s\n\tport: 53\n"
                  "\tdo-ip6: no\n"
                  "\taccess-control: 127.0.0.0/8 allow\n"
                  "\tdo-not-query-localhost: no\n"
                  "\troot-hints: \"%1$s/unbound/root.hints\"\n"
                  "\ttrust-anchor-file: \"%4$s\"\n"
                  "\tval-sig-skew-min: 0\n\tval-sig-skew-max: 0\n"
                  "\tval-log-level: 2\n\tede: yes\n"
                  "\tlog-queries: yes\n\tlog-replies: yes\n"
                  "\tlog-tag-queryreply: yes\n\tlog-servfail: yes\n"
                  "\tqname-minimisation: no\n"
                  "\tnum-threads: 1\n\tso-reuseport: no\n"
                  "\tmodule-config: \"validator iterator\"\n"
                  "\tharden-referral-path: no\n"
                  /* see "Resolver timeouts" in docs/observations.md */
                  "\tinfra-cache-min-rtt: %5$d\n"
                  "\tunknown-server-time-limit: %6$d\n"
                  "\tinfra-cache-max-rtt: %7$d\n"
                  "\tinfra-host-ttl: 900\n"
                  "\tdiscard-timeout: 0\n"
                  "\tserve-expired: no\n"
                  "\tval-bogus-ttl: %8$d\n"
                  "remote-control:\n\tcontrol-enable: yes\n"
                  "\tcontrol-interface: \"%1$s/unbound/control.sock\"\n"
                  "\tcontrol-use-cert: no\n",
                  w->rundir, DH_RESOLVER_ADDR, w->unbound_log, w->ta_path,
                  DH_UB_MIN_RTT_MS, DH_UB_UNKNOWN_MS, DH_UB_MAX_RTT_MS,
                  DH_UB_BOGUS_TTL);
    p = dh_asprintf("%s/unbound/unbound.conf", w->rundir);
    dh_write_file(p, b.data, b.len, 0644);
    free(p);
    dh_buf_free(&b);
}

/* write_resolv_conf - what the client's resolver library reads */
static void write_resolv_conf(dh_world *w)
{
    char *p;

    w->resolv_path = dh_asprintf("%s/resolv.conf", w->rundir);
    p = dh_asprintf("# dane-harness sandbox resolver\nnameserver %s\n"
                    "options trust-ad\n",
                    DH_RESOLVER_ADDR);
    dh_write_file(w->resolv_path, p, strlen(p), 0644);
    free(p);
}

/* dh_world_write_dns_configs - see world.h */
void dh_world_write_dns_configs(dh_world *w, dh_buf *nsd_zones,
                                const char *root_ds)
{
    write_nsd_conf(w, nsd_zones);
    write_unbound_conf(w, root_ds);
    write_resolv_conf(w);
}

/* put_options - a persona's fakemx options; a host's stall replaces the
 * persona's greeting delay */
static void put_options(dh_buf *b, const char *options, double stall)
{
    char *copy = dh_strdup(options), *save = NULL, *w;

    for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save))
        if (stall <= 0 || strncmp(w, "greeting-delay=", 15) != 0)
            dh_buf_printf(b, " %s", w);
    if (stall > 0)
        dh_buf_printf(b, " greeting-delay=%g", stall);
    free(copy);
}

/* dh_world_write_fakemx_conf - one "listen" line per planned address */
void dh_world_write_fakemx_conf(dh_world *w)
{
    dh_buf b;
    size_t i, j, k;
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

            for (k = 0; k < h->naddrs; k++) {
                const dh_persona *pe = h->addrs[k].persona;
                const dh_chain_files *cf = &h->chains[pe->chain->index];

                dh_buf_printf(&b, "listen %s scenario=%s host=%s persona=%s",
                              h->addrs[k].addr, ws->sc->id, h->fqdn, pe->name);
                put_options(&b, pe->options, h->host->stall);
                if (pe->other_sni) {
                    const dh_chain_files *o = &h->chains[pe->other_sni->index];

                    dh_buf_printf(&b,
                                  " cert=%s key=%s sni-name=%s sni-cert=%s "
                                  "sni-key=%s",
                                  o->chain_path, o->key_path, h->fqdn,
                                  cf->chain_path, cf->key_path);
                } else {
                    dh_buf_printf(&b, " cert=%s key=%s", cf->chain_path,
                                  cf->key_path);
                }
                if (pe->also)
                    dh_buf_printf(&b, " cert2=%s key2=%s",
                                  h->chains[pe->also->index].chain_path,
                                  h->chains[pe->also->index].key_path);
                dh_buf_puts(&b, "\n");
            }
        }
    }
    p = dh_asprintf("%s/fakemx.conf", w->rundir);
    dh_write_file(p, b.data, b.len, 0644);
    free(p);
    dh_buf_free(&b);
}
