/*
 * term.h - what the terminal gets: colours only when the stream is a
 * terminal and NO_COLOR is not set (https://no-color.org; set at all,
 * even empty, counts), and text wrapped to a width.
 */
#ifndef DH_TERM_H
#define DH_TERM_H

#include <stdio.h>

/* 1 when escape sequences may be written to f. */
int dh_term_color(FILE *f);
/* text, wrapped at words to width columns; every line after the first
 * starts with indent spaces; col is the column the first line starts
 * at.  Ends with a newline. */
void dh_term_wrap(FILE *f, const char *text, int col, int indent, int width);

#endif
