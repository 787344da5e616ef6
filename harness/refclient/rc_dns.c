/*++
 * NAME
 *	rc_dns 3
 * SUMMARY
 *	validated DNS lookups with libunbound
 * DESCRIPTION
 *	See rc_dns.h. libunbound is used asynchronously (with a thread)
 *	so that every lookup has a deadline. With a forwarder, libunbound
 *	sets CD and validates the forwarder's answers itself, so it sees
 *	the real bogus reason (why_bogus).
 *--*/

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unbound.h>

#include "refclient/rc_dns.h"
#include "common/diag.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_cache.h"

struct rc_dns {
    struct ub_ctx *ctx; /* validating */
    struct ub_ctx *raw; /* permissive, made on demand */
    char *resolver;     /* NULL: resolv.conf */
    char *ta_file;      /* NULL: no trust anchor */
    int timeout;
    int no_dnssec; /* mutant: nothing is secure */
    char *cache;   /* mutant stale-tlsa-cache: the state folder */
};

typedef struct {
    int done;
    int err;
    struct ub_result *res;
} RC_DNS_WAIT;

/* rc_dns_type_str - RR type name for logging */

const char *rc_dns_type_str(int rrtype)
{
    switch (rrtype) {
    case RC_DNS_T_A:
        return ("A");
    case RC_DNS_T_CNAME:
        return ("CNAME");
    case RC_DNS_T_MX:
        return ("MX");
    case RC_DNS_T_AAAA:
        return ("AAAA");
    case RC_DNS_T_TLSA:
        return ("TLSA");
    }
    return ("?");
}

/* rc_dns_ctx_new - one libunbound context */

static struct ub_ctx *rc_dns_ctx_new(const char *resolver, const char *ta_file,
                                     int permissive, char *err, size_t errlen)
{
    struct ub_ctx *ctx;
    int rc;

    if ((ctx = ub_ctx_create()) == 0) {
        snprintf(err, errlen, "ub_ctx_create failed");
        return (0);
    }
#define RC_DNS_SET(opt, val)                                                   \
    do {                                                                       \
        if ((rc = ub_ctx_set_option(ctx, (opt), (val))) != 0) {                \
            snprintf(err, errlen, "libunbound option %s %s: %s", (opt), (val), \
                     ub_strerror(rc));                                         \
            goto fail;                                                         \
        }                                                                      \
    } while (0)

    /* The harness's resolver lives on 127/8. */
    RC_DNS_SET("do-not-query-localhost:", "no");
    /* Like the harness's Unbound: an expired RRSIG is expired. */
    RC_DNS_SET("val-sig-skew-min:", "0");
    RC_DNS_SET("val-sig-skew-max:", "0");
    if (resolver) {
        if ((rc = ub_ctx_set_fwd(ctx, resolver)) != 0) {
            snprintf(err, errlen, "resolver %s: %s", resolver, ub_strerror(rc));
            goto fail;
        }
    } else if ((rc = ub_ctx_resolvconf(ctx, 0)) != 0) {
        snprintf(err, errlen, "/etc/resolv.conf: %s", ub_strerror(rc));
        goto fail;
    }

    /*
     * Permissive mode (mutants only): a bogus answer comes back with its
     * data as not secure, instead of as a failure. The trust anchor stays
     * so that libunbound still retries with CD when the forwarder
     * SERVFAILs, and so gets the bogus data at all.
     */
    if (permissive)
        RC_DNS_SET("val-permissive-mode:", "yes");
    if (ta_file && (rc = ub_ctx_add_ta_file(ctx, ta_file)) != 0) {
        snprintf(err, errlen, "trust anchor %s: %s", ta_file, ub_strerror(rc));
        goto fail;
    }
    if ((rc = ub_ctx_async(ctx, 1)) != 0) {
        snprintf(err, errlen, "ub_ctx_async: %s", ub_strerror(rc));
        goto fail;
    }
    return (ctx);

fail:
    ub_ctx_delete(ctx);
    return (0);
}

/* rc_dns_create - validating resolver context */

