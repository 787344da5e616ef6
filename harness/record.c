/*
 * record.c - write the certification record of a run (record.h,
 * docs/record-json.md).
 */
#include "record.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "revision.h" /* DH_SOURCE_REVISION, made by the Makefile */
#include "util.h"
#include "vocab_all.h"

/* dh_record_source_revision - see record.h */
const char *dh_record_source_revision(void)
{
    return DH_SOURCE_REVISION[0] ? DH_SOURCE_REVISION : "unknown";
}

/* add_files - every file under root/rel, by name, into arr as {path,
 * sha256}; node_modules/ left out.  0, or -1 with errno. */
static int add_files(json_t *arr, const char *root, const char *rel)
{
    char *dir = rel[0] ? dh_asprintf("%s/%s", root, rel) : dh_strdup(root);
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort), i, rc = n < 0 ? -1 : 0;

    for (i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        char *r = rel[0] ? dh_asprintf("%s/%s", rel, nm) : dh_strdup(nm);
        char *full = dh_asprintf("%s/%s", root, r), sha[DH_SHA256_HEX];
        struct stat st;

        if (rc == 0 && strcmp(nm, ".") && strcmp(nm, "..") &&
            strcmp(nm, "node_modules") && stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                rc = add_files(arr, root, r);
            else if (dh_sha256_file(full, sha) < 0)
                rc = -1;
            else
                json_array_append_new(
                    arr, json_pack("{s:s, s:s}", "path", r, "sha256", sha));
        }
        free(r);
        free(full);
        free(names[i]);
    }
    free(names);
    free(dir);
    return rc;
}

/* dh_record_adapter_json - see record.h */
json_t *dh_record_adapter_json(const char *path)
{
    char sha[DH_SHA256_HEX], *folder = dh_asprintf("%s.d", path);
    json_t *files = json_array();
    struct stat st;
    int rc = dh_sha256_file(path, sha);

    if (rc == 0 && stat(folder, &st) == 0 && S_ISDIR(st.st_mode))
        rc = add_files(files, folder, "");
    free(folder);
    if (rc < 0) {
        json_decref(files);
        return NULL;
    }
    return json_pack("{s:s, s:s, s:o}", "file", path, "sha256", sha, "files",
                     files);
}

/* is_zone - a zone template's name (scandir's filter) */
static int is_zone(const struct dirent *d)
{
    size_t n = strlen(d->d_name);

    return n > 5 && d->d_name[0] != '.' &&
           strcmp(d->d_name + n - 5, ".zone") == 0;
}

/* add_data - one data file into arr; 0, or -1 with errno */
static int add_data(json_t *arr, const char *datadir, const char *rel)
{
    char *path = dh_asprintf("%s/%s", datadir, rel), sha[DH_SHA256_HEX];
    int rc = dh_sha256_file(path, sha);

    if (rc == 0)
        json_array_append_new(
            arr, json_pack("{s:s, s:s}", "path", rel, "sha256", sha));
    free(path);
    return rc;
}

/* dh_record_data_json - see record.h */
json_t *dh_record_data_json(const char *datadir)
{
    char *zones = dh_asprintf("%s/zones", datadir);
    json_t *arr = json_array();
    struct dirent **names = NULL;
    int n = scandir(zones, &names, is_zone, alphasort), i;
    int rc = n < 0 ? -1 : add_data(arr, datadir, "certs/personas.conf");

    for (i = 0; i < n; i++) {
        char *rel = dh_asprintf("zones/%s", names[i]->d_name);

        if (rc == 0)
            rc = add_data(arr, datadir, rel);
        free(rel);
        free(names[i]);
    }
    free(names);
    free(zones);
    if (rc < 0) {
        json_decref(arr);
        return NULL;
    }
    return arr;
}

/* dh_record_prepare - see record.h */
void dh_record_prepare(dh_record_ctx *rc, const dh_options *o,
                       const dh_client *c)
{
    char *libexec = dh_cli_libexec_dir(), *datadir = dh_cli_data_dir();
    char *fakemx = dh_asprintf("%s/dane-fakemx", libexec);

    memset(rc, 0, sizeof(*rc));
    if (dh_sha256_file("/proc/self/exe", rc->harness_sha256) < 0 ||
        dh_sha256_file(fakemx, rc->fakemx_sha256) < 0 ||
        (rc->data = dh_record_data_json(datadir)) == NULL)
        dh_fatal("--record: cannot read my own programs and data (%s, "
                 "%s): %s",
                 fakemx, datadir, strerror(errno));
    free(fakemx);
    free(libexec);
    free(datadir);
    rc->adapter = dh_record_adapter_json(c->path);
    if (rc->adapter == NULL) {
        fprintf(stderr,
                "dane-harness: --record: cannot read the adapter "
                "%s (or its folder): %s\n",
                c->path, strerror(errno));
        exit(2);
    }
    if (o->expectations) {
        rc->expectations = dh_strdup(o->expectations);
        if (dh_sha256_file(o->expectations, rc->expectations_sha256) < 0) {
            fprintf(stderr, "dane-harness: --record: cannot read %s: %s\n",
                    o->expectations, strerror(errno));
            exit(2);
        }
    }
    rc->scenario_dir = dh_cli_scenario_dir(o);
    rc->only = o->only;
    rc->shard_k = o->shard_k;
    rc->shard_n = o->shard_n;
}

