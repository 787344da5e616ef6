/*
 * fakemx_event.h - observations, written as JSON lines
 *
 * Events are jansson objects; fakemx_event_emit() serialises one, appends a
 * newline and writes it to the events file with a single write(2) on an
 * O_APPEND descriptor: when it returns 0, the line is in the file (readers
 * see whole lines, in order).  It takes ownership of the object.  The
 * schema is in docs/observations.md.
 *
 * Evidence fails closed: an event that cannot be written is counted as
 * lost, against the scenario it belongs to ("-" when it has none), and
 * fakemx_event_emit() returns -1 so that the caller can refuse what the
 * event would have vouched for (a message is answered 451, never 250).
 * fakemx_event_finish() writes the closing "stop" record: how many
 * events the file holds before it and which were lost (lost heartbeat
 * ticks are only counted: the gap they leave is what the reader sees).  A
 * reader that finds no stop record, or another count, knows the file is
 * incomplete.
 *
 * The two text helpers turn client bytes into JSON strings that are always
 * valid, whatever the bytes: fakemx_json_text() keeps valid UTF-8 as is,
 * fakemx_json_escaped() keeps printable ASCII only.  Both fall back to
 * writing other bytes as \xNN and a backslash as \\.
 */
#ifndef FAKEMX_EVENT_H
#define FAKEMX_EVENT_H

#include <stddef.h>
#include <jansson.h>

/* Schema version of the events file. */
#define FAKEMX_EVENT_SCHEMA 3

/* fakemx_event_open - open PATH for appending; -1 with errno on failure */
int fakemx_event_open(const char *path);

/* fakemx_event_close - close the events file */
void fakemx_event_close(void);

/* fakemx_event_emit - write EV as one line and release it; 0, or -1 when
 * the event was lost (counted for the stop record) */
int fakemx_event_emit(json_t *ev);

/* fakemx_event_new - an event NAME with its "ts" (wall clock) */
json_t *fakemx_event_new(const char *name);

/* fakemx_event_finish - write the stop record; 0, or -1 if it was lost */
int fakemx_event_finish(void);

/* fakemx_event_lost - events lost so far (all scenarios) */
unsigned long fakemx_event_lost(void);

/* fakemx_json_text - JSON string of LEN bytes: UTF-8 as is, else escaped */
json_t *fakemx_json_text(const char *buf, size_t len);

/* fakemx_json_escaped - JSON string of LEN bytes, non-ASCII as \xNN */
json_t *fakemx_json_escaped(const char *buf, size_t len);

/* fakemx_json_escape - the escaping of fakemx_json_escaped() into OUT */
void fakemx_json_escape(const char *buf, size_t len, char *out, size_t outlen);

#endif