rc_dns *rc_dns_create(const char *resolver, const char *ta_file, int timeout,
                      unsigned mutants, char *err, size_t errlen)
{
    rc_dns *dns;

    if (mutants & RC_MUT_NO_DNSSEC) {
        dh_info("DNSSEC validation off (mutant no-dnssec): every answer is "
                "insecure");
    } else if (ta_file == 0) {
        dh_info("no trust anchor: no answer can be secure, no DANE");
    }
    if ((dns = calloc(1, sizeof(*dns))) == 0) {
        snprintf(err, errlen, "out of memory");
        return (0);
    }
    dns->timeout = timeout > 0 ? timeout : 30;
    dns->no_dnssec = (mutants & RC_MUT_NO_DNSSEC) != 0;
    if ((resolver && (dns->resolver = strdup(resolver)) == 0) ||
        (ta_file && (dns->ta_file = strdup(ta_file)) == 0)) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if ((dns->ctx = rc_dns_ctx_new(resolver, ta_file, dns->no_dnssec, err,
                                   errlen)) == 0)
        goto fail;
    return (dns);

fail:
    free(dns->resolver);
    free(dns->ta_file);
    free(dns->cache);
    free(dns);
    return (0);
}

/* rc_dns_free - destroy resolver contexts */

void rc_dns_free(rc_dns *dns)
{
    if (dns == 0)
        return;
    ub_ctx_delete(dns->ctx);
    if (dns->raw)
        ub_ctx_delete(dns->raw);
    free(dns->resolver);
    free(dns->ta_file);
    free(dns->cache);
    free(dns);
}

/* rc_dns_callback - libunbound completion */

static void rc_dns_callback(void *arg, int err, struct ub_result *res)
{
    RC_DNS_WAIT *wait = arg;

    wait->done = 1;
    wait->err = err;
    wait->res = res;
}

/* rc_dns_now_ms - monotonic clock */

static long long rc_dns_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* rc_dns_fill - ub_result to answer */

static void rc_dns_fill(struct ub_result *res, rc_dns_answer *answer)
{
    int n;
    int i;

    answer->rcode = res->rcode;
    if (res->canonname)
        snprintf(answer->canon, sizeof(answer->canon), "%s", res->canonname);
    if (res->bogus) {
        answer->sec = RC_SEC_BOGUS;
        answer->ans = RC_ANS_FAIL;
        snprintf(answer->why, sizeof(answer->why), "%s",
                 res->why_bogus ? res->why_bogus : "validation failure");
        return;
    }
    answer->sec = res->secure ? RC_SEC_SECURE : RC_SEC_INSECURE;
    if (res->rcode == 3 || res->nxdomain) {
        answer->ans = RC_ANS_NXDOMAIN;
        return;
    }
    if (res->rcode != 0) {
        answer->sec = RC_SEC_INDETERMINATE;
        answer->ans = RC_ANS_FAIL;
        snprintf(answer->why, sizeof(answer->why), "rcode %d%s", res->rcode,
                 res->rcode == 2   ? " (SERVFAIL)"
                 : res->rcode == 5 ? " (REFUSED)"
                                   : "");
        return;
    }
    if (!res->havedata) {
        answer->ans = RC_ANS_NODATA;
        return;
    }
    for (n = 0; res->data[n]; n++)
        /* void */;
    answer->data = calloc(n ? n : 1, sizeof(*answer->data));
    answer->len = calloc(n ? n : 1, sizeof(*answer->len));
    if (answer->data == 0 || answer->len == 0) {
        answer->sec = RC_SEC_INDETERMINATE;
        answer->ans = RC_ANS_FAIL;
        snprintf(answer->why, sizeof(answer->why), "out of memory");
        return;
    }
    for (i = 0; i < n; i++) {
        size_t len = res->len[i] > 0 ? (size_t)res->len[i] : 0;

        if ((answer->data[i] = malloc(len ? len : 1)) == 0)
            break;
        memcpy(answer->data[i], res->data[i], len);
        answer->len[i] = len;
        answer->count = i + 1;
    }
    answer->ans = RC_ANS_DATA;
}

/* rc_dns_resolve - one lookup with a deadline */

