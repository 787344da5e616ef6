/*
 * reqcat.h - the requirement catalog (scenarios/requirements.tsv): what
 * RFC 7672, 7671 and 6698 ask of a sending MTA, one requirement a line,
 * each with the ID scenario files cite.
 *
 * dh_reqcat_load() reads the file into a new catalog the caller frees
 * with dh_reqcat_free(); every string in it belongs to the catalog.  A
 * mistake in the file (a missing column, an ID given twice, an unknown
 * level) fails the load with "FILE:LINE: reason" in err.
 */
#ifndef DH_REQCAT_H
#define DH_REQCAT_H

#include <stddef.h>

typedef struct {
    char *id;      /* R7672-2.2-a */
    char *section; /* 7672 §2.2 */
    char *level;   /* MUST, MUST NOT, SHOULD, SHOULD NOT, MAY, INFO */
    char *checked; /* Q, D, S or U: how sure the section and level are */
    char *text;    /* the requirement, one line */
    int line;
} dh_req;

typedef struct {
    char *path;
    dh_req *v;
    size_t n;
} dh_reqcat;

/* The levels, in the order reports count them; NULL-terminated. */
extern const char *const dh_req_levels[];

/* 0, or -1 with "FILE:LINE: reason" (or the system's error) in err. */
int dh_reqcat_load(const char *path, dh_reqcat *cat, char *err, size_t errlen);
/* The requirement of that ID, or NULL (borrowed from cat). */
const dh_req *dh_reqcat_find(const dh_reqcat *cat, const char *id);
void dh_reqcat_free(dh_reqcat *cat);

#endif
