/*
 * progress.c - the progress line on a terminal (progress.h).
 */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "term.h"
#include "util.h"

static struct {
    int on, color;
    size_t total;
    double t0, last;
    int width; /* of the line last drawn */
    char stage[64];
} pg;

/* draw - the line, replacing the last one */
static void draw(const char *text, int visible, int end)
{
    int pad = pg.width > visible ? pg.width - visible : 0;

    fprintf(stderr, "\r%s%*s%s", text, pad, "", end ? "\n" : "");
    if (pad)
        fprintf(stderr, "\r%s", text);
    fflush(stderr);
    pg.width = end ? 0 : visible;
}

/* clear - blank the line before a diagnostic is written under it */
static void clear(void)
{
    if (pg.width)
        fprintf(stderr, "\r%*s\r", pg.width, "");
    pg.width = 0;
}

/* dh_progress_start - see progress.h */
void dh_progress_start(size_t total)
{
    memset(&pg, 0, sizeof(pg));
    pg.on = isatty(2);
    pg.color = dh_term_color(stderr);
    pg.total = total;
    pg.t0 = dh_now();
    if (pg.on)
        dh_diag_before = clear;
}

/* dh_progress_stage - see progress.h */
void dh_progress_stage(const char *what)
{
    char line[160];
    int n;

    if (!pg.on)
        return;
    snprintf(pg.stage, sizeof(pg.stage), "%s", what);
    n = snprintf(line, sizeof(line), "dane-harness: %s | %.1f s", what,
                 dh_now() - pg.t0);
    draw(line, n, 0);
}

/* dh_progress_sends - see progress.h (redrawn at most 10 times a second) */
void dh_progress_sends(const dh_attempt *att, size_t n)
{
    size_t i, done = 0, out[DH_OUT_KINDS] = {0}, hang = 0;
    double now = dh_now();
    char line[200];
    int len;

    if (!pg.on || now - pg.last < 0.1)
        return;
    pg.last = now;
    for (i = 0; i < n; i++) {
        if (!att[i].ran)
            continue;
        done++;
        if (att[i].hang)
            hang++;
        else
            out[att[i].outcome]++;
    }
    len = snprintf(line, sizeof(line),
                   "dane-harness: sending | %zu/%zu sent: %zu delivered, %zu "
                   "deferred, %zu bounced, %zu other | %.1f s",
                   done, pg.total, out[DH_OUT_DELIVERED], out[DH_OUT_DEFERRED],
                   out[DH_OUT_BOUNCED], out[DH_OUT_NONE] + hang, now - pg.t0);
    draw(line, len, 0);
}

/* verdict_color - the escape sequence of a verdict's count */
static const char *verdict_color(dh_verdict_kind k)
{
    return k == DH_V_PASS   ? "\033[32m"
           : k == DH_V_FAIL ? "\033[31;1m"
                            : "\033[33m";
}

/* dh_progress_done - see progress.h */
void dh_progress_done(const size_t *counts)
{
    char line[400];
    size_t k, judged = 0;
    int len, visible;

    if (!pg.on)
        return;
    for (k = 0; k < DH_V_KINDS; k++)
        judged += counts[k];
    len = visible = snprintf(line, sizeof(line),
                             "dane-harness: %zu/%zu judged:", judged, pg.total);
    for (k = 0; k < DH_V_KINDS; k++) {
        int n;

        if (counts[k] == 0)
            continue;
        n = snprintf(line + len, sizeof(line) - (size_t)len, " %s%s %zu%s",
                     pg.color ? verdict_color((dh_verdict_kind)k) : "",
                     dh_verdict_name((dh_verdict_kind)k), counts[k],
                     pg.color ? "\033[0m" : "");
        len += n;
        visible +=
            n -
            (pg.color ? (int)strlen(verdict_color((dh_verdict_kind)k)) + 4 : 0);
    }
    visible += snprintf(line + len, sizeof(line) - (size_t)len, " | %.1f s",
                        dh_now() - pg.t0);
    draw(line, visible, 1);
    dh_diag_before = NULL;
}
