/*
 * term.c - colours and wrapping for the terminal (term.h).
 */
#include "term.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* dh_term_color - see term.h */
int dh_term_color(FILE *f)
{
    return getenv("NO_COLOR") == NULL && isatty(fileno(f));
}

/* dh_term_wrap - see term.h */
void dh_term_wrap(FILE *f, const char *text, int col, int indent, int width)
{
    const char *w = text;
    int start = col;

    while (*w == ' ')
        w++;
    while (*w) {
        size_t n = strcspn(w, " ");

        if (col > start && col + 1 + (int)n > width) {
            fprintf(f, "\n%*s", indent, "");
            col = start = indent;
        }
        col += fprintf(f, "%s%.*s", col > start ? " " : "", (int)n, w);
        w += n;
        while (*w == ' ')
            w++;
    }
    fputc('\n', f);
}
