/*
 * check_scenario.c - unit tests for the scenario parser (scenario.c):
 * good files, and for each kind of mistake the file:line it reports.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "util.h"
#include "testdata.h"

static const char *good =
    "# comment\n"
    "id          ee-ok\n"
    "title       A title\n"
    "rfc         7672 §3.1.1\n"
    "requirement R7672-3.1.1-a\n"
    "severity    security\n"
    "description first part\n"
    "description second part\n"
    "expect      deliver\n"
    "expect-tls  required\n"
    "expect-sni  mx1\n"
    "dnssec      signed\n"
    "host        mx1 persona=honest\n"
    "host        mx2 persona=no-starttls\n"
    "fault       _25._tcp.mx1 TLSA rrsig-corrupt\n"
    "check       @ MX secure\n"
    "check       _25._tcp.mx1 TLSA bogus\n"
    "\n"
    "%zone\n"
    "@             MX   10 mx1\n"
    "; a comment\n"
    "mx1           A    {addr mx1}\n"
    "_25._tcp.mx1  TLSA 3 1 1 {tlsa mx1}   ; trailing comment\n";

/* parse - parse text as file NAME; returns scenario, err filled */
static dh_scenario *parse(const char *name, const char *text, char *err)
{
    return dh_scenario_parse(name, text, err, 512);
}

/* replace_line - TEXT with line N (1-based) replaced (new string) */
static char *replace_line(const char *text, int n, const char *repl)
{
    dh_buf b;
    const char *s = text;
    int line = 1;

    dh_buf_init(&b);
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);

        if (line == n)
            dh_buf_puts(&b, repl);
        else
            dh_buf_add(&b, s, len);
        dh_buf_puts(&b, "\n");
        s += len + (nl ? 1 : 0);
        line++;
    }
    return b.data;
}

/* with_line - the good text with line N (1-based) replaced */
static char *with_line(int n, const char *repl)
{
    return replace_line(good, n, repl);
}

START_TEST(test_good)
{
    char err[512] = "";
    dh_scenario *sc = parse("dir/ee-ok.scn", good, err);

    ck_assert_msg(sc != NULL, "%s", err);
    ck_assert_str_eq(sc->id, "ee-ok");
    ck_assert_str_eq(sc->title, "A title");
    ck_assert_str_eq(sc->description, "first part second part");
    ck_assert_int_eq(sc->severity, DH_SEV_SECURITY);
    ck_assert_int_eq(sc->expect, DH_EXPECT_DELIVER);
    ck_assert_int_eq(sc->expect_tls, 1);
    ck_assert_str_eq(sc->expect_sni, "mx1");
    ck_assert_int_eq(sc->zones[0].dnssec, DH_ZONE_SIGNED);
    ck_assert_uint_eq(sc->nhosts, 2);
    ck_assert_str_eq(sc->hosts[1].label, "mx2");
    ck_assert_str_eq(sc->hosts[1].persona->name, "no-starttls");
    ck_assert_int_eq(sc->hosts[1].line, 14);
    ck_assert_uint_eq(sc->nfaults, 1);
    ck_assert_str_eq(sc->faults[0].owner, "_25._tcp.mx1");
    ck_assert_uint_eq(sc->nchecks, 2);
    ck_assert_int_eq(sc->checks[1].state, DH_DNS_BOGUS);
    ck_assert_uint_eq(sc->nzones, 1);
    ck_assert_uint_eq(sc->zones[0].nlines, 3);
    ck_assert_int_eq(sc->zones[0].lines[1].line, 22);
    ck_assert_ptr_null(strchr(sc->zones[0].lines[2].text, ';'));
    ck_assert_int_eq(sc->zones[0].dnssec, DH_ZONE_SIGNED);
    ck_assert_int_eq(sc->hosts[0].nv4, 1);
    ck_assert_int_eq(sc->hosts[0].nv6, 0);
    ck_assert_ptr_eq(sc->hosts[0].persona6, sc->hosts[0].persona);
    ck_assert_ptr_nonnull(dh_scenario_host(sc, "mx1"));
    ck_assert_ptr_null(dh_scenario_host(sc, "mx9"));
    dh_scenario_free(sc);
}
END_TEST

