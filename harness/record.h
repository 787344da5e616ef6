/*
 * record.h - the certification record: `run --record FILE` writes it
 * (record.c), `dane-harness verify-record FILE` checks it
 * (record_verify.c).  Its schema is docs/record-json.md.
 *
 * A record pins what a third party needs to check a run: the harness's
 * version, source revision and executable, every scenario file by its
 * SHA-256, the client's version line and its adapter's files, the
 * expectations file, the world's time, and every verdict with the
 * digest of its evidence (the JSON report's "evidence" object).  Its
 * own "digest" covers all the rest, so that a changed byte shows.
 *
 * OWNERSHIP: a dh_record_ctx owns its strings and JSON (release it with
 * dh_record_release()); the options and the report are borrowed.
 */
#ifndef DH_RECORD_H
#define DH_RECORD_H

#include <jansson.h>

#include "cli.h"
#include "client.h"
#include "digest.h"
#include "report.h"

#define DH_RECORD_SCHEMA 1

typedef struct {
    char harness_sha256[DH_SHA256_HEX]; /* this dane-harness executable */
    char fakemx_sha256[DH_SHA256_HEX];  /* the dane-fakemx it runs */
    json_t *data;                       /* dh_record_data_json() */
    json_t *adapter;                    /* the client's adapter digests */
    char *expectations;                 /* the file as given, or NULL */
    char expectations_sha256[DH_SHA256_HEX];
    char *scenario_dir;
    const char *only; /* borrowed from the options */
    int shard_k, shard_n;
} dh_record_ctx;

/* The source revision this harness was built from: the git commit,
 * "-dirty" after it when tracked files differed; "unknown" outside a
 * checkout. */
const char *dh_record_source_revision(void);

/**
 * What the record takes from before the run (outside the sandbox): the
 * digests of this executable, the adapter and the expectations file.
 * Exit 2 when one cannot be read.
 */
void dh_record_prepare(dh_record_ctx *rc, const dh_options *o,
                       const dh_client *c);
void dh_record_release(dh_record_ctx *rc);

/**
 * The digests of an adapter: "file" (its path), "sha256" (of it) and
 * "files" (for a folder adapter, PATH.d: every file in it by its path
 * there and SHA-256, node_modules/ left out: its lock file pins it; else
 * empty).  A new object, or NULL with errno when a file cannot be read.
 */
json_t *dh_record_adapter_json(const char *path);

/**
 * The digests of the data that give scenarios their meaning, in the data
 * folder (cli.h): the personas, chains and CAs (certs/personas.conf) and
 * the zone templates (zones/ *.zone), as [{path, sha256}] by path.  A new
 * array, or NULL with errno.
 */
json_t *dh_record_data_json(const char *datadir);

/* Write the record of a finished run: 0, or -1 with a warning. */
int dh_record_write(const char *path, const dh_record_ctx *rc,
                    const dh_report *rep);

#endif
