/*
 * smtp_cmd.c - split one SMTP command line into verb and arguments
 *
 * See smtp_cmd.h.  The parser is deliberately forgiving where forgiving is
 * harmless (lower case, extra spaces, a path without <>, a source route)
 * and strict where the harness needs clean data (NUL bytes, length, a
 * missing FROM:/TO:, an unterminated <path, a bad SIZE= value).
 */
#include <string.h>
#include <strings.h>

#include "smtp_cmd.h"

/* What a verb expects after it. */
typedef enum { ARG_NONE, ARG_ANY, ARG_NEED } smtp_cmd_argrule;

typedef struct smtp_cmd_verbinfo {
    const char *name;
    smtp_verb verb;
    smtp_cmd_argrule rule;
    const char *syntax;
} smtp_cmd_verbinfo;

static const smtp_cmd_verbinfo smtp_cmd_verbs[] = {
    {"HELO", SMTP_VERB_HELO, ARG_NEED, "Syntax: HELO hostname"},
    {"EHLO", SMTP_VERB_EHLO, ARG_NEED, "Syntax: EHLO hostname"},
    {"MAIL", SMTP_VERB_MAIL, ARG_NEED, "Syntax: MAIL FROM:<address>"},
    {"RCPT", SMTP_VERB_RCPT, ARG_NEED, "Syntax: RCPT TO:<address>"},
    {"DATA", SMTP_VERB_DATA, ARG_NONE, "Syntax: DATA"},
    {"RSET", SMTP_VERB_RSET, ARG_NONE, "Syntax: RSET"},
    {"NOOP", SMTP_VERB_NOOP, ARG_ANY, "Syntax: NOOP"},
    {"QUIT", SMTP_VERB_QUIT, ARG_NONE, "Syntax: QUIT"},
    {"VRFY", SMTP_VERB_VRFY, ARG_NEED, "Syntax: VRFY address"},
    {"STARTTLS", SMTP_VERB_STARTTLS, ARG_NONE, "Syntax: STARTTLS"},
};

#define SMTP_CMD_NVERBS (sizeof(smtp_cmd_verbs) / sizeof(smtp_cmd_verbs[0]))

/* smtp_cmd_is_space - SP or HTAB */
static int smtp_cmd_is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* smtp_cmd_syntax - mark CMD as a syntax error with reason WHY */
static smtp_cmd_status smtp_cmd_syntax(smtp_cmd *cmd, const char *why)
{
    cmd->status = SMTP_CMD_SYNTAX;
    cmd->why = why;
    return cmd->status;
}

/* smtp_cmd_skip_space - advance P past spaces */
static const char *smtp_cmd_skip_space(const char *p)
{
    while (smtp_cmd_is_space(*p))
        p++;
    return p;
}

/* smtp_cmd_params - copy and check the ESMTP parameters at P */
static smtp_cmd_status smtp_cmd_params(smtp_cmd *cmd, const char *p)
{
    const char *tok;
    size_t n;
    unsigned long long v;

    p = smtp_cmd_skip_space(p);
    strcpy(cmd->params, p); /* P lies inside cmd->arg: it fits */
    for (tok = p; *tok; tok = smtp_cmd_skip_space(tok + n)) {
        n = strcspn(tok, " \t");
        if (n < 5 || strncasecmp(tok, "SIZE=", 5) != 0)
            continue;
        if (n == 5)
            return smtp_cmd_syntax(cmd, "Bad SIZE parameter");
        v = 0;
        for (size_t i = 5; i < n; i++) {
            if (tok[i] < '0' || tok[i] > '9')
                return smtp_cmd_syntax(cmd, "Bad SIZE parameter");
            if (v > (~0ULL - 9) / 10)
                v = ~0ULL; /* saturate */
            else
                v = v * 10 + (unsigned)(tok[i] - '0');
        }
        cmd->size = v;
    }
    return cmd->status;
}

/* smtp_cmd_path - parse "FROM:<path> params" or "TO:<path> params" */
static smtp_cmd_status smtp_cmd_path(smtp_cmd *cmd, const char *key,
                                     int allow_empty, const char *syntax)
{
    const char *p = cmd->arg;
    const char *end;
    const char *rest;
    size_t klen = strlen(key);
    size_t n;
    char *colon;

    if (strncasecmp(p, key, klen) != 0)
        return smtp_cmd_syntax(cmd, syntax);
    p = smtp_cmd_skip_space(p + klen);
    if (*p == '<') {
        if ((end = strchr(p + 1, '>')) == 0)
            return smtp_cmd_syntax(cmd, syntax);
        n = (size_t)(end - (p + 1));
        memcpy(cmd->addr, p + 1, n);
        rest = end + 1;
    } else {
        n = strcspn(p, " \t");
        memcpy(cmd->addr, p, n);
        rest = p + n;
        if (n == 0)
            return smtp_cmd_syntax(cmd, syntax);
    }
    cmd->addr[n] = 0;
    if (*rest && !smtp_cmd_is_space(*rest))
        return smtp_cmd_syntax(cmd, syntax);
    /* Drop an RFC 821 source route: <@a,@b:user@c> */
    if (cmd->addr[0] == '@' && (colon = strchr(cmd->addr, ':')) != 0)
        memmove(cmd->addr, colon + 1, strlen(colon + 1) + 1);
    if (cmd->addr[0] == 0 && !allow_empty)
        return smtp_cmd_syntax(cmd, syntax);
    return smtp_cmd_params(cmd, rest);
}

