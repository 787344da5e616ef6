/*++
 * NAME
 *	rc_route 3
 * SUMMARY
 *	next-hop and per-host DANE plan from validated DNS
 * DESCRIPTION
 *	See rc_route.h. The rules themselves are in rc_policy.c; this file
 *	does the lookups, feeds the results to the rules, records and logs.
 *--*/

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_route.h"
#include "common/buf.h"

/* rc_route_lookup - lookup, refetched unvalidated for ignore-bogus */

static void rc_route_lookup(rc_dns *dns, const char *name, int rrtype,
                            unsigned mutants, rc_dns_answer *answer)
{
    rc_dns_lookup(dns, name, rrtype, answer);
    if (rc_policy_want_refetch(answer->sec, mutants)) {
        dh_info("%s %s %s (%s): fetching again without validation (mutant "
                "ignore-bogus)",
                name, rc_dns_type_str(rrtype), rc_sec_str(answer->sec),
                answer->why);
        rc_dns_answer_free(answer);
        rc_dns_lookup_unvalidated(dns, name, rrtype, answer);
    }
}

/* rc_route_status - "secure", "bogus (why)", ... for logging */

static const char *rc_route_status(const rc_dns_answer *a, char *buf,
                                   size_t len)
{
    if (a->why[0])
        snprintf(buf, len, "%s%s (%s)", rc_sec_str(a->sec),
                 a->unvalidated ? ", unvalidated" : "", a->why);
    else
        snprintf(buf, len, "%s%s", rc_sec_str(a->sec),
                 a->unvalidated ? ", unvalidated" : "");
    return (buf);
}

/* rc_route_record - append one lookup to a report list */

