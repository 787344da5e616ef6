/*
 * check_vocab.c - unit tests for the vocabularies (vocab.c): every
 * enumeration value has exactly one name, every name one value, both
 * ways.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "vocab_all.h"
#include "testdata.h"

START_TEST(test_every_value_named_once)
{
    size_t k, i, j, total = 0;

    for (k = 0; dh_vocab_all[k]; k++) {
        const dh_vocab *v = dh_vocab_all[k];

        ck_assert_msg(v->n > 0, "%s: empty", v->what);
        for (i = 0; i < v->n; i++) {
            ck_assert_msg(v->names[i] != NULL && *v->names[i],
                          "%s: value %zu has no name", v->what, i);
            ck_assert_str_eq(dh_vocab_name(v, (int)i), v->names[i]);
            ck_assert_int_eq(dh_vocab_find(v, v->names[i]), (int)i);
            for (j = 0; j < i; j++)
                ck_assert_msg(strcmp(v->names[i], v->names[j]) != 0,
                              "%s: '%s' names two values", v->what,
                              v->names[i]);
        }
        total += v->n;
    }
    ck_assert_uint_ge(k, 10);
    ck_assert_uint_gt(total, 0);
}
END_TEST

START_TEST(test_lengths_match_enumerations)
{
    ck_assert_uint_eq(dh_vocab_severity.n, DH_SEV_KINDS);
    ck_assert_uint_eq(dh_vocab_expect.n, DH_EXPECT_KINDS);
    ck_assert_uint_eq(dh_vocab_dnsstate.n, DH_DNS_KINDS);
    ck_assert_uint_eq(dh_vocab_existence.n, DH_EXIST_KINDS);
    ck_assert_uint_eq(dh_vocab_zone_dnssec.n, DH_ZONE_DNSSEC_KINDS);
    ck_assert_uint_eq(dh_vocab_zone_server.n, DH_SERVER_KINDS);
    ck_assert_uint_eq(dh_vocab_denial.n, DH_DENIAL_KINDS);
    ck_assert_uint_eq(dh_vocab_qexpect.n, DH_QEXPECT_KINDS);
    ck_assert_uint_eq(dh_vocab_verdict.n, DH_V_KINDS);
    ck_assert_uint_eq(dh_vocab_outcome.n, DH_OUT_KINDS);
}
END_TEST

START_TEST(test_out_of_range_and_unknown)
{
    ck_assert_str_eq(dh_vocab_name(&dh_vocab_verdict, DH_V_KINDS), "?");
    ck_assert_str_eq(dh_vocab_name(&dh_vocab_verdict, -1), "?");
    ck_assert_int_eq(dh_vocab_find(&dh_vocab_expect, "no-such-expectation"),
                     -1);
    ck_assert_int_eq(dh_vocab_find(&dh_vocab_expect, NULL), -1);
}
END_TEST

START_TEST(test_choices)
{
    char buf[128];

    ck_assert_str_eq(dh_vocab_choices(&dh_vocab_severity, buf, sizeof(buf)),
                     "security, interop or advisory");
}
END_TEST

static Suite *vocab_suite(void)
{
    Suite *s = suite_create("vocab");
    TCase *t = tcase_create("tables");

    tcase_add_test(t, test_every_value_named_once);
    tcase_add_test(t, test_lengths_match_enumerations);
    tcase_add_test(t, test_out_of_range_and_unknown);
    tcase_add_test(t, test_choices);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return dh_check_main(vocab_suite());
}
