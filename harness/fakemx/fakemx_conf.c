/*
 * fakemx_conf.c - the fake MX configuration: one entry per local address
 *
 * See fakemx_conf.h for the format.  Parsing stops at the first error; the
 * message names file and line.  Adding a persona knob: write a setter,
 * add a row to fakemx_conf_keys[], add the field to struct
 * fakemx_behaviour, (if it constrains other keys) a check in
 * fakemx_conf_check_entry(), and a row in the table of docs/fakemx.md.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakemx_conf.h"
#include "common/vocab.h"

#define FAKEMX_CONF_SEP " \t\r\n"

/* A setter stores VALUE in E, or writes why it cannot into WHY. */
typedef int (*fakemx_conf_setter)(fakemx_entry *e, const char *value, char *why,
                                  size_t whylen);

/* A key either has its own setter, or (set == NULL) is a plain string
 * copied into the entry's field at offset str. */
typedef struct fakemx_conf_key {
    const char *name;
    int required;
    fakemx_conf_setter set;
    size_t str;
} fakemx_conf_key;

/* fakemx_conf_dup - store a copy of VALUE in *SLOT */
static int fakemx_conf_dup(char **slot, const char *value, char *why,
                           size_t whylen)
{
    if ((*slot = strdup(value)) == 0) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    return 0;
}

/* fakemx_conf_set_host - host=NAME, the name in greeting and EHLO */
static int fakemx_conf_set_host(fakemx_entry *e, const char *value, char *why,
                                size_t whylen)
{
    size_t n;

    if (fakemx_conf_dup(&e->host, value, why, whylen) != 0 ||
        fakemx_conf_dup(&e->smtp_name, value, why, whylen) != 0)
        return -1;
    n = strlen(e->smtp_name);
    if (n > 1 && e->smtp_name[n - 1] == '.')
        e->smtp_name[n - 1] = 0;
    return 0;
}

/* fakemx_conf_word - the value VALUE names in vocabulary V, or -1 with
 * the choices in WHY */
static int fakemx_conf_word(const char *key, const dh_vocab *v,
                            const char *value, char *why, size_t whylen)
{
    char choices[256];
    int i = dh_vocab_find(v, value);

    if (i < 0)
        snprintf(why, whylen, "%s: expected %s, got '%s'", key,
                 dh_vocab_choices(v, choices, sizeof(choices)), value);
    return i;
}

static const char *const fakemx_starttls_names[] = {
    [FAKEMX_STARTTLS_OFFER] = "offer",
    [FAKEMX_STARTTLS_NONE] = "none",
    [FAKEMX_STARTTLS_REJECT] = "reject",
    [FAKEMX_STARTTLS_ACCEPT_CLOSE] = "accept-close",
};
DH_VOCAB_DEFINE(static, fakemx_starttls_vocab, "starttls",
                fakemx_starttls_names, FAKEMX_STARTTLS_KINDS);

static const char *const fakemx_abort_names[] = {
    [FAKEMX_ABORT_NONE] = "none",
    [FAKEMX_ABORT_ALERT] = "alert",
    [FAKEMX_ABORT_RESET] = "reset",
};
DH_VOCAB_DEFINE(static, fakemx_abort_vocab, "tls-abort", fakemx_abort_names,
                FAKEMX_ABORT_KINDS);

/* TLS versions by name: index 0 is TLS 1.0 */
typedef enum {
    FAKEMX_TLS10,
    FAKEMX_TLS11,
    FAKEMX_TLS12,
    FAKEMX_TLS13,
    FAKEMX_TLS_KINDS
} fakemx_version;
static const char *const fakemx_version_names[] = {
    [FAKEMX_TLS10] = "1.0",
    [FAKEMX_TLS11] = "1.1",
    [FAKEMX_TLS12] = "1.2",
    [FAKEMX_TLS13] = "1.3",
};
DH_VOCAB_DEFINE(static, fakemx_version_vocab, "TLS version",
                fakemx_version_names, FAKEMX_TLS_KINDS);
