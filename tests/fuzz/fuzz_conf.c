/*
 * fuzz_conf.c - libFuzzer target: the configuration parser (fakemx_conf.c)
 *
 * Each input is a whole config file, read through fmemopen(3).  Loading
 * must either succeed (then every entry is complete and can be looked up
 * by its address) or fail with a "fuzz:LINE: " message, and must free
 * everything either way (LeakSanitizer).  Inputs naming /dev, /proc or
 * /sys are skipped: a certificate path there could block (/dev/stdin) or
 * never end (/dev/zero), which says nothing about the parser.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakemx/fakemx_conf.h"

#define fuzz_check(cond)                                                       \
    do {                                                                       \
        if (!(cond))                                                           \
            abort();                                                           \
    } while (0)

/* fuzz_lookup - the entry E must be found by its own address */
static void fuzz_lookup(const fakemx_conf *conf, const fakemx_entry *e)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;

    if (e->family == AF_INET) {
        memset(&sin, 0, sizeof(sin));
        sin.sin_family = AF_INET;
        sin.sin_addr = e->v4;
        fuzz_check(fakemx_conf_lookup(conf, (struct sockaddr *)&sin) == e);
    } else {
        memset(&sin6, 0, sizeof(sin6));
        sin6.sin6_family = AF_INET6;
        sin6.sin6_addr = e->v6;
        fuzz_check(fakemx_conf_lookup(conf, (struct sockaddr *)&sin6) == e);
    }
}

/* LLVMFuzzerTestOneInput - load DATA as a config file */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fakemx_conf *conf;
    char err[2048];
    FILE *fp;

    if (size == 0 || memmem(data, size, "dev", 3) ||
        memmem(data, size, "proc", 4) || memmem(data, size, "sys", 3))
        return 0;
    if ((fp = fmemopen((void *)data, size, "r")) == 0)
        return 0;
    if (fakemx_conf_load_stream(fp, "fuzz", &conf, err, sizeof(err)) == 0) {
        for (size_t i = 0; i < conf->nentries; i++) {
            const fakemx_entry *e = &conf->entries[i];

            fuzz_check(e->scenario && e->host && e->persona && e->smtp_name);
            fuzz_check(e->line >= 1);
            fuzz_check(e->beh.greeting_delay >= 0 &&
                       e->beh.greeting_delay <= FAKEMX_DELAY_MAX);
            fuzz_check(e->beh.ehlo_delay >= 0 &&
                       e->beh.ehlo_delay <= FAKEMX_DELAY_MAX);
            fuzz_check(e->beh.starttls != FAKEMX_STARTTLS_OFFER || e->cred);
            fuzz_lookup(conf, e);
        }
        fakemx_conf_free(conf);
    } else {
        fuzz_check(conf == 0 && strncmp(err, "fuzz:", 5) == 0);
    }
    fclose(fp);
    return 0;
}