/* One mistake per row: the line to replace, its text, and what the
 * error must say (file:line prefix and a word of the reason). */
static const struct {
    int line;
    const char *text;
    const char *where;
    const char *what;
} bad[] = {
    {2, "id Bad_ID", "ee-ok.scn:2:", "bad id"},
    {3, "title", "ee-ok.scn:3:", "needs a value"},
    {6, "severity fatal", "ee-ok.scn:6:", "unknown severity"},
    {9, "expect maybe", "ee-ok.scn:9:", "unknown expectation"},
    {10, "expect-tls sometimes", "ee-ok.scn:10:", "required"},
    {12, "dnssec half", "ee-ok.scn:12:", "signed"},
    {13, "host mx1 persona=honest v6=9", "ee-ok.scn:13:", "from 0 to 8"},
    {13, "host mx1 persona=honest v4=0", "ee-ok.scn:13:", "no address"},
    {13, "host mx1 persona=honest stall=601", "ee-ok.scn:13:", "at most 600"},
    {13, "host mx1 persona=honest stall=x", "ee-ok.scn:13:", "seconds"},
    {13, "host mx1 persona=honest colour=red",
     "ee-ok.scn:13:", "unknown host attribute"},
    {13, "host mx1@otherlab persona=honest", "ee-ok.scn:13:", "host name"},
    {13, "host mx1..x persona=honest", "ee-ok.scn:13:", "host name"},
    {9, "expect deliver via mx9", "ee-ok.scn:9:", "no such host"},
    {9, "expect no-delivery via mx1", "ee-ok.scn:9:", "via"},
    {16, "check @ MX secure sideways", "ee-ok.scn:16:", "unknown qualifier"},
    {16, "check @ MX bogus nodata", "ee-ok.scn:16:", "goes with secure"},
    {16, "expect-query @ MX severity=loud", "ee-ok.scn:16:", "severity="},
    {16, "expect-query-order @ MX after @ A", "ee-ok.scn:16:", "before"},
    {16, "expect-no-connect mx7", "ee-ok.scn:16:", "no such host"},
    {15, "fault @ MX ds-mismatch", "ee-ok.scn:15:", "DS RRset"},
    {19, "%zone sub dnssec=maybe", "ee-ok.scn:19:", "dnssec="},
    {19, "%zone sub colour=red", "ee-ok.scn:19:", "unknown zone attribute"},
    {19, "%zone @ dnssec=unsigned", "ee-ok.scn:19:", "header's 'dnssec'"},
    {22, "mx1 A {addr mx1 2}", "ee-ok.scn:22:", "asks for number 2"},
    {22, "mx1 A {addr6 mx1}", "ee-ok.scn:22:", "IPv6"},
    {22, "mx1 A {name bad..name}", "ee-ok.scn:22:", "bad name"},
    {13, "host mx1 persona=grumpy", "ee-ok.scn:13:", "unknown persona"},
    {13, "host mx1", "ee-ok.scn:13:", "persona"},
    {14, "host mx1 persona=honest", "ee-ok.scn:14:", "declared twice"},
    {15, "fault _25._tcp.mx1 TLSA explode", "ee-ok.scn:15:", "unknown fault"},
    {15, "fault _25._tcp.mx1 tlsa rrsig-corrupt",
     "ee-ok.scn:15:", "bad RR type"},
    {16, "check @ MX wobbly", "ee-ok.scn:16:", "unknown DNS state"},
    {17, "colour blue", "ee-ok.scn:17:", "unknown key"},
    {22, "mx1 A {addr mx7}", "ee-ok.scn:22:", "mx7"},
    {22, "mx1 A {addr mx1", "ee-ok.scn:22:", "unterminated"},
    {22, "mx1 A {frob mx1}", "ee-ok.scn:22:", "unknown placeholder"},
    {22, "mx1 SOA ( 1 2 3", "ee-ok.scn:22:", "multi-line"},
    {5, "severity interop", "ee-ok.scn:6:", "given twice"},
};