static void rc_dns_resolve(struct ub_ctx *ctx, int timeout, const char *name,
                           int rrtype, rc_dns_answer *answer)
{
    RC_DNS_WAIT wait;
    long long deadline = rc_dns_now_ms() + (long long)timeout * 1000;
    int id;
    int rc;

    memset(answer, 0, sizeof(*answer));
    memset(&wait, 0, sizeof(wait));
    answer->sec = RC_SEC_INDETERMINATE;
    answer->ans = RC_ANS_FAIL;
    dh_debug("query %s %s", name, rc_dns_type_str(rrtype));
    rc = ub_resolve_async(ctx, name, rrtype, 1, &wait, rc_dns_callback, &id);
    if (rc != 0) {
        snprintf(answer->why, sizeof(answer->why), "%s", ub_strerror(rc));
        return;
    }
    while (!wait.done) {
        long long left = deadline - rc_dns_now_ms();
        struct pollfd pfd;

        if (left <= 0) {
            ub_cancel(ctx, id);
            snprintf(answer->why, sizeof(answer->why), "timeout after %d s",
                     timeout);
            return;
        }
        pfd.fd = ub_fd(ctx);
        pfd.events = POLLIN;
        pfd.revents = 0;
        if (poll(&pfd, 1, (int)left) < 0 && errno != EINTR) {
            ub_cancel(ctx, id);
            snprintf(answer->why, sizeof(answer->why), "poll: %s",
                     strerror(errno));
            return;
        }
        if (pfd.revents && (rc = ub_process(ctx)) != 0) {
            snprintf(answer->why, sizeof(answer->why), "%s", ub_strerror(rc));
            return;
        }
    }
    if (wait.err != 0) {
        snprintf(answer->why, sizeof(answer->why), "%s", ub_strerror(wait.err));
        ub_resolve_free(wait.res);
        return;
    }
    if (wait.res == 0) {
        snprintf(answer->why, sizeof(answer->why), "no result");
        return;
    }
    rc_dns_fill(wait.res, answer);
    ub_resolve_free(wait.res);
}

/* rc_dns_lookup - validated lookup */

void rc_dns_lookup(rc_dns *dns, const char *name, int rrtype,
                   rc_dns_answer *answer)
{
    int cached = dns->cache && rrtype == RC_DNS_T_TLSA;

    if (cached && rc_cache_load(dns->cache, name, answer)) {
        dh_info("%s TLSA: the answer of an earlier attempt, from %s (mutant "
                "stale-tlsa-cache)",
                name, dns->cache);
        return;
    }
    rc_dns_resolve(dns->ctx, dns->timeout, name, rrtype, answer);
    if (dns->no_dnssec && answer->sec == RC_SEC_SECURE)
        answer->sec = RC_SEC_INSECURE;
    if (cached && rc_cache_save(dns->cache, name, answer) < 0)
        dh_warn("cannot keep the TLSA answer of %s in %s", name, dns->cache);
}

/* rc_dns_keep_tlsa - see rc_dns.h */

int rc_dns_keep_tlsa(rc_dns *dns, const char *dir)
{
    free(dns->cache);
    dns->cache = strdup(dir);
    return (dns->cache ? 0 : -1);
}

/* rc_dns_lookup_unvalidated - permissive lookup: bogus data as insecure */

void rc_dns_lookup_unvalidated(rc_dns *dns, const char *name, int rrtype,
                               rc_dns_answer *answer)
{
    char err[256];

    if (dns->raw == 0 &&
        (dns->raw = rc_dns_ctx_new(dns->resolver, dns->ta_file, 1, err,
                                   sizeof(err))) == 0) {
        memset(answer, 0, sizeof(*answer));
        answer->sec = RC_SEC_INDETERMINATE;
        answer->ans = RC_ANS_FAIL;
        snprintf(answer->why, sizeof(answer->why), "%s", err);
        return;
    }
    rc_dns_resolve(dns->raw, dns->timeout, name, rrtype, answer);
    answer->unvalidated = 1;
    if (answer->sec == RC_SEC_SECURE)
        answer->sec = RC_SEC_INSECURE;
}

/* rc_dns_answer_free - release answer data */

void rc_dns_answer_free(rc_dns_answer *answer)
{
    int i;

    for (i = 0; i < answer->count; i++)
        free(answer->data[i]);
    free(answer->data);
    free(answer->len);
    answer->data = 0;
    answer->len = 0;
    answer->count = 0;
}

/* rc_dns_name_str - wire-format name at *OFF to text, absolute */

