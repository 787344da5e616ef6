/*
 * diag.h - diagnostics of the three programs (dane-harness, dane-fakemx,
 * dane-smtp-send): one severity ladder, one format.
 *
 * Every line goes to stderr as "PROGRAM: [LEVEL: ]message", written with
 * one call so that lines of parallel processes do not interleave.
 *
 *   dh_debug()  detail, shown at level 2 (-v -v, --debug, --verbose)
 *   dh_info()   progress, or the reference client's decision log: level 1
 *   dh_warn()   something went wrong and the program carries on: always
 *   dh_fatal()  a broken environment (a file that cannot be written, a
 *               port that cannot be bound, no memory): report, exit
 *               DH_EXIT_FATAL
 *   dh_panic()  a broken invariant (a bug): report, abort()
 *
 * Input from the network or from a client is never fatal: programs warn
 * and drop it.  dh_diag_init() sets the program name and the level; until
 * then the name is "dane-harness" and the level 0.  Level -1 silences
 * everything but fatal and panic (unit tests).
 */
#ifndef DH_DIAG_H
#define DH_DIAG_H

#define DH_EXIT_FATAL 2

extern int dh_diag_level;
/* Called before each message is written, when set (the progress line of
 * progress.c clears itself so that the message has a line of its own). */
extern void (*dh_diag_before)(void);

void dh_diag_init(const char *program, int level);

void dh_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dh_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dh_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void dh_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void dh_panic(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