START_TEST(test_bad)
{
    char err[512] = "";
    char *text = with_line(bad[_i].line, bad[_i].text);
    dh_scenario *sc = parse("dir/ee-ok.scn", text, err);

    ck_assert_msg(sc == NULL, "row %d parsed", _i);
    ck_assert_msg(strstr(err, bad[_i].where) != NULL, "row %d: %s", _i, err);
    ck_assert_msg(strstr(err, bad[_i].what) != NULL, "row %d: %s", _i, err);
    free(text);
}
END_TEST

/* A scenario across time and messages (format version 3). */
static const char *timed =
    "id          t-ok\n"                                       /* 1 */
    "title       Rollover\n"                                   /* 2 */
    "rfc         7672 §4\n"                                    /* 3 */
    "requirement R7672-4-a\n"                                  /* 4 */
    "severity    security\n"                                   /* 5 */
    "ttl         1\n"                                          /* 6 */
    "dnssec      signed\n"                                     /* 7 */
    "host        mx1 persona=honest\n"                         /* 8 */
    "at          2 persona mx1 honest-next\n"                  /* 9 */
    "at          3 wait 1.5\n"                                 /* 10 */
    "message     a\n"                                          /* 11 */
    "message     b recipient=@mxlab at=2\n"                    /* 12 */
    "expect-at   1 a no-delivery\n"                            /* 13 */
    "expect-at   3 a deliver via mx1 severity=interop\n"       /* 14 */
    "expect-at   2 b deliver-or-defer\n"                       /* 15 */
    "fault       _25._tcp.mx1 TLSA rrsig-corrupt attempts=1\n" /* 16 */
    "check       _25._tcp.mx1 TLSA bogus\n"                    /* 17 */
    "check       _25._tcp.mx1 TLSA secure attempt=2\n"         /* 18 */
    "%zone\n"                                                  /* 19 */
    "@             MX   10 mx1\n"                              /* 20 */
    "mx1           A    {addr mx1}\n"                          /* 21 */
    "[-2] _25._tcp.mx1  TLSA 3 1 1 {tlsa mx1}\n"               /* 22 */
    "[2-] _25._tcp.mx1  TLSA 3 1 1 {tlsa mx1 next}\n";         /* 23 */

START_TEST(test_timed)
{
    char err[512] = "";
    dh_scenario *sc = parse("x/t-ok.scn", timed, err);
    const dh_host *h;

    ck_assert_msg(sc != NULL, "%s", err);
    ck_assert_int_eq(sc->ttl, 1);
    ck_assert_int_eq(sc->nattempts, 3);
    ck_assert_uint_eq(sc->nmessages, 2);
    ck_assert_str_eq(sc->messages[1].recipient, "@mxlab");
    ck_assert_int_eq(sc->messages[1].at, 2);
    ck_assert_uint_eq(sc->nsteps, 3);
    /* sorted by attempt, then message */
    ck_assert_int_eq(sc->steps[0].attempt, 1);
    ck_assert_int_eq(sc->steps[1].attempt, 2);
    ck_assert_uint_eq(sc->steps[1].message, 1);
    ck_assert_int_eq(sc->steps[1].expect, DH_EXPECT_DELIVER_OR_DEFER);
    ck_assert_int_eq(sc->steps[2].has_severity, 1);
    ck_assert_int_eq(sc->steps[2].severity, DH_SEV_INTEROP);
    ck_assert_uint_eq(sc->steps[2].nvia, 1);
    ck_assert_int_eq(sc->needs_retry, 1);
    ck_assert_int_eq(sc->needs_batch, 0);
    ck_assert_int_eq(sc->faults[0].span.from, 1);
    ck_assert_int_eq(sc->faults[0].span.to, 1);
    ck_assert_int_eq(sc->checks[1].attempt, 2);
    ck_assert_int_eq(sc->zones[0].lines[2].span.to, 2);
    ck_assert_int_eq(sc->zones[0].lines[3].span.from, 2);
    ck_assert_int_eq(sc->zones[0].lines[3].span.to, DH_ATTEMPT_LAST);
    ck_assert_ptr_null(strchr(sc->zones[0].lines[3].text, '['));
    h = dh_scenario_host(sc, "mx1");
    ck_assert_str_eq(dh_scenario_persona_at(sc, h, 0, 1)->name, "honest");
    ck_assert_str_eq(dh_scenario_persona_at(sc, h, 0, 2)->name, "honest-next");
    ck_assert_str_eq(dh_scenario_persona_at(sc, h, 0, 3)->name, "honest-next");
    /* attempt 2: the fault goes and both lines change; 3: one line */
    ck_assert_int_eq(dh_scenario_dns_changes(sc, 2), 1);
    ck_assert_int_eq(dh_scenario_dns_changes(sc, 3), 1);
    ck_assert_double_eq(dh_scenario_wait_before(sc, 2), 3.0);
    ck_assert_double_eq(dh_scenario_wait_before(sc, 3), 4.5);
    dh_scenario_free(sc);
}
END_TEST

