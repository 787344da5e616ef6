/*
 * check_verdict.c - unit tests for the verdict logic (verdict.c): the
 * judge over hand-made observations, and the expectations file.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "util.h"
#include "verdict.h"
#include "testdata.h"

static dh_scenario sc;
static dh_obs obs;
static dh_attempt att;
static dh_judge_in in;

/* setup - a "deliver over TLS with SNI" scenario, nothing observed */
static void setup(void)
{
    memset(&sc, 0, sizeof(sc));
    sc.id = "s";
    sc.severity = DH_SEV_INTEROP;
    sc.expect = DH_EXPECT_DELIVER;
    sc.expect_tls = 1;
    dh_obs_init(&obs);
    memset(&att, 0, sizeof(att));
    att.ran = 1;
    att.outcome = DH_OUT_DEFERRED;
    att.outcome_line = "deferred no MX acceptable";
    memset(&in, 0, sizeof(in));
    in.sc = &sc;
    sc.expect_sni = "mx1";
}

/* teardown - free what a test added */
static void teardown(void)
{
    size_t i;

    for (i = 0; i < obs.nconns; i++)
        obs.conns[i].host = obs.conns[i].persona = obs.conns[i].sni = NULL;
    free(obs.conns);
    dh_obs_init(&obs);
}

/* add_conn - an observed connection */
static dh_conn_obs *add_conn(const char *persona, int hostile, int message,
                             int tls, const char *sni)
{
    dh_conn_obs *c;

    obs.conns = realloc(obs.conns, (obs.nconns + 1) * sizeof(*obs.conns));
    c = &obs.conns[obs.nconns++];
    memset(c, 0, sizeof(*c));
    c->host = "mx1.s.danelab.";
    c->persona = (char *)persona;
    c->hostile = hostile;
    c->message = message;
    c->message_tls = tls;
    c->tls_ok = tls;
    c->sni = (char *)sni;
    return c;
}

/* judge - run the judge, return the kind, keep the severity */
static dh_verdict_kind judge(dh_severity *sev)
{
    dh_verdict v = dh_judge(&in, &obs, &att);
    dh_verdict_kind k = v.kind;

    ck_assert_ptr_nonnull(v.reason);
    ck_assert_int_gt((int)strlen(v.reason), 0);
    if (sev)
        *sev = v.severity;
    dh_verdict_free(&v);
    return k;
}

START_TEST(test_deliver_pass)
{
    add_conn("honest", 0, 1, 1, "mx1.s.danelab");
    att.outcome = DH_OUT_DELIVERED;
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
}
END_TEST

START_TEST(test_deliver_sni_trailing_dot_and_case)
{
    add_conn("honest", 0, 1, 1, "MX1.s.danelab.");
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
}
END_TEST

START_TEST(test_deliver_missing)
{
    dh_severity sev;

    add_conn("honest", 0, 0, 1, "mx1.s.danelab");
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
    ck_assert_int_eq(sev, DH_SEV_INTEROP);
}
END_TEST

START_TEST(test_deliver_adapter_claim_is_not_enough)
{
    /* the client's word alone is never a PASS: with no server having
     * received it, the run is inconsistent, an ERROR */
    att.outcome = DH_OUT_DELIVERED;
    att.outcome_line = "delivered";
    ck_assert_int_eq(judge(NULL), DH_V_ERROR);
}
END_TEST

START_TEST(test_deliver_cleartext_when_tls_required)
{
    dh_severity sev;

    add_conn("honest", 0, 1, 0, NULL);
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
    ck_assert_int_eq(sev, DH_SEV_SECURITY);
}
END_TEST

START_TEST(test_deliver_wrong_sni)
{
    dh_severity sev;

    add_conn("honest", 0, 1, 1, "s.danelab");
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
    ck_assert_int_eq(sev, DH_SEV_INTEROP);
    teardown();
    add_conn("honest", 0, 1, 1, NULL);
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
}
END_TEST

START_TEST(test_deliver_no_constraints)
{
    sc.expect_tls = 0;
    sc.expect_sni = NULL;
    add_conn("honest", 0, 1, 0, NULL);
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
}
END_TEST

START_TEST(test_leak_is_security_fail_even_on_hang)
{
    dh_severity sev;

    sc.expect = DH_EXPECT_NO_DELIVERY;
    add_conn("no-starttls", 1, 1, 0, NULL);
    att.hang = 1;
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
    ck_assert_int_eq(sev, DH_SEV_SECURITY);
}
END_TEST

