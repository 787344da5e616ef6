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

#include "digest.h"
#include "persona.h"
#include "util.h"
#include "vocab_all.h"
#include "scenario_parse.h"

#define MAX_ID_LEN 50

/* dh_sp_err - record "FILE:LINE: message" and return -1 */
int dh_sp_err(parse_ctx *pc, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(pc->err, pc->errlen, "%s:%d: %s", pc->file, pc->line, msg);
    return -1;
}

/* dh_sp_word - split off the next blank-separated word, or NULL */
char *dh_sp_word(char **sp)
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

/* dh_sp_trim - strip leading and trailing blanks in place */
char *dh_sp_trim(char *s)
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
        return dh_sp_err(pc, "'%s' given twice", key);
    if (*val == 0)
        return dh_sp_err(pc, "'%s' needs a value", key);
    *slot = dh_strdup(val);
    return 0;
}

/* dh_sp_valid_name - a header-style name: OWNER or OWNER@mxlab or @mxlab */
int dh_sp_valid_name(const char *s)
{
    const char *at = strchr(s, '@');
    char *owner;
    int ok;

    if (strcmp(s, "@") == 0)
        return 1;
    if (at == NULL)
        return valid_owner(s);
    if (strcmp(at + 1, DH_TLD2_KEY) != 0 || strchr(at + 1, '@'))
        return 0;
    if (at == s)
        return 1;
    owner = dh_strndup(s, (size_t)(at - s));
    ok = valid_owner(owner) && strcmp(owner, "@") != 0;
    free(owner);
    return ok;
}

/* dh_sp_persona - look a persona up, listing the known ones on error */
const dh_persona *dh_sp_persona(parse_ctx *pc, const char *name)
{
    const dh_persona *p = dh_persona_find(name), *q;
    dh_buf known;

    if (p)
        return p;
    dh_buf_init(&known);
    for (q = dh_persona_all(); q->name; q++)
        dh_buf_printf(&known, "%s%s", known.len ? ", " : "", q->name);
    dh_sp_err(pc, "unknown persona '%s' (known: %s)", name, known.data);
    dh_buf_free(&known);
    return NULL;
}

/* count_attr - "v4=N" style small count */
static int count_attr(parse_ctx *pc, const char *w, const char *val, int *out)
{
    char *end;
    long n = strtol(val, &end, 10);

    if (*val == 0 || *end || n < 0 || n > 8)
        return dh_sp_err(pc, "'%s' takes a count from 0 to 8", w);
    *out = (int)n;
    return 0;
}

/* parse_host - "host NAME persona=P [persona6=P] [v4=N] [v6=N]
 * [stall=SECS]" */
static int parse_host(parse_ctx *pc, dh_scenario *sc, char *rest)
{
    char *label = dh_sp_word(&rest), *w;
    dh_host h;

    memset(&h, 0, sizeof(h));
    h.nv4 = 1;
    if (label == NULL || !dh_sp_valid_name(label))
        return dh_sp_err(pc, "'host' needs a host name relative to the zone "
                             "(@ for the domain itself), e.g. 'host mx1 "
                             "persona=honest'");
    if (dh_scenario_host(sc, label))
        return dh_sp_err(pc, "host '%s' declared twice", label);
    while ((w = dh_sp_word(&rest)) != NULL) {
        char *eq = strchr(w, '=');

        if (eq == NULL)
            return dh_sp_err(pc, "host attribute '%s' needs =VALUE", w);
        *eq++ = 0;
        if (strcmp(w, "persona") == 0) {
            if ((h.persona = dh_sp_persona(pc, eq)) == NULL)
                return -1;
        } else if (strcmp(w, "persona6") == 0) {
            if ((h.persona6 = dh_sp_persona(pc, eq)) == NULL)
                return -1;
        } else if (strcmp(w, "v4") == 0) {
            if (count_attr(pc, w, eq, &h.nv4) < 0)
                return -1;
        } else if (strcmp(w, "v6") == 0) {
            if (count_attr(pc, w, eq, &h.nv6) < 0)
                return -1;
        } else if (strcmp(w, "stall") == 0) {
            char *end;

            h.stall = strtod(eq, &end);
            if (*eq == 0 || *end || h.stall <= 0 || h.stall > 600)
                return dh_sp_err(pc,
                                 "stall takes seconds, more than 0, at most "
                                 "600");
        } else {
            return dh_sp_err(pc,
                             "unknown host attribute '%s' (known: persona, "
                             "persona6, v4, v6, stall)",
                             w);
        }
    }
    if (h.persona == NULL)
        return dh_sp_err(pc, "host '%s' needs persona=NAME", label);
    if (h.persona6 == NULL)
        h.persona6 = h.persona;
    if (h.nv4 + h.nv6 == 0)
        return dh_sp_err(pc, "host '%s' has no address (v4=0 v6=0)", label);
    if (h.nv6 > 0)
        sc->requires_ipv6 = 1;
    sc->hosts = dh_realloc(sc->hosts, (sc->nhosts + 1) * sizeof(*sc->hosts));
    h.label = dh_strdup(label);
    h.line = pc->line;
    sc->hosts[sc->nhosts++] = h;
    return 0;
}

