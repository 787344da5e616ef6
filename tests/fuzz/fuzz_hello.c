/*
 * fuzz_hello.c - libFuzzer target: the ClientHello vector parser and the
 * name tables (fakemx_hello.c)
 *
 * The first byte picks the length prefix (1 or 2 octets), the rest is the
 * extension body as a client would send it.  The parser must stay inside
 * the buffer, keep at most FAKEMX_HELLO_MAX values, never claim more
 * values than the bytes allow, and every value must get a name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fakemx/fakemx_hello.h"

#define fuzz_check(cond)                                                       \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

/* LLVMFuzzerTestOneInput - parse DATA[1..] as one extension body */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned short v[FAKEMX_HELLO_MAX];
    char buf[16];
    size_t n;
    int rc;

    if (size == 0)
        return 0;
    rc = fakemx_hello_u16_list(data + 1, size - 1, 1 + (data[0] & 1), v,
                               FAKEMX_HELLO_MAX, &n);
    fuzz_check(rc == 0 || rc == -1);
    fuzz_check(n <= FAKEMX_HELLO_MAX && 2 * n <= size - 1);
    for (size_t i = 0; i < n; i++) {
        fuzz_check(fakemx_hello_version_name(v[i], buf, sizeof(buf))[0]);
        fuzz_check(fakemx_hello_group_name(v[i], buf, sizeof(buf))[0]);
        fuzz_check(fakemx_hello_sigalg_name(v[i], buf, sizeof(buf))[0]);
    }
    return 0;
}
