/*
 * lamedns.h - the world's broken name servers: on DH_LAME_REFUSED_ADDR
 * every query is answered REFUSED (a lame delegation), on
 * DH_LAME_SERVFAIL_ADDR SERVFAIL, and on DH_LAME_SILENT_ADDR never (the
 * resolver times out).  UDP and TCP, port 53.  dh_lamedns_main() runs
 * until killed; the harness starts it as "dane-harness __lamedns".
 */
#ifndef DH_LAMEDNS_H
#define DH_LAMEDNS_H

int dh_lamedns_main(void);

#endif