/* parse_name_type - the "NAME TYPE" prefix of several lines */
static int parse_name_type(parse_ctx *pc, const char *key, char **rest,
                           char **owner, char **type)
{
    *owner = dh_sp_word(rest);
    *type = dh_sp_word(rest);
    if (*owner == NULL || *type == NULL)
        return dh_sp_err(pc, "'%s' needs NAME TYPE ...", key);
    if (!dh_sp_valid_name(*owner))
        return dh_sp_err(pc,
                         "bad name '%s' (relative to the zone, @ for the "
                         "apex, NAME@%s for the second TLD)",
                         *owner, DH_TLD2_KEY);
    if (!valid_type(*type))
        return dh_sp_err(pc, "bad RR type '%s' (use the mnemonic, e.g. TLSA)",
                         *type);
    return 0;
}

/* parse_fault - "fault NAME TYPE KIND" */
static int parse_fault(parse_ctx *pc, dh_scenario *sc, char *rest)
{
    char *owner, *type, *kind, *w;
    const dh_fault_def *def;
    dh_span span;
    dh_fault *f;

    if (parse_name_type(pc, "fault", &rest, &owner, &type) < 0)
        return -1;
    kind = dh_sp_word(&rest);
    if ((def = dh_fault_find(kind)) == NULL) {
        const dh_fault_def *f;
        dh_buf b;
        int rc;

        dh_buf_init(&b);
        for (f = dh_fault_all(); f->name; f++)
            dh_buf_printf(&b, "%s%s", b.len ? ", " : "", f->name);
        rc = dh_sp_err(pc, "unknown fault '%s' (known: %s)", kind ? kind : "",
                       b.data);
        dh_buf_free(&b);
        return rc;
    }
    if (def->in_parent && strcmp(type, "DS"))
        return dh_sp_err(pc, "%s applies to a DS RRset: 'fault ZONE DS %s'",
                         def->name, def->name);
    span.from = 1;
    span.to = DH_ATTEMPT_LAST;
    if ((w = dh_sp_word(&rest)) != NULL) {
        int rc = dh_sp_span_attr(pc, w, "attempts", &span);

        if (rc < 0)
            return -1;
        if (rc == 0)
            return dh_sp_err(pc, "extra words after the fault (an "
                                 "'attempts=K-L' may follow)");
        if (def->in_parent)
            return dh_sp_err(pc,
                             "%s changes the parent zone, which "
                             "stays the same for the whole run: no "
                             "'attempts='",
                             def->name);
    }
    if (dh_sp_word(&rest))
        return dh_sp_err(pc, "extra words after the fault");
    sc->faults =
        dh_realloc(sc->faults, (sc->nfaults + 1) * sizeof(*sc->faults));
    f = &sc->faults[sc->nfaults++];
    f->owner = dh_strdup(owner);
    f->type = dh_strdup(type);
    f->def = def;
    f->span = span;
    f->line = pc->line;
    return 0;
}

/* check_attempt - "attempt=K" of a check line */
static int check_attempt(parse_ctx *pc, const char *w, dh_check *c)
{
    dh_span span;
    int rc = dh_sp_span_attr(pc, w, "attempt", &span);

    if (rc == 0)
        return dh_sp_err(pc, "extra words after the DNS state (an "
                             "'attempt=K' may follow)");
    if (rc > 0 && span.from != span.to)
        return dh_sp_err(pc, "a check is made before one attempt: "
                             "'attempt=K'");
    c->attempt = span.from;
    return rc < 0 ? -1 : 0;
}

