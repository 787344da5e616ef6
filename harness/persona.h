/*
 * persona.h - what a fake MX host does to the client, by name.
 *
 * A persona fixes the SMTP behaviour of the fake server at one address
 * (does it offer STARTTLS?) and which certificate chain it presents.  The
 * table is static; dh_persona_find() returns NULL for an unknown name.
 */
#ifndef DH_PERSONA_H
#define DH_PERSONA_H

typedef enum {
    DH_CHAIN_HONEST,      /* the host's own leaf, issued by the run's CA */
    DH_CHAIN_SELF_SIGNED, /* attacker: right name, wrong key, self-signed */
} dh_chain_kind;

typedef struct {
    const char *name;
    const char *starttls; /* fakemx "starttls=" value */
    dh_chain_kind chain;
    int hostile; /* mail arriving here reached an attacker, or went in clear
                  * past one */
    const char *doc;
} dh_persona;

const dh_persona *dh_persona_find(const char *name);
const dh_persona *dh_persona_all(void); /* terminated by name == NULL */

#endif
