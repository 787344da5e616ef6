/*++
 * NAME
 *	dane-smtp-send 1
 * SUMMARY
 *	reference RFC 7672 DANE SMTP client of dane-harness
 * SYNOPSIS
 *	dane-smtp-send --from ADDR --rcpt ADDR --message FILE [options]
 *	dane-smtp-send --check DOMAIN [--no-connect] [options]
 * DESCRIPTION
 *	One message, one recipient, one delivery attempt. The first line
 *	on stdout is the outcome ("delivered ...", "deferred ...",
 *	"bounced ..."); every decision is logged on stderr. Exit status:
 *	0 delivered, 75 deferred, 69 bounced, 2 usage or setup error.
 *
 *	With --check, a report on stdout instead (rc_check): no mail is
 *	sent. Exit status 0 some host acceptable, 1 none, 2 usage.
 *
 *	This file only parses the command line and wires the modules:
 *	rc_dns (validated lookups), rc_policy (RFC 7672 rules), rc_route
 *	(DNS/DANE plan), rc_session/rc_smtp/rc_tls (SMTP and TLS),
 *	rc_mutant (deliberate defects), rc_deliver (the attempt), rc_check
 *	(the --check report).
 *--*/

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "refclient/rc_check.h"
#include "refclient/rc_deliver.h"
#include "refclient/rc_dns.h"
#include "common/diag.h"
#include "refclient/rc_msg.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_tls.h"

#define RC_EXIT_USAGE 2
#define RC_VERSION "dane-smtp-send 0.1 (dane-harness reference client)"

/* rc_main_usage - help text (long: one text, one fprintf) */

static void rc_main_usage(FILE *fp)
{
    fprintf(
        fp,
        "usage: dane-smtp-send --from ADDR --rcpt ADDR --message FILE "
        "[OPTIONS]\n"
        "       dane-smtp-send --check DOMAIN [--no-connect] [OPTIONS]\n"
        "\n"
        "Delivers one message to one recipient with RFC 7672 DANE, one "
        "attempt.\n"
        "stdout, first line: delivered HOST ADDR "
        "tls=none|unauthenticated|dane-verified\n"
        "                    [sni=NAME] [match=\"U S M\"] | deferred REASON | "
        "bounced REASON\n"
        "exit: 0 delivered, 75 deferred, 69 bounced, 2 usage error\n"
        "\n"
        "With --check, reports what a delivery to DOMAIN would do, without "
        "sending\n"
        "mail: DNSSEC status of every lookup (MX, CNAME, A/AAAA, TLSA), the "
        "TLSA\n"
        "records and their usability, then per address STARTTLS, the "
        "handshake, the\n"
        "chain presented, the TLSA matches and the decision (deliver-dane,\n"
        "deliver-tls, deliver-opportunistic, skip). EHLO, STARTTLS, QUIT; "
        "never MAIL.\n"
        "exit: 0 some host acceptable, 1 none, 2 usage error\n"
        "\n"
        "  --from ADDR           envelope sender (\"\" for the null sender)\n"
        "  --rcpt ADDR           envelope recipient; its domain is the next "
        "hop\n"
        "  --message FILE        RFC 5322 message, sent as-is (dot-stuffed)\n"
        "  --check DOMAIN        report on DOMAIN instead of delivering\n"
        "  --no-connect          with --check: DNS only, no SMTP connection\n"
        "  --resolver IP         forward DNS to IP (default: "
        "/etc/resolv.conf)\n"
        "  --trust-anchor FILE   DNSSEC trust anchor (DS/DNSKEY, master-file "
        "syntax,\n"
        "                        e.g. /usr/share/dns/root.key); without it "
        "nothing\n"
        "                        is secure and DANE never applies\n"
        "  --ca-file FILE        PEM CA certificates: a PKIX trust store. DANE "
        "never\n"
        "                        uses it; --check reports PKIX validity "
        "against it,\n"
        "                        and the pkix-* mutants trust it\n"
        "  --port N              SMTP port and TLSA port (default 25)\n"
        "  --helo NAME           EHLO name (default: this host's name)\n"
        "  --timeout SECS        per DNS lookup, connect and SMTP reply "
        "(default 30)\n"
        "  --attempt N           this is delivery attempt N of the message "
        "(default 1;\n"
        "                        the correct client behaves the same at "
        "every attempt)\n"
        "  --state DIR           a folder kept across attempts (the correct "
        "client\n"
        "                        keeps nothing there; stale-tlsa-cache "
        "does)\n"
        "  --verbose             log the SMTP dialogue and DNS queries too "
        "(with\n"
        "                        --check: log every decision on stderr)\n"
        "  --version             print the version and exit\n"
        "\n"
        "Mutants (repeatable; deliberate defects, for testing the harness):\n");
    rc_mutant_usage(fp);
}

