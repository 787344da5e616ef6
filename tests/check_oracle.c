/*
 * check_oracle.c - unit tests for the run-time fixture oracle (oracle.c):
 * which answers of the resolver, which incidents, make an attempt
 * unjudgeable.  The world's answers are hand-made here; tests/faults.sh
 * checks the whole with real faults.
 */
#include <check.h>
#include <ldns/ldns.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "util.h"
#include "testdata.h"

static dh_scenario sc;
static dh_zone_decl zones[2];
static dh_world_scn ws;
static dh_obs obs;
static dh_attempt att;
static dh_oracle_case c;
static dh_query_obs q;
static dh_lookup world;

/* setup - scenario "s" with a zone "hosts" delegated to the silent
 * server; a client question answered NOERROR in 1 ms; a world that
 * answers NOERROR, secure */
static void setup(void)
{
    memset(&sc, 0, sizeof(sc));
    memset(zones, 0, sizeof(zones));
    sc.id = "s";
    sc.file = "s.scn";
    zones[0].name = "@";
    zones[1].name = "hosts";
    zones[1].server = DH_SERVER_SILENT;
    zones[1].line = 30;
    sc.zones = zones;
    sc.nzones = 2;
    memset(&ws, 0, sizeof(ws));
    ws.sc = &sc;
    dh_obs_init(&obs);
    memset(&att, 0, sizeof(att));
    att.ran = 1;
    att.t_start = 100;
    att.t_end = 110;
    memset(&c, 0, sizeof(c));
    c.ws = &ws;
    c.obs = &obs;
    c.att = &att;
    memset(&q, 0, sizeof(q));
    q.name = "mx1.s.danelab.";
    q.type = "A";
    q.answered = 1;
    strcpy(q.rcode, "NOERROR");
    q.seconds = 0.001;
    memset(&world, 0, sizeof(world));
    world.ok = 1;
    world.rcode = LDNS_RCODE_NOERROR;
    world.secure = 1;
    world.havedata = 1;
}

static void teardown(void)
{
    free(c.fault);
}

/* fault_has - the case has a fault mentioning what */
static void fault_has(const char *what)
{
    ck_assert_msg(c.fault != NULL, "no fault, expected one with '%s'", what);
    ck_assert_msg(strstr(c.fault, what) != NULL, "'%s' lacks '%s'", c.fault,
                  what);
}

START_TEST(test_same_answer_is_no_fault)
{
    dh_oracle_judge_query(&c, &q, &world);
    ck_assert_ptr_null(c.fault);
    world.rcode = LDNS_RCODE_NXDOMAIN;
    strcpy(q.rcode, "NXDOMAIN");
    dh_oracle_judge_query(&c, &q, &world);
    ck_assert_ptr_null(c.fault);
}
END_TEST

START_TEST(test_servfail_where_world_answers)
{
    strcpy(q.rcode, "SERVFAIL");
    q.why = "all servers for this domain failed, at zone .";
    dh_oracle_judge_query(&c, &q, &world);
    fault_has(
        "the resolver answered SERVFAIL to the client's mx1.s.danelab. A");
    fault_has("all servers for this domain failed");
    fault_has("where the world answers NOERROR (secure)");
}
END_TEST

START_TEST(test_other_rcode)
{
    strcpy(q.rcode, "NXDOMAIN");
    dh_oracle_judge_query(&c, &q, &world);
    fault_has("answered NXDOMAIN");
}
END_TEST

START_TEST(test_slow_and_missing)
{
    q.seconds = 2.5;
    dh_oracle_judge_query(&c, &q, &world);
    fault_has("took 2.5 s");
    free(c.fault);
    c.fault = NULL;
    q.answered = 0;
    q.rcode[0] = 0;
    dh_oracle_judge_query(&c, &q, &world);
    fault_has("never answered");
}
END_TEST

START_TEST(test_bogus_world)
{
    /* bogus: SERVFAIL, or the data itself (the client set CD) */
    world.bogus = 1;
    world.secure = 0;
    strcpy(q.rcode, "SERVFAIL");
    dh_oracle_judge_query(&c, &q, &world);
    ck_assert_ptr_null(c.fault);
    strcpy(q.rcode, "NOERROR");
    dh_oracle_judge_query(&c, &q, &world);
    ck_assert_ptr_null(c.fault);
    q.seconds = 3;
    dh_oracle_judge_query(&c, &q, &world);
    fault_has("took 3.0 s");
}
END_TEST

START_TEST(test_world_cannot_answer)
{
    world.ok = 0;
    strcpy(world.why, "timeout");
    dh_oracle_judge_query(&c, &q, &world);
    fault_has("the world does not answer mx1.s.danelab. A any more");
}
END_TEST

START_TEST(test_lame_zone)
{
    /* in the silent zone: SERVFAIL, slow, or no answer is as declared */
    q.name = "mx1.hosts.s.danelab.";
    strcpy(q.rcode, "SERVFAIL");
    q.seconds = 3.0;
    dh_oracle_judge_query(&c, &q, NULL);
    ck_assert_ptr_null(c.fault);
    q.answered = 0;
    dh_oracle_judge_query(&c, &q, NULL);
    ck_assert_ptr_null(c.fault);
    /* an answer from a zone that cannot answer is not the world */
    q.answered = 1;
    strcpy(q.rcode, "NOERROR");
    dh_oracle_judge_query(&c, &q, NULL);
    fault_has("delegates to a lame server (s.scn:30)");
    free(c.fault);
    c.fault = NULL;
    /* the zone's DS lives in its parent, which answers */
    q.name = "hosts.s.danelab.";
    q.type = "DS";
    q.seconds = 0.001;
    dh_oracle_judge_query(&c, &q, &world);
    ck_assert_ptr_null(c.fault);
}
END_TEST

START_TEST(test_incidents)
{
    dh_run_obs run;
    dh_incident inc[2] = {{50, 60, NULL, "early"}, {105, 107, "other", "x"}};

    dh_run_obs_init(&run);
    run.incidents = inc;
    run.nincidents = 2;
    dh_oracle_judge_incidents(&run, &c);
    ck_assert_ptr_null(c.fault); /* one before, one of another scenario */
    inc[1].scenario = NULL;
    dh_oracle_judge_incidents(&run, &c);
    fault_has("during the attempt, x");
    free(c.fault);
    c.fault = NULL;
    inc[1].scenario = "s";
    inc[1].from = 110; /* touches the end of the attempt */
    dh_oracle_judge_incidents(&run, &c);
    fault_has("during the attempt");
    free(c.fault);
    c.fault = NULL;
    run.nincidents = 0;
    obs.lost_events = 2;
    dh_oracle_judge_incidents(&run, &c);
    fault_has("could not record 2 of this scenario's events");
}
END_TEST

static Suite *oracle_suite(void)
{
    Suite *s = suite_create("oracle");
    TCase *t = tcase_create("judge");

    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, test_same_answer_is_no_fault);
    tcase_add_test(t, test_servfail_where_world_answers);
    tcase_add_test(t, test_other_rcode);
    tcase_add_test(t, test_slow_and_missing);
    tcase_add_test(t, test_bogus_world);
    tcase_add_test(t, test_world_cannot_answer);
    tcase_add_test(t, test_lame_zone);
    tcase_add_test(t, test_incidents);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return dh_check_main(oracle_suite());
}
