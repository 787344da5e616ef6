/*
 * persona.c - load certs/personas.conf (persona.h; format in
 * certs/README.md).
 *
 * The file is read into rows (a row starts at column 0, an indented line
 * continues it), each row into words (KEY=VALUE, the value possibly in
 * double quotes).  Each kind of row has a table of its keys; a key not
 * in it, a name defined twice or a reference to a name not defined
 * before is an error naming the file and line.
 */
#include "persona.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/vocab.h"
#include "util.h"

/* The CAs the harness gives a role: they must be defined. */
static const char *const required_cas[] = {"root", "intermediate",
                                           "attacker-ca"};

static const char *const key_names[] = {
    [DH_KEY_HOST] = "host",
    [DH_KEY_HOST_RSA] = "host-rsa",
    [DH_KEY_HOST_NEXT] = "host-next",
    [DH_KEY_ATTACKER] = "attacker",
    [DH_KEY_NEW] = "new",
};
DH_VOCAB_DEFINE(static, key_vocab, "key", key_names, DH_KEY_KINDS);

static struct {
    char *file;
    dh_ca_profile *cas;
    size_t ncas;
    dh_chain **chains; /* pointers: personas keep pointers to them */
    size_t nchains;
    dh_persona *personas; /* NULL-name terminated */
    size_t npersonas;
    int loaded;
} T;

/* One KEY=VALUE word of a row. */
typedef struct {
    char *key;
    char *value;
    int line;
    int used;
} word;

typedef struct {
    char *kind; /* ca, chain, persona */
    char *name;
    word *w;
    size_t n;
    int line;
} row;

typedef struct {
    const char *file;
    char *err;
    size_t errlen;
} ctx;

/* fail - "FILE:LINE: message" into the error, -1 */
static int fail(ctx *c, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(ctx *c, int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(c->err, c->errlen, "%s:%d: ", c->file, line);

    if (n < 0 || (size_t)n >= c->errlen)
        return -1;
    va_start(ap, fmt);
    vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* split_words - the words of one physical line into row r */
static int split_words(ctx *c, char *s, int line, row *r)
{
    while (*s) {
        char *k, *v, *eq;

        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == 0 || *s == '#')
            break;
        k = s;
        eq = NULL;
        while (*s && *s != ' ' && *s != '\t' && *s != '"') {
            if (*s == '=' && eq == NULL)
                eq = s;
            s++;
        }
        if (eq == NULL)
            return fail(c, line, "'%.*s': expected KEY=VALUE", (int)(s - k), k);
        *eq = 0;
        if (*s == '"') {
            v = ++s;
            while (*s && *s != '"')
                s++;
            if (*s != '"')
                return fail(c, line, "%s: unterminated \"", k);
            *s++ = 0;
        } else {
            v = eq + 1;
            if (*s)
                *s++ = 0;
        }
        r->w = dh_realloc(r->w, (r->n + 1) * sizeof(*r->w));
        r->w[r->n++] = (word){dh_strdup(k), dh_strdup(v), line, 0};
    }
    return 0;
}

/* read_rows - the file's rows; -1 with the error */
static int read_rows(ctx *c, char *text, row **rows, size_t *nrows)
{
    char *cur = text, *nl;
    int line = 0;

    for (; cur && *cur; cur = nl ? nl + 1 : NULL) {
        row *r;
        char kind[16], name[128];
        int used = 0;

        line++;
        if ((nl = strchr(cur, '\n')) != NULL)
            *nl = 0;
        if (*cur == '#' || strspn(cur, " \t") == strlen(cur))
            continue;
        if (*cur == ' ' || *cur == '\t') {
            if (*nrows == 0)
                return fail(c, line, "a continuation line before any row");
            if (split_words(c, cur, line, &(*rows)[*nrows - 1]) < 0)
                return -1;
            continue;
        }
        if (sscanf(cur, "%15s %127s %n", kind, name, &used) < 2 || !used)
            return fail(c, line,
                        "expected 'ca|chain|persona NAME KEY=VALUE...'");
        *rows = dh_realloc(*rows, (*nrows + 1) * sizeof(**rows));
        r = &(*rows)[(*nrows)++];
        memset(r, 0, sizeof(*r));
        r->kind = dh_strdup(kind);
        r->name = dh_strdup(name);
        r->line = line;
        if (split_words(c, cur + used, line, r) < 0)
            return -1;
    }
    return 0;
}

/* take - the value of KEY in the row (marked used), or NULL */
static const char *take(row *r, const char *key, int *line)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        if (strcmp(r->w[i].key, key) == 0) {
            r->w[i].used = 1;
            if (line)
                *line = r->w[i].line;
            return r->w[i].value;
        }
    return NULL;
}

