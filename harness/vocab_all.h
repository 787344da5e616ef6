/*
 * vocab_all.h - the harness's vocabularies (vocab.c): one per
 * enumeration of scenario.h and verdict.h.  (Personas, chains and CAs
 * are data: certs/personas.conf, persona.h.)
 */
#ifndef DH_VOCAB_ALL_H
#define DH_VOCAB_ALL_H

#include "persona.h"
#include "scenario.h"
#include "verdict.h"
#include "common/vocab.h"

extern const dh_vocab dh_vocab_severity;
extern const dh_vocab dh_vocab_expect;
extern const dh_vocab dh_vocab_dnsstate;
extern const dh_vocab dh_vocab_existence;
extern const dh_vocab dh_vocab_zone_dnssec;
extern const dh_vocab dh_vocab_zone_server;
extern const dh_vocab dh_vocab_denial;
extern const dh_vocab dh_vocab_qexpect;
extern const dh_vocab dh_vocab_verdict;
extern const dh_vocab dh_vocab_outcome;

/* All of the above, NULL-terminated (for the unit tests). */
extern const dh_vocab *const dh_vocab_all[];

#endif