static void rc_route_record(rc_lookup **list, int *n, int rrtype,
                            const char *name, const rc_dns_answer *a,
                            const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void rc_route_record(rc_lookup **list, int *n, int rrtype,
                            const char *name, const rc_dns_answer *a,
                            const char *fmt, ...)
{
    rc_lookup *bigger = realloc(*list, (*n + 1) * sizeof(**list));
    rc_lookup *l;
    va_list ap;

    if (bigger == 0)
        return;
    *list = bigger;
    l = bigger + (*n)++;
    memset(l, 0, sizeof(*l));
    snprintf(l->type, sizeof(l->type), "%s", rc_dns_type_str(rrtype));
    snprintf(l->name, sizeof(l->name), "%s", name);
    l->sec = a->sec;
    l->ans = a->ans;
    l->unvalidated = a->unvalidated;
    if (a->ans == RC_ANS_FAIL) {
        snprintf(l->result, sizeof(l->result), "%s",
                 a->why[0] ? a->why : "lookup failed");
        return;
    }
    if (a->ans != RC_ANS_DATA) {
        snprintf(l->result, sizeof(l->result), "%s", rc_ans_str(a->ans));
        return;
    }
    va_start(ap, fmt);
    vsnprintf(l->result, sizeof(l->result), fmt, ap);
    va_end(ap);
}

/* rc_route_cname_note - log a followed CNAME */

static void rc_route_cname_note(const char *name, const rc_dns_answer *a)
{
    if (a->canon[0] && !rc_policy_name_eq(a->canon, name))
        dh_info("%s is an alias for %s", name, a->canon);
}

/* rc_route_cname_walk - CNAME chain hop by hop; status of the first hop */

static int rc_route_cname_walk(rc_dns *dns, const char *name, rc_lookup **list,
                               int *n)
{
    char cur[RC_DNS_NAMELEN];
    int first = -1;
    int hop;

    snprintf(cur, sizeof(cur), "%s", name);
    for (hop = 0; hop < RC_ROUTE_MAX_HOPS; hop++) {
        rc_dns_answer a;
        char target[RC_DNS_NAMELEN];
        size_t off = 0;
        int ok;

        rc_dns_lookup(dns, cur, RC_DNS_T_CNAME, &a);
        ok = (a.ans == RC_ANS_DATA && a.count > 0 &&
              rc_dns_name_str(a.data[0], a.len[0], &off, target,
                              sizeof(target)) == 0);
        if (first < 0)
            first = ok && a.sec == RC_SEC_SECURE;
        if (a.ans == RC_ANS_DATA || a.ans == RC_ANS_FAIL)
            rc_route_record(list, n, RC_DNS_T_CNAME, cur, &a, "%s",
                            ok ? target : "malformed CNAME");
        if (ok)
            dh_info("CNAME %s %s: %s", cur, rc_sec_str(a.sec), target);
        rc_dns_answer_free(&a);
        if (!ok)
            break;
        snprintf(cur, sizeof(cur), "%s", target);
    }
    return (first > 0);
}

/* rc_route_mx_str - "10 mx1., 20 mx2." for the log and the report */

static void rc_route_mx_str(const rc_mx *mx, int n, char *list, size_t len)
{
    size_t used = 0;
    int i;

    for (i = 0; i < n; i++)
        used += snprintf(list + used, used < len ? len - used : 0, "%s%d %s",
                         i ? ", " : "", mx[i].pref, mx[i].name);
}

/* rc_route_mx_hosts - the hosts of an MX RRset; how many MX entries remain */

static int rc_route_mx_hosts(rc_route *route, rc_mx *mx, int n, const char *why,
                             const char *st, const char *list)
{
    int null_mx = 0;
    int i;

    if (n < 0) {
        route->action = RC_MX_DEFER;
        snprintf(route->why, sizeof(route->why), "malformed MX record");
        dh_info("MX %s %s: malformed MX record -> deferred", route->domain, st);
        return (0);
    }
    n = rc_policy_mx_prepare(mx, n, &null_mx);
    dh_info("MX %s %s: %s", route->domain, st, list);
    if (n == 0) {
        route->action = RC_MX_BOUNCE;
        snprintf(route->why, sizeof(route->why), "%s",
                 null_mx ? "null MX: domain accepts no mail"
                         : "no usable MX host");
        dh_info("%s: %s -> bounced", route->domain, route->why);
        return (n);
    }
    if (null_mx)
        dh_info("%s: null MX beside other MX records ignored", route->domain);
    if ((route->hosts = calloc(n, sizeof(*route->hosts))) == 0) {
        route->action = RC_MX_DEFER;
        snprintf(route->why, sizeof(route->why), "out of memory");
        return (n);
    }
    for (i = 0; i < n; i++) {
        snprintf(route->hosts[i].name, sizeof(route->hosts[i].name), "%s",
                 mx[i].name);
        route->hosts[i].pref = mx[i].pref;
    }
    route->nhosts = n;
    route->mx_resolved = 1;
    snprintf(route->why, sizeof(route->why), "%s%s", why,
             route->mx_secure ? " (secure: DANE may apply)"
                              : " (insecure: no DANE)");
    dh_info("MX %s: %d host(s), %s", route->domain, n,
            route->mx_secure ? "MX secure: DANE may apply"
                             : "MX insecure: no DANE");
    return (n);
}

/* rc_route_implicit - no MX records: the domain is its own host */

static void rc_route_implicit(rc_route *route, const rc_dns_answer *a,
                              const char *why, const char *st)
{
    dh_info("MX %s %s: %s -> %s", route->domain, st, rc_ans_str(a->ans), why);
    if ((route->hosts = calloc(1, sizeof(*route->hosts))) == 0) {
        route->action = RC_MX_DEFER;
        snprintf(route->why, sizeof(route->why), "out of memory");
        return;
    }
    snprintf(route->hosts[0].name, sizeof(route->hosts[0].name), "%s",
             route->domain);
    route->nhosts = 1;
    snprintf(route->why, sizeof(route->why), "%s%s", why,
             route->mx_secure ? " (secure denial: DANE may apply)"
                              : " (insecure: no DANE)");
}

/* rc_route_nexthop - MX lookup of the next-hop domain */

void rc_route_nexthop(rc_dns *dns, const char *domain, unsigned mutants,
                      int diag, rc_route *route)
{
    rc_dns_answer a;
    rc_mx *mx = 0;
    const char *why;
    char st[400];
    char list[1024];
    int n = 0;

    memset(route, 0, sizeof(*route));
    route->diag = diag;
    rc_policy_fqdn(domain, route->domain, sizeof(route->domain));
    rc_route_lookup(dns, route->domain, RC_DNS_T_MX, mutants, &a);
    rc_route_cname_note(route->domain, &a);
    route->action = rc_policy_mx_action(a.sec, a.ans, mutants, &why);
    route->mx_secure = (a.sec == RC_SEC_SECURE);
    rc_route_status(&a, st, sizeof(st));

    /*
     * RFC 7672 2.2.1: a CNAME'd next-hop domain is secure only if every
     * hop is; libunbound's status already covers the whole chain. The
     * report shows the hops.
     */
    if (diag && a.canon[0] && !rc_policy_name_eq(a.canon, route->domain))
        (void)rc_route_cname_walk(dns, route->domain, &route->lookups,
                                  &route->nlookups);
    list[0] = 0;
    if (route->action == RC_MX_USE && (n = rc_dns_parse_mx(&a, &mx)) > 0)
        rc_route_mx_str(mx, n, list, sizeof(list));
    rc_route_record(&route->lookups, &route->nlookups, RC_DNS_T_MX,
                    route->domain, &a, "%s",
                    n < 0 ? "malformed MX record" : list);
    if (route->action == RC_MX_USE) {
        n = rc_route_mx_hosts(route, mx, n, why, st, list);
    } else if (route->action == RC_MX_IMPLICIT) {
        rc_route_implicit(route, &a, why, st);
    } else {
        snprintf(route->why, sizeof(route->why), "%s%s%s%s", why,
                 a.why[0] ? " (" : "", a.why, a.why[0] ? ")" : "");
        dh_info("MX %s %s: %s -> %s", route->domain, st, rc_ans_str(a.ans),
                route->action == RC_MX_BOUNCE
                    ? "bounced"
                    : "deferred, no implicit MX fallback");
    }
    rc_dns_mx_free(mx, n > 0 ? n : 0);
    rc_dns_answer_free(&a);
}

/* rc_route_addr_cmp - numeric address order (within one family) */

static int rc_route_addr_cmp(const void *a, const void *b)
{
    unsigned char ba[16];
    unsigned char bb[16];
    int fa = strchr(a, ':') ? AF_INET6 : AF_INET;
    int fb = strchr(b, ':') ? AF_INET6 : AF_INET;

    if (fa != fb)
        return (fa == AF_INET ? -1 : 1);
    if (inet_pton(fa, a, ba) != 1 || inet_pton(fb, b, bb) != 1)
        return (strcmp(a, b));
    return (memcmp(ba, bb, fa == AF_INET ? 4 : 16));
}

/* rc_route_addrs - log, record and collect one address answer */

static void rc_route_addrs(rc_host *host, int rrtype, const rc_dns_answer *a)
{
    char st[400];
    char list[1024];
    size_t used = 0;
    int i;

    list[0] = 0;
    for (i = 0; i < a->count && a->ans == RC_ANS_DATA; i++) {
        char addr[RC_ROUTE_ADDRLEN];
        char(*bigger)[RC_ROUTE_ADDRLEN];

        if (rc_dns_addr_str(rrtype, a->data[i], a->len[i], addr,
                            sizeof(addr)) == 0)
            continue;
        used +=
            snprintf(list + used, used < sizeof(list) ? sizeof(list) - used : 0,
                     "%s%s", used ? " " : "", addr);
        bigger =
            realloc(host->addrs, (host->naddrs + 1) * sizeof(*host->addrs));
        if (bigger == 0)
            continue;
        host->addrs = bigger;
        snprintf(host->addrs[host->naddrs++], RC_ROUTE_ADDRLEN, "%s", addr);
    }
    dh_info("%s %s %s: %s", host->name, rc_dns_type_str(rrtype),
            rc_route_status(a, st, sizeof(st)),
            a->ans == RC_ANS_DATA ? list : rc_ans_str(a->ans));
    if (a->canon[0] && !rc_policy_name_eq(a->canon, host->name))
        rc_route_record(&host->lookups, &host->nlookups, rrtype, host->name, a,
                        "%s  (via CNAME %s)", list, a->canon);
    else
        rc_route_record(&host->lookups, &host->nlookups, rrtype, host->name, a,
                        "%s", list);
}

/* rc_route_tlsa_drop - forget the TLSA records of a host */

static void rc_route_tlsa_drop(rc_host *host, int info)
{
    int i;

    for (i = 0; i < host->ntlsa; i++)
        free(host->tlsa[i].data);
    free(host->tlsa);
    host->tlsa = 0;
    host->ntlsa = 0;
    if (!info)
        return;
    for (i = 0; i < host->ntinfo; i++)
        free(host->tinfo[i].rec.data);
    free(host->tinfo);
    host->tinfo = 0;
    host->ntinfo = 0;
}

/* rc_route_tlsa_classify - copy and classify RECS into host->tinfo */

static int rc_route_tlsa_classify(rc_host *host, const rc_tlsa *recs, int n,
                                  unsigned mutants, rc_tlsa *usable_recs)
{
    int usable = 0;
    int i;

    for (i = 0; i < n; i++) {
        rc_tlsa_info *ti = host->tinfo + host->ntinfo;

        ti->rec = recs[i];
        ti->rec.data = malloc(recs[i].len ? recs[i].len : 1);
        if (ti->rec.data == 0)
            continue;
        if (recs[i].len)
            memcpy(ti->rec.data, recs[i].data, recs[i].len);
        ti->usable = rc_policy_tlsa_usable(&ti->rec, mutants, &ti->cls);
        if (ti->usable)
            usable_recs[usable++] = ti->rec;
        host->ntinfo++;
    }
    return (usable);
}

/* rc_route_tlsa_log - one TLSA record and what it is worth */

static void rc_route_tlsa_log(const char *qname, const rc_tlsa_info *ti)
{
    char hex[40];

    dh_hex_into(ti->rec.data, ti->rec.len < 16 ? ti->rec.len : 16, hex,
                sizeof(hex));
    dh_info("%s TLSA %u %u %u %s%s: %s%s", qname, ti->rec.usage,
            ti->rec.selector, ti->rec.mtype, hex, ti->rec.len > 16 ? "..." : "",
            ti->usable && ti->cls != RC_TLSA_USABLE
                ? "usable (mutant pkix-usages-usable)"
                : rc_policy_tlsa_class_str(ti->cls),
            ti->usable && !ti->used
                ? ", ignored: a stronger digest of the same usage and "
                  "selector is present (RFC 7671 9)"
                : "");
}

/* rc_route_tlsa_use - append a copy of one record to the records for TLS */

static void rc_route_tlsa_use(rc_host *host, const rc_tlsa *rec)
{
    rc_tlsa *bigger = realloc(host->tlsa, (host->ntlsa + 1) * sizeof(*bigger));
    unsigned char *data = malloc(rec->len ? rec->len : 1);

    if (bigger == 0 || data == 0) {
        if (bigger)
            host->tlsa = bigger;
        free(data);
        return;
    }
    host->tlsa = bigger;
    memcpy(data, rec->data, rec->len);
    host->tlsa[host->ntlsa] = *rec;
    host->tlsa[host->ntlsa++].data = data;
}

/* rc_route_tlsa_scan - classify, log and keep one TLSA RRset */

static int rc_route_tlsa_scan(const char *qname, const rc_dns_answer *a,
                              rc_host *host, int secure, unsigned mutants)
{
    rc_tlsa *recs = 0;
    rc_tlsa *usable_recs;
    int *keep;
    int n = rc_dns_parse_tlsa(a, &recs);
    int usable;
    int i;
    int j;

    rc_route_tlsa_drop(host, 1);
    if (n <= 0)
        return (0);
    host->tinfo = calloc(n, sizeof(*host->tinfo));
    usable_recs = calloc(n, sizeof(*usable_recs));
    keep = calloc(n, sizeof(*keep));
    if (host->tinfo == 0 || usable_recs == 0 || keep == 0) {
        free(host->tinfo);
        host->tinfo = 0;
        free(usable_recs);
        free(keep);
        free(recs);
        return (0);
    }
    snprintf(host->tlsa_name, sizeof(host->tlsa_name), "%s", qname);
    usable = rc_route_tlsa_classify(host, recs, n, mutants, usable_recs);

    /*
     * RFC 7671 9: digest agility among the usable records.
     */
    (void)rc_policy_tlsa_agility(usable_recs, usable, mutants, keep);
    for (i = 0, j = 0; i < host->ntinfo; i++) {
        rc_tlsa_info *ti = host->tinfo + i;

        if (ti->usable)
            ti->used = keep[j++];
        rc_route_tlsa_log(qname, ti);
        if (secure && ti->used)
            rc_route_tlsa_use(host, &ti->rec);
    }
    free(usable_recs);
    free(keep);
    free(recs);
    return (usable);
}

/* rc_route_host_addrs - A and AAAA lookups in order; 1 if NAME is an alias */

static int rc_route_host_addrs(rc_dns *dns, const rc_route *route,
                               rc_host *host, unsigned mutants,
                               rc_dns_answer *a4, rc_dns_answer *a6,
                               int *first_hop)
{
    int cname;

    rc_route_lookup(dns, host->name, RC_DNS_T_A, mutants, a4);
    rc_route_lookup(dns, host->name, RC_DNS_T_AAAA, mutants, a6);
    rc_route_cname_note(host->name, a4);
    if (a4->canon[0])
        snprintf(host->canon, sizeof(host->canon), "%s", a4->canon);
    else if (a6->canon[0])
        snprintf(host->canon, sizeof(host->canon), "%s", a6->canon);
    cname = host->canon[0] && !rc_policy_name_eq(host->canon, host->name);
    if (route->diag && cname)
        *first_hop = rc_route_cname_walk(dns, host->name, &host->lookups,
                                         &host->nlookups);
    rc_route_addrs(host, RC_DNS_T_A, a4);
    rc_route_addrs(host, RC_DNS_T_AAAA, a6);

    /*
     * Deterministic order (resolvers rotate RRsets): IPv4 first, each
     * family in numeric order.
     */
    if (host->naddrs > 1)
        qsort(host->addrs, host->naddrs, sizeof(*host->addrs),
              rc_route_addr_cmp);
    return (cname);
}

/* rc_route_host_usable - may the host's addresses be used? If not, why */

static int rc_route_host_usable(rc_host *host, const rc_dns_answer *a4,
                                const rc_dns_answer *a6)
{
    const char *why;

    if (!rc_policy_addr_usable(a4->sec, a4->ans, a6->sec, a6->ans,
                               &host->addr_secure, &why)) {
        const rc_dns_answer *bad =
            a4->sec == RC_SEC_BOGUS ||
                    (a4->ans == RC_ANS_FAIL && a6->sec != RC_SEC_BOGUS)
                ? a4
                : a6;

        snprintf(host->why, sizeof(host->why), "%s%s%s%s", why,
                 bad->why[0] ? " (" : "", bad->why, bad->why[0] ? ")" : "");
        snprintf(host->level_why, sizeof(host->level_why), "%.500s", host->why);
        dh_info("%s: %s -> host unusable", host->name, host->why);
        return (0);
    }
    if (host->naddrs == 0) {
        snprintf(host->why, sizeof(host->why), "no valid address");
        snprintf(host->level_why, sizeof(host->level_why), "%.500s", host->why);
        dh_info("%s: %s -> host unusable", host->name, host->why);
        return (0);
    }
    return (1);
}

/* rc_route_first_hop - one CNAME query: is the first hop secure? */

static int rc_route_first_hop(rc_dns *dns, rc_host *host)
{
    rc_dns_answer c;
    char target[RC_DNS_NAMELEN];
    size_t off = 0;
    int first_hop;

    rc_dns_lookup(dns, host->name, RC_DNS_T_CNAME, &c);
    first_hop = (c.sec == RC_SEC_SECURE && c.ans == RC_ANS_DATA);
    rc_route_record(&host->lookups, &host->nlookups, RC_DNS_T_CNAME, host->name,
                    &c, "%s",
                    c.count > 0 && rc_dns_name_str(c.data[0], c.len[0], &off,
                                                   target, sizeof(target)) == 0
                        ? target
                        : "?");
    dh_info("%s: first CNAME hop %s", host->name,
            first_hop ? "secure" : "not secure");
    rc_dns_answer_free(&c);
    return (first_hop);
}

/* rc_route_tlsa_note - record one TLSA lookup for the report */

static void rc_route_tlsa_note(rc_host *host, const char *qname,
                               const rc_dns_answer *t)
{
    if (t->canon[0] && !rc_policy_name_eq(t->canon, qname))
        rc_route_record(&host->lookups, &host->nlookups, RC_DNS_T_TLSA, qname,
                        t, "%d record%s  (via CNAME %s)", t->count,
                        t->count == 1 ? "" : "s", t->canon);
    else
        rc_route_record(&host->lookups, &host->nlookups, RC_DNS_T_TLSA, qname,
                        t, "%d record%s", t->count, t->count == 1 ? "" : "s");
}

/* rc_route_tlsa_settle - does this TLSA answer decide? 1 = stop looking */

static int rc_route_tlsa_settle(rc_host *host, const rc_dns_answer *t,
                                rc_level level, const char *base)
{
    if (level == RC_LEVEL_UNUSABLE) {
        snprintf(host->why, sizeof(host->why), "%s", host->level_why);
        return (1);
    }
    if (t->sec == RC_SEC_SECURE && t->ans == RC_ANS_DATA) {
        snprintf(host->base, sizeof(host->base), "%s", base);
        if (level == RC_LEVEL_DANE && !rc_policy_name_eq(base, host->name))
            dh_info("%s: TLSA base domain %s", host->name, base);
        return (1);
    }

    /*
     * A failure (mutant ignore-bogus) stops; a secure denial or insecure
     * answer moves on to the next candidate.
     */
    return (t->ans == RC_ANS_FAIL);
}

/* rc_route_tlsa_base - TLSA at one candidate base domain; 1 = stop here */

static int rc_route_tlsa_base(rc_dns *dns, rc_host *host, const char *base,
                              const char *next, int port, unsigned mutants)
{
    rc_dns_answer t;
    char qname[RC_DNS_NAMELEN + 16];
    char st[400];
    const char *why;
    int usable = 0;
    int stop;
    rc_level level;

    snprintf(qname, sizeof(qname), "_%d._tcp.%s", port, base);
    rc_dns_lookup(dns, qname, RC_DNS_T_TLSA, &t);
    rc_route_cname_note(qname, &t);
    rc_route_tlsa_note(host, qname, &t);
    if (t.ans == RC_ANS_DATA)
        usable = rc_route_tlsa_scan(qname, &t, host, t.sec == RC_SEC_SECURE,
                                    mutants);
    level = rc_policy_tlsa_level(t.sec, t.ans, usable, mutants, &why);
    rc_route_status(&t, st, sizeof(st));
    if (t.ans == RC_ANS_DATA)
        dh_info("%s TLSA %s: %d usable record(s) of %d -> %s (%s)", qname, st,
                usable, t.count, rc_level_str(level), why);
    else if (next && t.ans != RC_ANS_FAIL)
        dh_info("%s TLSA %s: %s -> trying %s", qname, st, rc_ans_str(t.ans),
                next);
    else
        dh_info("%s TLSA %s: %s -> %s (%s)", qname, st, rc_ans_str(t.ans),
                rc_level_str(level), why);
    host->level = level;
    snprintf(host->level_why, sizeof(host->level_why), "%s%s%.300s%s", why,
             t.why[0] ? " (" : "", t.why, t.why[0] ? ")" : "");
    stop = rc_route_tlsa_settle(host, &t, level, base);
    rc_dns_answer_free(&t);
    return (stop);
}

/* rc_route_tlsa - TLSA base domain candidates, their lookups, the level */

static void rc_route_tlsa(rc_dns *dns, const rc_route *route, rc_host *host,
                          int cname, int first_hop, int port, unsigned mutants)
{
    const char *bases[RC_POLICY_MAX_BASES];
    const char *why;
    const char *local;
    int nbases;
    int i;

    nbases = rc_policy_tlsa_bases(host->name, cname ? host->canon : 0,
                                  route->mx_secure, host->addr_secure,
                                  first_hop, mutants, bases, &why);
    dh_info("%s: %s", host->name, why);
    host->level = RC_LEVEL_OPPORTUNISTIC;
    snprintf(host->level_why, sizeof(host->level_why), "%s", why);
    for (i = 0; i < nbases; i++)
        if (rc_route_tlsa_base(dns, host, bases[i],
                               i + 1 < nbases ? bases[i + 1] : 0, port,
                               mutants))
            break;
    host->level = rc_policy_host_level(host->level, mutants, &local);
    if (local) {
        dh_info("%s: %s -> host unusable", host->name, local);
        snprintf(host->why, sizeof(host->why), "%s", local);
        snprintf(host->level_why, sizeof(host->level_why), "%s", local);
    }
    if (host->level != RC_LEVEL_DANE)
        rc_route_tlsa_drop(host, 0);
}

/* rc_route_host - addresses, TLSA base domain, TLSA, TLS level */

void rc_route_host(rc_dns *dns, const rc_route *route, rc_host *host, int port,
                   unsigned mutants)
{
    rc_dns_answer a4;
    rc_dns_answer a6;
    int first_hop = 0;
    int cname;

    host->level = RC_LEVEL_UNUSABLE;
    cname =
        rc_route_host_addrs(dns, route, host, mutants, &a4, &a6, &first_hop);
    if (rc_route_host_usable(host, &a4, &a6)) {
        host->chain_secure = cname && host->addr_secure;

        /*
         * RFC 7672 2.2.2: a secure CNAME into an insecure zone still has a
         * TLSA base domain: the original name. That needs the status of
         * the first hop, which the address lookups do not tell.
         */
        if (cname && !route->diag && !host->addr_secure && route->mx_secure &&
            !(mutants & RC_MUT_NO_DANE))
            first_hop = rc_route_first_hop(dns, host);
        rc_route_tlsa(dns, route, host, cname, first_hop, port, mutants);
    }
    rc_dns_answer_free(&a4);
    rc_dns_answer_free(&a6);
}

/* rc_route_free - release a route */

void rc_route_free(rc_route *route)
{
    int i;

    for (i = 0; i < route->nhosts; i++) {
        rc_host *h = route->hosts + i;

        rc_route_tlsa_drop(h, 1);
        free(h->addrs);
        free(h->lookups);
    }
    free(route->hosts);
    free(route->lookups);
    route->hosts = 0;
    route->nhosts = 0;
    route->lookups = 0;
    route->nlookups = 0;
}
