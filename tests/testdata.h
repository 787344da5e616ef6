/*
 * testdata.h - the source tree's data files for the unit tests: the
 * personas, chains and CAs of certs/personas.conf (persona.h).
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

#endif
