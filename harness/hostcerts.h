/*
 * hostcerts.h - the certificate chains of one fake MX host, issued as the
 * chains of certs/personas.conf describe them (persona.h), and their PEM
 * files under pki/<scenario>/.
 *
 * dh_hostcerts_make() gives the host its keys and the chains its
 * personas need (h->chains, by chain index), writing each chain's files
 * <label>.<chain>.{chain,key}.pem into dir; dh_hostcerts_chain() makes one
 * more on demand (a {tlsa HOST rsa} placeholder needs own-rsa).  Both
 * keep what they make in the host: dh_hostcerts_free() releases it.
 */
#ifndef DH_HOSTCERTS_H
#define DH_HOSTCERTS_H

#include "world.h"

/* Keys and chains of host h of a scenario whose recipient domain is
 * domain (names like cn=domain need it). */
void dh_hostcerts_make(dh_world *w, dh_world_host *h, const char *dir,
                       const char *domain);
/* The host's chain ch (made and written on first use; borrowed). */
const dh_chain_files *dh_hostcerts_chain(dh_world *w, dh_world_host *h,
                                         const dh_chain *ch);
/* The chains persona pe needs on host h (a persona it switches to). */
void dh_hostcerts_persona(dh_world *w, dh_world_host *h, const dh_persona *pe);
void dh_hostcerts_free(dh_world_host *h);

#endif
