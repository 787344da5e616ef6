/*
 * scenario.c - parser for scenario files (docs/scenario-format.md).
 *
 * Line-based: every error names the file and line.  The parser checks
 * everything it can without building the world: known keys, one value
 * each where only one makes sense, known personas, fault kinds and DNS
 * states, placeholders that name declared hosts.  Master-file syntax of
 * the zone lines is checked later, by zone.c, with the same line numbers.
 */
#include "scenario.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define MAX_ID_LEN 50

typedef struct {
    const char *file;
    int line;
    char *err;
    size_t errlen;
    int have_severity; /* single-valued enum keys seen so far */
    int have_expect;
    int have_dnssec;
} parse_ctx;

/* perr - record "FILE:LINE: message" and return -1 */
static int perr(parse_ctx *pc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int perr(parse_ctx *pc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(pc->err, pc->errlen, "%s:%d: %s", pc->file, pc->line, msg);
    return -1;
}

/* next_word - split off the next blank-separated word, or NULL */
static char *next_word(char **sp)
{
    char *s = *sp, *w;

    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == 0) {
        *sp = s;
        return NULL;
    }
    w = s;
    while (*s && *s != ' ' && *s != '\t')
        s++;
    if (*s)
        *s++ = 0;
    *sp = s;
    return w;
}

/* trim - strip leading and trailing blanks in place */
static char *trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = 0;
    return s;
}

/* valid_id - lower-case letters, digits and inner hyphens (a DNS label) */
static int valid_id(const char *s)
{
    size_t n = strlen(s), i;

    if (n == 0 || n > MAX_ID_LEN || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
            s[i] != '-')
            return 0;
    return 1;
}

/* valid_owner - a relative owner name: "@" or labels of [A-Za-z0-9_-] */
static int valid_owner(const char *s)
{
    size_t i;

    if (strcmp(s, "@") == 0)
        return 1;
    if (*s == 0 || *s == '.' || s[strlen(s) - 1] == '.')
        return 0;
    for (i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!isalnum(c) && c != '-' && c != '_' && c != '.' && c != '*')
            return 0;
        if (c == '.' && s[i + 1] == '.')
            return 0;
    }
    return 1;
}

/* valid_type - an RR type mnemonic */
static int valid_type(const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return 0;
    return i > 0;
}

/* set_once - store a single-valued key, refusing a second occurrence */
static int set_once(parse_ctx *pc, char **slot, const char *key,
                    const char *val)
{
    if (*slot)
        return perr(pc, "'%s' given twice", key);
    if (*val == 0)
        return perr(pc, "'%s' needs a value", key);
    *slot = dh_strdup(val);
    return 0;
}

/* parse_host - "host LABEL persona=NAME" */
static int parse_host(parse_ctx *pc, dh_scenario *sc, char *rest)
{
    char *label = next_word(&rest), *w;
    const dh_persona *persona = NULL;
    dh_host *h;

    if (label == NULL || !valid_owner(label) || strcmp(label, "@") == 0)
        return perr(pc, "'host' needs a host label relative to the zone, "
                        "e.g. 'host mx1 persona=honest'");
    if (dh_scenario_host(sc, label))
        return perr(pc, "host '%s' declared twice", label);
    while ((w = next_word(&rest)) != NULL) {
        if (strncmp(w, "persona=", 8) == 0) {
            persona = dh_persona_find(w + 8);
            if (persona == NULL) {
                dh_buf known;
                const dh_persona *p;
                int rc;

                dh_buf_init(&known);
                for (p = dh_persona_all(); p->name; p++)
                    dh_buf_printf(&known, "%s%s", known.len ? ", " : "",
                                  p->name);
                rc = perr(pc, "unknown persona '%s' (known: %s)", w + 8,
                          known.data);
                dh_buf_free(&known);
                return rc;
            }
        } else {
            return perr(pc, "unknown host attribute '%s'", w);
        }
    }
    if (persona == NULL)
        return perr(pc, "host '%s' needs persona=NAME", label);
    sc->hosts = dh_realloc(sc->hosts, (sc->nhosts + 1) * sizeof(*sc->hosts));
    h = &sc->hosts[sc->nhosts++];
    h->label = dh_strdup(label);
    h->persona = persona;
    h->line = pc->line;
    return 0;
}

