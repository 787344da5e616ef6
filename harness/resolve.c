/*
 * resolve.c - libunbound lookups for the harness's own checks.
 */
#include "resolve.h"

#include <ldns/ldns.h>
#include <string.h>

#include "util.h"

/* dh_resolver_new - validating context through the sandbox resolver */
struct ub_ctx *dh_resolver_new(const char *ta_path)
{
    struct ub_ctx *ctx = ub_ctx_create();
    int rc;

    if (ctx == NULL)
        dh_fatal("libunbound: cannot create a context");
    if ((rc = ub_ctx_set_fwd(ctx, DH_RESOLVER_ADDR)) != 0 ||
        (rc = ub_ctx_add_ta_file(ctx, ta_path)) != 0 ||
        (rc = ub_ctx_set_option(ctx, "val-sig-skew-min:", "0")) != 0 ||
        (rc = ub_ctx_set_option(ctx, "val-sig-skew-max:", "0")) != 0 ||
        (rc = ub_ctx_set_option(
             ctx, "outgoing-interface:", DH_SELFCHECK_ADDR)) != 0 ||
        (rc = ub_ctx_set_option(ctx, "do-ip6:", "no")) != 0)
        dh_fatal("libunbound: %s", ub_strerror(rc));
    return ctx;
}

/* dh_resolver_recursive - see resolve.h */
struct ub_ctx *dh_resolver_recursive(const char *hints_path,
                                     const char *ta_path)
{
    struct ub_ctx *ctx = ub_ctx_create();
    static const char *const opts[][2] = {
        {"do-not-query-localhost:", "no"},
        {"outgoing-interface:", DH_SELFCHECK_ADDR},
        {"do-ip6:", "no"},
        {"val-sig-skew-min:", "0"},
        {"val-sig-skew-max:", "0"},
        {"qname-minimisation:", "no"},
        {"harden-referral-path:", "no"},
        /* NSD must never be given up, however slow a loaded machine (or
         * a sanitizer build) makes it: a second at least per query, and
         * about 14 s of silence before the server counts as down (names
         * in lame zones are not asked) */
        {"unknown-server-time-limit:", "1500"},
        {"infra-cache-min-rtt:", "1000"},
        {"infra-cache-max-rtt:", "8000"},
    };
    size_t i;
    int rc;

    if (ctx == NULL)
        dh_fatal("libunbound: cannot create a context");
    if ((rc = ub_ctx_set_option(ctx, "root-hints:", hints_path)) != 0 ||
        (rc = ub_ctx_add_ta_file(ctx, ta_path)) != 0 ||
        (rc = ub_ctx_async(ctx, 1)) != 0)
        dh_fatal("libunbound: %s", ub_strerror(rc));
    for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
        if ((rc = ub_ctx_set_option(ctx, opts[i][0], opts[i][1])) != 0)
            dh_fatal("libunbound: %s %s: %s", opts[i][0], opts[i][1],
                     ub_strerror(rc));
    return ctx;
}

/* fill - a lookup's outcome from libunbound's result */
static void fill(dh_lookup *out, int rc, struct ub_result *res)
{
    memset(out, 0, sizeof(*out));
    if (rc != 0 || res == NULL) {
        snprintf(out->why, sizeof(out->why), "%s",
                 rc ? ub_strerror(rc) : "no result");
        return;
    }
    out->ok = 1;
    out->rcode = res->rcode;
    out->havedata = res->havedata;
    out->nxdomain = res->nxdomain;
    out->secure = res->secure;
    out->bogus = res->bogus;
    if (res->why_bogus)
        snprintf(out->why, sizeof(out->why), "%s", res->why_bogus);
    else if (res->rcode != 0)
        snprintf(out->why, sizeof(out->why), "rcode %s",
                 ldns_lookup_by_id(ldns_rcodes, res->rcode)
                     ? ldns_lookup_by_id(ldns_rcodes, res->rcode)->name
                     : "?");
    if (res->canonname)
        snprintf(out->canon, sizeof(out->canon), "%s", res->canonname);
}