static const int fakemx_versions[] = {
    [FAKEMX_TLS10] = TLS1_VERSION,
    [FAKEMX_TLS11] = TLS1_1_VERSION,
    [FAKEMX_TLS12] = TLS1_2_VERSION,
    [FAKEMX_TLS13] = TLS1_3_VERSION,
};
_Static_assert(DH_VOCAB_LEN(fakemx_versions) == FAKEMX_TLS_KINDS,
               "a protocol number for every TLS version name");

/* fakemx_conf_set_starttls - starttls=offer|none|reject|accept-close */
static int fakemx_conf_set_starttls(fakemx_entry *e, const char *value,
                                    char *why, size_t whylen)
{
    int i = fakemx_conf_word("starttls", &fakemx_starttls_vocab, value, why,
                             whylen);

    if (i < 0)
        return -1;
    e->beh.starttls = (fakemx_starttls)i;
    return 0;
}

/* fakemx_conf_set_tls_abort - tls-abort=none|alert|reset */
static int fakemx_conf_set_tls_abort(fakemx_entry *e, const char *value,
                                     char *why, size_t whylen)
{
    int i =
        fakemx_conf_word("tls-abort", &fakemx_abort_vocab, value, why, whylen);

    if (i < 0)
        return -1;
    e->beh.tls_abort = (fakemx_tls_abort)i;
    return 0;
}

/* fakemx_conf_delay - KEY=SECS: digits, maybe a fraction, at most 600 */
static int fakemx_conf_delay(const char *key, double *slot, const char *value,
                             char *why, size_t whylen)
{
    size_t digits = strspn(value, "0123456789");
    size_t frac = 0;
    size_t len = digits;

    if (value[len] == '.') {
        frac = strspn(value + len + 1, "0123456789");
        len += 1 + frac;
    }
    if (len != strlen(value) || digits + frac == 0 ||
        strtod(value, 0) > FAKEMX_DELAY_MAX) {
        snprintf(why, whylen,
                 "%s: expected seconds from 0 to %d (e.g. 2 or 0.5), got "
                 "'%s'",
                 key, FAKEMX_DELAY_MAX, value);
        return -1;
    }
    *slot = strtod(value, 0);
    return 0;
}

/* fakemx_conf_set_greeting_delay - greeting-delay=SECS */
static int fakemx_conf_set_greeting_delay(fakemx_entry *e, const char *value,
                                          char *why, size_t whylen)
{
    return fakemx_conf_delay("greeting-delay", &e->beh.greeting_delay, value,
                             why, whylen);
}

/* fakemx_conf_set_ehlo_delay - ehlo-delay=SECS */
static int fakemx_conf_set_ehlo_delay(fakemx_entry *e, const char *value,
                                      char *why, size_t whylen)
{
    return fakemx_conf_delay("ehlo-delay", &e->beh.ehlo_delay, value, why,
                             whylen);
}

/* fakemx_conf_code - KEY=CODE: a reply code 2xx, 4xx or 5xx */
static int fakemx_conf_code(const char *key, int *slot, const char *value,
                            char *why, size_t whylen)
{
    if (strlen(value) != 3 || strspn(value, "0123456789") != 3 ||
        (value[0] != '2' && value[0] != '4' && value[0] != '5') ||
        value[1] > '5') {
        snprintf(why, whylen,
                 "%s: expected a reply code 2yz, 4yz or 5yz (y at most 5, "
                 "e.g. 451 or 550), got '%s'",
                 key, value);
        return -1;
    }
    *slot = atoi(value);
    return 0;
}

/* fakemx_conf_set_mail_reply - mail-reply=CODE */
static int fakemx_conf_set_mail_reply(fakemx_entry *e, const char *value,
                                      char *why, size_t whylen)
{
    return fakemx_conf_code("mail-reply", &e->beh.mail_reply, value, why,
                            whylen);
}

/* fakemx_conf_set_ehlo_reply - ehlo-reply=CODE (4yz or 5yz) */
static int fakemx_conf_set_ehlo_reply(fakemx_entry *e, const char *value,
                                      char *why, size_t whylen)
{
    if (fakemx_conf_code("ehlo-reply", &e->beh.ehlo_reply, value, why,
                         whylen) != 0)
        return -1;
    if (e->beh.ehlo_reply / 100 == 2) {
        snprintf(why, whylen, "ehlo-reply: a refusal (4yz or 5yz), got %s",
                 value);
        return -1;
    }
    return 0;
}

