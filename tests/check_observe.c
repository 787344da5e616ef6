/*
 * check_observe.c - unit tests for the evidence readers (observe.c): the
 * fake MX events file and the resolver's log, and that both fail closed
 * (a missing, cut or damaged file is an error, never an empty
 * observation).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "observe.h"
#include "util.h"
#include "testdata.h"

static char path[64];

/* file_with - a temporary file holding text (path in `path') */
static void file_with(const char *text)
{
    int fd;

    snprintf(path, sizeof(path), "/tmp/check_observe.XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
}

#define EV(body) "{\"ts\":100.0," body "}\n"

static const char *events_ok = EV("\"event\":\"start\"")
    EV("\"scenario\":\"s\",\"conn\":1,\"event\":\"connect\",\"host\":"
       "\"mx1.s.danelab.\",\"persona\":\"honest\",\"local\":\"127.1.1.1:25\"")
        EV("\"scenario\":\"s\",\"conn\":1,\"event\":\"ehlo\","
           "\"starttls_offered\":true")
            EV("\"scenario\":\"s\",\"conn\":1,\"event\":\"tls\",\"ok\":true,"
               "\"version\":\"TLSv1.3\",\"sni\":\"mx1.s.danelab\","
               "\"chain_sha256\":[\"aa\",\"bb\"]")
                EV("\"scenario\":\"other\",\"conn\":2,\"event\":\"message\","
                   "\"token\":\"tok\",\"persona\":\"no-starttls\"")
                    EV("\"scenario\":\"s\",\"conn\":1,\"event\":\"message\","
                       "\"tls\":true,"
                       "\"token\":\"tok\"")
                        EV("\"scenario\":\"s\",\"conn\":3,\"event\":"
                           "\"message\",\"tls\":false,"
                           "\"token\":\"stale\",\"persona\":\"no-starttls\"")
                            EV("\"scenario\":\"s\",\"conn\":1,\"event\":"
                               "\"disconnect\","
                               "\"quit\":true")
                                EV("\"event\":\"stop\",\"events\":8,\"lost\":0,"
                                   "\"lost_by_scenario\":{}");

/* load - the events of `path' for scenarios "other" and "s" */
static int load(dh_obs *o, dh_obs *other, dh_run_obs *run, char *err,
                size_t errlen)
{
    dh_obs_sink sinks[] = {{"other", "tok", other}, {"s", "tok", o}};

    dh_obs_init(o);
    dh_obs_init(other);
    dh_run_obs_init(run);
    return dh_obs_load_events(path, sinks, 2, run, err, errlen);
}

START_TEST(test_events_file)
{
    dh_obs o, other;
    dh_run_obs run;
    char err[512] = "";

    file_with(events_ok);
    ck_assert_msg(load(&o, &other, &run, err, sizeof(err)) == 0, "%s", err);
    unlink(path);
    /* the other scenario's event went to its own observations */
    ck_assert_uint_eq(other.nconns, 1);
    ck_assert_uint_eq(o.nconns, 2);
    ck_assert_int_eq(o.conns[0].starttls_offered, 1);
    ck_assert_int_eq(o.conns[0].tls_ok, 1);
    ck_assert_str_eq(o.conns[0].sni, "mx1.s.danelab");
    ck_assert_str_eq(o.conns[0].leaf_sha256, "aa");
    ck_assert_int_eq(o.conns[0].message, 1);
    ck_assert_int_eq(o.conns[0].message_tls, 1);
    ck_assert_int_eq(o.conns[0].hostile, 0);
    ck_assert_int_eq(o.conns[0].quit, 1);
    /* a message with another run's token is not this run's delivery */
    ck_assert_int_eq(o.conns[1].message, 0);
    ck_assert_int_eq(o.conns[1].hostile, 1);
    ck_assert_uint_eq(run.events, 8);
    ck_assert_uint_eq(run.nincidents, 0);
    dh_obs_free(&o);
    dh_obs_free(&other);
    dh_run_obs_free(&run);
}
END_TEST

/* expect_load_error - the events file `text' is refused with `what' */
static void expect_load_error(const char *text, const char *what)
{
    dh_obs o, other;
    dh_run_obs run;
    char err[512] = "";

    file_with(text);
    ck_assert_int_eq(load(&o, &other, &run, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, what) != NULL, "'%s' lacks '%s'", err, what);
    ck_assert_msg(strstr(err, path) != NULL, "'%s' does not name the file",
                  err);
    unlink(path);
    dh_obs_free(&o);
    dh_obs_free(&other);
    dh_run_obs_free(&run);
}

START_TEST(test_events_fail_closed)
{
    dh_obs o, other;
    dh_run_obs run;
    char err[512] = "", *cut;

    /* missing */
    snprintf(path, sizeof(path), "/tmp/check_observe.missing");
    unlink(path);
    ck_assert_int_eq(load(&o, &other, &run, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot read"));
    /* empty, no stop record, a line cut short, a damaged line, an event
     * after the stop record, a count that does not match */
    expect_load_error("", "is empty");
    expect_load_error(EV("\"event\":\"start\""), "no stop record");
    cut = dh_strndup(events_ok, strlen(events_ok) - 5);
    expect_load_error(cut, "truncated");
    free(cut);
    expect_load_error(EV("\"event\":\"start\"") "{\"ts\":1,\"ev\n" EV(
                          "\"event\":\"stop\",\"events\":1,\"lost\":0,"
                          "\"lost_by_scenario\":{}"),
                      ":2: unreadable event");
    expect_load_error(EV("\"event\":\"stop\",\"events\":0,\"lost\":0,"
                         "\"lost_by_scenario\":{}") EV("\"event\":\"tick\""),
                      ":2: an event after the stop record");
    expect_load_error(EV("\"event\":\"start\"") EV("\"event\":\"tick\"")
                          EV("\"event\":\"stop\",\"events\":3,\"lost\":0,"
                             "\"lost_by_scenario\":{}"),
                      "holds 2 events, but the fake MX wrote 3");
}
END_TEST

START_TEST(test_events_lost_and_stalls)
{
    dh_obs o, other;
    dh_run_obs run;
    char err[512] = "";

    file_with("{\"ts\":100.0,\"event\":\"start\"}\n"
              "{\"ts\":100.25,\"event\":\"tick\"}\n"
              "{\"ts\":104.0,\"event\":\"tick\"}\n"
              "{\"ts\":104.1,\"event\":\"accept_error\",\"error\":\"Too "
              "many open files\",\"pause\":0.1}\n"
              "{\"ts\":104.2,\"event\":\"stop\",\"events\":4,\"lost\":3,"
              "\"lost_by_scenario\":{\"s\":2,\"-\":1}}\n");
    ck_assert_msg(load(&o, &other, &run, err, sizeof(err)) == 0, "%s", err);
    unlink(path);
    ck_assert_uint_eq(o.lost_events, 2);
    ck_assert_uint_eq(other.lost_events, 0);
    ck_assert_uint_eq(run.lost_events, 3);
    ck_assert(run.max_heartbeat_gap > 3.7 && run.max_heartbeat_gap < 3.8);
    /* the heartbeat gap, the accept error, the loss outside scenarios */
    ck_assert_uint_eq(run.nincidents, 3);
    ck_assert_ptr_nonnull(strstr(run.incidents[0].what, "heartbeat stopped"));
    ck_assert(run.incidents[0].from == 100.25 && run.incidents[0].to == 104.0);
    ck_assert_ptr_nonnull(strstr(run.incidents[1].what, "Too many open"));
    ck_assert_ptr_nonnull(strstr(run.incidents[2].what, "could not record"));
    dh_obs_free(&o);
    dh_obs_free(&other);
    dh_run_obs_free(&run);
}
END_TEST

#define UB(t, rest) "[" #t "] unbound[1:0] " rest "\n"
#define UB_END(nq)                                                             \
    UB(9, "info: service stopped (unbound 1.17.1).")                           \
    UB(9, "info: server stats for thread 0: " #nq                              \
          " queries, 0 answers from cache, 0 recursions, 0 prefetch, 0 "       \
          "rejected by ip ratelimiting")                                       \
    UB(9, "info: server stats for thread 0: requestlist max 1 avg 0 "          \
          "exceeded 0 jostled 0")

/* load_log - the resolver log of `path' for scenario "s" */
static int load_log(dh_obs *o, dh_run_obs *run, char *err, size_t errlen)
{
    dh_obs_sink sinks[] = {{"s", "tok", o}};

    dh_obs_init(o);
    dh_run_obs_init(run);
    return dh_obs_load_resolver(path, sinks, 1, "127.0.0.3", run, err, errlen);
}

START_TEST(test_resolver_log)
{
    dh_obs o;
    dh_run_obs run;
    char err[512] = "";

    file_with(
        UB(1, "query: 127.0.0.1 s.danelab. MX IN") UB(
            1, "query: 127.0.0.3 s.danelab. SOA IN")
            UB(1, "reply: 127.0.0.3 s.danelab. SOA IN NOERROR 0.0 0 9") UB(
                1, "query: 127.0.0.1 _25._tcp.mx1.s.danelab. TLSA IN")
                UB(2, "query: 127.0.0.1 xs.danelab. MX IN") UB(
                    2, "query: 127.0.0.1 mx1.S.mxlab. A IN")
                    UB(2, "info: resolving s.danelab. MX") UB(
                        2, "reply: 127.0.0.1 s.danelab. MX IN NOERROR 0.000120 "
                           "0 80")
                        UB(3,
                           "error: SERVFAIL <_25._tcp.mx1.s.danelab. TLSA IN>: "
                           "validation failure <x>: signature crypto failed")
                            UB(3, "reply: 127.0.0.1 _25._tcp.mx1.s.danelab. "
                                  "TLSA IN "
                                  "SERVFAIL 2.500000 0 60") UB_END(5));
    ck_assert_msg(load_log(&o, &run, err, sizeof(err)) == 0, "%s", err);
    unlink(path);
    ck_assert_uint_eq(o.nqueries, 3);
    ck_assert_str_eq(o.queries[0].name, "s.danelab.");
    ck_assert_str_eq(o.queries[0].type, "MX");
    ck_assert_int_eq(o.queries[0].answered, 1);
    ck_assert_str_eq(o.queries[0].rcode, "NOERROR");
    ck_assert_int_eq(o.queries[0].asked, 1);
    ck_assert_str_eq(o.queries[1].name, "_25._tcp.mx1.s.danelab.");
    ck_assert_str_eq(o.queries[1].rcode, "SERVFAIL");
    ck_assert(o.queries[1].seconds == 2.5);
    ck_assert_ptr_nonnull(o.queries[1].why);
    ck_assert_ptr_nonnull(strstr(o.queries[1].why, "signature crypto"));
    ck_assert_str_eq(o.queries[2].name, "mx1.S.mxlab.");
    ck_assert_int_eq(o.queries[2].answered, 0);
    ck_assert_uint_eq(run.resolver_queries, 5);
    dh_obs_free(&o);
    dh_run_obs_free(&run);
}
END_TEST

START_TEST(test_resolver_log_fail_closed)
{
    dh_obs o;
    dh_run_obs run;
    char err[512] = "";

    /* no end-of-service record: Unbound was killed, or the log cut */
    file_with(UB(1, "query: 127.0.0.1 s.danelab. MX IN"));
    ck_assert_int_eq(load_log(&o, &run, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "no end-of-service record"));
    unlink(path);
    dh_obs_free(&o);
    /* fewer query lines than Unbound counted */
    file_with(UB(1, "query: 127.0.0.1 s.danelab. MX IN") UB_END(2));
    ck_assert_int_eq(load_log(&o, &run, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "holds 1 queries, but the resolver "
                                      "counted 2"));
    unlink(path);
    dh_obs_free(&o);
    /* the last line cut short */
    file_with(UB(1, "query: 127.0.0.1 s.danelab. MX IN") UB_END(1) "[9] unb");
    ck_assert_int_eq(load_log(&o, &run, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "truncated"));
    unlink(path);
    dh_obs_free(&o);
    /* missing */
    snprintf(path, sizeof(path), "/tmp/check_observe.missing");
    unlink(path);
    ck_assert_int_eq(load_log(&o, &run, err, sizeof(err)), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot read the resolver's log"));
    dh_obs_free(&o);
}
END_TEST

START_TEST(test_scenario_of_name)
{
    char buf[64];

    ck_assert_str_eq(dh_scenario_of_name("mx1.ABC.danelab.", buf, 64), "abc");
    ck_assert_str_eq(dh_scenario_of_name("x.y.abc.mxlab.", buf, 64), "abc");
    ck_assert_ptr_null(dh_scenario_of_name("danelab.", buf, 64));
    ck_assert_ptr_null(dh_scenario_of_name("abc.example.", buf, 64));
}
END_TEST

static Suite *observe_suite(void)
{
    Suite *s = suite_create("observe");
    TCase *e = tcase_create("events"), *r = tcase_create("resolver");

    tcase_add_test(e, test_events_file);
    tcase_add_test(e, test_events_fail_closed);
    tcase_add_test(e, test_events_lost_and_stalls);
    tcase_add_test(r, test_resolver_log);
    tcase_add_test(r, test_resolver_log_fail_closed);
    tcase_add_test(r, test_scenario_of_name);
    suite_add_tcase(s, e);
    suite_add_tcase(s, r);
    return s;
}

int main(void)
{
    return dh_check_main(observe_suite());
}
