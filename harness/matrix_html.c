/*
 * matrix_html.c - the matrix as one self-contained HTML page (matrix.h):
 * inline CSS and script, no fetches.  A summary table (a row per
 * client), two filters ("only differences", "only failures"; also
 * chosen by the page's fragment: #differences, #failures, or both),
 * then the matrix: a row per scenario under its family's row, a cell
 * per client with the verdict, the reason and, folded (<details>), the
 * evidence.  Rows carry data-differs / data-fails; the filters set the
 * hidden attribute.
 */
#include "matrix.h"

#include <jansson.h>
#include <string.h>

static const char css[] =
    "body{font:14px/1.4 sans-serif;margin:1em 2em;color:#222}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
    "padding:3px 6px;vertical-align:top;text-align:left}"
    "th{background:#eee}tr.fam td{background:#dde;font-weight:bold}"
    ".v{font-weight:bold}.v-PASS{background:#e6f4e6}.v-FAIL{background:"
    "#f8d7d7}.v-ERROR,.v-HANG,.v-CRASH{background:#f3c6f3}.v-XFAIL{"
    "background:#fbeacc}.v-XPASS{background:#d7e6f8}.v-SKIP{background:"
    "#eee}.why{font-size:12px;max-width:24em}details{font-size:12px}"
    "code{font-size:12px}td.scn-id code{white-space:nowrap}td.scn-id .why{"
    "min-width:16em}";

static const char script[] =
    "function dhApply(){var d=document.getElementById('only-differences')"
    ".checked,f=document.getElementById('only-failures').checked,shown={}"
    ",n=0;document.querySelectorAll('tr.scn').forEach(function(r){var h="
    "(d&&r.dataset.differs!=='1')||(f&&r.dataset.fails!=='1');r.hidden=h;"
    "if(!h){shown[r.dataset.family]=1;n++;}});document.querySelectorAll("
    "'tr.fam').forEach(function(r){r.hidden=!shown[r.dataset.family];});"
    "document.getElementById('shown').textContent=n+' scenarios shown';}"
    "window.addEventListener('DOMContentLoaded',function(){['only-"
    "differences','only-failures'].forEach(function(id){var b=document."
    "getElementById(id);if(location.hash.indexOf(id.slice(5))>=0)b.checked="
    "true;b."
    "addEventListener('change',dhApply);});dhApply();});";