/* fakemx_conf_set_abort_first - abort-first=N (1 to 1000000) */
static int fakemx_conf_set_abort_first(fakemx_entry *e, const char *value,
                                       char *why, size_t whylen)
{
    char *end;
    long n = strtol(value, &end, 10);

    if (end == value || *end || n < 1 || n > 1000000) {
        snprintf(why, whylen,
                 "abort-first: expected a number of handshakes from 1, got "
                 "'%s'",
                 value);
        return -1;
    }
    e->beh.abort_first = (int)n;
    return 0;
}

/* fakemx_conf_set_rcpt_reply - rcpt-reply=CODE */
static int fakemx_conf_set_rcpt_reply(fakemx_entry *e, const char *value,
                                      char *why, size_t whylen)
{
    return fakemx_conf_code("rcpt-reply", &e->beh.rcpt_reply, value, why,
                            whylen);
}

/* fakemx_conf_set_data_reply - data-reply=CODE */
static int fakemx_conf_set_data_reply(fakemx_entry *e, const char *value,
                                      char *why, size_t whylen)
{
    return fakemx_conf_code("data-reply", &e->beh.data_reply, value, why,
                            whylen);
}

/* fakemx_conf_version - KEY=1.0|1.1|1.2|1.3 */
static int fakemx_conf_version(const char *key, int *slot, const char *value,
                               char *why, size_t whylen)
{
    int i = fakemx_conf_word(key, &fakemx_version_vocab, value, why, whylen);

    if (i < 0)
        return -1;
    *slot = fakemx_versions[i];
    return 0;
}

/* fakemx_conf_set_tls_min - tls-min=VERSION */
static int fakemx_conf_set_tls_min(fakemx_entry *e, const char *value,
                                   char *why, size_t whylen)
{
    return fakemx_conf_version("tls-min", &e->beh.tls_min, value, why, whylen);
}

/* fakemx_conf_set_tls_max - tls-max=VERSION */
static int fakemx_conf_set_tls_max(fakemx_entry *e, const char *value,
                                   char *why, size_t whylen)
{
    return fakemx_conf_version("tls-max", &e->beh.tls_max, value, why, whylen);
}

static const fakemx_conf_key fakemx_conf_keys[] = {
    {"scenario", 1, NULL, offsetof(fakemx_entry, scenario)},
    {"host", 1, fakemx_conf_set_host, 0},
    {"persona", 1, NULL, offsetof(fakemx_entry, persona)},
    {"starttls", 1, fakemx_conf_set_starttls, 0},
    {"cert", 0, NULL, offsetof(fakemx_entry, cert)},
    {"key", 0, NULL, offsetof(fakemx_entry, key)},
    {"tls-abort", 0, fakemx_conf_set_tls_abort, 0},
    {"greeting-delay", 0, fakemx_conf_set_greeting_delay, 0},
    {"ehlo-delay", 0, fakemx_conf_set_ehlo_delay, 0},
    {"ehlo-reply", 0, fakemx_conf_set_ehlo_reply, 0},
    {"abort-first", 0, fakemx_conf_set_abort_first, 0},
    {"mail-reply", 0, fakemx_conf_set_mail_reply, 0},
    {"rcpt-reply", 0, fakemx_conf_set_rcpt_reply, 0},
    {"data-reply", 0, fakemx_conf_set_data_reply, 0},
    {"tls-min", 0, fakemx_conf_set_tls_min, 0},
    {"tls-max", 0, fakemx_conf_set_tls_max, 0},
    {"cert2", 0, NULL, offsetof(fakemx_entry, cert2)},
    {"key2", 0, NULL, offsetof(fakemx_entry, key2)},
    {"sni-name", 0, NULL, offsetof(fakemx_entry, sni_name)},
    {"sni-cert", 0, NULL, offsetof(fakemx_entry, sni_cert)},
    {"sni-key", 0, NULL, offsetof(fakemx_entry, sni_key)},
};

#define FAKEMX_CONF_NKEYS                                                      \
    (sizeof(fakemx_conf_keys) / sizeof(fakemx_conf_keys[0]))

