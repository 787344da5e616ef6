/*
 * commands.h - the commands of dane-harness, each in its file: run
 * (run.c), list (list.c), shell (shell.c), diff (diff.c), matrix
 * (matrix.c), explain (explain.c), lint (lint.c), merge (merge.c),
 * verify-record (record_verify.c).  Each
 * returns the exit status.
 */
#ifndef DH_COMMANDS_H
#define DH_COMMANDS_H

#include "cli.h"

int dh_cmd_run(const dh_options *o);
int dh_cmd_list(const dh_options *o);
int dh_cmd_shell(const dh_options *o);
int dh_cmd_diff(const dh_options *o);
int dh_cmd_matrix(const dh_options *o);
int dh_cmd_explain(const dh_options *o);
int dh_cmd_lint(const dh_options *o);
int dh_cmd_merge(const dh_options *o);
int dh_cmd_verify_record(const dh_options *o);

#endif