/* parse_check - "check NAME TYPE STATE [nxdomain|nodata] [attempt=K]" */
static int parse_check(parse_ctx *pc, dh_scenario *sc, char *rest)
{
    char *owner, *type, *state, *ex, known[256];
    dh_check c;
    int k;

    memset(&c, 0, sizeof(c));
    if (parse_name_type(pc, "check", &rest, &owner, &type) < 0)
        return -1;
    state = dh_sp_word(&rest);
    if ((k = dh_vocab_find(&dh_vocab_dnsstate, state)) < 0)
        return dh_sp_err(
            pc, "unknown DNS state '%s' (known: %s)", state ? state : "",
            dh_vocab_choices(&dh_vocab_dnsstate, known, sizeof(known)));
    c.state = (dh_dnsstate)k;
    c.attempt = 1;
    ex = dh_sp_word(&rest);
    if (ex && strncmp(ex, "attempt=", 8) == 0) {
        if (check_attempt(pc, ex, &c) < 0)
            return -1;
        ex = NULL;
    }
    c.exist = c.state == DH_DNS_SECURE || c.state == DH_DNS_INSECURE
                  ? DH_EXIST_DATA
                  : DH_EXIST_ANY;
    if (ex) {
        if (c.exist == DH_EXIST_ANY)
            return dh_sp_err(pc, "'%s' goes with secure or insecure", ex);
        k = dh_vocab_find(&dh_vocab_existence, ex);
        if (k != DH_EXIST_NXDOMAIN && k != DH_EXIST_NODATA)
            return dh_sp_err(
                pc, "unknown qualifier '%s' (known: %s, %s)", ex,
                dh_vocab_name(&dh_vocab_existence, DH_EXIST_NXDOMAIN),
                dh_vocab_name(&dh_vocab_existence, DH_EXIST_NODATA));
        c.exist = (dh_existence)k;
        if ((ex = dh_sp_word(&rest)) != NULL && check_attempt(pc, ex, &c) < 0)
            return -1;
    }
    if (dh_sp_word(&rest))
        return dh_sp_err(pc, "extra words after the DNS state");
    sc->checks =
        dh_realloc(sc->checks, (sc->nchecks + 1) * sizeof(*sc->checks));
    c.owner = dh_strdup(owner);
    c.type = dh_strdup(type);
    c.line = pc->line;
    sc->checks[sc->nchecks++] = c;
    return 0;
}

/* severity_of - "security" ... into *out, -1 if unknown */
static int severity_of(const char *w, dh_severity *out)
{
    int k = dh_vocab_find(&dh_vocab_severity, w);

    if (k < 0)
        return -1;
    *out = (dh_severity)k;
    return 0;
}

/* parse_qexpect - the resolver-log and connection expectations */
static int parse_qexpect(parse_ctx *pc, dh_scenario *sc, const char *key,
                         char *rest)
{
    dh_qexpect q;
    char *w;

    memset(&q, 0, sizeof(q));
    q.severity = (dh_severity)-1;
    if (dh_vocab_find(&dh_vocab_qexpect, key) == DH_QEXPECT_NO_CONNECT) {
        q.kind = DH_QEXPECT_NO_CONNECT;
        w = dh_sp_word(&rest);
        if (w == NULL || !dh_sp_valid_name(w))
            return dh_sp_err(pc, "expect-no-connect names a declared host");
        q.name = dh_strdup(w);
    } else {
        char *name, *type;

        q.kind = (dh_qexpect_kind)dh_vocab_find(&dh_vocab_qexpect, key);
        if (parse_name_type(pc, key, &rest, &name, &type) < 0)
            return -1;
        q.name = dh_strdup(name);
        q.type = dh_strdup(type);
        if (q.kind == DH_QEXPECT_BEFORE) {
            w = dh_sp_word(&rest);
            if (w == NULL || strcmp(w, "before") != 0 ||
                parse_name_type(pc, key, &rest, &name, &type) < 0) {
                free(q.name);
                free(q.type);
                return dh_sp_err(pc, "expect-query-order NAME TYPE before "
                                     "NAME2 TYPE2");
            }
            q.name2 = dh_strdup(name);
            q.type2 = dh_strdup(type);
        }
    }
    while ((w = dh_sp_word(&rest)) != NULL) {
        if (strncmp(w, "severity=", 9) != 0 ||
            severity_of(w + 9, &q.severity) < 0) {
            free(q.name);
            free(q.type);
            free(q.name2);
            free(q.type2);
            return dh_sp_err(pc,
                             "unexpected '%s' (only severity=security|"
                             "interop|advisory may follow)",
                             w);
        }
    }
    q.line = pc->line;
    sc->qexpects =
        dh_realloc(sc->qexpects, (sc->nqexpects + 1) * sizeof(*sc->qexpects));
    sc->qexpects[sc->nqexpects++] = q;
    return 0;
}

/* check_host_placeholder - {addr HOST [N]}, {addr6 HOST [N]}, {tlsa HOST
 * [rsa]}: the host exists, and has that address */
