/*
 * persona.c - the table of fake MX personas.
 */
#include "persona.h"

#include <string.h>

static const dh_persona personas[] = {
    {"honest", "offer", DH_CHAIN_HONEST, 0,
     "offers STARTTLS and presents the host's own certificate (leaf + CA), "
     "the one its TLSA records describe"},
    {"no-starttls", "none", DH_CHAIN_HONEST, 1,
     "an attacker stripped STARTTLS: never advertised, refused with 502"},
    {"evil-self-signed", "offer", DH_CHAIN_SELF_SIGNED, 1,
     "offers STARTTLS and presents a self-signed certificate for the right "
     "name but the attacker's key"},
    {NULL, NULL, 0, 0, NULL},
};

/* dh_persona_find - persona by name, or NULL */
const dh_persona *dh_persona_find(const char *name)
{
    const dh_persona *p;

    for (p = personas; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

/* dh_persona_all - the whole table, terminated by a NULL name */
const dh_persona *dh_persona_all(void)
{
    return personas;
}