/* fakemx_conf_entry_clear - free what entry E holds */
static void fakemx_conf_entry_clear(fakemx_entry *e)
{
    free(e->scenario);
    free(e->host);
    free(e->smtp_name);
    free(e->persona);
    free(e->cert);
    free(e->key);
    free(e->cert2);
    free(e->key2);
    free(e->sni_name);
    free(e->sni_cert);
    free(e->sni_key);
    fakemx_tls_cred_free(e->cred);
    memset(e, 0, sizeof(*e));
}

/* fakemx_conf_address - parse an IPv4 or IPv6 literal into E */
static int fakemx_conf_address(fakemx_entry *e, const char *text)
{
    if (inet_pton(AF_INET, text, &e->v4) == 1)
        e->family = AF_INET;
    else if (inet_pton(AF_INET6, text, &e->v6) == 1)
        e->family = AF_INET6;
    else
        return -1;
    inet_ntop(e->family, e->family == AF_INET ? (void *)&e->v4 : (void *)&e->v6,
              e->addr_text, sizeof(e->addr_text));
    return 0;
}

/* fakemx_conf_same_address - do A and B name the same address? */
static int fakemx_conf_same_address(const fakemx_entry *a,
                                    const fakemx_entry *b)
{
    if (a->family != b->family)
        return 0;
    if (a->family == AF_INET)
        return memcmp(&a->v4, &b->v4, sizeof(a->v4)) == 0;
    return memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
}

/* The configuration being replaced, during fakemx_conf_reload(). */
static const fakemx_conf *fakemx_conf_old;

/* same - equal strings, or both NULL */
static int same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* fakemx_conf_reused - the credential of an entry of the old
 * configuration made from the same files and versions (one more owner),
 * or NULL: loading certificates and keys again would stall the event
 * loop for nothing */
static fakemx_tls_cred *fakemx_conf_reused(const fakemx_entry *e)
{
    size_t i;

    for (i = 0; fakemx_conf_old && i < fakemx_conf_old->nentries; i++) {
        const fakemx_entry *o = &fakemx_conf_old->entries[i];

        if (o->cred && same(o->cert, e->cert) && same(o->key, e->key) &&
            same(o->cert2, e->cert2) && same(o->key2, e->key2) &&
            same(o->sni_name, e->sni_name) && same(o->sni_cert, e->sni_cert) &&
            same(o->sni_key, e->sni_key) && o->beh.tls_min == e->beh.tls_min &&
            o->beh.tls_max == e->beh.tls_max)
            return fakemx_tls_cred_ref(o->cred);
    }
    return 0;
}

/* fakemx_conf_load_cred - the entry's TLS credential: shared with the
 * configuration it replaces when nothing changed, else loaded */
static int fakemx_conf_load_cred(fakemx_entry *e, char *why, size_t whylen)
{
    fakemx_tls_opts o = {
        .cert = e->cert,
        .key = e->key,
        .cert2 = e->cert2,
        .key2 = e->key2,
        .sni_name = e->sni_name,
        .sni_cert = e->sni_cert,
        .sni_key = e->sni_key,
        .min_version = e->beh.tls_min,
        .max_version = e->beh.tls_max,
    };

    if ((e->cred = fakemx_conf_reused(e)) != 0)
        return 0;
    return (e->cred = fakemx_tls_cred_load(&o, why, whylen)) ? 0 : -1;
}

