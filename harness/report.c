/*
 * report.c - render the results.  The console table is for people; JSON
 * (schema in docs/report-json.md), JUnit XML and TAP are for machines.
 */
#include "report.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "util.h"

/* put_col - s in a column of width characters (UTF-8 aware), cut with
 * an ellipsis when longer */
static void put_col(FILE *f, const char *s, size_t width)
{
    size_t chars = 0;
    const char *p;

    for (p = s; *p; p++)
        if (((unsigned char)*p & 0xc0) != 0x80)
            chars++;
    if (chars <= width) {
        fputs(s, f);
        for (; chars < width; chars++)
            fputc(' ', f);
        return;
    }
    for (p = s, chars = 0; *p; p++) {
        if (((unsigned char)*p & 0xc0) != 0x80 && ++chars == width)
            break;
        fputc(*p, f);
    }
    fputs("\u2026", f);
}

/* verdict_label - "PASS", "FAIL/security", ... */
static void verdict_label(const dh_verdict *v, char *buf, size_t len)
{
    if (v->kind == DH_V_FAIL)
        snprintf(buf, len, "FAIL/%s", dh_severity_name(v->severity));
    else
        snprintf(buf, len, "%s", dh_verdict_name(v->kind));
}

/* dh_report_console - the conformance table */
void dh_report_console(FILE *f, const dh_report *r, int color)
{
    size_t i, w = 8, counts[DH_V_KINDS] = {0};

    for (i = 0; i < r->n; i++)
        if (strlen(r->results[i].ws->sc->id) > w)
            w = strlen(r->results[i].ws->sc->id);
    fprintf(f, "\ndane-harness %s: RFC 7672 conformance of %s (%s)\n\n",
            DH_VERSION, r->client->spec, r->client->version);
    fprintf(f, "%-*s  %-14s  %-20s  %s\n", (int)w, "SCENARIO", "VERDICT", "RFC",
            "REASON");
    for (i = 0; i < r->n; i++) {
        const dh_result *res = &r->results[i];
        char label[32];
        const char *on = "", *off = "";

        verdict_label(&res->verdict, label, sizeof(label));
        counts[res->verdict.kind]++;
        if (color) {
            off = "\033[0m";
            on = res->verdict.kind == DH_V_PASS   ? "\033[32m"
                 : res->verdict.kind == DH_V_FAIL ? "\033[31;1m"
                                                  : "\033[33m";
        }
        fprintf(f, "%-*s  %s%-14s%s  ", (int)w, res->ws->sc->id, on, label,
                off);
        put_col(f, res->ws->sc->rfc, 20);
        fprintf(f, "  %s\n", res->verdict.reason);
    }
    fprintf(f,
            "\n%zu scenarios: %zu PASS, %zu FAIL, %zu ERROR, %zu HANG, "
            "%zu CRASH, %zu SKIP",
            r->n, counts[DH_V_PASS], counts[DH_V_FAIL], counts[DH_V_ERROR],
            counts[DH_V_HANG], counts[DH_V_CRASH], counts[DH_V_SKIP]);
    if (counts[DH_V_XFAIL] || counts[DH_V_XPASS])
        fprintf(f, ", %zu XFAIL, %zu XPASS", counts[DH_V_XFAIL],
                counts[DH_V_XPASS]);
    if (r->world)
        fprintf(f, "; world built in %.2f s, up in %.2f s; run %.1f s",
                r->world->t_build, r->world->t_start, r->duration);
    fprintf(f, "\n");
    if (r->run)
        fprintf(f,
                "fixture: %lu fake MX events (%lu lost), %lu resolver queries "
                "(%lu dropped), longest fake MX heartbeat gap %.2f s, %zu "
                "incident(s)\n",
                r->run->events, r->run->lost_events, r->run->resolver_queries,
                r->run->resolver_dropped, r->run->max_heartbeat_gap,
                r->run->nincidents);
    if (r->harness_error)
        fprintf(f, "harness error: %s\n", r->harness_error);
}