/* smtp_cmd_verb_name - canonical text of a verb ("MAIL"), "" for none */
const char *smtp_cmd_verb_name(smtp_verb verb)
{
    for (size_t i = 0; i < SMTP_CMD_NVERBS; i++)
        if (smtp_cmd_verbs[i].verb == verb)
            return smtp_cmd_verbs[i].name;
    return verb == SMTP_VERB_UNKNOWN ? "UNKNOWN" : "";
}

/* smtp_cmd_split - the limits (length with CRLF, forbidden bytes), then
 * the verb's place (VSTART, VLEN) and the argument into CMD */
static smtp_cmd_status smtp_cmd_split(const char *buf, size_t len,
                                      smtp_cmd *cmd, size_t *vstart,
                                      size_t *vlen)
{
    size_t n = len, p = 0, aend;

    if (n > 0 && buf[n - 1] == '\n')
        n--;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    if (n + 2 > SMTP_LINE_MAX)
        return cmd->status = SMTP_CMD_TOO_LONG;
    if (n > 0 && memchr(buf, 0, n) != 0)
        return cmd->status = SMTP_CMD_BAD_CHAR;
    while (p < n && smtp_cmd_is_space(buf[p]))
        p++;
    if (p == n)
        return cmd->status = SMTP_CMD_EMPTY;
    *vstart = p;
    while (p < n && !smtp_cmd_is_space(buf[p]))
        p++;
    *vlen = p - *vstart;
    while (p < n && smtp_cmd_is_space(buf[p]))
        p++;
    aend = n;
    while (aend > p &&
           (smtp_cmd_is_space(buf[aend - 1]) || buf[aend - 1] == '\r'))
        aend--;
    memcpy(cmd->arg, buf + p, aend - p);
    cmd->arg[aend - p] = 0;
    return cmd->status;
}

/* smtp_cmd_verb - the table row of the verb of VLEN bytes, or NULL */
static const smtp_cmd_verbinfo *smtp_cmd_verb(const char *v, size_t vlen)
{
    for (size_t i = 0; i < SMTP_CMD_NVERBS; i++)
        if (strlen(smtp_cmd_verbs[i].name) == vlen &&
            strncasecmp(smtp_cmd_verbs[i].name, v, vlen) == 0)
            return &smtp_cmd_verbs[i];
    return 0;
}

/* smtp_cmd_parse - parse LEN bytes of BUF into CMD; returns CMD->status */
smtp_cmd_status smtp_cmd_parse(const char *buf, size_t len, smtp_cmd *cmd)
{
    const smtp_cmd_verbinfo *vi;
    size_t vstart, vlen;

    cmd->verb = SMTP_VERB_NONE;
    cmd->status = SMTP_CMD_OK;
    cmd->name = "";
    cmd->why = "";
    cmd->arg[0] = cmd->addr[0] = cmd->params[0] = 0;
    cmd->size = 0;
    if (smtp_cmd_split(buf, len, cmd, &vstart, &vlen) != SMTP_CMD_OK)
        return cmd->status;
    if ((vi = smtp_cmd_verb(buf + vstart, vlen)) == 0) {
        cmd->verb = SMTP_VERB_UNKNOWN;
        cmd->name = "UNKNOWN";
        return cmd->status;
    }
    cmd->verb = vi->verb;
    cmd->name = vi->name;
    if (vi->rule == ARG_NONE && cmd->arg[0] != 0)
        return smtp_cmd_syntax(cmd, vi->syntax);
    if (vi->rule == ARG_NEED && cmd->arg[0] == 0)
        return smtp_cmd_syntax(cmd, vi->syntax);
    if (vi->verb == SMTP_VERB_MAIL)
        return smtp_cmd_path(cmd, "FROM:", 1, vi->syntax);
    if (vi->verb == SMTP_VERB_RCPT)
        return smtp_cmd_path(cmd, "TO:", 0, vi->syntax);
    return cmd->status;
}
