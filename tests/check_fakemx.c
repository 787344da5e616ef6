/*
 * check_fakemx.c - unit tests for the fake MX daemon's pure parts: the
 * SMTP command parser (smtp_cmd.c), the configuration parser with every
 * behaviour key and every error (fakemx_conf.c, with certificates made in
 * a scratch folder), the ClientHello vector parser and names
 * (fakemx_hello.c), the JSON text helpers and the events writer
 * (fakemx_event.c).  No network.
 */
#include <check.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fakemx/fakemx_conf.h"
#include "fakemx/fakemx_event.h"
#include "fakemx/fakemx_hello.h"
#include "fakemx/fakemx_tls.h"
#include "fakemx/smtp_cmd.h"
#include "testdata.h"

/* ---------------------------------------------------------------------
 * The command parser
 */

/* parse - parse the NUL-terminated LINE into a static struct */
static smtp_cmd *parse(const char *line)
{
    static smtp_cmd cmd;

    smtp_cmd_parse(line, strlen(line), &cmd);
    return &cmd;
}

START_TEST(test_cmd_verbs)
{
    smtp_cmd *c;

    c = parse("EHLO client.example\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_int_eq(c->verb, SMTP_VERB_EHLO);
    ck_assert_str_eq(c->arg, "client.example");
    ck_assert_str_eq(c->name, "EHLO");

    c = parse("ehlo client.example");
    ck_assert_int_eq(c->verb, SMTP_VERB_EHLO);
    c = parse("HeLo  x  \r\n");
    ck_assert_int_eq(c->verb, SMTP_VERB_HELO);
    ck_assert_str_eq(c->arg, "x");
    c = parse("starttls\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_int_eq(c->verb, SMTP_VERB_STARTTLS);
    c = parse("QUIT\n");
    ck_assert_int_eq(c->verb, SMTP_VERB_QUIT);
    c = parse("noop whatever\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_int_eq(c->verb, SMTP_VERB_NOOP);
    c = parse("DaTa\r\n");
    ck_assert_int_eq(c->verb, SMTP_VERB_DATA);
    c = parse("rset\r\n");
    ck_assert_int_eq(c->verb, SMTP_VERB_RSET);
    c = parse("VRFY postmaster\r\n");
    ck_assert_int_eq(c->verb, SMTP_VERB_VRFY);
}
END_TEST

START_TEST(test_cmd_mail)
{
    smtp_cmd *c;

    c = parse("MAIL FROM:<a@b.example> SIZE=123 BODY=8BITMIME\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_int_eq(c->verb, SMTP_VERB_MAIL);
    ck_assert_str_eq(c->addr, "a@b.example");
    ck_assert_str_eq(c->params, "SIZE=123 BODY=8BITMIME");
    ck_assert_uint_eq(c->size, 123);

    c = parse("MAIL FROM:<>\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_str_eq(c->addr, "");
    ck_assert_str_eq(c->params, "");
    ck_assert_uint_eq(c->size, 0);

    c = parse("mail from: <x@y>\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_str_eq(c->addr, "x@y");

    c = parse("MAIL FROM:x@y size=7");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_str_eq(c->addr, "x@y");
    ck_assert_uint_eq(c->size, 7);

    c = parse("MAIL FROM:<@relay1,@relay2:u@d>\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_str_eq(c->addr, "u@d");

    c = parse("MAIL FROM:<a@b> SIZE=99999999999999999999999999\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert(c->size > 10 * 1024 * 1024);

    c = parse("RCPT TO:<c@d>\r\n");
    ck_assert_int_eq(c->status, SMTP_CMD_OK);
    ck_assert_int_eq(c->verb, SMTP_VERB_RCPT);
    ck_assert_str_eq(c->addr, "c@d");
}
END_TEST

START_TEST(test_cmd_syntax)
{
    static const char *bad[] = {
        "MAIL\r\n",                  /* no argument */
        "MAIL TO:<a@b>\r\n",         /* wrong keyword */
        "MAIL FROM:<a@b\r\n",        /* unterminated path */
        "MAIL FROM:<a@b>junk\r\n",   /* no space before params */
        "MAIL FROM:\r\n",            /* empty, no brackets */
        "MAIL FROM:<a@b> SIZE=\r\n", /* bad SIZE */
        "MAIL FROM:<a@b> SIZE=12x\r\n",
        "RCPT TO:<>\r\n", /* empty recipient */
        "RCPT FROM:<a@b>\r\n",
        "EHLO\r\n",
        "HELO   \r\n",
        "DATA now\r\n",
        "QUIT please\r\n",
        "STARTTLS x\r\n",
        "VRFY\r\n",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        smtp_cmd *c = parse(bad[i]);

        ck_assert_msg(c->status == SMTP_CMD_SYNTAX, "%s: status %d", bad[i],
                      c->status);
        ck_assert_str_ne(c->why, "");
    }
}
END_TEST

START_TEST(test_cmd_garbage)
{
    static const char nul[] = "EHLO a\0b\r\n";
    smtp_cmd c;
    smtp_cmd *p;

    p = parse("\r\n");
    ck_assert_int_eq(p->status, SMTP_CMD_EMPTY);
    p = parse("   \t \r\n");
    ck_assert_int_eq(p->status, SMTP_CMD_EMPTY);
    p = parse("MAILFROM:<a@b>\r\n");
    ck_assert_int_eq(p->status, SMTP_CMD_OK);
    ck_assert_int_eq(p->verb, SMTP_VERB_UNKNOWN);
    p = parse("\x16\x03\x01\x02\x00\x01\r\n");
    ck_assert_int_eq(p->verb, SMTP_VERB_UNKNOWN);
    p = parse("\xff\xfe\xfd EHLO\r\n");
    ck_assert_int_eq(p->verb, SMTP_VERB_UNKNOWN);
    ck_assert_int_eq(smtp_cmd_parse(nul, sizeof(nul) - 1, &c),
                     SMTP_CMD_BAD_CHAR);
    ck_assert_int_eq(smtp_cmd_parse("", 0, &c), SMTP_CMD_EMPTY);
}
END_TEST

START_TEST(test_cmd_length)
{
    char line[2 * SMTP_LINE_MAX];
    smtp_cmd c;

    /* 998 octets + CRLF = 1000: the longest legal line */
    memset(line, 'a', sizeof(line));
    memcpy(line, "NOOP ", 5);
    memcpy(line + 998, "\r\n", 2);
    ck_assert_int_eq(smtp_cmd_parse(line, 1000, &c), SMTP_CMD_OK);
    /* one more octet is too long, with or without the CRLF */
    memcpy(line + 998, "a\r\n", 3);
    ck_assert_int_eq(smtp_cmd_parse(line, 1001, &c), SMTP_CMD_TOO_LONG);
    ck_assert_int_eq(smtp_cmd_parse(line, 999, &c), SMTP_CMD_TOO_LONG);
    ck_assert_int_eq(smtp_cmd_parse(line, sizeof(line), &c), SMTP_CMD_TOO_LONG);
    /* a long address still fits the struct */
    memcpy(line, "MAIL FROM:<", 11);
    memset(line + 11, 'x', 985);
    memcpy(line + 996, ">\r\n", 3);
    ck_assert_int_eq(smtp_cmd_parse(line, 999, &c), SMTP_CMD_OK);
    ck_assert_uint_eq(strlen(c.addr), 985);
}
END_TEST

START_TEST(test_cmd_random)
{
    static const char *seeds[] = {"MAIL FROM:<", "RCPT TO:", "EHLO ", "<>",
                                  " SIZE=",      "\r\n",     "\n",    "@",
                                  ":",           " "};
    char buf[1200];
    smtp_cmd c;

    srandom(7672);
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)random() % sizeof(buf);

        for (size_t j = 0; j < len; j++)
            buf[j] = (char)(random() & 0xff);
        if (i & 1) {
            const char *s = seeds[random() % 10];

            if (strlen(s) <= len)
                memcpy(buf + (size_t)random() % (len - strlen(s) + 1), s,
                       strlen(s));
            if (len > 0 && (i & 2))
                memcpy(buf, "MAIL FROM:", len < 10 ? len : 10);
        }
        smtp_cmd_parse(buf, len, &c);
        ck_assert(c.status <= SMTP_CMD_SYNTAX);
        ck_assert(strlen(c.arg) < sizeof(c.arg));
        ck_assert(strlen(c.addr) < sizeof(c.addr));
        ck_assert(strlen(c.params) < sizeof(c.params));
    }
}
END_TEST

/* ---------------------------------------------------------------------
 * JSON text and the events file
 */

START_TEST(test_json_text)
{
    static const char bytes[] = "a\xff\\b\"\x01\xc3\xa9";
    char out[128];
    json_t *j;
    char *dump;

    fakemx_json_escape(bytes, sizeof(bytes) - 1, out, sizeof(out));
    ck_assert_str_eq(out, "a\\xff\\\\b\"\\x01\\xc3\\xa9");

    j = fakemx_json_text("h\xc3\xa9llo", 6); /* valid UTF-8: as is */
    ck_assert_str_eq(json_string_value(j), "h\xc3\xa9llo");
    json_decref(j);

    j = fakemx_json_text(bytes, sizeof(bytes) - 1); /* invalid: escaped */
    ck_assert_str_eq(json_string_value(j), out);
    dump = json_dumps(j, JSON_ENCODE_ANY);
    ck_assert_ptr_nonnull(dump);
    free(dump);
    json_decref(j);

    fakemx_json_escape("abcdef", 6, out, 4); /* truncates, terminates */
    ck_assert_str_eq(out, "abc");
}
END_TEST

START_TEST(test_json_random)
{
    char buf[200];

    srandom(6698);
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)random() % sizeof(buf);
        json_t *j;
        json_t *back;
        char *dump;

        for (size_t k = 0; k < len; k++)
            buf[k] = (char)(random() & 0xff);
        j = fakemx_json_text(buf, len);
        ck_assert(json_is_string(j));
        dump = json_dumps(j, JSON_ENCODE_ANY);
        ck_assert_ptr_nonnull(dump);
        back = json_loads(dump, JSON_DECODE_ANY, 0);
        ck_assert_ptr_nonnull(back);
        json_decref(back);
        free(dump);
        json_decref(j);
    }
}
END_TEST

START_TEST(test_events_file)
{
    char path[] = "/tmp/check_fakemx_ev.XXXXXX";
    char line[512];
    json_t *ev;
    FILE *fp;
    int fd = mkstemp(path);
    int n = 0;

    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(fakemx_event_open(path), 0);
    for (int i = 0; i < 3; i++) {
        ev = json_object();
        json_object_set_new(ev, "event", json_string("x"));
        json_object_set_new(ev, "line", fakemx_json_escaped("\xff\n", 2));
        json_object_set_new(ev, "i", json_integer(i));
        fakemx_event_emit(ev);
    }
    fakemx_event_close();
    fp = fopen(path, "r");
    ck_assert_ptr_nonnull(fp);
    while (fgets(line, sizeof(line), fp)) {
        ck_assert_int_eq(line[strlen(line) - 1], '\n');
        ev = json_loads(line, 0, 0);
        ck_assert_ptr_nonnull(ev);
        ck_assert_int_eq(json_integer_value(json_object_get(ev, "i")), n);
        ck_assert_str_eq(json_string_value(json_object_get(ev, "line")),
                         "\\xff\\x0a");
        json_decref(ev);
        n++;
    }
    fclose(fp);
    unlink(path);
    ck_assert_int_eq(n, 3);
}
END_TEST

/* ---------------------------------------------------------------------
 * The ClientHello vectors and names
 */

START_TEST(test_hello_lists)
{
    static const unsigned char versions[] = {6, 0x7a, 0x7a, 3, 4, 3, 3};
    static const unsigned char groups[] = {0, 6, 0, 29, 0, 23, 0x11, 0xec};
    static const unsigned char odd[] = {0, 3, 0, 29, 0};
    static const unsigned char lying[] = {0, 40, 0, 29, 0, 23};
    unsigned short v[FAKEMX_HELLO_MAX];
    char buf[16];
    size_t n;

    ck_assert_int_eq(
        fakemx_hello_u16_list(versions, sizeof(versions), 1, v, 64, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(fakemx_hello_version_name(v[0], buf, sizeof(buf)),
                     "GREASE");
    ck_assert_str_eq(fakemx_hello_version_name(v[1], buf, sizeof(buf)),
                     "TLSv1.3");
    ck_assert_str_eq(fakemx_hello_version_name(v[2], buf, sizeof(buf)),
                     "TLSv1.2");
    ck_assert_str_eq(fakemx_hello_version_name(0x0301, buf, sizeof(buf)),
                     "TLSv1");
    ck_assert_str_eq(fakemx_hello_version_name(0x0305, buf, sizeof(buf)),
                     "0x0305");

    ck_assert_int_eq(
        fakemx_hello_u16_list(groups, sizeof(groups), 2, v, 64, &n), 0);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(fakemx_hello_group_name(v[0], buf, sizeof(buf)), "x25519");
    ck_assert_str_eq(fakemx_hello_group_name(v[1], buf, sizeof(buf)),
                     "secp256r1");
    ck_assert_str_eq(fakemx_hello_group_name(v[2], buf, sizeof(buf)),
                     "X25519MLKEM768");
    ck_assert_str_eq(fakemx_hello_sigalg_name(0x0403, buf, sizeof(buf)),
                     "ecdsa_secp256r1_sha256");
    ck_assert_str_eq(fakemx_hello_sigalg_name(0x0804, buf, sizeof(buf)),
                     "rsa_pss_rsae_sha256");
    ck_assert_str_eq(fakemx_hello_sigalg_name(0xfe01, buf, sizeof(buf)),
                     "0xfe01");

    /* malformed: what could be read, and -1 */
    ck_assert_int_eq(fakemx_hello_u16_list(odd, sizeof(odd), 2, v, 64, &n), -1);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(fakemx_hello_u16_list(lying, sizeof(lying), 2, v, 64, &n),
                     -1);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(fakemx_hello_u16_list(groups, 1, 2, v, 64, &n), -1);
    ck_assert_uint_eq(n, 0);
    ck_assert_int_eq(fakemx_hello_u16_list(0, 0, 2, v, 64, &n), -1);
    ck_assert_int_eq(fakemx_hello_u16_list(groups, sizeof(groups), 2, v, 2, &n),
                     0);
    ck_assert_uint_eq(n, 2); /* at most MAX kept */
}
END_TEST

START_TEST(test_hello_random)
{
    unsigned char buf[300];
    unsigned short v[FAKEMX_HELLO_MAX];
    size_t n;

    srandom(8446);
    for (int i = 0; i < 20000; i++) {
        size_t len = (size_t)random() % sizeof(buf);

        for (size_t k = 0; k < len; k++)
            buf[k] = (unsigned char)random();
        if (len > 1 && (i & 1))
            buf[0] = 0, buf[1] = (unsigned char)(len - 2);
        fakemx_hello_u16_list(buf, len, 1 + (i & 2) / 2, v, FAKEMX_HELLO_MAX,
                              &n);
        ck_assert_uint_le(n, FAKEMX_HELLO_MAX);
        ck_assert_uint_le(2 * n, len);
    }
}
END_TEST

START_TEST(test_name_eq)
{
    ck_assert(fakemx_tls_name_eq("mx1.a.danelab", "MX1.A.danelab."));
    ck_assert(fakemx_tls_name_eq("mx1.a.danelab.", "mx1.a.danelab"));
    ck_assert(!fakemx_tls_name_eq("mx1.a.danelab", "mx1.a.danelab.."));
    ck_assert(!fakemx_tls_name_eq("mx1.a.danelab", "mx2.a.danelab"));
    ck_assert(!fakemx_tls_name_eq("mx1.a.danelab", "mx1.a.danela"));
    ck_assert(fakemx_tls_name_eq(".", "."));
}
END_TEST

/* ---------------------------------------------------------------------
 * The configuration parser, with certificates made in a scratch folder
 */

static char tmpdir[64];

/* tmp_path - NAME inside the scratch folder (static buffer ring) */
static const char *tmp_path(const char *name)
{
    static char bufs[4][256];
    static int next;
    char *b = bufs[next++ % 4];

    snprintf(b, sizeof(bufs[0]), "%s/%s", tmpdir, name);
    return b;
}

/* write_text - write TEXT to PATH */
static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "w");

    ck_assert_ptr_nonnull(fp);
    fputs(text, fp);
    fclose(fp);
}

/* make_cert_of - a self-signed certificate for PKEY (freed), key too */
static void make_cert_of(EVP_PKEY *pkey, const char *cn, const char *certpath,
                         const char *mode, const char *keypath)
{
    X509 *x = X509_new();
    X509_NAME *name;
    FILE *fp;

    ck_assert_ptr_nonnull(pkey);
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, pkey);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               (const unsigned char *)cn, -1, -1, 0);
    X509_set_issuer_name(x, name);
    ck_assert_int_gt(X509_sign(x, pkey, EVP_sha256()), 0);
    fp = fopen(certpath, mode);
    PEM_write_X509(fp, x);
    fclose(fp);
    if (keypath) {
        fp = fopen(keypath, "w");
        PEM_write_PrivateKey(fp, pkey, 0, 0, 0, 0, 0);
        fclose(fp);
    }
    X509_free(x);
    EVP_PKEY_free(pkey);
}

/* make_cert - a self-signed P-256 certificate and key, appended/written */
static void make_cert(const char *cn, const char *certpath, const char *mode,
                      const char *keypath)
{
    make_cert_of(EVP_EC_gen("P-256"), cn, certpath, mode, keypath);
}

/* conf_setup - scratch folder: leaf+key, a 2-cert chain, a stray key */
static void conf_setup(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/check_fakemx.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
    make_cert("mx1.a.danelab", tmp_path("leaf.pem"), "w", tmp_path("leaf.key"));
    make_cert("mx1.a.danelab", tmp_path("chain.pem"), "w",
              tmp_path("chain.key"));
    make_cert("ca.a.danelab", tmp_path("chain.pem"), "a", 0);
    make_cert("other", tmp_path("other.pem"), "w", tmp_path("other.key"));
    make_cert_of(EVP_RSA_gen(2048), "mx1.a.danelab", tmp_path("rsa.pem"), "w",
                 tmp_path("rsa.key"));
    write_text(tmp_path("junk.pem"), "not a certificate\n");
}

/* conf_teardown - remove the scratch folder */
static void conf_teardown(void)
{
    static const char *files[] = {
        "leaf.pem",  "leaf.key", "chain.pem", "chain.key", "other.pem",
        "other.key", "rsa.pem",  "rsa.key",   "junk.pem",  "conf"};

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        unlink(tmp_path(files[i]));
    rmdir(tmpdir);
}

/* expand - TEXT with every "@D@" replaced by the scratch folder */
static char *expand(const char *text)
{
    static char out[8192];
    size_t o = 0;

    for (const char *p = text; *p && o + 64 < sizeof(out);) {
        if (strncmp(p, "@D@", 3) == 0) {
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", tmpdir);
            p += 3;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = 0;
    return out;
}

/* load - write TEXT as the config file and load it */
static int load(const char *text, fakemx_conf **conf, char *err)
{
    write_text(tmp_path("conf"), expand(text));
    err[0] = 0;
    return fakemx_conf_load(tmp_path("conf"), conf, err, 1024);
}

START_TEST(test_conf_good)
{
    static const char *text =
        "# dane-fakemx test configuration\n"
        "\n"
        "listen 127.1.3.1 scenario=dane-ee host=mx1.a.danelab. "
        "persona=honest starttls=offer cert=@D@/leaf.pem key=@D@/leaf.key\n"
        "   # indented comment\n"
        "listen 127.1.4.1\tscenario=stripped host=mx1.b.danelab. "
        "persona=no-starttls starttls=none cert=@D@/chain.pem "
        "key=@D@/chain.key # trailing comment\n"
        "listen fd00::25 scenario=v6 host=mx2.b.danelab persona=p "
        "starttls=none\n";
    fakemx_conf *conf;
    const fakemx_entry *e;
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    char err[1024];

    ck_assert_msg(load(text, &conf, err) == 0, "%s", err);
    ck_assert_uint_eq(conf->nentries, 3);

    e = &conf->entries[0];
    ck_assert_int_eq(e->line, 3);
    ck_assert_str_eq(e->addr_text, "127.1.3.1");
    ck_assert_str_eq(e->scenario, "dane-ee");
    ck_assert_str_eq(e->host, "mx1.a.danelab.");
    ck_assert_str_eq(e->smtp_name, "mx1.a.danelab");
    ck_assert_str_eq(e->persona, "honest");
    ck_assert_int_eq(e->beh.starttls, FAKEMX_STARTTLS_OFFER);
    ck_assert_ptr_nonnull(e->cred);
    ck_assert_uint_eq(e->cred->nchain, 1);
    ck_assert_uint_eq(strlen(e->cred->chain_sha256[0]), 64);

    e = &conf->entries[1];
    ck_assert_int_eq(e->line, 5);
    ck_assert_int_eq(e->beh.starttls, FAKEMX_STARTTLS_NONE);
    ck_assert_uint_eq(e->cred->nchain, 2);
    ck_assert_str_ne(e->cred->chain_sha256[0], e->cred->chain_sha256[1]);

    e = &conf->entries[2];
    ck_assert_int_eq(e->family, AF_INET6);
    ck_assert_ptr_null(e->cred);
    ck_assert_str_eq(e->smtp_name, "mx2.b.danelab");

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons(25);
    inet_pton(AF_INET, "127.1.4.1", &sin.sin_addr);
    e = fakemx_conf_lookup(conf, (struct sockaddr *)&sin);
    ck_assert_ptr_eq(e, &conf->entries[1]);
    inet_pton(AF_INET, "127.1.4.2", &sin.sin_addr);
    ck_assert_ptr_null(fakemx_conf_lookup(conf, (struct sockaddr *)&sin));

    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "::ffff:127.1.3.1", &sin6.sin6_addr);
    e = fakemx_conf_lookup(conf, (struct sockaddr *)&sin6);
    ck_assert_ptr_eq(e, &conf->entries[0]);
    inet_pton(AF_INET6, "fd00::25", &sin6.sin6_addr);
    e = fakemx_conf_lookup(conf, (struct sockaddr *)&sin6);
    ck_assert_ptr_eq(e, &conf->entries[2]);

    fakemx_conf_free(conf);

    ck_assert_int_eq(load("# nothing\n", &conf, err), 0);
    ck_assert_uint_eq(conf->nentries, 0);
    fakemx_conf_free(conf);
}
END_TEST

START_TEST(test_conf_keys)
{
    static const char *text =
        "listen 127.1.5.1 scenario=s host=mx1.a.danelab. persona=p "
        "starttls=offer tls-abort=reset greeting-delay=0.5 ehlo-delay=600 "
        "mail-reply=451 rcpt-reply=550 data-reply=452 tls-min=1.0 "
        "tls-max=1.2 cert=@D@/leaf.pem key=@D@/leaf.key cert2=@D@/rsa.pem "
        "key2=@D@/rsa.key sni-name=MX1.a.danelab. sni-cert=@D@/chain.pem "
        "sni-key=@D@/chain.key\n"
        "listen fd00:da1e::1:1 scenario=s host=h persona=p "
        "starttls=accept-close tls-abort=alert greeting-delay=.25 "
        "ehlo-delay=3. tls-min=1.3 abort-first=2 ehlo-reply=421\n"
        "listen 127.1.5.3 scenario=s host=h persona=p starttls=reject "
        "mail-reply=250 tls-max=1.1 greeting-delay=0\n"
        "listen 127.1.5.4 scenario=s host=h persona=p starttls=none\n";
    fakemx_conf *conf;
    const fakemx_behaviour *b;
    char err[1024];

    ck_assert_msg(load(text, &conf, err) == 0, "%s", err);
    ck_assert_uint_eq(conf->nentries, 4);

    b = &conf->entries[0].beh;
    ck_assert_int_eq(b->starttls, FAKEMX_STARTTLS_OFFER);
    ck_assert_int_eq(b->tls_abort, FAKEMX_ABORT_RESET);
    ck_assert_double_eq(b->greeting_delay, 0.5);
    ck_assert_double_eq(b->ehlo_delay, 600);
    ck_assert_int_eq(b->mail_reply, 451);
    ck_assert_int_eq(b->rcpt_reply, 550);
    ck_assert_int_eq(b->data_reply, 452);
    ck_assert_int_eq(b->tls_min, TLS1_VERSION);
    ck_assert_int_eq(b->tls_max, TLS1_2_VERSION);
    ck_assert_ptr_nonnull(conf->entries[0].cred);
    ck_assert_ptr_nonnull(conf->entries[0].cred->sni_ctx);
    ck_assert_str_eq(conf->entries[0].cred->sni_name, "MX1.a.danelab");
    ck_assert_uint_eq(conf->entries[0].cred->nchain, 1); /* cert=, not cert2 */
    ck_assert_str_eq(conf->entries[0].cert2, tmp_path("rsa.pem"));

    b = &conf->entries[1].beh;
    ck_assert_int_eq(conf->entries[1].family, AF_INET6);
    ck_assert_str_eq(conf->entries[1].addr_text, "fd00:da1e::1:1");
    ck_assert_int_eq(b->starttls, FAKEMX_STARTTLS_ACCEPT_CLOSE);
    ck_assert_int_eq(b->tls_abort, FAKEMX_ABORT_ALERT);
    ck_assert_double_eq(b->greeting_delay, 0.25);
    ck_assert_double_eq(b->ehlo_delay, 3);
    ck_assert_int_eq(b->abort_first, 2);
    ck_assert_int_eq(b->ehlo_reply, 421);
    ck_assert_int_eq(conf->entries[0].beh.abort_first, 0);
    ck_assert_int_eq(conf->entries[0].beh.ehlo_reply, 0);
    ck_assert_int_eq(b->tls_min, TLS1_3_VERSION);
    ck_assert_ptr_null(conf->entries[1].cred); /* no cert: fine here */

    b = &conf->entries[2].beh;
    ck_assert_int_eq(b->starttls, FAKEMX_STARTTLS_REJECT);
    ck_assert_int_eq(b->mail_reply, 250);
    ck_assert_int_eq(b->tls_max, TLS1_1_VERSION);
    ck_assert_double_eq(b->greeting_delay, 0);

    b = &conf->entries[3].beh; /* defaults: all zero */
    ck_assert_int_eq(b->tls_abort, FAKEMX_ABORT_NONE);
    ck_assert_double_eq(b->greeting_delay + b->ehlo_delay, 0);
    ck_assert_int_eq(b->mail_reply + b->rcpt_reply + b->data_reply, 0);
    ck_assert_int_eq(b->tls_min + b->tls_max, 0);
    fakemx_conf_free(conf);
}
END_TEST

/* a line with every required key; the case adds one more key */
#define K(more)                                                                \
    "listen 127.1.1.9 scenario=s host=h persona=p starttls=offer "             \
    "cert=@D@/leaf.pem key=@D@/leaf.key " more "\n"

#define OK_LINE                                                                \
    "listen 127.1.1.1 scenario=s host=h. persona=p starttls=offer "            \
    "cert=@D@/leaf.pem key=@D@/leaf.key\n"

static const struct conf_bad_case {
    const char *text;
    int line;
    const char *what;
} conf_bad[] = {
    {OK_LINE "bogus 127.1.1.2\n", 2, "unknown directive 'bogus'"},
    {"# c\n\nlisten 300.1.1.1 scenario=s host=h persona=p starttls=none\n", 3,
     "bad address '300.1.1.1'"},
    {"listen\n", 1, "missing address"},
    {"listen # comment\n", 1, "missing address"},
    {OK_LINE "listen 127.1.1.2 scenario=s host=h persona=p starttls=none "
             "colour=blue\n",
     2, "unknown key 'colour'"},
    {"listen 127.1.1.2 scenario=s host=h starttls=none\n", 1,
     "missing required key 'persona'"},
    {"listen 127.1.1.2 host=h persona=p starttls=none\n", 1,
     "missing required key 'scenario'"},
    {"listen 127.1.1.2 scenario=s host=h persona=p\n", 1,
     "missing required key 'starttls'"},
    {OK_LINE "\n" OK_LINE, 3, "duplicate address 127.1.1.1 (first at line 1)"},
    {"listen 127.1.1.2 scenario=s host=h host=i persona=p starttls=none\n", 1,
     "duplicate key 'host'"},
    {"listen 127.1.1.2 scenario=s host= persona=p starttls=none\n", 1,
     "empty value for key 'host'"},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=none oops\n", 1,
     "expected key=value, got 'oops'"},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=maybe\n", 1,
     "starttls: expected offer, none, reject or accept-close, got 'maybe'"},
    {"\n" K("tls-abort=kill"), 2,
     "tls-abort: expected none, alert or reset, got 'kill'"},
    {K("greeting-delay=abc"), 1,
     "greeting-delay: expected seconds from 0 to 600 (e.g. 2 or 0.5), got "
     "'abc'"},
    {K("greeting-delay=-1"), 1, "greeting-delay: expected seconds"},
    {K("greeting-delay=600.5"), 1, "greeting-delay: expected seconds"},
    {K("greeting-delay=1e3"), 1, "greeting-delay: expected seconds"},
    {K("greeting-delay=."), 1, "greeting-delay: expected seconds"},
    {K("ehlo-delay=0x10"), 1, "ehlo-delay: expected seconds"},
    {K("ehlo-delay=1.5.2"), 1, "ehlo-delay: expected seconds"},
    {K("ehlo-delay=9999"), 1, "ehlo-delay: expected seconds"},
    {K("mail-reply=45"), 1,
     "mail-reply: expected a reply code 2yz, 4yz or 5yz"},
    {K("mail-reply=351"), 1, "mail-reply: expected a reply code"},
    {K("rcpt-reply=4511"), 1, "rcpt-reply: expected a reply code"},
    {K("rcpt-reply=470"), 1, "rcpt-reply: expected a reply code"},
    {K("data-reply=45x"), 1, "data-reply: expected a reply code"},
    {K("data-reply=600"), 1, "data-reply: expected a reply code"},
    {K("tls-min=1.4"), 1, "tls-min: expected 1.0, 1.1, 1.2 or 1.3, got '1.4'"},
    {K("tls-max=TLSv1.2"), 1, "tls-max: expected 1.0, 1.1, 1.2 or 1.3"},
    {OK_LINE K("tls-min=1.3 tls-max=1.2"), 2, "tls-min= is above tls-max="},
    {K("cert2=@D@/rsa.pem"), 1, "cert2= and key2= must be given together"},
    {K("key2=@D@/rsa.key"), 1, "cert2= and key2= must be given together"},
    {K("cert2=@D@/other.pem key2=@D@/other.key"), 1,
     "has the key type of cert"},
    {K("cert2=@D@/rsa.pem key2=@D@/leaf.key"), 1, "private key " /* ... */},
    {K("cert2=@D@/rsa.pem key2=@D@/missing.key"), 1, "cannot open key"},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=none "
     "cert2=@D@/rsa.pem key2=@D@/rsa.key\n",
     1, "cert2= needs cert= and key="},
    {K("sni-name=mx1.a.danelab"), 1,
     "sni-name=, sni-cert= and sni-key= must be given together"},
    {K("sni-name=x sni-cert=@D@/chain.pem"), 1,
     "sni-name=, sni-cert= and sni-key= must be given together"},
    {K("sni-cert=@D@/chain.pem sni-key=@D@/chain.key"), 1,
     "sni-name=, sni-cert= and sni-key= must be given together"},
    {K("sni-name=x sni-cert=@D@/missing.pem sni-key=@D@/chain.key"), 1,
     "cannot open certificate"},
    {K("sni-name=x sni-cert=@D@/chain.pem sni-key=@D@/leaf.key"), 1,
     "does not match certificate"},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=reject "
     "sni-name=x sni-cert=@D@/chain.pem sni-key=@D@/chain.key\n",
     1, "sni-name= needs cert= and key="},
    {K("tls-abort=alert tls-abort=none"), 1, "duplicate key 'tls-abort'"},
    {K("ehlo-reply=250"), 1, "ehlo-reply: a refusal (4yz or 5yz), got 250"},
    {K("ehlo-reply=5x2"), 1, "ehlo-reply"},
    {K("abort-first=2"), 1, "abort-first= needs tls-abort=alert or reset"},
    {K("tls-abort=alert abort-first=0"), 1,
     "abort-first: expected a number of handshakes from 1, got '0'"},
    {K("tls-abort=reset abort-first=x"), 1, "abort-first: expected"},
    {K("mail-reply="), 1, "empty value for key 'mail-reply'"},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=offer\n", 1,
     "starttls=offer needs cert= and key="},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=none "
     "cert=@D@/leaf.pem\n",
     1, "cert= and key= must be given together"},
    {"\nlisten 127.1.1.2 scenario=s host=h persona=p starttls=offer "
     "cert=@D@/missing.pem key=@D@/leaf.key\n",
     2, "cannot open certificate"},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=offer "
     "cert=@D@/leaf.pem key=@D@/missing.key\n",
     1, "cannot open key"},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=offer "
     "cert=@D@/junk.pem key=@D@/leaf.key\n",
     1, "cannot load certificate chain"},
    {"listen 127.1.1.2 scenario=s host=h persona=p starttls=offer "
     "cert=@D@/leaf.pem key=@D@/junk.pem\n",
     1, "cannot load private key"},
    {OK_LINE "listen 127.1.1.2 scenario=s host=h persona=p starttls=offer "
             "cert=@D@/leaf.pem key=@D@/other.key\n",
     2, "does not match certificate"},
};

