/*
 * reqcat.c - the requirement catalog: load, find (reqcat.h).
 */
#include "reqcat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

const char *const dh_req_levels[] = {
    "MUST", "MUST NOT", "SHOULD", "SHOULD NOT", "MAY", "INFO", NULL,
};

#define NCOLS 5

/* rerr - the reason into err; -1 */
static int rerr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int rerr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* valid_level - is s one of dh_req_levels? */
static int valid_level(const char *s)
{
    size_t i;

    for (i = 0; dh_req_levels[i]; i++)
        if (strcmp(dh_req_levels[i], s) == 0)
            return 1;
    return 0;
}

/* valid_req_id - "R<rfc>-<section>-<letter>" */
static int valid_req_id(const char *s)
{
    const char *dash = strrchr(s, '-');

    return s[0] == 'R' && strchr("0123456789", s[1]) && s[1] && dash &&
           dash > s + 2 && dash[1] >= 'a' && dash[1] <= 'z' && dash[2] == 0 &&
           strspn(s + 1, "0123456789.-ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijk"
                         "lmnopqrstuvwxyz") == strlen(s + 1);
}

/* split - line into its NCOLS tab-separated columns (in place) */
static int split(char *line, char **col)
{
    int n = 0;
    char *p = line;

    while (n < NCOLS) {
        col[n++] = p;
        p = strchr(p, '\t');
        if (p == NULL)
            break;
        *p++ = 0;
    }
    return p == NULL ? n : NCOLS + 1;
}

/* add_row - one line's columns into the catalog; 0, or -1 with err */
static int add_row(dh_reqcat *cat, char **col, int line, char *err,
                   size_t errlen)
{
    dh_req *r;

    if (!valid_req_id(col[0]))
        return rerr(err, errlen, "%s:%d: bad requirement ID '%s'", cat->path,
                    line, col[0]);
    if (dh_reqcat_find(cat, col[0]))
        return rerr(err, errlen, "%s:%d: %s given twice", cat->path, line,
                    col[0]);
    if (!valid_level(col[2]))
        return rerr(err, errlen,
                    "%s:%d: unknown level '%s' (MUST, MUST NOT, SHOULD, "
                    "SHOULD NOT, MAY or INFO)",
                    cat->path, line, col[2]);
    if (strlen(col[3]) != 1 || !strchr("QDSU", col[3][0]) || !*col[4])
        return rerr(err, errlen,
                    "%s:%d: the 'checked' column is Q, D, S or U and the "
                    "text is not empty",
                    cat->path, line);
    cat->v = dh_realloc(cat->v, (cat->n + 1) * sizeof(*cat->v));
    r = &cat->v[cat->n++];
    r->id = dh_strdup(col[0]);
    r->section = dh_strdup(col[1]);
    r->level = dh_strdup(col[2]);
    r->checked = dh_strdup(col[3]);
    r->text = dh_strdup(col[4]);
    r->line = line;
    return 0;
}

/* parse - every non-comment line of text; 0 or -1 with err */
static int parse(dh_reqcat *cat, char *text, char *err, size_t errlen)
{
    char *save = NULL, *l, *col[NCOLS];
    int line = 0;

    for (l = text; l; l = save) {
        save = strchr(l, '\n');
        if (save)
            *save++ = 0;
        line++;
        if (*l == '#' || *l == 0)
            continue;
        if (split(l, col) != NCOLS)
            return rerr(err, errlen,
                        "%s:%d: want %d columns separated by tabs (id, "
                        "section, level, checked, text)",
                        cat->path, line, NCOLS);
        if (add_row(cat, col, line, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* dh_reqcat_load - see reqcat.h */
int dh_reqcat_load(const char *path, dh_reqcat *cat, char *err, size_t errlen)
{
    size_t len;
    char *text = dh_read_file(path, &len);
    int rc;

    memset(cat, 0, sizeof(*cat));
    cat->path = dh_strdup(path);
    if (text == NULL) {
        rerr(err, errlen, "%s: %s", path, strerror(errno));
        dh_reqcat_free(cat);
        return -1;
    }
    rc = parse(cat, text, err, errlen);
    free(text);
    if (rc == 0 && cat->n == 0) {
        snprintf(err, errlen, "%s: no requirement in it", path);
        rc = -1;
    }
    if (rc < 0)
        dh_reqcat_free(cat);
    return rc;
}

/* dh_reqcat_find - see reqcat.h */
const dh_req *dh_reqcat_find(const dh_reqcat *cat, const char *id)
{
    size_t i;

    for (i = 0; i < cat->n; i++)
        if (strcmp(cat->v[i].id, id) == 0)
            return &cat->v[i];
    return NULL;
}

/* dh_reqcat_free - see reqcat.h */
void dh_reqcat_free(dh_reqcat *cat)
{
    size_t i;

    for (i = 0; i < cat->n; i++) {
        free(cat->v[i].id);
        free(cat->v[i].section);
        free(cat->v[i].level);
        free(cat->v[i].checked);
        free(cat->v[i].text);
    }
    free(cat->v);
    free(cat->path);
    memset(cat, 0, sizeof(*cat));
}