/* fakemx_conf_check_entry - constraints between keys, then load TLS */
static int fakemx_conf_check_entry(fakemx_entry *e, const unsigned char *seen,
                                   char *why, size_t whylen)
{
    for (size_t i = 0; i < FAKEMX_CONF_NKEYS; i++) {
        if (fakemx_conf_keys[i].required && !seen[i]) {
            snprintf(why, whylen, "missing required key '%s'",
                     fakemx_conf_keys[i].name);
            return -1;
        }
    }
    if ((e->cert == 0) != (e->key == 0)) {
        snprintf(why, whylen, "cert= and key= must be given together");
        return -1;
    }
    if ((e->cert2 == 0) != (e->key2 == 0)) {
        snprintf(why, whylen, "cert2= and key2= must be given together");
        return -1;
    }
    if ((e->sni_name == 0) != (e->sni_cert == 0) ||
        (e->sni_name == 0) != (e->sni_key == 0)) {
        snprintf(why, whylen,
                 "sni-name=, sni-cert= and sni-key= must be given together");
        return -1;
    }
    if (e->beh.starttls == FAKEMX_STARTTLS_OFFER && e->cert == 0) {
        snprintf(why, whylen, "starttls=offer needs cert= and key=");
        return -1;
    }
    if (e->cert == 0 && (e->cert2 != 0 || e->sni_name != 0)) {
        snprintf(why, whylen,
                 "%s needs cert= and key=", e->cert2 ? "cert2=" : "sni-name=");
        return -1;
    }
    if (e->beh.abort_first && e->beh.tls_abort == FAKEMX_ABORT_NONE) {
        snprintf(why, whylen, "abort-first= needs tls-abort=alert or reset");
        return -1;
    }
    if (e->beh.tls_min != 0 && e->beh.tls_max != 0 &&
        e->beh.tls_min > e->beh.tls_max) {
        snprintf(why, whylen, "tls-min= is above tls-max=");
        return -1;
    }
    return e->cert != 0 ? fakemx_conf_load_cred(e, why, whylen) : 0;
}

/* fakemx_conf_key_value - apply one "key=value" word to E */
static int fakemx_conf_key_value(fakemx_entry *e, char *word,
                                 unsigned char *seen, char *why, size_t whylen)
{
    char *eq = strchr(word, '=');
    const fakemx_conf_key *k = 0;
    size_t i;

    if (eq == 0 || eq == word) {
        snprintf(why, whylen, "expected key=value, got '%s'", word);
        return -1;
    }
    *eq = 0;
    for (i = 0; i < FAKEMX_CONF_NKEYS; i++) {
        if (strcmp(fakemx_conf_keys[i].name, word) == 0) {
            k = &fakemx_conf_keys[i];
            break;
        }
    }
    if (k == 0) {
        snprintf(why, whylen, "unknown key '%s'", word);
        return -1;
    }
    if (seen[i]) {
        snprintf(why, whylen, "duplicate key '%s'", word);
        return -1;
    }
    seen[i] = 1;
    if (eq[1] == 0) {
        snprintf(why, whylen, "empty value for key '%s'", word);
        return -1;
    }
    if (k->set == NULL)
        return fakemx_conf_dup((char **)((char *)e + k->str), eq + 1, why,
                               whylen);
    return k->set(e, eq + 1, why, whylen);
}

/* fakemx_conf_line - parse one line into E; 1 entry, 0 nothing, -1 error */
static int fakemx_conf_line(const fakemx_conf *conf, char *text,
                            fakemx_entry *e, char *why, size_t whylen)
{
    char *save = 0;
    unsigned char seen[FAKEMX_CONF_NKEYS] = {0};
    char *word;

    if ((word = strtok_r(text, FAKEMX_CONF_SEP, &save)) == 0 || *word == '#')
        return 0;
    if (strcmp(word, "listen") != 0) {
        snprintf(why, whylen, "unknown directive '%s' (expected 'listen')",
                 word);
        return -1;
    }
    if ((word = strtok_r(0, FAKEMX_CONF_SEP, &save)) == 0 || *word == '#') {
        snprintf(why, whylen, "listen: missing address");
        return -1;
    }
    if (fakemx_conf_address(e, word) != 0) {
        snprintf(why, whylen, "bad address '%s'", word);
        return -1;
    }
    for (size_t i = 0; i < conf->nentries; i++) {
        if (fakemx_conf_same_address(&conf->entries[i], e)) {
            snprintf(why, whylen, "duplicate address %s (first at line %d)",
                     e->addr_text, conf->entries[i].line);
            return -1;
        }
    }
    while ((word = strtok_r(0, FAKEMX_CONF_SEP, &save)) != 0 && *word != '#')
        if (fakemx_conf_key_value(e, word, seen, why, whylen) != 0)
            return -1;
    if (fakemx_conf_check_entry(e, seen, why, whylen) != 0)
        return -1;
    return 1;
}

