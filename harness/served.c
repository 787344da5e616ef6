/*
 * served.c - does NSD serve every zone exactly as the harness built it?
 *
 * A scenario's records travel from its file through libldns, a zone file
 * and NSD's own parser before a client sees them; each step could change
 * or refuse one (NSD refuses a TLSA record without association data in
 * presentation form, for one).  So after NSD has started, every zone it
 * serves is transferred back (AXFR, from the self-check address) and
 * compared with the signed zone in memory, record by record, in
 * canonical form.  A scenario zone that differs, or that NSD does not
 * serve at all, makes that scenario an ERROR naming the scenario's line
 * and quoting what NSD logged about it; a harness zone (the root, the
 * TLDs) that differs is a broken harness: fatal.
 */
#include <arpa/inet.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "world.h"
#include "zone.h"

/* transfer - the zone as NSD serves it (new list), or NULL with why */
static ldns_rr_list *transfer(const char *origin, char *why, size_t len)
{
    ldns_resolver *res = ldns_resolver_new();
    ldns_rdf *ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, DH_NS_ADDR);
    ldns_rdf *src = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, DH_SELFCHECK_ADDR);
    ldns_rdf *name = ldns_dname_new_frm_str(origin);
    ldns_rr_list *got = ldns_rr_list_new();
    struct timeval tv = {5, 0};
    ldns_status st;
    ldns_rr *rr;
    int nsoa = 0;

    ldns_resolver_push_nameserver(res, ns);
    ldns_resolver_set_source(res, src);
    ldns_resolver_set_timeout(res, tv);
    st = ldns_axfr_start(res, name, LDNS_RR_CLASS_IN);
    if (st != LDNS_STATUS_OK) {
        snprintf(why, len, "zone transfer refused: %s",
                 ldns_get_errorstr_by_id(st));
        goto fail;
    }
    while ((rr = ldns_axfr_next(res)) != NULL) {
        /* the transfer ends with the SOA it began with */
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && nsoa++ > 0) {
            ldns_rr_free(rr);
            break;
        }
        ldns_rr_list_push_rr(got, rr);
    }
    if (!ldns_axfr_complete(res)) {
        const ldns_pkt *last = ldns_axfr_last_pkt(res);
        const ldns_lookup_table *rc =
            last ? ldns_lookup_by_id(ldns_rcodes, ldns_pkt_get_rcode(last))
                 : NULL;

        snprintf(why, len, "NSD does not serve the zone (%s)",
                 rc ? rc->name : "no answer");
        goto fail;
    }
    ldns_axfr_abort(res);
    ldns_rdf_deep_free(src);
    ldns_rdf_deep_free(name);
    ldns_resolver_deep_free(res);
    return got;
fail:
    ldns_axfr_abort(res);
    ldns_rdf_deep_free(src);
    ldns_rdf_deep_free(name);
    ldns_resolver_deep_free(res);
    ldns_rr_list_deep_free(got);
    return NULL;
}

/* canonical - records in canonical form and order, in place */
static void canonical(ldns_rr_list *l)
{
    size_t i;

    for (i = 0; i < ldns_rr_list_rr_count(l); i++)
        ldns_rr2canonical(ldns_rr_list_rr(l, i));
    ldns_rr_list_sort(l);
}

/* contains - is a record with the same owner, type, class and rdata in
 * l?  (TTLs are compared too) */
static int contains(const ldns_rr_list *l, const ldns_rr *rr)
{
    size_t i;

    for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
        const ldns_rr *x = ldns_rr_list_rr(l, i);

        if (ldns_rr_compare(x, rr) == 0 && ldns_rr_ttl(x) == ldns_rr_ttl(rr))
            return 1;
    }
    return 0;
}

/* nsd_complaint - what NSD logged against lines of a zone file, each
 * led back to the scenario line (new string), or NULL */