START_TEST(test_conf_bad)
{
    const struct conf_bad_case *c = &conf_bad[_i];
    fakemx_conf *conf = (fakemx_conf *)1;
    char err[1024];
    char want[300];

    ck_assert_int_eq(load(c->text, &conf, err), -1);
    ck_assert_ptr_null(conf);
    snprintf(want, sizeof(want), "%s:%d: ", tmp_path("conf"), c->line);
    ck_assert_msg(strncmp(err, want, strlen(want)) == 0,
                  "case %d: want prefix '%s', got '%s'", _i, want, err);
    ck_assert_msg(strstr(err, c->what) != 0, "case %d: want '%s', got '%s'", _i,
                  c->what, err);
}
END_TEST

START_TEST(test_conf_missing_file)
{
    fakemx_conf *conf;
    char err[1024];

    ck_assert_int_eq(
        fakemx_conf_load("/nonexistent/fakemx.conf", &conf, err, sizeof(err)),
        -1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/fakemx.conf: cannot open"));
}
END_TEST

/* fakemx_suite - all tests of the fake MX daemon's pure parts */
static Suite *fakemx_suite(void)
{
    Suite *s = suite_create("fakemx");
    TCase *tc;

    tc = tcase_create("cmd");
    tcase_add_test(tc, test_cmd_verbs);
    tcase_add_test(tc, test_cmd_mail);
    tcase_add_test(tc, test_cmd_syntax);
    tcase_add_test(tc, test_cmd_garbage);
    tcase_add_test(tc, test_cmd_length);
    tcase_add_test(tc, test_cmd_random);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("json");
    tcase_add_test(tc, test_json_text);
    tcase_add_test(tc, test_json_random);
    tcase_add_test(tc, test_events_file);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("hello");
    tcase_add_test(tc, test_hello_lists);
    tcase_add_test(tc, test_hello_random);
    tcase_add_test(tc, test_name_eq);
    tcase_set_timeout(tc, 60);
    suite_add_tcase(s, tc);

    tc = tcase_create("conf");
    tcase_add_unchecked_fixture(tc, conf_setup, conf_teardown);
    tcase_add_test(tc, test_conf_good);
    tcase_add_test(tc, test_conf_keys);
    tcase_add_loop_test(tc, test_conf_bad, 0,
                        (int)(sizeof(conf_bad) / sizeof(conf_bad[0])));
    tcase_add_test(tc, test_conf_missing_file);
    tcase_set_timeout(tc, 30);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return dh_check_main(fakemx_suite());
}