/* fixture_json - what the fixture's own records say about the run */
static json_t *fixture_json(const dh_run_obs *run)
{
    json_t *o = json_object(), *arr = json_array();
    size_t i;

    json_object_set_new(o, "fakemx_events",
                        json_integer((json_int_t)run->events));
    json_object_set_new(o, "fakemx_events_lost",
                        json_integer((json_int_t)run->lost_events));
    json_object_set_new(o, "fakemx_max_heartbeat_gap",
                        json_real(run->max_heartbeat_gap));
    json_object_set_new(o, "resolver_queries",
                        json_integer((json_int_t)run->resolver_queries));
    json_object_set_new(o, "resolver_dropped",
                        json_integer((json_int_t)run->resolver_dropped));
    for (i = 0; i < run->nincidents; i++) {
        const dh_incident *inc = &run->incidents[i];
        json_t *x = json_object();

        json_object_set_new(x, "from", json_real(inc->from));
        json_object_set_new(x, "to", json_real(inc->to));
        json_object_set_new(x, "scenario",
                            inc->scenario ? json_string(inc->scenario)
                                          : json_null());
        json_object_set_new(x, "what", json_string(inc->what));
        json_array_append_new(arr, x);
    }
    json_object_set_new(o, "incidents", arr);
    return o;
}

/* conn_attempt - the attempt of res during which connection c began,
 * or 0 (verdict_steps.c judges with the same windows, and a slack) */
static int conn_attempt(const dh_result *res, const dh_conn_obs *c)
{
    const dh_attempts *x = &res->atts;
    int k;
    size_t m;

    for (k = 1; x->a && k <= x->natt; k++)
        for (m = 0; m < x->nmsg; m++) {
            const dh_attempt *a = DH_ATT(x, k, m);

            if (dh_attempt_holds(a, c->t_first))
                return k;
        }
    return 0;
}

/* conn_messages - the names of the scenario's messages connection c
 * carried (a token of no message of the scenario is shown as is) */
static json_t *conn_messages(const dh_result *res, const dh_conn_obs *c)
{
    json_t *arr = json_array();
    size_t i, m;

    for (i = 0; i < c->ntokens; i++) {
        const char *name = c->tokens[i];

        for (m = 0; m < res->ws->sc->nmessages; m++)
            if (strcmp(res->ws->msgs[m].token, c->tokens[i]) == 0)
                name = res->ws->sc->messages[m].name;
        json_array_append_new(arr, json_string(name));
    }
    return arr;
}

/* conn_json - evidence of one connection of res */
static json_t *conn_json(const dh_result *res, const dh_conn_obs *c)
{
    json_t *o = json_object();
    int k = conn_attempt(res, c);

    json_object_set_new(o, "attempt", k ? json_integer(k) : json_null());
    json_object_set_new(o, "messages", conn_messages(res, c));
    json_object_set_new(o, "tls_resumed", json_boolean(c->tls_resumed));

    json_object_set_new(o, "host", json_string(c->host ? c->host : ""));
    json_object_set_new(o, "address", json_string(c->addr ? c->addr : ""));
    json_object_set_new(o, "persona",
                        json_string(c->persona ? c->persona : ""));
    json_object_set_new(o, "starttls_offered",
                        json_boolean(c->starttls_offered));
    json_object_set_new(o, "starttls_used", json_boolean(c->starttls_cmd));
    json_object_set_new(o, "tls_ok", json_boolean(c->tls_ok));
    json_object_set_new(o, "tls_version",
                        c->tls_version ? json_string(c->tls_version)
                                       : json_null());
    json_object_set_new(o, "sni", c->sni ? json_string(c->sni) : json_null());
    if (c->tls_error)
        json_object_set_new(o, "tls_error", json_string(c->tls_error));
    if (c->leaf_sha256)
        json_object_set_new(o, "leaf_sha256", json_string(c->leaf_sha256));
    json_object_set_new(o, "mail_from", json_boolean(c->mail));
    json_object_set_new(o, "message_received", json_boolean(c->message));
    json_object_set_new(o, "quit", json_boolean(c->quit));
    return o;
}

/* query_text - "NAME TYPE -> RCODE (SECONDS s)" (new string) */
static char *query_text(const dh_query_obs *q)
{
    if (!q->answered)
        return dh_asprintf("%s %s -> no answer", q->name, q->type);
    return dh_asprintf("%s %s -> %s (%.3f s)%s%s", q->name, q->type, q->rcode,
                       q->seconds, q->why ? ": " : "", q->why ? q->why : "");
}

