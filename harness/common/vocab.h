/*
 * vocab.h - the names of an enumeration, declared once and used both
 * ways: value to name (reports, logs) and name to value (parsers).
 *
 * A vocabulary is an array of names indexed by the enumeration's values,
 * written with designated initialisers:
 *
 *     static const char *const severity_names[] = {
 *         [DH_SEV_SECURITY] = "security", ...
 *     };
 *     DH_VOCAB(dh_vocab_severity, "severity", severity_names, DH_SEV_KINDS);
 *
 * DH_VOCAB fails to compile when the array does not have exactly COUNT
 * entries (a value added to the enumeration without a name, or a name
 * for a value that does not exist); a value skipped in the middle leaves
 * a NULL, which the unit tests (check_vocab.c) look for in every
 * vocabulary of dh_vocab_all.  Header only, so that the fake MX and the
 * reference client can use it too.
 */
#ifndef DH_VOCAB_H
#define DH_VOCAB_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *what;         /* what the names name, for messages */
    const char *const *names; /* indexed by value */
    size_t n;                 /* number of values */
} dh_vocab;

#define DH_VOCAB_LEN(arr) (sizeof(arr) / sizeof((arr)[0]))

/* Define vocabulary VAR (of linkage LINK: "static" or empty) over ARR,
 * which must name COUNT values. */
#define DH_VOCAB_DEFINE(link, var, what, arr, count)                           \
    _Static_assert(DH_VOCAB_LEN(arr) == (size_t)(count),                       \
                   #arr ": one name for each of the " #count " values");       \
    link const dh_vocab var = {what, arr, DH_VOCAB_LEN(arr)}

#define DH_VOCAB(var, what, arr, count) DH_VOCAB_DEFINE(, var, what, arr, count)

/* dh_vocab_name - the name of a value, or "?" for one out of range */
static inline const char *dh_vocab_name(const dh_vocab *v, int value)
{
    if (value < 0 || (size_t)value >= v->n || v->names[value] == NULL)
        return "?";
    return v->names[value];
}

/* dh_vocab_find - the value of a name, or -1 */
static inline int dh_vocab_find(const dh_vocab *v, const char *name)
{
    size_t i;

    if (name == NULL)
        return -1;
    for (i = 0; i < v->n; i++)
        if (v->names[i] && strcmp(v->names[i], name) == 0)
            return (int)i;
    return -1;
}

/* dh_vocab_choices - "a, b or c" into buf, for error messages */
static inline const char *dh_vocab_choices(const dh_vocab *v, char *buf,
                                           size_t len)
{
    size_t i, used = 0;

    if (len)
        buf[0] = 0;
    for (i = 0; i < v->n && used < len; i++) {
        int k = snprintf(buf + used, len - used, "%s%s",
                         i == 0          ? ""
                         : i + 1 == v->n ? " or "
                                         : ", ",
                         v->names[i] ? v->names[i] : "?");

        if (k < 0)
            break;
        used += (size_t)k;
    }
    return buf;
}

#endif