START_TEST(test_version2_is_one_step)
{
    char err[512] = "";
    dh_scenario *sc = parse("dir/ee-ok.scn", good, err);

    ck_assert_msg(sc != NULL, "%s", err);
    ck_assert_int_eq(sc->nattempts, 1);
    ck_assert_uint_eq(sc->nmessages, 1);
    ck_assert_str_eq(sc->messages[0].name, "m");
    ck_assert_uint_eq(sc->nsteps, 1);
    ck_assert_int_eq(sc->steps[0].expect, DH_EXPECT_DELIVER);
    ck_assert_int_eq(sc->steps[0].line, 9);
    ck_assert_int_eq(sc->needs_retry + sc->needs_batch, 0);
    ck_assert_int_eq(dh_scenario_dns_changes(sc, 2), 0);
    dh_scenario_free(sc);
}
END_TEST

/* timed_line - the timed text with line N replaced */
static char *timed_line(int n, const char *repl)
{
    return replace_line(timed, n, repl);
}

static const struct {
    int line;
    const char *text;
    const char *where;
    const char *what;
} bad_timed[] = {
    {6, "ttl 0", "t-ok.scn:6:", "from 1 to 86400"},
    {6, "ttl 300", "t-ok.scn:", "short 'ttl'"},
    {9, "at 1 persona mx1 honest", "t-ok.scn:9:", "from 2"},
    {9, "at 2 persona mx9 honest", "t-ok.scn:9:", "no host 'mx9'"},
    {9, "at 2 persona mx1 grumpy", "t-ok.scn:9:", "unknown persona"},
    {10, "at 3 wait forever", "t-ok.scn:10:", "seconds"},
    {10, "at 3 dance", "t-ok.scn:10:", "persona HOST PERSONA"},
    {11, "message A", "t-ok.scn:11:", "lower-case"},
    {11, "message b", "t-ok.scn:12:", "declared twice"},
    {12, "message b colour=red", "t-ok.scn:12:", "unknown message attribute"},
    {13, "expect-at 1 z no-delivery", "t-ok.scn:13:", "no message 'z'"},
    {13, "expect-at 0 a no-delivery", "t-ok.scn:13:", "expect-at takes"},
    {13, "expect-at 1 a perhaps", "t-ok.scn:13:", "unknown expectation"},
    {13, "expect-at 1 a no-delivery via mx1", "t-ok.scn:13:", "via"},
    {13, "expect-at 1 a no-delivery severity=loud",
     "t-ok.scn:13:", "severity="},
    {15, "expect-at 1 b deliver", "t-ok.scn:15:", "submitted at attempt 2"},
    {15, "expect-at 3 a deliver", "t-ok.scn:", "two expectations"},
    {14, "expect-at 3 a deliver via mx9", "t-ok.scn:14:", "no such host"},
    {16, "fault _25._tcp.mx1 TLSA rrsig-corrupt attempts=x",
     "t-ok.scn:16:", "bad attempts="},
    {16, "fault _25._tcp.mx1 TLSA rrsig-corrupt attempts=5-",
     "t-ok.scn:16:", "scenario has 3 attempt(s)"},
    {16, "fault @ DS ds-mismatch attempts=2", "t-ok.scn:16:", "parent zone"},
    {18, "check _25._tcp.mx1 TLSA secure attempt=2-3",
     "t-ok.scn:18:", "attempt=K"},
    {18, "check _25._tcp.mx1 TLSA secure attempt=9",
     "t-ok.scn:18:", "scenario has 3"},
    {22, "[2-1] _25._tcp.mx1 TLSA 3 1 1 {tlsa mx1}",
     "t-ok.scn:22:", "bad attempts prefix"},
    {22, "[4-] _25._tcp.mx1 TLSA 3 1 1 {tlsa mx1}",
     "t-ok.scn:22:", "served from attempt 4"},
    {23, "      TLSA 3 1 1 {tlsa mx1 next}", "t-ok.scn:23:", "name its owner"},
    {23, "[2-]", "t-ok.scn:23:", "needs a record"},
    {23, "[2-] _25._tcp.mx1 TLSA 3 1 1 {tlsa mx1 old}",
     "t-ok.scn:23:", "variants are rsa"},
    {13, "expect      deliver", "t-ok.scn:13:", "exclude each other"},
};

