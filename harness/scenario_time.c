/*
 * scenario_time.c - scenarios across time and across messages (format
 * version 3, docs/scenario-format.md): several messages, several
 * delivery attempts, what changes between them (records served only at
 * some attempts, faults in place only at some, a host switching
 * persona, a wait), and what each message must do at each attempt.
 *
 * A version 2 scenario is the special case of one message "m" and one
 * attempt, whose step is the header's "expect".
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_parse.h"
#include "util.h"
#include "vocab_all.h"

/* The most attempts a scenario may have, and the longest TTL a scenario
 * that changes its DNS between attempts may give (the harness waits past
 * it before the next attempt). */
#define MAX_ATTEMPTS 20
#define MAX_CHANGING_TTL 10

/* The validator keeps a bogus answer this long (val-bogus-ttl in the
 * sandbox resolver's configuration, configs.c). */
#define BOGUS_TTL DH_UB_BOGUS_TTL

/* attempt_number - "K" from 1 to MAX_ATTEMPTS into *k; -1 if not */
static int attempt_number(const char *s, size_t n, int *k)
{
    size_t i;
    long v = 0;

    if (n == 0 || n > 2)
        return -1;
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < 1 || v > MAX_ATTEMPTS)
        return -1;
    *k = (int)v;
    return 0;
}

/* parse_span - "K", "K-", "-K", "K-L" (n characters of s) */
static int parse_span(const char *s, size_t n, dh_span *span)
{
    const char *dash = memchr(s, '-', n);

    if (dash == NULL) {
        if (attempt_number(s, n, &span->from) < 0)
            return -1;
        span->to = span->from;
        return 0;
    }
    span->from = 1;
    span->to = DH_ATTEMPT_LAST;
    if (dash > s && attempt_number(s, (size_t)(dash - s), &span->from) < 0)
        return -1;
    if (dash + 1 < s + n &&
        attempt_number(dash + 1, (size_t)(s + n - dash - 1), &span->to) < 0)
        return -1;
    if (dash == s && dash + 1 == s + n)
        return -1; /* "-" alone */
    return span->from <= span->to ? 0 : -1;
}

/* dh_sp_zone_span - see scenario_parse.h */
int dh_sp_zone_span(parse_ctx *pc, char **line, dh_span *span)
{
    char *s = *line + strspn(*line, " \t"), *close;

    span->from = 1;
    span->to = DH_ATTEMPT_LAST;
    if (*s != '[')
        return 0;
    if ((close = strchr(s, ']')) == NULL ||
        parse_span(s + 1, (size_t)(close - s - 1), span) < 0)
        return dh_sp_err(pc,
                         "bad attempts prefix (forms: [K], [K-], [-K], "
                         "[K-L], attempts from 1 to %d)",
                         MAX_ATTEMPTS);
    *line = close + 1 + strspn(close + 1, " \t");
    if (**line == 0)
        return dh_sp_err(pc, "an attempts prefix needs a record after it");
    return 0;
}

/* dh_sp_span_attr - see scenario_parse.h */
int dh_sp_span_attr(parse_ctx *pc, const char *w, const char *key,
                    dh_span *span)
{
    size_t n = strlen(key);

    if (strncmp(w, key, n) != 0 || w[n] != '=')
        return 0;
    if (parse_span(w + n + 1, strlen(w + n + 1), span) < 0)
        return dh_sp_err(pc,
                         "bad %s= value '%s' (K, K-, -K or K-L; attempts "
                         "from 1 to %d)",
                         key, w + n + 1, MAX_ATTEMPTS);
    return 1;
}

/* dh_sp_key_ttl - "ttl SECS" */
int dh_sp_key_ttl(parse_ctx *pc, dh_scenario *sc, char *val)
{
    char *end;
    long v = strtol(val, &end, 10);

    if (*val == 0 || *end || v < 1 || v > 86400)
        return dh_sp_err(pc, "ttl takes seconds from 1 to 86400");
    sc->ttl = (int)v;
    return 0;
}

/* find_message - index of a message by name, or -1 */
static long find_message(const dh_scenario *sc, const char *name)
{
    size_t i;

    for (i = 0; i < sc->nmessages; i++)
        if (strcmp(sc->messages[i].name, name) == 0)
            return (long)i;
    return -1;
}