/* leftover - the first key the row's kind does not know; -1 */
static int leftover(ctx *c, row *r, const char *known)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        if (!r->w[i].used)
            return fail(c, r->w[i].line, "%s %s: unknown key '%s' (known: %s)",
                        r->kind, r->name, r->w[i].key, known);
    return 0;
}

/* duration - "+30d", "-1h", "90m", "10s" in seconds; -1 if malformed */
static int duration(const char *s, long *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    static const struct {
        char unit;
        long secs;
    } units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
    size_t i;

    if (end == s || end[0] == 0 || end[1] != 0)
        return -1;
    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (*end == units[i].unit) {
            *out = v * units[i].secs;
            return 0;
        }
    return -1;
}

/* validity - from= and until= of a row, with defaults */
static int validity(ctx *c, row *r, long *from, long *to)
{
    const char *f = take(r, "from", NULL), *u = take(r, "until", NULL);

    *from = -86400;
    *to = 30 * 86400;
    if ((f && duration(f, from) < 0) || (u && duration(u, to) < 0))
        return fail(c, r->line,
                    "%s %s: from= and until= take a signed "
                    "number of d, h, m or s (e.g. -30d)",
                    r->kind, r->name);
    if (*from >= *to)
        return fail(c, r->line, "%s %s: from= is not before until=", r->kind,
                    r->name);
    return 0;
}

/* issuer_of - issuer= as a CA index, or -1 for self; -2 on error */
static int issuer_of(ctx *c, row *r, size_t upto)
{
    int line = r->line, k;
    const char *v = take(r, "issuer", &line);

    if (v == NULL) {
        fail(c, line, "%s %s: needs issuer=CA (or self)", r->kind, r->name);
        return -2;
    }
    if (strcmp(v, "self") == 0)
        return -1;
    k = dh_ca_find(v);
    if (k < 0 || (size_t)k >= upto) {
        fail(c, line, "%s %s: issuer '%s' is no CA defined above", r->kind,
             r->name, v);
        return -2;
    }
    return k;
}

/* load_ca - a "ca" row */
static int load_ca(ctx *c, row *r)
{
    dh_ca_profile p;
    const char *cn = take(r, "cn", NULL), *doc = take(r, "doc", NULL);

    memset(&p, 0, sizeof(p));
    if (cn == NULL)
        return fail(c, r->line, "ca %s: needs cn=\"...\"", r->name);
    if ((p.issuer = issuer_of(c, r, T.ncas)) == -2 ||
        validity(c, r, &p.from, &p.to) < 0 ||
        leftover(c, r, "cn, issuer, from, until, doc") < 0)
        return -1;
    p.name = dh_strdup(r->name);
    p.cn = dh_strdup(cn);
    p.doc = doc ? dh_strdup(doc) : NULL;
    p.line = r->line;
    T.cas = dh_realloc(T.cas, (T.ncas + 1) * sizeof(*T.cas));
    T.cas[T.ncas++] = p;
    return 0;
}

static const char *const chain_keys =
    "leaf, key, issuer, cn, san, from, until, send, ku, eku";

