/*
 * check_reqcat.c - unit tests for the requirement catalog (reqcat.c) and
 * the shard function (cli.c): the catalog of the source tree loads, every
 * requirement a catalog scenario cites is in it, a broken catalog file is
 * refused with its file and line, and a scenario's shard never changes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "reqcat.h"
#include "scenario.h"
#include "testdata.h"

#define CATALOG SCENARIO_DIR "/requirements.tsv"

/* load_text - a catalog file of this text: 0, or -1 with err */
static int load_text(const char *text, char *err, size_t errlen)
{
    char path[] = "/tmp/check_reqcat.XXXXXX";
    int fd = mkstemp(path), rc;
    dh_reqcat cat;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    rc = dh_reqcat_load(path, &cat, err, errlen);
    if (rc == 0)
        dh_reqcat_free(&cat);
    unlink(path);
    return rc;
}

START_TEST(test_catalog_loads)
{
    dh_reqcat cat;
    char err[1024];
    size_t i, j;

    ck_assert_msg(dh_reqcat_load(CATALOG, &cat, err, sizeof(err)) == 0, "%s",
                  err);
    ck_assert_uint_ge(cat.n, 80);
    for (i = 0; i < cat.n; i++) {
        ck_assert_ptr_eq(dh_reqcat_find(&cat, cat.v[i].id), &cat.v[i]);
        ck_assert_msg(strncmp(cat.v[i].section, cat.v[i].id + 1, 4) == 0,
                      "%s: section %s is not of its RFC", cat.v[i].id,
                      cat.v[i].section);
        for (j = 0; j < i; j++)
            ck_assert_str_ne(cat.v[i].id, cat.v[j].id);
    }
    ck_assert_ptr_null(dh_reqcat_find(&cat, "R7672-99-z"));
    dh_reqcat_free(&cat);
}
END_TEST

START_TEST(test_scenarios_cite_catalog_ids)
{
    dh_reqcat cat;
    dh_scenario **v;
    char err[1024];
    size_t n, i, cited = 0;

    ck_assert_msg(dh_reqcat_load(CATALOG, &cat, err, sizeof(err)) == 0, "%s",
                  err);
    ck_assert_msg(
        dh_scenario_load_dir(SCENARIO_DIR, &v, &n, err, sizeof(err)) == 0, "%s",
        err);
    for (i = 0; i < n; i++) {
        char *copy = strdup(v[i]->requirement), *save = NULL, *w;

        for (w = strtok_r(copy, " ", &save); w;
             w = strtok_r(NULL, " ", &save)) {
            ck_assert_msg(dh_reqcat_find(&cat, w) != NULL,
                          "%s cites %s, which is not in the catalog",
                          v[i]->file, w);
            cited++;
        }
        free(copy);
    }
    ck_assert_uint_ge(cited, n);
    dh_scenario_free_all(v, n);
    dh_reqcat_free(&cat);
}
END_TEST

START_TEST(test_broken_files_name_the_line)
{
    char err[1024];
    const char *row = "R7672-2.2-a\t7672 §2.2\tMUST\tD\ttext\n";
    char text[512];

    snprintf(text, sizeof(text), "# c\n%sR7672-2.2-b\t7672 §2.2\tMUST\n", row);
    ck_assert_int_eq(load_text(text, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, ":3: want 5 columns"));
    snprintf(text, sizeof(text), "%s%s", row, row);
    ck_assert_int_eq(load_text(text, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, ":2: R7672-2.2-a given twice"));
    ck_assert_int_eq(
        load_text("R7672-2.2-a\t7672 §2.2\tOUGHT\tD\tt\n", err, sizeof(err)),
        -1);
    ck_assert_ptr_nonnull(strstr(err, ":1: unknown level 'OUGHT'"));
    ck_assert_int_eq(
        load_text("R7672-2.2-a\t7672 §2.2\tMUST\tX\tt\n", err, sizeof(err)),
        -1);
    ck_assert_ptr_nonnull(strstr(err, ":1: the 'checked' column"));
    ck_assert_int_eq(
        load_text("7672-2.2\t7672 §2.2\tMUST\tD\tt\n", err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, ":1: bad requirement ID"));
    ck_assert_int_eq(load_text("# only a comment\n", err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "no requirement"));
    ck_assert_int_eq(load_text(row, err, sizeof(err)), 0);
}
END_TEST

/* The shards CI jobs rely on: these values must never change. */
START_TEST(test_shard_is_stable)
{
    ck_assert_int_eq(dh_cli_shard_of("dane-ee-honest", 3), 1);
    ck_assert_int_eq(dh_cli_shard_of("mx-cname-secure", 3), 3);
    ck_assert_int_eq(dh_cli_shard_of("dane-ee-honest", 1), 1);
    ck_assert_int_eq(dh_cli_shard_of("", 7), 5);
}
END_TEST

START_TEST(test_shard_in_range)
{
    char id[32];
    int n, i, k, seen[8];

    for (n = 1; n <= 8; n++) {
        memset(seen, 0, sizeof(seen));
        for (i = 0; i < 400; i++) {
            snprintf(id, sizeof(id), "scenario-%d", i);
            k = dh_cli_shard_of(id, n);
            ck_assert_int_ge(k, 1);
            ck_assert_int_le(k, n);
            seen[k - 1]++;
        }
        for (k = 0; k < n; k++) /* 400 ids: no shard empty or lopsided */
            ck_assert_msg(seen[k] > 400 / n / 2, "n=%d: shard %d has %d", n,
                          k + 1, seen[k]);
    }
}
END_TEST

static Suite *reqcat_suite(void)
{
    Suite *s = suite_create("reqcat");
    TCase *t = tcase_create("catalog");
    TCase *sh = tcase_create("shard");

    tcase_add_test(t, test_catalog_loads);
    tcase_add_test(t, test_scenarios_cite_catalog_ids);
    tcase_add_test(t, test_broken_files_name_the_line);
    tcase_add_test(sh, test_shard_is_stable);
    tcase_add_test(sh, test_shard_in_range);
    suite_add_tcase(s, t);
    suite_add_tcase(s, sh);
    return s;
}

int main(void)
{
    return dh_check_main(reqcat_suite());
}