/* parse_owner_type - the "OWNER TYPE" prefix of fault and check lines */
static int parse_owner_type(parse_ctx *pc, const char *key, char **rest,
                            char **owner, char **type)
{
    *owner = next_word(rest);
    *type = next_word(rest);
    if (*owner == NULL || *type == NULL)
        return perr(pc, "'%s' needs OWNER TYPE ...", key);
    if (!valid_owner(*owner))
        return perr(pc, "bad owner name '%s' (relative to the zone, or @)",
                    *owner);
    if (!valid_type(*type))
        return perr(pc, "bad RR type '%s' (use the mnemonic, e.g. TLSA)",
                    *type);
    return 0;
}

/* parse_fault - "fault OWNER TYPE KIND" */
static int parse_fault(parse_ctx *pc, dh_scenario *sc, char *rest)
{
    char *owner, *type, *kind;
    dh_fault *f;

    if (parse_owner_type(pc, "fault", &rest, &owner, &type) < 0)
        return -1;
    kind = next_word(&rest);
    if (kind == NULL || strcmp(kind, "rrsig-corrupt") != 0)
        return perr(pc, "unknown fault '%s' (known: rrsig-corrupt)",
                    kind ? kind : "");
    if (next_word(&rest))
        return perr(pc, "extra words after the fault");
    sc->faults =
        dh_realloc(sc->faults, (sc->nfaults + 1) * sizeof(*sc->faults));
    f = &sc->faults[sc->nfaults++];
    f->owner = dh_strdup(owner);
    f->type = dh_strdup(type);
    f->kind = DH_FAULT_RRSIG_CORRUPT;
    f->line = pc->line;
    return 0;
}

/* parse_check - "check OWNER TYPE STATE" */
static int parse_check(parse_ctx *pc, dh_scenario *sc, char *rest)
{
    char *owner, *type, *state;
    dh_check *c;
    dh_dnsstate st;

    if (parse_owner_type(pc, "check", &rest, &owner, &type) < 0)
        return -1;
    state = next_word(&rest);
    if (state && strcmp(state, "secure") == 0)
        st = DH_DNS_SECURE;
    else if (state && strcmp(state, "insecure") == 0)
        st = DH_DNS_INSECURE;
    else if (state && strcmp(state, "bogus") == 0)
        st = DH_DNS_BOGUS;
    else
        return perr(pc, "unknown DNS state '%s' (known: secure, insecure, "
                        "bogus)",
                    state ? state : "");
    if (next_word(&rest))
        return perr(pc, "extra words after the DNS state");
    sc->checks =
        dh_realloc(sc->checks, (sc->nchecks + 1) * sizeof(*sc->checks));
    c = &sc->checks[sc->nchecks++];
    c->owner = dh_strdup(owner);
    c->type = dh_strdup(type);
    c->state = st;
    c->line = pc->line;
    return 0;
}

/* check_placeholders - every {...} in a zone line is a known form */
static int check_placeholders(parse_ctx *pc, dh_scenario *sc, const char *s)
{
    const char *open, *close;

    while ((open = strchr(s, '{')) != NULL) {
        char word[64], arg[128], extra[8];
        char *inner;
        int n;

        close = strchr(open, '}');
        if (close == NULL)
            return perr(pc, "unterminated placeholder '%s'", open);
        inner = dh_strndup(open + 1, (size_t)(close - open - 1));
        n = sscanf(inner, "%63s %127s %7s", word, arg, extra);
        free(inner);
        if (n != 2)
            return perr(pc, "bad placeholder '%.*s' (forms: {addr HOST}, "
                            "{tlsa HOST})",
                        (int)(close - open + 1), open);
        if (strcmp(word, "addr") != 0 && strcmp(word, "tlsa") != 0)
            return perr(pc, "unknown placeholder '%s' (known: addr, tlsa)",
                        word);
        if (dh_scenario_host(sc, arg) == NULL)
            return perr(pc, "placeholder names host '%s', which no 'host' "
                            "line declares",
                        arg);
        s = close + 1;
    }
    return 0;
}

