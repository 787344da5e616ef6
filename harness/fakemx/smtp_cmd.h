/*
 * smtp_cmd.h - split one SMTP command line into verb and arguments
 *
 * smtp_cmd_parse() is a pure function over a byte buffer: it reads exactly
 * LEN bytes (one command line, with or without its CRLF or bare LF), never
 * reads past them, allocates nothing and cannot fail hard.  Whatever the
 * bytes are, it fills in the caller's smtp_cmd: a verb, a status
 * and NUL-terminated copies of the argument, the address and the ESMTP
 * parameters.  The struct owns its strings; nothing needs freeing.
 *
 * Length limits (RFC 5321 4.5.3.1.4) are checked here too, but the session
 * code must enforce them before it even copies a line out of its buffer.
 */
#ifndef FAKEMX_SMTP_CMD_H
#define FAKEMX_SMTP_CMD_H

#include <stddef.h>

/* Longest command line, in octets, including the CRLF. */
#define SMTP_LINE_MAX 1000

/* The verbs the fake MX knows. */
typedef enum {
    SMTP_VERB_NONE,    /* empty line, or the line was refused */
    SMTP_VERB_UNKNOWN, /* a word we do not know */
    SMTP_VERB_HELO,
    SMTP_VERB_EHLO,
    SMTP_VERB_MAIL,
    SMTP_VERB_RCPT,
    SMTP_VERB_DATA,
    SMTP_VERB_RSET,
    SMTP_VERB_NOOP,
    SMTP_VERB_QUIT,
    SMTP_VERB_VRFY,
    SMTP_VERB_STARTTLS,
} smtp_verb;

/* What smtp_cmd_parse() made of the line. */
typedef enum {
    SMTP_CMD_OK,       /* verb (maybe UNKNOWN) and arguments are valid */
    SMTP_CMD_EMPTY,    /* nothing but white space */
    SMTP_CMD_TOO_LONG, /* longer than SMTP_LINE_MAX with CRLF */
    SMTP_CMD_BAD_CHAR, /* a NUL byte */
    SMTP_CMD_SYNTAX,   /* known verb, bad arguments; see why */
} smtp_cmd_status;

/* One parsed command line.  All strings are NUL-terminated. */
typedef struct smtp_cmd {
    smtp_verb verb;
    smtp_cmd_status status;
    const char *name;           /* canonical verb text, "" if none */
    const char *why;            /* SMTP_CMD_SYNTAX: static explanation */
    char arg[SMTP_LINE_MAX];    /* text after the verb, trimmed */
    char addr[SMTP_LINE_MAX];   /* MAIL/RCPT: the path without <> */
    char params[SMTP_LINE_MAX]; /* MAIL/RCPT: ESMTP parameters, trimmed */
    unsigned long long size;    /* MAIL: SIZE= value, 0 if absent */
} smtp_cmd;

/* smtp_cmd_parse - parse LEN bytes of BUF into CMD; returns CMD->status */
smtp_cmd_status smtp_cmd_parse(const char *buf, size_t len, smtp_cmd *cmd);

/* smtp_cmd_verb_name - canonical text of a verb ("MAIL"), "" for none */
const char *smtp_cmd_verb_name(smtp_verb verb);

#endif