/* send_list - send=CA,CA... or none */
static int send_list(ctx *c, row *r, dh_chain *ch)
{
    int line = r->line;
    const char *v = take(r, "send", &line);
    char *copy, *save = NULL, *w;

    if (v == NULL || strcmp(v, "none") == 0)
        return 0;
    copy = dh_strdup(v);
    for (w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        int k = dh_ca_find(w);

        if (k < 0) {
            fail(c, line, "%s %s: send: '%s' is no CA", r->kind, r->name, w);
            free(copy);
            return -1;
        }
        ch->send = dh_realloc(ch->send, (ch->nsend + 1) * sizeof(*ch->send));
        ch->send[ch->nsend++] = k;
    }
    free(copy);
    return 0;
}

/* free_chain - one chain's strings */
static void free_chain(dh_chain *ch)
{
    free(ch->name);
    free(ch->cn);
    free(ch->san);
    free(ch->ku);
    free(ch->eku);
    free(ch->send);
    free(ch);
}

/* chain_of_row - the chain keys of a row (a chain, or a persona's own);
 * NULL with the error */
static dh_chain *chain_of_row(ctx *c, row *r)
{
    dh_chain *ch = dh_calloc(1, sizeof(*ch));
    const char *leaf = take(r, "leaf", NULL), *key;
    int line = r->line, k;

    ch->name = dh_strdup(r->name);
    ch->line = r->line;
    if (leaf) {
        if ((ch->leaf = dh_chain_find(leaf)) == NULL || ch->leaf->leaf) {
            fail(c, r->line,
                 "%s %s: leaf=%s names no chain defined above "
                 "with a leaf of its own",
                 r->kind, r->name, leaf);
            goto bad;
        }
        if (send_list(c, r, ch) < 0)
            goto bad;
        return ch;
    }
    key = take(r, "key", &line);
    if ((k = dh_vocab_find(&key_vocab, key)) < 0) {
        char known[128];

        fail(c, line, "%s %s: key= takes %s", r->kind, r->name,
             dh_vocab_choices(&key_vocab, known, sizeof(known)));
        goto bad;
    }
    ch->key = (dh_key_kind)k;
    if ((ch->issuer = issuer_of(c, r, T.ncas)) == -2 ||
        validity(c, r, &ch->from, &ch->to) < 0 || send_list(c, r, ch) < 0)
        goto bad;
    if (take(r, "cn", NULL) == NULL) {
        fail(c, r->line,
             "%s %s: needs cn= (host, domain, PREFIX.parent or "
             "a name)",
             r->kind, r->name);
        goto bad;
    }
    ch->cn = dh_strdup(take(r, "cn", NULL));
    ch->san = take(r, "san", NULL) ? dh_strdup(take(r, "san", NULL)) : NULL;
    ch->ku = take(r, "ku", NULL) ? dh_strdup(take(r, "ku", NULL)) : NULL;
    ch->eku = take(r, "eku", NULL) ? dh_strdup(take(r, "eku", NULL)) : NULL;
    return ch;
bad:
    free_chain(ch);
    return NULL;
}

/* add_chain - one more chain in the table */
static const dh_chain *add_chain(ctx *c, dh_chain *ch, int line)
{
    if (dh_chain_find(ch->name)) {
        fail(c, line, "chain %s is defined twice", ch->name);
        return NULL;
    }
    ch->index = (int)T.nchains;
    T.chains = dh_realloc(T.chains, (T.nchains + 1) * sizeof(*T.chains));
    T.chains[T.nchains++] = ch;
    return ch;
}

/* load_chain - a "chain" row */
static int load_chain(ctx *c, row *r)
{
    dh_chain *ch = chain_of_row(c, r);

    if (ch == NULL)
        return -1;
    if (leftover(c, r, chain_keys) < 0 || add_chain(c, ch, r->line) == NULL) {
        free_chain(ch);
        return -1;
    }
    return 0;
}

/* chain_ref - a persona key naming a chain, or NULL if absent; *bad set
 * when it names none */
static const dh_chain *chain_ref(ctx *c, row *r, const char *key, int *bad)
{
    int line = r->line;
    const char *v = take(r, key, &line);
    const dh_chain *ch;

    if (v == NULL)
        return NULL;
    if ((ch = dh_chain_find(v)) == NULL) {
        fail(c, line, "persona %s: %s=%s names no chain defined above", r->name,
             key, v);
        *bad = 1;
    }
    return ch;
}