/* rc_main_number - parse a positive integer option */

static int rc_main_number(const char *opt, const char *arg, int max)
{
    char *end;
    long val = strtol(arg, &end, 10);

    if (*arg == 0 || *end != 0 || val <= 0 || val > max) {
        fprintf(stderr, "dane-smtp-send: bad %s value: %s\n", opt, arg);
        exit(RC_EXIT_USAGE);
    }
    return ((int)val);
}

/* rc_main_setup_error - complain about a file or setting, exit 2 */

static void rc_main_setup_error(const char *msg, const char *arg)
{
    fprintf(stderr, "dane-smtp-send: %s%s\n", msg, arg ? arg : "");
    exit(RC_EXIT_USAGE);
}

/* rc_main_usage_error - complain, show the usage and exit 2 */

static void rc_main_usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "dane-smtp-send: %s%s\n", msg, arg ? arg : "");
    rc_main_usage(stderr);
    exit(RC_EXIT_USAGE);
}

/* rc_main_opts - the command line, parsed and checked */

typedef struct {
    const char *from;
    const char *rcpt;
    const char *message;
    const char *resolver;
    const char *ta_file;
    const char *helo; /* --helo, or hostname */
    const char *check;
    const char *ca_file;
    const char *domain; /* --check DOMAIN, or the domain of --rcpt */
    char hostname[HOST_NAME_MAX + 1];
    int verbose;
    int connect;
    int port;
    int timeout;
    int attempt;       /* --attempt: which delivery attempt this is */
    const char *state; /* --state: the folder kept across attempts */
    unsigned mutants;
} rc_main_opts;

/* rc_main_option_attempt - --attempt and --state; 1 if CH was one */

static int rc_main_option_attempt(int ch, const char *arg, rc_main_opts *o)
{
    if (ch == 'a')
        o->attempt = rc_main_number("--attempt", arg, 1000);
    else if (ch == 'S')
        o->state = arg;
    else
        return (0);
    return (1);
}

/* rc_main_option - one option from getopt_long(); exits on -h, -V, errors */

static void rc_main_option(int ch, const char *arg, rc_main_opts *o)
{
    unsigned flag;

    if (rc_main_option_attempt(ch, arg, o))
        return;
    switch (ch) {
    case 'f':
        o->from = arg;
        break;
    case 'r':
        o->rcpt = arg;
        break;
    case 'm':
        o->message = arg;
        break;
    case 'R':
        o->resolver = arg;
        break;
    case 'T':
        o->ta_file = arg;
        break;
    case 'p':
        o->port = rc_main_number("--port", arg, 65535);
        break;
    case 'H':
        o->helo = arg;
        break;
    case 't':
        o->timeout = rc_main_number("--timeout", arg, 86400);
        break;
    case 'M':
        if ((flag = rc_mutant_parse(arg)) == 0)
            rc_main_usage_error("unknown mutant: ", arg);
        o->mutants |= flag;
        break;
    case 'v':
        o->verbose = 1;
        break;
    case 'C':
        o->check = arg;
        break;
    case 'N':
        o->connect = 0;
        break;
    case 'A':
        o->ca_file = arg;
        break;
    case 'h':
        rc_main_usage(stdout);
        exit(0);
    case 'V':
        printf("%s\n", RC_VERSION);
        exit(0);
    default:
        rc_main_usage(stderr);
        exit(RC_EXIT_USAGE);
    }
}

