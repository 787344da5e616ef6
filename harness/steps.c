/*
 * steps.c - the world between two delivery attempts (scenario format
 * version 3): the zones that change are rebuilt with the same keys and a
 * new SOA serial, re-signed, broken where the attempt's faults say, and
 * reloaded by NSD (nsd-control), then transferred back and compared with
 * what was built; hosts that switch persona get the fake MX to load its
 * configuration again (SIGHUP; the harness waits for its "reload"
 * event); then the attempt's self-check.  No cache is flushed: the
 * harness waits past the TTLs instead (dh_scenario_wait_before()), as a
 * real resolver would need.
 *
 * Whatever fails here is the fixture's: it becomes that scenario's fault
 * (ERROR), never a client verdict.
 */
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inject.h"
#include "proc.h"
#include "util.h"
#include "world.h"
#include "zone.h"

#define SERVED_WAIT 5.0 /* seconds for NSD to serve a reloaded zone */
#define RELOAD_WAIT 5.0 /* ... and for the fake MX to take a new config */

/* served_in_time - NSD serves zone z as built, within SERVED_WAIT */
static char *served_in_time(const dh_world *w, const dh_world_zone *z)
{
    double end = dh_now() + SERVED_WAIT;
    char *why;

    while ((why = dh_world_check_zone(w, z)) != NULL && dh_now() < end) {
        free(why);
        usleep(50 * 1000);
    }
    return why;
}

/* nsd_reload - NSD reads zone ORIGIN again; 0 or -1 + why */
static int nsd_reload(const dh_world *w, const char *origin, char **why)
{
    char *conf = dh_asprintf("%s/nsd/nsd.conf", w->rundir);
    char *out = dh_asprintf("%s/nsd/control.out", w->rundir);
    char *argv[] = {"/usr/sbin/nsd-control", "-c", conf, "reload",
                    (char *)origin,          NULL};
    dh_spawn_req req = {"nsd-control", argv, NULL, out, NULL, -1, NULL};
    int rc = dh_run(&req, 5.0);

    if (rc != 0) {
        char *text = dh_read_file(out, NULL);

        *why = dh_asprintf("nsd-control reload %s failed (exit %d): %s", origin,
                           rc, text && *text ? text : "(no output)");
        free(text);
    }
    free(conf);
    free(out);
    return rc == 0 ? 0 : -1;
}

/* step_dns - rebuild scenario ws's zones for attempt k, have NSD reload
 * them and see them served as built; NULL, or why not (new string) */
static char *step_dns(dh_world *w, dh_world_scn *ws, int k)
{
    char *why = NULL;
    size_t j;

    if (dh_world_rebuild(w, ws, k, &why) == 0)
        return why;
    for (j = 0; j < w->nzones && why == NULL; j++) {
        dh_world_zone *z = &w->zones[j];

        if (z->ws == ws && z->path)
            nsd_reload(w, z->zone->origin, &why);
    }
    for (j = 0; j < w->nzones && why == NULL; j++) {
        dh_world_zone *z = &w->zones[j];

        if (z->ws == ws && z->path)
            why = served_in_time(w, z);
    }
    return why;
}

/* reload_event - the fake MX's "reload" event of generation gen, in the
 * events written from byte `from' on (where the file ended when the
 * reload was asked for): 1 taken, -1 refused (error in *why), 0 not yet */
static int reload_event(const dh_world *w, long from, long gen, char **why)
{
    FILE *fp = fopen(w->events_path, "r");
    char line[8192];
    int rc = 0;

    if (fp == NULL || fseek(fp, from, SEEK_SET) != 0) {
        if (fp)
            fclose(fp);
        return 0;
    }
    while (rc == 0 && fgets(line, sizeof(line), fp)) {
        json_t *ev;

        if (strstr(line, "\"reload\"") == NULL ||
            (ev = json_loads(line, 0, NULL)) == NULL)
            continue;
        if (json_integer_value(json_object_get(ev, "generation")) == gen) {
            json_t *e = json_object_get(ev, "error");

            rc = json_is_string(e) ? -1 : 1;
            if (rc < 0)
                *why = dh_strdup(json_string_value(e));
        }
        json_decref(ev);
    }
    fclose(fp);
    return rc;
}

/* fakemx_reload - new configuration, SIGHUP, wait for its event */
static char *fakemx_reload(dh_world *w)
{
    double end = dh_now() + RELOAD_WAIT;
    long gen = ++w->fakemx_reloads;
    char *why = NULL;
    struct stat st;
    long from = stat(w->events_path, &st) == 0 ? (long)st.st_size : 0;
    int rc;

    dh_world_write_fakemx_conf(w);
    if (kill(w->fakemx, SIGHUP) < 0)
        return dh_asprintf("cannot signal the fake MX: %s", strerror(errno));
    while ((rc = reload_event(w, from, gen, &why)) == 0 && dh_now() < end)
        usleep(20 * 1000);
    if (rc > 0)
        return NULL;
    if (rc < 0) {
        char *s =
            dh_asprintf("the fake MX refused its new configuration: %s", why);

        free(why);
        return s;
    }
    return dh_asprintf("the fake MX did not load its new configuration "
                       "within %.0f s",
                       RELOAD_WAIT);
}

/* step_personas - the hosts of ws that switch persona before attempt
 * k; NULL, or why the fake MX did not take them (new string) */
static char *step_personas(dh_world *w, dh_world_scn *ws, int k)
{
    size_t j, a;
    int any = 0;

    for (j = 0; j < ws->nhosts; j++)
        for (a = 0; a < ws->hosts[j].naddrs; a++) {
            dh_world_addr *ad = &ws->hosts[j].addrs[a];
            const dh_persona *p =
                dh_scenario_persona_at(ws->sc, ws->hosts[j].host, ad->v6, k);

            if (p != ad->persona) {
                ad->persona = p;
                any = 1;
            }
        }
    return any ? fakemx_reload(w) : NULL;
}

/* dh_world_step - see world.h */
char *dh_world_step(dh_world *w, dh_world_scn *ws, int k)
{
    double t0 = dh_now();
    char *why = NULL, *s;

    ws->attempt = k;
    dh_inject_step_begin(w, ws->sc->id);
    if (dh_scenario_dns_changes(ws->sc, k))
        why = step_dns(w, ws, k);
    dh_inject_step_end(w, ws->sc->id);
    if (why == NULL)
        why = step_personas(w, ws, k);
    dh_debug("world: %s, attempt %d set up in %.3f s", ws->sc->id, k,
             dh_now() - t0);
    if (why == NULL)
        return NULL;
    s = dh_asprintf("before attempt %d: %s", k, why);
    free(why);
    return s;
}
