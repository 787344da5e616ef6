/*
 * explain.c - dane-harness explain ID: what one scenario checks, read
 * from its file, the requirement catalog and the persona table, without
 * running anything (commands.h).
 *
 * Sections: the header (id, title, file, severity, expected outcome),
 * the description, the requirements with their catalog text, the fake
 * MX hosts and what their personas do, the DNS faults, the self-check
 * and resolver expectations, and the zones as they will be served, with
 * the placeholders for generated material shown symbolically.
 */
#include "commands.h"

#include <stdlib.h>
#include <string.h>

#include "reqcat.h"
#include "term.h"
#include "util.h"
#include "vocab_all.h"

#define WIDTH 79

typedef struct {
    FILE *f;
    int color;
    const dh_scenario *sc;
} explain_ctx;

/* heading - a section's title line */
static void heading(const explain_ctx *x, const char *title)
{
    fprintf(x->f, "\n%s%s%s\n", x->color ? "\033[1m" : "", title,
            x->color ? "\033[0m" : "");
}

/* field - "  key         text", the text wrapped */
static void field(const explain_ctx *x, const char *key, const char *text)
{
    int col = fprintf(x->f, "  %-12s", key);

    dh_term_wrap(x->f, text, col, 14, WIDTH);
}

/* absname - a header-style name, absolute, into buf */
static const char *absname(const explain_ctx *x, const char *name, char *buf,
                           size_t len)
{
    char *a = dh_name_abs(name, x->sc->id);

    snprintf(buf, len, "%s", a);
    free(a);
    return buf;
}

/* expect_text - the expected outcome in words (new string) */
static char *expect_text(const explain_ctx *x)
{
    const dh_scenario *sc = x->sc;
    char *via = dh_strdup(""), *t, sni[300];
    size_t i;

    for (i = 0; i < sc->nvia; i++) {
        t = dh_asprintf("%s%s%s", via, i ? ", " : "", sc->via[i]);
        free(via);
        via = t;
    }
    t = dh_asprintf(
        "%s%s%s%s%s%s%s", dh_expect_name(sc->expect), sc->nvia ? " via " : "",
        via,
        sc->expect == DH_EXPECT_DELIVER ||
                sc->expect == DH_EXPECT_DELIVER_OR_DEFER
            ? (sc->nvia ? "" : " (any host whose persona is not hostile)")
            : " (no fake server may receive the message)",
        sc->expect_tls ? "; over STARTTLS" : "",
        sc->expect_sni ? "; TLS SNI must be " : "",
        sc->expect_sni ? absname(x, sc->expect_sni, sni, sizeof(sni)) : "");
    free(via);
    return t;
}

/* part_header - id, title, file, severity, expected outcome */
static void part_header(const explain_ctx *x)
{
    const dh_scenario *sc = x->sc;
    char rcpt[300], *ex = expect_text(x);
    char *to;

    fprintf(x->f, "%s%s%s\n", x->color ? "\033[1m" : "", sc->id,
            x->color ? "\033[0m" : "");
    dh_term_wrap(x->f, sc->title, 0, 0, WIDTH);
    fputc('\n', x->f);
    field(x, "file", sc->file);
    field(x, "severity", dh_severity_name(sc->severity));
    field(x, "expect", ex);
    to = dh_asprintf(
        "postmaster@%s",
        absname(x, sc->recipient ? sc->recipient : "@", rcpt, sizeof(rcpt)));
    to[strlen(to) - 1] = 0; /* the trailing dot */
    field(x, "recipient", to);
    if (sc->requires_ipv6)
        field(x, "requires", "ipv6 (a SKIP for adapters without it)");
    free(to);
    free(ex);
    if (sc->description) {
        heading(x, "Description");
        fputs("  ", x->f);
        dh_term_wrap(x->f, sc->description, 2, 2, WIDTH);
    }
}

/* part_requirements - each cited ID with the catalog's level and text */
static void part_requirements(const explain_ctx *x, const dh_reqcat *cat)
{
    char *copy = dh_strdup(x->sc->requirement), *save = NULL, *w, *h;

    h = dh_asprintf("Requirements (rfc %s)", x->sc->rfc);
    heading(x, h);
    free(h);
    for (w = strtok_r(copy, " \t,", &save); w;
         w = strtok_r(NULL, " \t,", &save)) {
        const dh_req *r = cat ? dh_reqcat_find(cat, w) : NULL;

        if (r == NULL) {
            fprintf(x->f, "  %s (not in the requirement catalog)\n", w);
            continue;
        }
        fprintf(x->f, "  %s  %s  (RFC %s)\n      ", r->id, r->level,
                r->section);
        dh_term_wrap(x->f, r->text, 6, 6, WIDTH);
    }
    free(copy);
}

