/*
 * bringup.c - the world, from the scenarios to daemons that answer
 * (bringup.h).
 */
#include "bringup.h"

#include "sandbox.h"
#include "util.h"

/* dh_bring_up - see bringup.h */
dh_world *dh_bring_up(dh_scenario **v, size_t n, const char *rundir,
                      const char *libexec, const char *datadir,
                      const char **errp)
{
    dh_world *w = dh_world_plan(v, n, rundir, libexec, datadir);

    if (dh_world_start_fakemx(w) < 0) {
        *errp = "the fake MX daemon did not start";
        return w;
    }
    dh_world_zones(w);
    dh_info("world built in %.3f s (%zu scenarios)", w->t_build, n);
    if (dh_sandbox_resolv_conf(w->resolv_path) < 0) {
        *errp = "cannot install the sandbox resolv.conf";
        return w;
    }
    if (dh_world_start(w) < 0) {
        *errp = "the world's daemons did not start (see the warnings "
                "above)";
        return w;
    }
    dh_info("world up in %.3f s", w->t_start);
    dh_world_check_served(w);
    dh_world_selfcheck(w);
    return w;
}