/* fakemx_conf_append - move entry E to the end of CONF */
static int fakemx_conf_append(fakemx_conf *conf, fakemx_entry *e)
{
    fakemx_entry *n;

    n = realloc(conf->entries, (conf->nentries + 1) * sizeof(*n));
    if (n == 0)
        return -1;
    conf->entries = n;
    conf->entries[conf->nentries++] = *e;
    memset(e, 0, sizeof(*e));
    return 0;
}

/* fakemx_conf_load_stream - the same, reading FP; NAME is for messages */
int fakemx_conf_load_stream(FILE *fp, const char *name, fakemx_conf **confp,
                            char *err, size_t errlen)
{
    fakemx_conf *conf = 0;
    fakemx_entry e;
    char why[1024];
    char *text = 0;
    size_t cap = 0;
    int lineno = 0;
    int rc;

    *confp = 0;
    memset(&e, 0, sizeof(e));
    if ((conf = calloc(1, sizeof(*conf))) == 0 ||
        (conf->path = strdup(name)) == 0) {
        snprintf(err, errlen, "%s: out of memory", name);
        goto fail;
    }
    while (getline(&text, &cap, fp) >= 0) {
        lineno++;
        if ((rc = fakemx_conf_line(conf, text, &e, why, sizeof(why))) < 0) {
            snprintf(err, errlen, "%s:%d: %s", name, lineno, why);
            goto fail;
        }
        if (rc == 0)
            continue;
        e.line = lineno;
        if (fakemx_conf_append(conf, &e) != 0) {
            snprintf(err, errlen, "%s:%d: out of memory", name, lineno);
            goto fail;
        }
    }
    if (ferror(fp)) {
        snprintf(err, errlen, "%s:%d: read error: %s", name, lineno + 1,
                 strerror(errno));
        goto fail;
    }
    free(text);
    *confp = conf;
    return 0;

fail:
    fakemx_conf_entry_clear(&e);
    free(text);
    fakemx_conf_free(conf);
    return -1;
}

/* fakemx_conf_load - parse PATH; 0 and *CONFP, or -1 and a message in ERR */
int fakemx_conf_load(const char *path, fakemx_conf **confp, char *err,
                     size_t errlen)
{
    FILE *fp;
    int rc;

    *confp = 0;
    if ((fp = fopen(path, "r")) == 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    rc = fakemx_conf_load_stream(fp, path, confp, err, errlen);
    fclose(fp);
    return rc;
}

/* fakemx_conf_reload - see fakemx_conf.h */
int fakemx_conf_reload(const char *path, const fakemx_conf *old,
                       fakemx_conf **confp, char *err, size_t errlen)
{
    int rc;

    fakemx_conf_old = old;
    rc = fakemx_conf_load(path, confp, err, errlen);
    fakemx_conf_old = 0;
    return rc;
}

/* fakemx_conf_lookup - the entry for local address SA, or NULL */
fakemx_entry *fakemx_conf_lookup(const fakemx_conf *conf,
                                 const struct sockaddr *sa)
{
    const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
    const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
    fakemx_entry want;

    memset(&want, 0, sizeof(want));
    if (sa->sa_family == AF_INET) {
        want.family = AF_INET;
        want.v4 = sin->sin_addr;
    } else if (sa->sa_family == AF_INET6 &&
               IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
        want.family = AF_INET;
        memcpy(&want.v4, &sin6->sin6_addr.s6_addr[12], 4);
    } else if (sa->sa_family == AF_INET6) {
        want.family = AF_INET6;
        want.v6 = sin6->sin6_addr;
    } else {
        return 0;
    }
    for (size_t i = 0; i < conf->nentries; i++)
        if (fakemx_conf_same_address(&conf->entries[i], &want))
            return &conf->entries[i];
    return 0;
}

/* fakemx_conf_free - free CONF and everything in it; NULL is fine */
void fakemx_conf_free(fakemx_conf *conf)
{
    if (conf == 0)
        return;
    for (size_t i = 0; i < conf->nentries; i++)
        fakemx_conf_entry_clear(&conf->entries[i]);
    free(conf->entries);
    free(conf->path);
    free(conf);
}
