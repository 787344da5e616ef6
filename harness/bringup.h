/*
 * bringup.h - bring the world up, inside the sandbox: plan and PKI, the
 * fake MX (it loads its certificates while the zones are signed), the
 * zones, the sandbox resolv.conf, NSD and Unbound until they answer, the
 * zones transferred back and compared (served.c), every declared DNS
 * state checked (selfcheck.c).
 *
 * dh_bring_up() returns the world (the caller frees it with
 * dh_world_free(), after dh_world_stop()); when a stage fails, *errp is
 * set to a static reason and the world is as far as it got.  The
 * scenarios v are borrowed and must outlive the world.
 */
#ifndef DH_BRINGUP_H
#define DH_BRINGUP_H

#include "world.h"

dh_world *dh_bring_up(dh_scenario **v, size_t n, const char *rundir,
                      const char *libexec, const char *datadir,
                      const char **errp);

#endif