/* rc_main_domain - check the option combination, find the next hop */

static void rc_main_domain(rc_main_opts *o)
{
    const char *domain;

    if (o->check && (o->from || o->rcpt || o->message))
        rc_main_usage_error("--check does not take --from, --rcpt or --message",
                            0);
    if (!o->check && !o->connect)
        rc_main_usage_error("--no-connect needs --check", 0);
    if (o->check) {
        if (*o->check == 0 || strpbrk(o->check, "@<>[] \t\r\n"))
            rc_main_usage_error("bad domain for --check: ", o->check);
        o->domain = o->check;
        return;
    }
    if (o->from == 0 || o->rcpt == 0 || o->message == 0)
        rc_main_usage_error("--from, --rcpt and --message are required", 0);
    if ((domain = strrchr(o->rcpt, '@')) == 0 || domain[1] == 0 ||
        domain[1] == '[' || strpbrk(o->rcpt, "<> \r\n") ||
        strpbrk(o->from, "<> \r\n"))
        rc_main_usage_error("bad address: ",
                            strpbrk(o->from, "<> \r\n") ? o->from : o->rcpt);
    o->domain = domain + 1;
}

/* rc_main_options - parse and check the command line; exits when wrong */

static void rc_main_options(int argc, char **argv, rc_main_opts *o)
{
    static const struct option opts[] = {
        {"from", required_argument, 0, 'f'},
        {"rcpt", required_argument, 0, 'r'},
        {"message", required_argument, 0, 'm'},
        {"resolver", required_argument, 0, 'R'},
        {"trust-anchor", required_argument, 0, 'T'},
        {"port", required_argument, 0, 'p'},
        {"helo", required_argument, 0, 'H'},
        {"timeout", required_argument, 0, 't'},
        {"mutant", required_argument, 0, 'M'},
        {"check", required_argument, 0, 'C'},
        {"no-connect", no_argument, 0, 'N'},
        {"ca-file", required_argument, 0, 'A'},
        {"attempt", required_argument, 0, 'a'},
        {"state", required_argument, 0, 'S'},
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    int ch;

    memset(o, 0, sizeof(*o));
    o->connect = 1;
    o->port = 25;
    o->timeout = 30;
    o->attempt = 1;
    while ((ch = getopt_long(argc, argv, "", opts, 0)) != -1)
        rc_main_option(ch, optarg, o);
    if (optind < argc)
        rc_main_usage_error("unexpected argument: ", argv[optind]);
    rc_main_domain(o);
    if (o->helo == 0) {
        if (gethostname(o->hostname, sizeof(o->hostname)) != 0 ||
            o->hostname[0] == 0)
            snprintf(o->hostname, sizeof(o->hostname), "localhost");
        o->hostname[sizeof(o->hostname) - 1] = 0;
        o->helo = o->hostname;
    }
    if (o->ta_file && access(o->ta_file, R_OK) != 0)
        rc_main_setup_error("cannot read trust anchor file ", o->ta_file);
    if (o->ca_file && access(o->ca_file, R_OK) != 0)
        rc_main_setup_error("cannot read CA file ", o->ca_file);
}

/* rc_main_job - the job of the options; loads the message (exits if not) */

static char *rc_main_job(const rc_main_opts *o, rc_job *job)
{
    char err[512];
    char mlist[256];
    char *data = 0;

    memset(job, 0, sizeof(*job));
    job->port = o->port;
    job->timeout = o->timeout;
    job->mutants = o->mutants;
    if (!o->check) {
        if ((data = rc_msg_load(o->message, &job->datalen, err, sizeof(err))) ==
            0)
            rc_main_setup_error("cannot read message: ", err);
        job->data = data;
        job->from = o->from;
        job->rcpt = o->rcpt;
        dh_info("sending <%s> -> <%s> via port %d, mutants: %s", o->from,
                o->rcpt, job->port,
                rc_mutant_list(job->mutants, mlist, sizeof(mlist)));
    }
    job->helo = o->helo;
    job->probe = (o->check != 0);
    if ((job->mutants & RC_MUT_RETRY_DOWNGRADE) && o->attempt > 1) {
        job->mutants |= RC_MUT_NO_DANE | RC_MUT_CLEARTEXT_FALLBACK;
        dh_info("attempt %d: retrying without authentication, cleartext "
                "allowed (mutant retry-downgrade)",
                o->attempt);
    }
    return (data);
}

/* rc_main_setup - PKIX store, SSL_CTX and resolver; NULL with a complaint */

static rc_dns *rc_main_setup(const rc_main_opts *o, rc_job *job)
{
    char err[512];
    rc_dns *dns;

    if (o->ca_file) {
        if ((job->pkix = rc_tls_pkix_load(o->ca_file, err, sizeof(err))) == 0) {
            fprintf(stderr, "dane-smtp-send: %s\n", err);
            return (0);
        }
        dh_info("PKIX trust store %s loaded (not used for DANE)", o->ca_file);
    }
    if ((job->ssl_ctx = rc_tls_ctx_create(job->mutants, o->ca_file, err,
                                          sizeof(err))) == 0) {
        fprintf(stderr, "dane-smtp-send: TLS setup: %s\n", err);
        return (0);
    }
    if ((dns = rc_dns_create(o->resolver, o->ta_file, job->timeout,
                             job->mutants, err, sizeof(err))) == 0) {
        fprintf(stderr, "dane-smtp-send: DNS setup: %s\n", err);
        return (0);
    }
    if ((job->mutants & RC_MUT_STALE_TLSA_CACHE) && o->state &&
        rc_dns_keep_tlsa(dns, o->state) < 0) {
        fprintf(stderr, "dane-smtp-send: out of memory\n");
        rc_dns_free(dns);
        return (0);
    }
    return (dns);
}

/* rc_main_check - the --check report; its exit status */

static int rc_main_check(const rc_main_opts *o, rc_dns *dns, const rc_job *job)
{
    time_t now = time(0);
    char when[40];

    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
    printf("dane-smtp-send --check %s at %s\n", o->domain, when);
    printf("resolver %s, trust anchor %s\n\n",
           o->resolver ? o->resolver : "from /etc/resolv.conf",
           o->ta_file ? o->ta_file
                      : "NONE (nothing can be secure, DANE never applies)");
    return (rc_check(stdout, dns, job, o->domain, o->connect));
}

/* rc_main_deliver - the delivery attempt; its exit status */

static int rc_main_deliver(const rc_main_opts *o, rc_dns *dns,
                           const rc_job *job)
{
    rc_outcome out;

    rc_deliver(dns, job, o->domain, &out);
    printf("%s\n", out.line);
    fflush(stdout);
    dh_info("outcome: %s", out.line);
    return (rc_deliver_exit(out.status));
}

int main(int argc, char **argv)
{
    rc_main_opts opts;
    rc_job job;
    rc_dns *dns;
    char *data;
    int status = RC_EXIT_USAGE;

    rc_main_options(argc, argv, &opts);

    /*
     * A report goes to stdout; the decision log to stderr only when asked.
     */
    dh_diag_init("dane-smtp-send", opts.verbose ? 2 : opts.check ? 0 : 1);
    signal(SIGPIPE, SIG_IGN);
    data = rc_main_job(&opts, &job);
    if ((dns = rc_main_setup(&opts, &job)) != 0)
        status = opts.check ? rc_main_check(&opts, dns, &job)
                            : rc_main_deliver(&opts, dns, &job);
    rc_dns_free(dns);
    SSL_CTX_free(job.ssl_ctx);
    X509_STORE_free(job.pkix);
    free(data);
    return (status);
}