/* parse_header_line - one "key value" line before %zone */
static int parse_header_line(parse_ctx *pc, dh_scenario *sc, char *line)
{
    char *rest = line, *key = next_word(&rest);
    char *val = trim(rest);

    if (strcmp(key, "id") == 0) {
        if (set_once(pc, &sc->id, key, val) < 0)
            return -1;
        if (!valid_id(sc->id))
            return perr(pc, "bad id '%s': lower-case letters, digits and "
                            "hyphens, at most %d characters",
                        sc->id, MAX_ID_LEN);
        return 0;
    }
    if (strcmp(key, "title") == 0)
        return set_once(pc, &sc->title, key, val);
    if (strcmp(key, "rfc") == 0)
        return set_once(pc, &sc->rfc, key, val);
    if (strcmp(key, "requirement") == 0)
        return set_once(pc, &sc->requirement, key, val);
    if (strcmp(key, "description") == 0) {
        char *d = sc->description;

        sc->description = d ? dh_asprintf("%s %s", d, val) : dh_strdup(val);
        free(d);
        return 0;
    }
    if (strcmp(key, "severity") == 0) {
        if (pc->have_severity++)
            return perr(pc, "'severity' given twice");
        if (strcmp(val, "security") == 0)
            sc->severity = DH_SEV_SECURITY;
        else if (strcmp(val, "interop") == 0)
            sc->severity = DH_SEV_INTEROP;
        else if (strcmp(val, "advisory") == 0)
            sc->severity = DH_SEV_ADVISORY;
        else
            return perr(pc, "unknown severity '%s' (known: security, "
                            "interop, advisory)",
                        val);
        return 0;
    }
    if (strcmp(key, "expect") == 0) {
        if (pc->have_expect++)
            return perr(pc, "'expect' given twice");
        if (strcmp(val, "deliver") == 0)
            sc->expect = DH_EXPECT_DELIVER;
        else if (strcmp(val, "no-delivery") == 0)
            sc->expect = DH_EXPECT_NO_DELIVERY;
        else
            return perr(pc, "unknown expectation '%s' (known: deliver, "
                            "no-delivery)",
                        val);
        return 0;
    }
    if (strcmp(key, "expect-tls") == 0) {
        if (strcmp(val, "required") != 0)
            return perr(pc, "expect-tls takes 'required'");
        sc->expect_tls = 1;
        return 0;
    }
    if (strcmp(key, "expect-sni") == 0) {
        if (set_once(pc, &sc->expect_sni, key, val) < 0)
            return -1;
        if (!valid_owner(val))
            return perr(pc, "expect-sni takes an owner name relative to the "
                            "zone, e.g. mx1, or @");
        return 0;
    }
    if (strcmp(key, "dnssec") == 0) {
        if (pc->have_dnssec++)
            return perr(pc, "'dnssec' given twice");
        if (strcmp(val, "signed") == 0)
            sc->signed_zone = 1;
        else if (strcmp(val, "unsigned") == 0)
            sc->signed_zone = 0;
        else
            return perr(pc, "dnssec takes 'signed' or 'unsigned'");
        return 0;
    }
    if (strcmp(key, "host") == 0)
        return parse_host(pc, sc, val);
    if (strcmp(key, "fault") == 0)
        return parse_fault(pc, sc, val);
    if (strcmp(key, "check") == 0)
        return parse_check(pc, sc, val);
    return perr(pc, "unknown key '%s' (see docs/scenario-format.md)", key);
}

