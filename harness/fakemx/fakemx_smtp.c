/*
 * fakemx_smtp.c - greeting and SMTP command dispatch of the fake MX
 *
 * Replies follow Postfix where there is a choice.  Every refused command
 * (syntax, sequence, unknown) is a command_error event and counts toward
 * FAKEMX_MAX_ERRORS; the accepted ones that matter to verdicts (EHLO,
 * MAIL, RCPT) are events of their own.  The persona knobs acting here:
 * greeting-delay and ehlo-delay (stalls, see fakemx_session.h),
 * mail-reply and rcpt-reply (the command is recorded, then answered with
 * the configured code; a 4yz/5yz leaves the state unchanged).
 */
#include <stdio.h>
#include <string.h>

#include "fakemx_event.h"
#include "common/diag.h"
#include "fakemx_session.h"

/* fakemx_smtp_greet_now - the 220 greeting, at last */
static void fakemx_smtp_greet_now(fakemx_session *s)
{
    fakemx_session_reply(s, "220 %s ESMTP dane-harness fakemx",
                         s->entry->smtp_name);
    fakemx_session_set_state(s, FAKEMX_S_HELO);
}

/* fakemx_smtp_greet - send the 220 greeting, after greeting-delay */
void fakemx_smtp_greet(fakemx_session *s)
{
    if (s->entry->beh.greeting_delay > 0)
        fakemx_session_stall(s, s->entry->beh.greeting_delay,
                             fakemx_smtp_greet_now);
    else
        fakemx_smtp_greet_now(s);
}

/* fakemx_smtp_refusal - reply CODE (4yz or 5yz) to a refused WHAT */
static void fakemx_smtp_refusal(fakemx_session *s, int code, const char *what,
                                const char *knob)
{
    fakemx_session_reply(s, "%d %d.7.1 Error: %s refused (fakemx %s=%d)", code,
                         code / 100, what, knob, code);
}

/* fakemx_smtp_reset - forget the mail transaction */
void fakemx_smtp_reset(fakemx_session *s)
{
    s->nrcpt = 0;
    if (s->state == FAKEMX_S_MAIL || s->state == FAKEMX_S_RCPT)
        fakemx_session_set_state(s, FAKEMX_S_READY);
}

/* fakemx_smtp_offer - would our EHLO reply advertise STARTTLS now? */
static int fakemx_smtp_offer(const fakemx_session *s, int esmtp)
{
    return esmtp && !s->in_tls &&
           s->entry->beh.starttls != FAKEMX_STARTTLS_NONE;
}

/* fakemx_smtp_ehlo_reply - the reply to EHLO or HELO (maybe stalled) */
static void fakemx_smtp_ehlo_reply(fakemx_session *s)
{
    const char *name = s->entry->smtp_name;

    if (!s->esmtp) {
        fakemx_session_reply(s, "250 %s", name);
    } else {
        fakemx_session_reply(s, "250-%s", name);
        fakemx_session_reply(s, "250-PIPELINING");
        fakemx_session_reply(s, "250-SIZE %d", FAKEMX_MSG_MAX);
        if (fakemx_smtp_offer(s, 1))
            fakemx_session_reply(s, "250-STARTTLS");
        fakemx_session_reply(s, "250-ENHANCEDSTATUSCODES");
        fakemx_session_reply(s, "250 8BITMIME");
    }
    fakemx_session_set_state(s, FAKEMX_S_READY);
}

/* fakemx_smtp_ehlo - EHLO or HELO: record it, reply after ehlo-delay */
static void fakemx_smtp_ehlo(fakemx_session *s, const smtp_cmd *cmd)
{
    int esmtp = cmd->verb == SMTP_VERB_EHLO;
    int refuse = esmtp ? s->entry->beh.ehlo_reply : 0;
    json_t *ev;

    ev = fakemx_session_event(s, "ehlo");
    json_object_set_new(ev, "verb", json_string(cmd->name));
    json_object_set_new(ev, "name",
                        fakemx_json_text(cmd->arg, strlen(cmd->arg)));
    json_object_set_new(ev, "tls", json_boolean(s->in_tls));
    json_object_set_new(ev, "starttls_offered",
                        json_boolean(!refuse && fakemx_smtp_offer(s, esmtp)));
    json_object_set_new(ev, "reply", json_integer(refuse ? refuse : 250));
    fakemx_event_emit(ev);

    if (refuse) {
        /* the session stays where it was: HELO still works, with no
         * extension (and so no STARTTLS) */
        fakemx_session_reply(s,
                             "%d %d.5.1 Error: EHLO not accepted (fakemx "
                             "ehlo-reply=%d)",
                             refuse, refuse / 100, refuse);
        return;
    }
    s->nrcpt = 0;
    s->esmtp = esmtp;
    if (s->entry->beh.ehlo_delay > 0)
        fakemx_session_stall(s, s->entry->beh.ehlo_delay,
                             fakemx_smtp_ehlo_reply);
    else
        fakemx_smtp_ehlo_reply(s);
}