/* html - text escaped for HTML */
static void html(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

/* col_head - version line, extra words, report file */
static void col_head(FILE *f, const dh_rin *r)
{
    html(f, dh_matrix_col_name(r));
    if (dh_matrix_col_variant(r)[0]) {
        fputs(" <code>", f);
        html(f, dh_matrix_col_variant(r));
        fputs("</code>", f);
    }
}

/* summary - the per-client counts */
static void summary(FILE *f, const dh_matrix *m)
{
    size_t c;

    fputs("<h2>Summary</h2>\n<table id=\"summary\"><tr><th>client</th>"
          "<th>PASS</th><th>FAIL</th><th>security*</th><th>interop*</th>"
          "<th>advisory*</th><th>XFAIL</th><th>XPASS</th><th>ERROR</th>"
          "<th>HANG</th><th>CRASH</th><th>SKIP</th></tr>\n",
          f);
    for (c = 0; c < m->ncols; c++) {
        const dh_matrix_sum *s = &m->sums[c];

        fputs("<tr class=\"sum\"><td>", f);
        col_head(f, m->cols[c]);
        fprintf(f,
                "</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td>"
                "<td>%zu</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu"
                "</td><td>%zu</td><td>%zu</td></tr>\n",
                s->pass, s->fail, s->security, s->interop, s->advisory,
                s->xfail, s->xpass, s->error, s->hang, s->crash, s->skip);
    }
    fputs("</table>\n<p class=\"why\">* FAIL and XFAIL by severity (an "
          "XFAIL's is that of the FAIL it foresaw; for a foreseen HANG or "
          "CRASH, and in older reports, its scenario's).</p>\n",
          f);
}

/* conn - one connection of the evidence, as a list item */
static void conn(FILE *f, json_t *c)
{
    const char *keys[] = {"host", "address",   "persona",     "tls_version",
                          "sni",  "tls_error", "leaf_sha256", NULL};
    const char *flags[] = {"starttls_offered", "starttls_used", "tls_ok",
                           "message_received", "quit",          NULL};
    size_t i;

    fputs("<li>", f);
    for (i = 0; keys[i]; i++) {
        const char *v = json_string_value(json_object_get(c, keys[i]));

        if (v) {
            fprintf(f, "%s=<code>", keys[i]);
            html(f, v);
            fputs("</code> ", f);
        }
    }
    for (i = 0; flags[i]; i++)
        fprintf(f, "%s=%s ", flags[i],
                json_is_true(json_object_get(c, flags[i])) ? "yes" : "no");
    fputs("</li>", f);
}

/* evidence - the folded evidence of one cell */
static void evidence(FILE *f, const dh_rin_result *r)
{
    json_t *ev = r->evidence, *a, *x;
    const char *said = json_string_value(json_object_get(ev, "client_said"));
    size_t i;

    fputs("<details><summary>evidence</summary>", f);
    fputs("<p>client said: <code>", f);
    html(f, said ? said : "(nothing)");
    fputs("</code></p><p>connections:</p><ul>", f);
    a = json_object_get(ev, "connections");
    json_array_foreach(a, i, x) conn(f, x);
    fputs("</ul><p>DNS queries:</p><ul>", f);
    a = json_object_get(ev, "dns_queries");
    json_array_foreach(a, i, x)
    {
        fputs("<li><code>", f);
        html(f, json_string_value(x));
        fputs("</code></li>", f);
    }
    fputs("</ul></details>", f);
}

/* cell - one client's result for a scenario */
static void cell(FILE *f, const dh_rin_result *r)
{
    const char *sev;

    if (r == NULL) {
        fputs("<td class=\"v-none\">not run</td>", f);
        return;
    }
    sev = dh_matrix_cell_severity(r);
    fprintf(f, "<td class=\"v-%s\"><span class=\"v\">%s%s%s</span>", r->verdict,
            r->verdict, sev ? "/" : "", sev ? sev : "");
    fputs("<div class=\"why\">", f);
    html(f, r->reason);
    fputs("</div>", f);
    if (r->evidence)
        evidence(f, r);
    fputs("</td>", f);
}

/* row - a scenario's row, after its family's row when the family
 * changes */
static void row(FILE *f, const dh_matrix *m, size_t i)
{
    const dh_matrix_row *w = &m->rows[i];
    size_t c;

    if (i == 0 || strcmp(m->rows[i - 1].family, w->family) != 0)
        fprintf(f,
                "<tr class=\"fam\" data-family=\"%s\"><td colspan=\"%zu\">"
                "%s</td></tr>\n",
                w->family, m->ncols + 3, w->family);
    fprintf(f,
            "<tr class=\"scn\" id=\"s-%s\" data-family=\"%s\" "
            "data-differs=\"%d\" data-fails=\"%d\"><td class=\"scn-id\">"
            "<code>%s</code><div class=\"why\">",
            w->scenario, w->family, w->differs, w->fails, w->scenario);
    html(f, w->title);
    fputs("</div></td><td>", f);
    html(f, w->rfc);
    fputs("</td><td>", f);
    html(f, w->severity);
    fputs("</td>", f);
    for (c = 0; c < m->ncols; c++)
        cell(f, w->cells[c]);
    fputs("</tr>\n", f);
}

/* dh_matrix_html - see matrix.h */
int dh_matrix_html(FILE *f, const dh_matrix *m)
{
    size_t c, i;

    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset="
            "\"utf-8\"><title>dane-harness conformance matrix</title>"
            "<style>%s</style><script>%s</script></head><body>\n"
            "<h1>RFC 7672 conformance matrix</h1>\n",
            css, script);
    summary(f, m);
    fputs("<h2>Scenarios</h2>\n<p><label><input type=\"checkbox\" id=\""
          "only-differences\"> only differences</label> <label><input "
          "type=\"checkbox\" id=\"only-failures\"> only failures</label> "
          "<span id=\"shown\"></span></p>\n<table id=\"matrix\"><tr><th>"
          "scenario</th><th>RFC</th><th>severity</th>",
          f);
    for (c = 0; c < m->ncols; c++) {
        fputs("<th>", f);
        col_head(f, m->cols[c]);
        fputs("</th>", f);
    }
    fputs("</tr>\n", f);
    for (i = 0; i < m->nrows; i++)
        row(f, m, i);
    fputs("</table>\n</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}