static char *nsd_complaint(const dh_world *w, const char *zonefile)
{
    const char *logs[] = {"nsd/nsd.log", "nsd/nsd.out"};
    size_t i, flen = strlen(zonefile);
    dh_buf out;

    dh_buf_init(&out);
    for (i = 0; i < 2; i++) {
        char *path = dh_asprintf("%s/%s", w->rundir, logs[i]);
        char *text = dh_read_file(path, NULL), *line, *save = NULL;

        free(path);
        for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
             line = strtok_r(NULL, "\n", &save)) {
            const char *at = strstr(line, "error: "), *msg;
            char *src;
            int n = 0, used = 0;

            /* "error: FILE:LINE: message" */
            if (at == NULL || strncmp(at + 7, zonefile, flen) != 0 ||
                sscanf(at + 7 + flen, ":%d: %n", &n, &used) != 1 || !used)
                continue;
            msg = at + 7 + flen + used;
            src = dh_zone_file_source(zonefile, n);
            dh_buf_printf(&out, "%s%s: %s (NSD, %s line %d)",
                          out.len ? "; " : "", src ? src : "the harness's data",
                          msg, zonefile, n);
            free(src);
        }
        free(text);
    }
    return out.data;
}

/* first_difference - describe one record present in a but not in b */
static char *first_difference(const dh_world_zone *z, const ldns_rr_list *a,
                              const ldns_rr_list *b, const char *what)
{
    size_t i;

    for (i = 0; i < ldns_rr_list_rr_count(a); i++) {
        const ldns_rr *rr = ldns_rr_list_rr(a, i);

        if (!contains(b, rr)) {
            char *text = ldns_rr2str(rr), *nl, *d;
            const char *src = dh_zone_source(z->zone, rr);

            if ((nl = strchr(text, '\n')) != NULL)
                *nl = 0;
            d = dh_asprintf("%s%s%s %s", src ? src : "", src ? ": " : "", text,
                            what);
            free(text);
            return d;
        }
    }
    return NULL;
}

/* check_zone - one zone: NULL when served as built, else why */
static char *check_zone(const dh_world *w, const dh_world_zone *z)
{
    char why[256];
    ldns_rr_list *got = transfer(z->zone->origin, why, sizeof(why));
    ldns_rr_list *want;
    char *diff, *complaint;

    if (got == NULL) {
        complaint = nsd_complaint(w, z->path);
        if (complaint)
            diff = dh_asprintf("NSD rejected the zone %s: %s; %s",
                               z->zone->origin, complaint, why);
        else
            diff = dh_asprintf("NSD does not serve the zone %s as built: %s",
                               z->zone->origin, why);
        free(complaint);
        return diff;
    }
    want = dh_zone_served(z->zone);
    canonical(got);
    canonical(want);
    diff = first_difference(z, want, got, "is not served");
    if (diff == NULL)
        diff = first_difference(z, got, want, "is served but was not built");
    if (diff) {
        char *d = dh_asprintf("NSD serves the zone %s differently from the "
                              "zone file the harness wrote: %s",
                              z->zone->origin, diff);

        free(diff);
        diff = d;
    }
    ldns_rr_list_deep_free(got);
    ldns_rr_list_deep_free(want);
    return diff;
}

/* dh_world_check_served - see world.h */
void dh_world_check_served(dh_world *w)
{
    double t0 = dh_now();
    size_t i, n = 0;

    for (i = 0; i < w->nzones; i++) {
        dh_world_zone *z = &w->zones[i];
        char *why;

        if (z->path == NULL || (z->ws && z->ws->error))
            continue;
        n++;
        if ((why = check_zone(w, z)) == NULL)
            continue;
        if (z->ws == NULL)
            dh_fatal("%s", why);
        z->ws->error = why;
    }
    dh_debug("served: %zu zones transferred and compared in %.3f s", n,
             dh_now() - t0);
}

/* dh_world_check_zone - see world.h */
char *dh_world_check_zone(const dh_world *w, const dh_world_zone *z)
{
    return check_zone(w, z);
}