/* persona_text - what a host's persona presents and does (new string) */
static char *persona_text(const dh_persona *p)
{
    return dh_asprintf("%s%s: presents %s%s%s%s%s; %s", p->name,
                       p->hostile ? " (hostile)" : "", p->chain->name,
                       p->also ? " + " : "", p->also ? p->also->name : "",
                       p->other_sni ? ", else " : "",
                       p->other_sni ? p->other_sni->name : "", p->doc);
}

/* part_hosts - each fake MX host: its name, addresses and persona(s) */
static void part_hosts(const explain_ctx *x)
{
    size_t i;
    char name[300];

    heading(x, "Fake MX hosts (one fake server on port 25 of each address)");
    for (i = 0; i < x->sc->nhosts; i++) {
        const dh_host *h = &x->sc->hosts[i];
        char *t = persona_text(h->persona);

        fprintf(x->f, "  %s  %s, %d IPv4 and %d IPv6 address(es)", h->label,
                absname(x, h->label, name, sizeof(name)), h->nv4, h->nv6);
        if (h->stall > 0)
            fprintf(x->f, ", greeting delayed %.1f s", h->stall);
        fputs("\n    persona ", x->f);
        dh_term_wrap(x->f, t, 12, 6, WIDTH);
        free(t);
        if (h->persona6 && h->persona6 != h->persona && h->nv6) {
            t = persona_text(h->persona6);
            fputs("    IPv6    ", x->f);
            dh_term_wrap(x->f, t, 12, 6, WIDTH);
            free(t);
        }
    }
}

/* part_faults - the faults put on RRsets, with what they do */
static void part_faults(const explain_ctx *x)
{
    size_t i;

    if (x->sc->nfaults == 0)
        return;
    heading(x, "DNS faults (applied after signing)");
    for (i = 0; i < x->sc->nfaults; i++) {
        const dh_fault *f = &x->sc->faults[i];
        char *t = dh_asprintf("%s; the validator sees: %s", f->def->effect,
                              f->def->view);
        int col =
            fprintf(x->f, "  %s %s %s: ", f->owner, f->type, f->def->name);

        dh_term_wrap(x->f, t, col, 6, WIDTH);
        free(t);
    }
}

/* qexpect_text - one resolver-log expectation in words (new string) */
static char *qexpect_text(const dh_qexpect *q)
{
    switch (q->kind) {
    case DH_QEXPECT_QUERY:
        return dh_asprintf("the client asks %s %s", q->name, q->type);
    case DH_QEXPECT_NO_QUERY:
        return dh_asprintf("the client never asks %s %s", q->name, q->type);
    case DH_QEXPECT_BEFORE:
        return dh_asprintf("if the client asks %s %s, it asked %s %s first",
                           q->name2, q->type2, q->name, q->type);
    default:
        return dh_asprintf("no TCP connection to any address of %s", q->name);
    }
}

/* part_checks - the self-check and the resolver-log expectations */
static void part_checks(const explain_ctx *x)
{
    size_t i;

    heading(x, "Self-check (before the client runs; a mismatch is an "
               "ERROR)");
    for (i = 0; i < x->sc->nchecks; i++) {
        const dh_check *c = &x->sc->checks[i];

        fprintf(x->f, "  %s %s is %s%s%s\n", c->owner, c->type,
                dh_dnsstate_name(c->state),
                c->exist == DH_EXIST_DATA || c->exist == DH_EXIST_ANY ? ""
                                                                      : ", ",
                c->exist == DH_EXIST_DATA || c->exist == DH_EXIST_ANY
                    ? ""
                    : dh_existence_name(c->exist));
    }
    fprintf(x->f, "  @ SOA is %s (implicit)\n",
            x->sc->zones[0].dnssec == DH_ZONE_SIGNED ? "secure" : "insecure");
    if (x->sc->nqexpects == 0)
        return;
    heading(x, "Resolver-log expectations (when the main one passed)");
    for (i = 0; i < x->sc->nqexpects; i++) {
        char *t = qexpect_text(&x->sc->qexpects[i]);

        fprintf(x->f, "  %s (a FAIL is %s)\n", t,
                dh_severity_name(x->sc->qexpects[i].severity));
        free(t);
    }
}

/* symbol - one placeholder's body ("addr mx1 2") shown symbolically
 * (new string); {name N} becomes the absolute name it stands for */
