/*
 * scenario_parse.h - the scenario parser's own pieces, shared by
 * scenario.c (the header keys, the zone sections) and scenario_time.c
 * (messages, attempts and what changes between them).  Not for use
 * outside the parser.
 *
 * OWNERSHIP
 *   parse_ctx is the parser's, on its stack; err points at the caller's
 *   buffer.  The word and trim helpers split the caller's line in place
 *   and return pointers into it.  Personas are borrowed from the loaded
 *   tables (persona.h).
 */
#ifndef DH_SCENARIO_PARSE_H
#define DH_SCENARIO_PARSE_H

#include <stddef.h>

#include "scenario.h"

typedef struct {
    const char *file;
    int line;
    char *err;
    size_t errlen;
    unsigned char seen[32]; /* header keys seen, by header_keys[] index */
    size_t cur_zone;        /* index of the %zone section being read */
    int expect_line;
    int in_zone;
    int prefixed_last; /* the last zone line had an [ATTEMPTS] prefix */
} parse_ctx;

/* Record "FILE:LINE: message" in pc->err; return -1. */
int dh_sp_err(parse_ctx *pc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Split off the next blank-separated word of *sp (in place), or NULL. */
char *dh_sp_word(char **sp);
/* Strip leading and trailing blanks in place. */
char *dh_sp_trim(char *s);
/* A header-style name: "@", "mx1", "mx1@mxlab", "@mxlab". */
int dh_sp_valid_name(const char *s);
/* A persona by name, or NULL with the known ones listed in pc->err. */
const dh_persona *dh_sp_persona(parse_ctx *pc, const char *name);

/* scenario_time.c: the format version 3 keys and attributes. */
int dh_sp_key_ttl(parse_ctx *pc, dh_scenario *sc, char *val);
int dh_sp_key_message(parse_ctx *pc, dh_scenario *sc, char *val);
int dh_sp_key_expect_at(parse_ctx *pc, dh_scenario *sc, char *val);
int dh_sp_key_at(parse_ctx *pc, dh_scenario *sc, char *val);
/* "[SPAN]" at the start of a zone line: the span, and *line moved past
 * it; lines without a prefix get every attempt.  0 or -1. */
int dh_sp_zone_span(parse_ctx *pc, char **line, dh_span *span);
/* "attempts=SPAN" of a fault, "attempt=K" of a check: 1 if w is one
 * (parsed into *span), 0 if it is not, -1 on a bad value. */
int dh_sp_span_attr(parse_ctx *pc, const char *w, const char *key,
                    dh_span *span);
/* Whole-file checks and defaults of the version 3 keys (after the last
 * line): the implicit message and step, the number of attempts, the
 * capabilities needed, the short TTL when DNS changes.  0 or -1. */
int dh_sp_finish_time(parse_ctx *pc, dh_scenario *sc);

#endif