START_TEST(test_bad_timed)
{
    char err[512] = "";
    char *text = timed_line(bad_timed[_i].line, bad_timed[_i].text);
    dh_scenario *sc = parse("x/t-ok.scn", text, err);

    ck_assert_msg(sc == NULL, "row %d parsed", _i);
    ck_assert_msg(strstr(err, bad_timed[_i].where) != NULL, "row %d: %s", _i,
                  err);
    ck_assert_msg(strstr(err, bad_timed[_i].what) != NULL, "row %d: %s", _i,
                  err);
    free(text);
}
END_TEST

START_TEST(test_missing_keys)
{
    static const struct {
        int line;
        const char *what;
    } rows[] = {{2, "missing 'id'"},       {3, "missing 'title'"},
                {4, "missing 'rfc'"},      {5, "missing 'requirement'"},
                {6, "missing 'severity'"}, {9, "missing 'expect'"},
                {12, "missing 'dnssec'"}};
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char err[512] = "";
        char *text = with_line(rows[i].line, "# removed");
        dh_scenario *sc = parse("dir/ee-ok.scn", text, err);

        ck_assert_ptr_null(sc);
        ck_assert_msg(strstr(err, rows[i].what) != NULL, "%s", err);
        free(text);
    }
}
END_TEST

START_TEST(test_file_name_must_match_id)
{
    char err[512] = "";
    dh_scenario *sc = parse("dir/other.scn", good, err);

    ck_assert_ptr_null(sc);
    ck_assert_ptr_nonnull(strstr(err, "other.scn:1:"));
    ck_assert_ptr_nonnull(strstr(err, "ee-ok.scn"));
}
END_TEST

