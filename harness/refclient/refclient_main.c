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

/* rc_main_usage - help text */

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

int main(int argc, char **argv)
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
        {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
        {0, 0, 0, 0},
    };
    const char *from = 0;
    const char *rcpt = 0;
    const char *message = 0;
    const char *resolver = 0;
    const char *ta_file = 0;
    const char *helo = 0;
    const char *check = 0;
    const char *ca_file = 0;
    const char *domain;
    char hostname[HOST_NAME_MAX + 1];
    char err[512];
    char mlist[256];
    int verbose = 0;
    int connect = 1;
    int status;
    int ch;
    rc_job job;
    rc_dns *dns;
    rc_outcome out;
    char *data;

    memset(&job, 0, sizeof(job));
    job.port = 25;
    job.timeout = 30;
    while ((ch = getopt_long(argc, argv, "", opts, 0)) != -1) {
        switch (ch) {
        case 'f':
            from = optarg;
            break;
        case 'r':
            rcpt = optarg;
            break;
        case 'm':
            message = optarg;
            break;
        case 'R':
            resolver = optarg;
            break;
        case 'T':
            ta_file = optarg;
            break;
        case 'p':
            job.port = rc_main_number("--port", optarg, 65535);
            break;
        case 'H':
            helo = optarg;
            break;
        case 't':
            job.timeout = rc_main_number("--timeout", optarg, 86400);
            break;
        case 'M': {
            unsigned flag = rc_mutant_parse(optarg);

            if (flag == 0)
                rc_main_usage_error("unknown mutant: ", optarg);
            job.mutants |= flag;
        } break;
        case 'v':
            verbose = 1;
            break;
        case 'C':
            check = optarg;
            break;
        case 'N':
            connect = 0;
            break;
        case 'A':
            ca_file = optarg;
            break;
        case 'h':
            rc_main_usage(stdout);
            return (0);
        case 'V':
            printf("%s\n", RC_VERSION);
            return (0);
        default:
            rc_main_usage(stderr);
            return (RC_EXIT_USAGE);
        }
    }
    if (optind < argc)
        rc_main_usage_error("unexpected argument: ", argv[optind]);
    if (check && (from || rcpt || message))
        rc_main_usage_error("--check does not take --from, --rcpt or --message",
                            0);
    if (!check && !connect)
        rc_main_usage_error("--no-connect needs --check", 0);
    if (check) {
        if (*check == 0 || strpbrk(check, "@<>[] \t\r\n"))
            rc_main_usage_error("bad domain for --check: ", check);
        domain = check;
    } else {
        if (from == 0 || rcpt == 0 || message == 0)
            rc_main_usage_error("--from, --rcpt and --message are required", 0);
        if ((domain = strrchr(rcpt, '@')) == 0 || domain[1] == 0 ||
            domain[1] == '[' || strpbrk(rcpt, "<> \r\n") ||
            strpbrk(from, "<> \r\n"))
            rc_main_usage_error("bad address: ",
                                strpbrk(from, "<> \r\n") ? from : rcpt);
        domain++;
    }
    if (helo == 0) {
        if (gethostname(hostname, sizeof(hostname)) != 0 || hostname[0] == 0)
            snprintf(hostname, sizeof(hostname), "localhost");
        hostname[sizeof(hostname) - 1] = 0;
        helo = hostname;
    }
    if (ta_file && access(ta_file, R_OK) != 0)
        rc_main_setup_error("cannot read trust anchor file ", ta_file);
    if (ca_file && access(ca_file, R_OK) != 0)
        rc_main_setup_error("cannot read CA file ", ca_file);

    /*
     * A report goes to stdout; the decision log to stderr only when asked.
     */
    dh_diag_init("dane-smtp-send", verbose ? 2 : check ? 0 : 1);
    signal(SIGPIPE, SIG_IGN);
    data = 0;
    if (!check) {
        if ((data = rc_msg_load(message, &job.datalen, err, sizeof(err))) == 0)
            rc_main_setup_error("cannot read message: ", err);
        job.data = data;
        job.from = from;
        job.rcpt = rcpt;
        dh_info("sending <%s> -> <%s> via port %d, mutants: %s", from, rcpt,
                job.port, rc_mutant_list(job.mutants, mlist, sizeof(mlist)));
    }
    job.helo = helo;
    job.probe = (check != 0);
    if (ca_file) {
        if ((job.pkix = rc_tls_pkix_load(ca_file, err, sizeof(err))) == 0) {
            fprintf(stderr, "dane-smtp-send: %s\n", err);
            free(data);
            return (RC_EXIT_USAGE);
        }
        dh_info("PKIX trust store %s loaded (not used for DANE)", ca_file);
    }
    if ((job.ssl_ctx =
             rc_tls_ctx_create(job.mutants, ca_file, err, sizeof(err))) == 0) {
        fprintf(stderr, "dane-smtp-send: TLS setup: %s\n", err);
        X509_STORE_free(job.pkix);
        free(data);
        return (RC_EXIT_USAGE);
    }
    if ((dns = rc_dns_create(resolver, ta_file, job.timeout, job.mutants, err,
                             sizeof(err))) == 0) {
        fprintf(stderr, "dane-smtp-send: DNS setup: %s\n", err);
        SSL_CTX_free(job.ssl_ctx);
        X509_STORE_free(job.pkix);
        free(data);
        return (RC_EXIT_USAGE);
    }
    if (check) {
        time_t now = time(0);
        char when[40];

        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
        printf("dane-smtp-send --check %s at %s\n", domain, when);
        printf("resolver %s, trust anchor %s\n\n",
               resolver ? resolver : "from /etc/resolv.conf",
               ta_file ? ta_file
                       : "NONE (nothing can be secure, DANE never applies)");
        status = rc_check(stdout, dns, &job, domain, connect);
    } else {
        rc_deliver(dns, &job, domain, &out);
        printf("%s\n", out.line);
        fflush(stdout);
        dh_info("outcome: %s", out.line);
        status = rc_deliver_exit(out.status);
    }
    rc_dns_free(dns);
    SSL_CTX_free(job.ssl_ctx);
    X509_STORE_free(job.pkix);
    free(data);
    return (status);
}