START_TEST(test_no_delivery_pass)
{
    sc.expect = DH_EXPECT_NO_DELIVERY;
    add_conn("no-starttls", 1, 0, 0, NULL);
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
}
END_TEST

START_TEST(test_no_delivery_bounce_is_advisory)
{
    dh_severity sev;

    sc.expect = DH_EXPECT_NO_DELIVERY;
    att.outcome = DH_OUT_BOUNCED;
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
    ck_assert_int_eq(sev, DH_SEV_ADVISORY);
}
END_TEST

START_TEST(test_no_delivery_claimed_delivery_is_error)
{
    sc.expect = DH_EXPECT_NO_DELIVERY;
    att.outcome = DH_OUT_DELIVERED;
    ck_assert_int_eq(judge(NULL), DH_V_ERROR);
}
END_TEST

START_TEST(test_hang_crash_error_are_never_pass)
{
    sc.expect = DH_EXPECT_NO_DELIVERY;
    att.hang = 1;
    ck_assert_int_eq(judge(NULL), DH_V_HANG);
    att.hang = 0;
    att.signal = 11;
    ck_assert_int_eq(judge(NULL), DH_V_CRASH);
    att.signal = 0;
    att.exit_status = 1;
    ck_assert_int_eq(judge(NULL), DH_V_ERROR);
    att.exit_status = 0;
    att.ran = 0;
    ck_assert_int_eq(judge(NULL), DH_V_ERROR);
}
END_TEST

START_TEST(test_fixture_error_wins)
{
    add_conn("honest", 0, 1, 1, "mx1.s.danelab");
    in.fixture_error = "self-check: TLSA is secure, declared bogus";
    ck_assert_int_eq(judge(NULL), DH_V_ERROR);
}
END_TEST

START_TEST(test_via_overrides_persona)
{
    char *via[] = {"mx1"};
    dh_severity sev;

    sc.expect_tls = 0;
    sc.expect_sni = NULL;
    add_conn("evil-self-signed", 1, 1, 1, NULL);
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
    ck_assert_int_eq(sev, DH_SEV_SECURITY);
    sc.via = via;
    sc.nvia = 1;
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
    obs.conns[0].host = "mx2.s.danelab.";
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
    ck_assert_int_eq(sev, DH_SEV_SECURITY);
}
END_TEST

START_TEST(test_deliver_or_defer)
{
    sc.expect = DH_EXPECT_DELIVER_OR_DEFER;
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
    add_conn("honest", 0, 1, 1, "mx1.s.danelab");
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
    obs.conns[0].message_tls = 0;
    ck_assert_int_eq(judge(NULL), DH_V_FAIL);
}
END_TEST

START_TEST(test_bounce)
{
    sc.expect = DH_EXPECT_BOUNCE;
    ck_assert_int_eq(judge(NULL), DH_V_FAIL);
    att.outcome = DH_OUT_BOUNCED;
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
    add_conn("honest", 0, 1, 1, "mx1.s.danelab");
    ck_assert_int_eq(judge(NULL), DH_V_FAIL);
}
END_TEST

START_TEST(test_skip)
{
    in.skip_reason = "needs IPv6";
    ck_assert_int_eq(judge(NULL), DH_V_SKIP);
}
END_TEST