/* add_message - one more message (new strings) */
static dh_message *add_message(dh_scenario *sc, const char *name, int line)
{
    dh_message *m;

    sc->messages =
        dh_realloc(sc->messages, (sc->nmessages + 1) * sizeof(*sc->messages));
    m = &sc->messages[sc->nmessages++];
    memset(m, 0, sizeof(*m));
    m->name = dh_strdup(name);
    m->at = 1;
    m->line = line;
    return m;
}

/* message_attr - "recipient=DOMAIN" or "at=K" of a message line */
static int message_attr(parse_ctx *pc, dh_message *m, char *w)
{
    dh_span span;
    int rc;

    if (strncmp(w, "recipient=", 10) == 0) {
        if (m->recipient || !dh_sp_valid_name(w + 10))
            return dh_sp_err(pc, "recipient= takes one domain name "
                                 "relative to the zone (@, sub, @mxlab)");
        m->recipient = dh_strdup(w + 10);
        return 0;
    }
    if ((rc = dh_sp_span_attr(pc, w, "at", &span)) < 0)
        return -1;
    if (rc == 0 || span.from != span.to)
        return dh_sp_err(pc,
                         "unknown message attribute '%s' (known: "
                         "recipient=DOMAIN, at=K)",
                         w);
    m->at = span.from;
    return 0;
}

/* dh_sp_key_message - "message NAME [recipient=DOMAIN] [at=K]" */
int dh_sp_key_message(parse_ctx *pc, dh_scenario *sc, char *val)
{
    char *name = dh_sp_word(&val), *w;
    dh_message *m;
    size_t i;

    if (name == NULL || strlen(name) > 20)
        return dh_sp_err(pc, "message needs a NAME (at most 20 characters)");
    for (i = 0; name[i]; i++)
        if (!islower((unsigned char)name[i]) &&
            !isdigit((unsigned char)name[i]) && name[i] != '-')
            return dh_sp_err(pc,
                             "message name '%s': lower-case letters, "
                             "digits and '-' only",
                             name);
    if (find_message(sc, name) >= 0)
        return dh_sp_err(pc, "message '%s' declared twice", name);
    m = add_message(sc, name, pc->line);
    while ((w = dh_sp_word(&val)) != NULL)
        if (message_attr(pc, m, w) < 0)
            return -1;
    return 0;
}

/* step_message - the message an expect-at line names; the implicit "m"
 * when the scenario declares none */
static long step_message(parse_ctx *pc, dh_scenario *sc, const char *name)
{
    long k = find_message(sc, name);

    if (k >= 0)
        return k;
    if (sc->nmessages == 0 && strcmp(name, "m") == 0) {
        add_message(sc, "m", pc->line);
        return 0;
    }
    return dh_sp_err(pc,
                     "no message '%s' (declare it with 'message %s ...' "
                     "before its expectations; without message lines the "
                     "one message is 'm')",
                     name, name);
}

/* step_via - "via HOST..." of an expect-at line */
static int step_via(parse_ctx *pc, dh_step *st, char *val)
{
    char *w;

    if (st->expect != DH_EXPECT_DELIVER &&
        st->expect != DH_EXPECT_DELIVER_OR_DEFER)
        return dh_sp_err(pc, "only deliver and deliver-or-defer take "
                             "'via HOST...'");
    while ((w = dh_sp_word(&val)) != NULL) {
        st->via = dh_realloc(st->via, (st->nvia + 1) * sizeof(*st->via));
        st->via[st->nvia++] = dh_strdup(w);
    }
    if (st->nvia == 0)
        return dh_sp_err(pc, "'via' needs at least one host");
    return 0;
}

/* step_severity - a trailing "severity=S" of an expect-at line (cut
 * off val); 0, or -1 when its value is unknown */
static int step_severity(parse_ctx *pc, dh_step *st, char *val)
{
    char *at = strstr(val, "severity="), *end;
    size_t n;
    int k;

    if (at == NULL)
        return 0;
    end = at + 9;
    n = strcspn(end, " \t");
    if (end[n] != 0 && end[n + strspn(end + n, " \t")] != 0)
        return dh_sp_err(pc, "severity= comes last on an expect-at line");
    end[n] = 0;
    if ((k = dh_vocab_find(&dh_vocab_severity, end)) < 0)
        return dh_sp_err(pc, "severity= takes security, interop or "
                             "advisory");
    st->has_severity = 1;
    st->severity = (dh_severity)k;
    *at = 0;
    return 0;
}

