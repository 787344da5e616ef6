/*++
 * NAME
 *	rc_session 3
 * SUMMARY
 *	one SMTP delivery attempt to one address
 * DESCRIPTION
 *	See rc_session.h. The session is a straight line: greeting, EHLO,
 *	STARTTLS and the TLS decision, EHLO again, MAIL, RCPT, DATA, QUIT.
 *	Every exit goes through rc_session_end(), which closes the
 *	connection (QUIT first when the dialogue is still in step).
 *--*/

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/diag.h"
#include "refclient/rc_mutant.h"
#include "refclient/rc_policy.h"
#include "refclient/rc_session.h"
#include "refclient/rc_smtp.h"

/* rc_session_end - QUIT if possible, close, set the status */

static void rc_session_end(rc_smtp *smtp, int quit, rc_sess_result *res,
                           rc_sess_status status)
{
    rc_smtp_response reply;

    if (quit && rc_smtp_cmd(smtp, "QUIT") == 0)
        (void)rc_smtp_reply(smtp, &reply);
    rc_smtp_close(smtp);
    res->status = status;
}

/* rc_session_fail - log a reason and end the session */

static void rc_session_fail(rc_smtp *smtp, int quit, rc_sess_result *res,
                            rc_sess_status status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void rc_session_fail(rc_smtp *smtp, int quit, rc_sess_result *res,
                            rc_sess_status status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
    va_end(ap);
    dh_info("%s: %s", smtp->peer, res->reason);
    rc_session_end(smtp, quit, res, status);
}

/* rc_session_step - one command, one reply; return reply class or -1 */

static int rc_session_step(const rc_job *job, rc_smtp *smtp,
                           rc_smtp_response *reply, const char *what,
                           rc_sess_result *res)
{
    int cls;

    if (rc_smtp_reply(smtp, reply) < 0) {
        rc_session_fail(smtp, 0, res, RC_SESS_TEMPFAIL, "%s: %s", what,
                        reply->text);
        return (-1);
    }
    cls = rc_policy_reply_class(reply->code, job->mutants);
    if (cls == 4) {
        rc_session_fail(smtp, 1, res, RC_SESS_TEMPFAIL, "%s: %s -> next host",
                        what, reply->text);
        return (-1);
    }
    if (cls == 5) {
        rc_session_fail(smtp, 1, res, RC_SESS_BOUNCE, "%s: %s -> bounce", what,
                        reply->text);
        return (-1);
    }
    return (cls);
}

/* rc_session_exchange - send a command (printf FMT), then rc_session_step */

static int rc_session_exchange(const rc_job *job, rc_smtp *smtp,
                               rc_smtp_response *reply, const char *what,
                               rc_sess_result *res, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int rc_session_exchange(const rc_job *job, rc_smtp *smtp,
                               rc_smtp_response *reply, const char *what,
                               rc_sess_result *res, const char *fmt, ...)
{
    char line[1100];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    if (rc_smtp_cmd(smtp, "%s", line) < 0) {
        rc_session_fail(smtp, 0, res, RC_SESS_TEMPFAIL,
                        "%s: write error -> next host", what);
        return (-1);
    }
    return (rc_session_step(job, smtp, reply, what, res));
}

/* rc_session_cleartext - STARTTLS missing or refused (WHAT); 0 = go on */

static int rc_session_cleartext(const rc_job *job, rc_smtp *smtp,
                                const rc_tls_params *tp, const char *what,
                                rc_sess_result *res)
{
    const char *why;

    if (rc_policy_no_starttls(tp->level, job->mutants, &why) == RC_ACT_CLEAR) {
        dh_info("%s: %s -> %s", smtp->peer, what, why);
        return (0);
    }
    rc_session_fail(smtp, 1, res, RC_SESS_TEMPFAIL, "%s -> %s", what, why);
    return (-1);
}

/* rc_session_tls_decision - after the handshake: record, verify, accept? */

static int rc_session_tls_decision(const rc_job *job, rc_smtp *smtp,
                                   const rc_tls_params *tp,
                                   const rc_tls_result *tr, rc_sess_result *res)
{
    const char *why;

    res->tlsres = *tr;
    res->tls_done = 1;
    if (job->probe) {
        STACK_OF(X509) *chain = SSL_get_peer_cert_chain(smtp->ssl);

        if (chain)
            res->chain = X509_chain_up_ref(chain);
    }
    snprintf(res->sni, sizeof(res->sni), "%s", tr->sni);
    dh_info("TLS: %s %s%s%s", tr->version, tr->cipher,
            tr->sni[0] ? ", SNI " : ", no SNI", tr->sni);
    res->tls = "unauthenticated";
    if (tp->pkix && (job->mutants & RC_MUT_PKIX_FALLBACK))
        dh_info("TLS: PKIX validation against --ca-file: %s%s",
                tr->pkix_ok ? "valid" : "failed: ", tr->pkix_error);
    if (tp->level == RC_LEVEL_DANE) {
        if (tr->verify_ok && tr->dane_depth >= 0) {
            dh_info("TLS: verified via %d %d %d at depth %d", tr->usage,
                    tr->selector, tr->mtype, tr->dane_depth);
            snprintf(res->match, sizeof(res->match), "%d %d %d", tr->usage,
                     tr->selector, tr->mtype);
            res->tls = "dane-verified";
        } else {
            dh_info("TLS: not verified: %s", tr->error);
        }
    }
    if (!rc_policy_tls_accept(tp->level, tr->verify_ok, tr->dane_depth,
                              tr->pkix_ok, job->mutants, &why)) {
        snprintf(res->accept_why, sizeof(res->accept_why), "%s", why);
        rc_session_fail(smtp, 1, res, RC_SESS_TEMPFAIL, "%s (%s)", why,
                        tr->error);
        return (-1);
    }
    snprintf(res->accept_why, sizeof(res->accept_why), "%s", why);
    if (tp->level == RC_LEVEL_DANE && strcmp(res->tls, "dane-verified") != 0)
        dh_info("TLS: %s", why);
    return (0);
}

/* rc_session_starttls - STARTTLS and the TLS decision; 0 = go on */

static int rc_session_starttls(const rc_job *job, rc_smtp *smtp, int offered,
                               const rc_tls_params *tp, rc_sess_result *res)
{
    rc_smtp_response reply;
    rc_tls_result tr;
    char what[sizeof(reply.text) + 32];
    size_t junk;

    memset(&reply, 0, sizeof(reply));
    if (job->no_starttls) {
        dh_info("%s: not using STARTTLS on the retry (mutant cleartext-retry)",
                smtp->peer);
        return (0);
    }
    if (!offered)
        return (
            rc_session_cleartext(job, smtp, tp, "STARTTLS not offered", res));
    res->starttls_sent = 1;
    if (rc_smtp_cmd(smtp, "STARTTLS") < 0 || rc_smtp_reply(smtp, &reply) < 0) {
        rc_session_fail(smtp, 0, res, RC_SESS_TEMPFAIL, "STARTTLS: %s",
                        reply.text[0] ? reply.text : "write error");
        return (-1);
    }
    if (reply.code != 220) {
        snprintf(what, sizeof(what), "STARTTLS refused (%s)", reply.text);
        return (rc_session_cleartext(job, smtp, tp, what, res));
    }
    if ((junk = rc_smtp_discard(smtp)) > 0)
        dh_info(
            "%s: discarded %zu bytes sent in clear after the STARTTLS reply",
            smtp->peer, junk);
    if ((smtp->ssl = rc_tls_handshake(job->ssl_ctx, smtp->fd, tp, &tr)) == 0) {
        res->tlsres = tr;
        rc_session_fail(smtp, 0, res, RC_SESS_TEMPFAIL, "%s -> host unusable",
                        tr.error);
        return (-1);
    }
    return (rc_session_tls_decision(job, smtp, tp, &tr, res));
}

/* rc_session_result_free - release what a probe result holds */

void rc_session_result_free(rc_sess_result *res)
{
    if (res->chain)
        sk_X509_pop_free(res->chain, X509_free);
    res->chain = 0;
}

/* rc_session_hello - greeting, EHLO (HELO if EHLO is rejected); 0 = go on */

static int rc_session_hello(const rc_job *job, rc_smtp *smtp, const char *addr,
                            int *offered, rc_sess_result *res)
{
    rc_smtp_response reply;

    /*
     * A 5xx greeting means "no service here": try the next host rather
     * than bounce.
     */
    memset(&reply, 0, sizeof(reply));
    if (rc_smtp_reply(smtp, &reply) < 0) {
        rc_session_fail(smtp, 0, res, RC_SESS_TEMPFAIL, "greeting: %s",
                        reply.text);
        return (-1);
    }
    snprintf(res->greeting, sizeof(res->greeting), "%.250s", reply.text);
    if (reply.code / 100 != 2) {
        rc_session_fail(smtp, 1, res, RC_SESS_TEMPFAIL,
                        "greeting: %s -> next host", reply.text);
        return (-1);
    }
    reply.text[0] = 0; /* the greeting is not the EHLO's failure */
    if (rc_smtp_cmd(smtp, "EHLO %s", job->helo) < 0 ||
        rc_smtp_reply(smtp, &reply) < 0) {
        rc_session_fail(smtp, 0, res, RC_SESS_TEMPFAIL, "EHLO: %s",
                        reply.text[0] ? reply.text : "write error");
        return (-1);
    }
    *offered = reply.starttls;
    res->starttls = *offered;
    if (reply.code / 100 != 2) {
        dh_info("%s: EHLO rejected (%s), trying HELO", addr, reply.text);
        *offered = 0;
        if (rc_session_exchange(job, smtp, &reply, "HELO", res, "HELO %s",
                                job->helo) < 0) {
            if (res->status == RC_SESS_BOUNCE)
                res->status = RC_SESS_TEMPFAIL;
            return (-1);
        }
    }
    return (0);
}

/* rc_session_send - MAIL, RCPT, DATA and the message */

static void rc_session_send(const rc_job *job, rc_smtp *smtp, const char *addr,
                            rc_sess_result *res)
{
    rc_smtp_response reply;

    if (rc_session_exchange(job, smtp, &reply, "MAIL FROM", res,
                            "MAIL FROM:<%s>", job->from) < 0 ||
        rc_session_exchange(job, smtp, &reply, "RCPT TO", res, "RCPT TO:<%s>",
                            job->rcpt) < 0 ||
        rc_session_exchange(job, smtp, &reply, "DATA", res, "DATA") < 0)
        return;
    if (reply.code != 354) {
        rc_session_fail(smtp, 1, res, RC_SESS_TEMPFAIL,
                        "DATA: unexpected %s -> next host", reply.text);
        return;
    }
    dh_debug("%s: > (message, %zu bytes)", addr, job->datalen);
    if (rc_smtp_write(smtp, job->data, job->datalen) < 0) {
        rc_session_fail(smtp, 0, res, RC_SESS_TEMPFAIL, "message: write error");
        return;
    }
    if (rc_session_step(job, smtp, &reply, "end of DATA", res) < 0)
        return;
    snprintf(res->reason, sizeof(res->reason), "%.590s", reply.text);
    dh_info("%s: delivered: %s", addr, reply.text);
    rc_session_end(smtp, 1, res, RC_SESS_DELIVERED);
}

/* rc_session_run - one delivery attempt */

void rc_session_run(const rc_job *job, const char *host, const char *addr,
                    const rc_tls_params *tp, rc_sess_result *res)
{
    rc_smtp smtp;
    rc_smtp_response reply;
    char err[256];
    int offered;

    memset(res, 0, sizeof(*res));
    res->status = RC_SESS_TEMPFAIL; /* until a reply says otherwise */
    res->tls = "none";
    res->starttls = -1;
    dh_info("%s: connecting to %s port %d (%s)", host, addr, job->port,
            rc_level_str(tp->level));
    if (rc_smtp_connect(&smtp, addr, job->port, job->timeout, err,
                        sizeof(err)) < 0) {
        snprintf(res->reason, sizeof(res->reason), "%s", err);
        dh_info("%s: %s", addr, err);
        res->status = RC_SESS_TEMPFAIL;
        return;
    }
    res->connected = 1;
    if (rc_session_hello(job, &smtp, addr, &offered, res) < 0 ||
        rc_session_starttls(job, &smtp, offered, tp, res) < 0)
        return;
    if (smtp.ssl &&
        rc_session_exchange(job, &smtp, &reply, "EHLO after STARTTLS", res,
                            "EHLO %s", job->helo) < 0) {
        if (res->status == RC_SESS_BOUNCE)
            res->status = RC_SESS_TEMPFAIL;
        return;
    }
    if (job->probe) {
        snprintf(res->reason, sizeof(res->reason), "%s",
                 smtp.ssl ? "TLS session acceptable" : "cleartext acceptable");
        dh_info("%s: probe only, no MAIL: %s", addr, res->reason);
        rc_session_end(&smtp, 1, res, RC_SESS_ACCEPTABLE);
        return;
    }
    if (smtp.ssl == 0)
        dh_info("%s: sending in clear", addr);
    rc_session_send(job, &smtp, addr, res);
}