START_TEST(test_query_expectations)
{
    dh_query_obs qs[] = {{.name = "s.danelab.", .type = "MX"},
                         {.name = "mx1.s.danelab.", .type = "A"},
                         {.name = "_25._tcp.mx1.s.danelab.", .type = "TLSA"}};
    dh_qexpect q[1];
    dh_severity sev;

    sc.expect = DH_EXPECT_NO_DELIVERY;
    obs.queries = qs;
    obs.nqueries = 3;
    sc.qexpects = q;
    sc.nqexpects = 1;
    memset(q, 0, sizeof(q));
    q[0].severity = DH_SEV_ADVISORY;
    q[0].kind = DH_QEXPECT_QUERY;
    q[0].name = "_25._tcp.mx1";
    q[0].type = "TLSA";
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
    q[0].type = "A";
    ck_assert_int_eq(judge(&sev), DH_V_FAIL);
    ck_assert_int_eq(sev, DH_SEV_ADVISORY);
    q[0].kind = DH_QEXPECT_NO_QUERY;
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
    q[0].type = "TLSA";
    ck_assert_int_eq(judge(NULL), DH_V_FAIL);
    q[0].kind = DH_QEXPECT_BEFORE;
    q[0].name = "mx1";
    q[0].type = "A";
    q[0].name2 = "_25._tcp.mx1";
    q[0].type2 = "TLSA";
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
    q[0].name = "_25._tcp.mx1";
    q[0].type = "TLSA";
    q[0].name2 = "mx1";
    q[0].type2 = "A";
    ck_assert_int_eq(judge(NULL), DH_V_FAIL);
    q[0].kind = DH_QEXPECT_NO_CONNECT;
    q[0].name = "mx1";
    ck_assert_int_eq(judge(NULL), DH_V_PASS);
    add_conn("no-starttls", 1, 0, 0, NULL);
    ck_assert_int_eq(judge(NULL), DH_V_FAIL);
    obs.queries = NULL;
    obs.nqueries = 0;
}
END_TEST

/* Steps across time and messages: two messages, two attempts. */
static dh_message st_msgs[2];
static dh_step st_steps[3];
static dh_attempt st_att[4]; /* [attempt-1][message] */
static dh_attempts st_x;
static const char *st_tokens[2] = {"tok-a", "tok-b"};
static char *tok_a = "tok-a", *tok_b = "tok-b";
static int tls_yes = 1;

/* steps_setup - a then b: a deferred at 1, delivered at 2; b new at 2 */
static void steps_setup(void)
{
    setup();
    memset(st_msgs, 0, sizeof(st_msgs));
    st_msgs[0] = (dh_message){"a", NULL, 1, 1};
    st_msgs[1] = (dh_message){"b", NULL, 2, 2};
    memset(st_steps, 0, sizeof(st_steps));
    st_steps[0] = (dh_step){1, 0, DH_EXPECT_NO_DELIVERY, NULL, 0, 0, 0, 3};
    st_steps[1] = (dh_step){2, 0, DH_EXPECT_DELIVER, NULL, 0, 0, 0, 4};
    st_steps[2] =
        (dh_step){2, 1, DH_EXPECT_NO_DELIVERY, NULL, 0, 1, DH_SEV_SECURITY, 5};
    sc.messages = st_msgs;
    sc.nmessages = 2;
    sc.steps = st_steps;
    sc.nsteps = 3;
    sc.nattempts = 2;
    sc.expect_sni = NULL;
    memset(st_att, 0, sizeof(st_att));
    st_att[0] =
        (dh_attempt){1, 0, 0, 0, DH_OUT_DEFERRED, "deferred x", 1, 10, 11};
    st_att[2] =
        (dh_attempt){1, 0, 0, 0, DH_OUT_DELIVERED, "delivered", 1, 20, 21};
    st_att[3] =
        (dh_attempt){1, 0, 0, 0, DH_OUT_DEFERRED, "deferred y", 1, 20, 21};
    st_x.a = st_att;
    st_x.nmsg = 2;
    st_x.natt = 2;
}

/* carry - connection c carried token (over TLS), beginning at t */
static void carry(dh_conn_obs *c, char **token, double t)
{
    c->tokens = token;
    c->token_tls = &tls_yes;
    c->ntokens = 1;
    c->t_first = c->t_last = t;
}

/* steps_teardown - the connections borrow static tokens */
static void steps_teardown(void)
{
    size_t i;

    for (i = 0; i < obs.nconns; i++)
        obs.conns[i].tokens = NULL;
    teardown();
}

/* judge_steps - the kind, keep the severity and reason */
static dh_verdict_kind judge_steps(dh_severity *sev, char *why, size_t len)
{
    dh_verdict v = dh_judge_steps(&in, &obs, &st_x, st_tokens);
    dh_verdict_kind k = v.kind;

    ck_assert_ptr_nonnull(v.reason);
    if (sev)
        *sev = v.severity;
    snprintf(why, len, "%s", v.reason);
    dh_verdict_free(&v);
    return k;
}

START_TEST(test_steps_pass)
{
    char why[1024];

    carry(add_conn("honest", 0, 0, 1, NULL), &tok_a, 20.5);
    ck_assert_int_eq(judge_steps(NULL, why, sizeof(why)), DH_V_PASS);
    ck_assert_msg(strstr(why, "attempt 1, message a: not delivered") &&
                      strstr(why, "attempt 2, message a: delivered") &&
                      strstr(why, "attempt 2, message b: not delivered"),
                  "%s", why);
}
END_TEST