/* query_json - one question the client asked and the resolver's answer */
static json_t *query_json(const dh_query_obs *q)
{
    json_t *o = json_object();

    json_object_set_new(o, "name", json_string(q->name));
    json_object_set_new(o, "type", json_string(q->type));
    json_object_set_new(o, "rcode",
                        q->answered ? json_string(q->rcode) : json_null());
    json_object_set_new(o, "seconds",
                        q->answered ? json_real(q->seconds) : json_null());
    if (q->why)
        json_object_set_new(o, "why", json_string(q->why));
    return o;
}

/* attempts_json - every message's every attempt: what the adapter did
 * and said, and what the step expected */
static json_t *attempts_json(const dh_result *res)
{
    const dh_scenario *sc = res->ws->sc;
    const dh_attempts *x = &res->atts;
    json_t *arr = json_array();
    size_t i;

    for (i = 0; x->a && i < sc->nsteps; i++) {
        const dh_step *st = &sc->steps[i];
        const dh_attempt *a = DH_ATT(x, st->attempt, st->message);
        json_t *o = json_object();

        json_object_set_new(o, "attempt", json_integer(st->attempt));
        json_object_set_new(o, "message",
                            json_string(sc->messages[st->message].name));
        json_object_set_new(o, "token",
                            json_string(res->ws->msgs[st->message].token));
        json_object_set_new(o, "expect",
                            json_string(dh_expect_name(st->expect)));
        json_object_set_new(o, "ran", json_boolean(a->ran));
        json_object_set_new(o, "outcome",
                            json_string(dh_outcome_name(a->outcome)));
        json_object_set_new(o, "client_said",
                            a->outcome_line ? json_string(a->outcome_line)
                                            : json_null());
        json_object_set_new(o, "started",
                            a->ran ? json_real(a->t_start) : json_null());
        json_object_set_new(o, "seconds", json_real(a->seconds));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* verdict_members - verdict, severity, scenario_severity, xfail and
 * reason into a results[] element */
static void verdict_members(json_t *o, const dh_result *res)
{
    json_t *sev = json_string(dh_severity_name(res->verdict.severity));

    json_object_set_new(o, "verdict",
                        json_string(dh_verdict_name(res->verdict.kind)));
    json_object_set(o, "severity",
                    res->verdict.kind == DH_V_FAIL ? sev : json_null());
    json_object_set_new(o, "scenario_severity",
                        json_string(dh_severity_name(res->ws->sc->severity)));
    /* an XFAIL says what it foresaw: its verdict, a FAIL's severity */
    if (res->verdict.kind == DH_V_XFAIL)
        json_object_set_new(
            o, "xfail",
            json_pack("{s:s, s:O}", "verdict", dh_verdict_name(res->foreseen),
                      "severity",
                      res->foreseen == DH_V_FAIL ? sev : json_null()));
    json_object_set_new(o, "reason", json_string(res->verdict.reason));
    json_decref(sev);
}

/* dh_report_result_json - see report.h */
json_t *dh_report_result_json(const dh_result *res)
{
    const dh_scenario *sc = res->ws->sc;
    json_t *o = json_object(), *ev = json_object(), *arr;
    char *ex;
    size_t i;

    json_object_set_new(o, "scenario", json_string(sc->id));
    json_object_set_new(o, "title", json_string(sc->title));
    verdict_members(o, res);
    json_object_set_new(o, "rfc", json_string(sc->rfc));
    json_object_set_new(o, "requirement", json_string(sc->requirement));
    ex = dh_scenario_expect_text(sc);
    json_object_set_new(o, "expect", json_string(ex));
    free(ex);
    json_object_set_new(o, "attempts", json_integer(sc->nattempts));
    json_object_set_new(o, "domain", json_string(res->ws->domain));
    json_object_set_new(o, "file", json_string(sc->file));
    json_object_set_new(ev, "outcome",
                        json_string(dh_outcome_name(res->attempt.outcome)));
    json_object_set_new(ev, "client_said",
                        res->attempt.outcome_line
                            ? json_string(res->attempt.outcome_line)
                            : json_null());
    json_object_set_new(ev, "seconds", json_real(res->attempt.seconds));
    arr = json_array();
    for (i = 0; i < res->obs.nconns; i++)
        json_array_append_new(arr, conn_json(res, &res->obs.conns[i]));
    json_object_set_new(ev, "connections", arr);
    arr = json_array();
    for (i = 0; i < res->obs.nqueries; i++) {
        char *q = dh_asprintf("%s %s", res->obs.queries[i].name,
                              res->obs.queries[i].type);

        json_array_append_new(arr, json_string(q));
        free(q);
    }
    json_object_set_new(ev, "dns_queries", arr);
    arr = json_array();
    for (i = 0; i < res->obs.nqueries; i++)
        json_array_append_new(arr, query_json(&res->obs.queries[i]));
    json_object_set_new(ev, "dns", arr);
    json_object_set_new(ev, "attempts", attempts_json(res));
    json_object_set_new(o, "evidence", ev);
    return o;
}

/* dh_report_summary_json - see report.h */
json_t *dh_report_summary_json(const size_t counts[DH_V_KINDS])
{
    json_t *sum = json_object();
    size_t i;

    for (i = 0; i < DH_V_KINDS; i++)
        json_object_set_new(sum, dh_verdict_name((dh_verdict_kind)i),
                            json_integer((json_int_t)counts[i]));
    return sum;
}

/* dh_report_json - the machine-readable report */
int dh_report_json(const char *path, const dh_report *r)
{
    json_t *root = json_object(), *arr = json_array(), *cl = json_object();
    size_t i, counts[DH_V_KINDS] = {0};
    char ts[64];
    time_t t = (time_t)r->started;
    int rc;

    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    json_object_set_new(root, "harness", json_string("dane-harness"));
    json_object_set_new(root, "version", json_string(DH_VERSION));
    json_object_set_new(root, "report_schema", json_integer(1));
    json_object_set_new(root, "started", json_string(ts));
    json_object_set_new(root, "duration", json_real(r->duration));
    json_object_set_new(cl, "spec", json_string(r->client->spec));
    json_object_set_new(cl, "adapter", json_string(r->client->path));
    json_object_set_new(
        cl, "version",
        json_string(r->client->version ? r->client->version : "unknown"));
    json_object_set_new(root, "client", cl);
    if (r->world) {
        json_object_set_new(root, "world_build_seconds",
                            json_real(r->world->t_build));
        json_object_set_new(root, "world_up_seconds",
                            json_real(r->world->t_start));
    }
    for (i = 0; i < r->n; i++) {
        json_array_append_new(arr, dh_report_result_json(&r->results[i]));
        counts[r->results[i].verdict.kind]++;
    }
    json_object_set_new(root, "summary", dh_report_summary_json(counts));
    json_object_set_new(root, "results", arr);
    if (r->harness_error)
        json_object_set_new(root, "harness_error",
                            json_string(r->harness_error));
    if (r->run)
        json_object_set_new(root, "fixture", fixture_json(r->run));
    rc = json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(root);
    if (rc < 0)
        dh_warn("cannot write %s", path);
    return rc;
}

/* finish - close a report file: 0, or -1 with a warning when what was
 * written did not reach it (a full disk) */
static int finish(FILE *f, const char *path)
{
    int err = ferror(f);

    if (fclose(f) == 0 && !err)
        return 0;
    dh_warn("cannot write %s", path);
    return -1;
}

/* xml_escape - text safe inside XML attributes and elements */
static void xml_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '&')
            fputs("&amp;", f);
        else if (c == '<')
            fputs("&lt;", f);
        else if (c == '>')
            fputs("&gt;", f);
        else if (c == '"')
            fputs("&quot;", f);
        else if (c < 0x20 && c != '\n' && c != '\t')
            fputc('?', f);
        else
            fputc(c, f);
    }
}