/* dh_lookup_do - one validated lookup */
void dh_lookup_do(struct ub_ctx *ctx, const char *name, const char *type,
                  dh_lookup *out)
{
    struct ub_result *res = NULL;
    ldns_rr_type t = ldns_get_rr_type_by_name(type);
    int rc = ub_resolve(ctx, name, (int)t, LDNS_RR_CLASS_IN, &res);

    fill(out, rc, res);
    if (res)
        ub_resolve_free(res);
}

/* many_done - callback of one of dh_lookup_many's lookups */
static void many_done(void *arg, int err, struct ub_result *res)
{
    fill(arg, err, res);
    if (res)
        ub_resolve_free(res);
}

/* dh_lookup_many - see resolve.h */
void dh_lookup_many(struct ub_ctx *ctx, const char *const *names,
                    const char *const *types, size_t n, dh_lookup *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        ldns_rr_type t = ldns_get_rr_type_by_name(types[i]);
        int rc;

        memset(&out[i], 0, sizeof(out[i]));
        snprintf(out[i].why, sizeof(out[i].why), "no answer");
        rc = ub_resolve_async(ctx, names[i], (int)t, LDNS_RR_CLASS_IN, &out[i],
                              many_done, NULL);
        if (rc != 0)
            snprintf(out[i].why, sizeof(out[i].why), "%s", ub_strerror(rc));
    }
    ub_wait(ctx);
}

/* dh_lookup_state - the validation outcome as a word */
const char *dh_lookup_state(const dh_lookup *l)
{
    if (!l->ok)
        return "error";
    if (l->bogus)
        return "bogus";
    if (l->rcode == LDNS_RCODE_SERVFAIL)
        return "servfail";
    return l->secure ? "secure" : "insecure";
}

/* query - one query with ldns; rd: recursion desired */
static void query(const char *server, const char *name, const char *type,
                  int rd, dh_lookup *out)
{
    ldns_resolver *res = ldns_resolver_new();
    ldns_rdf *ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, server);
    ldns_rdf *src = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, DH_SELFCHECK_ADDR);
    ldns_rdf *qname = ldns_dname_new_frm_str(name);
    ldns_pkt *pkt = NULL;
    ldns_status st;
    struct timeval tv = {0, 300000};

    memset(out, 0, sizeof(*out));
    ldns_resolver_push_nameserver(res, ns);
    ldns_resolver_set_source(res, src);
    ldns_resolver_set_dnssec(res, true);
    ldns_resolver_set_recursive(res, rd ? true : false);
    ldns_resolver_set_retry(res, 1);
    ldns_resolver_set_fail(res, false);
    if (!rd)
        ldns_resolver_set_timeout(res, tv);
    st = ldns_resolver_send(&pkt, res, qname, ldns_get_rr_type_by_name(type),
                            LDNS_RR_CLASS_IN, rd ? LDNS_RD : 0);
    if (st != LDNS_STATUS_OK || pkt == NULL) {
        snprintf(out->why, sizeof(out->why), "%s", ldns_get_errorstr_by_id(st));
    } else {
        out->ok = 1;
        out->rcode = ldns_pkt_get_rcode(pkt);
        out->secure = rd ? ldns_pkt_ad(pkt) : ldns_pkt_aa(pkt);
        out->havedata = ldns_pkt_ancount(pkt) > 0;
        out->nxdomain = out->rcode == LDNS_RCODE_NXDOMAIN;
    }
    ldns_pkt_free(pkt);
    ldns_rdf_deep_free(ns);
    ldns_rdf_deep_free(qname);
    ldns_resolver_deep_free(res);
}

/* dh_lookup_direct - see resolve.h */
void dh_lookup_direct(const char *server, const char *name, const char *type,
                      dh_lookup *out)
{
    query(server, name, type, 0, out);
}

/* dh_lookup_plain - see resolve.h */
void dh_lookup_plain(const char *name, const char *type, dh_lookup *out)
{
    query(DH_RESOLVER_ADDR, name, type, 1, out);
}