START_TEST(test_steps_judged_by_their_attempt)
{
    dh_severity sev;
    char why[1024];

    /* a delivered at attempt 1, where it must wait */
    carry(add_conn("honest", 0, 0, 1, NULL), &tok_a, 10.5);
    ck_assert_int_eq(judge_steps(&sev, why, sizeof(why)), DH_V_FAIL);
    ck_assert_msg(strstr(why, "attempt 1, message a: message delivered"), "%s",
                  why);
    ck_assert_int_eq(sev, DH_SEV_INTEROP);
}
END_TEST

START_TEST(test_steps_message_on_its_connection)
{
    dh_severity sev;
    char why[1024];

    /* a delivered right at 2, but b too, on another connection: the
     * security step wins, whatever came first */
    carry(add_conn("honest", 0, 0, 1, NULL), &tok_a, 20.2);
    carry(add_conn("honest", 0, 0, 1, NULL), &tok_b, 20.4);
    ck_assert_int_eq(judge_steps(&sev, why, sizeof(why)), DH_V_FAIL);
    ck_assert_msg(strstr(why, "attempt 2, message b"), "%s", why);
    ck_assert_int_eq(sev, DH_SEV_SECURITY);
}
END_TEST

START_TEST(test_steps_stray_delivery)
{
    dh_severity sev;
    char why[1024];

    /* a reached an attacker between the attempts (the client's own
     * schedule): a security FAIL even though every step passes */
    carry(add_conn("honest", 0, 0, 1, NULL), &tok_a, 20.5);
    carry(add_conn("evil", 1, 0, 1, NULL), &tok_a, 15.0);
    ck_assert_int_eq(judge_steps(&sev, why, sizeof(why)), DH_V_FAIL);
    ck_assert_msg(strstr(why, "outside every delivery attempt"), "%s", why);
    ck_assert_int_eq(sev, DH_SEV_SECURITY);
}
END_TEST

START_TEST(test_steps_gone_message)
{
    char why[1024];

    /* a delivered at 1 where deliver-or-defer was fine: its step 2
     * (deliver) passes without a new attempt */
    st_steps[0].expect = DH_EXPECT_DELIVER_OR_DEFER;
    st_att[0].outcome = DH_OUT_DELIVERED;
    memset(&st_att[2], 0, sizeof(st_att[2]));
    carry(add_conn("honest", 0, 0, 1, NULL), &tok_a, 10.5);
    ck_assert_int_eq(judge_steps(NULL, why, sizeof(why)), DH_V_PASS);
    ck_assert_msg(strstr(why, "delivered at attempt 1 already"), "%s", why);
    /* ... but if step 2 wanted no delivery, it fails */
    st_steps[1].expect = DH_EXPECT_NO_DELIVERY;
    ck_assert_int_eq(judge_steps(NULL, why, sizeof(why)), DH_V_FAIL);
}
END_TEST

START_TEST(test_steps_fixture_error_first)
{
    char why[1024];

    in.fixture_error = "before attempt 2: NSD did not reload";
    carry(add_conn("evil", 1, 0, 1, NULL), &tok_a, 20.5);
    ck_assert_int_eq(judge_steps(NULL, why, sizeof(why)), DH_V_ERROR);
    ck_assert_str_eq(why, "before attempt 2: NSD did not reload");
}
END_TEST

START_TEST(test_outcome_parse)
{
    ck_assert_int_eq(dh_outcome_parse("delivered mx1"), DH_OUT_DELIVERED);
    ck_assert_int_eq(dh_outcome_parse("deferred x"), DH_OUT_DEFERRED);
    ck_assert_int_eq(dh_outcome_parse("bounced x"), DH_OUT_BOUNCED);
    ck_assert_int_eq(dh_outcome_parse("garbage"), DH_OUT_NONE);
    ck_assert_int_eq(dh_outcome_parse(NULL), DH_OUT_NONE);
}
END_TEST

