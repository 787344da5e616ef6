/*
 * main.c - the dane-harness command line: dispatch to the commands.
 *
 *   dane-harness run --client CLIENT [OPTIONS]       (run.c)
 *   dane-harness list [--long | --requirements | --personas | --faults]
 *   dane-harness explain ID                          (explain.c)
 *   dane-harness lint [FILE...]                       (lint.c)
 *   dane-harness merge REPORT.json... [--json F] [--junit F]  (merge.c)
 *   dane-harness shell [--scenarios DIR] [--only ID,...] [-- CMD ARGS]
 *   dane-harness diff BASE.json NEW.json [--json FILE]  (diff.c)
 *   dane-harness matrix [--html F] [--md F] REPORT.json...  (matrix.c)
 *   dane-harness verify-record RECORD.json [REPORT.json]  (record_verify.c)
 *
 * The options are in cli.c (dane-harness --help).  Exit status: 0 no
 * FAIL, 1 some FAIL/HANG/CRASH (or an XPASS), 2 usage or harness error
 * (including a scenario ERROR when nothing failed).
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "lamedns.h"
#include "util.h"

int main(int argc, char **argv)
{
    dh_options o;

    setvbuf(stdout, NULL, _IOLBF, 0);
    dh_diag_init("dane-harness", 0);
    if (argc < 2)
        dh_cli_usage(stderr, 2);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0)
        dh_cli_usage(stdout, 0);
    if (strcmp(argv[1], "__lamedns") == 0) /* started by the harness */
        return dh_lamedns_main();
    if (strcmp(argv[1], "--version") == 0) {
        printf("%s\n", DH_VERSION_TEXT);
        return 0;
    }
    dh_cli_parse(argc, argv, &o);
    dh_cli_load_personas();
    if (strcmp(argv[1], "run") == 0)
        return dh_cmd_run(&o);
    if (strcmp(argv[1], "list") == 0)
        return dh_cmd_list(&o);
    if (strcmp(argv[1], "shell") == 0)
        return dh_cmd_shell(&o);
    if (strcmp(argv[1], "diff") == 0)
        return dh_cmd_diff(&o);
    if (strcmp(argv[1], "matrix") == 0)
        return dh_cmd_matrix(&o);
    if (strcmp(argv[1], "explain") == 0)
        return dh_cmd_explain(&o);
    if (strcmp(argv[1], "lint") == 0)
        return dh_cmd_lint(&o);
    if (strcmp(argv[1], "merge") == 0)
        return dh_cmd_merge(&o);
    if (strcmp(argv[1], "verify-record") == 0)
        return dh_cmd_verify_record(&o);
    fprintf(stderr, "dane-harness: unknown command '%s'\n", argv[1]);
    dh_cli_usage(stderr, 2);
}
