/*
 * fuzz_smtp_cmd.c - libFuzzer target: the SMTP command parser (smtp_cmd.c)
 *
 * Each input is one command line, with or without its line end.  The
 * parser must never read outside the LEN bytes (AddressSanitizer sees to
 * that: libFuzzer's buffer is exactly LEN bytes), must always terminate
 * its strings inside their arrays, must give the same answer twice, and
 * must agree with the length limit.  Built by "make fuzz", run by
 * tests/fuzz.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakemx/smtp_cmd.h"

/* fuzz_check - abort unless COND holds (libFuzzer reports the input) */
#define fuzz_check(cond)                                                       \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

/* LLVMFuzzerTestOneInput - parse DATA as one command line */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static smtp_cmd a;
    static smtp_cmd b;
    size_t body = size;
    smtp_cmd_status st;

    st = smtp_cmd_parse((const char *)data, size, &a);
    fuzz_check(st == a.status && st <= SMTP_CMD_SYNTAX);
    fuzz_check(memchr(a.arg, 0, sizeof(a.arg)) != 0);
    fuzz_check(memchr(a.addr, 0, sizeof(a.addr)) != 0);
    fuzz_check(memchr(a.params, 0, sizeof(a.params)) != 0);
    fuzz_check(a.name != 0 && a.why != 0);
    if (st == SMTP_CMD_SYNTAX)
        fuzz_check(a.why[0] != 0);
    if (body > 0 && data[body - 1] == '\n')
        body--;
    if (body > 0 && data[body - 1] == '\r')
        body--;
    fuzz_check((st == SMTP_CMD_TOO_LONG) == (body + 2 > SMTP_LINE_MAX));
    if (st == SMTP_CMD_OK)
        fuzz_check(a.verb != SMTP_VERB_NONE && strlen(a.arg) <= body &&
                   smtp_cmd_verb_name(a.verb)[0] != 0);

    smtp_cmd_parse((const char *)data, size, &b);
    fuzz_check(a.status == b.status && a.verb == b.verb && a.size == b.size &&
               strcmp(a.arg, b.arg) == 0 && strcmp(a.addr, b.addr) == 0 &&
               strcmp(a.params, b.params) == 0);
    return 0;
}
