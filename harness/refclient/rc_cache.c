/*++
 * NAME
 *	rc_cache 3
 * SUMMARY
 *	TLSA answers kept across delivery attempts (mutant stale-tlsa-cache)
 * DESCRIPTION
 *	See rc_cache.h. One text file per query name in the state folder:
 *	"sec ans rcode count", the reason, the CNAME target, then each
 *	record's data in hex. Written to a temporary name and renamed, so
 *	that sends running at once never read half a file.
 *--*/

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/diag.h"
#include "refclient/rc_cache.h"

/* rc_cache_path - DIR/tlsa-NAME, the name's characters made safe */

static void rc_cache_path(const char *dir, const char *name, char *buf,
                          size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "%s/tlsa-", dir);
    const char *p;

    for (p = name; *p && n + 1 < len; p++)
        buf[n++] = isalnum((unsigned char)*p) || *p == '.' || *p == '-'
                       ? (char)tolower((unsigned char)*p)
                       : '_';
    buf[n < len ? n : len - 1] = 0;
}

/* rc_cache_line - one line without its newline, or -1 */

static int rc_cache_line(FILE *fp, char *buf, size_t len)
{
    if (fgets(buf, (int)len, fp) == 0)
        return (-1);
    buf[strcspn(buf, "\n")] = 0;
    return (0);
}

/* rc_cache_record - one hex line into record I of ANSWER */

static int rc_cache_record(const char *hex, rc_dns_answer *answer, int i)
{
    size_t n = strlen(hex) / 2;
    size_t k;
    unsigned v;

    if ((answer->data[i] = malloc(n ? n : 1)) == 0)
        return (-1);
    for (k = 0; k < n; k++) {
        if (sscanf(hex + 2 * k, "%2x", &v) != 1)
            return (-1);
        answer->data[i][k] = (unsigned char)v;
    }
    answer->len[i] = n;
    answer->count = i + 1;
    return (0);
}

/* rc_cache_load - see rc_cache.h */

int rc_cache_load(const char *dir, const char *name, rc_dns_answer *answer)
{
    char path[2048];
    static char line[70000];
    int sec, ans, count, i;
    FILE *fp;

    rc_cache_path(dir, name, path, sizeof(path));
    if ((fp = fopen(path, "r")) == 0)
        return (0);
    memset(answer, 0, sizeof(*answer));
    if (rc_cache_line(fp, line, sizeof(line)) < 0 ||
        sscanf(line, "%d %d %d %d", &sec, &ans, &answer->rcode, &count) != 4 ||
        count < 0 || count > 1000 ||
        rc_cache_line(fp, answer->why, sizeof(answer->why)) < 0 ||
        rc_cache_line(fp, answer->canon, sizeof(answer->canon)) < 0)
        goto bad;
    answer->sec = (rc_sec)sec;
    answer->ans = (rc_ans)ans;
    answer->data = calloc((size_t)count + 1, sizeof(*answer->data));
    answer->len = calloc((size_t)count + 1, sizeof(*answer->len));
    if (answer->data == 0 || answer->len == 0)
        goto bad;
    for (i = 0; i < count; i++)
        if (rc_cache_line(fp, line, sizeof(line)) < 0 ||
            rc_cache_record(line, answer, i) < 0)
            goto bad;
    fclose(fp);
    return (1);

bad:
    fclose(fp);
    rc_dns_answer_free(answer);
    dh_warn("%s: damaged, ignored", path);
    return (0);
}

/* rc_cache_save - see rc_cache.h */

int rc_cache_save(const char *dir, const char *name,
                  const rc_dns_answer *answer)
{
    char path[2048];
    char tmp[2100];
    FILE *fp;
    int i;
    size_t k;

    rc_cache_path(dir, name, path, sizeof(path));
    snprintf(tmp, sizeof(tmp), "%s.%ld", path, (long)getpid());
    if ((fp = fopen(tmp, "w")) == 0)
        return (-1);
    fprintf(fp, "%d %d %d %d\n%s\n%s\n", (int)answer->sec, (int)answer->ans,
            answer->rcode, answer->count, answer->why, answer->canon);
    for (i = 0; i < answer->count; i++) {
        for (k = 0; k < answer->len[i]; k++)
            fprintf(fp, "%02x", answer->data[i][k]);
        fputc('\n', fp);
    }
    if (fclose(fp) != 0 || rename(tmp, path) != 0) {
        unlink(tmp);
        return (-1);
    }
    return (0);
}