/* fakemx_smtp_mail - MAIL FROM */
static void fakemx_smtp_mail(fakemx_session *s, const smtp_cmd *cmd,
                             const char *line, size_t len)
{
    json_t *ev;
    int code;

    if (s->state == FAKEMX_S_HELO) {
        fakemx_session_error(s, "bad sequence", line, len,
                             "503 5.5.1 Error: send HELO/EHLO first");
        return;
    }
    if (s->state != FAKEMX_S_READY) {
        fakemx_session_error(s, "bad sequence", line, len,
                             "503 5.5.1 Error: nested MAIL command");
        return;
    }
    if (cmd->size > FAKEMX_MSG_MAX) {
        fakemx_session_reply(s, "552 5.3.4 Message size exceeds fixed limit");
        return;
    }
    code = s->entry->beh.mail_reply ? s->entry->beh.mail_reply : 250;
    ev = fakemx_session_event(s, "mail");
    json_object_set_new(ev, "from",
                        fakemx_json_text(cmd->addr, strlen(cmd->addr)));
    json_object_set_new(ev, "tls", json_boolean(s->in_tls));
    json_object_set_new(ev, "reply", json_integer(code));
    fakemx_event_emit(ev);
    s->nrcpt = 0;
    if (code / 100 != 2) {
        fakemx_smtp_refusal(s, code, "sender", "mail-reply");
        return;
    }
    fakemx_session_reply(s, "%d 2.1.0 Ok", code);
    fakemx_session_set_state(s, FAKEMX_S_MAIL);
}

/* fakemx_smtp_rcpt - RCPT TO */
static void fakemx_smtp_rcpt(fakemx_session *s, const smtp_cmd *cmd,
                             const char *line, size_t len)
{
    json_t *ev;
    int code;

    if (s->state != FAKEMX_S_MAIL && s->state != FAKEMX_S_RCPT) {
        fakemx_session_error(s, "bad sequence", line, len,
                             "503 5.5.1 Error: need MAIL command");
        return;
    }
    if (s->nrcpt >= FAKEMX_RCPT_MAX) {
        fakemx_session_reply(s, "452 4.5.3 Error: too many recipients");
        return;
    }
    code = s->entry->beh.rcpt_reply ? s->entry->beh.rcpt_reply : 250;
    ev = fakemx_session_event(s, "rcpt");
    json_object_set_new(ev, "to",
                        fakemx_json_text(cmd->addr, strlen(cmd->addr)));
    json_object_set_new(ev, "tls", json_boolean(s->in_tls));
    json_object_set_new(ev, "reply", json_integer(code));
    fakemx_event_emit(ev);
    if (code / 100 != 2) {
        fakemx_smtp_refusal(s, code, "recipient", "rcpt-reply");
        return;
    }
    s->nrcpt++;
    fakemx_session_reply(s, "%d 2.1.5 Ok", code);
    fakemx_session_set_state(s, FAKEMX_S_RCPT);
}

/* fakemx_smtp_data - DATA */
static void fakemx_smtp_data(fakemx_session *s, const char *line, size_t len)
{
    if (s->state != FAKEMX_S_RCPT) {
        fakemx_session_error(s, "bad sequence", line, len,
                             s->state == FAKEMX_S_MAIL
                                 ? "503 5.5.1 Error: need RCPT command"
                                 : "503 5.5.1 Error: need MAIL command");
        return;
    }
    fakemx_session_reply(s, "354 End data with <CR><LF>.<CR><LF>");
    fakemx_data_begin(s);
    fakemx_session_set_state(s, FAKEMX_S_DATA);
}

/* fakemx_smtp_refused - a line the parser refused */
static void fakemx_smtp_refused(fakemx_session *s, const smtp_cmd *cmd,
                                const char *line, size_t len)
{
    char reply[256];

    switch (cmd->status) {
    case SMTP_CMD_TOO_LONG:
        fakemx_session_error(s, "line too long", line, len,
                             "500 5.5.2 Error: line too long");
        break;
    case SMTP_CMD_BAD_CHAR:
        fakemx_session_error(s, "bad character", line, len,
                             "500 5.5.2 Error: bad character in command");
        break;
    case SMTP_CMD_SYNTAX:
        snprintf(reply, sizeof(reply), "501 5.5.4 %s", cmd->why);
        fakemx_session_error(s, "syntax error", line, len, reply);
        break;
    default:
        fakemx_session_error(s, "syntax error", line, len,
                             "500 5.5.2 Error: bad syntax");
        break;
    }
}

/* fakemx_smtp_command - act on one command line of LEN bytes */
void fakemx_smtp_command(fakemx_session *s, const char *line, size_t len)
{
    smtp_cmd cmd;

    if (smtp_cmd_parse(line, len, &cmd) != SMTP_CMD_OK) {
        fakemx_smtp_refused(s, &cmd, line, len);
        return;
    }
    switch (cmd.verb) {
    case SMTP_VERB_HELO:
    case SMTP_VERB_EHLO:
        fakemx_smtp_ehlo(s, &cmd);
        break;
    case SMTP_VERB_MAIL:
        fakemx_smtp_mail(s, &cmd, line, len);
        break;
    case SMTP_VERB_RCPT:
        fakemx_smtp_rcpt(s, &cmd, line, len);
        break;
    case SMTP_VERB_DATA:
        fakemx_smtp_data(s, line, len);
        break;
    case SMTP_VERB_RSET:
        fakemx_smtp_reset(s);
        fakemx_session_reply(s, "250 2.0.0 Ok");
        break;
    case SMTP_VERB_NOOP:
        fakemx_session_reply(s, "250 2.0.0 Ok");
        break;
    case SMTP_VERB_VRFY:
        fakemx_session_reply(s, "252 2.0.0 Cannot VRFY user, but will accept "
                                "message");
        break;
    case SMTP_VERB_QUIT:
        s->quit = 1;
        fakemx_session_reply(s, "221 2.0.0 Bye");
        fakemx_session_close(s, "quit");
        break;
    case SMTP_VERB_STARTTLS:
        fakemx_starttls_command(s, line, len);
        break;
    default:
        fakemx_session_error(s, "unknown command", line, len,
                             "500 5.5.2 Error: command not recognized");
        break;
    }
}