/* dh_sp_key_expect_at - "expect-at K MESSAGE OUTCOME [via HOST...]
 * [severity=S]" */
int dh_sp_key_expect_at(parse_ctx *pc, dh_scenario *sc, char *val)
{
    char *k = dh_sp_word(&val), *name = dh_sp_word(&val);
    char *out = dh_sp_word(&val), *w, known[256];
    dh_step st;
    long m;
    int e;

    memset(&st, 0, sizeof(st));
    st.line = pc->line;
    if (step_severity(pc, &st, val) < 0)
        return -1;
    if (k == NULL || attempt_number(k, strlen(k), &st.attempt) < 0 ||
        name == NULL || out == NULL)
        return dh_sp_err(pc, "expect-at takes K MESSAGE OUTCOME [via "
                             "HOST...] (K: the attempt, from 1)");
    if ((m = step_message(pc, sc, name)) < 0)
        return -1;
    st.message = (size_t)m;
    if ((e = dh_vocab_find(&dh_vocab_expect, out)) < 0)
        return dh_sp_err(
            pc, "unknown expectation '%s' (known: %s)", out,
            dh_vocab_choices(&dh_vocab_expect, known, sizeof(known)));
    st.expect = (dh_expect)e;
    if ((w = dh_sp_word(&val)) != NULL) {
        if (strcmp(w, "via") != 0)
            return dh_sp_err(pc, "extra words after the expectation");
        if (step_via(pc, &st, val) < 0)
            return -1;
    }
    sc->steps = dh_realloc(sc->steps, (sc->nsteps + 1) * sizeof(*sc->steps));
    sc->steps[sc->nsteps++] = st;
    return 0;
}

/* dh_sp_key_at - "at K persona HOST PERSONA", "at K wait SECS" */
int dh_sp_key_at(parse_ctx *pc, dh_scenario *sc, char *val)
{
    char *k = dh_sp_word(&val), *what = dh_sp_word(&val);
    char *a = dh_sp_word(&val), *b = dh_sp_word(&val), *end;
    dh_change c;

    memset(&c, 0, sizeof(c));
    c.line = pc->line;
    if (k == NULL || attempt_number(k, strlen(k), &c.attempt) < 0 ||
        c.attempt < 2 || what == NULL)
        return dh_sp_err(pc, "at takes K persona HOST PERSONA or K wait SECS "
                             "(K: the attempt it comes before, from 2)");
    if (strcmp(what, "persona") == 0 && a && b && !dh_sp_word(&val)) {
        if (dh_scenario_host(sc, a) == NULL)
            return dh_sp_err(pc,
                             "at %s persona: no host '%s' (hosts come "
                             "first)",
                             k, a);
        if ((c.persona = dh_sp_persona(pc, b)) == NULL)
            return -1;
        c.kind = DH_CHANGE_PERSONA;
        c.host = dh_strdup(a);
    } else if (strcmp(what, "wait") == 0 && a && !b) {
        c.secs = strtod(a, &end);
        if (*end || c.secs <= 0 || c.secs > 60)
            return dh_sp_err(pc,
                             "at %s wait takes seconds, more than 0 and "
                             "at most 60",
                             k);
        c.kind = DH_CHANGE_WAIT;
    } else {
        return dh_sp_err(pc, "at takes K persona HOST PERSONA or K wait "
                             "SECS");
    }
    sc->changes =
        dh_realloc(sc->changes, (sc->nchanges + 1) * sizeof(*sc->changes));
    sc->changes[sc->nchanges++] = c;
    return 0;
}

/* cmp_step - attempt, then message */
static int cmp_step(const void *a, const void *b)
{
    const dh_step *x = a, *y = b;

    if (x->attempt != y->attempt)
        return x->attempt - y->attempt;
    return x->message < y->message ? -1 : x->message > y->message;
}

