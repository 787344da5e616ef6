/*
 * sys.h - files, folders and the clock.
 */
#ifndef DH_SYS_H
#define DH_SYS_H

#include <stddef.h>

/* Create or replace path with len bytes of data: 0, or -1 with errno. */
int dh_write_file(const char *path, const char *data, size_t len, int mode);
/* The whole file as a new NUL-terminated string (the caller frees it;
 * *len, if given, is its length without the NUL), or NULL with errno. */
char *dh_read_file(const char *path, size_t *len);
/* mkdir -p: 0, or -1 with errno. */
int dh_mkdir_p(const char *path, int mode);
/* Wall-clock seconds since the epoch (the clock of every timestamp the
 * programs write). */
double dh_now(void);

#endif