int rc_dns_name_str(const unsigned char *wire, size_t len, size_t *off,
                    char *buf, size_t buflen)
{
    size_t pos = *off;
    size_t out = 0;
    size_t total = 0;

#define RC_DNS_PUT(c)                                                          \
    do {                                                                       \
        if (out + 1 >= buflen)                                                 \
            return (-1);                                                       \
        buf[out++] = (c);                                                      \
    } while (0)

    if (buflen == 0)
        return (-1);
    for (;;) {
        size_t lab;
        size_t i;

        if (pos >= len)
            return (-1);
        lab = wire[pos++];
        if (lab & 0xc0) /* no compression in RDATA */
            return (-1);
        total += lab + 1;
        if (total > 255)
            return (-1);
        if (lab == 0)
            break;
        if (pos + lab > len)
            return (-1);
        for (i = 0; i < lab; i++) {
            unsigned char c = wire[pos + i];

            if (c == '.' || c == '\\') {
                RC_DNS_PUT('\\');
                RC_DNS_PUT(c);
            } else if (c <= ' ' || c >= 0x7f) {
                char esc[5];

                snprintf(esc, sizeof(esc), "\\%03u", c);
                RC_DNS_PUT(esc[0]);
                RC_DNS_PUT(esc[1]);
                RC_DNS_PUT(esc[2]);
                RC_DNS_PUT(esc[3]);
            } else {
                RC_DNS_PUT(c);
            }
        }
        pos += lab;
        RC_DNS_PUT('.');
    }
    if (out == 0)
        RC_DNS_PUT('.');
    buf[out] = 0;
    *off = pos;
    return (0);
}

/* rc_dns_mx_free - free a parsed MX array */

void rc_dns_mx_free(rc_mx *mx, int n)
{
    int i;

    if (mx == 0)
        return;
    for (i = 0; i < n; i++)
        free(mx[i].name);
    free(mx);
}

/* rc_dns_parse_mx - MX RDATA to array; -1 on malformed data */

int rc_dns_parse_mx(const rc_dns_answer *answer, rc_mx **mxp)
{
    rc_mx *mx;
    int i;
    char name[RC_DNS_NAMELEN];

    *mxp = 0;
    if (answer->count == 0)
        return (0);
    if ((mx = calloc(answer->count, sizeof(*mx))) == 0)
        return (-1);
    for (i = 0; i < answer->count; i++) {
        size_t off = 2;

        if (answer->len[i] < 3 ||
            rc_dns_name_str(answer->data[i], answer->len[i], &off, name,
                            sizeof(name)) < 0 ||
            off != answer->len[i] || (mx[i].name = strdup(name)) == 0) {
            rc_dns_mx_free(mx, i);
            return (-1);
        }
        mx[i].pref = (answer->data[i][0] << 8) | answer->data[i][1];
    }
    *mxp = mx;
    return (answer->count);
}

/* rc_dns_parse_tlsa - TLSA RDATA to array; data points into ANSWER */

int rc_dns_parse_tlsa(const rc_dns_answer *answer, rc_tlsa **tlsap)
{
    rc_tlsa *tlsa;
    int i;

    *tlsap = 0;
    if (answer->count == 0)
        return (0);
    if ((tlsa = calloc(answer->count, sizeof(*tlsa))) == 0)
        return (-1);
    for (i = 0; i < answer->count; i++) {
        if (answer->len[i] < 3) { /* malformed: unusable */
            tlsa[i].usage = 255;
            continue;
        }
        tlsa[i].usage = answer->data[i][0];
        tlsa[i].selector = answer->data[i][1];
        tlsa[i].mtype = answer->data[i][2];
        tlsa[i].data = answer->data[i] + 3;
        tlsa[i].len = answer->len[i] - 3;
    }
    *tlsap = tlsa;
    return (answer->count);
}

/* rc_dns_addr_str - A/AAAA RDATA to text; NULL if malformed */

char *rc_dns_addr_str(int rrtype, const unsigned char *data, size_t len,
                      char *buf, size_t buflen)
{
    if (rrtype == RC_DNS_T_A && len == 4)
        return ((char *)inet_ntop(AF_INET, data, buf, buflen));
    if (rrtype == RC_DNS_T_AAAA && len == 16)
        return ((char *)inet_ntop(AF_INET6, data, buf, buflen));
    return (0);
}