/* default_step - a version 2 scenario's one step: its "expect" */
static int default_step(parse_ctx *pc, dh_scenario *sc)
{
    dh_step st;
    size_t i;

    if (sc->nsteps > 0) {
        if (pc->expect_line == 0)
            return 0;
        pc->line = pc->expect_line;
        return dh_sp_err(pc, "'expect' and 'expect-at' exclude each other: "
                             "say what each attempt must do with expect-at");
    }
    if (pc->expect_line == 0)
        return dh_sp_err(pc, "missing 'expect' (or 'expect-at' lines)");
    memset(&st, 0, sizeof(st));
    st.attempt = 1;
    st.expect = sc->expect;
    st.line = pc->expect_line;
    for (i = 0; i < sc->nvia; i++) {
        st.via = dh_realloc(st.via, (st.nvia + 1) * sizeof(*st.via));
        st.via[st.nvia++] = dh_strdup(sc->via[i]);
    }
    sc->steps = dh_calloc(1, sizeof(*sc->steps));
    sc->steps[0] = st;
    sc->nsteps = 1;
    return 0;
}

/* check_steps - each step after its message's submission, via hosts
 * that exist, one step per message and attempt, each message judged */
static int check_steps(parse_ctx *pc, dh_scenario *sc)
{
    size_t i, j;

    qsort(sc->steps, sc->nsteps, sizeof(*sc->steps), cmp_step);
    for (i = 0; i < sc->nsteps; i++) {
        const dh_step *st = &sc->steps[i];
        const dh_message *m = &sc->messages[st->message];

        pc->line = st->line;
        if (st->attempt < m->at)
            return dh_sp_err(pc,
                             "message '%s' is submitted at attempt %d, "
                             "so it has no attempt %d",
                             m->name, m->at, st->attempt);
        if (i > 0 && cmp_step(st, st - 1) == 0)
            return dh_sp_err(pc,
                             "two expectations for message '%s' at "
                             "attempt %d",
                             m->name, st->attempt);
        for (j = 0; j < st->nvia; j++)
            if (dh_scenario_host(sc, st->via[j]) == NULL)
                return dh_sp_err(pc, "'via %s': no such host", st->via[j]);
        if (st->attempt > m->at)
            sc->needs_retry = 1;
    }
    for (i = 0; i < sc->nmessages; i++) {
        for (j = 0; j < sc->nsteps && sc->steps[j].message != i; j++)
            ;
        pc->line = sc->messages[i].line;
        if (j == sc->nsteps)
            return dh_sp_err(pc, "message '%s' has no expect-at line",
                             sc->messages[i].name);
        for (j = 0; j < i; j++)
            if (sc->messages[j].at == sc->messages[i].at)
                sc->needs_batch = 1;
    }
    return 0;
}

/* count_attempts - the last attempt anything names */
static int count_attempts(const dh_scenario *sc)
{
    int n = 1;
    size_t i;

    for (i = 0; i < sc->nsteps; i++)
        n = sc->steps[i].attempt > n ? sc->steps[i].attempt : n;
    for (i = 0; i < sc->nmessages; i++)
        n = sc->messages[i].at > n ? sc->messages[i].at : n;
    for (i = 0; i < sc->nchanges; i++)
        n = sc->changes[i].attempt > n ? sc->changes[i].attempt : n;
    return n;
}

/* check_spans - nothing begins after the last attempt; a scenario whose
 * DNS changes between attempts has a short TTL */
static int check_spans(parse_ctx *pc, dh_scenario *sc)
{
    size_t i, j;
    int k;

    for (i = 0; i < sc->nzones; i++)
        for (j = 0; j < sc->zones[i].nlines; j++)
            if (sc->zones[i].lines[j].span.from > sc->nattempts) {
                pc->line = sc->zones[i].lines[j].line;
                return dh_sp_err(pc,
                                 "served from attempt %d, but the "
                                 "scenario has %d attempt(s)",
                                 sc->zones[i].lines[j].span.from,
                                 sc->nattempts);
            }
    for (i = 0; i < sc->nfaults; i++)
        if (sc->faults[i].span.from > sc->nattempts) {
            pc->line = sc->faults[i].line;
            return dh_sp_err(pc,
                             "in place from attempt %d, but the scenario "
                             "has %d attempt(s)",
                             sc->faults[i].span.from, sc->nattempts);
        }
    for (i = 0; i < sc->nchecks; i++)
        if (sc->checks[i].attempt > sc->nattempts) {
            pc->line = sc->checks[i].line;
            return dh_sp_err(pc,
                             "checked before attempt %d, but the "
                             "scenario has %d attempt(s)",
                             sc->checks[i].attempt, sc->nattempts);
        }
    for (k = 2; k <= sc->nattempts; k++)
        if (dh_scenario_dns_changes(sc, k) && sc->ttl > MAX_CHANGING_TTL)
            return dh_sp_err(pc,
                             "the DNS changes before attempt %d: give the "
                             "scenario a short 'ttl' (at most %d s; the "
                             "harness waits past it between attempts)",
                             k, MAX_CHANGING_TTL);
    return 0;
}

