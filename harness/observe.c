/*
 * observe.c - read the fake MX events and the resolver's log (observe.h).
 *
 * Both files are read whole, once, after the daemons have stopped, and
 * checked before anything is judged from them: a file that is missing,
 * unreadable, cut short or damaged makes the run a harness error (-1 and
 * the reason); a run is never judged from part of its evidence.
 */
#include "observe.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "names.h"
#include "persona.h"
#include "util.h"

/* dh_obs_init - empty observations */
void dh_obs_init(dh_obs *o)
{
    memset(o, 0, sizeof(*o));
}

/* dh_run_obs_init - empty run observations */
void dh_run_obs_init(dh_run_obs *r)
{
    memset(r, 0, sizeof(*r));
}

/* fail - the loaders' error: "FILE[:LINE]: reason", always -1 */
static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* read_evidence - a whole evidence file that must exist and end with a
 * newline; NULL with err */
static char *read_evidence(const char *path, const char *what, char *err,
                           size_t errlen)
{
    size_t len = 0;
    char *text;

    errno = 0;
    text = dh_read_file(path, &len);
    if (text == NULL && errno != 0) {
        fail(err, errlen, "%s: cannot read %s: %s", path, what,
             strerror(errno));
        return NULL;
    }
    if (len == 0) {
        fail(err, errlen, "%s: %s is empty", path, what);
        free(text);
        return NULL;
    }
    if (memchr(text, 0, len) != NULL) {
        fail(err, errlen, "%s: %s holds a NUL byte: damaged", path, what);
        free(text);
        return NULL;
    }
    if (text[len - 1] != '\n') {
        fail(err, errlen, "%s: %s is truncated (its last line is incomplete)",
             path, what);
        free(text);
        return NULL;
    }
    return text;
}

/* next_line - split text in place: the line at *cur (NUL-terminated),
 * *cur moved past it; NULL at the end */
static char *next_line(char **cur)
{
    char *line = *cur, *nl;

    if (*line == 0)
        return NULL;
    nl = strchr(line, '\n'); /* read_evidence: every line has one */
    *nl = 0;
    *cur = nl + 1;
    return line;
}

/* add_incident - one more incident of the run */
static void add_incident(dh_run_obs *run, double from, double to,
                         const char *scenario, char *what)
{
    dh_incident *i;

    run->incidents = dh_realloc(run->incidents, (run->nincidents + 1) *
                                                    sizeof(*run->incidents));
    i = &run->incidents[run->nincidents++];
    i->from = from;
    i->to = to;
    i->scenario = scenario ? dh_strdup(scenario) : NULL;
    i->what = what;
}