/* finish - whole-file checks after the last line */
static int finish(parse_ctx *pc, dh_scenario *sc)
{
    size_t i;

    if (sc->id == NULL)
        return perr(pc, "missing 'id'");
    if (sc->title == NULL)
        return perr(pc, "missing 'title'");
    if (sc->rfc == NULL)
        return perr(pc, "missing 'rfc' (the RFC section checked)");
    if (sc->requirement == NULL)
        return perr(pc, "missing 'requirement' (catalog IDs)");
    if (!pc->have_severity)
        return perr(pc, "missing 'severity'");
    if (!pc->have_expect)
        return perr(pc, "missing 'expect'");
    if (!pc->have_dnssec)
        return perr(pc, "missing 'dnssec' (signed or unsigned)");
    if (sc->nhosts == 0)
        return perr(pc, "no 'host' line: a scenario needs at least one MX "
                        "host");
    if (sc->nzone == 0)
        return perr(pc, "no zone records: add a '%%zone' section");
    for (i = 0; i < sc->nfaults; i++)
        if (!sc->signed_zone) {
            pc->line = sc->faults[i].line;
            return perr(pc, "a DNSSEC fault needs 'dnssec signed'");
        }
    return 0;
}

/* stem_matches - the file is named ID.scn */
static int stem_matches(const char *file, const char *id)
{
    const char *base = strrchr(file, '/');
    size_t n = strlen(id);

    base = base ? base + 1 : file;
    return strncmp(base, id, n) == 0 && strcmp(base + n, ".scn") == 0;
}

/* dh_scenario_parse - parse the text of one scenario file */
dh_scenario *dh_scenario_parse(const char *file, const char *text, char *err,
                               size_t errlen)
{
    parse_ctx pc = {file, 0, err, errlen, 0, 0, 0};
    dh_scenario *sc = dh_calloc(1, sizeof(*sc));
    char *copy = dh_strdup(text), *cur = copy, *nl;
    int in_zone = 0;

    sc->file = dh_strdup(file);
    while (cur && *cur) {
        char *line;

        pc.line++;
        nl = strchr(cur, '\n');
        if (nl)
            *nl = 0;
        line = cur;
        cur = nl ? nl + 1 : NULL;
        if (strlen(line) > 1000) {
            perr(&pc, "line longer than 1000 characters");
            goto fail;
        }
        if (in_zone) {
            char *t = trim(line), *semi;

            if (*t == 0 || *t == ';' || *t == '#')
                continue;
            semi = strchr(line, ';');
            if (semi)
                *semi = 0;
            if (strchr(line, '(') || strchr(line, ')')) {
                perr(&pc, "multi-line records (parentheses) are not "
                          "supported: one record per line");
                goto fail;
            }
            if (check_placeholders(&pc, sc, line) < 0)
                goto fail;
            sc->zone =
                dh_realloc(sc->zone, (sc->nzone + 1) * sizeof(*sc->zone));
            sc->zone[sc->nzone].line = pc.line;
            /* keep the owner column: a leading blank means "same owner" */
            sc->zone[sc->nzone].text = dh_strdup(line);
            sc->nzone++;
            continue;
        }
        line = trim(line);
        if (*line == 0 || *line == '#')
            continue;
        if (strcmp(line, "%zone") == 0) {
            in_zone = 1;
            continue;
        }
        if (parse_header_line(&pc, sc, line) < 0)
            goto fail;
    }
    if (finish(&pc, sc) < 0)
        goto fail;
    if (!stem_matches(file, sc->id)) {
        pc.line = 1;
        perr(&pc, "file name must be the scenario id: %s.scn", sc->id);
        goto fail;
    }
    free(copy);
    return sc;

fail:
    free(copy);
    dh_scenario_free(sc);
    return NULL;
}