static int check_host_placeholder(parse_ctx *pc, dh_scenario *sc,
                                  const char *word, const char *arg,
                                  const char *num, int n)
{
    const dh_host *h = dh_scenario_host(sc, arg);
    int k, have;

    if (h == NULL)
        return dh_sp_err(pc,
                         "placeholder names host '%s', which no 'host' line "
                         "declares (hosts come before %%zone)",
                         arg);
    if (strcmp(word, "tlsa") == 0) {
        if (n == 3 && strcmp(num, "rsa") != 0 && strcmp(num, "next") != 0)
            return dh_sp_err(pc,
                             "{tlsa %s %s}: the variants are rsa (its RSA "
                             "key) and next (its next key, a rollover)",
                             arg, num);
        return 0;
    }
    k = n == 3 ? atoi(num) : 1;
    have = strcmp(word, "addr") == 0 ? h->nv4 : h->nv6;
    if (k < 1 || k > have)
        return dh_sp_err(pc,
                         "host '%s' has %d %s address(es); {%s %s %s} asks for "
                         "number %d",
                         arg, have, strcmp(word, "addr") == 0 ? "IPv4" : "IPv6",
                         word, arg, n == 3 ? num : "1", k);
    return 0;
}

/* check_placeholder - one {...}: a known form, naming what exists */
static int check_placeholder(parse_ctx *pc, dh_scenario *sc, const char *open,
                             const char *close)
{
    char word[64], arg[128], num[16], extra[8];
    char *inner = dh_strndup(open + 1, (size_t)(close - open - 1));
    int n = sscanf(inner, "%63s %127s %15s %7s", word, arg, num, extra);

    free(inner);
    if (n < 2 || n > 3)
        return dh_sp_err(
            pc,
            "bad placeholder '%.*s' (forms: {addr HOST [N]}, {addr6 "
            "HOST [N]}, {tlsa HOST [rsa|next]}, {tlsa ta:CA}, {name NAME})",
            (int)(close - open + 1), open);
    if (strcmp(word, "name") == 0)
        return n == 2 && dh_sp_valid_name(arg)
                   ? 0
                   : dh_sp_err(pc, "bad name '%s' in {name}", arg);
    if (strcmp(word, "addr") && strcmp(word, "addr6") && strcmp(word, "tlsa"))
        return dh_sp_err(pc,
                         "unknown placeholder '%s' (known: addr, addr6, tlsa, "
                         "name)",
                         word);
    if (strcmp(word, "tlsa") == 0 && strncmp(arg, "ta:", 3) == 0)
        return n == 2 && dh_ca_find(arg + 3) >= 0
                   ? 0
                   : dh_sp_err(
                         pc,
                         "{tlsa %s}: no such CA (the CAs are the 'ca' rows "
                         "of %s)",
                         arg, dh_personas_file());
    return check_host_placeholder(pc, sc, word, arg, num, n);
}

/* check_placeholders - every {...} in a zone line is a known form */
static int check_placeholders(parse_ctx *pc, dh_scenario *sc, const char *s)
{
    const char *open, *close;

    while ((open = strchr(s, '{')) != NULL) {
        if ((close = strchr(open, '}')) == NULL)
            return dh_sp_err(pc, "unterminated placeholder '%s'", open);
        if (check_placeholder(pc, sc, open, close) < 0)
            return -1;
        s = close + 1;
    }
    return 0;
}

/* zone_attrs - "dnssec=... server=... denial=..." of a %zone line */
static int zone_attr(parse_ctx *pc, dh_zone_decl *z, char *w)
{
    char *eq = strchr(w, '='), known[256];
    int k;

    if (eq == NULL)
        return dh_sp_err(pc, "zone attribute '%s' needs =VALUE", w);
    *eq++ = 0;
    if (strcmp(w, "dnssec") == 0) {
        if ((k = dh_vocab_find(&dh_vocab_zone_dnssec, eq)) < 0)
            return dh_sp_err(
                pc, "dnssec= takes %s",
                dh_vocab_choices(&dh_vocab_zone_dnssec, known, sizeof(known)));
        z->dnssec = (dh_zone_dnssec)k;
    } else if (strcmp(w, "server") == 0) {
        if ((k = dh_vocab_find(&dh_vocab_zone_server, eq)) < 0)
            return dh_sp_err(
                pc, "server= takes %s",
                dh_vocab_choices(&dh_vocab_zone_server, known, sizeof(known)));
        z->server = (dh_zone_server)k;
    } else if (strcmp(w, "denial") == 0) {
        if ((k = dh_vocab_find(&dh_vocab_denial, eq)) < 0)
            return dh_sp_err(
                pc, "denial= takes %s",
                dh_vocab_choices(&dh_vocab_denial, known, sizeof(known)));
        z->denial = (dh_denial)k;
    } else {
        return dh_sp_err(pc,
                         "unknown zone attribute '%s' (known: dnssec, server, "
                         "denial)",
                         w);
    }
    return 0;
}

/* find_zone - declared zone by name, or NULL */
static dh_zone_decl *find_zone(dh_scenario *sc, const char *name)
{
    size_t i;

    for (i = 0; i < sc->nzones; i++)
        if (strcmp(sc->zones[i].name, name) == 0)
            return &sc->zones[i];
    return NULL;
}

