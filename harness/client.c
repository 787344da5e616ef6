/*
 * client.c - the adapter: its path and extra words, the contract's
 * environment, and the verbs around the sends (version, capabilities,
 * setup, teardown).  The sends themselves (send, batch, retry) are in
 * client_send.c.
 */
#include "client.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"
#include "inject.h"
#include "proc.h"
#include "util.h"

#define VERB_TIMEOUT 120.0
#define HELO "client.danelab"

/* split_words - blank-separated words of a string, NULL-terminated */
static char **split_words(const char *s, size_t *n)
{
    char *copy = dh_strdup(s), *save = NULL, *w;
    char **v = NULL;
    size_t k = 0;

    for (w = strtok_r(copy, " \t", &save); w;
         w = strtok_r(NULL, " \t", &save)) {
        v = dh_realloc(v, (k + 2) * sizeof(*v));
        v[k++] = dh_strdup(w);
    }
    free(copy);
    if (v == NULL)
        v = dh_calloc(1, sizeof(*v));
    v[k] = NULL;
    *n = k;
    return v;
}

/* dh_client_open - see client.h */
int dh_client_open(dh_client *c, const char *spec, const char *libexec,
                   char *err, size_t errlen)
{
    size_t n, i;
    char **words = split_words(spec, &n);
    struct stat st;

    memset(c, 0, sizeof(*c));
    if (n == 0) {
        snprintf(err, errlen, "--client needs an adapter name or path");
        free(words);
        return -1;
    }
    c->spec = dh_strdup(spec);
    if (strchr(words[0], '/')) {
        c->path = realpath(words[0], NULL);
        if (c->path == NULL)
            c->path = dh_strdup(words[0]);
        c->name = dh_strdup(strrchr(words[0], '/') + 1);
    } else {
        c->path = dh_asprintf("%s/adapters/%s", libexec, words[0]);
        c->name = dh_strdup(words[0]);
    }
    free(words[0]);
    c->extra = dh_calloc(n, sizeof(char *));
    for (i = 1; i < n; i++)
        c->extra[i - 1] = words[i];
    free(words);
    c->timeout = 60;
    if (stat(c->path, &st) < 0 || !S_ISREG(st.st_mode) ||
        access(c->path, X_OK) < 0) {
        snprintf(err, errlen,
                 "adapter '%s': %s is not an executable file (bundled "
                 "adapters are in %s/adapters; see "
                 "docs/adapter-contract.md)",
                 c->name, c->path, libexec);
        return -1;
    }
    return 0;
}

/* dh_client_close - release the client description */
void dh_client_close(dh_client *c)
{
    size_t i;

    for (i = 0; c->extra && c->extra[i]; i++)
        free(c->extra[i]);
    free(c->extra);
    free(c->spec);
    free(c->name);
    free(c->path);
    free(c->version);
    memset(c, 0, sizeof(*c));
}

/* dh_client_env - the contract's environment variables */
void dh_client_env(const dh_world *w)
{
    char *wd = dh_asprintf("%s/adapter", w->rundir);

    setenv("DH_ADAPTER_API", "2", 1);
    setenv("DH_WORKDIR", wd, 1);
    setenv("DH_RESOLVER", "127.0.0.1", 1);
    setenv("DH_TRUST_ANCHOR", w->ta_path, 1);
    setenv("DH_PKIX_CA", w->pkix_ca_path, 1);
    setenv("DH_RESOLV_CONF", w->resolv_path, 1);
    setenv("DH_LIBEXEC", w->libexec, 1);
    setenv("DH_HELO", HELO, 1);
    free(wd);
}

/* dh_client_argv - see client.h */
char **dh_client_argv(const dh_client *c, const char *verb,
                      const char *const *args)
{
    size_t n = 0, i, k = 0;
    char **v;

    for (i = 0; args && args[i]; i++)
        n++;
    for (i = 0; c->extra[i]; i++)
        n++;
    v = dh_calloc(n + 3, sizeof(*v));
    v[k++] = c->path;
    v[k++] = (char *)verb;
    for (i = 0; args && args[i]; i++)
        v[k++] = (char *)args[i];
    for (i = 0; c->extra[i]; i++)
        v[k++] = c->extra[i];
    v[k] = NULL;
    return v;
}

/* run_verb - run one verb to completion; exit status, output in out */
static int run_verb(dh_client *c, const dh_world *w, const char *verb,
                    char **out)
{
    char **argv = dh_client_argv(c, verb, NULL);
    char *o = dh_asprintf("%s/adapter-%s.out", w->rundir, verb);
    char *e = dh_asprintf("%s/adapter-%s.err", w->rundir, verb);
    char *name = dh_asprintf("adapter %s", verb);
    dh_spawn_req req = {name, argv, NULL, o, e, -1, NULL};
    char tmo[32];
    int rc;

    snprintf(tmo, sizeof(tmo), "%.0f", VERB_TIMEOUT);
    setenv("DH_TIMEOUT", tmo, 1);
    unlink(o);
    unlink(e);
    rc = dh_run(&req, VERB_TIMEOUT);
    if (out)
        *out = dh_read_file(o, NULL);
    if (rc != 0 && rc != 3) {
        char *text = dh_read_file(e, NULL);

        dh_warn("adapter %s %s: exit %d: %s", c->name, verb, rc,
                text && *text ? text : "(no message)");
        free(text);
    }
    free(argv);
    free(o);
    free(e);
    free(name);
    return rc;
}

/* has_word - is word one of the lines of out? */
static int has_word(const char *out, const char *word)
{
    size_t n = strlen(word);
    const char *p;

    for (p = out; (p = strstr(p, word)) != NULL; p += n)
        if ((p == out || p[-1] == '\n') &&
            (p[n] == 0 || p[n] == '\n' || p[n] == ' ' || p[n] == '\r'))
            return 1;
    return 0;
}

/* dh_client_probe - version and capabilities */
void dh_client_probe(dh_client *c, const dh_world *w)
{
    char *out = NULL, *nl;

    if (run_verb(c, w, "version", &out) == 0 && out && *out) {
        nl = strchr(out, '\n');
        if (nl)
            *nl = 0;
        c->version = dh_strdup(out);
    } else {
        c->version = dh_strdup("unknown");
    }
    free(out);
    out = NULL;
    if (run_verb(c, w, "capabilities", &out) == 0 && out) {
        c->parallel = has_word(out, "parallel");
        c->ipv6 = has_word(out, "ipv6");
        c->retry = has_word(out, "retry");
        c->batch = has_word(out, "batch");
        c->rootless = has_word(out, "rootless");
    }
    free(out);
}

/* dh_client_setup - start the client's private instance */
int dh_client_setup(dh_client *c, const dh_world *w)
{
    int rc = run_verb(c, w, "setup", NULL);

    return rc == 0 || rc == 3 ? 0 : -1;
}

/* dh_client_teardown - stop it */
void dh_client_teardown(dh_client *c, const dh_world *w)
{
    run_verb(c, w, "teardown", NULL);
}
