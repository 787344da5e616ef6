/*
 * testdata.h - what every unit test program shares: the source tree's
 * personas, chains and CAs (certs/personas.conf, persona.h), and main().
 */
#ifndef DH_TESTDATA_H
#define DH_TESTDATA_H

#include <check.h>

#include "persona.h"

/* load_test_personas - the catalog's certs/personas.conf, or fail */
static inline void load_test_personas(void)
{
    char err[1024];

    if (dh_personas_load(DH_DATA_DIR "/certs/personas.conf", err, sizeof(err)) <
        0)
        ck_abort_msg("%s", err);
}

/* dh_check_main - run a suite with the catalog's personas loaded: the
 * exit status of a test program */
static inline int dh_check_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    load_test_personas();
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

#endif