static char *symbol(const explain_ctx *x, const char *body)
{
    char *copy = dh_strdup(body), *save = NULL, *t;
    char *kind = strtok_r(copy, " ", &save);
    char *arg = kind ? strtok_r(NULL, " ", &save) : NULL;
    char *more = arg ? strtok_r(NULL, " ", &save) : NULL;

    if (kind == NULL || arg == NULL)
        t = dh_asprintf("{%s}", body);
    else if (strcmp(kind, "name") == 0)
        t = dh_name_abs(arg, x->sc->id);
    else if (strcmp(kind, "addr") == 0 || strcmp(kind, "addr6") == 0)
        t = dh_asprintf("<%s%s%s of %s>", kind[4] ? "IPv6" : "IPv4",
                        more ? " #" : "", more ? more : "", arg);
    else if (strcmp(kind, "tlsa") == 0 && strncmp(arg, "ta:", 3) == 0)
        t = dh_asprintf("<association data of the run's CA %s>", arg + 3);
    else if (strcmp(kind, "tlsa") == 0)
        t = dh_asprintf("<association data of %s's %s>", arg,
                        more ? "RSA leaf" : "own key/certificate");
    else
        t = dh_asprintf("{%s}", body);
    free(copy);
    return t;
}

/* put_zone_line - a record line with its placeholders symbolic */
static void put_zone_line(const explain_ctx *x, const char *text)
{
    const char *p = text, *open, *close;

    fputs("    ", x->f);
    while ((open = strchr(p, '{')) != NULL &&
           (close = strchr(open, '}')) != NULL) {
        char *body = dh_strndup(open + 1, (size_t)(close - open - 1));
        char *sym = symbol(x, body);

        fprintf(x->f, "%.*s%s", (int)(open - p), p, sym);
        free(sym);
        free(body);
        p = close + 1;
    }
    fprintf(x->f, "%s\n", p);
}

/* part_zones - each zone: its origin, DNSSEC mode, server, records */
static void part_zones(const explain_ctx *x)
{
    size_t i, j;
    char name[300];

    heading(x, "Zones as served");
    fputs("  (the harness adds SOA, NS, DNSKEY, RRSIG and NSEC/NSEC3, and "
          "the delegation\n  and DS in the parent; <...> is generated per "
          "run)\n",
          x->f);
    for (i = 0; i < x->sc->nzones; i++) {
        const dh_zone_decl *z = &x->sc->zones[i];

        fprintf(x->f, "  $ORIGIN %s   ; %s, denial %s, server %s\n",
                absname(x, z->name, name, sizeof(name)),
                dh_vocab_name(&dh_vocab_zone_dnssec, (int)z->dnssec),
                dh_vocab_name(&dh_vocab_denial, (int)z->denial),
                z->server == DH_SERVER_OK
                    ? "NSD"
                    : dh_vocab_name(&dh_vocab_zone_server, (int)z->server));
        for (j = 0; j < z->nlines; j++)
            put_zone_line(x, z->lines[j].text);
    }
}

/* dh_cmd_explain - see commands.h */
int dh_cmd_explain(const dh_options *o)
{
    explain_ctx x;
    dh_reqcat cat, *catp = &cat;
    char err[1024], *path;
    dh_scenario **v;
    size_t n, i;

    if (o->shell_argv == NULL || o->shell_argv[1]) {
        fprintf(stderr, "dane-harness: explain takes one scenario id "
                        "(dane-harness list shows them)\n");
        return 2;
    }
    v = dh_cli_load_scenarios(o, &n);
    for (i = 0; i < n && strcmp(v[i]->id, o->shell_argv[0]) != 0; i++)
        ;
    if (i == n) {
        fprintf(stderr,
                "dane-harness: no scenario '%s' (dane-harness list "
                "shows them)\n",
                o->shell_argv[0]);
        dh_scenario_free_all(v, n);
        return 2;
    }
    path = dh_cli_requirements_path();
    if (dh_reqcat_load(path, &cat, err, sizeof(err)) < 0) {
        dh_warn("%s", err);
        catp = NULL;
    }
    free(path);
    x.f = stdout;
    x.color = dh_term_color(stdout);
    x.sc = v[i];
    part_header(&x);
    part_requirements(&x, catp);
    part_hosts(&x);
    part_faults(&x);
    part_checks(&x);
    part_zones(&x);
    if (catp)
        dh_reqcat_free(catp);
    dh_scenario_free_all(v, n);
    return 0;
}