/* parse_zone_line - "%zone [NAME] [attr=value...]" opens a section */
static int parse_zone_line(parse_ctx *pc, dh_scenario *sc, char *rest)
{
    char *name = dh_sp_word(&rest), *w;
    dh_zone_decl *z;

    if (name == NULL || strchr(name, '='))
        return dh_sp_err(pc,
                         "'%%zone' needs the zone's name: @ for the apex "
                         "(%%zone @), a child (%%zone sub) or the second TLD "
                         "(%%zone @%s)",
                         DH_TLD2_KEY);
    if (!dh_sp_valid_name(name))
        return dh_sp_err(pc, "bad zone name '%s'", name);
    if (strcmp(name, "@") != 0 && find_zone(sc, name))
        return dh_sp_err(pc, "zone '%s' declared twice", name);
    if (strcmp(name, "@") == 0) {
        z = &sc->zones[0];
        if (z->line)
            return dh_sp_err(pc, "zone '@' declared twice");
    } else {
        sc->zones =
            dh_realloc(sc->zones, (sc->nzones + 1) * sizeof(*sc->zones));
        z = &sc->zones[sc->nzones++];
        memset(z, 0, sizeof(*z));
        z->name = dh_strdup(name);
    }
    z->line = pc->line;
    while ((w = dh_sp_word(&rest)) != NULL) {
        if (z == &sc->zones[0] && strncmp(w, "server=", 7) != 0 &&
            strncmp(w, "denial=", 7) != 0)
            return dh_sp_err(pc, "the apex's DNSSEC mode is the header's "
                                 "'dnssec' key");
        if (zone_attr(pc, z, w) < 0)
            return -1;
    }
    pc->cur_zone = (size_t)(z - sc->zones);
    return 0;
}

/* The header keys' handlers: the line's value into the scenario. */
typedef int (*key_fn)(parse_ctx *pc, dh_scenario *sc, const char *key,
                      char *val);

/* key_id - "id ID" */
static int key_id(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    if (set_once(pc, &sc->id, key, val) < 0)
        return -1;
    if (!valid_id(sc->id))
        return dh_sp_err(
            pc,
            "bad id '%s': lower-case letters, digits and hyphens, at "
            "most %d characters",
            sc->id, MAX_ID_LEN);
    return 0;
}

/* text_slot - the string member of the scenario a text key sets */
static char **text_slot(dh_scenario *sc, const char *key)
{
    return strcmp(key, "title") == 0 ? &sc->title
           : strcmp(key, "rfc") == 0 ? &sc->rfc
                                     : &sc->requirement;
}

/* key_text - "title TEXT", "rfc TEXT", "requirement IDS" */
static int key_text(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    if (strcmp(key, "rfc") == 0)
        sc->rfc_line = pc->line;
    else if (strcmp(key, "requirement") == 0)
        sc->requirement_line = pc->line;
    return set_once(pc, text_slot(sc, key), key, val);
}

/* key_description - "description TEXT", lines joined */
static int key_description(parse_ctx *pc, dh_scenario *sc, const char *key,
                           char *val)
{
    char *d = sc->description;

    (void)pc;
    (void)key;
    sc->description = d ? dh_asprintf("%s %s", d, val) : dh_strdup(val);
    free(d);
    return 0;
}

/* key_severity - "severity security|interop|advisory" */
static int key_severity(parse_ctx *pc, dh_scenario *sc, const char *key,
                        char *val)
{
    char known[256];

    (void)key;
    if (severity_of(val, &sc->severity) < 0)
        return dh_sp_err(
            pc, "unknown severity '%s' (known: %s)", val,
            dh_vocab_choices(&dh_vocab_severity, known, sizeof(known)));
    return 0;
}

/* key_expect - "expect OUTCOME [via HOST...]" */
static int key_expect(parse_ctx *pc, dh_scenario *sc, const char *key,
                      char *val)
{
    char *w = dh_sp_word(&val), known[256];
    int k = dh_vocab_find(&dh_vocab_expect, w);

    (void)key;
    pc->expect_line = pc->line;
    if (k < 0)
        return dh_sp_err(
            pc, "unknown expectation '%s' (known: %s)", w ? w : "",
            dh_vocab_choices(&dh_vocab_expect, known, sizeof(known)));
    sc->expect = (dh_expect)k;
    if ((w = dh_sp_word(&val)) == NULL)
        return 0;
    if (strcmp(w, "via") != 0 || (sc->expect != DH_EXPECT_DELIVER &&
                                  sc->expect != DH_EXPECT_DELIVER_OR_DEFER))
        return dh_sp_err(pc,
                         "only 'expect deliver' and 'expect deliver-or-defer' "
                         "take 'via HOST...'");
    while ((w = dh_sp_word(&val)) != NULL) {
        sc->via = dh_realloc(sc->via, (sc->nvia + 1) * sizeof(char *));
        sc->via[sc->nvia++] = dh_strdup(w);
    }
    if (sc->nvia == 0)
        return dh_sp_err(pc, "'via' needs at least one host");
    return 0;
}