/* dh_sp_finish_time - see scenario_parse.h */
int dh_sp_finish_time(parse_ctx *pc, dh_scenario *sc)
{
    if (sc->nmessages == 0)
        add_message(sc, "m", pc->expect_line);
    if (default_step(pc, sc) < 0 || check_steps(pc, sc) < 0)
        return -1;
    sc->nattempts = count_attempts(sc);
    return check_spans(pc, sc);
}

/* dh_scenario_expect_text - see scenario.h */
char *dh_scenario_expect_text(const dh_scenario *sc)
{
    dh_buf b;
    size_t i;

    if (sc->nattempts == 1 && sc->nmessages == 1)
        return dh_strdup(dh_expect_name(sc->steps[0].expect));
    dh_buf_init(&b);
    for (i = 0; i < sc->nsteps; i++) {
        const dh_step *st = &sc->steps[i];
        int first = i == 0 || st[-1].attempt != st->attempt;

        dh_buf_printf(&b, "%s", first ? (i ? " " : "") : ",");
        if (first)
            dh_buf_printf(&b, "%d:", st->attempt);
        if (sc->nmessages > 1)
            dh_buf_printf(&b, "%s=", sc->messages[st->message].name);
        dh_buf_puts(&b, dh_expect_name(st->expect));
    }
    return b.data;
}

/* dh_span_has - see scenario.h */
int dh_span_has(dh_span s, int k)
{
    return k >= s.from && k <= s.to;
}

/* dh_scenario_persona_at - see scenario.h */
const dh_persona *dh_scenario_persona_at(const dh_scenario *sc,
                                         const dh_host *h, int v6, int k)
{
    const dh_persona *p = v6 ? h->persona6 : h->persona;
    size_t i;

    for (i = 0; i < sc->nchanges; i++) {
        const dh_change *c = &sc->changes[i];

        if (c->kind == DH_CHANGE_PERSONA && c->attempt <= k &&
            strcmp(c->host, h->label) == 0)
            p = c->persona;
    }
    return p;
}

/* dh_scenario_dns_changes - see scenario.h */
int dh_scenario_dns_changes(const dh_scenario *sc, int k)
{
    size_t i, j;

    if (k < 2)
        return 0;
    for (i = 0; i < sc->nzones; i++)
        for (j = 0; j < sc->zones[i].nlines; j++) {
            dh_span s = sc->zones[i].lines[j].span;

            if (dh_span_has(s, k) != dh_span_has(s, k - 1))
                return 1;
        }
    for (i = 0; i < sc->nfaults; i++)
        if (dh_span_has(sc->faults[i].span, k) !=
            dh_span_has(sc->faults[i].span, k - 1))
            return 1;
    return 0;
}

/* dh_scenario_changes - see scenario.h */
int dh_scenario_changes(const dh_scenario *sc, int k)
{
    size_t i;

    if (dh_scenario_dns_changes(sc, k))
        return 1;
    for (i = 0; i < sc->nchanges; i++)
        if (sc->changes[i].attempt == k &&
            sc->changes[i].kind == DH_CHANGE_PERSONA)
            return 1;
    return 0;
}

/* dh_scenario_wait_before - see scenario.h: past every TTL (the
 * scenario's, and the validator's bogus TTL) when the DNS changed, so
 * that a resolver cannot still hold the old data; plus the scenario's
 * own waits */
double dh_scenario_wait_before(const dh_scenario *sc, int k)
{
    double secs = 0;
    size_t i;

    if (dh_scenario_dns_changes(sc, k))
        secs = (sc->ttl > BOGUS_TTL ? sc->ttl : BOGUS_TTL) + 2;
    for (i = 0; i < sc->nchanges; i++)
        if (sc->changes[i].attempt == k &&
            sc->changes[i].kind == DH_CHANGE_WAIT)
            secs += sc->changes[i].secs;
    return secs;
}