/* junit_tag - the JUnit element of a verdict: NULL for a PASS */
static const char *junit_tag(dh_verdict_kind k)
{
    switch (k) {
    case DH_V_PASS:
        return NULL;
    case DH_V_FAIL:
    case DH_V_XPASS:
        return "failure";
    case DH_V_SKIP:
    case DH_V_XFAIL:
        return "skipped";
    default:
        return "error";
    }
}

/* junit_case - one <testcase> */
static void junit_case(FILE *f, const dh_report *r, const dh_result *res)
{
    const char *tag = junit_tag(res->verdict.kind);

    fprintf(f, "    <testcase classname=\"dane-harness.");
    xml_escape(f, r->client->name);
    fprintf(f, "\" name=\"%s\" time=\"%.3f\">\n", res->ws->sc->id,
            res->attempt.seconds);
    if (tag) {
        fprintf(f, "      <%s type=\"%s\" message=\"", tag,
                res->verdict.kind == DH_V_FAIL
                    ? dh_severity_name(res->verdict.severity)
                    : dh_verdict_name(res->verdict.kind));
        xml_escape(f, res->verdict.reason);
        fprintf(f, "\">");
        xml_escape(f, res->ws->sc->title);
        fprintf(f, " (%s; %s)</%s>\n", res->ws->sc->rfc,
                res->ws->sc->requirement, tag);
    }
    fprintf(f, "    </testcase>\n");
}