/* key_flag - "expect-tls required", "requires ipv6" */
static int key_flag(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    int tls = strcmp(key, "expect-tls") == 0;

    if (strcmp(val, tls ? "required" : "ipv6") != 0)
        return dh_sp_err(pc, "%s takes '%s'", key, tls ? "required" : "ipv6");
    if (tls)
        sc->expect_tls = 1;
    else
        sc->requires_ipv6 = 1;
    return 0;
}

/* key_name - "expect-sni NAME", "recipient NAME" */
static int key_name(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    int sni = strcmp(key, "expect-sni") == 0;

    if (set_once(pc, sni ? &sc->expect_sni : &sc->recipient, key, val) < 0)
        return -1;
    if (!dh_sp_valid_name(val))
        return dh_sp_err(pc,
                         sni ? "expect-sni takes a name relative to the zone, "
                               "e.g. mx1, or @"
                             : "recipient takes a domain name relative to the "
                               "zone (the recipient is postmaster@ that name)");
    return 0;
}

/* key_apex - "dnssec MODE", "denial KIND": attributes of the apex zone */
static int key_apex(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    char attr[64];

    snprintf(attr, sizeof(attr), "%s=%s", key, val);
    return zone_attr(pc, &sc->zones[0], attr);
}

/* key_host, key_fault, key_check, key_qexpect - the multi-valued keys */
static int key_host(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    (void)key;
    return parse_host(pc, sc, val);
}

static int key_fault(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    (void)key;
    return parse_fault(pc, sc, val);
}

static int key_check(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    (void)key;
    return parse_check(pc, sc, val);
}

static int key_qexpect(parse_ctx *pc, dh_scenario *sc, const char *key,
                       char *val)
{
    return parse_qexpect(pc, sc, key, val);
}

/* key_time - the keys of scenarios across time and messages
 * (scenario_time.c) */
static int key_time(parse_ctx *pc, dh_scenario *sc, const char *key, char *val)
{
    if (strcmp(key, "ttl") == 0)
        return dh_sp_key_ttl(pc, sc, val);
    if (strcmp(key, "message") == 0)
        return dh_sp_key_message(pc, sc, val);
    if (strcmp(key, "expect-at") == 0)
        return dh_sp_key_expect_at(pc, sc, val);
    return dh_sp_key_at(pc, sc, val);
}

/* Every header key, once: whether it may appear only once, whether a
 * scenario must have it, and its handler (docs/scenario-format.md). */
static const struct {
    const char *key;
    int once;
    const char *required; /* what to say when it is missing, or NULL */
    key_fn fn;
} header_keys[] = {
    {"id", 1, "missing 'id'", key_id},
    {"title", 1, "missing 'title'", key_text},
    {"rfc", 1, "missing 'rfc' (the RFC section checked)", key_text},
    {"requirement", 1, "missing 'requirement' (catalog IDs)", key_text},
    {"description", 0, NULL, key_description},
    {"severity", 1, "missing 'severity'", key_severity},
    {"expect", 1, NULL, key_expect},
    {"expect-tls", 1, NULL, key_flag},
    {"expect-sni", 1, NULL, key_name},
    {"recipient", 1, NULL, key_name},
    {"requires", 1, NULL, key_flag},
    {"dnssec", 1, "missing 'dnssec' (signed, unsigned or unsupported-alg)",
     key_apex},
    {"denial", 1, NULL, key_apex},
    {"host", 0, NULL, key_host},
    {"fault", 0, NULL, key_fault},
    {"check", 0, NULL, key_check},
    {"expect-query", 0, NULL, key_qexpect},
    {"expect-no-query", 0, NULL, key_qexpect},
    {"expect-query-order", 0, NULL, key_qexpect},
    {"expect-no-connect", 0, NULL, key_qexpect},
    {"ttl", 1, NULL, key_time},
    {"message", 0, NULL, key_time},
    {"expect-at", 0, NULL, key_time},
    {"at", 0, NULL, key_time},
};
#define NKEYS (sizeof(header_keys) / sizeof(header_keys[0]))
_Static_assert(NKEYS <= sizeof(((parse_ctx *)0)->seen),
               "parse_ctx.seen has a slot for every header key");