/* has_chain_keys - does a persona row define a chain of its own? */
static int has_chain_keys(row *r)
{
    static const char *const keys[] = {"leaf", "key",   "issuer", "cn", "san",
                                       "from", "until", "send",   "ku", "eku"};
    size_t i, j;

    for (i = 0; i < r->n; i++)
        for (j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
            if (strcmp(r->w[i].key, keys[j]) == 0)
                return 1;
    return 0;
}

/* load_persona - a "persona" row */
static int load_persona(ctx *c, row *r)
{
    dh_persona p;
    const char *hostile, *opts, *doc;
    int bad = 0;

    memset(&p, 0, sizeof(p));
    if (dh_persona_find(r->name))
        return fail(c, r->line, "persona %s is defined twice", r->name);
    if (has_chain_keys(r)) {
        dh_chain *ch;

        if (take(r, "chain", NULL))
            return fail(c, r->line,
                        "persona %s: chain= or a chain of its "
                        "own, not both",
                        r->name);
        ch = chain_of_row(c, r);
        if (ch == NULL)
            return -1;
        if ((p.chain = add_chain(c, ch, r->line)) == NULL) {
            free_chain(ch);
            return -1;
        }
    } else {
        p.chain = chain_ref(c, r, "chain", &bad);
        if (p.chain == NULL && !bad && (p.chain = dh_chain_find("own")) == NULL)
            return fail(c, r->line,
                        "persona %s: no chain= and no chain "
                        "'own' defined above",
                        r->name);
    }
    p.also = chain_ref(c, r, "also", &bad);
    p.other_sni = chain_ref(c, r, "other-sni", &bad);
    hostile = take(r, "hostile", NULL);
    opts = take(r, "fakemx", NULL);
    doc = take(r, "doc", NULL);
    if (bad)
        return -1;
    if (hostile && strcmp(hostile, "yes") && strcmp(hostile, "no"))
        return fail(c, r->line, "persona %s: hostile= takes yes or no",
                    r->name);
    if (doc == NULL)
        return fail(c, r->line, "persona %s: needs doc=\"what it does\"",
                    r->name);
    if (leftover(c, r,
                 "chain (or the keys of a chain), also, other-sni, "
                 "fakemx, hostile, doc") < 0)
        return -1;
    p.name = dh_strdup(r->name);
    p.options = dh_strdup(opts ? opts : "");
    p.hostile = hostile && strcmp(hostile, "yes") == 0;
    p.doc = dh_strdup(doc);
    p.line = r->line;
    T.personas = dh_realloc(T.personas, (T.npersonas + 2) * sizeof(p));
    T.personas[T.npersonas++] = p;
    memset(&T.personas[T.npersonas], 0, sizeof(p));
    return 0;
}

/* load_rows - every row by its kind, then the required names */
static int load_rows(ctx *c, row *rows, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        row *r = &rows[i];
        int rc;

        if (strcmp(r->kind, "ca") == 0)
            rc = dh_ca_find(r->name) >= 0
                     ? fail(c, r->line, "ca %s is defined twice", r->name)
                     : load_ca(c, r);
        else if (strcmp(r->kind, "chain") == 0)
            rc = load_chain(c, r);
        else if (strcmp(r->kind, "persona") == 0)
            rc = load_persona(c, r);
        else
            rc = fail(c, r->line,
                      "unknown row '%s' (known: ca, chain, "
                      "persona)",
                      r->kind);
        if (rc < 0)
            return -1;
    }
    for (i = 0; i < sizeof(required_cas) / sizeof(required_cas[0]); i++)
        if (dh_ca_find(required_cas[i]) < 0)
            return fail(c, 1, "the harness needs a ca %s", required_cas[i]);
    if (dh_chain_find("own") == NULL || dh_chain_find("own-rsa") == NULL)
        return fail(c, 1,
                    "the harness needs the chains own and own-rsa (the "
                    "host's certificates that {tlsa HOST} and {tlsa "
                    "HOST rsa} describe)");
    if (T.npersonas == 0)
        return fail(c, 1, "no persona defined");
    return 0;
}