/* dh_report_junit - one testcase per scenario */
int dh_report_junit(const char *path, const dh_report *r)
{
    FILE *f = fopen(path, "w");
    size_t i, fails = 0, errors = 0, skipped = 0;

    if (f == NULL) {
        dh_warn("cannot write %s", path);
        return -1;
    }
    for (i = 0; i < r->n; i++) {
        dh_verdict_kind k = r->results[i].verdict.kind;

        if (k == DH_V_FAIL || k == DH_V_XPASS)
            fails++;
        else if (k == DH_V_SKIP || k == DH_V_XFAIL)
            skipped++;
        else if (k != DH_V_PASS)
            errors++;
    }
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
               "  <testsuite name=\"dane-harness: ");
    xml_escape(f, r->client->spec);
    fprintf(f,
            "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
            "skipped=\"%zu\" time=\"%.3f\">\n",
            r->n, fails, errors, skipped, r->duration);
    for (i = 0; i < r->n; i++)
        junit_case(f, r, &r->results[i]);
    fprintf(f, "  </testsuite>\n</testsuites>\n");
    return finish(f, path);
}

/* dh_report_tap - Test Anything Protocol, version 13 */
int dh_report_tap(const char *path, const dh_report *r)
{
    FILE *f = fopen(path, "w");
    size_t i;

    if (f == NULL) {
        dh_warn("cannot write %s", path);
        return -1;
    }
    fprintf(f, "TAP version 13\n1..%zu\n", r->n);
    for (i = 0; i < r->n; i++) {
        const dh_result *res = &r->results[i];
        char label[32];

        verdict_label(&res->verdict, label, sizeof(label));
        fprintf(
            f, "%s %zu - %s # %s %s%s\n",
            res->verdict.kind == DH_V_PASS || res->verdict.kind == DH_V_XPASS
                ? "ok"
                : "not ok",
            i + 1, res->ws->sc->id,
            res->verdict.kind == DH_V_XFAIL || res->verdict.kind == DH_V_XPASS
                ? "TODO"
                : label,
            res->verdict.reason,
            res->verdict.kind == DH_V_SKIP ? " # SKIP" : "");
    }
    return finish(f, path);
}