/* parse_header_line - one "key value" line before the first %zone */
static int parse_header_line(parse_ctx *pc, dh_scenario *sc, char *line)
{
    char *rest = line, *key = dh_sp_word(&rest);
    char *val = dh_sp_trim(rest);
    size_t i;

    for (i = 0; i < NKEYS && strcmp(header_keys[i].key, key) != 0; i++)
        ;
    if (i == NKEYS)
        return dh_sp_err(pc, "unknown key '%s' (see docs/scenario-format.md)",
                         key);
    if (header_keys[i].once && pc->seen[i]++)
        return dh_sp_err(pc, "'%s' given twice", key);
    pc->seen[i] = 1;
    return header_keys[i].fn(pc, sc, key, val);
}

/* missing_keys - the first required key the file lacks; -1 */
static int missing_keys(parse_ctx *pc)
{
    size_t i;

    for (i = 0; i < NKEYS; i++)
        if (header_keys[i].required && !pc->seen[i])
            return dh_sp_err(pc, "%s", header_keys[i].required);
    return 0;
}

/* finish - whole-file checks after the last line */
static int finish(parse_ctx *pc, dh_scenario *sc)
{
    size_t i;

    if (missing_keys(pc) < 0)
        return -1;
    if (sc->nhosts == 0)
        return dh_sp_err(pc, "no 'host' line: a scenario needs at least one MX "
                             "host");
    if (sc->zones[0].nlines == 0)
        return dh_sp_err(pc, "no records for the apex zone: add a '%%zone' "
                             "section");
    for (i = 0; i < sc->nvia; i++)
        if (dh_scenario_host(sc, sc->via[i]) == NULL) {
            pc->line = pc->expect_line;
            return dh_sp_err(pc, "'via %s': no such host", sc->via[i]);
        }
    for (i = 0; i < sc->nqexpects; i++) {
        if (sc->qexpects[i].severity == (dh_severity)-1)
            sc->qexpects[i].severity = sc->severity;
        if (sc->qexpects[i].kind == DH_QEXPECT_NO_CONNECT &&
            dh_scenario_host(sc, sc->qexpects[i].name) == NULL) {
            pc->line = sc->qexpects[i].line;
            return dh_sp_err(pc, "expect-no-connect %s: no such host",
                             sc->qexpects[i].name);
        }
    }
    return dh_sp_finish_time(pc, sc);
}

/* stem_matches - the file is named ID.scn */
static int stem_matches(const char *file, const char *id)
{
    const char *base = strrchr(file, '/');
    size_t n = strlen(id);

    base = base ? base + 1 : file;
    return strncmp(base, id, n) == 0 && strcmp(base + n, ".scn") == 0;
}

/* add_zone_line - one record line into the current %zone section */
static int add_zone_line(parse_ctx *pc, dh_scenario *sc, char *line)
{
    dh_zone_decl *z = &sc->zones[pc->cur_zone];
    char *semi = strchr(line, ';');
    int blank_owner;
    dh_span span;

    if (semi)
        *semi = 0;
    if (dh_sp_zone_span(pc, &line, &span) < 0)
        return -1;
    blank_owner = *line == ' ' || *line == '\t';
    if (blank_owner &&
        (pc->prefixed_last || span.from != 1 || span.to != DH_ATTEMPT_LAST))
        return dh_sp_err(pc, "a record next to one served only at some "
                             "attempts must name its owner");
    pc->prefixed_last = span.from != 1 || span.to != DH_ATTEMPT_LAST;
    if (strchr(line, '(') || strchr(line, ')'))
        return dh_sp_err(pc, "multi-line records (parentheses) are not "
                             "supported: one record per line");
    if (check_placeholders(pc, sc, line) < 0)
        return -1;
    z->lines = dh_realloc(z->lines, (z->nlines + 1) * sizeof(*z->lines));
    z->lines[z->nlines].line = pc->line;
    /* keep the owner column: a leading blank means "same owner" */
    z->lines[z->nlines].text = dh_strdup(line);
    z->lines[z->nlines].span = span;
    z->nlines++;
    return 0;
}

/* parse_line - one line that is not blank or a comment: a %zone line, a
 * record of the current zone, or a header line (t: trimmed) */
static int parse_line(parse_ctx *pc, dh_scenario *sc, char *line, char *t)
{
    if (strncmp(t, "%zone", 5) == 0 &&
        (t[5] == 0 || t[5] == ' ' || t[5] == '\t')) {
        pc->in_zone = 1;
        if (t[5] != 0)
            return parse_zone_line(pc, sc, t + 5);
        if (sc->zones[0].line)
            return dh_sp_err(pc, "zone '@' declared twice");
        sc->zones[0].line = pc->line;
        pc->cur_zone = 0;
        return 0;
    }
    if (pc->in_zone)
        return add_zone_line(pc, sc, line);
    return parse_header_line(pc, sc, t);
}

