/*
 * check_persona.c - unit tests for certs/personas.conf's loader
 * (persona.c): the catalog's file loads and means what it says; every
 * mistake is refused with the file, the line and what is wrong.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "persona.h"
#include "testdata.h"
#include "util.h"

static char path[64];

/* load_text - load personas from text; 0 or -1 with err */
static int load_text(const char *text, char *err, size_t errlen)
{
    int fd, rc;

    snprintf(path, sizeof(path), "/tmp/check_persona.XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    rc = dh_personas_load(path, err, errlen);
    unlink(path);
    return rc;
}

#define BASE                                                                   \
    "ca root cn=R issuer=self\n"                                               \
    "ca intermediate cn=I issuer=root\n"                                       \
    "ca attacker-ca cn=A issuer=self\n"                                        \
    "chain own key=host issuer=intermediate cn=host send=intermediate\n"       \
    "chain own-rsa key=host-rsa issuer=intermediate cn=host\n"

START_TEST(test_catalog)
{
    const dh_persona *p;
    const dh_chain *c;

    load_test_personas();
    p = dh_persona_find("honest");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->chain->name, "own");
    ck_assert_int_eq(p->hostile, 0);
    ck_assert_ptr_nonnull(strstr(p->options, "starttls=offer"));
    p = dh_persona_find("evil-public-ca");
    ck_assert_int_eq(p->hostile, 1);
    ck_assert_int_eq(p->chain->key, DH_KEY_ATTACKER);
    ck_assert_int_eq(p->chain->issuer, dh_ca_find("attacker-ca"));
    ck_assert_uint_eq(p->chain->nsend, 1);
    p = dh_persona_find("expired-leaf");
    ck_assert_int_eq(p->chain->from, -30 * 86400L);
    ck_assert_int_eq(p->chain->to, -86400L);
    p = dh_persona_find("dual-rsa-ecdsa");
    ck_assert_str_eq(p->also->name, "own-rsa");
    p = dh_persona_find("sni-required");
    ck_assert_str_eq(p->other_sni->name, "sni-default");
    c = dh_chain_find("full");
    ck_assert_ptr_eq(c->leaf, dh_chain_find("own"));
    ck_assert_uint_eq(c->nsend, 2);
    ck_assert_int_eq(dh_ca_at((size_t)dh_ca_find("intermediate"))->issuer,
                     dh_ca_find("root"));
    ck_assert_ptr_null(dh_persona_find("no-such"));
    for (p = dh_persona_all(); p->name; p++)
        ck_assert_msg(p->doc && *p->doc, "%s has no doc", p->name);
}
END_TEST

START_TEST(test_minimal_and_continuations)
{
    char err[512] = "";
    const dh_persona *p;

    ck_assert_msg(load_text(BASE "persona plain\n"
                                 "    fakemx=\"starttls=offer tls-min=1.2\"\n"
                                 "    # a comment inside\n"
                                 "    doc=\"a plain one\" hostile=yes\n",
                            err, sizeof(err)) == 0,
                  "%s", err);
    p = dh_persona_find("plain");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->options, "starttls=offer tls-min=1.2");
    ck_assert_str_eq(p->doc, "a plain one");
    ck_assert_int_eq(p->hostile, 1);
    ck_assert_str_eq(p->chain->name, "own");
    /* a persona with a chain of its own */
    ck_assert_msg(load_text(BASE "persona odd key=new issuer=self "
                                 "cn=www.parent ku=critical,keyEncipherment "
                                 "eku=clientAuth until=+2h doc=x\n",
                            err, sizeof(err)) == 0,
                  "%s", err);
    p = dh_persona_find("odd");
    ck_assert_str_eq(p->chain->name, "odd");
    ck_assert_str_eq(p->chain->cn, "www.parent");
    ck_assert_str_eq(p->chain->ku, "critical,keyEncipherment");
    ck_assert_str_eq(p->chain->eku, "clientAuth");
    ck_assert_int_eq(p->chain->issuer, -1);
    ck_assert_int_eq(p->chain->to, 7200);
}
END_TEST

/* refused - text is refused with an error holding what */
static void refused(const char *text, const char *what)
{
    char err[512] = "";

    ck_assert_msg(load_text(text, err, sizeof(err)) == -1, "accepted: %s",
                  text);
    ck_assert_msg(strstr(err, what) != NULL, "'%s' lacks '%s'", err, what);
    ck_assert_msg(strstr(err, "/tmp/check_persona.") == err,
                  "'%s' does not begin with the file", err);
}

START_TEST(test_mistakes)
{
    refused(BASE "persona p doc=x colour=red\n", ":6: persona p: unknown key "
                                                 "'colour'");
    refused(BASE "persona p doc=x\npersona p doc=y\n", ":7: persona p is "
                                                       "defined twice");
    refused(BASE "persona p chain=nope doc=x\n", "chain=nope names no chain");
    refused(BASE "persona p also=nope doc=x\n", "also=nope names no chain");
    refused(BASE "persona p\n", "persona p: needs doc=");
    refused(BASE "persona p doc=x hostile=maybe\n", "hostile= takes yes or no");
    refused(BASE "chain c key=host issuer=nobody cn=host\n",
            "issuer 'nobody' is no CA defined above");
    refused(BASE "chain c key=house issuer=self cn=host\n",
            "key= takes host, host-rsa, host-next, attacker or new");
    refused(BASE "chain c key=host issuer=self cn=host from=yesterday\n",
            "from= and until= take");
    refused(BASE "chain c key=host issuer=self cn=host send=root,mars\n",
            "send: 'mars' is no CA");
    refused(BASE "chain c leaf=nope\n", "leaf=nope names no chain");
    refused(BASE "chain c key=host issuer=self\n", "needs cn=");
    refused(BASE "persona p doc=\"unterminated\n", "unterminated \"");
    refused(BASE "persona p nonsense doc=x\n", "expected KEY=VALUE");
    refused("  doc=x\n", ":1: a continuation line before any row");
    refused("ca root cn=R issuer=self\n",
            "the harness needs a ca intermediate");
    refused(BASE "frobnicate x y=z\n", "unknown row 'frobnicate'");
}
END_TEST

static Suite *persona_suite(void)
{
    Suite *s = suite_create("persona");
    TCase *t = tcase_create("load");

    tcase_add_test(t, test_catalog);
    tcase_add_test(t, test_minimal_and_continuations);
    tcase_add_test(t, test_mistakes);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return dh_check_main(persona_suite());
}
