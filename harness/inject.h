/*
 * inject.h - fixture faults on purpose, to prove that the harness never
 * judges a client through a broken fixture (run --inject FAULT,...).
 *
 * The faults are real: signals to the daemons, the resolver's own control
 * channel, a kernel file size limit on the fake MX.  Nothing here tells
 * the judge about them: the oracle must find their consequences itself
 * (oracle.h), and the tests check that it does.
 *
 *   nsd-stop             NSD is stopped (SIGSTOP) while the sends run,
 *                        and continued after them
 *   resolver-flush       when the sends begin, Unbound forgets its cache
 *                        and its infrastructure cache (unbound-control)
 *   fakemx-stop=SECS     the fake MX is stopped for SECS when the sends
 *                        begin
 *   events-full=ID       the fake MX cannot write its events file while
 *                        scenario ID is sent (RLIMIT_FSIZE: EFBIG)
 *   step-nsd-stop=ID     NSD is stopped (SIGSTOP) while the world of
 *                        scenario ID changes between two of its attempts
 *                        (the reload and the served check), and
 *                        continued after
 *
 * dh_inject_parse() returns 0, or -1 with err; what it parses is kept in
 * the module for the process's life.  The hooks are called by the send
 * loop (client.c), with the world borrowed; they do nothing when no fault
 * is set.
 */
#ifndef DH_INJECT_H
#define DH_INJECT_H

#include <stddef.h>

#include "world.h"

int dh_inject_parse(const char *spec, char *err, size_t errlen);
/* Faults that begin with the sends, and end with them. */
void dh_inject_sends_begin(const dh_world *w);
void dh_inject_sends_end(const dh_world *w);
/* Called every few tens of milliseconds while the sends run. */
void dh_inject_poll(const dh_world *w);
/* Around one scenario's send. */
void dh_inject_send_begin(const dh_world *w, const char *id);
void dh_inject_send_end(const dh_world *w, const char *id);
/* Around one scenario's world change between two attempts (steps.c). */
void dh_inject_step_begin(const dh_world *w, const char *id);
void dh_inject_step_end(const dh_world *w, const char *id);

#endif
