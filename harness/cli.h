/*
 * cli.h - the command line of dane-harness: its options (one table, from
 * which getopt's list and the help text are made), where the harness
 * finds its parts, and what every command needs first.
 *
 * The strings in dh_options point into argv (borrowed), except those the
 * functions below document as new.  The commands themselves are in
 * run.c (run), list.c (list), shell.c (shell), explain.c (explain),
 * lint.c (lint) and merge.c (merge).
 */
#ifndef DH_CLI_H
#define DH_CLI_H

#include <stdio.h>

#include "scenario.h"

#define DH_VERSION "0.1.0"
#define DH_VERSION_TEXT "dane-harness " DH_VERSION

typedef struct {
    const char *command; /* run, list, shell */
    const char *client;
    const char *json;
    const char *junit;
    const char *tap;
    const char *html;
    const char *md; /* matrix --md */
    const char *expectations;
    const char *scenarios;
    const char *only;
    const char *keep;
    const char *inject;
    const char *record; /* run --record FILE */
    int jobs;           /* 0: the default */
    int shard_k;        /* --shard K/N; shard_n 0: no sharding */
    int shard_n;
    double timeout;
    int longlist;
    int by_requirement;
    int personas;
    int faults;
    int markdown;
    char **shell_argv; /* the words after the options (shell: after "--";
                        * lint, explain, merge, diff, matrix: their
                        * arguments), NULL-terminated; NULL if none */
} dh_options;

/* Parse argv (argv[1] is the command) into o; prints usage and exits 2 on
 * a mistake, 0 after --help. */
void dh_cli_parse(int argc, char **argv, dh_options *o);
/* The help text, to f; then exit with status. */
void dh_cli_usage(FILE *f, int status) __attribute__((noreturn));

/* Where the parts are, relative to this executable: the build folder of
 * the source tree, or an installation (bin/, libexec/dane-harness/,
 * share/dane-harness/).  New strings. */
char *dh_cli_libexec_dir(void); /* dane-fakemx, adapters/ */
char *dh_cli_data_dir(void);    /* certs/, zones/ */

/* certs/personas.conf of the data folder, loaded; or exit 2. */
void dh_cli_load_personas(void);
/* The scenarios --scenarios (or the catalog), --only and --shard select, sorted
 * by id (new, free with dh_scenario_free_all()); or exit 2. */
dh_scenario **dh_cli_load_scenarios(const dh_options *o, size_t *n);
/* The folder of the scenarios: --scenarios (o may be NULL), else the
 * catalog's (new string). */
char *dh_cli_scenario_dir(const dh_options *o);
/* The requirement catalog, requirements.tsv in the catalog's folder (new
 * string). */
char *dh_cli_requirements_path(void);
/* The shard (1..n) a scenario id belongs to: a hash of the id, so that a
 * scenario keeps its shard when others are added. */
int dh_cli_shard_of(const char *id, int n);
/* Does a selection (--only's list or NULL, --shard K/N or shard_n 0)
 * take scenario id? */
int dh_cli_selected(const char *only, int shard_k, int shard_n, const char *id);
/* Exit 2 (naming option and path) unless path (NULL: nothing asked) can
 * be written: checked before a run, not after it.  Leaves no file that
 * was not there. */
void dh_cli_check_output(const char *option, const char *path);
/* An output path of the command line, absolute (new string), or NULL. */
char *dh_cli_abs_path(const char *p);

#endif