START_TEST(test_zones_and_names)
{
    char err[512] = "";
    const char *t =
        "id z\ntitle t\nrfc r\nrequirement q\nseverity interop\n"
        "dnssec signed\ndenial nsec3\n"
        "host mx1@mxlab persona=honest v6=1 persona6=no-starttls\n"
        "host mx2.sub persona=honest v4=2\n"
        "expect deliver via mx2.sub\n"
        "check _25._tcp.mx1@mxlab TLSA secure nodata\n"
        "expect-query-order _25._tcp.mx2.sub TLSA before mx2.sub A "
        "severity=advisory\n"
        "expect-no-connect mx1@mxlab\n"
        "%zone\n@ MX 10 {name mx1@mxlab}\n"
        "%zone sub dnssec=unsigned server=silent\nmx2 A {addr mx2.sub 2}\n"
        "%zone @mxlab denial=nsec3-optout\nmx1 AAAA {addr6 mx1@mxlab}\n";
    dh_scenario *sc = parse("z.scn", t, err);
    char *n;

    ck_assert_msg(sc != NULL, "%s", err);
    ck_assert_uint_eq(sc->nzones, 3);
    ck_assert_int_eq(sc->zones[0].denial, DH_DENIAL_NSEC3);
    ck_assert_str_eq(sc->zones[1].name, "sub");
    ck_assert_int_eq(sc->zones[1].dnssec, DH_ZONE_UNSIGNED);
    ck_assert_int_eq(sc->zones[1].server, DH_SERVER_SILENT);
    ck_assert_int_eq(sc->zones[2].denial, DH_DENIAL_NSEC3_OPTOUT);
    ck_assert_int_eq(sc->requires_ipv6, 1);
    ck_assert_int_eq(sc->hosts[0].nv6, 1);
    ck_assert_str_eq(sc->hosts[0].persona6->name, "no-starttls");
    ck_assert_int_eq(sc->checks[0].exist, DH_EXIST_NODATA);
    ck_assert_uint_eq(sc->nvia, 1);
    ck_assert_int_eq(sc->qexpects[0].kind, DH_QEXPECT_BEFORE);
    ck_assert_int_eq(sc->qexpects[0].severity, DH_SEV_ADVISORY);
    ck_assert_int_eq(sc->qexpects[1].severity, DH_SEV_INTEROP);
    n = dh_name_abs("mx1@mxlab", "z");
    ck_assert_str_eq(n, "mx1.z.mxlab.");
    free(n);
    n = dh_name_abs("@mxlab", "z");
    ck_assert_str_eq(n, "z.mxlab.");
    free(n);
    n = dh_name_abs("mx2.sub", "z");
    ck_assert_str_eq(n, "mx2.sub.z.danelab.");
    free(n);
    n = dh_name_abs("@", "z");
    ck_assert_str_eq(n, "z.danelab.");
    free(n);
    n = dh_name_abs("other.example.", "z");
    ck_assert_str_eq(n, "other.example.");
    free(n);
    dh_scenario_free(sc);
}
END_TEST

START_TEST(test_no_hosts_no_zone)
{
    char err[512] = "";
    const char *t = "id x\ntitle t\nrfc r\nrequirement q\nseverity interop\n"
                    "expect deliver\ndnssec signed\n";
    dh_scenario *sc = parse("x.scn", t, err);

    ck_assert_ptr_null(sc);
    ck_assert_ptr_nonnull(strstr(err, "no 'host' line"));
}
END_TEST

START_TEST(test_bundled_catalog_loads)
{
    char err[1024] = "";
    dh_scenario **v;
    size_t n;

    ck_assert_msg(
        dh_scenario_load_dir(SCENARIO_DIR, &v, &n, err, sizeof(err)) == 0, "%s",
        err);
    ck_assert_uint_ge(n, 5);
    ck_assert_int_lt(strcmp(v[0]->id, v[1]->id), 0);
    dh_scenario_free_all(v, n);
}
END_TEST

static Suite *scenario_suite(void)
{
    Suite *s = suite_create("scenario");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_good);
    tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
    tcase_add_test(tc, test_timed);
    tcase_add_test(tc, test_version2_is_one_step);
    tcase_add_loop_test(tc, test_bad_timed, 0,
                        sizeof(bad_timed) / sizeof(bad_timed[0]));
    tcase_add_test(tc, test_missing_keys);
    tcase_add_test(tc, test_file_name_must_match_id);
    tcase_add_test(tc, test_zones_and_names);
    tcase_add_test(tc, test_no_hosts_no_zone);
    tcase_add_test(tc, test_bundled_catalog_loads);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dh_check_main(scenario_suite());
}
