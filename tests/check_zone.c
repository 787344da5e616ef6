/*
 * check_zone.c - unit tests for zone building and writing (zone.c):
 * records a scenario writes reach the zone file in a form that reads back
 * to the same octets (presentation format, or RFC 3597 generic syntax
 * where the presentation format does not), signed; a line of the zone
 * file leads back to the scenario line that wrote it.
 */
#include <check.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "zone.h"
#include "testdata.h"

static dh_zone *z;
static char path[64];

/* setup - a signed zone with a few scenario records, written out */
static void setup(void)
{
    static const char *lines[] = {
        "mx1 A 192.0.2.1",
        "_25._tcp.mx1 TLSA \\# 3 030101",
        "_25._tcp.mx2 TYPE52 \\# 5 0301010a0b",
        "mx1 TYPE65432 \\# 4 c0000201",
        "mx2 A 192.0.2.2",
    };
    char err[256], src[64];
    size_t i;
    int fd;

    z = dh_zone_new("t.danelab.", 1, DH_DENIAL_NSEC, "ns.nic.danelab.");
    for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        snprintf(src, sizeof(src), "t.scn:%zu", 20 + i);
        ck_assert_msg(dh_zone_add(z, lines[i], src, err, sizeof(err)) == 0,
                      "%s: %s", lines[i], err);
    }
    ck_assert_int_eq(dh_zone_sign(z, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "/tmp/check_zone.XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(dh_zone_write(z, path), 0);
}

static void teardown(void)
{
    unlink(path);
    dh_zone_free(z);
}

/* line_of - the first line number of the zone file holding needle */
static int line_of(const char *needle)
{
    char *text = dh_read_file(path, NULL), *at;
    int n = 1;

    ck_assert_ptr_nonnull(text);
    at = strstr(text, needle);
    ck_assert_msg(at != NULL, "'%s' not in the zone file:\n%s", needle, text);
    for (char *p = text; p < at; p++)
        n += *p == '\n';
    free(text);
    return n;
}

START_TEST(test_generic_where_needed)
{
    /* no association data: "TLSA 3 1 1" would not parse, anywhere */
    line_of("TLSA\t\\# 3 030101");
    /* short data has a presentation form that reads back: keep it */
    line_of("TLSA\t3 1 1 0a0b");
    line_of("TYPE65432\t\\# 4 c0000201");
    line_of("A\t192.0.2.1");
}
END_TEST

START_TEST(test_reads_back_identically)
{
    ldns_zone *back = NULL;
    FILE *f = fopen(path, "r");
    ldns_rr_list *want = dh_zone_served(z), *got;
    size_t i;

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(
        ldns_zone_new_frm_fp(&back, f, NULL, 300, LDNS_RR_CLASS_IN),
        LDNS_STATUS_OK);
    fclose(f);
    got = ldns_rr_list_clone(ldns_zone_rrs(back));
    ldns_rr_list_push_rr(got, ldns_rr_clone(ldns_zone_soa(back)));
    ck_assert_uint_eq(ldns_rr_list_rr_count(got), ldns_rr_list_rr_count(want));
    ldns_rr_list_sort(got);
    ldns_rr_list_sort(want);
    for (i = 0; i < ldns_rr_list_rr_count(want); i++)
        ck_assert_int_eq(
            ldns_rr_compare(ldns_rr_list_rr(want, i), ldns_rr_list_rr(got, i)),
            0);
    ldns_rr_list_deep_free(got);
    ldns_rr_list_deep_free(want);
    ldns_zone_deep_free(back);
}
END_TEST

START_TEST(test_signed)
{
    /* the generic records are signed like any other */
    line_of("RRSIG\tTLSA 13 ");
    line_of("RRSIG\tTYPE65432 13 ");
}
END_TEST

START_TEST(test_source_of_lines)
{
    int l = line_of("TLSA\t\\# 3 030101");
    char *src;

    /* the record's own line, and the line after it (a daemon that read
     * the record's newline names that one) */
    src = dh_zone_file_source(path, l);
    ck_assert_ptr_nonnull(src);
    ck_assert_str_eq(src, "t.scn:21");
    free(src);
    src = dh_zone_file_source(path, l + 1);
    ck_assert_ptr_nonnull(src);
    ck_assert_str_eq(src, "t.scn:21");
    free(src);
    /* a record the harness made has no scenario line */
    src = dh_zone_file_source(path, line_of("RRSIG\tSOA"));
    ck_assert_ptr_null(src);
    src = dh_zone_file_source(path, 1);
    ck_assert_ptr_null(src);
}
END_TEST

START_TEST(test_bad_record)
{
    char err[256];

    ck_assert_int_eq(
        dh_zone_add(z, "_25._tcp.mx1 TLSA 3 1 1", "t.scn:9", err, sizeof(err)),
        -1);
    ck_assert_ptr_nonnull(strstr(err, "bad record"));
    ck_assert_int_eq(dh_zone_add(z, "x.other.danelab. A 192.0.2.9", "t.scn:9",
                                 err, sizeof(err)),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "outside the zone"));
}
END_TEST

static Suite *zone_suite(void)
{
    Suite *s = suite_create("zone");
    TCase *t = tcase_create("write");

    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_generic_where_needed);
    tcase_add_test(t, test_reads_back_identically);
    tcase_add_test(t, test_signed);
    tcase_add_test(t, test_source_of_lines);
    tcase_add_test(t, test_bad_record);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return dh_check_main(zone_suite());
}