/* html - text escaped for HTML */
static void html(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

/* html_conn - one observed connection as a list item */
static void html_conn(FILE *f, const dh_conn_obs *c)
{
    fputs("<li><code>", f);
    html(f, c->host);
    fputs("</code> ", f);
    html(f, c->addr);
    fputs(", persona <code>", f);
    html(f, c->persona);
    fprintf(f, "</code>: STARTTLS %s%s",
            c->starttls_offered ? "offered" : "not offered",
            c->starttls_cmd ? ", used" : "");
    if (c->starttls_cmd) {
        fprintf(f, "; TLS %s", c->tls_ok ? "ok" : "failed");
        if (c->tls_version) {
            fputs(" ", f);
            html(f, c->tls_version);
        }
        fputs(", SNI ", f);
        html(f, c->sni ? c->sni : "(none)");
        if (c->tls_error) {
            fputs(" (", f);
            html(f, c->tls_error);
            fputs(")", f);
        }
    }
    fprintf(f, "; %s%s</li>\n",
            c->message ? "<b>message received</b>"
                       : (c->mail ? "MAIL FROM, no message" : "no message"),
            c->quit ? ", QUIT" : "");
}

/* html_evidence - the connections and DNS queries of one result */
static void html_evidence(FILE *f, const dh_result *res)
{
    size_t j;

    if (res->obs.nconns) {
        fputs("<p>Connections seen by the fake MX servers:</p><ul>", f);
        for (j = 0; j < res->obs.nconns; j++)
            html_conn(f, &res->obs.conns[j]);
        fputs("</ul>", f);
    }
    if (res->obs.nqueries) {
        fputs("<p>DNS queries the client made:</p><ul>", f);
        for (j = 0; j < res->obs.nqueries; j++) {
            char *line = query_text(&res->obs.queries[j]);

            fputs("<li><code>", f);
            html(f, line);
            fputs("</code></li>", f);
            free(line);
        }
        fputs("</ul>", f);
    }
}

/* html_row - one scenario's row: verdict, reason, details, evidence */
static void html_row(FILE *f, const dh_result *res)
{
    const dh_scenario *sc = res->ws->sc;
    char label[32], *ex;

    verdict_label(&res->verdict, label, sizeof(label));
    fprintf(f, "<tr><td><code>%s</code></td><td class=\"%s\">%s</td><td>",
            sc->id, dh_verdict_name(res->verdict.kind), label);
    html(f, sc->rfc);
    fputs("</td><td>", f);
    html(f, res->verdict.reason);
    fputs("<details><summary>", f);
    html(f, sc->title);
    fputs("</summary><p>", f);
    html(f, sc->description ? sc->description : "");
    fputs("</p><p>Requirements: ", f);
    html(f, sc->requirement);
    ex = dh_scenario_expect_text(sc);
    fprintf(f, "; expected: %s; severity if failed: %s.</p>", ex,
            dh_severity_name(sc->severity));
    free(ex);
    fputs("<p>The client said: <code>", f);
    html(f,
         res->attempt.outcome_line ? res->attempt.outcome_line : "(nothing)");
    fputs("</code></p>", f);
    html_evidence(f, res);
    fputs("</details></td></tr>\n", f);
}

/* dh_report_html - one self-contained page for people */
int dh_report_html(const char *path, const dh_report *r)
{
    FILE *f = fopen(path, "w");
    size_t i, counts[DH_V_KINDS] = {0};
    char ts[64];
    time_t t = (time_t)r->started;

    if (f == NULL) {
        dh_warn("cannot write %s", path);
        return -1;
    }
    for (i = 0; i < r->n; i++)
        counts[r->results[i].verdict.kind]++;
    strftime(ts, sizeof(ts), "%Y-%m-%d %H:%M:%S UTC", gmtime(&t));
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<title>dane-harness: ",
          f);
    html(f, r->client->spec);
    fputs("</title>\n<style>body{font-family:sans-serif;margin:2em}"
          "table{border-collapse:collapse}td,th{padding:.3em .6em;"
          "border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
          ".PASS{color:#070}.FAIL{color:#b00;font-weight:bold}"
          ".ERROR,.HANG,.CRASH,.XPASS{color:#a60;font-weight:bold}"
          ".SKIP,.XFAIL{color:#777}"
          "details{margin:.2em 0}code{font-size:90%}</style></head><body>\n",
          f);
    fputs("<h1>RFC 7672 conformance of <code>", f);
    html(f, r->client->spec);
    fputs("</code></h1>\n<p>", f);
    html(f, r->client->version ? r->client->version : "unknown");
    fprintf(f,
            "; dane-harness %s; %s; %zu scenarios: %zu PASS, %zu FAIL, "
            "%zu ERROR, %zu HANG, %zu CRASH, %zu SKIP; run %.1f s</p>\n",
            DH_VERSION, ts, r->n, counts[DH_V_PASS], counts[DH_V_FAIL],
            counts[DH_V_ERROR], counts[DH_V_HANG], counts[DH_V_CRASH],
            counts[DH_V_SKIP], r->duration);
    if (r->harness_error) {
        fputs("<p class=\"ERROR\">harness error: ", f);
        html(f, r->harness_error);
        fputs("</p>\n", f);
    }
    fputs("<table><tr><th>scenario</th><th>verdict</th><th>RFC</th>"
          "<th>reason and evidence</th></tr>\n",
          f);
    for (i = 0; i < r->n; i++)
        html_row(f, &r->results[i]);
    fputs("</table></body></html>\n", f);
    return finish(f, path);
}

/* dh_exit_status_of - see report.h (an XPASS fails the run: the
 * expectations file is out of date) */
int dh_exit_status_of(const size_t counts[DH_V_KINDS], int harness_error)
{
    if (counts[DH_V_FAIL] || counts[DH_V_HANG] || counts[DH_V_CRASH] ||
        counts[DH_V_XPASS])
        return 1;
    return harness_error || counts[DH_V_ERROR] ? 2 : 0;
}

/* dh_report_exit_status - see report.h */
int dh_report_exit_status(const dh_report *r)
{
    size_t i, counts[DH_V_KINDS] = {0};

    for (i = 0; i < r->n; i++)
        counts[r->results[i].verdict.kind]++;
    return dh_exit_status_of(counts, r->harness_error != NULL);
}