/* dh_scenario_load - read and parse one file */
dh_scenario *dh_scenario_load(const char *path, char *err, size_t errlen)
{
    char *text = dh_read_file(path, NULL);
    dh_scenario *sc;

    if (text == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    sc = dh_scenario_parse(path, text, err, errlen);
    free(text);
    return sc;
}

/* dh_scenario_free - release a scenario and everything it owns */
void dh_scenario_free(dh_scenario *sc)
{
    size_t i;

    if (sc == NULL)
        return;
    for (i = 0; i < sc->nhosts; i++)
        free(sc->hosts[i].label);
    for (i = 0; i < sc->nfaults; i++) {
        free(sc->faults[i].owner);
        free(sc->faults[i].type);
    }
    for (i = 0; i < sc->nchecks; i++) {
        free(sc->checks[i].owner);
        free(sc->checks[i].type);
    }
    for (i = 0; i < sc->nzone; i++)
        free(sc->zone[i].text);
    free(sc->hosts);
    free(sc->faults);
    free(sc->checks);
    free(sc->zone);
    free(sc->file);
    free(sc->id);
    free(sc->title);
    free(sc->rfc);
    free(sc->requirement);
    free(sc->description);
    free(sc->expect_sni);
    free(sc);
}

/* cmp_id - qsort order of scenarios */
static int cmp_id(const void *a, const void *b)
{
    const dh_scenario *x = *(dh_scenario *const *)a;
    const dh_scenario *y = *(dh_scenario *const *)b;

    return strcmp(x->id, y->id);
}

/* dh_scenario_load_dir - every *.scn of a folder, sorted by id */
int dh_scenario_load_dir(const char *dir, dh_scenario ***out, size_t *n,
                         char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    dh_scenario **v = NULL;
    size_t cnt = 0;

    if (d == NULL) {
        snprintf(err, errlen, "%s: cannot open scenario folder: %s", dir,
                 strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        char *path;
        dh_scenario *sc;

        if (len < 5 || strcmp(de->d_name + len - 4, ".scn") != 0)
            continue;
        path = dh_asprintf("%s/%s", dir, de->d_name);
        sc = dh_scenario_load(path, err, errlen);
        free(path);
        if (sc == NULL) {
            closedir(d);
            dh_scenario_free_all(v, cnt);
            return -1;
        }
        v = dh_realloc(v, (cnt + 1) * sizeof(*v));
        v[cnt++] = sc;
    }
    closedir(d);
    if (cnt == 0) {
        snprintf(err, errlen, "%s: no *.scn scenario files", dir);
        free(v);
        return -1;
    }
    qsort(v, cnt, sizeof(*v), cmp_id);
    *out = v;
    *n = cnt;
    return 0;
}

/* dh_scenario_free_all - free a vector of scenarios */
void dh_scenario_free_all(dh_scenario **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        dh_scenario_free(v[i]);
    free(v);
}

/* dh_scenario_host - declared host by label, or NULL */
const dh_host *dh_scenario_host(const dh_scenario *sc, const char *label)
{
    size_t i;

    for (i = 0; i < sc->nhosts; i++)
        if (strcmp(sc->hosts[i].label, label) == 0)
            return &sc->hosts[i];
    return NULL;
}

/* dh_severity_name - text form */
const char *dh_severity_name(dh_severity s)
{
    switch (s) {
    case DH_SEV_SECURITY:
        return "security";
    case DH_SEV_INTEROP:
        return "interop";
    case DH_SEV_ADVISORY:
        return "advisory";
    }
    return "?";
}

/* dh_dnsstate_name - text form */
const char *dh_dnsstate_name(dh_dnsstate s)
{
    switch (s) {
    case DH_DNS_SECURE:
        return "secure";
    case DH_DNS_INSECURE:
        return "insecure";
    case DH_DNS_BOGUS:
        return "bogus";
    }
    return "?";
}
