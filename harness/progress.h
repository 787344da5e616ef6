/*
 * progress.h - one line of progress on stderr while a run goes, when
 * stderr is a terminal; nothing at all otherwise.
 *
 *   dane-harness: world up, sending | 23/76 sent: 10 delivered, 12
 *   deferred, 1 other | 4.2 s
 *   dane-harness: 76/76 judged: PASS 75, FAIL 1 | 15.3 s
 *
 * While the sends run, only the adapters' outcomes are known: verdicts
 * come from the evidence, read once every send is over, so the line
 * counts outcomes until then and verdicts at the end.  The line is
 * redrawn with a carriage return and blanks (no escape sequences);
 * verdict counts are coloured only when dh_term_color(stderr) allows.
 * The final line ends with a newline, so the report follows below it.
 */
#ifndef DH_PROGRESS_H
#define DH_PROGRESS_H

#include <stddef.h>

#include "verdict.h"

/* Start: total scenarios; enabled when stderr is a terminal. */
void dh_progress_start(size_t total);
/* A stage's name ("building the world", "judging"). */
void dh_progress_stage(const char *what);
/* During the sends: the attempts so far (n of them). */
void dh_progress_sends(const dh_attempt *att, size_t n);
/* The end: verdict counts (per dh_verdict_kind); ends the line. */
void dh_progress_done(const size_t *counts);

#endif
