/*++
 * NAME
 *	rc_check 3
 * SUMMARY
 *	--check: a DANE report for one domain, without sending mail
 * DESCRIPTION
 *	See rc_check.h. The DNS side is rc_route (the same code as a
 *	delivery), the connection is rc_session in probe mode (the same
 *	code again, stopping before MAIL), so the report shows what a
 *	delivery would do. Everything here only formats.
 *
 *	Layout: one block per MX host, a key column of fixed width, DNS
 *	lookups as a table whose name column fits the longest name.
 *--*/

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "refclient/rc_check.h"
#include "refclient/rc_deliver.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_route.h"
#include "refclient/rc_tls.h"
#include "common/buf.h"

#define RC_CHECK_KEYW 16   /* key column width */
#define RC_CHECK_HEXMAX 64 /* hex digits shown per TLSA record */

/* rc_check_kv - one "key   value" line */

static void rc_check_kv(FILE *fp, const char *indent, const char *key,
                        const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void rc_check_kv(FILE *fp, const char *indent, const char *key,
                        const char *fmt, ...)
{
    va_list ap;

    fprintf(fp, "%s%-*s ", indent, RC_CHECK_KEYW, key);
    va_start(ap, fmt);
    vfprintf(fp, fmt, ap);
    va_end(ap);
    fputc('\n', fp);
}

/* rc_check_lookups - the DNS lookups of one block, as a table */

static void rc_check_lookups(FILE *fp, const char *indent, const rc_lookup *l,
                             int n)
{
    int w = 4;
    int i;

    for (i = 0; i < n; i++)
        if ((int)strlen(l[i].name) > w)
            w = (int)strlen(l[i].name);
    fprintf(fp, "%s%-6s %-*s  %-14s %s\n", indent, "LOOKUP", w, "NAME",
            "DNSSEC", "RESULT");
    for (i = 0; i < n; i++) {
        char st[32];

        snprintf(st, sizeof(st), "%s%s", rc_sec_str(l[i].sec),
                 l[i].unvalidated ? " (unval.)" : "");
        fprintf(fp, "%s%-6s %-*s  %-14s %s\n", indent, l[i].type, w, l[i].name,
                st, l[i].result);
    }
}

/* rc_check_hex - TLSA association data for display */

static char *rc_check_hex(const rc_tlsa *t, char *buf, size_t len)
{
    size_t show =
        t->len * 2 <= RC_CHECK_HEXMAX ? t->len : (RC_CHECK_HEXMAX - 16) / 2;
    size_t used;

    dh_hex_into(t->data, show, buf, len);
    used = strlen(buf);
    if (show < t->len)
        snprintf(buf + used, len - used, "...(%zu bytes)", t->len);
    if (t->len == 0)
        snprintf(buf, len, "(empty)");
    return (buf);
}

/* rc_check_record - one TLSA record and what it is worth */

static void rc_check_record(FILE *fp, const rc_tlsa_info *ti)
{
    char hex[RC_CHECK_HEXMAX + 32];
    const char *note;

    if (!ti->usable)
        note = rc_policy_tlsa_class_str(ti->cls);
    else if (ti->cls != RC_TLSA_USABLE)
        note = "usable (mutant pkix-usages-usable)";
    else if (!ti->used)
        note = "usable, ignored: weaker digest than another record of this "
               "usage/selector (RFC 7671 9)";
    else
        note = "usable";
    fprintf(fp, "    %u %u %u %-*s  %s\n", ti->rec.usage, ti->rec.selector,
            ti->rec.mtype, RC_CHECK_HEXMAX,
            rc_check_hex(&ti->rec, hex, sizeof(hex)), note);
}

/* rc_check_usage_str - name of a certificate usage */

static const char *rc_check_usage_str(int usage)
{
    switch (usage) {
    case 0:
        return ("PKIX-TA(0)");
    case 1:
        return ("PKIX-EE(1)");
    case 2:
        return ("DANE-TA(2)");
    case 3:
        return ("DANE-EE(3)");
    }
    return ("unknown usage");
}

/* rc_check_certs - subject, issuer, expiry and digests per depth */

static void rc_check_certs(FILE *fp, STACK_OF(X509) * chain, int n)
{
    int d;

    for (d = 0; d < n; d++) {
        rc_cert_desc ci;
        char key[24];

        rc_tls_cert_info(sk_X509_value(chain, d), &ci);
        snprintf(key, sizeof(key), "Chain depth %d", d);
        rc_check_kv(fp, "    ", key, "subject  %s", ci.subject);
        rc_check_kv(fp, "    ", "", "issuer   %s", ci.issuer);
        rc_check_kv(fp, "    ", "", "expires  %s%s", ci.not_after,
                    ci.expired > 0   ? "  (EXPIRED)"
                    : ci.expired < 0 ? "  (NOT YET VALID)"
                                     : "");
        rc_check_kv(fp, "    ", "", "cert     sha256 %s", ci.cert_sha256);
        rc_check_kv(fp, "    ", "", "spki     sha256 %s", ci.spki_sha256);
    }
}

/* rc_check_where - at which depths one TLSA record matches the chain */

static void rc_check_where(const rc_tlsa *rec, STACK_OF(X509) * chain, int n,
                           char *where, size_t len)
{
    size_t used = 0;
    int d;

    where[0] = 0;
    for (d = 0; d < n; d++) {
        if (!rc_tls_tlsa_match(rec, sk_X509_value(chain, d)))
            continue;
        used +=
            snprintf(where + used, used < len ? len - used : 0, "%sdepth %d",
                     used            ? ", "
                     : rec->selector ? "matches the public key at "
                                     : "matches the certificate at ",
                     d);
    }
    if (used == 0)
        snprintf(where, len, "%s",
                 rec->usage == 2 && rec->mtype == 0
                     ? "matches no certificate presented (a full trust anchor "
                       "from DNS may still validate the chain, RFC 7671 5.2.2)"
                     : "matches no certificate presented");
    else if (rec->usage == 3 && strstr(where, "depth 0") == 0)
        snprintf(where + strlen(where), len - strlen(where),
                 " (DANE-EE counts at depth 0 only)");
}

/* rc_check_chain - the chain presented and which record matches where */

static void rc_check_chain(FILE *fp, const rc_host *host,
                           const rc_sess_result *res)
{
    int n = res->chain ? sk_X509_num(res->chain) : 0;
    int shown = 0;
    int i;

    if (n == 0) {
        rc_check_kv(fp, "    ", "Chain", "(no certificate)");
        return;
    }
    rc_check_certs(fp, res->chain, n);

    /*
     * Our own matcher, independent of OpenSSL's verdict below: which
     * record matches which certificate presented.
     */
    for (i = 0; i < host->ntinfo; i++) {
        const rc_tlsa_info *ti = host->tinfo + i;
        char hex[RC_CHECK_HEXMAX + 32];
        char where[200];

        if (!ti->usable || host->level != RC_LEVEL_DANE)
            continue;
        rc_check_where(&ti->rec, res->chain, n, where, sizeof(where));
        rc_check_kv(fp, "    ", shown++ ? "" : "TLSA match",
                    "%u %u %u %.16s%s  %s%s", ti->rec.usage, ti->rec.selector,
                    ti->rec.mtype, rc_check_hex(&ti->rec, hex, sizeof(hex)),
                    ti->rec.len > 8 ? "..." : "", where,
                    ti->used ? "" : "  [ignored: weaker digest]");
    }
}

/* rc_check_decision - the decision for one address: code and detail */

static int rc_check_decision(const rc_host *host, const rc_sess_result *res,
                             const char **code, char *detail, size_t len)
{
    if (res->status != RC_SESS_ACCEPTABLE) {
        *code = "skip";
        snprintf(detail, len, "%s", res->reason);
        return (0);
    }
    if (!res->tls_done) {
        *code = "deliver-opportunistic";
        snprintf(detail, len, "cleartext: %s",
                 res->starttls > 0 ? "STARTTLS refused"
                                   : "STARTTLS not offered");
    } else if (host->level == RC_LEVEL_DANE &&
               strcmp(res->tls, "dane-verified") == 0) {
        *code = "deliver-dane";
        snprintf(detail, len, "%s %s matched at depth %d",
                 rc_check_usage_str(res->tlsres.usage), res->match,
                 res->tlsres.dane_depth);
    } else if (host->level == RC_LEVEL_DANE) {
        *code = "deliver-unauthenticated";
        snprintf(detail, len, "%s", res->accept_why);
    } else if (host->level == RC_LEVEL_MANDATORY) {
        *code = "deliver-tls";
        snprintf(
            detail, len,
            "TLS mandatory, not authenticated: only unusable TLSA records");
    } else {
        *code = "deliver-opportunistic";
        snprintf(detail, len, "TLS, not authenticated");
    }
    return (1);
}

/* rc_check_address - probe one address of one host */

static int rc_check_address(FILE *fp, const rc_job *job, const rc_host *host,
                            const char *addr, const rc_tls_params *tp,
                            const char **code, char *detail, size_t dlen)
{
    rc_sess_result res;
    const rc_tls_result *tr = &res.tlsres;
    int ok;

    fprintf(fp, "\n  Address %s port %d\n", addr, job->port);
    rc_session_run(job, host->name, addr, tp, &res);
    if (!res.connected) {
        rc_check_kv(fp, "    ", "Connect", "failed: %s", res.reason);
    } else {
        rc_check_kv(fp, "    ", "Greeting", "%s",
                    res.greeting[0] ? res.greeting : "(none)");
        rc_check_kv(fp, "    ", "STARTTLS", "%s",
                    res.starttls > 0    ? "offered"
                    : res.starttls == 0 ? "not offered"
                                        : "(no EHLO reply)");
    }
    if (res.tls_done) {
        rc_check_kv(fp, "    ", "TLS", "%s %s, SNI %s", tr->version, tr->cipher,
                    res.sni[0] ? res.sni : "(none)");
        rc_check_chain(fp, host, &res);
        if (host->level == RC_LEVEL_DANE && tr->verify_ok &&
            tr->dane_depth >= 0)
            rc_check_kv(fp, "    ", "Verified", "yes: %s %s at depth %d",
                        rc_check_usage_str(tr->usage), res.match,
                        tr->dane_depth);
        else if (host->level == RC_LEVEL_DANE)
            rc_check_kv(fp, "    ", "Verified", "no: %s", tr->error);
        if (tp->pkix)
            rc_check_kv(fp, "    ", "PKIX (--ca-file)",
                        "%s%s  (information only: DANE ignores it)",
                        tr->pkix_ok ? "valid" : "not valid: ", tr->pkix_error);
    } else if (res.tlsres.error[0]) {
        rc_check_kv(fp, "    ", "TLS", "%s", res.tlsres.error);
    }
    ok = rc_check_decision(host, &res, code, detail, dlen);
    rc_check_kv(fp, "    ", "Decision", "%s (%s)", *code, detail);
    rc_session_result_free(&res);
    return (ok);
}

/* rc_check_policy - one host's lookups, TLSA records, policy, name checks */

static void rc_check_policy(FILE *fp, const rc_job *job, const rc_route *route,
                            const rc_host *host, const char **refids,
                            rc_tls_params *tp)
{
    char list[1100];
    size_t used = 0;
    int ta = 0;
    int i;

    rc_check_lookups(fp, "  ", host->lookups, host->nlookups);
    if (host->ntinfo > 0) {
        fprintf(fp, "  TLSA records at %s:\n", host->tlsa_name);
        for (i = 0; i < host->ntinfo; i++) {
            rc_check_record(fp, host->tinfo + i);
            ta |= host->tinfo[i].used && host->tinfo[i].rec.usage != 3;
        }
    }
    if (host->base[0])
        rc_check_kv(fp, "  ", "TLSA base domain", "%s", host->base);
    rc_check_kv(fp, "  ", "Policy", "%s: %s", rc_level_str(host->level),
                host->level_why);
    rc_deliver_params(job, route, host, refids, tp);
    if (host->level == RC_LEVEL_DANE && ta) {
        list[0] = 0;
        for (i = 0; i < tp->nrefids; i++)
            used += snprintf(list + used,
                             used < sizeof(list) ? sizeof(list) - used : 0,
                             "%s%s", i ? ", " : "", refids[i]);
        rc_check_kv(fp, "  ", "Name checks",
                    "DANE-TA(2): the leaf must name one of %s", list);
    } else if (host->level == RC_LEVEL_DANE) {
        rc_check_kv(fp, "  ", "Name checks", "none (DANE-EE(3) only)");
    }
}

/* rc_check_addresses - probe every address of one host; 1 if one is ok */

static int rc_check_addresses(FILE *fp, const rc_job *job, const rc_host *host,
                              const rc_tls_params *tp, char *summary,
                              size_t slen, char *dline, size_t dlen)
{
    const char *code;
    char detail[700];
    char list[1100];
    size_t used = 0;
    int ok = 0;
    int i;

    list[0] = 0;
    for (i = 0; i < host->naddrs; i++) {
        if (rc_check_address(fp, job, host, host->addrs[i], tp, &code, detail,
                             sizeof(detail))) {
            if (!ok) {
                snprintf(summary, slen, "%s via [%s] (%.600s)", code,
                         host->addrs[i], detail);
                snprintf(dline, dlen, "%s via %.300s [%s] (%.600s)", code,
                         host->name, host->addrs[i], detail);
            }
            ok = 1;
        } else {
            used += snprintf(
                list + used, used < sizeof(list) ? sizeof(list) - used : 0,
                "%s[%s] %s", used ? "; " : "", host->addrs[i], detail);
        }
    }
    if (!ok)
        snprintf(summary, slen, "skip (%.700s)", list);
    fprintf(fp, "\n");
    rc_check_kv(fp, "  ", "Host decision", "%s", summary);
    return (ok);
}

/* rc_check_host - one MX host: DNS, TLSA, policy, then its addresses */

static int rc_check_host(FILE *fp, rc_dns *dns, const rc_job *job,
                         const rc_route *route, rc_host *host, int index,
                         int connect, char *summary, size_t slen, char *dline,
                         size_t dlen)
{
    const char *refids[RC_POLICY_MAX_REFIDS];
    rc_tls_params tp;

    if (route->mx_resolved)
        fprintf(fp, "\nMX host %d of %d: %s (preference %d)\n", index + 1,
                route->nhosts, host->name, host->pref);
    else
        fprintf(fp,
                "\nHost %s (no MX records: the domain itself, implicit MX)\n",
                host->name);
    rc_route_host(dns, route, host, job->port, job->mutants);
    rc_check_policy(fp, job, route, host, refids, &tp);
    if (host->level == RC_LEVEL_UNUSABLE) {
        snprintf(summary, slen, "skip (%.700s)", host->why);
        rc_check_kv(fp, "  ", "Host decision", "%s", summary);
        return (0);
    }
    if (!connect) {
        snprintf(summary, slen, "not connected (--no-connect); policy %s",
                 rc_level_str(host->level));
        snprintf(dline, dlen, "%.300s (%s)", host->name,
                 rc_level_str(host->level));
        rc_check_kv(fp, "  ", "Host decision", "%s", summary);
        return (1);
    }
    return (rc_check_addresses(fp, job, host, &tp, summary, slen, dline, dlen));
}

/* rc_check - the whole report */

int rc_check(FILE *fp, rc_dns *dns, const rc_job *job, const char *domain,
             int connect)
{
    rc_route route;
    char mlist[512];
    char summary[800];
    char first[1100];
    char dline[1100];
    int usable = 0;
    int i;

    rc_route_nexthop(dns, domain, job->mutants, 1, &route);
    fprintf(fp, "Next-hop domain %s (TLSA port %d%s%s)\n", route.domain,
            job->port, job->mutants ? ", mutants: " : "",
            job->mutants ? rc_mutant_list(job->mutants, mlist, sizeof(mlist))
                         : "");
    rc_check_lookups(fp, "  ", route.lookups, route.nlookups);
    rc_check_kv(fp, "  ", "MX decision", "%s", route.why);
    first[0] = 0;
    if (route.action == RC_MX_USE || route.action == RC_MX_IMPLICIT) {
        for (i = 0; i < route.nhosts; i++) {
            if (rc_check_host(fp, dns, job, &route, route.hosts + i, i, connect,
                              summary, sizeof(summary), dline, sizeof(dline)) &&
                usable++ == 0)
                snprintf(first, sizeof(first), "%s", dline);
        }
    }
    fprintf(fp, "\n");
    if (route.action == RC_MX_BOUNCE)
        rc_check_kv(fp, "", "Domain decision", "bounce (%s)", route.why);
    else if (route.action == RC_MX_DEFER)
        rc_check_kv(fp, "", "Domain decision", "defer (%s)", route.why);
    else if (usable == 0)
        rc_check_kv(fp, "", "Domain decision", "defer (no acceptable MX host)");
    else if (!connect)
        rc_check_kv(fp, "", "Domain decision",
                    "%d of %d host(s) usable by DNS policy; first: %s", usable,
                    route.nhosts, first);
    else
        rc_check_kv(fp, "", "Domain decision", "%s", first);
    fflush(fp);
    rc_route_free(&route);
    return (usable > 0 ? 0 : 1);
}
