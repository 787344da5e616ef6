/*++
 * NAME
 *	rc_deliver 3
 * SUMMARY
 *	one delivery attempt of one message to one recipient
 * DESCRIPTION
 *	See rc_deliver.h. A host failure (unusable host, connection or TLS
 *	failure, 4xx) moves on to the next address and host; a 5xx ends
 *	with a bounce; when nothing is left the message is deferred with
 *	all reasons (RFC 7672 9.1: DANE failures are temporary).
 *--*/

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "refclient/rc_deliver.h"
#include "common/diag.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_route.h"

/* rc_deliver_reason - append one "; "-separated reason */

static void rc_deliver_reason(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void rc_deliver_reason(char *buf, size_t len, const char *fmt, ...)
{
    size_t used = strlen(buf);
    va_list ap;

    if (used + 3 >= len)
        return;
    if (used) {
        memcpy(buf + used, "; ", 3);
        used += 2;
    }
    va_start(ap, fmt);
    vsnprintf(buf + used, len - used, fmt, ap);
    va_end(ap);
}

/* rc_deliver_exit - outcome to exit status */

int rc_deliver_exit(rc_out_status status)
{
    switch (status) {
    case RC_OUT_DELIVERED:
        return (0);
    case RC_OUT_BOUNCED:
        return (69);
    default:
        return (75);
    }
}

/* rc_deliver_params - TLS parameters of one planned host */

void rc_deliver_params(const rc_job *job, const rc_route *route,
                       const rc_host *host, const char **refids,
                       rc_tls_params *tp)
{
    memset(tp, 0, sizeof(*tp));
    tp->level = host->level;
    tp->base = host->base[0] ? host->base : host->name;
    tp->mxhost = host->name;
    tp->refids = refids;
    tp->nrefids = rc_policy_refids(tp->base, host->name,
                                   host->chain_secure ? host->canon : 0,
                                   route->domain, route->mx_resolved, refids);
    if (job->mutants & RC_MUT_TA_BASE_NAME_ONLY)
        tp->nrefids = 1; /* refids[0] is the base */
    tp->tlsa = host->tlsa;
    tp->ntlsa = host->ntlsa;
    tp->mutants = job->mutants;
    tp->checks = rc_policy_tls_checks(job->mutants);
    tp->pkix = job->pkix;
}

/* rc_deliver_host - try every address of one planned host */

static int rc_deliver_host(const rc_job *job, const rc_route *route,
                           const rc_host *host, char *reasons, size_t rlen,
                           rc_outcome *out)
{
    const char *refids[RC_POLICY_MAX_REFIDS];
    rc_tls_params tp;
    rc_sess_result res;
    int i;

    rc_deliver_params(job, route, host, refids, &tp);
    for (i = 0; i < host->naddrs; i++) {
        rc_session_run(job, host->name, host->addrs[i], &tp, &res);
        if (res.status == RC_SESS_TEMPFAIL &&
            rc_policy_cleartext_retry(tp.level, res.starttls_sent, res.tls_done,
                                      job->mutants)) {
            rc_job retry = *job;

            dh_info("%s[%s]: TLS failed (%s), retrying in clear (mutant "
                    "cleartext-retry)",
                    host->name, host->addrs[i], res.reason);
            retry.no_starttls = 1;
            rc_session_run(&retry, host->name, host->addrs[i], &tp, &res);
        }
        switch (res.status) {
        case RC_SESS_DELIVERED:
            out->status = RC_OUT_DELIVERED;
            snprintf(out->line, sizeof(out->line),
                     "delivered %s %s tls=%s%s%s%s%s%s", host->name,
                     host->addrs[i], res.tls, res.sni[0] ? " sni=" : "",
                     res.sni, res.match[0] ? " match=\"" : "", res.match,
                     res.match[0] ? "\"" : "");
            return (1);
        case RC_SESS_BOUNCE:
            out->status = RC_OUT_BOUNCED;
            snprintf(out->line, sizeof(out->line), "bounced %s[%s]: %s",
                     host->name, host->addrs[i], res.reason);
            return (1);
        case RC_SESS_TEMPFAIL:
        case RC_SESS_ACCEPTABLE: /* not in delivery mode */
            rc_deliver_reason(reasons, rlen, "%s[%s]: %s", host->name,
                              host->addrs[i], res.reason);
            break;
        }
    }
    return (0);
}

/* rc_deliver - resolve, then try hosts in order */

void rc_deliver(rc_dns *dns, const rc_job *job, const char *domain,
                rc_outcome *out)
{
    rc_route route;
    char reasons[3500];
    int i;

    reasons[0] = 0;
    memset(out, 0, sizeof(*out));
    rc_route_nexthop(dns, domain, job->mutants, 0, &route);
    switch (route.action) {
    case RC_MX_BOUNCE:
        out->status = RC_OUT_BOUNCED;
        snprintf(out->line, sizeof(out->line), "bounced %s: %s", route.domain,
                 route.why);
        goto done;
    case RC_MX_DEFER:
        out->status = RC_OUT_DEFERRED;
        snprintf(out->line, sizeof(out->line), "deferred %s: %s", route.domain,
                 route.why);
        goto done;
    default:
        break;
    }
    for (i = 0; i < route.nhosts; i++) {
        rc_host *host = route.hosts + i;

        rc_route_host(dns, &route, host, job->port, job->mutants);
        if (host->level == RC_LEVEL_UNUSABLE)
            rc_deliver_reason(reasons, sizeof(reasons), "%s: %s", host->name,
                              host->why);
        else if (rc_deliver_host(job, &route, host, reasons, sizeof(reasons),
                                 out))
            goto done;
        if ((job->mutants & RC_MUT_NO_NEXT_MX) && i + 1 < route.nhosts) {
            dh_info(
                "%s failed: not trying the next MX host (mutant no-next-mx)",
                host->name);
            break;
        }
        if (i + 1 < route.nhosts)
            dh_info("%s failed: trying the next host", host->name);
    }
    out->status = RC_OUT_DEFERRED;
    snprintf(out->line, sizeof(out->line), "deferred %s",
             reasons[0] ? reasons : "no usable host");

done:
    rc_route_free(&route);
}