/* unload - release the tables of a previous load */
static void unload(void)
{
    size_t i;

    for (i = 0; i < T.ncas; i++) {
        free(T.cas[i].name);
        free(T.cas[i].cn);
        free(T.cas[i].doc);
    }
    for (i = 0; i < T.nchains; i++)
        free_chain(T.chains[i]);
    for (i = 0; i < T.npersonas; i++) {
        free(T.personas[i].name);
        free(T.personas[i].options);
        free(T.personas[i].doc);
    }
    free(T.cas);
    free(T.chains);
    free(T.personas);
    free(T.file);
    memset(&T, 0, sizeof(T));
}

/* dh_personas_load - see persona.h */
int dh_personas_load(const char *path, char *err, size_t errlen)
{
    ctx c = {path, err, errlen};
    char *text = dh_read_file(path, NULL);
    row *rows = NULL;
    size_t nrows = 0, i, j;
    int rc;

    if (text == NULL) {
        snprintf(err, errlen, "%s: cannot read the personas: %s", path,
                 strerror(errno));
        return -1;
    }
    unload();
    T.file = dh_strdup(path);
    T.loaded = 1; /* lookups during the load see what is loaded so far */
    rc = read_rows(&c, text, &rows, &nrows);
    if (rc == 0)
        rc = load_rows(&c, rows, nrows);
    for (i = 0; i < nrows; i++) {
        for (j = 0; j < rows[i].n; j++) {
            free(rows[i].w[j].key);
            free(rows[i].w[j].value);
        }
        free(rows[i].w);
        free(rows[i].kind);
        free(rows[i].name);
    }
    free(rows);
    free(text);
    T.loaded = rc == 0;
    return rc;
}

/* need - the tables, or a broken invariant */
static void need(void)
{
    if (!T.loaded)
        dh_panic("personas used before dh_personas_load()");
}

/* dh_personas_file - see persona.h */
const char *dh_personas_file(void)
{
    need();
    return T.file;
}

/* dh_persona_find - persona by name, or NULL */
const dh_persona *dh_persona_find(const char *name)
{
    size_t i;

    need();
    for (i = 0; i < T.npersonas; i++)
        if (strcmp(T.personas[i].name, name) == 0)
            return &T.personas[i];
    return NULL;
}

/* dh_persona_all - the whole table, terminated by a NULL name */
const dh_persona *dh_persona_all(void)
{
    need();
    return T.personas;
}

/* dh_chain_count - number of chains */
size_t dh_chain_count(void)
{
    need();
    return T.nchains;
}

/* dh_chain_at - chain i */
const dh_chain *dh_chain_at(size_t i)
{
    need();
    if (i >= T.nchains)
        dh_panic("chain %zu of %zu", i, T.nchains);
    return T.chains[i];
}

/* dh_chain_find - chain by name, or NULL */
const dh_chain *dh_chain_find(const char *name)
{
    size_t i;

    need();
    for (i = 0; i < T.nchains; i++)
        if (strcmp(T.chains[i]->name, name) == 0)
            return T.chains[i];
    return NULL;
}

/* dh_ca_count - number of CAs */
size_t dh_ca_count(void)
{
    need();
    return T.ncas;
}

/* dh_ca_at - CA i */
const dh_ca_profile *dh_ca_at(size_t i)
{
    need();
    if (i >= T.ncas)
        dh_panic("CA %zu of %zu", i, T.ncas);
    return &T.cas[i];
}

/* dh_ca_find - index of a CA by name, or -1 */
int dh_ca_find(const char *name)
{
    size_t i;

    need();
    for (i = 0; i < T.ncas; i++)
        if (strcmp(T.cas[i].name, name) == 0)
            return (int)i;
    return -1;
}