/* dh_scenario_parse - parse the text of one scenario file */
dh_scenario *dh_scenario_parse(const char *file, const char *text, char *err,
                               size_t errlen)
{
    parse_ctx pc;
    dh_scenario *sc = dh_calloc(1, sizeof(*sc));
    char *copy = dh_strdup(text), *cur = copy, *nl;

    memset(&pc, 0, sizeof(pc));
    pc.file = file;
    pc.err = err;
    pc.errlen = errlen;
    sc->file = dh_strdup(file);
    sc->zones = dh_calloc(1, sizeof(*sc->zones));
    sc->zones[0].name = dh_strdup("@");
    sc->nzones = 1;
    sc->ttl = DH_TTL;
    while (cur && *cur) {
        char *line, *t;

        pc.line++;
        nl = strchr(cur, '\n');
        if (nl)
            *nl = 0;
        line = cur;
        cur = nl ? nl + 1 : NULL;
        if (strlen(line) > 1000) {
            dh_sp_err(&pc, "line longer than 1000 characters");
            goto fail;
        }
        t = dh_sp_trim(line);
        if (*t == 0 || *t == '#' || (pc.in_zone && *t == ';'))
            continue;
        if (parse_line(&pc, sc, line, t) < 0)
            goto fail;
    }
    if (finish(&pc, sc) < 0)
        goto fail;
    if (!stem_matches(file, sc->id)) {
        pc.line = 1;
        dh_sp_err(&pc, "file name must be the scenario id: %s.scn", sc->id);
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
    size_t len = 0;
    char *text = dh_read_file(path, &len);
    dh_scenario *sc;

    if (text == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    sc = dh_scenario_parse(path, text, err, errlen);
    if (sc)
        dh_sha256_hex(text, len, sc->sha256);
    free(text);
    return sc;
}

/* dh_scenario_free - release a scenario and everything it owns */
void dh_scenario_free(dh_scenario *sc)
{
    size_t i, j;

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
    for (i = 0; i < sc->nqexpects; i++) {
        free(sc->qexpects[i].name);
        free(sc->qexpects[i].type);
        free(sc->qexpects[i].name2);
        free(sc->qexpects[i].type2);
    }
    for (i = 0; i < sc->nzones; i++) {
        for (j = 0; j < sc->zones[i].nlines; j++)
            free(sc->zones[i].lines[j].text);
        free(sc->zones[i].lines);
        free(sc->zones[i].name);
    }
    for (i = 0; i < sc->nvia; i++)
        free(sc->via[i]);
    free(sc->via);
    for (i = 0; i < sc->nmessages; i++) {
        free(sc->messages[i].name);
        free(sc->messages[i].recipient);
    }
    for (i = 0; i < sc->nsteps; i++) {
        for (j = 0; j < sc->steps[i].nvia; j++)
            free(sc->steps[i].via[j]);
        free(sc->steps[i].via);
    }
    for (i = 0; i < sc->nchanges; i++)
        free(sc->changes[i].host);
    free(sc->messages);
    free(sc->steps);
    free(sc->changes);
    free(sc->zones);
    free(sc->hosts);
    free(sc->faults);
    free(sc->checks);
    free(sc->qexpects);
    free(sc->file);
    free(sc->id);
    free(sc->title);
    free(sc->rfc);
    free(sc->requirement);
    free(sc->description);
    free(sc->expect_sni);
    free(sc->recipient);
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

/* dh_name_abs - absolute form of a header-style name */
char *dh_name_abs(const char *name, const char *id)
{
    const char *at = strchr(name, '@');
    size_t n = strlen(name);

    if (n > 0 && name[n - 1] == '.')
        return dh_strdup(name);
    if (strcmp(name, "@") == 0)
        return dh_asprintf("%s.%s", id, DH_TLD);
    if (at && strcmp(at + 1, DH_TLD2_KEY) == 0) {
        if (at == name)
            return dh_asprintf("%s.%s", id, DH_TLD2);
        return dh_asprintf("%.*s.%s.%s", (int)(at - name), name, id, DH_TLD2);
    }
    return dh_asprintf("%s.%s.%s", name, id, DH_TLD);
}

/* dh_severity_name - text form */
const char *dh_severity_name(dh_severity s)
{
    return dh_vocab_name(&dh_vocab_severity, (int)s);
}

/* dh_dnsstate_name - text form */
const char *dh_dnsstate_name(dh_dnsstate s)
{
    return dh_vocab_name(&dh_vocab_dnsstate, (int)s);
}

/* dh_existence_name - text form */
const char *dh_existence_name(dh_existence e)
{
    return dh_vocab_name(&dh_vocab_existence, (int)e);
}

/* dh_expect_name - text form */
const char *dh_expect_name(dh_expect e)
{
    return dh_vocab_name(&dh_vocab_expect, (int)e);
}
