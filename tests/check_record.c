/*
 * check_record.c - unit tests for the digests of the certification
 * record (digest.c, record.c): known answers for SHA-256 of bytes, and of
 * JSON in the canonical form docs/record-json.md describes (sorted keys,
 * compact, UTF-8, reals with 17 significant digits); an adapter folder's
 * files in name order with node_modules left out; the exit status rule
 * the record and the reports share.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "record.h"
#include "report.h"
#include "testdata.h"
#include "util.h"

/* json_of - parse a literal, or fail the test */
static json_t *json_of(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, JSON_DECODE_ANY, &e);

    ck_assert_msg(j != NULL, "%s", e.text);
    return j;
}

START_TEST(bytes_known_answers)
{
    char out[DH_SHA256_HEX];

    dh_sha256_hex("", 0, out);
    ck_assert_str_eq(
        out,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    dh_sha256_hex("abc", 3, out);
    ck_assert_str_eq(
        out,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert(dh_is_sha256_hex(out));
    out[3] = 'F';
    ck_assert(!dh_is_sha256_hex(out));
    ck_assert(!dh_is_sha256_hex("abc"));
    ck_assert(!dh_is_sha256_hex(NULL));
}
END_TEST

/* The canonical text: keys sorted, no spaces, UTF-8 as is; the digests
 * are sha256sum's of the literal canonical texts in the comments. */
START_TEST(json_canonical_form)
{
    char out[DH_SHA256_HEX];
    json_t *j = json_of("{ \"b\": 1,\n \"a\": [0.5, \"x\\u00e9\", true, "
                        "null] }");

    /* {"a":[0.5,"xé",true,null],"b":1} */
    dh_sha256_json(j, out);
    ck_assert_str_eq(
        out,
        "546690de6bbb5031185c5139aa293cf9432b5c6bbcb74005efc48cc4f0c12d3c");
    json_decref(j);
    /* {"a":[0.10000000000000001,1.0000000000000001e-5,3.0]} */
    j = json_of("{\"a\": [0.1, 1e-5, 3.0]}");
    dh_sha256_json(j, out);
    ck_assert_str_eq(
        out,
        "afb5f931231b4980da99d828d6499030268c5cb693b36c9f1119c55f92dbd1cd");
    json_decref(j);
}
END_TEST

/* put - a file of the test folder */
static void put(const char *dir, const char *name, const char *text)
{
    char *p = dh_asprintf("%s/%s", dir, name);

    ck_assert_int_eq(dh_write_file(p, text, strlen(text), 0644), 0);
    free(p);
}

START_TEST(adapter_folder_files)
{
    char dir[] = "/tmp/dh-check-record.XXXXXX", *d, *sub, *cmd, *ad;
    json_t *a, *files;

    ck_assert_ptr_nonnull(mkdtemp(dir));
    put(dir, "ad", "#!/bin/sh\n");
    d = dh_asprintf("%s/ad.d", dir);
    sub = dh_asprintf("%s/ad.d/lib", dir);
    ck_assert_int_eq(mkdir(d, 0755), 0);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    free(sub);
    sub = dh_asprintf("%s/ad.d/node_modules", dir);
    ck_assert_int_eq(mkdir(sub, 0755), 0);
    put(d, "z.js", "z");
    put(d, "lib/a.js", "abc");
    put(d, "node_modules/x.js", "left out");
    ad = dh_asprintf("%s/ad", dir);
    a = dh_record_adapter_json(ad);
    ck_assert_ptr_nonnull(a);
    files = json_object_get(a, "files");
    ck_assert_int_eq(json_array_size(files), 2);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(files, 0), "path")),
        "lib/a.js");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(files, 0), "sha256")),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert_str_eq(
        json_string_value(json_object_get(json_array_get(files, 1), "path")),
        "z.js");
    ck_assert_str_eq(json_string_value(json_object_get(a, "file")), ad);
    json_decref(a);
    ck_assert_ptr_null(dh_record_adapter_json("/nonexistent/adapter"));
    cmd = dh_asprintf("rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    free(sub);
    free(d);
    free(ad);
}
END_TEST

START_TEST(exit_status_rule)
{
    size_t c[DH_V_KINDS] = {0};

    c[DH_V_PASS] = 3;
    c[DH_V_SKIP] = 1;
    c[DH_V_XFAIL] = 2;
    ck_assert_int_eq(dh_exit_status_of(c, 0), 0);
    ck_assert_int_eq(dh_exit_status_of(c, 1), 2);
    c[DH_V_ERROR] = 1;
    ck_assert_int_eq(dh_exit_status_of(c, 0), 2);
    c[DH_V_XPASS] = 1;
    ck_assert_int_eq(dh_exit_status_of(c, 0), 1);
    c[DH_V_XPASS] = 0;
    c[DH_V_HANG] = 1;
    ck_assert_int_eq(dh_exit_status_of(c, 1), 1);
}
END_TEST

static Suite *record_suite(void)
{
    Suite *s = suite_create("record");
    TCase *t = tcase_create("digests");

    tcase_add_test(t, bytes_known_answers);
    tcase_add_test(t, json_canonical_form);
    tcase_add_test(t, adapter_folder_files);
    tcase_add_test(t, exit_status_rule);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return dh_check_main(record_suite());
}