/* jstr - string member or NULL */
static const char *jstr(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* jdup - copy of a string member, or NULL */
static char *jdup(json_t *obj, const char *key)
{
    const char *s = jstr(obj, key);

    return s ? dh_strdup(s) : NULL;
}

/* conn_of - the observation of a connection, created on first sight */
static dh_conn_obs *conn_of(dh_obs *o, json_t *ev, double ts)
{
    long id = (long)json_integer_value(json_object_get(ev, "conn"));
    const dh_persona *p;
    dh_conn_obs *c;
    size_t i;

    for (i = 0; i < o->nconns; i++)
        if (o->conns[i].conn == id) {
            o->conns[i].t_last = ts;
            return &o->conns[i];
        }
    o->conns = dh_realloc(o->conns, (o->nconns + 1) * sizeof(*o->conns));
    c = &o->conns[o->nconns++];
    memset(c, 0, sizeof(*c));
    c->conn = id;
    c->host = jdup(ev, "host");
    c->persona = jdup(ev, "persona");
    c->addr = jdup(ev, "local");
    c->t_first = c->t_last = ts;
    p = c->persona ? dh_persona_find(c->persona) : NULL;
    c->hostile = p ? p->hostile : 1;
    return c;
}

/* cmp_sink - bsearch order of sinks by scenario id */
static int cmp_sink(const void *key, const void *elem)
{
    return strcmp(key, ((const dh_obs_sink *)elem)->scenario);
}

/* find_sink - the sink of a scenario id (sinks sorted by id), or NULL */
static const dh_obs_sink *find_sink(const dh_obs_sink *sinks, size_t n,
                                    const char *id)
{
    return bsearch(id, sinks, n, sizeof(*sinks), cmp_sink);
}

/* add_event - one fake MX event into a scenario's observations */
static void add_event(dh_obs *o, json_t *ev, const char *type,
                      const char *token, double ts)
{
    dh_conn_obs *c = conn_of(o, ev, ts);

    if (strcmp(type, "ehlo") == 0) {
        if (json_is_true(json_object_get(ev, "starttls_offered")))
            c->starttls_offered = 1;
    } else if (strcmp(type, "starttls") == 0) {
        c->starttls_cmd = 1;
    } else if (strcmp(type, "tls") == 0) {
        json_t *chain = json_object_get(ev, "chain_sha256");

        c->tls_ok = json_is_true(json_object_get(ev, "ok"));
        c->tls_resumed = json_is_true(json_object_get(ev, "resumed"));
        free(c->tls_version);
        c->tls_version = jdup(ev, "version");
        free(c->sni);
        c->sni = jdup(ev, "sni");
        free(c->tls_error);
        c->tls_error = jdup(ev, "error");
        if (json_is_array(chain) && json_array_size(chain) > 0 &&
            json_is_string(json_array_get(chain, 0))) {
            free(c->leaf_sha256);
            c->leaf_sha256 =
                dh_strdup(json_string_value(json_array_get(chain, 0)));
        }
    } else if (strcmp(type, "mail") == 0) {
        c->mail = 1;
    } else if (strcmp(type, "message") == 0) {
        const char *t = jstr(ev, "token");

        /* a message answered with an error (data-reply=4xx/5xx) was
         * not accepted: it is not a delivery */
        if (t == NULL || json_is_false(json_object_get(ev, "accepted")))
            return;
        c->tokens =
            dh_realloc(c->tokens, (c->ntokens + 1) * sizeof(*c->tokens));
        c->token_tls = dh_realloc(c->token_tls, (c->ntokens + 1) * sizeof(int));
        c->token_tls[c->ntokens] = json_is_true(json_object_get(ev, "tls"));
        c->tokens[c->ntokens++] = dh_strdup(t);
        if (strcmp(t, token) == 0) {
            c->message = 1;
            c->message_tls = json_is_true(json_object_get(ev, "tls"));
        }
    } else if (strcmp(type, "disconnect") == 0) {
        c->quit = json_is_true(json_object_get(ev, "quit"));
    }
}

/* stop_record - check the fake MX's closing record against what was
 * read; hand out the losses */
static int stop_record(const char *path, int line, json_t *ev,
                       unsigned long nread, const dh_obs_sink *sinks, size_t n,
                       dh_run_obs *run, double t_start, char *err,
                       size_t errlen)
{
    json_t *by = json_object_get(ev, "lost_by_scenario"), *v;
    json_t *events = json_object_get(ev, "events");
    json_t *lost = json_object_get(ev, "lost");
    double ts = json_number_value(json_object_get(ev, "ts"));
    const char *key;

    if (!json_is_integer(events) || !json_is_integer(lost) ||
        !json_is_object(by))
        return fail(err, errlen, "%s:%d: malformed stop record", path, line);
    if ((unsigned long)json_integer_value(events) != nread)
        return fail(err, errlen,
                    "%s: holds %lu events, but the fake MX wrote %lu: the "
                    "file is incomplete",
                    path, nread, (unsigned long)json_integer_value(events));
    run->events = nread;
    run->lost_events = (unsigned long)json_integer_value(lost);
    json_object_foreach(by, key, v)
    {
        const dh_obs_sink *k = find_sink(sinks, n, key);
        unsigned long cnt = (unsigned long)json_integer_value(v);

        if (k) {
            k->obs->lost_events += cnt;
        } else {
            /* lost events of no known scenario (heartbeats, accept
             * errors): nothing after the first loss can be vouched for */
            add_incident(run, t_start, ts, NULL,
                         dh_asprintf("the fake MX could not record %lu "
                                     "event(s) outside any scenario "
                                     "(see fakemx.log)",
                                     cnt));
        }
    }
    return 0;
}

/* The events reader's state across lines. */
typedef struct {
    const char *path;
    const dh_obs_sink *sinks;
    size_t n;
    dh_run_obs *run;
    unsigned long nread; /* events before the stop record */
    double last;         /* time of the latest event */
    double t_start;      /* of the first */
    int stopped;
    char *err;
    size_t errlen;
} events_reader;

/* heartbeat - every event proves the fake MX's loop ran (ticks come every
 * 250 ms while it has nothing else to do): a long gap is an incident */
static void heartbeat(events_reader *r, double ts)
{
    dh_run_obs *run = r->run;

    if (r->last > 0 && ts - r->last > run->max_heartbeat_gap)
        run->max_heartbeat_gap = ts - r->last;
    if (r->last > 0 && ts - r->last > DH_FAKEMX_STALL)
        add_incident(run, r->last, ts, NULL,
                     dh_asprintf("the fake MX's heartbeat stopped for %.1f s "
                                 "(between %.3f and %.3f): it stalled or "
                                 "could not record events",
                                 ts - r->last, r->last, ts));
    if (ts > r->last)
        r->last = ts;
}

/* accept_error - a connection the fake MX could not serve: an incident */
static void accept_error(events_reader *r, json_t *ev, double ts)
{
    const char *why = jstr(ev, "error"), *local = jstr(ev, "local");
    double pause = json_number_value(json_object_get(ev, "pause"));

    add_incident(r->run, ts - 0.1, ts + pause + 0.1, NULL,
                 dh_asprintf("the fake MX could not serve a connection%s%s: "
                             "%s",
                             local ? " to " : "", local ? local : "",
                             why ? why : "accept failed"));
}

/* event_line - one line of the events file; -1 with the error */
static int event_line(events_reader *r, const char *l, int line)
{
    json_error_t jerr;
    json_t *ev;
    const char *sc, *type;
    const dh_obs_sink *k;
    double ts;
    int rc = 0;

    if (r->stopped)
        return fail(r->err, r->errlen, "%s:%d: an event after the stop record",
                    r->path, line);
    ev = json_loads(l, 0, &jerr);
    type = ev ? jstr(ev, "event") : NULL;
    if (type == NULL || !json_is_number(json_object_get(ev, "ts"))) {
        fail(r->err, r->errlen, "%s:%d: unreadable event (%s): damaged",
             r->path, line, ev ? "no event name or time" : jerr.text);
        json_decref(ev);
        return -1;
    }
    ts = json_number_value(json_object_get(ev, "ts"));
    if (strcmp(type, "stop") == 0) {
        rc = stop_record(r->path, line, ev, r->nread, r->sinks, r->n, r->run,
                         r->t_start, r->err, r->errlen);
        r->stopped = 1;
    } else if (r->nread++ == 0) {
        r->t_start = ts;
    }
    heartbeat(r, ts);
    if (strcmp(type, "accept_error") == 0)
        accept_error(r, ev, ts);
    sc = jstr(ev, "scenario");
    if (sc && (k = find_sink(r->sinks, r->n, sc)) != NULL)
        add_event(k->obs, ev, type, k->token, ts);
    json_decref(ev);
    return rc;
}

/* dh_obs_load_events - the fake MX events of every scenario, read once */
int dh_obs_load_events(const char *path, const dh_obs_sink *sinks, size_t n,
                       dh_run_obs *run, char *err, size_t errlen)
{
    char *text = read_evidence(path, "the fake MX events file", err, errlen);
    char *cur = text, *l;
    events_reader r = {path, sinks, n, run, 0, 0, 0, 0, err, errlen};
    int line = 0, rc = 0;

    if (text == NULL)
        return -1;
    while (rc == 0 && (l = next_line(&cur)) != NULL)
        rc = event_line(&r, l, ++line);
    free(text);
    if (rc == 0 && !r.stopped)
        rc = fail(err, errlen,
                  "%s: no stop record: the fake MX did not finish its "
                  "events file (killed, or its file system full?)",
                  path);
    return rc;
}

/* dh_scenario_of_name - see observe.h */
const char *dh_scenario_of_name(const char *name, char *buf, size_t len)
{
    static const char *tlds[] = {"." DH_TLD, "." DH_TLD2};
    size_t n = strlen(name), i;

    for (i = 0; i < 2; i++) {
        size_t t = strlen(tlds[i]);
        const char *end, *start;

        if (n <= t || strcasecmp(name + n - t, tlds[i]) != 0)
            continue;
        end = name + n - t;
        for (start = end; start > name && start[-1] != '.'; start--)
            ;
        if ((size_t)(end - start) >= len)
            return NULL;
        memcpy(buf, start, (size_t)(end - start));
        buf[end - start] = 0;
        for (char *p = buf; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        return buf;
    }
    return NULL;
}

/* A SERVFAIL reason the resolver logged, waiting for its reply line. */
typedef struct {
    char *key; /* "name type", lower case */
    char *why;
} reason;

/* key_of - "name type" in lower case (new string) */
static char *key_of(const char *name, const char *type)
{
    char *k = dh_asprintf("%s %s", name, type);

    for (char *p = k; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return k;
}

/* sink_of - the sink of a name's scenario, or NULL */
static const dh_obs_sink *sink_of(const dh_obs_sink *sinks, size_t n,
                                  const char *name)
{
    char id[128];

    if (dh_scenario_of_name(name, id, sizeof(id)) == NULL)
        return NULL;
    return find_sink(sinks, n, id);
}

/* on_query - "query: ADDR NAME TYPE CLASS" */
static void on_query(const char *rest, long t, const dh_obs_sink *sinks,
                     size_t n, const char *exclude, unsigned long *nq)
{
    char addr[64], name[300], type[32], klass[16];
    const dh_obs_sink *k;
    dh_obs *o;
    dh_query_obs *q;

    if (sscanf(rest, "%63s %299s %31s %15s", addr, name, type, klass) != 4)
        return;
    (*nq)++;
    if (strcmp(klass, "IN") != 0 || strcmp(addr, exclude) == 0 ||
        (k = sink_of(sinks, n, name)) == NULL)
        return;
    o = k->obs;
    o->queries =
        dh_realloc(o->queries, (o->nqueries + 1) * sizeof(*o->queries));
    q = &o->queries[o->nqueries++];
    memset(q, 0, sizeof(*q));
    q->name = dh_strdup(name);
    q->type = dh_strdup(type);
    q->client = dh_strdup(addr);
    q->asked = t;
}

/* on_reply - "reply: ADDR NAME TYPE CLASS RCODE SECONDS CACHED SIZE":
 * the oldest unanswered query it answers */
static void on_reply(const char *rest, const dh_obs_sink *sinks, size_t n,
                     const char *exclude, reason *rs, size_t nrs)
{
    char addr[64], name[300], type[32], klass[16], rcode[16];
    double secs;
    const dh_obs_sink *k;
    size_t i;

    if (sscanf(rest, "%63s %299s %31s %15s %15s %lf", addr, name, type, klass,
               rcode, &secs) != 6 ||
        strcmp(addr, exclude) == 0 || (k = sink_of(sinks, n, name)) == NULL)
        return;
    for (i = 0; i < k->obs->nqueries; i++) {
        dh_query_obs *q = &k->obs->queries[i];

        if (q->answered || strcmp(q->client, addr) != 0 ||
            strcasecmp(q->name, name) != 0 || strcasecmp(q->type, type) != 0)
            continue;
        q->answered = 1;
        snprintf(q->rcode, sizeof(q->rcode), "%s", rcode);
        q->seconds = secs;
        if (strcmp(rcode, "SERVFAIL") == 0) {
            char *key = key_of(name, type);
            size_t j;

            for (j = nrs; j-- > 0;)
                if (strcmp(rs[j].key, key) == 0) {
                    q->why = dh_strdup(rs[j].why);
                    break;
                }
            free(key);
        }
        return;
    }
}

/* on_servfail - "SERVFAIL <NAME TYPE CLASS>: reason" */
static void on_servfail(const char *rest, reason **rs, size_t *nrs)
{
    char name[300], type[32];
    const char *colon = strstr(rest, ">: ");

    if (colon == NULL || sscanf(rest, "SERVFAIL <%299s %31s", name, type) != 2)
        return;
    *rs = dh_realloc(*rs, (*nrs + 1) * sizeof(**rs));
    (*rs)[*nrs].key = key_of(name, type);
    (*rs)[*nrs].why = dh_strdup(colon + 3);
    (*nrs)++;
}

/* dh_obs_load_resolver - the client's queries and their answers, read
 * once, each given to the scenario whose zones it falls under */
int dh_obs_load_resolver(const char *unbound_log, const dh_obs_sink *sinks,
                         size_t n, const char *exclude_addr, dh_run_obs *run,
                         char *err, size_t errlen)
{
    char *text = read_evidence(unbound_log, "the resolver's log", err, errlen);
    char *cur = text, *l;
    reason *rs = NULL;
    size_t nrs = 0, i;
    unsigned long nq = 0, counted = 0, dropped = 0;
    int stopped = 0, stats = 0, rc = 0;

    if (text == NULL)
        return -1;
    while ((l = next_line(&cur)) != NULL) {
        const char *p;
        long t = 0;
        unsigned long a, b;

        sscanf(l, "[%ld]", &t);
        if ((p = strstr(l, "] query: ")) != NULL)
            on_query(p + 9, t, sinks, n, exclude_addr, &nq);
        else if ((p = strstr(l, "] reply: ")) != NULL)
            on_reply(p + 9, sinks, n, exclude_addr, rs, nrs);
        else if ((p = strstr(l, "] error: SERVFAIL <")) != NULL)
            on_servfail(p + 9, &rs, &nrs);
        else if (strstr(l, "] info: service stopped ") != NULL)
            stopped = 1;
        else if ((p = strstr(l, "] info: server stats for thread ")) != NULL) {
            p = strchr(p + 32, ':');
            if (p && sscanf(p, ": %lu queries,", &a) == 1) {
                counted += a;
                stats++;
            } else if (p && (p = strstr(p, " exceeded ")) != NULL &&
                       sscanf(p, " exceeded %lu jostled %lu", &a, &b) == 2) {
                dropped += a + b;
            }
        }
    }
    for (i = 0; i < nrs; i++) {
        free(rs[i].key);
        free(rs[i].why);
    }
    free(rs);
    free(text);
    run->resolver_queries = counted;
    run->resolver_dropped = dropped;
    if (!stopped || stats == 0)
        rc = fail(err, errlen,
                  "%s: no end-of-service record: the resolver did not "
                  "stop cleanly, its log may be incomplete",
                  unbound_log);
    else if (counted != nq)
        rc = fail(err, errlen,
                  "%s: holds %lu queries, but the resolver counted %lu: the "
                  "log is incomplete",
                  unbound_log, nq, counted);
    return rc;
}

/* dh_obs_free - release observations */
void dh_obs_free(dh_obs *o)
{
    size_t i;

    for (i = 0; i < o->nconns; i++) {
        dh_conn_obs *c = &o->conns[i];

        free(c->host);
        free(c->persona);
        free(c->addr);
        free(c->tls_version);
        free(c->sni);
        free(c->tls_error);
        free(c->leaf_sha256);
        for (size_t k = 0; k < c->ntokens; k++)
            free(c->tokens[k]);
        free(c->tokens);
        free(c->token_tls);
    }
    for (i = 0; i < o->nqueries; i++) {
        free(o->queries[i].name);
        free(o->queries[i].type);
        free(o->queries[i].client);
        free(o->queries[i].why);
    }
    free(o->conns);
    free(o->queries);
    dh_obs_init(o);
}

/* dh_run_obs_free - release run observations */
void dh_run_obs_free(dh_run_obs *r)
{
    size_t i;

    for (i = 0; i < r->nincidents; i++) {
        free(r->incidents[i].scenario);
        free(r->incidents[i].what);
    }
    free(r->incidents);
    dh_run_obs_init(r);
}