/* dh_record_release - see record.h */
void dh_record_release(dh_record_ctx *rc)
{
    json_decref(rc->adapter);
    json_decref(rc->data);
    free(rc->expectations);
    free(rc->scenario_dir);
    memset(rc, 0, sizeof(*rc));
}

/* iso_time - UTC, ISO 8601, to the second (a new JSON string) */
static json_t *iso_time(double t)
{
    time_t s = (time_t)t;
    char buf[64];

    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", gmtime(&s));
    return json_string(buf);
}

/* head_json - the harness, the world's time, the client, the
 * expectations and the selection (every member but the lists) */
static json_t *head_json(const dh_record_ctx *rc, const dh_report *rep)
{
    double ended = rep->started + rep->duration;
    json_t *o = json_object(), *sel;

    json_object_set_new(
        o, "harness",
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:O}", "name", "dane-harness",
                  "version", DH_VERSION, "source_revision",
                  dh_record_source_revision(), "executable_sha256",
                  rc->harness_sha256, "fakemx_sha256", rc->fakemx_sha256,
                  "data", rc->data));
    json_object_set_new(o, "world",
                        json_pack("{s:o, s:o, s:I, s:I, s:s}", "started",
                                  iso_time(rep->started), "ended",
                                  iso_time(ended), "started_unix",
                                  (json_int_t)rep->started, "ended_unix",
                                  (json_int_t)ended, "clock", "host"));
    json_object_set_new(
        o, "client",
        json_pack("{s:s, s:s, s:s, s:O}", "spec", rep->client->spec, "name",
                  rep->client->name, "version",
                  rep->client->version ? rep->client->version : "unknown",
                  "adapter", rc->adapter));
    json_object_set_new(o, "expectations",
                        rc->expectations
                            ? json_pack("{s:s, s:s}", "file", rc->expectations,
                                        "sha256", rc->expectations_sha256)
                            : json_null());
    sel = json_pack("{s:s, s:o, s:o}", "scenario_dir", rc->scenario_dir, "only",
                    rc->only ? json_string(rc->only) : json_null(), "shard",
                    json_null());
    if (rc->shard_n)
        json_object_set_new(sel, "shard",
                            json_sprintf("%d/%d", rc->shard_k, rc->shard_n));
    json_object_set_new(o, "selection", sel);
    return o;
}

/* file_name - a scenario file's name in its folder */
static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash ? slash + 1 : path;
}

/* result_entry - one element of results[] */
static json_t *result_entry(const dh_result *res)
{
    json_t *full = dh_report_result_json(res);
    char sha[DH_SHA256_HEX];
    json_t *o;

    dh_sha256_json(json_object_get(full, "evidence"), sha);
    o = json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:s}", "scenario",
                  json_object_get(full, "scenario"), "verdict",
                  json_object_get(full, "verdict"), "severity",
                  json_object_get(full, "severity"), "xfail",
                  json_object_get(full, "xfail"), "reason",
                  json_object_get(full, "reason"), "evidence_sha256", sha);
    json_decref(full);
    return o;
}

/* lists_json - scenarios[], results[] and the summary into o */
static void lists_json(json_t *o, const dh_report *rep)
{
    json_t *scns = json_array(), *res = json_array();
    size_t i, counts[DH_V_KINDS] = {0};

    for (i = 0; i < rep->n; i++) {
        const dh_scenario *sc = rep->results[i].ws->sc;

        json_array_append_new(scns, json_pack("{s:s, s:s, s:s}", "id", sc->id,
                                              "file", file_name(sc->file),
                                              "sha256", sc->sha256));
        json_array_append_new(res, result_entry(&rep->results[i]));
        counts[rep->results[i].verdict.kind]++;
    }
    json_object_set_new(o, "scenarios", scns);
    json_object_set_new(o, "results", res);
    json_object_set_new(o, "summary", dh_report_summary_json(counts));
    json_object_set_new(
        o, "exit_status",
        json_integer(dh_exit_status_of(counts, rep->harness_error != NULL)));
    json_object_set_new(o, "harness_error",
                        rep->harness_error ? json_string(rep->harness_error)
                                           : json_null());
}

/* dh_record_write - see record.h */
int dh_record_write(const char *path, const dh_record_ctx *rc,
                    const dh_report *rep)
{
    json_t *o = head_json(rc, rep);
    char sha[DH_SHA256_HEX];
    int rc_dump;

    json_object_set_new(o, "record_schema", json_integer(DH_RECORD_SCHEMA));
    lists_json(o, rep);
    dh_sha256_json(o, sha);
    json_object_set_new(o, "digest", json_string(sha));
    rc_dump = json_dump_file(o, path, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(o);
    if (rc_dump < 0)
        dh_warn("cannot write the record %s", path);
    return rc_dump;
}