START_TEST(test_xfail_file)
{
    char path[] = "/tmp/check_xfail.XXXXXX";
    int fd = mkstemp(path);
    const char *text = "# comment\n\n  a xfail known bug #12\nb xfail\n";
    const char *ids[] = {"a", "b", "c", NULL};
    dh_xfail *v = NULL;
    size_t n = 0;
    char err[256] = "";
    dh_verdict fail = {DH_V_FAIL, DH_SEV_SECURITY, dh_strdup("leaked")};
    dh_verdict pass = {DH_V_PASS, DH_SEV_SECURITY, dh_strdup("fine")};
    dh_verdict err_v = {DH_V_ERROR, DH_SEV_SECURITY, dh_strdup("fixture")};

    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    ck_assert_msg(dh_xfail_load(path, ids, &v, &n, err, sizeof(err)) == 0, "%s",
                  err);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(v[0].reason, "known bug #12");
    ck_assert_int_eq(v[0].line, 3);
    dh_xfail_apply(v, n, "a", &fail);
    ck_assert_int_eq(fail.kind, DH_V_XFAIL);
    ck_assert_ptr_nonnull(strstr(fail.reason, "leaked"));
    dh_xfail_apply(v, n, "b", &pass);
    ck_assert_int_eq(pass.kind, DH_V_XPASS);
    dh_xfail_apply(v, n, "a", &err_v); /* an ERROR stays an ERROR */
    ck_assert_int_eq(err_v.kind, DH_V_ERROR);
    dh_xfail_apply(v, n, "c", &err_v);
    ck_assert_int_eq(err_v.kind, DH_V_ERROR);
    dh_verdict_free(&fail);
    dh_verdict_free(&pass);
    dh_verdict_free(&err_v);
    dh_xfail_free(v, n);

    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_eq(write(fd, "a xfail x\nzz xfail y\n", 21), 21);
    close(fd);
    ck_assert_int_eq(dh_xfail_load(path, ids, &v, &n, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, ":2: no scenario 'zz'") != NULL, "%s", err);
    fd = open(path, O_WRONLY | O_TRUNC);
    ck_assert_int_eq(write(fd, "a maybe\n", 8), 8);
    close(fd);
    ck_assert_int_eq(dh_xfail_load(path, ids, &v, &n, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, ":1: expected") != NULL, "%s", err);
    unlink(path);
}
END_TEST

static Suite *verdict_suite(void)
{
    Suite *s = suite_create("verdict");
    TCase *j = tcase_create("judge"), *e = tcase_create("evidence");

    tcase_add_checked_fixture(j, setup, teardown);
    tcase_add_test(j, test_deliver_pass);
    tcase_add_test(j, test_deliver_sni_trailing_dot_and_case);
    tcase_add_test(j, test_deliver_missing);
    tcase_add_test(j, test_deliver_adapter_claim_is_not_enough);
    tcase_add_test(j, test_deliver_cleartext_when_tls_required);
    tcase_add_test(j, test_deliver_wrong_sni);
    tcase_add_test(j, test_deliver_no_constraints);
    tcase_add_test(j, test_leak_is_security_fail_even_on_hang);
    tcase_add_test(j, test_no_delivery_pass);
    tcase_add_test(j, test_no_delivery_bounce_is_advisory);
    tcase_add_test(j, test_no_delivery_claimed_delivery_is_error);
    tcase_add_test(j, test_hang_crash_error_are_never_pass);
    tcase_add_test(j, test_fixture_error_wins);
    tcase_add_test(j, test_outcome_parse);
    tcase_add_test(j, test_via_overrides_persona);
    tcase_add_test(j, test_deliver_or_defer);
    tcase_add_test(j, test_bounce);
    tcase_add_test(j, test_skip);
    tcase_add_test(j, test_query_expectations);
    {
        TCase *t = tcase_create("steps");

        tcase_add_checked_fixture(t, steps_setup, steps_teardown);
        tcase_add_test(t, test_steps_pass);
        tcase_add_test(t, test_steps_judged_by_their_attempt);
        tcase_add_test(t, test_steps_message_on_its_connection);
        tcase_add_test(t, test_steps_stray_delivery);
        tcase_add_test(t, test_steps_gone_message);
        tcase_add_test(t, test_steps_fixture_error_first);
        suite_add_tcase(s, t);
    }
    tcase_add_test(e, test_xfail_file);
    suite_add_tcase(s, j);
    suite_add_tcase(s, e);
    return s;
}

int main(void)
{
    return dh_check_main(verdict_suite());
}
